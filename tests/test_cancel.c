/* SPDX-License-Identifier: ISC */
/* uring_cancel: every legal outcome, and ids that must be refused. */
#include "helpers.h"

#define CANCEL_TAG ((void *)(intptr_t)-1)

/* Collects the target's and the cancel's completions, in either order. */
static void collect_pair(uring *t, uring_job target, uring_job cancel, int *target_res, int *cancel_res)
{
	int got = 0;
	while (got < 2) {
		uring_completion c = wait_one(t);
		if (c.job == target)
			*target_res = c.result;
		else if (c.job == cancel)
			*cancel_res = c.result;
		else
			fail_msg("completion for an unknown job %lld", (long long)c.job);
		got++;
	}
}

static void cancel_a_timeout(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	uring_job tm = uring_timeout(t, URING_CLOCK_MONOTONIC, 60ull * 1000000000u, false, NULL);
	assert_true(tm > 0);
	assert_int_equal(uring_submit(t), 1);
	uring_job cj = uring_cancel(t, tm, CANCEL_TAG);
	assert_true(cj > 0);
	assert_int_equal(uring_active_ops(t), 2);
	int tr = 1, cr = 1;
	collect_pair(t, tm, cj, &tr, &cr);
	assert_int_equal(tr, -ECANCELED);
	assert_int_equal(cr, 0);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_exit(t), 0);
}

static void cancel_a_blocked_pipe_read(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	int p[2];
	assert_int_equal(pipe(p), 0);
	char buf[16];
	uring_job rd = uring_read(t, p[0], buf, sizeof(buf), 0, NULL);
	assert_true(rd > 0);
	assert_int_equal(uring_submit(t), 1);
	uring_job cj = uring_cancel(t, rd, CANCEL_TAG);
	assert_true(cj > 0);
	int rr = 1, cr = 1;
	collect_pair(t, rd, cj, &rr, &cr);
	/* Either the read was still waiting (cancelled), or a worker was
	 * already running it and was interrupted. */
	if (rr == -ECANCELED)
		assert_int_equal(cr, 0);
	else if (rr == -EINTR)
		assert_int_equal(cr, -EALREADY);
	else
		fail_msg("read %d, cancel %d", rr, cr);
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void cancel_a_completed_but_uncollected_job(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	uring_job nj = uring_noop(t, NULL);
	assert_true(nj > 0);
	assert_int_equal(uring_submit(t), 1);   /* the noop completes here */
	uring_job cj = uring_cancel(t, nj, CANCEL_TAG);
	assert_true(cj > 0);                    /* still live: not yet collected */
	int nr = 1, cr = 1;
	collect_pair(t, nj, cj, &nr, &cr);
	assert_int_equal(nr, 0);
	assert_int_equal(cr, -ENOENT);
	assert_int_equal(uring_exit(t), 0);
}

static void cancel_of_a_collected_job_queues_nothing(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	uring_job nj = uring_noop(t, NULL);
	assert_true(nj > 0);
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, nj);
	assert_int_equal(uring_cancel(t, nj, NULL), -ENOENT);
	assert_int_equal(uring_sqe_ready(t), 0);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_exit(t), 0);
}

static void stale_id_never_reaches_the_job_reusing_its_slot(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	uring_job old = uring_noop(t, NULL);
	assert_true(old > 0);
	(void)wait_one(t);
	/* Every slot of the ring's heap is reused many times over. */
	for (int k = 0; k < 256; k++) {
		assert_true(uring_noop(t, NULL) > 0);
		(void)wait_one(t);
	}
	uring_job tm = uring_timeout(t, URING_CLOCK_MONOTONIC, 60ull * 1000000000u, false, NULL);
	assert_true(tm > 0);
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(uring_cancel(t, old, NULL), -ENOENT);
	assert_int_equal(uring_sqe_ready(t), 0);
	/* The timeout is untouched: still pending after a short wait. */
	uring_completion c;
	usleep(20000);
	assert_int_equal(uring_get_cqe_nonblocking(t, &c), 0);
	assert_int_equal(uring_active_ops(t), 1);
	uring_job cj = uring_cancel(t, tm, CANCEL_TAG);
	int tr = 1, cr = 1;
	collect_pair(t, tm, cj, &tr, &cr);
	assert_int_equal(tr, -ECANCELED);
	assert_int_equal(uring_exit(t), 0);
}

/* Ids are unique across rings: another ring's id is refused, never taken
 * for one of this ring's jobs (both rings' first jobs once had equal ids). */
static void another_rings_id_is_refused(void **state)
{
	(void)state;
	uring *a = ring_or_skip(4, NULL), *b = ring_or_skip(4, NULL);
	uring_job ja = uring_noop(a, NULL);
	uring_job tm = uring_timeout(b, URING_CLOCK_MONOTONIC, 60ull * 1000000000u, false, NULL);
	assert_true(ja > 0 && tm > 0);
	assert_int_equal(uring_submit(b), 1);
	assert_int_equal(uring_cancel(b, ja, NULL), -ENOENT);
	assert_int_equal(uring_cancel(a, tm, NULL), -ENOENT);
	assert_int_equal(uring_job_set_flags(b, ja, URING_LINK), -ENOENT);
	assert_int_equal(uring_sqe_ready(b), 0);
	usleep(20000);
	uring_completion c;
	assert_int_equal(uring_reap(b, &c, 1), 0);   /* b's timer untouched */
	assert_int_equal(uring_active_ops(b), 1);
	uring_job cj = uring_cancel(b, tm, CANCEL_TAG);
	int tr = 1, cr = 1;
	collect_pair(b, tm, cj, &tr, &cr);
	assert_int_equal(tr, -ECANCELED);
	assert_int_equal(wait_one(a).job, ja);
	assert_int_equal(uring_exit(a), 0);
	assert_int_equal(uring_exit(b), 0);
}

static void invented_ids_are_refused(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	assert_int_equal(uring_cancel(t, 0, NULL), -ENOENT);
	assert_int_equal(uring_cancel(t, -5, NULL), -ENOENT);
	assert_int_equal(uring_cancel(t, INT64_MAX, NULL), -ENOENT);
	assert_int_equal(uring_cancel(t, (int64_t)1 << 32, NULL), -ENOENT);
	assert_int_equal(uring_sqe_ready(t), 0);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cancel_a_timeout),
		cmocka_unit_test(cancel_a_blocked_pipe_read),
		cmocka_unit_test(cancel_a_completed_but_uncollected_job),
		cmocka_unit_test(cancel_of_a_collected_job_queues_nothing),
		cmocka_unit_test(stale_id_never_reaches_the_job_reusing_its_slot),
		cmocka_unit_test(invented_ids_are_refused),
		cmocka_unit_test(another_rings_id_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
