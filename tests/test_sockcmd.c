/* SPDX-License-Identifier: ISC */
/* Socket commands (IORING_OP_URING_CMD on a socket, 6.7) on loopback TCP,
 * checked against the same questions asked with ioctl(2) and
 * getsockopt(2); and NAPI registration (6.9), whose polling needs a NIC. */
#include "net_helpers.h"

#include <limits.h>
#include <linux/sockios.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/epoll.h>
#include <sys/ioctl.h>
#include <sys/wait.h>

static uring *ring_with_sock_cmd(void)
{
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_FEATURE(t, SOCKET_CMD, "6.7");
	return t;
}

static int ioctl_int(int fd, unsigned long req)
{
	int v = -1;
	assert_int_equal(ioctl(fd, req, &v), 0);
	return v;
}

static void wait_readable(int fd)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	assert_int_equal(poll(&p, 1, 5000), 1);
}

/* SIOCINQ: the bytes waiting in the receive queue, before and after a
 * partial read. */
static void inq_counts_bytes_queued(void **state)
{
	(void)state;
	uring *t = ring_with_sock_cmd();
	int c, s;
	tcp_pair(&c, &s);
	assert_int_equal(run_one(t, uring_sock_inq(t, s, NULL)).result, 0);
	char buf[1000];
	memset(buf, 'x', sizeof(buf));
	assert_int_equal(send(c, buf, sizeof(buf), 0), (ssize_t)sizeof(buf));
	wait_readable(s);
	assert_int_equal(run_one(t, uring_sock_inq(t, s, NULL)).result, 1000);
	assert_int_equal(recv(s, buf, 400, 0), 400);
	assert_int_equal(run_one(t, uring_sock_inq(t, s, NULL)).result, 600);
	assert_int_equal(ioctl_int(s, SIOCINQ), 600);
	close(c);
	close(s);
	assert_int_equal(uring_exit(t), 0);
}

/* SIOCOUTQ: 0 once loopback has acknowledged everything; with a peer
 * that does not read and a full window, the bytes still unacknowledged,
 * as ioctl(2) counts them. */
static void outq_counts_unacknowledged_bytes(void **state)
{
	(void)state;
	uring *t = ring_with_sock_cmd();
	int c, s;
	tcp_pair(&c, &s);
	assert_int_equal(run_one(t, uring_sock_outq(t, c, NULL)).result, 0);
	int small = 4096;
	assert_int_equal(setsockopt(s, SOL_SOCKET, SO_RCVBUF, &small, sizeof(small)), 0);
	assert_int_equal(fcntl(c, F_SETFL, O_NONBLOCK), 0);
	static char chunk[65536];
	size_t sent = 0;
	for (;;) {
		ssize_t n = send(c, chunk, sizeof(chunk), 0);
		if (n < 0) {
			assert_int_equal(errno, EAGAIN);
			break;
		}
		sent += (size_t)n;
	}
	usleep(100 * 1000);   /* the window settles: nothing moves while s does not read */
	int outq = run_one(t, uring_sock_outq(t, c, NULL)).result;
	assert_true(outq > 0);
	assert_true((size_t)outq <= sent);
	assert_int_equal(outq, ioctl_int(c, SIOCOUTQ));
	close(c);
	close(s);
	assert_int_equal(uring_exit(t), 0);
}

/* setsockopt then getsockopt, both as jobs: the kernel doubles SO_RCVBUF,
 * and getsockopt(2) agrees.  The value is read from the library's copy:
 * the caller's variable is changed before the submit. */
static void sockopt_round_trip(void **state)
{
	(void)state;
	uring *t = ring_with_sock_cmd();
	int c, s;
	tcp_pair(&c, &s);
	int want = 32768;
	uring_job j = uring_setsockopt(t, s, SOL_SOCKET, SO_RCVBUF, &want, sizeof(want), NULL);
	want = 1;
	assert_int_equal(run_one(t, j).result, 0);
	int got = -1;
	assert_int_equal(run_one(t, uring_getsockopt(t, s, SOL_SOCKET, SO_RCVBUF, &got, sizeof(got), NULL)).result,
			 (int)sizeof(int));
	assert_int_equal(got, 2 * 32768);
	int sys = 0;
	socklen_t len = sizeof(sys);
	assert_int_equal(getsockopt(s, SOL_SOCKET, SO_RCVBUF, &sys, &len), 0);
	assert_int_equal(sys, got);
	/* A level other than SOL_SOCKET is fine for setsockopt. */
	int one = 1;
	assert_int_equal(run_one(t, uring_setsockopt(t, c, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one), NULL)).result, 0);
	len = sizeof(sys);
	assert_int_equal(getsockopt(c, IPPROTO_TCP, TCP_NODELAY, &sys, &len), 0);
	assert_int_equal(sys, 1);
	close(c);
	close(s);
	assert_int_equal(uring_exit(t), 0);
}

/* A setsockopt linked behind a job that waits: the kernel reads the value
 * when it issues the job, long after the submit and after the caller's
 * variable is gone; the held copy is what it reads. */
static void setsockopt_value_outlives_the_submit(void **state)
{
	(void)state;
	uring *t = ring_with_sock_cmd();
	int c, s, p[2];
	tcp_pair(&c, &s);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	uring_job poll = uring_poll_add(t, p[0], POLLIN, NULL);
	assert_true(poll > 0);
	assert_int_equal(uring_job_set_flags(t, poll, URING_LINK), 0);
	int *value = malloc(sizeof(*value));
	assert_non_null(value);
	*value = 16384;
	uring_job set = uring_setsockopt(t, s, SOL_SOCKET, SO_SNDBUF, value, sizeof(*value), NULL);
	assert_true(set > 0);
	assert_int_equal(uring_submit(t), 2);
	*value = 1;
	free(value);
	/* More copies made and consumed meanwhile: the library's copy of
	 * this kind (epoll events, 12 bytes of 0x01) would reuse memory freed
	 * at the submit.  They fail (-EBADF), which is not the point. */
	for (int i = 0; i < 4; i++) {
		struct epoll_event ev;
		memset(&ev, 1, sizeof(ev));
		assert_true(uring_epoll_ctl(t, -1, EPOLL_CTL_ADD, -1, &ev, NULL) > 0);
		assert_int_equal(uring_submit(t), 1);
		assert_int_equal(wait_one(t).result, -EBADF);
	}
	assert_int_equal(write(p[1], "x", 1), 1);
	uring_completion a, b;
	run_two(t, poll, &a, set, &b);
	assert_int_equal(b.result, 0);
	int sys = 0;
	socklen_t len = sizeof(sys);
	assert_int_equal(getsockopt(s, SOL_SOCKET, SO_SNDBUF, &sys, &len), 0);
	assert_int_equal(sys, 2 * 16384);
	close(p[0]);
	close(p[1]);
	close(c);
	close(s);
	assert_int_equal(uring_exit(t), 0);
}

/* What the kernel answers wrong requests with, at completion. */
static void sockopt_errors(void **state)
{
	(void)state;
	uring *t = ring_with_sock_cmd();
	int c, s, p[2];
	tcp_pair(&c, &s);
	int v = 0;
	/* getsockopt takes SOL_SOCKET only. */
	assert_int_equal(run_one(t, uring_getsockopt(t, s, IPPROTO_TCP, TCP_NODELAY, &v, sizeof(v), NULL)).result,
			 -EOPNOTSUPP);
	assert_int_equal(run_one(t, uring_getsockopt(t, s, SOL_SOCKET, 12345, &v, sizeof(v), NULL)).result,
			 -ENOPROTOOPT);
	assert_int_equal(run_one(t, uring_setsockopt(t, s, SOL_SOCKET, 12345, &v, sizeof(v), NULL)).result,
			 -ENOPROTOOPT);
	/* An int option from one byte. */
	assert_int_equal(run_one(t, uring_setsockopt(t, s, SOL_SOCKET, SO_RCVBUF, &v, 1, NULL)).result, -EINVAL);
	/* Not a socket: the pipe's file has no uring_cmd. */
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(run_one(t, uring_sock_inq(t, p[0], NULL)).result, -EOPNOTSUPP);
	assert_int_equal(run_one(t, uring_sock_outq(t, -1, NULL)).result, -EBADF);
	/* Refused before queueing. */
	unsigned ready = uring_sqe_ready(t);
	assert_int_equal(uring_getsockopt(t, s, SOL_SOCKET, SO_RCVBUF, NULL, 4, NULL), -EFAULT);
	assert_int_equal(uring_setsockopt(t, s, SOL_SOCKET, SO_RCVBUF, &v, (socklen_t)INT_MAX + 1, NULL), -EINVAL);
	assert_int_equal(uring_getsockname(t, s, NULL, false, NULL), -EFAULT);
	assert_int_equal(uring_sock_inq(NULL, s, NULL), -EINVAL);
	assert_int_equal(uring_sqe_ready(t), ready);
	close(p[0]);
	close(p[1]);
	close(c);
	close(s);
	assert_int_equal(uring_exit(t), 0);
}

/* The socket's own address and its peer's, as getsockname(2) and
 * getpeername(2) give them. */
static void getsockname_matches_the_syscalls(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_FEATURE(t, GETSOCKNAME, "6.19");
	int c, s;
	tcp_pair(&c, &s);
	uring_sockaddr self, peer;
	assert_int_equal(run_one(t, uring_getsockname(t, c, &self, false, NULL)).result, 0);
	assert_int_equal(run_one(t, uring_getsockname(t, c, &peer, true, NULL)).result, 0);
	struct sockaddr_in a, b;
	socklen_t la = sizeof(a), lb = sizeof(b);
	assert_int_equal(getsockname(c, (struct sockaddr *)&a, &la), 0);
	assert_int_equal(getpeername(c, (struct sockaddr *)&b, &lb), 0);
	assert_int_equal(self.len, la);
	assert_int_equal(peer.len, lb);
	assert_memory_equal(&self.addr, &a, la);
	assert_memory_equal(&peer.addr, &b, lb);
	close(c);
	close(s);
	assert_int_equal(uring_exit(t), 0);
}

/* Where the library reports socket commands unsupported, every call is
 * refused with nothing queued (runs on 5.10 .. 6.6). */
static void refused_without_socket_commands(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	if (uring_feature_supported(t, URING_FEATURE_SOCKET_CMD)) {
		assert_int_equal(uring_exit(t), 0);
		fprintf(stderr, "skip: the kernel has socket commands (the refusal is for kernels before 6.7)\n");
		skip();
	}
	int v = 0;
	assert_int_equal(uring_sock_inq(t, 0, NULL), -EOPNOTSUPP);
	assert_int_equal(uring_sock_outq(t, 0, NULL), -EOPNOTSUPP);
	assert_int_equal(uring_getsockopt(t, 0, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v), NULL), -EOPNOTSUPP);
	assert_int_equal(uring_setsockopt(t, 0, SOL_SOCKET, SO_RCVBUF, &v, sizeof(v), NULL), -EOPNOTSUPP);
	uring_sockaddr a;
	assert_int_equal(uring_getsockname(t, 0, &a, false, NULL), -EOPNOTSUPP);
	assert_int_equal(uring_sqe_ready(t), 0);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_exit(t), 0);
}

/* ---- NAPI registration ---- */

/* Each call hands back the settings it replaced; unregistering hands back
 * the last ones and leaves nothing registered. */
static void napi_register_and_unregister(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_FEATURE(t, NAPI, "6.9");
	uring_napi prev = { .busy_poll_us = 99, .prefer_busy_poll = true };
	int ret = uring_register_napi(t, &(uring_napi){ .busy_poll_us = 100, .prefer_busy_poll = true }, &prev);
	if (ret == -EOPNOTSUPP) {
		uring_exit(t);
		fprintf(stderr, "skip: the kernel is built without CONFIG_NET_RX_BUSY_POLL\n");
		skip();
	}
	assert_int_equal(ret, 0);
	assert_int_equal(prev.busy_poll_us, 0);
	assert_false(prev.prefer_busy_poll);
	assert_int_equal(uring_register_napi(t, &(uring_napi){ .busy_poll_us = 50 }, &prev), 0);
	assert_int_equal(prev.busy_poll_us, 100);
	assert_true(prev.prefer_busy_poll);
	assert_int_equal(uring_unregister_napi(t, &prev), 0);
	assert_int_equal(prev.busy_poll_us, 50);
	assert_false(prev.prefer_busy_poll);
	prev.busy_poll_us = 7;
	assert_int_equal(uring_unregister_napi(t, &prev), 0);
	assert_int_equal(prev.busy_poll_us, 0);
	/* previous is optional */
	assert_int_equal(uring_register_napi(t, &(uring_napi){ .busy_poll_us = 10 }, NULL), 0);
	assert_int_equal(uring_unregister_napi(t, NULL), 0);
	/* A ring with busy polling still runs jobs. */
	assert_int_equal(uring_register_napi(t, &(uring_napi){ .busy_poll_us = 10 }, NULL), 0);
	assert_int_equal(run_one(t, uring_noop(t, NULL)).result, 0);
	assert_int_equal(uring_exit(t), 0);
}

static void napi_errors(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	uring_napi prev;
	assert_int_equal(uring_register_napi(NULL, &(uring_napi){ 0 }, NULL), -EINVAL);
	assert_int_equal(uring_register_napi(t, NULL, &prev), -EINVAL);
	assert_int_equal(uring_unregister_napi(NULL, &prev), -EINVAL);
	if (!uring_feature_supported(t, URING_FEATURE_NAPI)) {
		assert_int_equal(uring_register_napi(t, &(uring_napi){ 0 }, NULL), -EOPNOTSUPP);
		assert_int_equal(uring_unregister_napi(t, NULL), -EOPNOTSUPP);
		assert_int_equal(uring_exit(t), 0);
		return;
	}
	/* A forked child must not change its parent's ring. */
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(uring_register_napi(t, &(uring_napi){ .busy_poll_us = 1 }, NULL) == -EPERM ? 0 : 1);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	/* The parent's ring is as it was: nothing registered (or, on a kernel
	 * without CONFIG_NET_RX_BUSY_POLL, nothing to register). */
	int ret = uring_unregister_napi(t, &prev);
	if (ret != -EOPNOTSUPP) {
		assert_int_equal(ret, 0);
		assert_int_equal(prev.busy_poll_us, 0);
	}
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(inq_counts_bytes_queued),
		cmocka_unit_test(outq_counts_unacknowledged_bytes),
		cmocka_unit_test(sockopt_round_trip),
		cmocka_unit_test(setsockopt_value_outlives_the_submit),
		cmocka_unit_test(sockopt_errors),
		cmocka_unit_test(getsockname_matches_the_syscalls),
		cmocka_unit_test(refused_without_socket_commands),
		cmocka_unit_test(napi_register_and_unregister),
		cmocka_unit_test(napi_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
