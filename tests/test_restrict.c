/* SPDX-License-Identifier: ISC */
/* Restrictions against the real kernel (5.10): a ring created disabled,
 * restricted to chosen ops, register ops and SQE flags, then enabled. */
#include "file_helpers.h"

#include <sys/eventfd.h>

#define IORING_REGISTER_EVENTFD_OP 4u    /* the kernel's IORING_REGISTER_EVENTFD */

static uring *disabled_ring(void)
{
	uring_options o = { .setup_flags = URING_SETUP_R_DISABLED };
	return ring_or_skip(8, &o);
}

static void only_allowed_ops_run(void **state)
{
	(void)state;
	int fds_before = count_open_fds();
	uring *t = disabled_ring();
	/* Disabled: nothing can be submitted yet. */
	uring_job early = uring_noop(t, NULL);
	assert_true(early > 0);
	assert_int_equal(uring_submit(t), -EBADFD);

	unsigned ops[] = { URING_OP_NOP, URING_OP_READ };
	uring_restrictions r = { .ops = ops, .n_ops = 2, .sqe_flags_allowed = URING_LINK };
	assert_int_equal(uring_register_restrictions(t, &r), 0);
	assert_int_equal(uring_register_restrictions(t, &r), -EBUSY);
	assert_int_equal(uring_enable_rings(t), 0);
	assert_int_equal(uring_enable_rings(t), -EBADFD);
	assert_int_equal(uring_register_restrictions(t, &r), -EBADFD);
	/* The noop queued while disabled runs now. */
	assert_int_equal(complete(t, early), 0);

	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(write(p[1], "ok", 2), 2);
	char buf[2];
	assert_int_equal(complete(t, uring_read(t, p[0], buf, 2, -1, NULL)), 2);
	assert_memory_equal(buf, "ok", 2);
	/* Not listed: a write, a read carrying a flag outside the allowed ones. */
	assert_int_equal(complete(t, uring_write(t, p[1], "x", 1, -1, NULL)), -EACCES);
	uring_job j = uring_noop(t, NULL);
	assert_int_equal(uring_job_set_flags(t, j, URING_ASYNC), 0);
	assert_int_equal(complete(t, j), -EACCES);
	/* An allowed flag: a linked pair of noops. */
	j = uring_noop(t, NULL);
	assert_int_equal(uring_job_set_flags(t, j, URING_LINK), 0);
	uring_job k = uring_noop(t, NULL);
	assert_int_equal(complete(t, j), 0);
	assert_int_equal(complete(t, k), 0);
	/* Register calls not listed are refused; the probe still answers. */
	assert_int_equal(uring_register_eventfd(t, p[0]), -EACCES);
	assert_int_equal(uring_op_supported(t, URING_OP_NOP), 1);
	assert_int_equal(uring_op_supported(t, URING_OP_WRITE), 1);   /* the kernel has it */
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
	assert_int_equal(count_open_fds(), fds_before);
}

static void listed_register_ops_and_required_flags(void **state)
{
	(void)state;
	uring *t = disabled_ring();
	unsigned ops[] = { URING_OP_NOP };
	unsigned reg[] = { IORING_REGISTER_EVENTFD_OP };
	uring_restrictions r = { .ops = ops, .n_ops = 1, .register_ops = reg, .n_register_ops = 1,
				 .sqe_flags_allowed = URING_ASYNC, .sqe_flags_required = URING_ASYNC };
	assert_int_equal(uring_register_restrictions(t, &r), 0);
	assert_int_equal(uring_enable_rings(t), 0);
	int efd = eventfd(0, EFD_CLOEXEC);
	assert_true(efd >= 0);
	assert_int_equal(uring_register_eventfd(t, efd), 0);
	/* Every job must carry URING_ASYNC. */
	assert_int_equal(complete(t, uring_noop(t, NULL)), -EACCES);
	uring_job j = uring_noop(t, NULL);
	assert_int_equal(uring_job_set_flags(t, j, URING_ASYNC), 0);
	assert_int_equal(complete(t, j), 0);
	close(efd);
	assert_int_equal(uring_exit(t), 0);
}

static void refused_arguments(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	unsigned ops[] = { URING_OP_NOP };
	uring_restrictions r = { .ops = ops, .n_ops = 1 };
	assert_int_equal(uring_register_restrictions(t, &r), -EBADFD);   /* not created disabled */
	assert_int_equal(uring_enable_rings(t), -EBADFD);
	assert_int_equal(uring_exit(t), 0);

	t = disabled_ring();
	unsigned big[] = { 256 };
	uring_restrictions bad = { .ops = big, .n_ops = 1 };
	assert_int_equal(uring_register_restrictions(t, &bad), -EINVAL);
	bad = (uring_restrictions){ .register_ops = NULL, .n_register_ops = 1 };
	assert_int_equal(uring_register_restrictions(t, &bad), -EFAULT);
	bad = (uring_restrictions){ .sqe_flags_allowed = 0x100 };
	assert_int_equal(uring_register_restrictions(t, &bad), -EINVAL);
	assert_int_equal(uring_register_restrictions(t, NULL), -EFAULT);
	assert_int_equal(uring_register_restrictions(NULL, &r), -EINVAL);
	assert_int_equal(uring_enable_rings(NULL), -EINVAL);
	/* Nothing was registered by the refusals: a real list still goes in. */
	assert_int_equal(uring_register_restrictions(t, &r), 0);
	assert_int_equal(uring_enable_rings(t), 0);
	assert_int_equal(complete(t, uring_noop(t, NULL)), 0);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(only_allowed_ops_run),
		cmocka_unit_test(listed_register_ops_and_required_flags),
		cmocka_unit_test(refused_arguments),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
