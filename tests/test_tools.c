/* SPDX-License-Identifier: ISC */
/*
 * The tools that follow jobs: memory lent to the kernel is poisoned for
 * AddressSanitizer (and a program touching it dies with a report naming the
 * address), what the kernel wrote is defined for memcheck (tests/valgrind.sh
 * runs this program: every buffer below is malloc'd and never initialised
 * by the program before the kernel fills it), and the trace callback.
 *
 * The programs that must die run as children: this binary re-executed as
 * "test_tools child SCENARIO", its stderr read back by the test.
 */
#include <fcntl.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/wait.h>

#include "helpers.h"
#include "net_helpers.h"

/* The ASan runtime's, when this program has one. */
extern int __asan_address_is_poisoned(void const volatile *addr) __attribute__((weak));

static int poisoned(const void *p)
{
	return __asan_address_is_poisoned && __asan_address_is_poisoned(p);
}

/* In flight under ASan, p (8-aligned, inside a lent buffer) is poisoned;
 * otherwise nothing is. */
static void assert_lent(const void *p)
{
#ifdef UNDER_ASAN
	assert_true(poisoned(p));
#else
	assert_false(poisoned(p));
#endif
}

static void skip_without_asan(void)
{
#ifndef UNDER_ASAN
	fprintf(stderr, "skip: built without AddressSanitizer: nothing to report\n");
	skip();
#endif
}

static void skip_without(uring *t, unsigned op, const char *what)
{
	if (!uring_op_supported(t, op)) {
		fprintf(stderr, "skip: the kernel lacks %s\n", what);
		uring_exit(t);
		skip();
	}
}

/* ------------------------------------------------------------------ */
/* children: each must die with an ASan report                         */
/* ------------------------------------------------------------------ */

static void say_address(const void *p)
{
	fprintf(stderr, "address %p\n", p);
	fflush(stderr);
}

/* Writes into the buffer of a read the kernel has not completed. */
static int child_pending_read(void)
{
	uring *t = uring_create(8, NULL);
	int p[2];
	if (!t || pipe2(p, O_CLOEXEC) < 0)
		return 2;
	char *buf = malloc(64);
	uring_read(t, p[0], buf, 64, -1, NULL);
	uring_submit(t);
	say_address(buf + 16);
	((volatile char *)buf)[16] = 'x';
	return 0;
}

/* Frees a zero-copy send's buffer between its result and its notification. */
static int child_send_zc_freed(void)
{
	uring *t = uring_create(8, NULL);
	if (!t)
		return 2;
	int cl, sv;
	tcp_pair(&cl, &sv);
	char *buf = calloc(1, 4096), in[4096];
	uring_send_zc(t, cl, buf, 4096, 0, NULL);
	uring_completion c;
	if (uring_wait(t, &c) != 1 || c.result != 4096 || !(c.flags & URING_CQE_F_MORE))
		return 3;
	say_address(buf);
	free(buf);
	for (size_t have = 0; have < sizeof(in);) {
		ssize_t n = recv(sv, in, sizeof(in) - have, 0);
		if (n <= 0)
			return 4;
		have += (size_t)n;
	}
	uring_wait(t, &c);   /* the notification: the kernel read freed memory */
	return 0;
}

/* Reads a provided buffer after handing it back with recycle. */
static int child_recycled_read(void)
{
	uring *t = uring_create(8, NULL);
	int sp[2];
	if (!t || socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp) < 0)
		return 2;
	uring_buf_ring *br = uring_buf_ring_create(t, 1, 4, 64);
	if (!br)
		return 3;
	uring_recv_multishot(t, sp[0], br, 0, NULL);
	uring_submit(t);
	if (send(sp[1], "hello", 5, 0) != 5)
		return 4;
	uring_completion c;
	if (uring_wait(t, &c) != 1 || c.result != 5)
		return 5;
	int bid = uring_completion_buffer_id(&c);
	char *p = uring_buf_ring_buffer(br, (unsigned)bid, NULL);
	if (memcmp(p, "hello", 5) != 0)   /* handed to us: fine */
		return 6;
	uring_buf_ring_recycle(br, (unsigned)bid);
	say_address(p);
	return ((volatile char *)p)[0];
}

/* Lends a buffer already freed: reported when the op is called. */
static int child_lend_freed(void)
{
	uring *t = uring_create(8, NULL);
	int p[2];
	if (!t || pipe2(p, O_CLOEXEC) < 0)
		return 2;
	char *buf = malloc(64);
	char *volatile stale = buf;   /* on purpose: the compiler must not object */
	free(buf);
	say_address(stale);
	uring_read(t, p[0], stale, 64, -1, NULL);
	return 0;
}

static int child(const char *scenario)
{
	if (strcmp(scenario, "pending-read") == 0)
		return child_pending_read();
	if (strcmp(scenario, "send-zc-freed") == 0)
		return child_send_zc_freed();
	if (strcmp(scenario, "recycled-read") == 0)
		return child_recycled_read();
	if (strcmp(scenario, "lend-freed") == 0)
		return child_lend_freed();
	return 100;
}

/* Runs a child scenario: it must die, and its stderr must hold an ASan
 * report of `kind` on the address it announced. */
static void expect_report(const char *scenario, const char *kind)
{
	int e[2];
	assert_int_equal(pipe2(e, O_CLOEXEC), 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		dup2(e[1], 2);
		execl("/proc/self/exe", "test_tools", "child", scenario, (char *)NULL);
		_exit(127);
	}
	close(e[1]);
	static char out[1 << 16];
	size_t have = 0;
	ssize_t n;
	while (have < sizeof(out) - 1 && (n = read(e[0], out + have, sizeof(out) - 1 - have)) > 0)
		have += (size_t)n;
	out[have] = '\0';
	close(e[0]);
	int st;
	assert_int_equal(waitpid(pid, &st, 0), pid);
	if (WIFEXITED(st) && WEXITSTATUS(st) == 0)
		fail_msg("%s: the child lived; its stderr:\n%s", scenario, out);
	void *addr = NULL;
	const char *at = strstr(out, "address 0x");
	if (!at || sscanf(at, "address %p", &addr) != 1)
		fail_msg("%s: no address announced; stderr:\n%s", scenario, out);
	char want[160];
	snprintf(want, sizeof(want), "ERROR: AddressSanitizer: %s on address %p", kind, addr);
	if (!strstr(out, want))
		fail_msg("%s: expected \"%s\" in:\n%s", scenario, want, out);
}

static void writing_into_a_pending_read_buffer_is_reported(void **state)
{
	(void)state;
	skip_without_asan();
	expect_report("pending-read", "use-after-poison");
}

static void freeing_a_send_zc_buffer_before_its_notification_is_reported(void **state)
{
	(void)state;
	skip_without_asan();
	uring *t = ring_or_skip(2, NULL);
	skip_without(t, URING_OP_SEND_ZC, "IORING_OP_SEND_ZC (6.0)");
	assert_int_equal(uring_exit(t), 0);
	expect_report("send-zc-freed", "heap-use-after-free");
}

static void reading_a_recycled_provided_buffer_is_reported(void **state)
{
	(void)state;
	skip_without_asan();
	uring *t = ring_or_skip(2, NULL);
	uring_buf_ring *br = uring_buf_ring_create(t, 1, 4, 64);
	if (!br) {
		fprintf(stderr, "skip: no provided-buffer rings (5.19): %s\n", strerror(errno));
		uring_exit(t);
		skip();
	}
	assert_int_equal(uring_exit(t), 0);
	expect_report("recycled-read", "use-after-poison");
}

static void lending_freed_memory_is_reported(void **state)
{
	(void)state;
	skip_without_asan();
	expect_report("lend-freed", "heap-use-after-free");
}

/* ------------------------------------------------------------------ */
/* the kernel writes into lent memory: ASan sees nothing, memcheck sees */
/* defined bytes, and everything is the program's again at completion  */
/* ------------------------------------------------------------------ */

static void fill(char *p, size_t n, char seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (char)(seed + (char)i);
}

static void kernel_writes_into_lent_buffers(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	char *buf = malloc(64), *a = malloc(24), *b = malloc(40), data[64];
	fill(data, sizeof(data), 'A');

	uring_job job = uring_read(t, p[0], buf, 64, -1, NULL);
	assert_int_equal(uring_submit(t), 1);
	assert_lent(buf);
	assert_lent(buf + 56);
	assert_int_equal(write(p[1], data, 48), 48);   /* the kernel writes into poisoned memory */
	uring_completion c = run_one(t, job);
	assert_int_equal(c.result, 48);
	assert_false(poisoned(buf) || poisoned(buf + 56));
	assert_memory_equal(buf, data, 48);            /* a branch on each byte: memcheck checks */

	/* Vectored: each iovec's buffer lent, the result spread over them. */
	struct iovec iov[2] = { { a, 24 }, { b, 40 } };
	job = uring_readv(t, p[0], iov, 2, -1, NULL);
	assert_int_equal(uring_submit(t), 1);
	assert_lent(a);
	assert_lent(b + 32);
	assert_int_equal(write(p[1], data, 50), 50);
	c = run_one(t, job);
	assert_int_equal(c.result, 50);
	assert_false(poisoned(a) || poisoned(b + 32));
	assert_memory_equal(a, data, 24);
	assert_memory_equal(b, data + 24, 26);

	/* A write's buffer is lent too: the kernel reads it. */
	memcpy(buf, data, 64);
	job = uring_write(t, p[1], buf, 64, -1, NULL);
	assert_lent(buf + 8);                          /* from the op call on */
	c = run_one(t, job);
	assert_int_equal(c.result, 64);
	assert_false(poisoned(buf + 8));
	assert_int_equal(read(p[0], data, 64), 64);
	assert_memory_equal(data, buf, 64);
	free(buf);
	free(a);
	free(b);
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void kernel_fills_statx_and_accept_outputs(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	struct statx *sx = malloc(sizeof(*sx));
	uring_job job = uring_statx(t, AT_FDCWD, "/proc/self/exe", 0, STATX_SIZE, sx, NULL);
	assert_lent(sx);
	uring_completion c = run_one(t, job);
	assert_int_equal(c.result, 0);
	assert_false(poisoned(sx));
	struct stat st;
	assert_int_equal(stat("/proc/self/exe", &st), 0);
	assert_true(sx->stx_size == (uint64_t)st.st_size);
	free(sx);

	uint16_t port;
	int l = tcp_listener(&port);
	uring_sockaddr *peer = malloc(sizeof(*peer));
	job = uring_accept(t, l, peer, NULL);
	assert_int_equal(uring_submit(t), 1);
	assert_lent(&peer->addr);
	int cl = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in to = loopback(port);
	assert_int_equal(connect(cl, (struct sockaddr *)&to, sizeof(to)), 0);
	c = run_one(t, job);
	assert_true(c.result >= 0);
	assert_false(poisoned(&peer->addr));
	assert_int_equal(peer->len, sizeof(struct sockaddr_in));
	struct sockaddr_in *sin = (struct sockaddr_in *)&peer->addr;
	assert_int_equal(sin->sin_family, AF_INET);
	assert_int_equal(ntohs(sin->sin_port), local_port(cl));
	free(peer);
	close(c.result);
	close(cl);
	close(l);
	assert_int_equal(uring_exit(t), 0);
}

/* getsockopt's value buffer and epoll_wait's events array: lent from the
 * op call to the completion, then filled. */
static void kernel_fills_sockopt_and_epoll_outputs(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	if (uring_feature_supported(t, URING_FEATURE_SOCKET_CMD)) {
		int c, s;
		tcp_pair(&c, &s);
		int *v = malloc(2 * sizeof(int));   /* a whole granule, for ASan */
		uring_job job = uring_getsockopt(t, s, SOL_SOCKET, SO_TYPE, v, 2 * sizeof(int), NULL);
		assert_lent(v);
		uring_completion r = run_one(t, job);
		assert_int_equal(r.result, sizeof(int));
		assert_false(poisoned(v));
		assert_int_equal(v[0], SOCK_STREAM);
		free(v);
		close(c);
		close(s);
	}
	skip_without(t, URING_OP_EPOLL_WAIT, "IORING_OP_EPOLL_WAIT (6.15)");
	int ep = epoll_create1(EPOLL_CLOEXEC), p[2];
	assert_true(ep >= 0);
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 7 };
	assert_int_equal(epoll_ctl(ep, EPOLL_CTL_ADD, p[0], &ev), 0);
	struct epoll_event *out = malloc(4 * sizeof(*out));
	uring_job job = uring_epoll_wait(t, ep, out, 4, NULL);
	assert_int_equal(uring_submit(t), 1);
	assert_lent(out);
	assert_int_equal(write(p[1], "x", 1), 1);
	uring_completion r = run_one(t, job);
	assert_int_equal(r.result, 1);
	assert_false(poisoned(out));
	assert_int_equal(out[0].data.u64, 7);
	free(out);
	close(ep);
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void kernel_fills_a_recv_msg_header(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	int sp[2], pp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_DGRAM | SOCK_CLOEXEC, 0, sp), 0);
	assert_int_equal(pipe2(pp, O_CLOEXEC), 0);
	char *data = malloc(32);
	uring_sockaddr *from = malloc(sizeof(*from));
	struct iovec iov = { data, 32 };
	uring_msghdr *m = uring_msghdr_create(1, &iov, 1, from);
	assert_non_null(m);
	uring_job job = uring_recv_msg(t, sp[0], m, NULL);
	assert_int_equal(uring_submit(t), 1);
	assert_lent(data);
	assert_lent(&from->addr);

	char msg[] = "with an fd";
	struct iovec out = { msg, sizeof(msg) };
	char cbuf[CMSG_SPACE(sizeof(int))];
	memset(cbuf, 0, sizeof(cbuf));
	struct msghdr mh = { .msg_iov = &out, .msg_iovlen = 1, .msg_control = cbuf,
			     .msg_controllen = sizeof(cbuf) };
	struct cmsghdr *cm = CMSG_FIRSTHDR(&mh);
	cm->cmsg_level = SOL_SOCKET;
	cm->cmsg_type = SCM_RIGHTS;
	cm->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(cm), &pp[0], sizeof(int));
	assert_int_equal(sendmsg(sp[1], &mh, 0), (ssize_t)sizeof(msg));

	uring_completion c = run_one(t, job);
	assert_int_equal(c.result, (int)sizeof(msg));
	assert_false(poisoned(data) || poisoned(&from->addr));
	assert_memory_equal(data, msg, sizeof(msg));
	int fd = -1;
	assert_int_equal(uring_msghdr_fds(m, &fd, 1), 1);
	assert_true(fd >= 0);
	assert_int_equal(uring_msghdr_flags(m), 0);
	/* An unnamed socketpair peer: the kernel reports a bare family. */
	assert_true(uring_msghdr_addr_len(m) <= sizeof(from->addr));
	if (uring_msghdr_addr_len(m) >= sizeof(sa_family_t))
		assert_int_equal(from->addr.ss_family, AF_UNIX);
	close(fd);
	uring_msghdr_destroy(m);
	free(from);
	free(data);
	close(sp[0]);
	close(sp[1]);
	close(pp[0]);
	close(pp[1]);
	assert_int_equal(uring_exit(t), 0);
}

/* Provided buffers: poisoned while the kernel holds them, the program's
 * from the completion that hands one out until it is recycled. */
static void provided_buffers_lent_until_handed_out(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	uring_buf_ring *br = uring_buf_ring_create(t, 3, 4, 64);
	if (!br) {
		fprintf(stderr, "skip: no provided-buffer rings (5.19): %s\n", strerror(errno));
		uring_exit(t);
		skip();
	}
	skip_without(t, URING_OP_SEND_ZC, "multishot recv (6.0)");
	for (unsigned bid = 0; bid < 4; bid++)
		assert_lent(uring_buf_ring_buffer(br, bid, NULL));
	int sp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	uring_job job = uring_recv_multishot(t, sp[0], br, 0, NULL);
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(send(sp[1], "provided", 8, 0), 8);
	uring_completion c = run_one(t, job);
	assert_int_equal(c.result, 8);
	int bid = uring_completion_buffer_id(&c);
	assert_true(bid >= 0);
	char *p = uring_buf_ring_buffer(br, (unsigned)bid, NULL);
	assert_false(poisoned(p));
	assert_memory_equal(p, "provided", 8);
	assert_int_equal(uring_buf_ring_recycle(br, (unsigned)bid), 0);
	assert_lent(p);
	assert_int_equal(uring_cancel(t, job, NULL) > 0, 1);
	for (int i = 0; i < 2; i++)
		wait_one(t);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_buf_ring_destroy(t, br), 0);
	close(sp[0]);
	close(sp[1]);
	assert_int_equal(uring_exit(t), 0);
}

/* An incremental ring: a piece is the program's (unaligned edges too),
 * the rest of its buffer stays poisoned while the kernel fills it. */
static void incremental_pieces_lent_piece_by_piece(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	if (!uring_feature_supported(t, URING_FEATURE_BUF_RING_INC)) {
		fprintf(stderr, "skip: no incremental buffer rings (6.12)\n");
		uring_exit(t);
		skip();
	}
	uring_buf_ring *br = uring_buf_ring_create2(t, 4, 2, 256, URING_BUF_RING_INC);
	assert_non_null(br);
	int sp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	uring_job job = uring_recv_multishot(t, sp[0], br, 0, NULL);
	assert_int_equal(uring_submit(t), 1);
	const char *words[2] = { "hello", "world!!" };
	size_t off = 0;
	char *base = uring_buf_ring_buffer(br, 0, NULL);
	for (int i = 0; i < 2; i++) {
		size_t n = strlen(words[i]);
		assert_int_equal(send(sp[1], words[i], n, 0), (ssize_t)n);
		uring_completion c = run_one(t, job);
		assert_true(c.flags & URING_CQE_F_BUF_MORE);
		void *p;
		assert_int_equal(uring_buf_ring_data(br, &c, &p), (int)n);
		assert_ptr_equal(p, base + off);
		for (size_t k = 0; k < n; k++)   /* every byte, edges included */
			assert_false(poisoned((char *)p + k));
		assert_memory_equal(p, words[i], n);
		off += n;
		assert_lent(base + 64);   /* the rest: still the kernel's */
	}
	assert_int_equal(uring_cancel(t, job, NULL) > 0, 1);
	for (int i = 0; i < 2; i++)
		wait_one(t);
	close(sp[0]);
	close(sp[1]);
	assert_int_equal(uring_exit(t), 0);
}

/* ------------------------------------------------------------------ */
/* the trace                                                           */
/* ------------------------------------------------------------------ */

struct recorded {
	uring_trace_event ev[16];
	unsigned n;
};

static void record(void *ctx, const uring_trace_event *ev)
{
	struct recorded *r = ctx;
	assert_true(r->n < 16);
	r->ev[r->n++] = *ev;
}

static void assert_event(const uring_trace_event *ev, uring_trace_point point, int op,
			 uring_job job, int fd, uint32_t len)
{
	assert_int_equal(ev->point, point);
	assert_int_equal(ev->op, op);
	assert_int_equal(ev->job, job);
	assert_int_equal(ev->fd, fd);
	assert_int_equal(ev->len, len);
}

static void trace_follows_each_job(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	assert_int_equal(uring_set_trace(NULL, record, NULL), -EINVAL);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	uring_job before = uring_noop(t, NULL);   /* queued before the trace was set */
	static struct recorded r;
	assert_int_equal(uring_set_trace(t, record, &r), 0);
	char buf[16];
	uring_job rd = uring_read(t, p[0], buf, sizeof(buf), -1, NULL);
	assert_int_equal(r.n, 1);
	assert_event(&r.ev[0], URING_TRACE_QUEUE, URING_OP_READ, rd, p[0], sizeof(buf));
	assert_int_equal(uring_submit(t), 2);
	assert_int_equal(r.n, 3);
	assert_event(&r.ev[1], URING_TRACE_SUBMIT, URING_OP_NOP, before, -1, 0);
	assert_event(&r.ev[2], URING_TRACE_SUBMIT, URING_OP_READ, rd, p[0], sizeof(buf));
	uring_completion c = run_one(t, before);
	assert_int_equal(r.n, 4);
	/* Not noted when queued, unless a tool (ASan, memcheck) was already
	 * noting every job. */
	if (r.ev[3].op == -1)
		assert_event(&r.ev[3], URING_TRACE_COMPLETE, -1, before, -1, 0);
	else
		assert_event(&r.ev[3], URING_TRACE_COMPLETE, URING_OP_NOP, before, -1, 0);
	assert_int_equal(write(p[1], "traced", 6), 6);
	c = run_one(t, rd);
	assert_int_equal(r.n, 5);
	assert_event(&r.ev[4], URING_TRACE_COMPLETE, URING_OP_READ, rd, p[0], sizeof(buf));
	assert_int_equal(r.ev[4].result, 6);
	assert_int_equal(r.ev[4].flags, c.flags);

	/* Off again: no more events. */
	assert_int_equal(uring_set_trace(t, NULL, NULL), 0);
	run_one(t, uring_noop(t, NULL));
	assert_int_equal(r.n, 5);
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void trace_print_writes_one_line_per_event(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	char *text = NULL;
	size_t size = 0;
	FILE *f = open_memstream(&text, &size);
	assert_non_null(f);
	assert_int_equal(uring_set_trace(t, uring_trace_print, f), 0);
	uring_job nop = uring_noop(t, NULL);
	run_one(t, nop);
	uring_job bad = uring_read(t, -1, NULL, 0, -1, NULL);
	run_one(t, bad);
	assert_int_equal(uring_set_trace(t, NULL, NULL), 0);
	fclose(f);
	char want[512];
	snprintf(want, sizeof(want),
		 "curing: queue job=%lld op=NOP fd=-1 len=0\n"
		 "curing: submit job=%lld op=NOP fd=-1 len=0\n"
		 "curing: complete job=%lld op=NOP fd=-1 len=0 result=0 flags=0x0\n"
		 "curing: queue job=%lld op=READ fd=-1 len=0\n"
		 "curing: submit job=%lld op=READ fd=-1 len=0\n"
		 "curing: complete job=%lld op=READ fd=-1 len=0 result=-EBADF flags=0x0\n",
		 (long long)nop, (long long)nop, (long long)nop, (long long)bad, (long long)bad,
		 (long long)bad);
	assert_string_equal(text, want);
	free(text);
	assert_int_equal(uring_exit(t), 0);
}

/* For tests/test_usdt.sh: nops, so that a tracer attached to the probes
 * sees each point fire `n` times. */
static int child_nops(unsigned n)
{
	uring *t = uring_create(8, NULL);
	if (!t)
		return 2;
	for (unsigned i = 0; i < n; i++) {
		uring_completion c;
		uring_noop(t, NULL);
		if (uring_wait(t, &c) != 1)
			return 3;
	}
	return uring_exit(t) == 0 ? 0 : 4;
}

int main(int argc, char **argv)
{
	if (argc == 3 && strcmp(argv[1], "child") == 0)
		return child(argv[2]);
	if (argc == 3 && strcmp(argv[1], "nops") == 0)
		return child_nops((unsigned)atoi(argv[2]));
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(writing_into_a_pending_read_buffer_is_reported),
		cmocka_unit_test(freeing_a_send_zc_buffer_before_its_notification_is_reported),
		cmocka_unit_test(reading_a_recycled_provided_buffer_is_reported),
		cmocka_unit_test(lending_freed_memory_is_reported),
		cmocka_unit_test(kernel_writes_into_lent_buffers),
		cmocka_unit_test(kernel_fills_statx_and_accept_outputs),
		cmocka_unit_test(kernel_fills_a_recv_msg_header),
		cmocka_unit_test(kernel_fills_sockopt_and_epoll_outputs),
		cmocka_unit_test(provided_buffers_lent_until_handed_out),
		cmocka_unit_test(incremental_pieces_lent_piece_by_piece),
		cmocka_unit_test(trace_follows_each_job),
		cmocka_unit_test(trace_print_writes_one_line_per_event),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
