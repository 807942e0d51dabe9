/* SPDX-License-Identifier: ISC */
/* SQE flags on queued jobs (link, hard link, drain, async) and link timeouts. */
#include "net_helpers.h"

static void linked_write_then_read(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	char in[8] = { 0 };
	/* Queued read first would block; linked, it starts after the write. */
	uring_job w = uring_write(t, p[1], "linked", 6, -1, NULL);
	assert_int_equal(uring_job_set_flags(t, w, URING_LINK), 0);
	uring_job r = uring_read(t, p[0], in, sizeof(in), -1, NULL);
	assert_int_equal(uring_submit(t), 2);
	uring_completion c1 = wait_one(t), c2 = wait_one(t);
	assert_int_equal(c1.job, w);               /* a chain completes in order */
	assert_int_equal(c1.result, 6);
	assert_int_equal(c2.job, r);
	assert_int_equal(c2.result, 6);
	assert_memory_equal(in, "linked", 6);
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
}

/* A failed link cancels the rest of the chain; a failed hard link does not;
 * clearing the flags (0) unlinks. */
static void link_and_hardlink_on_failure(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	const struct { unsigned flags; int next; } cases[] = {
		{ URING_LINK, -ECANCELED },
		{ URING_HARDLINK, 0 },
		{ 0, 0 },
	};
	/* The head fails when it runs (a send on a socket shut for writing),
	 * not when the chain is submitted: 5.10 cancels a hard-linked chain
	 * whose head fails at submission (a bad fd), 6.1 and later do not
	 * (uring.h, URING_HARDLINK). */
	int sp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	assert_int_equal(shutdown(sp[0], SHUT_WR), 0);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		uring_job bad = uring_send(t, sp[0], "x", 1, 0, NULL);
		assert_int_equal(uring_job_set_flags(t, bad, URING_LINK), 0);
		assert_int_equal(uring_job_set_flags(t, bad, cases[i].flags), 0);
		uring_job next = uring_noop(t, NULL);
		uring_completion cb, cn;
		run_two(t, bad, &cb, next, &cn);
		assert_int_equal(cb.result, -EPIPE);
		assert_int_equal(cn.result, cases[i].next);
	}
	close(sp[0]);
	close(sp[1]);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_exit(t), 0);
}

/* With the SQ full, an op after an open chain is refused (-ENOSPC), not
 * given 0: submit-and-retry would send the chain's head alone and run the
 * retried op unlinked. */
static void a_full_queue_never_splits_a_chain(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	assert_int_equal(uring_sq_space_left(t), 4);
	for (int i = 0; i < 3; i++)
		assert_true(uring_noop(t, NULL) > 0);
	assert_int_equal(uring_sq_space_left(t), 1);
	assert_int_equal(uring_noop(t, NULL) > 0, 1);
	assert_int_equal(uring_noop(t, NULL), 0);       /* full, no chain open: 0 */
	assert_int_equal(uring_submit(t), 4);
	for (int i = 0; i < 4; i++)
		(void)wait_one(t);

	for (int i = 0; i < 3; i++)
		assert_true(uring_noop(t, NULL) > 0);
	uring_job head = uring_noop(t, NULL);
	assert_int_equal(uring_job_set_flags(t, head, URING_LINK), 0);
	assert_int_equal(uring_sq_space_left(t), 0);
	assert_int_equal(uring_noop(t, NULL), -ENOSPC);
	assert_int_equal(uring_link_timeout(t, 1000000, NULL), -ENOSPC);
	assert_int_equal(uring_job_set_flags(t, head, URING_HARDLINK), 0);
	assert_int_equal(uring_noop(t, NULL), -ENOSPC);
	assert_int_equal(uring_sqe_ready(t), 4);        /* nothing queued */
	assert_int_equal(uring_job_set_flags(t, head, 0), 0);   /* the caller ends the chain */
	assert_int_equal(uring_noop(t, NULL), 0);
	assert_int_equal(uring_submit(t), 4);
	for (int i = 0; i < 4; i++)
		(void)wait_one(t);
	assert_int_equal(uring_exit(t), 0);
}

/* A zero-copy send cancelled by its failed link head never sent anything:
 * it has one completion (-ECANCELED, no F_MORE), not a result and a
 * notification, and that one completion frees the job. */
static void send_zc_cancelled_by_its_link_head_completes_once(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	if (!uring_op_supported(t, URING_OP_SEND_ZC)) {
		fprintf(stderr, "skip: no IORING_OP_SEND_ZC (6.0+)\n");
		skip();
	}
	int sp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	uring_job bad = uring_write(t, -1, "x", 1, -1, NULL);
	assert_int_equal(uring_job_set_flags(t, bad, URING_LINK), 0);
	uring_job zc = uring_send_zc(t, sp[0], "payload", 7, 0, NULL);
	assert_true(zc > 0);
	uring_completion cb, cz;
	run_two(t, bad, &cb, zc, &cz);
	assert_int_equal(cb.result, -EBADF);
	assert_int_equal(cz.result, -ECANCELED);
	assert_false(cz.flags & URING_CQE_F_MORE);
	assert_int_equal(uring_active_ops(t), 0);
	close(sp[0]);
	close(sp[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void link_timeout_cancels_a_stuck_recv(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	int sp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	char buf[8];
	uring_job r = uring_recv(t, sp[1], buf, sizeof(buf), 0, NULL);
	assert_int_equal(uring_job_set_flags(t, r, URING_LINK), 0);
	uring_job lt = uring_link_timeout(t, 30 * 1000000u, NULL);
	assert_true(lt > 0);
	uint64_t start = now_ns(CLOCK_MONOTONIC);
	uring_completion cr, ct;
	run_two(t, r, &cr, lt, &ct);
	assert_true(now_ns(CLOCK_MONOTONIC) - start >= 25 * 1000000u);
	assert_int_equal(cr.result, -ECANCELED);
	assert_int_equal(ct.result, -ETIME);

	/* The job finishing first cancels the timeout instead. */
	uring_job n = uring_noop(t, NULL);
	assert_int_equal(uring_job_set_flags(t, n, URING_LINK), 0);
	lt = uring_link_timeout(t, 10ull * 1000000000u, NULL);
	uring_completion cn;
	run_two(t, n, &cn, lt, &ct);
	assert_int_equal(cn.result, 0);
	assert_int_equal(ct.result, -ECANCELED);
	assert_int_equal(uring_active_ops(t), 0);
	close(sp[0]);
	close(sp[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void link_timeout_needs_a_linked_job_just_before(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	assert_int_equal(uring_link_timeout(NULL, 1, NULL), -EINVAL);
	assert_int_equal(uring_link_timeout(t, 1, NULL), -EINVAL);     /* nothing queued */
	uring_job n = uring_noop(t, NULL);
	assert_int_equal(uring_link_timeout(t, 1, NULL), -EINVAL);     /* not linked */
	assert_int_equal(uring_job_set_flags(t, n, URING_DRAIN), 0);
	assert_int_equal(uring_link_timeout(t, 1, NULL), -EINVAL);
	assert_int_equal(uring_job_set_flags(t, n, URING_LINK), 0);
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(uring_link_timeout(t, 1, NULL), -EINVAL);     /* already submitted */
	assert_int_equal(uring_sqe_ready(t), 0);
	assert_int_equal(wait_one(t).result, 0);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_exit(t), 0);
}

static void set_flags_errors(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	uring_job n = uring_noop(t, NULL);
	assert_int_equal(uring_job_set_flags(NULL, n, 0), -EINVAL);
	assert_int_equal(uring_job_set_flags(t, n, 1u << 5), -EINVAL);   /* BUFFER_SELECT */
	assert_int_equal(uring_job_set_flags(t, n, 1u << 6), -EINVAL);   /* CQE_SKIP_SUCCESS */
	assert_int_equal(uring_job_set_flags(t, n, URING_FIXED_FILE), -EBADF);   /* no table */
	assert_int_equal(uring_job_set_flags(t, n, URING_ASYNC | URING_DRAIN), 0);
	assert_int_equal(uring_job_set_flags(t, 12345, 0), -ENOENT);
	assert_int_equal(uring_job_set_flags(t, -1, 0), -ENOENT);
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(uring_job_set_flags(t, n, URING_LINK), -EALREADY);
	assert_int_equal(wait_one(t).result, 0);
	assert_int_equal(uring_job_set_flags(t, n, URING_LINK), -ENOENT);   /* stale */
	/* The slot's next job has another id; the stale one stays stale. */
	uring_job m = uring_noop(t, NULL);
	assert_true(m != n);
	assert_int_equal(uring_job_set_flags(t, n, 0), -ENOENT);
	assert_int_equal(uring_job_set_flags(t, m, 0), 0);
	assert_int_equal(run_one(t, m).result, 0);
	assert_int_equal(uring_exit(t), 0);
}

/* A drained job waits for every job queued before it. */
static void drain_waits_for_earlier_jobs(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	int sp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	char buf[8];
	uring_job r = uring_recv(t, sp[1], buf, sizeof(buf), 0, NULL);
	assert_int_equal(uring_submit(t), 1);
	uring_job d = uring_noop(t, NULL);
	assert_int_equal(uring_job_set_flags(t, d, URING_DRAIN), 0);
	uring_completion c;
	assert_int_equal(uring_submit(t), 1);
	usleep(30000);
	assert_int_equal(uring_get_cqe_nonblocking(t, &c), 0);   /* held back */
	assert_int_equal(send(sp[0], "go", 2, 0), 2);
	c = wait_one(t);
	assert_int_equal(c.job, r);
	assert_int_equal(c.result, 2);
	c = wait_one(t);
	assert_int_equal(c.job, d);
	assert_int_equal(c.result, 0);

	/* ASYNC: the same op, from a kernel worker. */
	uring_job a = uring_recv(t, sp[1], buf, sizeof(buf), 0, NULL);
	assert_int_equal(uring_job_set_flags(t, a, URING_ASYNC), 0);
	assert_int_equal(send(sp[0], "w", 1, 0), 1);
	assert_int_equal(run_one(t, a).result, 1);
	close(sp[0]);
	close(sp[1]);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(linked_write_then_read),
		cmocka_unit_test(link_and_hardlink_on_failure),
		cmocka_unit_test(a_full_queue_never_splits_a_chain),
		cmocka_unit_test(send_zc_cancelled_by_its_link_head_completes_once),
		cmocka_unit_test(link_timeout_cancels_a_stuck_recv),
		cmocka_unit_test(link_timeout_needs_a_linked_job_just_before),
		cmocka_unit_test(set_flags_errors),
		cmocka_unit_test(drain_waits_for_earlier_jobs),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
