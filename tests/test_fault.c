/* SPDX-License-Identifier: ISC */
/* Every fault-injected syscall failure yields a clean error, no leak, and a
 * ring that keeps working (or a create that is cleanly refused). */
#include "helpers.h"

#include <fcntl.h>
#include "ring.h"
#include "syscall.h"

#include <malloc.h>

static size_t heap_in_use(void)
{
	return mallinfo2().uordblks;
}

static void teardown_fault(void)
{
	uring__fault_clear();
}

static void setup_failures_refuse_create_cleanly(void **state)
{
	(void)state;
	static const int errs[] = { ENOMEM, EMFILE, ENFILE, EPERM, ENOSYS, EFAULT };
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		int fds = count_open_fds();
		size_t mem = heap_in_use();
		uring__fault_arm(URING__SYS_SETUP, 0, errs[i], 0);
		errno = 0;
		assert_null(uring_create(8, NULL));
		assert_int_equal(errno, errs[i]);
		assert_int_equal(count_open_fds(), fds);
		assert_int_equal(heap_in_use(), mem);
	}
	teardown_fault();
}

static void setup_without_no_sqarray_falls_back_to_the_array(void **state)
{
	(void)state;
	/* An older kernel rejects NO_SQARRAY with EINVAL: retried without. */
	uring__fault_arm(URING__SYS_SETUP, 0, EINVAL, 0);
	uring *t = ring_or_skip(8, NULL);
	assert_non_null(t->sq.array);
	for (int i = 0; i < 20; i++) {
		assert_true(uring_noop(t, (void *)(intptr_t)i) > 0);
		uring_completion c = wait_one(t);
		assert_ptr_equal(c.data, (void *)(intptr_t)i);
	}
	assert_int_equal(uring_exit(t), 0);
	teardown_fault();
}

static void ring_fd_registration_failure_falls_back_to_the_fd(void **state)
{
	(void)state;
	/* Creation registers three times: the probe, the io-wq limits
	 * (probe.c), then the ring fd. */
	uring__fault_arm(URING__SYS_REGISTER, 2, ENOMEM, 0);
	uring *t = ring_or_skip(8, NULL);
	assert_int_equal(t->reg_index, -1);
	assert_true(uring_noop(t, NULL) > 0);
	uring_completion c = wait_one(t);
	assert_int_equal(c.result, 0);
	assert_int_equal(uring_exit(t), 0);
	teardown_fault();
}

static void submit_failures_keep_the_sqes_queued(void **state)
{
	(void)state;
	static const int errs[] = { EAGAIN, EBUSY, ENOMEM, EINTR };
	uring *t = ring_or_skip(8, NULL);
	for (size_t i = 0; i < sizeof(errs) / sizeof(errs[0]); i++) {
		assert_true(uring_noop(t, NULL) > 0);
		assert_true(uring_noop(t, NULL) > 0);
		uring__fault_arm(URING__SYS_ENTER, 0, errs[i], 0);
		assert_int_equal(uring_submit(t), -errs[i]);
		assert_int_equal(uring_sqe_ready(t), 2);
		assert_int_equal(uring_active_ops(t), 2);
		assert_int_equal(uring_submit(t), 2);
		uring_completion c[2];
		assert_int_equal(uring_reap(t, c, 2), 2);
	}
	assert_int_equal(uring_exit(t), 0);
	teardown_fault();
}

static void short_submit_leaves_the_rest_for_the_next(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	for (int i = 0; i < 4; i++)
		assert_true(uring_noop(t, (void *)(intptr_t)i) > 0);
	uring__fault_arm(URING__SYS_ENTER, 0, 0, 3);
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(uring_sqe_ready(t), 3);
	assert_int_equal(uring_submit(t), 3);
	uring_completion c[4];
	assert_int_equal(uring_reap(t, c, 4), 4);
	for (int i = 0; i < 4; i++)
		assert_ptr_equal(c[i].data, (void *)(intptr_t)i);   /* order kept */
	assert_int_equal(uring_exit(t), 0);
	teardown_fault();
}

static void wait_failures(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	assert_true(uring_noop(t, NULL) > 0);
	uring_completion c;
	uring__fault_arm(URING__SYS_ENTER, 0, EINTR, 0);
	assert_int_equal(uring_wait(t, &c), 0);        /* interrupted: nothing lost */
	assert_int_equal(uring_sqe_ready(t), 1);
	assert_int_equal(uring_wait(t, &c), 1);

	assert_true(uring_noop(t, NULL) > 0);
	uring__fault_arm(URING__SYS_ENTER, 0, EBADR, 0);
	assert_int_equal(uring_wait(t, &c), -EBADR);   /* dropped CQEs are reported */
	assert_int_equal(uring_wait(t, &c), 1);

	REQUIRE_FEATURE(t, WAIT_TIMEOUT, "5.11");
	assert_true(uring_noop(t, NULL) > 0);
	uring__fault_arm(URING__SYS_ENTER, 0, ENOMEM, 0);
	assert_int_equal(uring_wait_timeout(t, 1000000, &c), -ENOMEM);
	assert_int_equal(uring_wait_timeout(t, 1000000000, &c), 1);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_exit(t), 0);
	teardown_fault();
}

/* After -EBADR some job will never see its completion; exit cancels what
 * the kernel still holds, synchronously, and releases every job. */
static void exit_releases_the_jobs_of_a_ring_that_lost_completions(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	if (!uring_op_supported(t, URING_OP_SEND_ZC)) {
		fprintf(stderr, "skip: synchronous cancel needs Linux 6.0\n");
		skip();
	}
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	char buf[16];
	assert_true(uring_read(t, p[0], buf, sizeof(buf), -1, NULL) > 0);   /* never completes */
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(uring_exit(t), -EBUSY);
	uring_completion c;
	uring__fault_arm(URING__SYS_ENTER, 0, EBADR, 0);
	assert_int_equal(uring_wait(t, &c), -EBADR);
	assert_int_equal(uring_active_ops(t), 1);
	assert_int_equal(uring_exit(t), 0);
	/* The read was cancelled before exit returned: the pipe's data stays. */
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(read(p[0], buf, 1), 1);
	close(p[0]);
	close(p[1]);
	teardown_fault();
}

static void count_cancelled(const uring_completion *c, void *arg)
{
	unsigned *n = arg;
	assert_int_equal(c->result, -ECANCELED);
	assert_non_null(c->data);   /* a job of the caller's, never the library's own cancels */
	(*n)++;
}

/* Without the synchronous cancel (before 6.0: the ring is made as on 5.19,
 * whose probe lacks SEND_ZC, of the same release), the graceful exit
 * cancels each job by its id and keeps those cancel jobs' completions to
 * itself. */
static void graceful_exit_without_sync_cancel(void **state)
{
	(void)state;
	struct uring__fault_kernel k;
	uring__fault_kernel_as(&k, 519);
	uring__fault_kernel(&k);
	uring *t = ring_or_skip(16, NULL);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	static char tag[4];
	char buf[8];
	for (int i = 0; i < 3; i++)
		assert_true(uring_timeout(t, URING_CLOCK_MONOTONIC, 60ull * 1000000000u, false, &tag[i]) > 0);
	assert_true(uring_read(t, p[0], buf, sizeof(buf), -1, &tag[3]) > 0);
	uint64_t before = uring__sys_calls(URING__SYS_REGISTER);
	int registered = t->reg_index >= 0;   /* the ring fd: 5.18+ */
	unsigned n = 0;
	assert_int_equal(uring_exit_graceful(t, 5000000000u, count_cancelled, &n), 0);
	uring__fault_kernel(NULL);
	assert_int_equal(n, 4);
	/* At most exit's ring-fd unregister: no sync cancel. */
	assert_int_equal(uring__sys_calls(URING__SYS_REGISTER) - before, (uint64_t)registered);
	close(p[0]);
	close(p[1]);
	teardown_fault();
}

static void register_failures(void **state)
{
	(void)state;
	/* The probe is creation's first registration: without it the ring
	 * could not tell which ops to refuse, so creation fails cleanly. */
	int fds = count_open_fds();
	size_t mem = heap_in_use();
	uring__fault_arm(URING__SYS_REGISTER, 0, ENOMEM, 0);
	errno = 0;
	assert_null(uring_create(8, NULL));
	assert_int_equal(errno, ENOMEM);
	assert_int_equal(count_open_fds(), fds);
	assert_int_equal(heap_in_use(), mem);

	uring *t = ring_or_skip(8, NULL);
	assert_int_equal(uring_op_supported(t, URING_OP_NOP), 1);
	uring__fault_arm(URING__SYS_REGISTER, 0, ENOMEM, 0);
	assert_int_equal(uring_register_eventfd(t, 0), -ENOMEM);
	assert_int_equal(uring_exit(t), 0);
	teardown_fault();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(setup_failures_refuse_create_cleanly),
		cmocka_unit_test(setup_without_no_sqarray_falls_back_to_the_array),
		cmocka_unit_test(ring_fd_registration_failure_falls_back_to_the_fd),
		cmocka_unit_test(submit_failures_keep_the_sqes_queued),
		cmocka_unit_test(short_submit_leaves_the_rest_for_the_next),
		cmocka_unit_test(wait_failures),
		cmocka_unit_test(exit_releases_the_jobs_of_a_ring_that_lost_completions),
		cmocka_unit_test(graceful_exit_without_sync_cancel),
		cmocka_unit_test(register_failures),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
