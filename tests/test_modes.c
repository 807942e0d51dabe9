/* SPDX-License-Identifier: ISC */
/* Ring modes: SQPOLL, SINGLE_ISSUER|DEFER_TASKRUN, the registered ring fd,
 * NO_SQARRAY, and fork. */
#include "helpers.h"
#include "ring.h"
#include "syscall.h"

#include <pthread.h>
#include <sys/mman.h>
#include <sys/wait.h>

static void sqpoll_ring_across_idle_and_wake(void **state)
{
	(void)state;
	uring_options o = { .polling_timeout_ms = 10 };
	uring *t = ring_or_skip(8, &o);
	assert_true(t->setup_flags & IORING_SETUP_SQPOLL);
	for (int round = 0; round < 3; round++) {
		assert_true(uring_noop(t, (void *)(intptr_t)round) > 0);
		assert_int_equal(uring_submit(t), 1);
		uring_completion c = wait_one(t);
		assert_ptr_equal(c.data, (void *)(intptr_t)round);
		/* Let the poll thread go idle: it then asks to be woken. */
		usleep(100000);
		assert_true(uring__read_once(t->sq.kflags) & IORING_SQ_NEED_WAKEUP);
	}
	/* Submission through uring_wait alone must wake it too. */
	assert_true(uring_noop(t, NULL) > 0);
	uring_completion c = wait_one(t);
	assert_int_equal(c.result, 0);
	assert_int_equal(uring_exit(t), 0);
}

static void *submit_from_other_thread(void *arg)
{
	uring *t = arg;
	return (void *)(intptr_t)uring_submit(t);
}

static void single_issuer_defer_taskrun_ring(void **state)
{
	(void)state;
	REQUIRE_SETUP(SINGLE_ISSUER, "6.0");
	REQUIRE_SETUP(DEFER_TASKRUN, "6.1");
	uring_options o = { .setup_flags = URING_SETUP_SINGLE_ISSUER | URING_SETUP_DEFER_TASKRUN };
	uring *t = ring_or_skip(8, &o);
	/* A timer's completion is deferred task work: only visible once we
	 * enter with GETEVENTS, which the TASKRUN flag tells us to do. */
	uring_job tm = uring_timeout(t, URING_CLOCK_MONOTONIC, 10000000, false, NULL);
	assert_true(tm > 0);
	assert_int_equal(uring_submit(t), 1);
	usleep(50000);
	uring_completion c;
	assert_int_equal(uring_get_cqe_nonblocking(t, &c), 1);
	assert_int_equal(c.job, tm);
	assert_int_equal(c.result, -ETIME);

	for (int i = 0; i < 16; i++)
		assert_true(uring_noop(t, NULL) > 0 || (uring_submit(t) > 0 && uring_noop(t, NULL) > 0));
	int got = 0;
	while (got < 16) {
		uring_completion cs[16];
		int n = uring_reap(t, cs, 16);
		assert_true(n >= 0);
		got += n ? n : (wait_one(t), 1);
	}
	/* Another task may not submit: the kernel says -EEXIST. */
	assert_true(uring_noop(t, NULL) > 0);
	pthread_t th;
	void *ret;
	assert_int_equal(pthread_create(&th, NULL, submit_from_other_thread, t), 0);
	assert_int_equal(pthread_join(th, &ret), 0);
	assert_int_equal((intptr_t)ret, -EEXIST);
	c = wait_one(t);                 /* the issuer itself still can */
	assert_int_equal(c.result, 0);
	assert_int_equal(uring_exit(t), 0);
}

static void *round_trip_in_thread(void *arg)
{
	uring *t = arg;
	if (uring_noop(t, (void *)9) <= 0)
		return (void *)1;
	uring_completion c;
	int ret;
	while ((ret = uring_wait(t, &c)) == 0)
		;
	return (void *)(intptr_t)(ret == 1 && c.data == (void *)9 ? 0 : 2);
}

static void registered_ring_fd_and_handover_to_another_thread(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	/* 5.18+: registered for this thread.  Before, the kernel has no
	 * IORING_REGISTER_RING_FDS and the plain fd serves. */
	if (t->reg_index < 0) {
		struct uring__rsrc_update up = { .offset = UINT32_MAX, .data = (uint64_t)t->ring_fd };
		assert_int_equal(uring__sys_register(t->ring_fd, IORING_REGISTER_RING_FDS, &up, 1),
				 -EINVAL);
	}
	/* 6.6+: NO_SQARRAY.  Before, the kernel refuses the flag and the
	 * ring keeps its SQ array. */
	if (t->sq.array) {
		struct uring__params p = { .flags = IORING_SETUP_NO_SQARRAY };
		assert_int_equal(uring__sys_setup(8, &p), -EINVAL);
	}
	/* The registration is per thread; a ring handed to another thread
	 * must fall back to its plain fd there. */
	pthread_t th;
	void *ret;
	assert_int_equal(pthread_create(&th, NULL, round_trip_in_thread, t), 0);
	assert_int_equal(pthread_join(th, &ret), 0);
	assert_int_equal((intptr_t)ret, 0);
	assert_true(uring_noop(t, NULL) > 0);
	(void)wait_one(t);
	assert_int_equal(uring_exit(t), 0);
}

static void forked_child_cannot_touch_the_parent_ring(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	uring_job tm = uring_timeout(t, URING_CLOCK_MONOTONIC, 30ull * 1000000000u, false, NULL);
	assert_true(tm > 0);
	assert_int_equal(uring_submit(t), 1);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		/* MADV_DONTFORK: none of the ring mappings exist here. */
		long page = sysconf(_SC_PAGESIZE);
		int unmapped = msync(t->sq_ring_ptr, (size_t)page, MS_ASYNC) == -1 && errno == ENOMEM &&
			       msync(t->sq.sqes, (size_t)page, MS_ASYNC) == -1 && errno == ENOMEM;
		_exit(unmapped ? 0 : 1);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* The parent's ring is intact and its job still in flight. */
	assert_int_equal(uring_active_ops(t), 1);
	assert_true(uring_noop(t, (void *)3) > 0);
	uring_completion c = wait_one(t);
	assert_ptr_equal(c.data, (void *)3);
	assert_true(uring_cancel(t, tm, NULL) > 0);
	(void)wait_one(t);
	(void)wait_one(t);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sqpoll_ring_across_idle_and_wake),
		cmocka_unit_test(single_issuer_defer_taskrun_ring),
		cmocka_unit_test(registered_ring_fd_and_handover_to_another_thread),
		cmocka_unit_test(forked_child_cannot_touch_the_parent_ring),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
