/* SPDX-License-Identifier: ISC */
/* Timers against the real kernel: timeout remove and update, link-timeout
 * update, and multishot timeouts (a repeating timer as one job). */
#include "file_helpers.h"

#define MS 1000000ull
#define LONG_NS (10000 * MS)   /* never reached: the test removes or updates it */

/* Collects the next completion, which must be job's. */
static uring_completion next_of(uring *t, uring_job job)
{
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, job);
	return c;
}

/* Waits for the completions of two jobs, in either order: results in r[]. */
static void complete_pair(uring *t, uring_job a, uring_job b, int32_t r[2])
{
	for (int i = 0; i < 2; i++) {
		uring_completion c = wait_one(t);
		assert_true(c.job == a || c.job == b);
		r[c.job == b] = c.result;
	}
}

static void timeout_remove_cancels_the_timer(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	uring_job tm = uring_timeout(t, URING_CLOCK_MONOTONIC, LONG_NS, false, NULL);
	assert_true(tm > 0);
	assert_int_equal(uring_submit(t), 1);
	uring_job rm = uring_timeout_remove(t, tm, NULL);
	int32_t r[2];
	complete_pair(t, tm, rm, r);
	assert_int_equal(r[0], -ECANCELED);
	assert_int_equal(r[1], 0);
	/* Collected: the id is stale, refused before queueing. */
	assert_rejected(t, uring_timeout_remove(t, tm, NULL), ENOENT);
	assert_rejected(t, uring_timeout_update(t, tm, MS, false, NULL), ENOENT);
	assert_rejected(t, uring_link_timeout_update(t, tm, MS, NULL), ENOENT);

	/* A live job that is not a timeout: the kernel's -ENOENT. */
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	char b;
	uring_job rd = uring_read(t, p[0], &b, 1, -1, NULL);
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(complete(t, uring_timeout_remove(t, rd, NULL)), -ENOENT);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(complete(t, rd), 1);
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void timeout_update_rearms_the_timer(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	uring_job tm = uring_timeout(t, URING_CLOCK_MONOTONIC, LONG_NS, false, NULL);
	assert_int_equal(uring_submit(t), 1);
	uint64_t start = now_ns(CLOCK_MONOTONIC);
	uring_job up = uring_timeout_update(t, tm, 20 * MS, false, NULL);
	assert_true(up > 0);
	uring_completion c = wait_one(t);
	if (c.job == up && c.result == -EINVAL) {
		assert_int_equal(complete(t, uring_timeout_remove(t, tm, NULL)), 0);
		assert_int_equal(next_of(t, tm).result, -ECANCELED);
		fprintf(stderr, "skip: IORING_TIMEOUT_UPDATE needs Linux 5.11\n");
		assert_int_equal(uring_exit(t), 0);
		skip();
	}
	assert_int_equal(c.job, up);
	assert_int_equal(c.result, 0);
	assert_int_equal(next_of(t, tm).result, -ETIME);
	uint64_t took = now_ns(CLOCK_MONOTONIC) - start;
	assert_true(took >= 20 * MS && took < 5000 * MS);

	/* Absolute, on the timer's own clock. */
	tm = uring_timeout(t, URING_CLOCK_MONOTONIC, LONG_NS, false, NULL);
	assert_int_equal(uring_submit(t), 1);
	uint64_t at = now_ns(CLOCK_MONOTONIC) + 30 * MS;
	assert_int_equal(complete(t, uring_timeout_update(t, tm, at, true, NULL)), 0);
	assert_int_equal(next_of(t, tm).result, -ETIME);
	assert_true(now_ns(CLOCK_MONOTONIC) >= at);
	assert_int_equal(uring_exit(t), 0);
}

static void link_timeout_update_shortens_the_bound(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	char b;
	uring_job rd = uring_read(t, p[0], &b, 1, -1, NULL);
	assert_int_equal(uring_job_set_flags(t, rd, URING_LINK), 0);
	uring_job lt = uring_link_timeout(t, LONG_NS, NULL);
	assert_true(lt > 0);
	assert_int_equal(uring_submit(t), 2);
	uring_job up = uring_link_timeout_update(t, lt, 20 * MS, NULL);
	assert_true(up > 0);
	uring_completion c = wait_one(t);
	if (c.job == up && c.result == -EINVAL) {
		assert_int_equal(write(p[1], "x", 1), 1);
		int32_t r[2];
		complete_pair(t, rd, lt, r);
		fprintf(stderr, "skip: IORING_LINK_TIMEOUT_UPDATE needs Linux 5.15\n");
		close(p[0]);
		close(p[1]);
		assert_int_equal(uring_exit(t), 0);
		skip();
	}
	assert_int_equal(c.job, up);
	assert_int_equal(c.result, 0);
	/* The read is cancelled by the shortened bound; nothing was written. */
	int32_t r[2];
	complete_pair(t, rd, lt, r);
	assert_true(r[0] == -ECANCELED || r[0] == -EINTR);
	assert_int_equal(r[1], -ETIME);
	/* Once fired, the link timeout is collected: stale. */
	assert_rejected(t, uring_link_timeout_update(t, lt, MS, NULL), ENOENT);
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
}

/* The first completion of a multishot timer; skips on a kernel before 6.4. */
static uring_completion first_tick(uring *t, uring_job job)
{
	uring_completion c = next_of(t, job);
	if (c.result == -EINVAL && !(c.flags & URING_CQE_F_MORE)) {
		fprintf(stderr, "skip: IORING_TIMEOUT_MULTISHOT needs Linux 6.4\n");
		assert_int_equal(uring_exit(t), 0);
		skip();
	}
	return c;
}

static void multishot_timeout_fires_count_times(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	uint64_t start = now_ns(CLOCK_MONOTONIC);
	uring_job tm = uring_timeout_multishot(t, URING_CLOCK_MONOTONIC, 10 * MS, 3, (void *)"tick");
	assert_true(tm > 0);
	uring_completion c = first_tick(t, tm);
	for (int i = 0; i < 3; i++) {
		if (i > 0)
			c = next_of(t, tm);
		assert_int_equal(c.result, -ETIME);
		assert_string_equal(c.data, "tick");
		/* F_MORE on every tick but the last, which frees the job. */
		assert_int_equal(!!(c.flags & URING_CQE_F_MORE), i < 2);
		assert_int_equal(uring_active_ops(t), i < 2 ? 1 : 0);
	}
	assert_true(now_ns(CLOCK_MONOTONIC) - start >= 30 * MS);
	assert_rejected(t, uring_timeout_remove(t, tm, NULL), ENOENT);
	assert_int_equal(uring_exit(t), 0);
}

static void multishot_timeout_runs_until_removed(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	uring_job tm = uring_timeout_multishot(t, URING_CLOCK_BOOTTIME, 5 * MS, 0, NULL);
	uring_completion c = first_tick(t, tm);
	for (int i = 0; i < 5; i++) {
		assert_int_equal(c.result, -ETIME);
		assert_true(c.flags & URING_CQE_F_MORE);
		c = next_of(t, tm);
	}
	/* Updated, it keeps repeating at the new period. */
	uring_job up = uring_timeout_update(t, tm, 2 * MS, false, NULL);
	for (;;) {
		c = wait_one(t);
		if (c.job == up)
			break;
		assert_int_equal(c.job, tm);
	}
	assert_int_equal(c.result, 0);
	c = next_of(t, tm);
	assert_int_equal(c.result, -ETIME);
	assert_true(c.flags & URING_CQE_F_MORE);

	uring_job rm = uring_timeout_remove(t, tm, NULL);
	bool removed = false, ended = false;
	while (!removed || !ended) {
		c = wait_one(t);
		if (c.job == rm) {
			assert_int_equal(c.result, 0);
			removed = true;
		} else {
			assert_int_equal(c.job, tm);
			if (!(c.flags & URING_CQE_F_MORE)) {
				assert_int_equal(c.result, -ECANCELED);
				ended = true;
			}
		}
	}
	assert_int_equal(uring_active_ops(t), 0);

	/* uring_cancel ends one too. */
	tm = uring_timeout_multishot(t, URING_CLOCK_MONOTONIC, 5 * MS, 0, NULL);
	assert_int_equal(uring_submit(t), 1);
	uring_job cn = uring_cancel(t, tm, NULL);
	ended = removed = false;
	while (!removed || !ended) {
		c = wait_one(t);
		if (c.job == cn) {
			removed = true;
		} else if (!(c.flags & URING_CQE_F_MORE)) {
			assert_int_equal(c.result, -ECANCELED);
			ended = true;
		}
	}
	assert_int_equal(uring_exit(t), 0);
}

static void bad_timer_arguments_queue_nothing(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	assert_rejected(t, uring_timeout_multishot(t, URING_CLOCK_MONOTONIC, 0, 1, NULL), EINVAL);
	assert_rejected(t, uring_timeout_multishot(t, (uring_clock)9, MS, 1, NULL), EINVAL);
	assert_rejected(t, uring_timeout_remove(t, 777, NULL), ENOENT);
	assert_rejected(t, uring_timeout_update(t, -5, MS, false, NULL), ENOENT);
	assert_rejected(t, uring_link_timeout_update(t, 0, MS, NULL), ENOENT);
	assert_int_equal(uring_timeout_remove(NULL, 1, NULL), -EINVAL);
	assert_int_equal(uring_timeout_multishot(NULL, URING_CLOCK_MONOTONIC, MS, 1, NULL), -EINVAL);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(timeout_remove_cancels_the_timer),
		cmocka_unit_test(timeout_update_rearms_the_timer),
		cmocka_unit_test(link_timeout_update_shortens_the_bound),
		cmocka_unit_test(multishot_timeout_fires_count_times),
		cmocka_unit_test(multishot_timeout_runs_until_removed),
		cmocka_unit_test(bad_timer_arguments_queue_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
