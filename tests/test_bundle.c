/* SPDX-License-Identifier: ISC */
/* Incremental buffer rings (6.12) and receive bundles (6.10), on loopback TCP. */
#include "net_helpers.h"

#include <fcntl.h>

#include "syscall.h"

static void require_inc(uring *t)
{
	REQUIRE_FEATURE(t, RECV_MULTISHOT, "6.0");
	REQUIRE_FEATURE(t, BUF_RING_INC, "6.12");
}

static void require_bundle(uring *t)
{
	REQUIRE_FEATURE(t, BUF_RING, "5.19");
	REQUIRE_FEATURE(t, RECV_BUNDLE, "6.10");
}

static void fill_pattern(unsigned char *p, size_t n, unsigned seed)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)((i * 7 + seed + i / 251) & 0xff);
}

static unsigned char *buffer_of(uring_buf_ring *br, unsigned bid)
{
	unsigned char *p = uring_buf_ring_buffer(br, bid, NULL);
	assert_non_null(p);
	return p;
}

/* Sends n bytes and waits for the one completion of job they make. */
static uring_completion send_then_wait(uring *t, int fd, const void *p, size_t n, uring_job job)
{
	assert_int_equal(send(fd, p, n, 0), (ssize_t)n);
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, job);
	return c;
}

/* Cancels job, which selects from a buffer ring, and collects to the end. */
static void cancel_and_drain(uring *t, uring_job job)
{
	assert_true(uring_cancel(t, job, NULL) > 0);
	while (uring_active_ops(t) > 0)
		(void)wait_one(t);
}

/*
 * One 4096-byte buffer handed out in three pieces: BUF_MORE while the
 * kernel keeps the rest, each piece where the previous one ended, and the
 * buffer recyclable only after the piece that finished it.
 */
static void incremental_ring_hands_out_one_buffer_in_pieces(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	require_inc(t);
	int cl, sv;
	tcp_pair(&cl, &sv);
	enum { SIZE = 4096 };
	uring_buf_ring *br = uring_buf_ring_create2(t, 3, 2, SIZE, URING_BUF_RING_INC);
	assert_non_null(br);
	uring_job job = uring_recv_multishot(t, sv, br, 0, NULL);
	assert_true(job > 0);
	assert_int_equal(uring_submit(t), 1);

	uring_completion c = send_then_wait(t, cl, "hello", 5, job);
	assert_int_equal(c.result, 5);
	assert_int_equal(uring_completion_buffer_id(&c), 0);
	assert_true(c.flags & URING_CQE_F_BUF_MORE);
	assert_true(c.flags & URING_CQE_F_MORE);
	void *p;
	assert_int_equal(uring_buf_ring_data(br, &c, &p), 5);
	assert_ptr_equal(p, buffer_of(br, 0));
	assert_memory_equal(p, "hello", 5);
	assert_int_equal(uring_buf_ring_data(br, &c, &p), -EINVAL);   /* taken once */
	assert_int_equal(uring_buf_ring_recycle(br, 0), -EBUSY);      /* still the kernel's */

	c = send_then_wait(t, cl, "world!", 6, job);
	assert_int_equal(c.result, 6);
	assert_int_equal(uring_completion_buffer_id(&c), 0);
	assert_true(c.flags & URING_CQE_F_BUF_MORE);
	assert_int_equal(uring_buf_ring_data(br, &c, &p), 6);
	assert_ptr_equal(p, buffer_of(br, 0) + 5);
	assert_memory_equal(p, "world!", 6);

	/* The rest of buffer 0 exactly, however TCP splits it. */
	static unsigned char rest[SIZE - 11];
	fill_pattern(rest, sizeof(rest), 1);
	assert_int_equal(send(cl, rest, sizeof(rest), 0), (ssize_t)sizeof(rest));
	size_t have = 0;
	while (have < sizeof(rest)) {
		c = wait_one(t);
		assert_int_equal(uring_completion_buffer_id(&c), 0);
		uring_buf_piece pc;
		assert_int_equal(uring_buf_ring_pieces(br, &c, &pc, 1), 1);
		assert_ptr_equal(pc.ptr, buffer_of(br, 0) + 11 + have);
		assert_memory_equal(pc.ptr, rest + have, pc.len);
		have += pc.len;
		int last = have == sizeof(rest);
		assert_int_equal(!!(c.flags & URING_CQE_F_BUF_MORE), !last);
		assert_int_equal(pc.done, last);
		if (!last)
			assert_int_equal(uring_buf_ring_recycle(br, 0), -EBUSY);
	}
	assert_int_equal(uring_buf_ring_recycle(br, 0), 0);
	assert_int_equal(uring_buf_ring_recycle(br, 0), -EINVAL);   /* returned already */

	/* The next piece starts buffer 1, at its beginning. */
	c = send_then_wait(t, cl, "next", 4, job);
	assert_int_equal(uring_completion_buffer_id(&c), 1);
	assert_int_equal(uring_buf_ring_data(br, &c, &p), 4);
	assert_ptr_equal(p, buffer_of(br, 1));
	assert_memory_equal(p, "next", 4);

	cancel_and_drain(t, job);
	close(cl);
	close(sv);
	assert_int_equal(uring_exit(t), 0);
}

/*
 * Several completions of one buffer collected in one batch: each one's
 * bytes follow the previous one's, as long as they are taken in the order
 * collected.
 */
static void incremental_pieces_collected_together_are_taken_in_order(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	require_inc(t);
	int cl, sv;
	tcp_pair(&cl, &sv);
	uring_buf_ring *br = uring_buf_ring_create2(t, 4, 4, 256, URING_BUF_RING_INC);
	assert_non_null(br);
	uring_job job = uring_recv_multishot(t, sv, br, 0, NULL);
	assert_true(job > 0);
	assert_int_equal(uring_submit(t), 1);
	const char *words[3] = { "aaa", "bbbbb", "cc" };
	for (int i = 0; i < 3; i++) {
		assert_int_equal(send(cl, words[i], strlen(words[i]), 0), (ssize_t)strlen(words[i]));
		usleep(20000);   /* one receive each */
	}
	uring_completion cs[3];
	int n = 0;
	while (n < 3)
		n += uring_wait_many(t, cs + n, (unsigned)(3 - n), 1, URING_WAIT_FOREVER);
	size_t off = 0;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(cs[i].result, (int)strlen(words[i]));
		assert_true(cs[i].flags & URING_CQE_F_BUF_MORE);
		void *p;
		assert_int_equal(uring_buf_ring_data(br, &cs[i], &p), cs[i].result);
		assert_ptr_equal(p, buffer_of(br, 0) + off);
		assert_memory_equal(p, words[i], strlen(words[i]));
		off += strlen(words[i]);
	}
	/* All taken: a fourth look at the first finds nothing left to give. */
	void *p;
	assert_int_equal(uring_buf_ring_data(br, &cs[0], &p), -EINVAL);
	cancel_and_drain(t, job);
	close(cl);
	close(sv);
	assert_int_equal(uring_exit(t), 0);
}

static uring_job queue_recv(uring *t, int fd, uring_buf_ring *br)
{
	return uring_recv_multishot(t, fd, br, 0, NULL);
}

static uring_job queue_read(uring *t, int fd, uring_buf_ring *br)
{
	return uring_read_multishot(t, fd, br, NULL);
}

/*
 * End of stream on an incremental ring: the final completion (0 bytes) may
 * name the buffer without BUF_MORE (liburing #1545, a pipe read), yet the
 * kernel keeps the rest of it: it stays unrecyclable, and the next receive
 * goes on filling it where the last piece ended.  Over a socket (recv) and
 * a pipe (read multishot, 6.7).
 */
static void end_of_stream_keeps_the_buffer(uring *t, uring_job (*queue)(uring *, int, uring_buf_ring *),
					    int pair_kind, unsigned group)
{
	uring_buf_ring *br = uring_buf_ring_create2(t, group, 2, 128, URING_BUF_RING_INC);
	assert_non_null(br);
	int a[2], b[2];
	for (int k = 0; k < 2; k++) {
		int *fds = k ? b : a;
		if (pair_kind)
			assert_int_equal(pipe2(fds, O_CLOEXEC), 0);
		else
			assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, fds), 0);
	}
	uring_job job = queue(t, a[0], br);
	assert_true(job > 0);
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(write(a[1], "tail", 4), 4);
	uring_completion c = wait_one(t);
	assert_true(c.flags & URING_CQE_F_BUF_MORE);
	void *p;
	assert_int_equal(uring_buf_ring_data(br, &c, &p), 4);
	close(a[1]);
	c = wait_one(t);
	assert_int_equal(c.result, 0);
	assert_false(c.flags & URING_CQE_F_MORE);
	fprintf(stderr, "end of stream (%s): flags 0x%x, buffer %d\n", pair_kind ? "pipe" : "socket",
		c.flags, uring_completion_buffer_id(&c));
	if (uring_completion_buffer_id(&c) >= 0) {   /* as the kernel of #1545 does */
		uring_buf_piece pc;
		assert_int_equal(uring_buf_ring_pieces(br, &c, &pc, 1), 1);
		assert_int_equal(pc.len, 0);
		assert_false(pc.done);
	}
	assert_int_equal(uring_buf_ring_recycle(br, 0), -EBUSY);
	assert_int_equal(uring_buf_ring_recycle(br, 1), -EINVAL);   /* never handed out */

	job = queue(t, b[0], br);
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(write(b[1], "more", 4), 4);
	c = wait_one(t);
	assert_int_equal(c.job, job);
	assert_int_equal(uring_completion_buffer_id(&c), 0);
	assert_int_equal(uring_buf_ring_data(br, &c, &p), 4);
	assert_ptr_equal(p, buffer_of(br, 0) + 4);
	assert_memory_equal(p, "more", 4);
	cancel_and_drain(t, job);
	close(a[0]);
	close(b[0]);
	close(b[1]);
	assert_int_equal(uring_buf_ring_destroy(t, br), 0);
}

static void incremental_buffer_survives_end_of_stream(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	require_inc(t);
	end_of_stream_keeps_the_buffer(t, queue_recv, 0, 8);
	if (uring_op_supported(t, URING_OP_READ_MULTISHOT))   /* 6.7: always, with 6.12's rings */
		end_of_stream_keeps_the_buffer(t, queue_read, 1, 9);
	assert_int_equal(uring_exit(t), 0);
}

/* A plain ring's completion is one buffer from its start, taken once. */
static void plain_ring_data_is_the_buffer_start(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	REQUIRE_FEATURE(t, RECV_MULTISHOT, "6.0");
	int cl, sv;
	tcp_pair(&cl, &sv);
	uring_buf_ring *br = uring_buf_ring_create(t, 5, 2, 64);
	assert_non_null(br);
	uring_job job = uring_recv_multishot(t, sv, br, 0, NULL);
	assert_int_equal(uring_submit(t), 1);
	uring_completion c = send_then_wait(t, cl, "plain", 5, job);
	assert_false(c.flags & URING_CQE_F_BUF_MORE);
	void *p;
	assert_int_equal(uring_buf_ring_data(br, &c, &p), 5);
	int bid = uring_completion_buffer_id(&c);
	assert_ptr_equal(p, buffer_of(br, (unsigned)bid));
	assert_memory_equal(p, "plain", 5);
	assert_int_equal(uring_buf_ring_data(br, &c, &p), -EINVAL);
	assert_int_equal(uring_buf_ring_recycle(br, (unsigned)bid), 0);
	cancel_and_drain(t, job);
	close(cl);
	close(sv);
	assert_int_equal(uring_exit(t), 0);
}

/*
 * Bundles until total bytes came, each walked into pc (at most max
 * pieces in all): returns how many pieces, checking every piece's bytes
 * against sent; *widest: the most pieces one completion had.
 */
static unsigned take_bundles(uring *t, int fd, uring_buf_ring *br, const unsigned char *sent,
			     size_t total, uring_buf_piece *pc, unsigned max, unsigned *widest)
{
	size_t have = 0;
	unsigned n = 0;
	*widest = 0;
	while (have < total) {
		uring_job job = uring_recv_bundle(t, fd, br, 0, (void *)"b");
		assert_true(job > 0);
		uring_completion c = wait_one(t);
		assert_int_equal(c.job, job);
		assert_true(c.result > 0);
		int k = uring_buf_ring_pieces(br, &c, pc + n, max - n);
		assert_true(k > 0);
		assert_int_equal(pc[n].bid, uring_completion_buffer_id(&c));
		size_t sum = 0;
		for (int i = 0; i < k; i++) {
			assert_ptr_equal(pc[n + i].ptr, buffer_of(br, pc[n + i].bid));
			assert_memory_equal(pc[n + i].ptr, sent + have + sum, pc[n + i].len);
			assert_true(pc[n + i].done);
			sum += pc[n + i].len;
		}
		assert_int_equal(sum, (size_t)c.result);
		assert_int_equal(uring_buf_ring_pieces(br, &c, pc + n, max - n), -EINVAL);   /* taken */
		*widest = (unsigned)k > *widest ? (unsigned)k : *widest;
		have += sum;
		n += (unsigned)k;
	}
	assert_int_equal(have, total);
	return n;
}

/*
 * 40 bytes waiting, 16-byte buffers: bundles over buffers 0, 1, 2 (16, 16,
 * 8).  Recycled out of order, the ring then holds 3..7, 1, 0, 2, and the
 * next bundles walk them in that order: the pieces follow the ring, not
 * the ids.
 */
static void recv_bundle_spans_buffers_in_ring_order(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	require_bundle(t);
	int cl, sv;
	tcp_pair(&cl, &sv);
	enum { N = 8, SZ = 16 };
	uring_buf_ring *br = uring_buf_ring_create(t, 6, N, SZ);
	assert_non_null(br);
	unsigned char sent[N * SZ];
	fill_pattern(sent, sizeof(sent), 2);
	assert_int_equal(send(cl, sent, 40, 0), 40);
	usleep(20000);
	uring_job job = uring_recv_bundle(t, sv, br, 0, NULL);
	assert_true(job > 0);
	uring_completion c = wait_one(t);
	uring_buf_piece pc[N];
	assert_true(c.result > SZ);   /* more than one buffer's worth */
	void *p;
	assert_int_equal(uring_buf_ring_data(br, &c, &p), -E2BIG);   /* nothing taken */
	assert_int_equal(uring_buf_ring_pieces(br, &c, pc, 1), -ENOSPC);   /* nothing taken */
	int k = uring_buf_ring_pieces(br, &c, pc, N);
	assert_int_equal(k, (c.result + SZ - 1) / SZ);
	for (int i = 0; i < k; i++) {
		assert_int_equal(pc[i].bid, (unsigned)i);
		assert_memory_equal(pc[i].ptr, sent + i * SZ, pc[i].len);
	}
	unsigned n = (unsigned)k, widest;
	if (c.result < 40)
		n += take_bundles(t, sv, br, sent + c.result, 40 - (size_t)c.result, pc + n, N - n,
				  &widest);
	assert_int_equal(n, 3);
	const size_t lens[3] = { 16, 16, 8 };
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(pc[i].bid, i);
		assert_int_equal(pc[i].len, lens[i]);
	}
	assert_int_equal(uring_buf_ring_recycle(br, 1), 0);
	uring_buf_piece rest[2] = { pc[0], pc[2] };
	assert_int_equal(uring_buf_ring_recycle_pieces(br, rest, 2), 0);
	assert_int_equal(uring_buf_ring_recycle_pieces(br, rest, 2), -EINVAL);   /* returned */

	assert_int_equal(send(cl, sent, sizeof(sent), 0), (ssize_t)sizeof(sent));
	usleep(20000);
	assert_int_equal(take_bundles(t, sv, br, sent, sizeof(sent), pc, N, &widest), N);
	assert_true(widest > 1);
	const unsigned order[N] = { 3, 4, 5, 6, 7, 1, 0, 2 };
	for (unsigned i = 0; i < N; i++) {
		assert_int_equal(pc[i].bid, order[i]);
		assert_int_equal(pc[i].len, SZ);
	}
	assert_int_equal(uring_buf_ring_recycle_pieces(br, pc, N), 0);
	close(cl);
	close(sv);
	assert_int_equal(uring_exit(t), 0);
}

/*
 * A multishot bundle on an incremental ring: 20 bytes into 16-byte
 * buffers fill buffer 0 and start buffer 1, which the kernel keeps
 * (BUF_MORE): recycling the pieces returns buffer 0 only, and the next
 * completion continues buffer 1 where the bundle left it.
 */
static void multishot_bundle_on_an_incremental_ring(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	require_bundle(t);
	require_inc(t);
	int cl, sv;
	tcp_pair(&cl, &sv);
	uring_buf_ring *br = uring_buf_ring_create2(t, 9, 4, 16, URING_BUF_RING_INC);
	assert_non_null(br);
	unsigned char sent[24];
	fill_pattern(sent, sizeof(sent), 3);
	assert_int_equal(send(cl, sent, 20, 0), 20);
	usleep(20000);
	uring_job job = uring_recv_multishot_bundle(t, sv, br, 0, NULL);
	assert_true(job > 0);
	assert_int_equal(uring_buf_ring_destroy(t, br), -EBUSY);   /* armed on it */
	uring_completion c = wait_one(t);
	assert_int_equal(c.result, 20);
	assert_true(c.flags & URING_CQE_F_MORE);
	assert_true(c.flags & URING_CQE_F_BUF_MORE);
	uring_buf_piece pc[4];
	assert_int_equal(uring_buf_ring_pieces(br, &c, pc, 4), 2);
	assert_int_equal(pc[0].bid, 0);
	assert_int_equal(pc[0].len, 16);
	assert_true(pc[0].done);
	assert_int_equal(pc[1].bid, 1);
	assert_int_equal(pc[1].len, 4);
	assert_false(pc[1].done);
	assert_memory_equal(pc[0].ptr, sent, 16);
	assert_memory_equal(pc[1].ptr, sent + 16, 4);
	assert_int_equal(uring_buf_ring_recycle_pieces(br, pc, 2), 0);
	assert_int_equal(uring_buf_ring_recycle(br, 0), -EINVAL);   /* returned by the pieces */
	assert_int_equal(uring_buf_ring_recycle(br, 1), -EBUSY);    /* the kernel's still */

	c = send_then_wait(t, cl, sent + 20, 4, job);
	assert_int_equal(c.result, 4);
	assert_int_equal(uring_completion_buffer_id(&c), 1);
	void *p;
	assert_int_equal(uring_buf_ring_data(br, &c, &p), 4);
	assert_ptr_equal(p, buffer_of(br, 1) + 4);
	assert_memory_equal(p, sent + 20, 4);
	cancel_and_drain(t, job);
	close(cl);
	close(sv);
	assert_int_equal(uring_exit(t), 0);
}

static void require_send_bundle(uring *t)
{
	REQUIRE_FEATURE(t, BUF_RING, "5.19");
	REQUIRE_FEATURE(t, SEND_BUNDLE, "6.10");
}

/*
 * A send ring: three buffers filled and pushed (10, 20, 5 bytes) go out as
 * one stream in push order; the completions' pieces name each buffer and
 * the bytes of it sent, after which each is the caller's to push again.
 */
static void send_bundle_sends_pushed_buffers_in_order(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	require_send_bundle(t);
	int cl, sv;
	tcp_pair(&cl, &sv);
	enum { SZ = 32 };
	uring_buf_ring *br = uring_buf_ring_create2(t, 12, 4, SZ, URING_BUF_RING_SEND);
	assert_non_null(br);
	unsigned char sent[35];
	fill_pattern(sent, sizeof(sent), 4);
	const unsigned bids[3] = { 2, 0, 1 };
	const size_t lens[3] = { 10, 20, 5 };
	size_t off = 0;
	for (int i = 0; i < 3; i++) {
		memcpy(buffer_of(br, bids[i]), sent + off, lens[i]);
		assert_int_equal(uring_buf_ring_push(br, bids[i], lens[i]), 0);
		off += lens[i];
	}
	assert_int_equal(uring_buf_ring_push(br, 0, 4), -EINVAL);   /* pushed already */
	uring_job job = uring_send_bundle(t, cl, br, 0, (void *)"tx");
	assert_true(job > 0);
	assert_int_equal(uring_buf_ring_destroy(t, br), -EBUSY);
	uring_buf_piece pc[4];
	unsigned n = 0;
	size_t total = 0;
	for (;;) {
		uring_completion c = wait_one(t);
		assert_int_equal(c.job, job);
		assert_true(c.result > 0);
		int k = uring_buf_ring_pieces(br, &c, pc + n, 4 - n);
		assert_true(k > 0);
		n += (unsigned)k;
		total += (size_t)c.result;
		if (!(c.flags & URING_CQE_F_MORE))
			break;
	}
	assert_int_equal(total, sizeof(sent));
	assert_int_equal(n, 3);
	off = 0;
	for (int i = 0; i < 3; i++) {
		assert_int_equal(pc[i].bid, bids[i]);
		assert_int_equal(pc[i].len, lens[i]);
		assert_ptr_equal(pc[i].ptr, buffer_of(br, bids[i]));
		assert_true(pc[i].done);
		off += lens[i];
	}
	unsigned char got[sizeof(sent)];
	size_t have = 0;
	while (have < sizeof(got)) {
		ssize_t r = recv(sv, got + have, sizeof(got) - have, 0);
		assert_true(r > 0);
		have += (size_t)r;
	}
	assert_memory_equal(got, sent, sizeof(sent));

	/* Sent: the caller's again, pushed and sent once more. */
	memcpy(buffer_of(br, 0), "again", 5);
	assert_int_equal(uring_buf_ring_push(br, 0, 5), 0);
	job = uring_send_bundle(t, cl, br, 0, NULL);
	uring_completion c = wait_one(t);
	assert_int_equal(c.result, 5);
	assert_int_equal(uring_completion_buffer_id(&c), 0);
	void *p;
	assert_int_equal(uring_buf_ring_data(br, &c, &p), 5);
	assert_int_equal(recv(sv, got, 5, MSG_WAITALL), 5);
	assert_memory_equal(got, "again", 5);

	/* Nothing pushed: the kernel finds no buffer. */
	job = uring_send_bundle(t, cl, br, 0, NULL);
	c = wait_one(t);
	assert_int_equal(c.job, job);
	assert_int_equal(c.result, -ENOBUFS);
	assert_int_equal(uring_active_ops(t), 0);
	close(cl);
	close(sv);
	assert_int_equal(uring_exit(t), 0);
}

/*
 * A send bundle to a peer that is gone: the completion carries -EPIPE and
 * the first buffer's id, and the kernel has consumed all three buffers it
 * selected.  Walked, they come back as empty pieces, each the caller's to
 * push again; a send on a live socket then sends them in order.
 */
static void failed_send_bundle_gives_every_buffer_back(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	require_send_bundle(t);
	int dead[2], cl, sv;
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, dead), 0);
	close(dead[1]);
	tcp_pair(&cl, &sv);
	uring_buf_ring *br = uring_buf_ring_create2(t, 13, 8, 16, URING_BUF_RING_SEND);
	assert_non_null(br);
	for (unsigned bid = 0; bid < 3; bid++) {
		memset(buffer_of(br, bid), 'a' + (int)bid, 16);
		assert_int_equal(uring_buf_ring_push(br, bid, 16), 0);
	}
	uring_job job = uring_send_bundle(t, dead[0], br, MSG_NOSIGNAL, NULL);
	assert_true(job > 0);
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, job);
	assert_int_equal(c.result, -EPIPE);
	assert_int_equal(uring_completion_buffer_id(&c), 0);
	uring_buf_piece pc[8];
	assert_int_equal(uring_buf_ring_pieces(br, &c, pc, 2), -ENOSPC);
	assert_int_equal(uring_buf_ring_pieces(br, &c, pc, 8), 3);
	for (unsigned i = 0; i < 3; i++) {
		assert_int_equal(pc[i].bid, i);
		assert_int_equal(pc[i].len, 0);
		assert_true(pc[i].done);
	}
	assert_int_equal(uring_buf_ring_pieces(br, &c, pc, 8), -EINVAL);   /* taken once */
	for (unsigned bid = 0; bid < 3; bid++)
		assert_int_equal(uring_buf_ring_push(br, bid, 16), 0);
	job = uring_send_bundle(t, cl, br, 0, NULL);
	size_t total = 0;
	do {
		c = wait_one(t);
		assert_int_equal(c.job, job);
		assert_true(c.result > 0);
		total += (size_t)c.result;
		assert_true(uring_buf_ring_pieces(br, &c, pc, 8) > 0);
	} while (c.flags & URING_CQE_F_MORE);
	/* exactly the three buffers: none of them was still in the ring */
	assert_int_equal(total, 48);
	unsigned char got[48];
	assert_int_equal(recv(sv, got, sizeof(got), MSG_WAITALL), 48);
	for (unsigned i = 0; i < 48; i++)
		assert_int_equal(got[i], 'a' + i / 16);
	close(dead[0]);
	close(cl);
	close(sv);
	assert_int_equal(uring_exit(t), 0);
}

/* A send ring and a receive ring are not interchangeable. */
static void send_ring_arguments_refused(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	REQUIRE_FEATURE(t, BUF_RING, "5.19");
	int sp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	uring_buf_ring *tx = uring_buf_ring_create2(t, 1, 4, 32, URING_BUF_RING_SEND);
	uring_buf_ring *rx = uring_buf_ring_create(t, 2, 4, 32);
	assert_non_null(tx);
	assert_non_null(rx);
	assert_null(uring_buf_ring_create2(t, 3, 4, 32, URING_BUF_RING_SEND | URING_BUF_RING_INC));
	assert_int_equal(errno, EINVAL);
	assert_int_equal(uring_buf_ring_push(NULL, 0, 1), -EINVAL);
	assert_int_equal(uring_buf_ring_push(rx, 0, 1), -EINVAL);    /* not a send ring */
	assert_int_equal(uring_buf_ring_push(tx, 4, 1), -EINVAL);    /* out of range */
	assert_int_equal(uring_buf_ring_push(tx, 0, 0), -EINVAL);
	assert_int_equal(uring_buf_ring_push(tx, 0, 33), -EINVAL);   /* above the buffer */
	assert_int_equal(uring_buf_ring_recycle(tx, 0), -EINVAL);    /* push, not recycle */
	uring_buf_piece pc = { .bid = 0, .done = 1 };
	assert_int_equal(uring_buf_ring_recycle_pieces(tx, &pc, 1), -EINVAL);
	assert_int_equal(uring_send_bundle(t, sp[0], rx, 0, NULL), -EINVAL);
	assert_int_equal(uring_send_bundle(t, sp[0], NULL, 0, NULL), -EINVAL);
	assert_int_equal(uring_send_bundle(t, sp[0], tx, MSG_WAITALL, NULL), -EINVAL);
	assert_int_equal(uring_recv_bundle(t, sp[0], tx, 0, NULL), -EINVAL);
	assert_int_equal(uring_recv_multishot(t, sp[0], tx, 0, NULL), -EINVAL);
	assert_int_equal(uring_read_multishot(t, sp[0], tx, NULL), -EINVAL);
	assert_int_equal(uring_sqe_ready(t), 0);
	assert_int_equal(uring_buf_ring_push(tx, 0, 1), 0);   /* still usable */
	close(sp[0]);
	close(sp[1]);
	assert_int_equal(uring_exit(t), 0);
}

/* What is refused, with nothing queued and the ring still usable. */
static void bundle_and_piece_arguments_refused(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	REQUIRE_FEATURE(t, BUF_RING, "5.19");
	uring *other = ring_or_skip(4, NULL);
	int cl, sv;
	tcp_pair(&cl, &sv);
	uring_buf_ring *br = uring_buf_ring_create(t, 1, 4, 64);
	uring_buf_ring *theirs = uring_buf_ring_create(other, 1, 4, 64);
	assert_non_null(br);
	assert_non_null(theirs);
	assert_null(uring_buf_ring_create2(t, 2, 4, 64, 1u << 0));   /* not a flag */
	assert_int_equal(errno, EINVAL);
	assert_null(uring_buf_ring_create2(NULL, 2, 4, 64, URING_BUF_RING_INC));
	assert_int_equal(errno, EINVAL);
	assert_null(uring_buf_ring_create2(t, 2, 3, 64, URING_BUF_RING_INC));
	assert_int_equal(errno, EINVAL);

	assert_int_equal(uring_recv_bundle(t, sv, NULL, 0, NULL), -EINVAL);
	assert_int_equal(uring_recv_bundle(t, sv, theirs, 0, NULL), -EINVAL);
	assert_int_equal(uring_recv_bundle(NULL, sv, br, 0, NULL), -EINVAL);
	assert_int_equal(uring_recv_multishot_bundle(t, sv, br, MSG_WAITALL, NULL), -EINVAL);
	assert_int_equal(uring_recv_bundle(t, sv, br, MSG_WAITALL, NULL), -EINVAL);
	assert_int_equal(uring_sqe_ready(t), 0);

	uring_completion none = { .result = 5, .flags = 0 };
	uring_completion far = { .result = 5, .flags = URING_CQE_F_BUFFER | (9u << 16) };
	uring_completion failed = { .result = -ENOBUFS, .flags = URING_CQE_F_BUFFER };
	uring_completion undelivered = { .result = 5, .flags = URING_CQE_F_BUFFER };
	void *p = NULL;
	uring_buf_piece pc;
	assert_int_equal(uring_buf_ring_data(NULL, &undelivered, &p), -EINVAL);
	assert_int_equal(uring_buf_ring_data(br, NULL, &p), -EINVAL);
	assert_int_equal(uring_buf_ring_data(br, &undelivered, NULL), -EINVAL);
	assert_int_equal(uring_buf_ring_data(br, &none, &p), -EINVAL);
	assert_int_equal(uring_buf_ring_data(br, &far, &p), -EINVAL);
	assert_int_equal(uring_buf_ring_data(br, &failed, &p), -EINVAL);
	assert_int_equal(uring_buf_ring_data(br, &undelivered, &p), -EINVAL);
	assert_int_equal(uring_buf_ring_pieces(br, &undelivered, NULL, 1), -EINVAL);
	assert_int_equal(uring_buf_ring_recycle_pieces(NULL, &pc, 1), -EINVAL);
	assert_int_equal(uring_buf_ring_recycle_pieces(br, NULL, 1), -EINVAL);
	assert_int_equal(uring_buf_ring_recycle_pieces(br, NULL, 0), 0);
	assert_null(p);

	/* The ring still works: one real receive through it. */
	assert_int_equal(send(cl, "ok", 2, 0), 2);
	uring_job job = uring_recv_bundle(t, sv, br, 0, NULL);
	if (job == -EOPNOTSUPP) {
		assert_false(uring_feature_supported(t, URING_FEATURE_RECV_BUNDLE));
	} else {
		assert_true(job > 0);
		uring_completion c = wait_one(t);
		assert_int_equal(uring_buf_ring_data(br, &c, &p), 2);
		assert_memory_equal(p, "ok", 2);
		/* A done piece named twice: refused whole, nothing recycled. */
		uring_buf_piece twice[2] = {
			{ .bid = (unsigned)uring_completion_buffer_id(&c), .done = 1 },
			{ .bid = (unsigned)uring_completion_buffer_id(&c), .done = 1 },
		};
		assert_int_equal(uring_buf_ring_recycle_pieces(br, twice, 2), -EINVAL);
		assert_int_equal(uring_buf_ring_recycle_pieces(br, twice, 1), 0);
		uring_buf_piece out_of_range = { .bid = 4, .done = 1 };
		assert_int_equal(uring_buf_ring_recycle_pieces(br, &out_of_range, 1), -EINVAL);
	}
	close(cl);
	close(sv);
	assert_int_equal(uring_exit(other), 0);
	assert_int_equal(uring_exit(t), 0);
}

/*
 * On kernels without them (emulated: 6.9 has no bundle bit, 6.11 no
 * incremental rings), the library refuses before the kernel would read the
 * flag as a bad argument: -EOPNOTSUPP, nothing queued, and no ring
 * registered for the group.
 */
static void refused_where_the_kernel_lacks_them(void **state)
{
	(void)state;
	struct uring__fault_kernel k;
	uring__fault_kernel_as(&k, 611);
	uring__fault_kernel(&k);
	uring *t = ring_or_skip(8, NULL);
	uring__fault_kernel(NULL);
	assert_false(uring_feature_supported(t, URING_FEATURE_BUF_RING_INC));
	assert_null(uring_buf_ring_create2(t, 1, 4, 64, URING_BUF_RING_INC));
	assert_int_equal(errno, EOPNOTSUPP);
	REQUIRE_FEATURE(t, BUF_RING, "5.19");
	uring_buf_ring *br = uring_buf_ring_create(t, 1, 4, 64);   /* the group is free */
	assert_non_null(br);
	assert_int_equal(uring_exit(t), 0);

	uring__fault_kernel_as(&k, 609);
	uring__fault_kernel(&k);
	t = ring_or_skip(8, NULL);
	uring__fault_kernel(NULL);
	assert_false(uring_feature_supported(t, URING_FEATURE_RECV_BUNDLE));
	assert_false(uring_feature_supported(t, URING_FEATURE_SEND_BUNDLE));
	REQUIRE_FEATURE(t, RECV_MULTISHOT, "6.0");
	br = uring_buf_ring_create(t, 1, 4, 64);
	assert_non_null(br);
	int sv[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sv), 0);
	assert_int_equal(uring_recv_bundle(t, sv[0], br, 0, NULL), -EOPNOTSUPP);
	assert_int_equal(uring_recv_multishot_bundle(t, sv[0], br, 0, NULL), -EOPNOTSUPP);
	uring_buf_ring *tx = uring_buf_ring_create2(t, 2, 4, 64, URING_BUF_RING_SEND);
	assert_non_null(tx);
	assert_int_equal(uring_buf_ring_push(tx, 0, 1), 0);
	assert_int_equal(uring_send_bundle(t, sv[1], tx, 0, NULL), -EOPNOTSUPP);
	assert_int_equal(uring_sqe_ready(t), 0);
	assert_int_equal(uring_active_ops(t), 0);
	assert_true(uring_recv_multishot(t, sv[0], br, 0, NULL) > 0);   /* the ring goes on */
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(write(sv[1], "x", 1), 1);
	uring_completion c = wait_one(t);
	assert_int_equal(c.result, 1);
	close(sv[1]);
	while (uring_active_ops(t) > 0)
		(void)wait_one(t);
	close(sv[0]);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(incremental_ring_hands_out_one_buffer_in_pieces),
		cmocka_unit_test(incremental_pieces_collected_together_are_taken_in_order),
		cmocka_unit_test(incremental_buffer_survives_end_of_stream),
		cmocka_unit_test(plain_ring_data_is_the_buffer_start),
		cmocka_unit_test(recv_bundle_spans_buffers_in_ring_order),
		cmocka_unit_test(multishot_bundle_on_an_incremental_ring),
		cmocka_unit_test(send_bundle_sends_pushed_buffers_in_order),
		cmocka_unit_test(failed_send_bundle_gives_every_buffer_back),
		cmocka_unit_test(send_ring_arguments_refused),
		cmocka_unit_test(bundle_and_piece_arguments_refused),
		cmocka_unit_test(refused_where_the_kernel_lacks_them),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
