/* SPDX-License-Identifier: ISC */
/*
 * uring_msg_ring_fd: registered files passed from one ring's table to
 * another's, with a message; and one accepting ring handing connections
 * to worker rings on their own threads.
 */
#include "net_helpers.h"

#include <pthread.h>

static uring *ring_with_table(unsigned slots)
{
	uring *t = ring_or_skip(16, NULL);
	if (!uring_op_supported(t, URING_OP_SEND_ZC)) {
		fprintf(stderr, "skip: passing registered files between rings needs Linux 6.0\n");
		uring_exit(t);
		skip();
	}
	assert_int_equal(uring_register_files_sparse(t, slots), 0);
	return t;
}

static void pass_a_connection(void **state)
{
	(void)state;
	uring *a = ring_with_table(4), *b = ring_with_table(4);
	uint16_t port;
	int l = tcp_listener(&port);
	int c = connect_to(port);
	assert_int_equal(run_one(a, uring_accept_direct(a, l, NULL, 1, NULL)).result, 0);

	/* To a chosen slot: b's message carries the value, result 0. */
	assert_int_equal(run_one(a, uring_msg_ring_fd(a, b, 1, 3, 77, NULL)).result, 0);
	uring_completion m = wait_one(b);
	assert_true(uring_job_is_message(m.job));
	assert_int_equal(uring_message_value(m.job), 77);
	assert_int_equal(m.result, 0);
	assert_int_equal(uring_active_ops(b), 0);
	/* To an allocated slot: the result is the slot. */
	assert_int_equal(run_one(b, uring_close_direct(b, 3, NULL)).result, 0);
	assert_int_equal(run_one(a, uring_msg_ring_fd(a, b, 1, 3, 76, NULL)).result, 0);
	m = wait_one(b);
	assert_int_equal(uring_message_value(m.job), 76);
	/* To an allocated slot: both completions carry the slot. */
	assert_int_equal(run_one(b, uring_close_direct(b, 0, NULL)).result, -EBADF);
	assert_int_equal(uring_register_files_update(b, 0, &c, 1), 1);   /* slot 0 taken */
	assert_int_equal(run_one(a, uring_msg_ring_fd(a, b, 1, URING_FILE_INDEX_ALLOC, 78, NULL)).result, 1);
	m = wait_one(b);
	assert_int_equal(uring_message_value(m.job), 78);
	assert_int_equal(m.result, 1);
	assert_int_equal(run_one(b, uring_close_direct(b, 0, NULL)).result, 0);

	/* A move: a's slot closed; b's copies still serve the connection. */
	assert_int_equal(run_one(a, uring_close_direct(a, 1, NULL)).result, 0);
	char in[8] = { 0 };
	assert_int_equal(write(c, "over", 4), 4);
	assert_int_equal(run_one(b, fixed(b, uring_recv(b, 3, in, sizeof(in), 0, NULL))).result, 4);
	assert_memory_equal(in, "over", 4);
	assert_int_equal(run_one(b, fixed(b, uring_send(b, 1, "back", 4, 0, NULL))).result, 4);
	assert_int_equal(read(c, in, sizeof(in)), 4);
	assert_memory_equal(in, "back", 4);

	/* The kernel's answers, in the sender's completion; b gets nothing. */
	assert_int_equal(run_one(a, uring_msg_ring_fd(a, b, 1, 0, 1, NULL)).result, -EBADF);   /* empty */
	int c2 = connect_to(port);
	assert_int_equal(run_one(a, uring_accept_direct(a, l, NULL, 2, NULL)).result, 0);
	assert_int_equal(run_one(a, uring_msg_ring_fd(a, b, 2, 9, 1, NULL)).result, -EINVAL);   /* b has 4 */
	uring *bare = ring_or_skip(4, NULL);
	assert_int_equal(run_one(a, uring_msg_ring_fd(a, bare, 2, 0, 1, NULL)).result, -ENXIO);
	uring_completion none;
	assert_int_equal(uring_wait_timeout(b, 10000000, &none), 0);
	assert_int_equal(uring_wait_timeout(bare, 10000000, &none), 0);

	/* Refused before queueing. */
	assert_int_equal(uring_msg_ring_fd(a, a, 2, 0, 1, NULL), -EINVAL);
	assert_int_equal(uring_msg_ring_fd(a, b, 4, 0, 1, NULL), -EBADF);
	assert_int_equal(uring_msg_ring_fd(a, b, 2, 0, UINT64_C(1) << 63, NULL), -EINVAL);
	assert_int_equal(uring_msg_ring_fd(bare, a, 0, 0, 1, NULL), -ENXIO);
	assert_int_equal(uring_sqe_ready(a) + uring_sqe_ready(bare), 0);
	assert_int_equal(uring_exit(bare), 0);
	assert_int_equal(uring_exit(a), 0);
	assert_int_equal(uring_exit(b), 0);
	close(c), close(c2), close(l);
}

/* A DEFER_TASKRUN target installs the file when its own thread enters. */
static void pass_to_a_deferred_ring(void **state)
{
	(void)state;
	uring *a = ring_with_table(4);
	uring_options o = { .setup_flags = URING_SETUP_SINGLE_ISSUER | URING_SETUP_DEFER_TASKRUN };
	uring *b = ring_or_skip(8, &o);
	assert_int_equal(uring_register_files_sparse(b, 2), 0);
	int sp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	assert_int_equal(uring_register_files_update(a, 0, sp, 1), 1);
	assert_int_equal(run_one(a, uring_msg_ring_fd(a, b, 0, 1, 5, NULL)).result, 0);
	uring_completion m = wait_one(b);
	assert_true(uring_job_is_message(m.job));
	assert_int_equal(uring_message_value(m.job), 5);
	assert_int_equal(m.result, 0);
	char in[4];
	assert_int_equal(write(sp[1], "dt", 2), 2);
	assert_int_equal(run_one(b, fixed(b, uring_recv(b, 1, in, sizeof(in), 0, NULL))).result, 2);
	assert_int_equal(uring_exit(b), 0);
	assert_int_equal(uring_exit(a), 0);
	close(sp[0]), close(sp[1]);
}

/* ---- one acceptor, worker rings on their own threads ---- */

#define WORKERS 4
#define CLIENTS 64
#define PER_WORKER (CLIENTS / WORKERS)

struct worker {
	uring *t;
	pthread_t thread;
	unsigned served;           /* connections closed after their echo */
	unsigned bytes;
	int error;
	char buf[PER_WORKER * 2][64];   /* one per slot of its table */
};

/* Each connection: recv into its own buffer, echo, until the peer closes;
 * then the slot is closed.  The data of a recv job is its slot + 1. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	while (w->served < PER_WORKER && !w->error) {
		uring_completion c;
		int ret = uring_wait(w->t, &c);
		if (ret < 0) {
			w->error = ret;
			break;
		}
		if (ret == 0)
			continue;
		if (uring_job_is_message(c.job)) {
			if (c.result < 0 || c.result >= PER_WORKER * 2) {
				w->error = c.result < 0 ? c.result : -ERANGE;
				break;
			}
			unsigned slot = (unsigned)c.result;
			uring_job r = uring_recv(w->t, (int)slot, w->buf[slot], 64, 0,
						 (void *)(uintptr_t)(slot + 1));
			uring_job_set_flags(w->t, r, URING_FIXED_FILE);
			continue;
		}
		if (!c.data)
			continue;   /* a send or a close */
		unsigned slot = (unsigned)((uintptr_t)c.data - 1);
		if (c.result > 0) {
			w->bytes += (unsigned)c.result;
			uring_job s = uring_send(w->t, (int)slot, w->buf[slot], (size_t)c.result, 0, NULL);
			uring_job_set_flags(w->t, s, URING_FIXED_FILE | URING_LINK);
			uring_job r = uring_recv(w->t, (int)slot, w->buf[slot], 64, 0, c.data);
			uring_job_set_flags(w->t, r, URING_FIXED_FILE);
		} else {
			uring_close_direct(w->t, slot, NULL);
			w->served++;
		}
	}
	/* the last closes and sends */
	while (uring_active_ops(w->t) > 0) {
		uring_completion c;
		if (uring_wait(w->t, &c) < 0)
			break;
	}
	return NULL;
}

static void acceptor_hands_connections_to_workers(void **state)
{
	(void)state;
	uring *a = ring_with_table(CLIENTS);
	static struct worker ws[WORKERS];
	memset(ws, 0, sizeof(ws));
	for (int i = 0; i < WORKERS; i++)
		ws[i].t = ring_with_table(PER_WORKER * 2);
	uint16_t port;
	int l = tcp_listener(&port);
	for (int i = 0; i < WORKERS; i++)
		assert_int_equal(pthread_create(&ws[i].thread, NULL, worker_main, &ws[i]), 0);

	uring_job acc = uring_accept_multishot_direct(a, l, NULL);
	assert_true(acc > 0);
	assert_int_equal(uring_submit(a), 1);
	int clients[CLIENTS];
	for (int i = 0; i < CLIENTS; i++)
		clients[i] = connect_to(port);
	/* Each accepted slot goes to a worker, then is closed here: the send
	 * and the close are linked, so a failed send keeps the slot. */
	unsigned handed = 0, closed = 0, rearmed = 0;
	while (handed < CLIENTS || closed < CLIENTS) {
		uring_completion c = wait_one(a);
		if (c.job == acc) {
			assert_true(c.result >= 0);
			/* With the CQ full the kernel ends the multishot job on a
			 * connection it did accept: hand that one on, re-arm. */
			if (!(c.flags & URING_CQE_F_MORE)) {
				acc = uring_accept_multishot_direct(a, l, NULL);
				assert_true(acc > 0);
				rearmed++;
			}
			uring *to = ws[handed % WORKERS].t;
			uring_job s = uring_msg_ring_fd(a, to, (unsigned)c.result, URING_FILE_INDEX_ALLOC,
						       handed + 1, (void *)"send");
			assert_true(s > 0);
			assert_int_equal(uring_job_set_flags(a, s, URING_LINK), 0);
			assert_true(uring_close_direct(a, (unsigned)c.result, (void *)"close") > 0);
			handed++;
		} else if (strcmp(c.data, "close") == 0) {
			assert_int_equal(c.result, 0);
			closed++;
		} else {
			assert_true(c.result >= 0);   /* the send: the worker's slot */
		}
	}
	fprintf(stderr, "note: the multishot accept was re-armed %u times (CQ full)\n", rearmed);
	for (int i = 0; i < CLIENTS; i++) {
		char msg[32], in[32];
		int n = snprintf(msg, sizeof(msg), "client %d says hello", i);
		assert_int_equal(write(clients[i], msg, (size_t)n), n);
		int got = 0;
		while (got < n) {
			ssize_t r = read(clients[i], in + got, sizeof(in) - (size_t)got);
			assert_true(r > 0);
			got += (int)r;
		}
		assert_int_equal(got, n);
		assert_memory_equal(in, msg, (size_t)n);
		close(clients[i]);
	}
	unsigned bytes = 0;
	for (int i = 0; i < WORKERS; i++) {
		assert_int_equal(pthread_join(ws[i].thread, NULL), 0);
		assert_int_equal(ws[i].error, 0);
		assert_int_equal(ws[i].served, PER_WORKER);
		bytes += ws[i].bytes;
		assert_int_equal(uring_exit(ws[i].t), 0);
	}
	unsigned want = 0;
	for (int i = 0; i < CLIENTS; i++)
		want += (unsigned)snprintf(NULL, 0, "client %d says hello", i);
	assert_int_equal(bytes, want);
	assert_int_equal(uring_exit_graceful(a, 1000000000u, NULL, NULL), 0);   /* the multishot accept */
	close(l);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(pass_a_connection),
		cmocka_unit_test(pass_to_a_deferred_ring),
		cmocka_unit_test(acceptor_hands_connections_to_workers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
