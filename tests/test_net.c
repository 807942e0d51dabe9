/* SPDX-License-Identifier: ISC */
/* Socket ops against the real kernel: loopback TCP and UDP, AF_UNIX pairs. */
#include "net_helpers.h"

#include <limits.h>
#include <sys/uio.h>

static int tcp_socket(uring *t, int extra_type)
{
	uring_completion c = run_one(t, uring_socket(t, AF_INET, SOCK_STREAM | extra_type, 0, NULL));
	assert_true(c.result >= 0);
	assert_cloexec(c.result);   /* SOCK_CLOEXEC added though not asked for */
	return c.result;
}

static void socket_bind_listen_connect_accept_send_recv(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	REQUIRE_OP(t, SOCKET, "5.19");
	REQUIRE_OP(t, BIND, "6.11");
	REQUIRE_OP(t, LISTEN, "6.11");

	int l = tcp_socket(t, 0);
	struct sockaddr_in any = loopback(0);
	assert_int_equal(run_one(t, uring_bind(t, l, (struct sockaddr *)&any, sizeof(any), NULL)).result, 0);
	assert_int_equal(run_one(t, uring_listen(t, l, 16, NULL)).result, 0);
	uint16_t port = local_port(l);
	assert_true(port != 0);

	int cl = tcp_socket(t, 0);
	uring_sockaddr *peer = malloc(sizeof(*peer));
	assert_non_null(peer);
	memset(peer, 0xa5, sizeof(*peer));
	struct sockaddr_in *dst = malloc(sizeof(*dst));
	*dst = loopback(port);
	uring_job acc = uring_accept(t, l, peer, (void *)"accept");
	uring_job con = uring_connect(t, cl, (struct sockaddr *)dst, sizeof(*dst), (void *)"connect");
	assert_true(acc > 0 && con > 0);
	assert_int_equal(peer->len, sizeof(peer->addr));   /* set before queueing */
	memset(dst, 0, sizeof(*dst));                      /* the address was copied */
	free(dst);
	uring_completion ca, cc;
	run_two(t, acc, &ca, con, &cc);
	assert_int_equal(cc.result, 0);
	assert_string_equal(cc.data, "connect");
	assert_true(ca.result >= 0);
	assert_string_equal(ca.data, "accept");
	int sv = ca.result;
	assert_cloexec(sv);

	/* The peer is the client's own address. */
	assert_int_equal(peer->len, sizeof(struct sockaddr_in));
	struct sockaddr_in *p = (struct sockaddr_in *)&peer->addr;
	assert_int_equal(p->sin_family, AF_INET);
	assert_int_equal(ntohl(p->sin_addr.s_addr), INADDR_LOOPBACK);
	assert_int_equal(ntohs(p->sin_port), local_port(cl));
	free(peer);

	char out[] = "ping over io_uring", in[64] = { 0 };
	assert_int_equal(run_one(t, uring_send(t, cl, out, sizeof(out), 0, NULL)).result, (int)sizeof(out));
	assert_int_equal(run_one(t, uring_recv(t, sv, in, sizeof(in), 0, NULL)).result, (int)sizeof(out));
	assert_string_equal(in, out);
	char back[] = "pong";
	assert_int_equal(run_one(t, uring_send(t, sv, back, 4, 0, NULL)).result, 4);
	assert_int_equal(run_one(t, uring_recv(t, cl, in, sizeof(in), 0, NULL)).result, 4);
	assert_memory_equal(in, "pong", 4);

	close(sv);
	close(cl);
	close(l);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_exit(t), 0);
}

static void connect_to_a_closed_port_is_refused(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	REQUIRE_OP(t, SOCKET, "5.19");
	/* A port that was just bound and released, with nothing listening. */
	int tmp = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = loopback(0);
	assert_int_equal(bind(tmp, (struct sockaddr *)&a, sizeof(a)), 0);
	a = loopback(local_port(tmp));
	close(tmp);
	int fd = tcp_socket(t, 0);
	assert_int_equal(run_one(t, uring_connect(t, fd, (struct sockaddr *)&a, sizeof(a), NULL)).result,
			 -ECONNREFUSED);
	close(fd);
	assert_int_equal(uring_exit(t), 0);
}

static void nonblocking_connect(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	REQUIRE_OP(t, SOCKET, "5.19");
	uint16_t port;
	int l = tcp_listener(&port);
	int fd = tcp_socket(t, SOCK_NONBLOCK);
	assert_true(fcntl(fd, F_GETFL) & O_NONBLOCK);
	struct sockaddr_in a = loopback(port);
	int r = run_one(t, uring_connect(t, fd, (struct sockaddr *)&a, sizeof(a), NULL)).result;
	/* connect(2)'s answer on a non-blocking socket; loopback may finish at once. */
	if (r != -EINPROGRESS && r != 0)
		fail_msg("non-blocking connect: %d (%s)", r, uring_error_name(r));
	int sv = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	assert_true(sv >= 0);
	close(sv);
	close(fd);
	close(l);
	assert_int_equal(uring_exit(t), 0);
}

static void shutdown_results(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	REQUIRE_OP(t, SHUTDOWN, "5.11");
	int cl, sv;
	tcp_pair(&cl, &sv);
	assert_int_equal(run_one(t, uring_shutdown(t, cl, SHUT_WR, NULL)).result, 0);
	char buf[8];
	assert_int_equal(run_one(t, uring_recv(t, sv, buf, sizeof(buf), 0, NULL)).result, 0);   /* EOF */
	/* The kernel adds MSG_NOSIGNAL to every io_uring send: -EPIPE, no SIGPIPE. */
	assert_int_equal(run_one(t, uring_send(t, cl, "x", 1, 0, NULL)).result, -EPIPE);
	/* The other direction still works. */
	assert_int_equal(run_one(t, uring_send(t, sv, "y", 1, 0, NULL)).result, 1);
	assert_int_equal(run_one(t, uring_recv(t, cl, buf, sizeof(buf), 0, NULL)).result, 1);

	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(run_one(t, uring_shutdown(t, p[0], SHUT_RDWR, NULL)).result, -ENOTSOCK);
	close(p[0]);
	close(p[1]);
	close(cl);
	close(sv);
	assert_int_equal(uring_exit(t), 0);
}

static void pipe_is_usable(int rfd, int wfd)
{
	assert_int_equal(write(wfd, "through", 7), 7);
	char buf[8] = { 0 };
	assert_int_equal(read(rfd, buf, sizeof(buf)), 7);
	assert_memory_equal(buf, "through", 7);
}

static void send_msg_with_two_fds_and_recv_msg(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	int sp[2], p[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);

	/* The iovec array and fd list are the caller's to free at once. */
	char part1[] = "two ", part2[] = "fds";
	struct iovec *iov = malloc(2 * sizeof(*iov));
	iov[0] = (struct iovec){ part1, 4 };
	iov[1] = (struct iovec){ part2, 3 };
	int *fds = malloc(2 * sizeof(int));
	fds[0] = p[0];
	fds[1] = p[1];
	uring_job s = uring_send_msg(t, sp[0], iov, 2, fds, 2, NULL, 0, NULL);
	assert_true(s > 0);
	memset(iov, 0, 2 * sizeof(*iov));
	memset(fds, 0xff, 2 * sizeof(int));
	free(iov);
	free(fds);

	char in[32] = { 0 };
	struct iovec rio = { in, sizeof(in) };
	uring_msghdr *m = uring_msghdr_create(2, &rio, 1, NULL);
	assert_non_null(m);
	int got[2] = { -1, -1 };
	assert_int_equal(uring_msghdr_fds(m, got, 2), 0);   /* nothing received yet */
	uring_job r = uring_recv_msg(t, sp[1], m, NULL);
	assert_true(r > 0);
	assert_int_equal(uring_recv_msg(t, sp[1], m, NULL), -EBUSY);   /* still in flight */
	uring_completion cs, cr;
	run_two(t, s, &cs, r, &cr);
	assert_int_equal(cs.result, 7);
	assert_int_equal(cr.result, 7);
	assert_memory_equal(in, "two fds", 7);
	assert_int_equal(uring_msghdr_flags(m), 0);
	assert_int_equal(uring_msghdr_fds(m, got, 2), 2);
	for (int i = 0; i < 2; i++) {
		assert_true(got[i] != p[0] && got[i] != p[1]);   /* new descriptors */
		assert_cloexec(got[i]);
	}
	pipe_is_usable(got[0], got[1]);
	pipe_is_usable(got[0], p[1]);                         /* the same pipe */
	int one = -1;
	assert_int_equal(uring_msghdr_fds(m, &one, 1), 2);    /* count, first stored */
	assert_int_equal(one, got[0]);
	assert_int_equal(uring_msghdr_fds(m, NULL, 0), 2);
	uring_msghdr_destroy(m);
	for (int i = 0; i < 2; i++) {
		close(got[i]);
		close(p[i]);
		close(sp[i]);
	}
	assert_int_equal(uring_exit(t), 0);
}

static void udp_send_msg_to_a_destination_reports_the_source(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	int rx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	int tx = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = loopback(0);
	assert_int_equal(bind(rx, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(bind(tx, (struct sockaddr *)&a, sizeof(a)), 0);
	struct sockaddr_in *dst = malloc(sizeof(*dst));
	*dst = loopback(local_port(rx));

	char dgram[] = "datagram";
	struct iovec iov = { dgram, 8 };
	uring_job s = uring_send_msg(t, tx, &iov, 1, NULL, 0, (struct sockaddr *)dst, sizeof(*dst), NULL);
	free(dst);
	assert_true(s > 0);
	assert_int_equal(run_one(t, s).result, 8);

	uring_sockaddr src;
	char in[16] = { 0 };
	struct iovec rio = { in, sizeof(in) };
	uring_msghdr *m = uring_msghdr_create(0, &rio, 1, &src);
	assert_non_null(m);
	assert_int_equal(uring_msghdr_addr_len(m), 0);
	assert_int_equal(run_one(t, uring_recv_msg(t, rx, m, NULL)).result, 8);
	assert_memory_equal(in, "datagram", 8);
	assert_int_equal(uring_msghdr_addr_len(m), sizeof(struct sockaddr_in));
	struct sockaddr_in *from = (struct sockaddr_in *)&src.addr;
	assert_int_equal(from->sin_family, AF_INET);
	assert_int_equal(ntohl(from->sin_addr.s_addr), INADDR_LOOPBACK);
	assert_int_equal(ntohs(from->sin_port), local_port(tx));
	assert_int_equal(uring_msghdr_fds(m, NULL, 0), 0);

	/* A short buffer: the datagram is truncated and the kernel says so. */
	uring_msghdr *small = uring_msghdr_create(0, &(struct iovec){ in, 3 }, 1, NULL);
	struct sockaddr_in to = loopback(local_port(rx));
	assert_int_equal(sendto(tx, "truncated", 9, 0, (struct sockaddr *)&to, sizeof(to)), 9);
	assert_int_equal(run_one(t, uring_recv_msg(t, rx, small, NULL)).result, 3);
	assert_true(uring_msghdr_flags(small) & MSG_TRUNC);
	uring_msghdr_destroy(small);
	uring_msghdr_destroy(m);
	close(rx);
	close(tx);
	assert_int_equal(uring_exit(t), 0);
}

/*
 * The kernel reads a sendmsg's control block at every issue attempt, not
 * at prep.  A send that waits for buffer space is retried after the SQE was
 * consumed, when the sketch has long been reused: the fds must still be the
 * ones the caller passed.  Timeouts queued meanwhile overwrite the sketch
 * with timespecs, which would turn a sketch-held control block into junk.
 */
static void send_msg_fds_survive_a_retried_send(void **state)
{
	(void)state;
	uring *t = ring_or_skip(64, NULL);
	int sp[2], p[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	size_t filled = 0;
	char junk[4096];
	memset(junk, 'j', sizeof(junk));
	for (;;) {
		ssize_t n = send(sp[0], junk, sizeof(junk), MSG_DONTWAIT);
		if (n < 0) {
			assert_int_equal(errno, EAGAIN);
			break;
		}
		filled += (size_t)n;
	}
	char tag = '!';
	struct iovec iov = { &tag, 1 };
	uring_job s = uring_send_msg(t, sp[0], &iov, 1, p, 2, NULL, 0, NULL);
	assert_true(s > 0);
	assert_int_equal(uring_submit(t), 1);
	uring_completion c;
	usleep(20000);
	assert_int_equal(uring_get_cqe_nonblocking(t, &c), 0);   /* waiting for space */

	for (int round = 0; round < 8; round++) {
		for (int i = 0; i < 32; i++)
			assert_true(uring_timeout(t, URING_CLOCK_MONOTONIC, 1, false, NULL) > 0);
		assert_int_equal(uring_submit(t), 32);
		for (int i = 0; i < 32; i++)
			assert_int_equal(wait_one(t).result, -ETIME);
	}

	/* Drain the filler; the send goes through and carries the fds. */
	char sink[4096];
	while (filled > 0) {
		ssize_t n = recv(sp[1], sink, filled < sizeof(sink) ? filled : sizeof(sink), 0);
		assert_true(n > 0);
		filled -= (size_t)n;
	}
	assert_int_equal(run_one(t, s).result, 1);
	char in = 0;
	uring_msghdr *m = uring_msghdr_create(2, &(struct iovec){ &in, 1 }, 1, NULL);
	assert_int_equal(run_one(t, uring_recv_msg(t, sp[1], m, NULL)).result, 1);
	assert_int_equal(in, '!');
	int got[2];
	assert_int_equal(uring_msghdr_fds(m, got, 2), 2);
	pipe_is_usable(got[0], got[1]);
	uring_msghdr_destroy(m);
	for (int i = 0; i < 2; i++) {
		close(got[i]);
		close(p[i]);
		close(sp[i]);
	}
	assert_int_equal(uring_exit(t), 0);
}

/* Every rejected call: a specific errno, nothing queued, the ring usable. */
static void bad_arguments_queue_nothing(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	struct sockaddr_in a = loopback(80);
	char buf[4];
	struct iovec iov = { buf, sizeof(buf) };
	int fds[2] = { 0, -1 };
	unsigned ready = uring_sqe_ready(t);

	assert_int_equal(uring_socket(NULL, AF_INET, SOCK_STREAM, 0, NULL), -EINVAL);
	assert_int_equal(uring_socket(t, AF_INET, SOCK_STREAM | 0x40000000, 0, NULL), -EINVAL);
	assert_int_equal(uring_bind(t, 3, NULL, sizeof(a), NULL), -EFAULT);
	assert_int_equal(uring_bind(t, 3, (struct sockaddr *)&a, 0, NULL), -EINVAL);
	assert_int_equal(uring_connect(t, 3, (struct sockaddr *)&a, sizeof(struct sockaddr_storage) + 1, NULL), -EINVAL);
	assert_int_equal(uring_connect(NULL, 3, (struct sockaddr *)&a, sizeof(a), NULL), -EINVAL);
	assert_int_equal(uring_listen(NULL, 3, 1, NULL), -EINVAL);
	assert_int_equal(uring_accept(NULL, 3, NULL, NULL), -EINVAL);
	assert_int_equal(uring_shutdown(t, 3, 7, NULL), -EINVAL);
	assert_int_equal(uring_send(t, 3, NULL, 1, 0, NULL), -EFAULT);
	assert_int_equal(uring_send(t, 3, buf, (size_t)INT_MAX + 1, 0, NULL), -EINVAL);
	assert_int_equal(uring_recv(t, 3, NULL, 1, 0, NULL), -EFAULT);
	assert_int_equal(uring_send_msg(t, 3, &iov, 1025, NULL, 0, NULL, 0, NULL), -EINVAL);
	assert_int_equal(uring_send_msg(t, 3, NULL, 1, NULL, 0, NULL, 0, NULL), -EFAULT);
	assert_int_equal(uring_send_msg(t, 3, &iov, 1, NULL, 2, NULL, 0, NULL), -EFAULT);
	assert_int_equal(uring_send_msg(t, 3, &iov, 1, fds, 2, NULL, 0, NULL), -EBADF);
	assert_int_equal(uring_send_msg(t, 3, &iov, 1, fds, 254, NULL, 0, NULL), -EINVAL);
	assert_int_equal(uring_send_msg(t, 3, &iov, 1, NULL, 0, NULL, 4, NULL), -EFAULT);
	assert_int_equal(uring_send_msg(t, 3, &iov, 1, NULL, 0, (struct sockaddr *)&a, 0, NULL), -EINVAL);
	assert_int_equal(uring_recv_msg(t, 3, NULL, NULL), -EINVAL);
	assert_int_equal(uring_sqe_ready(t), ready);
	assert_int_equal(uring_active_ops(t), 0);

	errno = 0;
	assert_null(uring_msghdr_create(254, &iov, 1, NULL));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(uring_msghdr_create(0, &iov, 1025, NULL));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(uring_msghdr_create(0, NULL, 1, NULL));
	assert_int_equal(errno, EFAULT);
	uring_msghdr *m = uring_msghdr_create(1, &iov, 1, NULL);
	assert_int_equal(uring_msghdr_fds(m, NULL, 1), -EFAULT);
	assert_int_equal(uring_msghdr_fds(NULL, fds, 1), -EINVAL);
	uring_msghdr_destroy(m);
	uring_msghdr_destroy(NULL);

	/* The ring is still usable. */
	assert_int_equal(run_one(t, uring_noop(t, NULL)).result, 0);
	assert_int_equal(uring_exit(t), 0);
}

/* A full SQ returns 0 and holds nothing (a leak here shows under ASan). */
static void full_queue_returns_zero(void **state)
{
	(void)state;
	uring *t = ring_or_skip(1, NULL);
	assert_true(uring_noop(t, NULL) > 0);
	int sp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	struct iovec iov = { "x", 1 };
	struct sockaddr_in a = loopback(1);
	assert_int_equal(uring_send_msg(t, sp[0], &iov, 1, sp, 2, NULL, 0, NULL), 0);
	assert_int_equal(uring_send(t, sp[0], "x", 1, 0, NULL), 0);
	assert_int_equal(uring_connect(t, sp[0], (struct sockaddr *)&a, sizeof(a), NULL), 0);
	assert_int_equal(uring_socket(t, AF_INET, SOCK_STREAM, 0, NULL), 0);
	assert_int_equal(uring_sqe_ready(t), 1);
	assert_int_equal(uring_active_ops(t), 1);
	assert_int_equal(wait_one(t).result, 0);
	/* After a submit the same call goes through. */
	uring_job s = uring_send_msg(t, sp[0], &iov, 1, sp, 2, NULL, 0, NULL);
	assert_int_equal(run_one(t, s).result, 1);
	close(sp[0]);
	close(sp[1]);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(socket_bind_listen_connect_accept_send_recv),
		cmocka_unit_test(connect_to_a_closed_port_is_refused),
		cmocka_unit_test(nonblocking_connect),
		cmocka_unit_test(shutdown_results),
		cmocka_unit_test(send_msg_with_two_fds_and_recv_msg),
		cmocka_unit_test(udp_send_msg_to_a_destination_reports_the_source),
		cmocka_unit_test(send_msg_fds_survive_a_retried_send),
		cmocka_unit_test(bad_arguments_queue_nothing),
		cmocka_unit_test(full_queue_returns_zero),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
