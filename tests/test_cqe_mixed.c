/* SPDX-License-Identifier: ISC */
/* URING_SETUP_CQE_MIXED (6.18) against the real kernel: 32-byte CQEs take
 * two slots and fillers pad the ring's end, and neither may cost a job its
 * completion or surface as one.  The 32-byte CQEs come from NOPs with
 * IORING_NOP_CQE32, set on the queued SQE (no public op asks for one). */
#include "helpers.h"
#include "ring.h"

static uring_job big_noop(uring *t, void *data)
{
	uring_job j = uring_noop(t, data);
	assert_true(j > 0);
	struct uring__sqe *sqe = NULL;
	assert_int_equal(uring__job_sqe(t, j, &sqe), 0);
	sqe->nop_flags = IORING_NOP_CQE32;
	return j;
}

static void big_and_small_completions_across_wraps(void **state)
{
	(void)state;
	uring_options o = { .setup_flags = URING_SETUP_CQE_MIXED };
	uring *t = ring_or_skip(4, &o);   /* CQ of 8 slots */
	assert_true(t->setup_flags & IORING_SETUP_CQE_MIXED);
	for (uintptr_t round = 0; round < 40; round++) {
		uring_job want[3];
		want[0] = uring_noop(t, (void *)0);
		want[1] = big_noop(t, (void *)1);
		want[2] = (round % 3) ? big_noop(t, (void *)2) : uring_noop(t, (void *)2);
		for (int k = 0; k < 3; k++) {
			uring_completion c = wait_one(t);
			uintptr_t i = (uintptr_t)c.data;
			assert_true(i < 3);
			assert_int_equal(c.job, want[i]);
			assert_int_equal(c.result, 0);
			want[i] = 0;   /* once each */
		}
	}
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(t->stray_cqes, 0);   /* no half of a big CQE, no filler, read as one */
	uring_completion c;
	assert_int_equal(uring_get_cqe_nonblocking(t, &c), 0);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(big_and_small_completions_across_wraps),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
