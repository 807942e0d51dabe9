/* SPDX-License-Identifier: ISC */
/* The sketch: copies stay put until the kernel has consumed their SQEs. */
#include "helpers.h"
#include "ring.h"

#include <fcntl.h>

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

static struct uring__kernel_timespec *queued_timespec(uring *t, uring_job job)
{
	for (uint32_t pos = t->sq.sqe_head; pos != t->sq.sqe_tail; pos++) {
		struct uring__sqe *sqe = &t->sq.sqes[pos & t->sq.mask];
		if (sqe->user_data == (uint64_t)job)
			return (void *)(uintptr_t)sqe->addr;
	}
	return NULL;
}

static void outgrown_chunks_wait_for_the_head(void **state)
{
	(void)state;
	uring *t = ring_or_skip(64, NULL);
	/* 63 queued timeouts fit in one chunk; a 20000-byte copy does not. */
	uring_job first = 0;
	for (int i = 0; i < 63; i++) {
		uring_job j = uring_timeout(t, URING_CLOCK_MONOTONIC, 1000 + (uint64_t)i, false, NULL);
		assert_true(j > 0);
		if (!first)
			first = j;
	}
	struct uring__kernel_timespec *ts = queued_timespec(t, first);
	assert_non_null(ts);
	void *big = uring__sketch_alloc(t, 20000, 8);
	assert_non_null(big);
	uring_stats s;
	uring_get_debug_stats(t, &s);
	assert_int_equal(s.sketch_old_buffers, 1);
	assert_true(s.sketch_buffer_size >= 20000);
	assert_int_equal(ts->tv_nsec, 1000);   /* the waiting copy is intact */
	assert_true(uring_noop(t, NULL) > 0);  /* the op the big copy was for */
	assert_int_equal(uring_submit(t), 64);
	for (int i = 0; i < 64; i++)
		(void)wait_one(t);
	uring_get_debug_stats(t, &s);
	assert_int_equal(s.sketch_old_buffers, 0);
	assert_int_equal(s.sketch_used, 0);
	assert_int_equal(uring_exit(t), 0);
}

/* The SQ is never idle here: a copy-free op (a pipe read that stays
 * pending) is always queued ahead of the copying ones.  Chunks are still
 * reclaimed, by position, and the sketch stays one chunk. */
static void a_never_idle_queue_still_reclaims(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	int p[2];
	assert_int_equal(pipe(p), 0);
	char byte;
	for (int round = 0; round < 2000; round++) {
		assert_true(uring_read(t, p[0], &byte, 1, -1, NULL) > 0);
		assert_true(uring_timeout(t, URING_CLOCK_MONOTONIC, 1, false, NULL) > 0);
		assert_int_equal(uring_submit(t), 2);
		assert_int_equal(write(p[1], "x", 1), 1);
		(void)wait_one(t);
		(void)wait_one(t);
	}
	uring_stats s;
	uring_get_debug_stats(t, &s);
	assert_true(s.sketch_buffer_size <= 16384);
	assert_int_equal(s.sketch_old_buffers, 0);
	assert_int_equal(uring_exit(t), 0);
	close(p[0]);
	close(p[1]);
}

/* After a burst of large copies the chunks go back. */
static void memory_goes_back_after_a_burst(void **state)
{
	(void)state;
	uring *t = ring_or_skip(32, NULL);
	static struct iovec iov[1024];
	static char byte;
	for (int i = 0; i < 1024; i++)
		iov[i] = (struct iovec){ &byte, 1 };
	int fd = open("/dev/null", O_WRONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	for (int i = 0; i < 32; i++)   /* 32 x 16 KiB of iovec copies queued */
		assert_true(uring_writev(t, fd, iov, 1024, 0, NULL) > 0);
	uring_stats s;
	uring_get_debug_stats(t, &s);
	assert_true(s.sketch_buffer_size >= 32 * 16384);
	assert_int_equal(uring_submit(t), 32);
	for (int i = 0; i < 32; i++)
		assert_int_equal(wait_one(t).result, 1024);
	uring_get_debug_stats(t, &s);
	assert_true(s.sketch_buffer_size <= 5 * 16384);
	assert_int_equal(uring_exit(t), 0);
	close(fd);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(two_copies_in_one_op_never_overlap),
		cmocka_unit_test(reset_once_the_kernel_consumed_everything),
		cmocka_unit_test(outgrown_chunks_wait_for_the_head),
		cmocka_unit_test(a_never_idle_queue_still_reclaims),
		cmocka_unit_test(memory_goes_back_after_a_burst),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
