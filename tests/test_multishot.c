/* SPDX-License-Identifier: ISC */
/* Multishot accept and recv, provided-buffer rings, and zero-copy send. */
#include "net_helpers.h"

#include <limits.h>

#include "syscall.h"

#include <malloc.h>

/* Multishot recv (6.0) into a buffer ring (5.19). */
static void require_recv_multishot(uring *t)
{
	REQUIRE_FEATURE(t, BUF_RING, "5.19");
	REQUIRE_FEATURE(t, RECV_MULTISHOT, "6.0");
}

static uring_buf_ring *buf_ring(uring *t, unsigned group, unsigned n, size_t size)
{
	uring_buf_ring *br = uring_buf_ring_create(t, group, n, size);
	assert_non_null(br);
	return br;
}

static void accept_multishot_takes_16_clients_then_cancel(void **state)
{
	(void)state;
	uring *t = ring_or_skip(32, NULL);
	REQUIRE_FEATURE(t, ACCEPT_MULTISHOT, "5.19");
	uint16_t port;
	int l = tcp_listener(&port);
	uring_job acc = uring_accept_multishot(t, l, (void *)"acceptor");
	assert_true(acc > 0);
	assert_int_equal(uring_submit(t), 1);

	enum { N = 16 };
	int clients[N], accepted[N];
	uint16_t client_ports[N];
	for (int i = 0; i < N; i++) {
		clients[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in a = loopback(port);
		assert_int_equal(connect(clients[i], (struct sockaddr *)&a, sizeof(a)), 0);
		client_ports[i] = local_port(clients[i]);
	}
	unsigned seen_ports = 0;
	for (int i = 0; i < N; i++) {
		uring_completion c = wait_one(t);
		assert_int_equal(c.job, acc);             /* one job for every connection */
		assert_string_equal(c.data, "acceptor");
		assert_true(c.flags & URING_CQE_F_MORE);
		accepted[i] = c.result;
		assert_cloexec(accepted[i]);
		struct sockaddr_in peer;
		socklen_t len = sizeof(peer);
		assert_int_equal(getpeername(accepted[i], (struct sockaddr *)&peer, &len), 0);
		int k = 0;
		while (k < N && client_ports[k] != ntohs(peer.sin_port))
			k++;
		assert_true(k < N);
		assert_false(seen_ports & (1u << k));
		seen_ports |= 1u << k;
		assert_int_equal(uring_active_ops(t), 1);
	}
	assert_int_equal(seen_ports, (1u << N) - 1);

	uring_job cancel = uring_cancel(t, acc, NULL);
	uring_completion ca, cc;
	run_two(t, acc, &ca, cancel, &cc);
	assert_int_equal(ca.result, -ECANCELED);
	assert_false(ca.flags & URING_CQE_F_MORE);   /* the final one: the job is freed */
	assert_int_equal(cc.result, 0);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_cancel(t, acc, NULL), -ENOENT);
	for (int i = 0; i < N; i++) {
		close(clients[i]);
		close(accepted[i]);
	}
	close(l);
	assert_int_equal(uring_exit(t), 0);
}

/*
 * A multishot job can end on a successful completion: when the CQ is full
 * the kernel posts the last result without F_MORE and stops (here a 4-entry
 * CQ and 12 clients).  Callers must re-arm on any final completion, not
 * only on errors, and keep the fd a final completion carries.
 */
static void accept_multishot_may_end_on_a_success_when_the_cq_is_full(void **state)
{
	(void)state;
	uring_options o = { .cq_entries = 4 };
	uring *t = ring_or_skip(4, &o);
	REQUIRE_FEATURE(t, ACCEPT_MULTISHOT, "5.19");
	uint16_t port;
	int l = tcp_listener(&port);
	uring_job acc = uring_accept_multishot(t, l, NULL);
	assert_true(acc > 0);
	assert_int_equal(uring_submit(t), 1);
	enum { N = 12 };
	int clients[N];
	for (int i = 0; i < N; i++) {
		clients[i] = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		struct sockaddr_in a = loopback(port);
		assert_int_equal(connect(clients[i], (struct sockaddr *)&a, sizeof(a)), 0);
	}
	usleep(100000);   /* let the kernel accept while nobody reaps */
	int accepted = 0, ended = 0, final_result = 0;
	while (!ended) {
		uring_completion c = wait_one(t);
		assert_int_equal(c.job, acc);
		if (c.result >= 0) {
			assert_cloexec(c.result);
			close(c.result);
			accepted++;
		}
		if (!(c.flags & URING_CQE_F_MORE)) {
			ended = 1;
			final_result = c.result;
		}
		if (accepted == N && !ended) {   /* every client taken and still armed */
			assert_true(uring_cancel(t, acc, NULL) > 0);
		}
	}
	fprintf(stderr, "%d accepted; the final completion's result: %d\n", accepted, final_result);
	assert_true(final_result >= 0 || final_result == -ECANCELED);
	assert_int_equal(uring_active_ops(t) <= 1, 1);   /* at most the cancel's own completion */
	uring_completion rest[4];
	while (uring_active_ops(t) > 0)
		if (uring_reap(t, rest, 4) == 0)
			(void)wait_one(t);
	for (int i = 0; i < N; i++)
		close(clients[i]);
	close(l);
	assert_int_equal(uring_exit(t), 0);
}

static void fill_pattern(unsigned char *p, size_t n)
{
	for (size_t i = 0; i < n; i++)
		p[i] = (unsigned char)((i * 7 + i / 251) & 0xff);
}

/*
 * Four 64-byte buffers for 1000 bytes: the recv runs dry, ends with
 * -ENOBUFS (no F_MORE, job freed), and is armed again once the buffers are
 * recycled.  What arrives is the stream, complete and in order.
 */
static void recv_multishot_across_buffer_exhaustion(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	require_recv_multishot(t);
	int cl, sv;
	tcp_pair(&cl, &sv);
	enum { TOTAL = 1000, NBUF = 4, BUFSZ = 64 };
	uring_buf_ring *br = buf_ring(t, 7, NBUF, BUFSZ);
	size_t size = 0;
	assert_non_null(uring_buf_ring_buffer(br, 3, &size));
	assert_int_equal(size, BUFSZ);

	unsigned char sent[TOTAL], got[TOTAL];
	fill_pattern(sent, TOTAL);
	assert_int_equal(send(cl, sent, TOTAL, 0), TOTAL);

	size_t have = 0;
	int enobufs = 0, arms = 0;
	while (have < TOTAL) {
		uring_job job = uring_recv_multishot(t, sv, br, 0, (void *)"rx");
		assert_true(job > 0);
		arms++;
		assert_int_equal(uring_buf_ring_destroy(t, br), -EBUSY);   /* in use */
		int held[NBUF], n_held = 0;
		for (;;) {
			uring_completion c = wait_one(t);
			assert_int_equal(c.job, job);
			if (c.result == -ENOBUFS) {
				assert_false(c.flags & URING_CQE_F_MORE);
				enobufs++;
				break;
			}
			assert_true(c.result > 0);
			assert_true(c.flags & URING_CQE_F_MORE);
			int bid = uring_completion_buffer_id(&c);
			assert_true(bid >= 0 && bid < NBUF);
			assert_true(have + (size_t)c.result <= TOTAL);
			memcpy(got + have, uring_buf_ring_buffer(br, (unsigned)bid, NULL), (size_t)c.result);
			have += (size_t)c.result;
			held[n_held++] = bid;
			if (have == TOTAL)
				break;
		}
		for (int i = 0; i < n_held; i++)
			assert_int_equal(uring_buf_ring_recycle(br, (unsigned)held[i]), 0);
		if (n_held)   /* a second return would put one buffer in the ring twice */
			assert_int_equal(uring_buf_ring_recycle(br, (unsigned)held[0]), -EINVAL);
		if (have == TOTAL) {
			/* Still armed, with buffers: the peer's close ends it
			 * with 0.  6.1 ends it with -ENOBUFS instead as soon as
			 * a receive has taken the last free buffer, even with
			 * no more data to come (6.12 and later wait for the
			 * next receive to need one); the data is whole either
			 * way (docs/api.md, uring_recv_multishot). */
			assert_int_equal(uring_active_ops(t), 1);
			close(cl);
			uring_completion c = wait_one(t);
			assert_int_equal(c.job, job);
			assert_true(c.result == 0 || c.result == -ENOBUFS);
			assert_false(c.flags & URING_CQE_F_MORE);
		}
		assert_int_equal(uring_active_ops(t), 0);
	}
	assert_memory_equal(got, sent, TOTAL);
	assert_true(enobufs >= 1);
	assert_int_equal(arms, enobufs + 1);
	assert_int_equal(uring_buf_ring_destroy(t, br), 0);
	close(sv);
	assert_int_equal(uring_exit(t), 0);
}

static void buf_ring_bad_arguments(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	const struct { unsigned group, n; size_t size; } bad[] = {
		{ 1, 0, 64 }, { 1, 3, 64 }, { 1, 65536, 64 }, { 70000, 4, 64 },
		{ 1, 4, 0 }, { 1, 32768, (size_t)1 << 16 }, { 1, 1, ((size_t)1 << 30) + 1 },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		errno = 0;
		assert_null(uring_buf_ring_create(t, bad[i].group, bad[i].n, bad[i].size));
		assert_int_equal(errno, EINVAL);
	}
	errno = 0;
	assert_null(uring_buf_ring_create(NULL, 1, 4, 64));
	assert_int_equal(errno, EINVAL);

	REQUIRE_FEATURE(t, BUF_RING, "5.19");
	uring *other = ring_or_skip(8, NULL);
	uring_buf_ring *br = buf_ring(t, 1, 4, 64);
	errno = 0;
	assert_null(uring_buf_ring_create(t, 1, 4, 64));   /* the group exists */
	assert_int_equal(errno, EEXIST);
	assert_null(uring_buf_ring_buffer(br, 4, NULL));
	assert_null(uring_buf_ring_buffer(NULL, 0, NULL));
	assert_int_equal(uring_buf_ring_recycle(br, 4), -EINVAL);
	assert_int_equal(uring_buf_ring_recycle(br, 0), -EINVAL);   /* the kernel holds it */
	assert_int_equal(uring_buf_ring_recycle(NULL, 0), -EINVAL);
	assert_int_equal(uring_buf_ring_destroy(other, br), -EINVAL);
	assert_int_equal(uring_buf_ring_destroy(t, NULL), -EINVAL);

	unsigned ready = uring_sqe_ready(t);
	assert_int_equal(uring_recv_multishot(t, 0, br, MSG_WAITALL, NULL), -EINVAL);
	assert_int_equal(uring_recv_multishot(t, 0, NULL, 0, NULL), -EINVAL);
	assert_int_equal(uring_recv_multishot(other, 0, br, 0, NULL), -EINVAL);
	assert_int_equal(uring_recv_multishot(NULL, 0, br, 0, NULL), -EINVAL);
	assert_int_equal(uring_accept_multishot(NULL, 0, NULL), -EINVAL);
	assert_int_equal(uring_send_zc(t, 0, NULL, 1, 0, NULL), -EFAULT);
	assert_int_equal(uring_send_zc(t, 0, "x", (size_t)INT_MAX + 1, 0, NULL), -EINVAL);
	assert_int_equal(uring_sqe_ready(t), ready);

	/* A failed registration frees everything it allocated. */
	size_t before = mallinfo2().uordblks;
	uring__fault_arm(URING__SYS_REGISTER, 0, ENOMEM, 0);
	errno = 0;
	assert_null(uring_buf_ring_create(t, 2, 4, 64));
	assert_int_equal(errno, ENOMEM);
	uring__fault_clear();
	assert_int_equal(mallinfo2().uordblks, before);

	/* A second ring left for uring_exit to destroy. */
	assert_non_null(uring_buf_ring_create(t, 3, 8, 128));
	assert_int_equal(uring_buf_ring_destroy(t, br), 0);
	assert_int_equal(run_one(t, uring_noop(t, NULL)).result, 0);
	assert_int_equal(uring_exit(t), 0);
	assert_int_equal(uring_exit(other), 0);
}

/* A buffer ring on a DEFER_TASKRUN ring: completions come only from our
 * own enter, and a recycled buffer is picked up again. */
static void recv_multishot_on_a_single_issuer_ring(void **state)
{
	(void)state;
	REQUIRE_SETUP(SINGLE_ISSUER, "6.0");
	REQUIRE_SETUP(DEFER_TASKRUN, "6.1");
	uring_options o = { .setup_flags = URING_SETUP_SINGLE_ISSUER | URING_SETUP_DEFER_TASKRUN };
	uring *t = ring_or_skip(8, &o);
	require_recv_multishot(t);
	int sp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	uring_buf_ring *br = buf_ring(t, 9, 2, 16);
	uring_job job = uring_recv_multishot(t, sp[1], br, 0, NULL);
	assert_int_equal(uring_submit(t), 1);
	for (int i = 0; i < 10; i++) {
		char msg[16];
		int n = snprintf(msg, sizeof(msg), "message %d", i);
		assert_int_equal(send(sp[0], msg, (size_t)n, 0), n);
		uring_completion c = wait_one(t);
		assert_int_equal(c.job, job);
		assert_int_equal(c.result, n);
		assert_true(c.flags & URING_CQE_F_MORE);
		int bid = uring_completion_buffer_id(&c);
		assert_memory_equal(uring_buf_ring_buffer(br, (unsigned)bid, NULL), msg, (size_t)n);
		assert_int_equal(uring_buf_ring_recycle(br, (unsigned)bid), 0);
	}
	assert_true(uring_cancel(t, job, NULL) > 0);
	for (int i = 0; i < 2; i++) {
		uring_completion c = wait_one(t);
		if (c.job == job)
			assert_int_equal(c.result, -ECANCELED);
	}
	assert_int_equal(uring_active_ops(t), 0);
	close(sp[0]);
	close(sp[1]);
	assert_int_equal(uring_exit(t), 0);   /* destroys br */
}

static void send_zc_result_then_notification(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_OP(t, SEND_ZC, "6.0");
	int cl, sv;
	tcp_pair(&cl, &sv);
	enum { LEN = 64 * 1024 };
	unsigned char *buf = malloc(LEN), *in = malloc(LEN);
	fill_pattern(buf, LEN);
	uring_job job = uring_send_zc(t, cl, buf, LEN, 0, (void *)"zc");
	assert_true(job > 0);
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, job);
	assert_string_equal(c.data, "zc");
	assert_int_equal(c.result, LEN);
	assert_true(c.flags & URING_CQE_F_MORE);
	assert_false(c.flags & URING_CQE_F_NOTIF);
	assert_int_equal(uring_active_ops(t), 1);      /* buf still the kernel's */

	/* The notification comes once the data has left buf: read it out. */
	size_t have = 0;
	while (have < LEN) {
		ssize_t n = recv(sv, in + have, LEN - have, 0);
		assert_true(n > 0);
		have += (size_t)n;
	}
	c = wait_one(t);
	assert_int_equal(c.job, job);
	assert_true(c.flags & URING_CQE_F_NOTIF);
	assert_false(c.flags & URING_CQE_F_MORE);
	assert_int_equal(uring_active_ops(t), 0);      /* freed by the notification */
	assert_memory_equal(in, buf, LEN);

	/* A failure still gives both completions (the kernel's io_sendrecv_fail). */
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	job = uring_send_zc(t, p[1], buf, 16, 0, NULL);
	c = wait_one(t);
	assert_int_equal(c.job, job);
	assert_int_equal(c.result, -ENOTSOCK);
	assert_true(c.flags & URING_CQE_F_MORE);
	c = wait_one(t);
	assert_int_equal(c.job, job);
	assert_true(c.flags & URING_CQE_F_NOTIF);
	assert_int_equal(uring_active_ops(t), 0);
	close(p[0]);
	close(p[1]);
	free(buf);
	free(in);
	close(cl);
	close(sv);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(accept_multishot_takes_16_clients_then_cancel),
		cmocka_unit_test(accept_multishot_may_end_on_a_success_when_the_cq_is_full),
		cmocka_unit_test(recv_multishot_across_buffer_exhaustion),
		cmocka_unit_test(buf_ring_bad_arguments),
		cmocka_unit_test(recv_multishot_on_a_single_issuer_ring),
		cmocka_unit_test(send_zc_result_then_notification),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
