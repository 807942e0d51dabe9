/* SPDX-License-Identifier: ISC */
/* waitid as an op (6.7) against real children: exit status, a child that
 * exits while the job is in flight, WNOHANG and WNOWAIT, pidfds,
 * cancellation, and the arguments refused before queueing. */
#include "helpers.h"

#include <fcntl.h>
#include <signal.h>
#include <sys/syscall.h>
#include <sys/wait.h>

static uring *ring_with_waitid_or_skip(void)
{
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_OP(t, WAITID, "6.7");
	return t;
}

/* A child that exits with code once a byte arrives on its pipe (or at
 * once when gate is NULL). */
static pid_t child_exiting(int code, int gate[2])
{
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char b;
		if (gate) {
			close(gate[1]);
			if (read(gate[0], &b, 1) != 1)
				_exit(99);
		}
		_exit(code);
	}
	if (gate)
		close(gate[0]);
	return pid;
}

static void exit_status_of_a_child(void **state)
{
	(void)state;
	uring *t = ring_with_waitid_or_skip();
	pid_t pid = child_exiting(42, NULL);
	siginfo_t info;
	memset(&info, 0xa5, sizeof(info));
	uring_job j = uring_waitid(t, P_PID, pid, &info, WEXITED, "w");
	assert_true(j > 0);
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, j);
	assert_int_equal(c.result, 0);
	assert_int_equal(info.si_signo, SIGCHLD);
	assert_int_equal(info.si_code, CLD_EXITED);
	assert_int_equal(info.si_pid, pid);
	assert_int_equal(info.si_uid, getuid());
	assert_int_equal(info.si_status, 42);
	assert_int_equal(waitpid(pid, NULL, WNOHANG), -1);   /* reaped by the op */
	assert_int_equal(errno, ECHILD);
	assert_int_equal(uring_exit(t), 0);
}

/* The point of the op: the ring waits, no thread does. */
static void a_child_exiting_while_the_job_waits(void **state)
{
	(void)state;
	uring *t = ring_with_waitid_or_skip();
	int gate[2];
	assert_int_equal(pipe2(gate, O_CLOEXEC), 0);
	pid_t pid = child_exiting(7, gate);
	siginfo_t info;
	uring_job j = uring_waitid(t, P_ALL, 0, &info, WEXITED, "w");
	assert_true(j > 0);
	assert_int_equal(uring_submit(t), 1);
	uring_completion c;
	assert_int_equal(uring_wait_timeout(t, 50 * 1000000u, &c), 0);   /* still running */
	assert_int_equal(write(gate[1], "x", 1), 1);
	c = wait_one(t);
	assert_int_equal(c.job, j);
	assert_int_equal(c.result, 0);
	assert_int_equal(info.si_pid, pid);
	assert_int_equal(info.si_status, 7);
	close(gate[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void wnohang_and_wnowait(void **state)
{
	(void)state;
	uring *t = ring_with_waitid_or_skip();
	int gate[2];
	assert_int_equal(pipe2(gate, O_CLOEXEC), 0);
	pid_t pid = child_exiting(3, gate);
	siginfo_t info;
	memset(&info, 0xa5, sizeof(info));
	/* WNOHANG with the child alive: 0 at once, si_pid 0, as waitid(2) */
	assert_true(uring_waitid(t, P_PID, pid, &info, WEXITED | WNOHANG, "w") > 0);
	uring_completion c = wait_one(t);
	assert_int_equal(c.result, 0);
	assert_int_equal(info.si_pid, 0);
	assert_int_equal(info.si_signo, 0);

	/* WNOWAIT: the status is read and the child stays waitable */
	assert_int_equal(write(gate[1], "x", 1), 1);
	assert_true(uring_waitid(t, P_PID, pid, &info, WEXITED | WNOWAIT, "w") > 0);
	c = wait_one(t);
	assert_int_equal(c.result, 0);
	assert_int_equal(info.si_pid, pid);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 3);
	close(gate[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void no_such_child_and_a_pidfd(void **state)
{
	(void)state;
	uring *t = ring_with_waitid_or_skip();
	/* pid 1 is nobody's child here */
	assert_true(uring_waitid(t, P_PID, 1, NULL, WEXITED, "w") > 0);
	assert_int_equal(wait_one(t).result, -ECHILD);
	/* a pidfd that is not one */
	int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_true(uring_waitid(t, P_PIDFD, fd, NULL, WEXITED, "w") > 0);
	assert_int_equal(wait_one(t).result, -EBADF);
	close(fd);

	pid_t pid = child_exiting(5, NULL);
	int pidfd = (int)syscall(SYS_pidfd_open, pid, 0);
	assert_true(pidfd >= 0);
	siginfo_t info;
	assert_true(uring_waitid(t, P_PIDFD, pidfd, &info, WEXITED, NULL) > 0);   /* info without data */
	uring_completion c = wait_one(t);
	assert_int_equal(c.result, 0);
	assert_int_equal(info.si_pid, pid);
	assert_int_equal(info.si_status, 5);
	close(pidfd);
	assert_int_equal(uring_exit(t), 0);
}

static void cancelled_while_waiting(void **state)
{
	(void)state;
	uring *t = ring_with_waitid_or_skip();
	int gate[2];
	assert_int_equal(pipe2(gate, O_CLOEXEC), 0);
	pid_t pid = child_exiting(9, gate);
	siginfo_t info;
	uring_job j = uring_waitid(t, P_PID, pid, &info, WEXITED, "w");
	assert_true(j > 0);
	assert_int_equal(uring_submit(t), 1);
	assert_true(uring_cancel(t, j, "c") > 0);
	int seen = 0;
	for (int i = 0; i < 2; i++) {
		uring_completion c = wait_one(t);
		if (c.job == j) {
			assert_int_equal(c.result, -ECANCELED);
			seen |= 1;
		} else {
			assert_int_equal(c.result, 1);   /* io_waitid_cancel counts, unlike most */
			seen |= 2;
		}
	}
	assert_int_equal(seen, 3);
	/* the child was not reaped by the cancelled job */
	assert_int_equal(write(gate[1], "x", 1), 1);
	int status = 0;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 9);
	close(gate[1]);
	assert_int_equal(uring_exit(t), 0);
}

/* waitid(2)'s argument errors, refused before anything is queued. */
static void bad_arguments_queue_nothing(void **state)
{
	(void)state;
	uring *t = ring_with_waitid_or_skip();
	siginfo_t info;
	assert_int_equal(uring_waitid(NULL, P_ALL, 0, &info, WEXITED, NULL), -EINVAL);
	assert_int_equal(uring_waitid(t, P_ALL, 0, &info, WNOHANG, NULL), -EINVAL);   /* nothing to wait for */
	assert_int_equal(uring_waitid(t, P_ALL, 0, &info, WEXITED | 0x100, NULL), -EINVAL);
	assert_int_equal(uring_waitid(t, 77, 0, &info, WEXITED, NULL), -EINVAL);
	assert_int_equal(uring_waitid(t, P_PID, 0, &info, WEXITED, NULL), -EINVAL);
	assert_int_equal(uring_waitid(t, P_PID, -3, &info, WEXITED, NULL), -EINVAL);
	assert_int_equal(uring_waitid(t, P_PGID, -1, &info, WEXITED, NULL), -EINVAL);
	assert_int_equal(uring_waitid(t, P_PIDFD, -1, &info, WEXITED, NULL), -EINVAL);
	assert_int_equal(uring_sqe_ready(t), 0);
	assert_int_equal(uring_active_ops(t), 0);
	assert_true(uring_noop(t, "n") > 0);   /* still usable */
	assert_int_equal(wait_one(t).result, 0);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(exit_status_of_a_child),
		cmocka_unit_test(a_child_exiting_while_the_job_waits),
		cmocka_unit_test(wnohang_and_wnowait),
		cmocka_unit_test(no_such_child_and_a_pidfd),
		cmocka_unit_test(cancelled_while_waiting),
		cmocka_unit_test(bad_arguments_queue_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
