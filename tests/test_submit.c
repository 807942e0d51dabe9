/* SPDX-License-Identifier: ISC */
/* Submission and completion paths: SQ full, CQ overflow, the enter policy. */
#include "helpers.h"
#include "ring.h"
#include "syscall.h"

static uint64_t enters(void)
{
	return uring__sys_calls(URING__SYS_ENTER);
}

static void depth_one_with_more_jobs_in_flight_than_sq_entries(void **state)
{
	(void)state;
	uring *t = ring_or_skip(1, NULL);
	assert_int_equal(uring_queue_depth(t), 1);
	uring_job jobs[64];
	for (int i = 0; i < 64; i++) {
		/* 10 s timeouts: they stay in flight for the whole test. */
		jobs[i] = uring_timeout(t, URING_CLOCK_MONOTONIC, 10000000000ull, false, (void *)(intptr_t)i);
		assert_true(jobs[i] > 0);
		uring_stats s;
		uring_get_debug_stats(t, &s);
		assert_int_equal(s.sqe_ready, 1);
		assert_int_equal(uring_noop(t, NULL), 0);   /* SQ full: nothing queued */
		assert_int_equal(uring_active_ops(t), (unsigned)i + 1);
		assert_int_equal(uring_submit(t), 1);
	}
	assert_int_equal(uring_active_ops(t), 64);
	/* Cancel them all, one SQE at a time, collecting 128 completions. */
	int timeouts = 0, cancels = 0;
	for (int i = 0; i < 64; i++) {
		assert_true(uring_cancel(t, jobs[i], (void *)(intptr_t)-1) > 0);
		assert_int_equal(uring_submit(t), 1);
	}
	while (timeouts + cancels < 128) {
		uring_completion c = wait_one(t);
		if (c.data == (void *)(intptr_t)-1) {
			assert_int_equal(c.result, 0);
			cancels++;
		} else {
			assert_int_equal(c.result, -ECANCELED);
			timeouts++;
		}
	}
	assert_int_equal(timeouts, 64);
	assert_int_equal(cancels, 64);
	assert_int_equal(uring_exit(t), 0);
}

static void far_more_completions_than_cq_entries_nothing_lost(void **state)
{
	(void)state;
	enum { JOBS = 2000 };
	uring *t = ring_or_skip(4, NULL);   /* CQ of 8 */
	static unsigned char seen[JOBS];
	memset(seen, 0, sizeof(seen));
	for (int i = 0; i < JOBS; i++) {
		uring_job j = uring_noop(t, (void *)(intptr_t)i);
		if (j == 0) {
			assert_true(uring_submit(t) > 0);
			j = uring_noop(t, (void *)(intptr_t)i);
		}
		assert_true(j > 0);
	}
	assert_true(uring_submit(t) >= 0);
	assert_int_equal(uring_active_ops(t), JOBS);
	int got = 0;
	uring_completion c[64];
	while (got < JOBS) {
		int n = uring_reap(t, c, 64);
		assert_true(n >= 0);
		if (n == 0) {
			c[0] = wait_one(t);
			n = 1;
		}
		for (int k = 0; k < n; k++) {
			intptr_t i = (intptr_t)c[k].data;
			assert_true(i >= 0 && i < JOBS);
			assert_int_equal(seen[i], 0);   /* never twice */
			seen[i] = 1;
			assert_int_equal(c[k].result, 0);
		}
		got += n;
	}
	assert_int_equal(uring_active_ops(t), 0);
	uring_completion extra;
	assert_int_equal(uring_get_cqe_nonblocking(t, &extra), 0);
	assert_int_equal(uring_exit(t), 0);
}

static void submit_with_nothing_queued_makes_no_syscall(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	uint64_t before = enters();
	for (int i = 0; i < 10; i++)
		assert_int_equal(uring_submit(t), 0);
	assert_int_equal(enters(), before);
	assert_true(uring_noop(t, NULL) > 0);
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(enters(), before + 1);
	uring_completion c;
	assert_int_equal(uring_get_cqe_nonblocking(t, &c), 1);
	assert_int_equal(enters(), before + 1);   /* CQE already there: no syscall */
	assert_int_equal(uring_exit(t), 0);
}

static void wait_submits_and_waits_in_one_enter(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	for (int i = 0; i < 4; i++)
		assert_true(uring_noop(t, NULL) > 0);
	uint64_t before = enters();
	uring_completion c;
	assert_int_equal(uring_wait(t, &c), 1);
	assert_int_equal(enters(), before + 1);
	for (int i = 0; i < 3; i++)
		assert_int_equal(uring_wait(t, &c), 1);   /* already in the CQ */
	assert_int_equal(enters(), before + 1);
	assert_int_equal(uring_exit(t), 0);
}

static void nonblocking_get_never_submits(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	assert_true(uring_noop(t, NULL) > 0);
	uint64_t before = enters();
	uring_completion c;
	assert_int_equal(uring_get_cqe_nonblocking(t, &c), 0);
	assert_int_equal(uring_reap(t, &c, 1), 0);
	assert_int_equal(uring_sqe_ready(t), 1);   /* still queued */
	assert_int_equal(enters(), before);
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(uring_get_cqe_nonblocking(t, &c), 1);
	assert_int_equal(uring_exit(t), 0);
}

static void batch_reap_takes_what_is_ready_up_to_max(void **state)
{
	(void)state;
	uring *t = ring_or_skip(32, NULL);
	uring_job jobs[32];
	for (int i = 0; i < 32; i++)
		assert_true((jobs[i] = uring_noop(t, (void *)(intptr_t)i)) > 0);
	assert_int_equal(uring_submit(t), 32);
	uring_completion c[64];
	assert_int_equal(uring_reap(t, c, 10), 10);
	assert_int_equal(uring_active_ops(t), 22);
	assert_int_equal(uring_reap(t, c + 10, 64), 22);
	assert_int_equal(uring_reap(t, c, 64), 0);
	/* Nops complete in submission order. */
	for (int i = 0; i < 32; i++) {
		assert_int_equal((intptr_t)c[i].data, i);
		assert_int_equal(c[i].job, jobs[i]);
	}
	assert_int_equal(uring_exit(t), 0);
}

static void completion_data_survives_slot_reuse(void **state)
{
	(void)state;
	uring *t = ring_or_skip(2, NULL);
	uring_job first = uring_noop(t, (void *)1);
	assert_true(first > 0);
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, first);
	uring_job second = uring_noop(t, (void *)2);   /* reuses the slot */
	assert_true(second > 0);
	assert_true(second != first);
	assert_int_equal((uint32_t)second, (uint32_t)first);   /* same slot, new generation */
	assert_int_equal(uring_cancel(t, first, NULL), -ENOENT);   /* stale: refused */
	assert_int_equal(uring_sqe_ready(t), 1);                   /* nothing queued */
	c = wait_one(t);
	assert_int_equal(c.job, second);
	assert_ptr_equal(c.data, (void *)2);
	assert_int_equal(uring_exit(t), 0);
}

/* Another ring may post any user_data into ours (IORING_OP_MSG_RING); one
 * naming no live job is counted and dropped, never delivered or fatal. */
static void foreign_completion_is_dropped(void **state)
{
	(void)state;
	uring *sender = ring_or_skip(4, NULL);
	REQUIRE_OP(sender, MSG_RING, "5.18");
	uring *t = ring_or_skip(4, NULL);
	uring_job live = uring_timeout(t, URING_CLOCK_MONOTONIC, 30ull * 1000000000u, false, NULL);
	assert_true(live > 0);
	assert_int_equal(uring_submit(t), 1);
	/* A raw MSG_RING with the live job's slot but a wrong generation. */
	struct uring__sqe *sqe = uring__sqe_next(sender);
	assert_non_null(sqe);
	sqe->opcode = IORING_OP_MSG_RING;
	sqe->fd = t->ring_fd;
	sqe->addr = IORING_MSG_DATA;
	sqe->len = 77;
	sqe->off = (uint64_t)live + ((uint64_t)1 << 32);
	assert_true(uring__sqe_commit(sender, sqe, NULL) > 0);
	uring_completion c = wait_one(sender);
	assert_int_equal(c.result, 0);
	uring_completion got[4];
	usleep(10000);
	assert_int_equal(uring_reap(t, got, 4), 0);   /* not delivered */
	assert_int_equal(t->stray_cqes, 1);
	assert_int_equal(uring_active_ops(t), 1);     /* the live job untouched */
	assert_true(uring_cancel(t, live, NULL) > 0);
	int seen = 0;
	for (int i = 0; i < 2; i++)
		seen += wait_one(t).job == live;
	assert_int_equal(seen, 1);
	assert_int_equal(uring_exit(t), 0);
	assert_int_equal(uring_exit(sender), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(depth_one_with_more_jobs_in_flight_than_sq_entries),
		cmocka_unit_test(far_more_completions_than_cq_entries_nothing_lost),
		cmocka_unit_test(submit_with_nothing_queued_makes_no_syscall),
		cmocka_unit_test(wait_submits_and_waits_in_one_enter),
		cmocka_unit_test(nonblocking_get_never_submits),
		cmocka_unit_test(batch_reap_takes_what_is_ready_up_to_max),
		cmocka_unit_test(completion_data_survives_slot_reuse),
		cmocka_unit_test(foreign_completion_is_dropped),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
