/* SPDX-License-Identifier: ISC */
/* Ring resize against the real kernel: grow and shrink with jobs queued
 * (published and not), in flight and completed but uncollected, and the
 * refusals that leave the ring as it was. */
#include "helpers.h"

#include <fcntl.h>

static uring *deferred_ring_or_skip(unsigned depth)
{
	uring_options o = { .setup_flags = URING_SETUP_SINGLE_ISSUER | URING_SETUP_DEFER_TASKRUN };
	return ring_or_skip(depth, &o);
}

static void skip_without_resize(int ret, uring *t)
{
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "skip: no IORING_REGISTER_RESIZE_RINGS (kernel before 6.13)\n");
		uring_exit(t);
		skip();
	}
}

/* Collects n completions; each job of want[] exactly once, with data = its index. */
static void collect(uring *t, const uring_job *want, unsigned n)
{
	int seen[64] = { 0 };
	assert_true(n <= 64);
	for (unsigned i = 0; i < n; i++) {
		uring_completion c = wait_one(t);
		uintptr_t k = (uintptr_t)c.data;
		assert_true(k < n);
		assert_int_equal(c.job, want[k]);
		assert_int_equal(seen[k]++, 0);
	}
	assert_int_equal(uring_active_ops(t), 0);
}

static void grow_with_everything_pending(void **state)
{
	(void)state;
	uring *t = deferred_ring_or_skip(4);
	assert_int_equal(uring_queue_depth(t), 4);
	uring_job jobs[20];
	unsigned n = 0;
	/* in flight: a read of an empty pipe */
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	char byte;
	jobs[n] = uring_read(t, p[0], &byte, 1, -1, (void *)(uintptr_t)n);
	n++;
	/* completed, not collected */
	for (int i = 0; i < 3; i++, n++)
		jobs[n] = uring_noop(t, (void *)(uintptr_t)n);
	assert_int_equal(uring_submit(t), 4);
	/* queued, not published */
	for (int i = 0; i < 3; i++, n++)
		jobs[n] = uring_noop(t, (void *)(uintptr_t)n);
	assert_int_equal(uring_sqe_ready(t), 3);

	int ret = uring_resize(t, 16, 64);
	skip_without_resize(ret, t);
	assert_int_equal(ret, 0);
	assert_int_equal(uring_queue_depth(t), 16);
	assert_int_equal(uring_sqe_ready(t), 3);
	assert_int_equal(uring_sq_space_left(t), 13);
	assert_int_equal(uring_job_set_flags(t, jobs[n - 1], URING_ASYNC), 0);   /* still ours */
	/* room for more than the old depth */
	for (int i = 0; i < 12; i++, n++)
		jobs[n] = uring_noop(t, (void *)(uintptr_t)n);
	assert_int_equal(uring_sq_space_left(t), 1);
	assert_int_equal(write(p[1], "x", 1), 1);
	collect(t, jobs, n);
	assert_int_equal(byte, 'x');
	/* a batch the old CQ (8) could not hold at once */
	uring_completion cs[32];
	for (uintptr_t i = 0; i < 16; i++)
		jobs[i] = uring_noop(t, (void *)i);
	assert_int_equal(uring_wait_many(t, cs, 32, 16, URING_WAIT_FOREVER), 16);
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void shrink_keeps_what_fits_and_refuses_what_does_not(void **state)
{
	(void)state;
	uring *t = deferred_ring_or_skip(16);
	uring_job jobs[16];
	for (uintptr_t i = 0; i < 10; i++)
		jobs[i] = uring_noop(t, (void *)i);
	assert_int_equal(uring_submit(t), 10);
	int ret = uring_resize(t, 2, 4);   /* 10 completions cannot fit 4 */
	skip_without_resize(ret, t);
	assert_int_equal(ret, -EOVERFLOW);
	assert_int_equal(uring_queue_depth(t), 16);
	for (uintptr_t i = 10; i < 13; i++)
		jobs[i] = uring_noop(t, (void *)i);
	assert_int_equal(uring_resize(t, 2, 16), -EOVERFLOW);   /* 3 queued SQEs cannot fit 2 */
	assert_int_equal(uring_sqe_ready(t), 3);
	assert_int_equal(uring_resize(t, 4, 16), 0);   /* 10 posted + 3 queued fit */
	assert_int_equal(uring_queue_depth(t), 4);
	assert_int_equal(uring_sq_space_left(t), 1);
	collect(t, jobs, 13);
	assert_int_equal(uring_exit(t), 0);
}

static void refused_without_defer_taskrun(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	assert_int_equal(uring_resize(t, 8, 0), -EINVAL);
	assert_int_equal(uring_queue_depth(t), 4);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(grow_with_everything_pending),
		cmocka_unit_test(shrink_keeps_what_fits_and_refuses_what_does_not),
		cmocka_unit_test(refused_without_defer_taskrun),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
