/* SPDX-License-Identifier: ISC */
/* The sketch: copies stay put until the kernel has consumed their SQEs. */
#include "helpers.h"
#include "ring.h"

static void two_copies_in_one_op_never_overlap(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	/* The SQ is idle: exactly when a naive reset would reclaim the
	 * first copy while the op that owns it is still being built. */
	char *a = uring__sketch_alloc(t, 100, 1);
	assert_non_null(a);
	memset(a, 'a', 100);
	char *b = uring__sketch_alloc(t, 100, 1);
	assert_non_null(b);
	memset(b, 'b', 100);
	assert_true(b >= a + 100 || a >= b + 100);
	for (int i = 0; i < 100; i++)
		assert_int_equal(a[i], 'a');
	assert_int_equal(uring_exit(t), 0);
}

static void reset_once_the_kernel_consumed_everything(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	assert_true(uring_timeout(t, URING_CLOCK_MONOTONIC, 1000, false, NULL) > 0);
	uring_stats s;
	uring_get_debug_stats(t, &s);
	assert_int_equal(s.sketch_used, 16);
	assert_int_equal(uring_submit(t), 1);
	uring_get_debug_stats(t, &s);
	assert_int_equal(s.sketch_used, 0);   /* consumed: released by submit */
	(void)wait_one(t);
	assert_int_equal(uring_exit(t), 0);
}

static void outgrown_buffers_wait_for_the_reset(void **state)
{
	(void)state;
	uring *t = ring_or_skip(64, NULL);
	struct uring__kernel_timespec *first = NULL;
	/* 64 queued timeouts of 16 bytes fit; one 8 KiB copy does not. */
	for (int i = 0; i < 64; i++) {
		assert_true(uring_timeout(t, URING_CLOCK_MONOTONIC, 1000 + (uint64_t)i, false, NULL) > 0);
		if (!first)
			first = (void *)t->sketch.buf;
	}
	void *big = uring__sketch_alloc(t, 8192, 8);
	assert_non_null(big);
	uring_stats s;
	uring_get_debug_stats(t, &s);
	assert_int_equal(s.sketch_old_buffers, 1);
	assert_true(s.sketch_buffer_size >= 8192);
	assert_int_equal(first->tv_nsec, 1000);   /* the old copy is intact */
	assert_int_equal(uring_submit(t), 64);
	for (int i = 0; i < 64; i++)
		assert_int_equal(wait_one(t).result, -ETIME);
	uring_get_debug_stats(t, &s);
	assert_int_equal(s.sketch_old_buffers, 0);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_copies_in_one_op_never_overlap),
		cmocka_unit_test(reset_once_the_kernel_consumed_everything),
		cmocka_unit_test(outgrown_buffers_wait_for_the_reset),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
