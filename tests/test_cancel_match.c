/* SPDX-License-Identifier: ISC */
/*
 * Cancellation by match (fd, registered slot, opcode, everything; first or
 * all), synchronous cancel, and the graceful exit, on loopback sockets and
 * pipes against the real kernel.
 */
#include "net_helpers.h"

#include <poll.h>

#define TAG ((void *)"cancel")

static void need(uring *t, unsigned op, const char *what)
{
	if (!uring_op_supported(t, op)) {
		fprintf(stderr, "skip: %s\n", what);
		skip();
	}
}

/* Collects n completions; counts results per job into res[] by index of jobs[]. */
static void collect(uring *t, const uring_job *jobs, int *res, unsigned n)
{
	for (unsigned got = 0; got < n; got++) {
		uring_completion c = wait_one(t);
		unsigned i = 0;
		while (i < n && jobs[i] != c.job)
			i++;
		if (i == n)
			fail_msg("completion for an unknown job %lld", (long long)c.job);
		res[i] = c.result;
	}
}

static void cancel_all_on_an_fd(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	need(t, URING_OP_SOCKET, "cancel by fd needs Linux 5.19");
	int a, as, b, bs;
	tcp_pair(&a, &as);
	tcp_pair(&b, &bs);
	char buf[4][16];
	uring_job jobs[5];
	for (int i = 0; i < 3; i++)
		jobs[i] = uring_recv(t, as, buf[i], sizeof(buf[i]), 0, NULL);
	uring_job other = uring_recv(t, bs, buf[3], sizeof(buf[3]), 0, NULL);
	assert_int_equal(uring_submit(t), 4);
	jobs[3] = uring_cancel_match(t, URING_CANCEL_FD | URING_CANCEL_ALL, as, 0, TAG);
	int res[4] = { 1, 1, 1, 1 };
	collect(t, jobs, res, 4);
	assert_int_equal(res[3], 3);   /* how many were cancelled */
	for (int i = 0; i < 3; i++)
		assert_int_equal(res[i], -ECANCELED);
	/* The recv on the other socket is untouched: data reaches it. */
	assert_int_equal(uring_active_ops(t), 1);
	assert_int_equal(write(b, "x", 1), 1);
	assert_int_equal(wait_one(t).job, other);

	/* Without ALL: the first match only; with none left, -ENOENT. */
	jobs[0] = uring_recv(t, as, buf[0], sizeof(buf[0]), 0, NULL);
	jobs[1] = uring_recv(t, as, buf[1], sizeof(buf[1]), 0, NULL);
	assert_int_equal(uring_submit(t), 2);
	jobs[2] = uring_cancel_match(t, URING_CANCEL_FD, as, 0, TAG);
	int one[3] = { 1, 1, 1 };
	uring_completion c1 = wait_one(t), c2 = wait_one(t);
	for (int i = 0; i < 2; i++) {
		uring_completion *c = i ? &c2 : &c1;
		for (int k = 0; k < 3; k++)
			if (jobs[k] == c->job)
				one[k] = c->result;
	}
	assert_int_equal(one[2], 0);
	assert_true((one[0] == -ECANCELED) != (one[1] == -ECANCELED));
	assert_int_equal(uring_active_ops(t), 1);
	uring_job none = uring_cancel_match(t, URING_CANCEL_FD | URING_CANCEL_ALL, b, 0, TAG);
	assert_int_equal(run_one(t, none).result, 0);   /* ALL: a count, 0 */
	assert_int_equal(write(a, "y", 1), 1);
	assert_int_equal(wait_one(t).result, 1);
	uring_job first = uring_cancel_match(t, URING_CANCEL_FD, as, 0, TAG);
	assert_int_equal(run_one(t, first).result, -ENOENT);
	assert_int_equal(uring_exit(t), 0);
	close(a), close(as), close(b), close(bs);
}

static void cancel_on_a_registered_slot(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	need(t, URING_OP_SEND_ZC, "cancel by registered slot needs Linux 6.0");
	int sp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	assert_int_equal(uring_register_files(t, sp, 2), 0);
	int plain = sp[1];
	close(sp[0]), close(sp[1]);   /* the table keeps its own references */
	char buf[2][8];
	uring_job jobs[3];
	for (int i = 0; i < 2; i++) {
		jobs[i] = uring_recv(t, 1, buf[i], sizeof(buf[i]), 0, NULL);
		assert_int_equal(uring_job_set_flags(t, jobs[i], URING_FIXED_FILE), 0);
	}
	assert_int_equal(uring_submit(t), 2);
	/* The kernel matches the file, not the number: with the fds closed,
	 * only the slot names it (a plain fd number is the kernel's -EBADF). */
	uring_job by_fd = uring_cancel_match(t, URING_CANCEL_FD | URING_CANCEL_ALL, plain, 0, TAG);
	assert_int_equal(run_one(t, by_fd).result, -EBADF);
	jobs[2] = uring_cancel_match(t, URING_CANCEL_FD | URING_CANCEL_FD_FIXED | URING_CANCEL_ALL, 1, 0,
				     TAG);
	int res[3] = { 1, 1, 1 };
	collect(t, jobs, res, 3);
	assert_int_equal(res[2], 2);
	assert_int_equal(res[0], -ECANCELED);
	assert_int_equal(res[1], -ECANCELED);
	/* A slot outside the table: refused, nothing queued. */
	assert_int_equal(uring_cancel_match(t, URING_CANCEL_FD | URING_CANCEL_FD_FIXED, 2, 0, TAG), -EBADF);
	assert_int_equal(uring_sqe_ready(t), 0);
	assert_int_equal(uring_exit(t), 0);
}

static void cancel_by_opcode_and_everything(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	need(t, URING_OP_SOCKET, "cancel ANY needs Linux 5.19");
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	int a, as;
	tcp_pair(&a, &as);
	char buf[3][8];
	uring_job jobs[6];
	jobs[0] = uring_recv(t, as, buf[0], sizeof(buf[0]), 0, NULL);
	jobs[1] = uring_recv(t, as, buf[1], sizeof(buf[1]), 0, NULL);
	jobs[2] = uring_read(t, p[0], buf[2], sizeof(buf[2]), -1, NULL);
	jobs[3] = uring_poll_add(t, as, POLLIN, NULL);
	jobs[4] = uring_timeout(t, URING_CLOCK_MONOTONIC, 60ull * 1000000000u, false, NULL);
	assert_int_equal(uring_submit(t), 5);
	/* By opcode: first one recv, then every recv left; the read, the
	 * poll and the timeout stay. */
	uring_job first = uring_cancel_match(t, URING_CANCEL_OP, -1, URING_OP_RECV, TAG);
	if (first == -EOPNOTSUPP) {
		fprintf(stderr, "note: cancel by opcode needs Linux 6.6: not run here\n");
	} else {
		uring_job pair[2] = { first, 0 };
		int res[2] = { 1, 1 };
		uring_completion c = wait_one(t), d = wait_one(t);
		uring_completion *victim = c.job == first ? &d : &c;
		res[0] = (c.job == first ? c : d).result;
		assert_int_equal(res[0], 0);
		assert_true(victim->job == jobs[0] || victim->job == jobs[1]);
		assert_int_equal(victim->result, -ECANCELED);
		pair[1] = victim->job == jobs[0] ? jobs[1] : jobs[0];
		pair[0] = uring_cancel_match(t, URING_CANCEL_OP | URING_CANCEL_ALL, -1, URING_OP_RECV, TAG);
		collect(t, pair, res, 2);
		assert_int_equal(res[0], 1);
		assert_int_equal(res[1], -ECANCELED);
		assert_int_equal(uring_active_ops(t), 3);
	}
	/* ANY: the rest, whatever they are; the count says how many. */
	uring_job any = uring_cancel_match(t, URING_CANCEL_ANY, -1, 0, TAG);
	assert_true(any > 0);
	unsigned left = uring_active_ops(t) - 1, cancelled = 0;
	int any_res = -1;
	while (uring_active_ops(t) > 0) {
		uring_completion c = wait_one(t);
		if (c.job == any)
			any_res = c.result;
		else if (c.result == -ECANCELED)
			cancelled++;
	}
	assert_int_equal(any_res, (int)left);
	assert_int_equal(cancelled, left);
	assert_int_equal(uring_exit(t), 0);
	close(p[0]), close(p[1]), close(a), close(as);
}

static void sync_cancel_by_id(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	need(t, URING_OP_SEND_ZC, "synchronous cancel needs Linux 6.0");
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	char buf[8];
	/* Still queued: submitted, then cancelled before the call returns. */
	uring_job rd = uring_read(t, p[0], buf, sizeof(buf), -1, NULL);
	assert_int_equal(uring_sqe_ready(t), 1);
	assert_int_equal(uring_cancel_sync(t, rd, 1000000000u), 0);
	assert_int_equal(uring_sqe_ready(t), 0);
	/* The kernel is done with buf: data written now stays in the pipe. */
	assert_int_equal(write(p[1], "z", 1), 1);
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, rd);
	assert_int_equal(c.result, -ECANCELED);
	assert_int_equal(read(p[0], buf, 1), 1);

	/* Finished in the kernel, not yet collected: nothing to cancel. */
	uring_job nop = uring_noop(t, NULL);
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(uring_cancel_sync(t, nop, 1000000000u), 1);
	assert_int_equal(wait_one(t).job, nop);
	assert_int_equal(uring_cancel_sync(t, nop, 1000000000u), -ENOENT);   /* collected */

	/* Running in a worker (URING_ASYNC: a blocking pipe read): the worker
	 * is interrupted and waited for, or the 1 ns deadline passes first. */
	rd = uring_read(t, p[0], buf, sizeof(buf), -1, NULL);
	assert_int_equal(uring_job_set_flags(t, rd, URING_ASYNC), 0);
	assert_int_equal(uring_submit(t), 1);
	usleep(10000);
	int r = uring_cancel_sync(t, rd, 1);
	assert_true(r == 0 || r == -ETIME);
	c = wait_one(t);
	assert_int_equal(c.job, rd);
	assert_true(c.result == -ECANCELED || c.result == -EINTR);
	assert_int_equal(uring_exit(t), 0);
	close(p[0]), close(p[1]);
}

/* Under SQPOLL the poll thread reads the SQ on its own time: until it has
 * read the job, the answer is -EAGAIN, never a cancel that missed it. */
static void sync_cancel_under_sqpoll(void **state)
{
	(void)state;
	uring_options o = { .polling_timeout_ms = 1000 };
	uring *t = ring_or_skip(8, &o);
	need(t, URING_OP_SEND_ZC, "synchronous cancel needs Linux 6.0");
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	char buf[8];
	uring_job rd = uring_read(t, p[0], buf, sizeof(buf), -1, NULL);
	int r, tries = 0;
	while ((r = uring_cancel_sync(t, rd, 1000000000u)) == -EAGAIN && tries++ < 1000)
		usleep(100);
	assert_int_equal(r, 0);
	assert_int_equal(write(p[1], "s", 1), 1);   /* not the cancelled read's */
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, rd);
	assert_int_equal(c.result, -ECANCELED);
	assert_int_equal(read(p[0], buf, 1), 1);
	assert_int_equal(uring_exit(t), 0);
	close(p[0]), close(p[1]);
}

static void sync_cancel_by_match(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	need(t, URING_OP_SEND_ZC, "synchronous cancel needs Linux 6.0");
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	char buf[4][8];
	for (int i = 0; i < 4; i++)
		assert_true(uring_read(t, p[0], buf[i], sizeof(buf[i]), -1, NULL) > 0);
	/* Queued, not submitted: the call submits them first. */
	assert_int_equal(uring_cancel_match_sync(t, URING_CANCEL_FD | URING_CANCEL_ALL, p[0], 0,
						 URING_WAIT_FOREVER), 4);
	for (int i = 0; i < 4; i++)
		assert_int_equal(wait_one(t).result, -ECANCELED);
	assert_int_equal(uring_cancel_match_sync(t, URING_CANCEL_FD, p[0], 0, 1000000), -ENOENT);
	assert_int_equal(uring_cancel_match_sync(t, URING_CANCEL_ANY, -1, 0, 1000000), 0);
	/* The kernel's answer for an fd that is not open. */
	assert_int_equal(uring_cancel_match_sync(t, URING_CANCEL_FD, 1000, 0, 1000000), -EBADF);
	/* By registered slot. */
	assert_int_equal(uring_register_files(t, p, 1), 0);
	uring_job rf = uring_read(t, 0, buf[0], sizeof(buf[0]), -1, NULL);
	assert_int_equal(uring_job_set_flags(t, rf, URING_FIXED_FILE), 0);
	assert_int_equal(uring_cancel_match_sync(t, URING_CANCEL_FD | URING_CANCEL_FD_FIXED | URING_CANCEL_ALL, 0,
						 0, URING_WAIT_FOREVER), 1);
	assert_int_equal(wait_one(t).result, -ECANCELED);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_exit(t), 0);
	close(p[0]), close(p[1]);
}

struct seen {
	unsigned n, cancelled, more;
	void *data[16];
};

static void note(const uring_completion *c, void *arg)
{
	struct seen *s = arg;
	if (c->flags & URING_CQE_F_MORE)
		s->more++;
	if (c->result == -ECANCELED)
		s->cancelled++;
	if (s->n < 16)
		s->data[s->n] = c->data;
	s->n++;
}

static void graceful_exit(void **state)
{
	(void)state;
	uring *t = ring_or_skip(16, NULL);
	need(t, URING_OP_SOCKET, "multishot accept needs Linux 5.19");
	uint16_t port;
	int l = tcp_listener(&port);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	static char names[5][8] = { "accept", "read", "timer", "poll", "noop" };
	char buf[8];
	assert_true(uring_accept_multishot(t, l, names[0]) > 0);
	assert_true(uring_read(t, p[0], buf, sizeof(buf), -1, names[1]) > 0);
	assert_true(uring_timeout(t, URING_CLOCK_MONOTONIC, 60ull * 1000000000u, false, names[2]) > 0);
	assert_int_equal(uring_submit(t), 3);
	assert_true(uring_poll_add(t, p[0], POLLIN, names[3]) > 0);
	assert_true(uring_noop(t, names[4]) > 0);   /* queued only: submitted, completes */
	assert_int_equal(uring_exit(t), -EBUSY);
	struct seen s = { 0 };
	assert_int_equal(uring_exit_graceful(t, 5000000000u, note, &s), 0);
	assert_int_equal(s.n, 5);
	assert_int_equal(s.more, 0);
	assert_true(s.cancelled == 4);   /* all but the noop */
	for (int k = 0; k < 5; k++) {
		int found = 0;
		for (unsigned i = 0; i < s.n; i++)
			found += s.data[i] == names[k];
		assert_int_equal(found, 1);
	}
	/* The kernel is done with buf: the pipe keeps what is written now. */
	assert_int_equal(write(p[1], "q", 1), 1);
	assert_int_equal(read(p[0], buf, 1), 1);
	close(p[0]), close(p[1]), close(l);

	/* Without jobs it is uring_exit; with a NULL callback it discards. */
	t = ring_or_skip(4, NULL);
	assert_int_equal(uring_exit_graceful(t, 0, NULL, NULL), 0);
	t = ring_or_skip(4, NULL);
	assert_true(uring_timeout(t, URING_CLOCK_MONOTONIC, 60ull * 1000000000u, false, NULL) > 0);
	assert_int_equal(uring_exit_graceful(t, URING_WAIT_FOREVER, NULL, NULL), 0);
}

/* Deferred task work: cancelled jobs complete only when the ring's own
 * thread enters the kernel, which the collecting wait does. */
static void graceful_exit_of_a_deferred_ring(void **state)
{
	(void)state;
	uring_options o = { .setup_flags = URING_SETUP_SINGLE_ISSUER | URING_SETUP_DEFER_TASKRUN };
	uring *t = ring_or_skip(8, &o);
	need(t, URING_OP_SOCKET, "cancel ANY needs Linux 5.19");
	int a, as;
	tcp_pair(&a, &as);
	char buf[2][8];
	assert_true(uring_recv(t, as, buf[0], sizeof(buf[0]), 0, buf[0]) > 0);
	assert_true(uring_timeout(t, URING_CLOCK_MONOTONIC, 60ull * 1000000000u, false, buf[1]) > 0);
	assert_int_equal(uring_submit(t), 2);
	struct seen s = { 0 };
	assert_int_equal(uring_exit_graceful(t, 5000000000u, note, &s), 0);
	assert_int_equal(s.n, 2);
	assert_int_equal(s.cancelled, 2);
	/* The recv is gone: what the peer sends now stays in the socket. */
	assert_int_equal(write(a, "k", 1), 1);
	assert_int_equal(read(as, buf[0], sizeof(buf[0])), 1);
	close(a), close(as);
}

/* A job the kernel cannot cancel in time keeps the ring: -ETIME, usable. */
static void graceful_exit_deadline(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	need(t, URING_OP_SOCKET, "cancel ANY needs Linux 5.19");
	assert_true(uring_timeout(t, URING_CLOCK_MONOTONIC, 60ull * 1000000000u, false, NULL) > 0);
	assert_int_equal(uring_exit_graceful(t, 0, NULL, NULL), -ETIME);
	assert_int_equal(uring_active_ops(t), 1);
	uring_job j = uring_noop(t, NULL);
	assert_true(j > 0);
	assert_int_equal(uring_exit_graceful(t, 1000000000u, NULL, NULL), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(cancel_all_on_an_fd),
		cmocka_unit_test(cancel_on_a_registered_slot),
		cmocka_unit_test(cancel_by_opcode_and_everything),
		cmocka_unit_test(sync_cancel_by_id),
		cmocka_unit_test(sync_cancel_under_sqpoll),
		cmocka_unit_test(sync_cancel_by_match),
		cmocka_unit_test(graceful_exit),
		cmocka_unit_test(graceful_exit_of_a_deferred_ring),
		cmocka_unit_test(graceful_exit_deadline),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
