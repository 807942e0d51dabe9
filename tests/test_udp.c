/* SPDX-License-Identifier: ISC */
/*
 * Datagrams on loopback UDP sockets: multishot recvmsg and its parser
 * (source addresses, control messages, truncation), zero-copy sendmsg and
 * the zero-copy usage report.
 */
#include "net_helpers.h"

#include <fcntl.h>
#include <netinet/udp.h>
#include <limits.h>
#include <sys/time.h>

static void require_recv_msg_multishot(uring *t)
{
	REQUIRE_FEATURE(t, BUF_RING, "5.19");
	REQUIRE_FEATURE(t, RECV_MULTISHOT, "6.0");
}

/* A UDP socket bound to 127.0.0.1 and an ephemeral port. */
static int udp_socket(uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = loopback(0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	if (port)
		*port = local_port(fd);
	return fd;
}

static void send_to(int fd, uint16_t port, const void *buf, size_t len)
{
	struct sockaddr_in to = loopback(port);
	assert_int_equal(sendto(fd, buf, len, 0, (struct sockaddr *)&to, sizeof(to)), (ssize_t)len);
}

static void set_opt(int fd, int level, int name)
{
	int one = 1;
	assert_int_equal(setsockopt(fd, level, name, &one, sizeof(one)), 0);
}

static uring_buf_ring *buf_ring(uring *t, unsigned group, unsigned n, size_t size)
{
	uring_buf_ring *br = uring_buf_ring_create(t, group, n, size);
	assert_non_null(br);
	return br;
}

/* Walks m's control messages: the IP_PKTINFO and SO_TIMESTAMP ones found. */
static void find_cmsgs(const uring_recv_msg_parts *m, struct in_pktinfo *pi, struct timeval *tv,
		       int *n)
{
	*n = 0;
	for (const struct cmsghdr *c = uring_recv_msg_cmsg_first(m); c;
	     c = uring_recv_msg_cmsg_next(m, c)) {
		(*n)++;
		if (c->cmsg_level == IPPROTO_IP && c->cmsg_type == IP_PKTINFO)
			memcpy(pi, CMSG_DATA(c), sizeof(*pi));
		else if (c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_TIMESTAMP)
			memcpy(tv, CMSG_DATA(c), sizeof(*tv));
	}
}

/* One job receives every datagram of three sources: each payload exact,
 * each with its own source address, IP_PKTINFO and SO_TIMESTAMP. */
static void recv_msg_multishot_three_sources(void **state)
{
	(void)state;
	uring *t = ring_or_skip(64, NULL);
	require_recv_msg_multishot(t);
	uint16_t port;
	int srv = udp_socket(&port);
	set_opt(srv, IPPROTO_IP, IP_PKTINFO);
	set_opt(srv, SOL_SOCKET, SO_TIMESTAMP);
	enum { SOURCES = 3, EACH = 16 };
	uring_buf_ring *br = buf_ring(t, 1, 64, 256);
	struct msghdr tmpl = {
		.msg_namelen = sizeof(struct sockaddr_in),
		.msg_controllen = CMSG_SPACE(sizeof(struct in_pktinfo)) + CMSG_SPACE(sizeof(struct timeval)),
	};
	uring_job job = uring_recv_msg_multishot(t, srv, br, &tmpl, 0, (void *)"udp");
	assert_true(job > 0);
	tmpl.msg_namelen = 1;   /* the job has its own copy */
	assert_int_equal(uring_submit(t), 1);
	tmpl.msg_namelen = sizeof(struct sockaddr_in);

	int cl[SOURCES];
	uint16_t cl_port[SOURCES];
	for (int s = 0; s < SOURCES; s++)
		cl[s] = udp_socket(&cl_port[s]);
	struct timeval before;
	gettimeofday(&before, NULL);
	for (int i = 0; i < EACH; i++)
		for (int s = 0; s < SOURCES; s++) {
			char msg[64];
			int n = snprintf(msg, sizeof(msg), "from %d, datagram %d", s, i);
			send_to(cl[s], port, msg, (size_t)n);
		}
	int next[SOURCES] = { 0 };
	for (int k = 0; k < SOURCES * EACH; k++) {
		uring_completion c = wait_one(t);
		assert_int_equal(c.job, job);
		assert_string_equal(c.data, "udp");
		assert_true(c.flags & URING_CQE_F_MORE);
		uring_recv_msg_parts m;
		assert_int_equal(uring_recv_msg_parse(br, &tmpl, &c, &m), 0);
		assert_int_equal(m.name_len, sizeof(struct sockaddr_in));
		assert_false(m.name_truncated);
		assert_int_equal(m.flags, 0);
		struct sockaddr_in from;
		memcpy(&from, m.name, sizeof(from));
		assert_int_equal(from.sin_family, AF_INET);
		assert_int_equal(ntohl(from.sin_addr.s_addr), INADDR_LOOPBACK);
		int s = 0;
		while (s < SOURCES && cl_port[s] != ntohs(from.sin_port))
			s++;
		assert_true(s < SOURCES);
		char want[64];
		int n = snprintf(want, sizeof(want), "from %d, datagram %d", s, next[s]++);
		assert_int_equal(m.payload_len, n);
		assert_int_equal(m.payload_full_len, n);
		assert_memory_equal(m.payload, want, (size_t)n);   /* in order per source */
		struct in_pktinfo pi = { 0 };
		struct timeval tv = { 0 };
		int cmsgs;
		find_cmsgs(&m, &pi, &tv, &cmsgs);
		assert_int_equal(cmsgs, 2);
		assert_int_equal(ntohl(pi.ipi_addr.s_addr), INADDR_LOOPBACK);
		assert_true(pi.ipi_ifindex > 0);
		assert_true(tv.tv_sec > before.tv_sec ||
			    (tv.tv_sec == before.tv_sec && tv.tv_usec >= before.tv_usec));
		assert_true(tv.tv_sec < before.tv_sec + 60);
		assert_int_equal(uring_buf_ring_recycle(br, (unsigned)uring_completion_buffer_id(&c)), 0);
	}
	for (int s = 0; s < SOURCES; s++)
		assert_int_equal(next[s], EACH);
	assert_int_equal(uring_buf_ring_destroy(t, br), -EBUSY);   /* the job is live */

	uring_job cancel = uring_cancel(t, job, NULL);
	uring_completion ca, cc;
	run_two(t, job, &ca, cancel, &cc);
	assert_int_equal(ca.result, -ECANCELED);
	assert_false(ca.flags & URING_CQE_F_MORE);
	assert_int_equal(cc.result, 0);
	assert_int_equal(uring_recv_msg_parse(br, &tmpl, &ca, &(uring_recv_msg_parts){ 0 }), -EINVAL);
	assert_int_equal(uring_buf_ring_destroy(t, br), 0);
	for (int s = 0; s < SOURCES; s++)
		close(cl[s]);
	close(srv);
	assert_int_equal(uring_exit(t), 0);
}

/* One datagram into a small buffer: what arrived of each part, and the
 * flags saying which part was cut. */
static uring_recv_msg_parts receive_one(uring *t, uring_buf_ring *br, int srv,
					const struct msghdr *tmpl, int flags, uring_completion *c)
{
	uring_job job = uring_recv_msg_multishot(t, srv, br, tmpl, flags, NULL);
	assert_true(job > 0);
	*c = wait_one(t);
	assert_int_equal(c->job, job);
	uring_recv_msg_parts m;
	assert_int_equal(uring_recv_msg_parse(br, tmpl, c, &m), 0);
	uring_completion cc;
	run_two(t, job, c + 1, uring_cancel(t, job, NULL), &cc);
	return m;
}

static void recv_msg_multishot_truncations(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	require_recv_msg_multishot(t);
	uint16_t port;
	int srv = udp_socket(&port), cl = udp_socket(NULL);
	set_opt(srv, IPPROTO_IP, IP_PKTINFO);
	unsigned char big[200];
	for (size_t i = 0; i < sizeof(big); i++)
		big[i] = (unsigned char)(i * 7 + 1);
	uring_buf_ring *br = buf_ring(t, 2, 4, 96);
	uring_completion c[2];

	/* Payload: 96 - 16 - 16 - 32 leaves 32 bytes; with MSG_TRUNC the
	 * kernel counts the whole datagram. */
	struct msghdr tmpl = { .msg_namelen = sizeof(struct sockaddr_in),
			       .msg_controllen = CMSG_SPACE(sizeof(struct in_pktinfo)) };
	send_to(cl, port, big, sizeof(big));
	uring_recv_msg_parts m = receive_one(t, br, srv, &tmpl, MSG_TRUNC, c);
	assert_true(m.flags & MSG_TRUNC);
	assert_false(m.flags & MSG_CTRUNC);
	assert_int_equal(m.payload_len, 96 - 16 - 16 - CMSG_SPACE(sizeof(struct in_pktinfo)));
	assert_int_equal(m.payload_full_len, sizeof(big));
	assert_memory_equal(m.payload, big, m.payload_len);
	assert_non_null(uring_recv_msg_cmsg_first(&m));
	assert_int_equal(uring_buf_ring_recycle(br, (unsigned)uring_completion_buffer_id(c)), 0);

	/* Name: 8 bytes asked of a 16-byte sockaddr_in; control: too small
	 * for any message. */
	struct msghdr small = { .msg_namelen = 8, .msg_controllen = 8 };
	send_to(cl, port, "tiny", 4);
	m = receive_one(t, br, srv, &small, 0, c);
	assert_true(m.name_truncated);
	assert_int_equal(m.name_len, 8);
	struct sockaddr_in from = { 0 }, want = loopback(local_port(cl));
	memcpy(&from, m.name, 8);
	assert_memory_equal(&from, &want, 8);   /* family, port, address */
	assert_true(m.flags & MSG_CTRUNC);
	assert_false(m.flags & MSG_TRUNC);
	assert_int_equal(m.control_len, 0);
	assert_null(uring_recv_msg_cmsg_first(&m));
	assert_int_equal(m.payload_len, 4);
	assert_memory_equal(m.payload, "tiny", 4);
	assert_int_equal(uring_buf_ring_recycle(br, (unsigned)uring_completion_buffer_id(c)), 0);

	/* A name length that is no multiple of 8: the control messages after
	 * it still start aligned, and read whole. */
	struct msghdr odd = { .msg_namelen = 12, .msg_controllen = CMSG_SPACE(sizeof(struct in_pktinfo)) };
	send_to(cl, port, "odd", 3);
	m = receive_one(t, br, srv, &odd, 0, c);
	assert_true(m.name_truncated);
	assert_int_equal(m.name_len, 12);
	const struct cmsghdr *cm = uring_recv_msg_cmsg_first(&m);
	assert_non_null(cm);
	assert_int_equal((uintptr_t)cm % _Alignof(struct cmsghdr), 0);
	assert_int_equal(cm->cmsg_type, IP_PKTINFO);
	struct in_pktinfo pi;
	memcpy(&pi, CMSG_DATA(cm), sizeof(pi));
	assert_int_equal(ntohl(pi.ipi_addr.s_addr), INADDR_LOOPBACK);
	assert_null(uring_recv_msg_cmsg_next(&m, cm));
	assert_int_equal(m.payload_len, 3);
	assert_memory_equal(m.payload, "odd", 3);
	assert_int_equal(uring_buf_ring_recycle(br, (unsigned)uring_completion_buffer_id(c)), 0);

	/* No name, no control: the payload right after the header. */
	struct msghdr bare = { 0 };
	send_to(cl, port, "bare", 4);
	m = receive_one(t, br, srv, &bare, 0, c);
	assert_null(m.name);
	assert_null(m.control);
	assert_null(uring_recv_msg_cmsg_first(&m));
	assert_int_equal(m.payload_len, 4);
	assert_memory_equal(m.payload, "bare", 4);
	/* A parse with another template than the job's is caught where the
	 * lengths cannot match the completion. */
	assert_int_equal(uring_recv_msg_parse(br, &tmpl, c, &m), -EINVAL);
	close(cl);
	close(srv);
	assert_int_equal(uring_exit(t), 0);
}

/* With br empty the job ends with -ENOBUFS and nothing is lost: recycled
 * and queued again, it takes the datagram that waited. */
static void recv_msg_multishot_no_buffers_then_rearm(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	require_recv_msg_multishot(t);
	uint16_t port;
	int srv = udp_socket(&port), cl = udp_socket(NULL);
	uring_buf_ring *br = buf_ring(t, 3, 2, 64);
	struct msghdr tmpl = { .msg_namelen = sizeof(struct sockaddr_in) };
	for (int i = 0; i < 3; i++)
		send_to(cl, port, (char[]){ (char)('a' + i) }, 1);
	uring_job job = uring_recv_msg_multishot(t, srv, br, &tmpl, 0, NULL);
	int bids[2];
	for (int i = 0; i < 2; i++) {
		uring_completion c = wait_one(t);
		assert_int_equal(c.job, job);
		assert_true(c.flags & URING_CQE_F_MORE);
		uring_recv_msg_parts m;
		assert_int_equal(uring_recv_msg_parse(br, &tmpl, &c, &m), 0);
		assert_int_equal(m.payload_len, 1);
		assert_int_equal(*(const char *)m.payload, 'a' + i);
		bids[i] = uring_completion_buffer_id(&c);
	}
	uring_completion end = wait_one(t);
	assert_int_equal(end.job, job);
	assert_int_equal(end.result, -ENOBUFS);
	assert_false(end.flags & URING_CQE_F_MORE);
	assert_int_equal(uring_active_ops(t), 0);
	for (int i = 0; i < 2; i++)
		assert_int_equal(uring_buf_ring_recycle(br, (unsigned)bids[i]), 0);
	job = uring_recv_msg_multishot(t, srv, br, &tmpl, 0, NULL);
	uring_completion c = wait_one(t);
	uring_recv_msg_parts m;
	assert_int_equal(uring_recv_msg_parse(br, &tmpl, &c, &m), 0);
	assert_int_equal(*(const char *)m.payload, 'c');
	uring_completion cc;
	run_two(t, job, &c, uring_cancel(t, job, NULL), &cc);

	/* Not a socket: the job ends at once. */
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	c = run_one(t, uring_recv_msg_multishot(t, p[0], br, &tmpl, 0, NULL));
	assert_int_equal(c.result, -ENOTSOCK);
	assert_false(c.flags & URING_CQE_F_MORE);
	close(p[0]);
	close(p[1]);
	close(cl);
	close(srv);
	assert_int_equal(uring_exit(t), 0);
}

/* Over a Unix datagram socket an SCM_RIGHTS message arrives in the
 * buffer's control area: the fd is installed, close-on-exec, the caller's. */
static void recv_msg_multishot_passes_fds_close_on_exec(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	require_recv_msg_multishot(t);
	int sv[2], p[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	uring_buf_ring *br = buf_ring(t, 6, 2, 128);
	struct msghdr tmpl = { .msg_controllen = CMSG_SPACE(sizeof(int)) };
	uring_job job = uring_recv_msg_multishot(t, sv[1], br, &tmpl, 0, NULL);
	assert_true(job > 0);
	assert_int_equal(uring_submit(t), 1);
	struct iovec iov = { "fd", 2 };
	assert_true(uring_send_msg(t, sv[0], &iov, 1, &p[1], 1, NULL, 0, NULL) > 0);
	uring_completion c[2];
	for (int got = 0; got < 2;) {   /* the send's and the receive's, in either order */
		uring_completion x = wait_one(t);
		if (x.job == job)
			c[0] = x;
		got++;
	}
	assert_true(c[0].flags & URING_CQE_F_MORE);
	uring_recv_msg_parts m;
	assert_int_equal(uring_recv_msg_parse(br, &tmpl, &c[0], &m), 0);
	assert_int_equal(m.payload_len, 2);
	assert_memory_equal(m.payload, "fd", 2);
	assert_int_equal(m.flags, 0);
	const struct cmsghdr *cm = uring_recv_msg_cmsg_first(&m);
	assert_non_null(cm);
	assert_int_equal(cm->cmsg_level, SOL_SOCKET);
	assert_int_equal(cm->cmsg_type, SCM_RIGHTS);
	assert_int_equal(cm->cmsg_len, CMSG_LEN(sizeof(int)));
	int fd;
	memcpy(&fd, CMSG_DATA(cm), sizeof(fd));
	assert_cloexec(fd);
	assert_int_equal(write(fd, "!", 1), 1);   /* the pipe's write end */
	char ch;
	assert_int_equal(read(p[0], &ch, 1), 1);
	close(fd);
	run_two(t, job, c + 1, uring_cancel(t, job, NULL), &(uring_completion){ 0 });
	close(p[0]);
	close(p[1]);
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void recv_msg_multishot_refusals(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_FEATURE(t, BUF_RING, "5.19");
	int srv = udp_socket(NULL);
	uring_buf_ring *br = buf_ring(t, 4, 2, 64);
	uring_buf_ring *odd = buf_ring(t, 5, 2, 60);
	struct msghdr tmpl = { .msg_namelen = sizeof(struct sockaddr_in) };
	struct msghdr huge_name = { .msg_namelen = sizeof(struct sockaddr_storage) + 1 };
	struct msghdr no_room = { .msg_namelen = 16, .msg_controllen = 64 - 16 - 16 + 1 };
	unsigned ready = uring_sqe_ready(t);
	assert_int_equal(uring_recv_msg_multishot(NULL, srv, br, &tmpl, 0, NULL), -EINVAL);
	assert_int_equal(uring_recv_msg_multishot(t, srv, NULL, &tmpl, 0, NULL), -EINVAL);
	assert_int_equal(uring_recv_msg_multishot(t, srv, br, NULL, 0, NULL), -EFAULT);
	assert_int_equal(uring_recv_msg_multishot(t, srv, br, &tmpl, MSG_WAITALL, NULL), -EINVAL);
	assert_int_equal(uring_recv_msg_multishot(t, srv, br, &huge_name, 0, NULL), -EINVAL);
	assert_int_equal(uring_recv_msg_multishot(t, srv, br, &no_room, 0, NULL), -EINVAL);
	assert_int_equal(uring_recv_msg_multishot(t, srv, odd, &tmpl, 0, NULL), -EINVAL);
	if (uring_feature_supported(t, URING_FEATURE_BUF_RING_INC)) {
		/* its headers would land at odd offsets the parser cannot see */
		uring_buf_ring *inc = uring_buf_ring_create2(t, 6, 2, 64, URING_BUF_RING_INC);
		assert_non_null(inc);
		assert_int_equal(uring_recv_msg_multishot(t, srv, inc, &tmpl, 0, NULL), -EINVAL);
	}
	uring *other = ring_or_skip(4, NULL);
	assert_int_equal(uring_recv_msg_multishot(other, srv, br, &tmpl, 0, NULL), -EINVAL);
	assert_int_equal(uring_exit(other), 0);
	no_room.msg_controllen--;   /* exactly the header: accepted */
	uring_job j = uring_recv_msg_multishot(t, srv, br, &no_room, 0, NULL);
	if (!uring_feature_supported(t, URING_FEATURE_RECV_MULTISHOT)) {
		assert_int_equal(j, -EOPNOTSUPP);
		assert_int_equal(uring_sqe_ready(t), ready);
	} else {
		assert_true(j > 0);
		uring_completion c, cc;
		run_two(t, j, &c, uring_cancel(t, j, NULL), &cc);
		assert_int_equal(c.result, -ECANCELED);
	}
	/* The parser: NULL arguments, and completions without a buffer. */
	uring_completion none = { .result = 5 };
	uring_recv_msg_parts m;
	assert_int_equal(uring_recv_msg_parse(NULL, &tmpl, &none, &m), -EFAULT);
	assert_int_equal(uring_recv_msg_parse(br, NULL, &none, &m), -EFAULT);
	assert_int_equal(uring_recv_msg_parse(br, &tmpl, NULL, &m), -EFAULT);
	assert_int_equal(uring_recv_msg_parse(br, &tmpl, &none, NULL), -EFAULT);
	assert_int_equal(uring_recv_msg_parse(br, &tmpl, &none, &m), -EINVAL);
	uring_completion beyond = { .result = 40, .flags = URING_CQE_F_BUFFER | (7u << URING_CQE_BUFFER_SHIFT) };
	assert_int_equal(uring_recv_msg_parse(br, &tmpl, &beyond, &m), -EINVAL);   /* bid 7 of 2 */
	uring_completion too_long = { .result = 65, .flags = URING_CQE_F_BUFFER };
	assert_int_equal(uring_recv_msg_parse(br, &tmpl, &too_long, &m), -EINVAL);
	assert_null(uring_recv_msg_cmsg_first(NULL));
	assert_null(uring_recv_msg_cmsg_next(NULL, NULL));
	close(srv);
	assert_int_equal(uring_exit(t), 0);
}

/* The control messages of a hand-made block: the walk stops at one that
 * claims more bytes than the block holds. */
static void cmsg_walk_stays_inside_the_block(void **state)
{
	(void)state;
	union {
		struct cmsghdr align;
		unsigned char bytes[3 * CMSG_SPACE(sizeof(int))];
	} u;
	memset(&u, 0, sizeof(u));
	struct msghdr msg = { .msg_control = u.bytes, .msg_controllen = sizeof(u.bytes) };
	int n = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		c->cmsg_level = SOL_SOCKET;
		c->cmsg_type = 100 + n++;
		c->cmsg_len = CMSG_LEN(sizeof(int));
	}
	assert_int_equal(n, 3);
	uring_recv_msg_parts m = { .control = u.bytes, .control_len = sizeof(u.bytes) };
	n = 0;
	for (const struct cmsghdr *c = uring_recv_msg_cmsg_first(&m); c; c = uring_recv_msg_cmsg_next(&m, c))
		assert_int_equal(c->cmsg_type, 100 + n++);
	assert_int_equal(n, 3);
	/* The last one without its padding still counts. */
	m.control_len = 2 * CMSG_SPACE(sizeof(int)) + CMSG_LEN(sizeof(int));
	n = 0;
	for (const struct cmsghdr *c = uring_recv_msg_cmsg_first(&m); c; c = uring_recv_msg_cmsg_next(&m, c))
		n++;
	assert_int_equal(n, 3);
	/* The second one claims the whole block: the walk ends before it. */
	struct cmsghdr *second = (struct cmsghdr *)(void *)(u.bytes + CMSG_SPACE(sizeof(int)));
	second->cmsg_len = sizeof(u.bytes);
	m.control_len = sizeof(u.bytes);
	const struct cmsghdr *first = uring_recv_msg_cmsg_first(&m);
	assert_non_null(first);
	assert_null(uring_recv_msg_cmsg_next(&m, first));
	/* A header not from m's block. */
	struct cmsghdr stray = { .cmsg_len = CMSG_LEN(0) };
	assert_null(uring_recv_msg_cmsg_next(&m, &stray));
}

/* The two completions of a zero-copy send: the result, then the
 * notification; the job lives until the notification. */
static uring_completion zc_completions(uring *t, uring_job job, int32_t result)
{
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, job);
	assert_int_equal(c.result, result);
	assert_true(c.flags & URING_CQE_F_MORE);
	assert_false(c.flags & URING_CQE_F_NOTIF);
	c = wait_one(t);
	assert_int_equal(c.job, job);
	assert_true(c.flags & URING_CQE_F_NOTIF);
	assert_false(c.flags & URING_CQE_F_MORE);
	assert_int_equal(uring_active_ops(t), 0);
	return c;
}

static void send_msg_zc_datagram_to_its_destination(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_OP(t, SENDMSG_ZC, "6.1");
	uint16_t port;
	int srv = udp_socket(&port), cl = udp_socket(NULL);
	char a[] = "zero-copy ", b[] = "sendmsg";
	struct iovec iov[2] = { { a, 10 }, { b, 7 } };
	struct sockaddr_in to = loopback(port);
	uring_job job = uring_send_msg_zc(t, cl, iov, 2, (struct sockaddr *)&to, sizeof(to), 0, 0, NULL);
	assert_true(job > 0);
	iov[0].iov_len = 0;   /* copied: the job keeps its own array */
	memset(&to, 0, sizeof(to));
	uring_completion n = zc_completions(t, job, 17);
	assert_int_equal(n.result, 0);   /* no report asked */
	assert_false(uring_completion_zc_copied(&n));
	char in[32];
	struct sockaddr_in from;
	socklen_t flen = sizeof(from);
	assert_int_equal(recvfrom(srv, in, sizeof(in), 0, (struct sockaddr *)&from, &flen), 17);
	assert_memory_equal(in, "zero-copy sendmsg", 17);
	assert_int_equal(ntohs(from.sin_port), local_port(cl));

	/* A failure still gives both completions. */
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	iov[0].iov_len = 10;
	job = uring_send_msg_zc(t, p[1], iov, 1, NULL, 0, 0, 0, NULL);
	zc_completions(t, job, -ENOTSOCK);
	close(p[0]);
	close(p[1]);

	/* Refused: nothing queued. */
	unsigned ready = uring_sqe_ready(t);
	assert_int_equal(uring_send_msg_zc(NULL, cl, iov, 1, NULL, 0, 0, 0, NULL), -EINVAL);
	assert_int_equal(uring_send_msg_zc(t, cl, NULL, 1, NULL, 0, 0, 0, NULL), -EFAULT);
	assert_int_equal(uring_send_msg_zc(t, cl, iov, 1, NULL, 4, 0, 0, NULL), -EFAULT);
	assert_int_equal(uring_send_msg_zc(t, cl, iov, 1, (struct sockaddr *)&to, 0, 0, 0, NULL), -EINVAL);
	assert_int_equal(uring_send_msg_zc(t, cl, iov, 1, NULL, 0, 0, 1u << 0, NULL), -EINVAL);
	assert_int_equal(uring_send_msg_zc(t, cl, iov, 1, NULL, 0, 0, 1u << 2, NULL), -EINVAL);
	assert_int_equal(uring_sqe_ready(t), ready);
	close(cl);
	close(srv);
	assert_int_equal(uring_exit(t), 0);
}

/* Loopback cannot send without copying: with the report asked, the
 * notification says the kernel copied, for sendmsg and send alike. */
/* A UDP_SEGMENT control message in buf (CMSG_SPACE of a uint16_t). */
static size_t gso_control(unsigned char *buf, size_t cap, uint16_t segment)
{
	memset(buf, 0, cap);
	struct msghdr m = { .msg_control = buf, .msg_controllen = cap };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&m);
	cm->cmsg_level = SOL_UDP;
	cm->cmsg_type = UDP_SEGMENT;
	cm->cmsg_len = CMSG_LEN(sizeof(segment));
	memcpy(CMSG_DATA(cm), &segment, sizeof(segment));
	return CMSG_SPACE(sizeof(segment));
}

/*
 * Control messages with a zero-copy sendmsg: one 1,000-byte buffer with
 * UDP_SEGMENT 100 arrives as ten datagrams of 100 bytes, each its slice.
 * The block is the library's copy: the caller's is overwritten with a
 * segment size of 7 before the submit, which would give 143 datagrams.
 */
static void send_msg_zc2_control_messages_are_copied(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_OP(t, SENDMSG_ZC, "6.1");
	uint16_t port;
	int srv = udp_socket(&port), cl = udp_socket(NULL);
	struct sockaddr_in to = loopback(port);
	unsigned char data[1000], ctl[CMSG_SPACE(sizeof(uint16_t))];
	for (unsigned i = 0; i < sizeof(data); i++)
		data[i] = (unsigned char)(i * 13 + i / 100);
	size_t ctl_len = gso_control(ctl, sizeof(ctl), 100);
	struct iovec iov = { data, sizeof(data) };
	uring_job job = uring_send_msg_zc2(t, cl, &iov, 1, (struct sockaddr *)&to, sizeof(to), ctl,
					   ctl_len, 0, 0, NULL);
	assert_true(job > 0);
	gso_control(ctl, sizeof(ctl), 7);
	zc_completions(t, job, 1000);
	for (unsigned k = 0; k < 10; k++) {
		unsigned char in[200];
		assert_int_equal(recv(srv, in, sizeof(in), MSG_DONTWAIT), 100);
		assert_memory_equal(in, data + 100 * k, 100);
	}
	unsigned char extra;
	assert_int_equal(recv(srv, &extra, 1, MSG_DONTWAIT), -1);

	/* Refused, nothing queued: a length without a block, a block of
	 * length 0 or too long, messages shorter than their header or
	 * running past the block. */
	unsigned ready = uring_sqe_ready(t);
	assert_int_equal(uring_send_msg_zc2(t, cl, &iov, 1, NULL, 0, NULL, 16, 0, 0, NULL), -EFAULT);
	assert_int_equal(uring_send_msg_zc2(t, cl, &iov, 1, NULL, 0, ctl, 0, 0, 0, NULL), -EINVAL);
	assert_int_equal(uring_send_msg_zc2(t, cl, &iov, 1, NULL, 0, ctl, 65537, 0, 0, NULL), -EINVAL);
	struct cmsghdr *cm = (struct cmsghdr *)(void *)ctl;
	cm->cmsg_len = sizeof(*cm) - 1;
	assert_int_equal(uring_send_msg_zc2(t, cl, &iov, 1, NULL, 0, ctl, ctl_len, 0, 0, NULL), -EINVAL);
	cm->cmsg_len = ctl_len + 1;
	assert_int_equal(uring_send_msg_zc2(t, cl, &iov, 1, NULL, 0, ctl, ctl_len, 0, 0, NULL), -EINVAL);
	assert_int_equal(uring_sqe_ready(t), ready);
	close(cl);
	close(srv);
	assert_int_equal(uring_exit(t), 0);
}

static void zc_report_says_loopback_copied(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_OP(t, SEND_ZC, "6.0");
	REQUIRE_FEATURE(t, SEND_ZC_REPORT_USAGE, "6.2");
	uint16_t port;
	int srv = udp_socket(&port), cl = udp_socket(NULL);
	struct sockaddr_in to = loopback(port);
	struct iovec iov = { "report", 6 };
	uring_job job = uring_send_msg_zc(t, cl, &iov, 1, (struct sockaddr *)&to, sizeof(to), 0,
					  URING_SEND_ZC_REPORT_USAGE, NULL);
	assert_true(job > 0);
	uring_completion n = zc_completions(t, job, 6);
	assert_true(uring_completion_zc_copied(&n));
	assert_int_equal((uint32_t)n.result, URING_NOTIF_USAGE_ZC_COPIED);
	char in[16];
	assert_int_equal(recv(srv, in, sizeof(in), 0), 6);
	assert_memory_equal(in, "report", 6);

	int tc, ts;
	tcp_pair(&tc, &ts);
	enum { LEN = 64 * 1024 };
	unsigned char *buf = malloc(LEN), *got = malloc(LEN);
	for (size_t i = 0; i < LEN; i++)
		buf[i] = (unsigned char)(i * 13);
	job = uring_send_zc2(t, tc, buf, LEN, 0, URING_SEND_ZC_REPORT_USAGE, NULL);
	assert_true(job > 0);
	uring_completion r = wait_one(t);
	assert_int_equal(r.result, LEN);
	size_t have = 0;
	while (have < LEN) {
		ssize_t k = recv(ts, got + have, LEN - have, 0);
		assert_true(k > 0);
		have += (size_t)k;
	}
	n = wait_one(t);
	assert_int_equal(n.job, job);
	assert_true(uring_completion_zc_copied(&n));
	assert_memory_equal(got, buf, LEN);
	/* Without the report, the notification says nothing. */
	job = uring_send_zc2(t, tc, buf, 16, 0, 0, NULL);
	n = zc_completions(t, job, 16);
	assert_int_equal(n.result, 0);
	assert_false(uring_completion_zc_copied(&n));
	assert_int_equal(uring_send_zc2(t, tc, buf, 16, 0, 1u << 4, NULL), -EINVAL);
	assert_int_equal(uring_send_zc2(t, tc, NULL, 16, 0, 0, NULL), -EFAULT);
	assert_int_equal(uring_send_zc2(NULL, tc, buf, 16, 0, 0, NULL), -EINVAL);
	free(buf);
	free(got);
	close(tc);
	close(ts);
	close(cl);
	close(srv);
	assert_int_equal(uring_exit(t), 0);
}

/* Where the kernel lacks the report, asking for it is refused at queue
 * time, nothing queued; where it has it, the answer is stable. */
static void zc_report_refused_where_lacking(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	int has = uring_feature_supported(t, URING_FEATURE_SEND_ZC_REPORT_USAGE);
	assert_int_equal(uring_feature_supported(t, URING_FEATURE_SEND_ZC_REPORT_USAGE), has);
	if (has)
		assert_true(uring_op_supported(t, URING_OP_SEND_ZC));
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sv), 0);
	unsigned ready = uring_sqe_ready(t);
	uring_job j = uring_send_zc2(t, sv[0], "x", 1, 0, URING_SEND_ZC_REPORT_USAGE, NULL);
	if (!has) {
		assert_int_equal(j, -EOPNOTSUPP);
		assert_int_equal(uring_sqe_ready(t), ready);
	} else {
		assert_true(j > 0);
		/* AF_UNIX has no zero-copy path: the kernel refuses it. */
		zc_completions(t, j, -EOPNOTSUPP);
	}
	close(sv[0]);
	close(sv[1]);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(recv_msg_multishot_three_sources),
		cmocka_unit_test(recv_msg_multishot_truncations),
		cmocka_unit_test(recv_msg_multishot_no_buffers_then_rearm),
		cmocka_unit_test(recv_msg_multishot_passes_fds_close_on_exec),
		cmocka_unit_test(recv_msg_multishot_refusals),
		cmocka_unit_test(cmsg_walk_stays_inside_the_block),
		cmocka_unit_test(send_msg_zc_datagram_to_its_destination),
		cmocka_unit_test(send_msg_zc2_control_messages_are_copied),
		cmocka_unit_test(zc_report_says_loopback_copied),
		cmocka_unit_test(zc_report_refused_where_lacking),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
