/* SPDX-License-Identifier: ISC */
/*
 * Multishot poll and its update, a live job's data replaced, and the
 * multishot read from pipes and eventfds into a buffer ring.
 */
#include "net_helpers.h"

#include <poll.h>
#include <sys/eventfd.h>

/* Multishot poll is 5.13, with no probe bit of its own: MKDIRAT (5.15)
 * stands for it, so 5.13 and 5.14 skip too. */
static uring *ring_with_poll_multishot(void)
{
	uring *t = ring_or_skip(8, NULL);
	if (!uring_op_supported(t, URING_OP_MKDIRAT)) {
		fprintf(stderr, "skip: multishot poll needs Linux 5.13 (checked as 5.15 here)\n");
		uring_exit(t);
		skip();
	}
	return t;
}

static uring_completion next(uring *t, uring_job job)
{
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, job);
	return c;
}

static void poll_stays_armed_and_is_updated(void **state)
{
	(void)state;
	uring *t = ring_with_poll_multishot();
	int sp[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	static char first[] = "first", second[] = "second";
	uring_job p = uring_poll_multishot(t, sp[0], POLLIN, first);
	assert_int_equal(uring_submit(t), 1);
	char b[8];
	for (int i = 0; i < 3; i++) {
		assert_int_equal(write(sp[1], "x", 1), 1);
		uring_completion c = next(t, p);
		assert_true(c.result & POLLIN);
		assert_true(c.flags & URING_CQE_F_MORE);
		assert_ptr_equal(c.data, first);
		assert_int_equal(read(sp[0], b, sizeof(b)), 1);
	}
	assert_int_equal(uring_active_ops(t), 1);

	/* Its data, then its mask: a socket is writable, so POLLOUT fires at once. */
	assert_int_equal(uring_job_set_data(t, p, second), 0);
	uring_job u = uring_poll_update(t, p, POLLOUT, NULL);
	assert_true(u > 0);
	uring_completion c1 = wait_one(t), c2 = wait_one(t);
	uring_completion *pc = c1.job == p ? &c1 : &c2, *uc = c1.job == p ? &c2 : &c1;
	assert_int_equal(uc->job, u);
	assert_int_equal(uc->result, 0);
	assert_true(pc->result & POLLOUT);
	assert_false(pc->result & POLLIN);
	assert_true(pc->flags & URING_CQE_F_MORE);
	assert_ptr_equal(pc->data, second);

	/* Back to POLLIN: still multishot (an update keeps the mode). */
	u = uring_poll_update(t, p, POLLIN, NULL);
	assert_int_equal(next(t, u).result, 0);
	assert_int_equal(write(sp[1], "y", 1), 1);
	uring_completion in = next(t, p);
	assert_true(in.result & POLLIN);
	assert_false(in.result & POLLOUT);
	assert_true(in.flags & URING_CQE_F_MORE);
	uring_job cj = uring_cancel(t, p, NULL);
	uring_completion d1 = wait_one(t), d2 = wait_one(t);
	uring_completion *last = d1.job == p ? &d1 : &d2;
	assert_int_equal((d1.job == p ? d2 : d1).job, cj);
	assert_int_equal(last->result, -ECANCELED);
	assert_false(last->flags & URING_CQE_F_MORE);
	assert_int_equal(uring_active_ops(t), 0);
	/* The kernel's answer to a closed fd ends the job at once. */
	uring_completion bad = next(t, uring_poll_multishot(t, 1000, POLLIN, NULL));
	assert_int_equal(bad.result, -EBADF);
	assert_false(bad.flags & URING_CQE_F_MORE);
	/* Gone: refused, nothing queued. */
	assert_int_equal(uring_poll_update(t, p, POLLIN, NULL), -ENOENT);
	assert_int_equal(uring_job_set_data(t, p, first), -ENOENT);
	assert_int_equal(uring_sqe_ready(t), 0);
	assert_int_equal(uring_exit(t), 0);
	close(sp[0]), close(sp[1]);
}

static void poll_update_of_a_fired_poll_and_cancel(void **state)
{
	(void)state;
	uring *t = ring_with_poll_multishot();
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	/* A single-shot poll that has fired, not yet collected: the kernel
	 * has nothing to update. */
	assert_int_equal(write(p[1], "z", 1), 1);
	uring_job once = uring_poll_add(t, p[0], POLLIN, NULL);
	assert_true(next(t, once).result & POLLIN);
	uring_job fired = uring_poll_add(t, p[0], POLLIN, NULL);
	assert_int_equal(uring_submit(t), 1);
	usleep(10000);
	uring_job u = uring_poll_update(t, fired, POLLIN, NULL);
	uring_completion a = wait_one(t), b = wait_one(t);
	uring_completion *uc = a.job == u ? &a : &b;
	assert_int_equal(uc->result, -ENOENT);

	/* A single-shot poll updated stays single-shot: one event ends it. */
	char z;
	assert_int_equal(read(p[0], &z, 1), 1);
	uring_job one = uring_poll_add(t, p[0], POLLOUT, NULL);   /* a read end: never */
	assert_int_equal(uring_submit(t), 1);
	u = uring_poll_update(t, one, POLLIN, NULL);
	assert_int_equal(next(t, u).result, 0);
	assert_int_equal(write(p[1], "w", 1), 1);
	uring_completion fin = next(t, one);
	assert_true(fin.result & POLLIN);
	assert_false(fin.flags & URING_CQE_F_MORE);
	assert_int_equal(uring_active_ops(t), 0);

	/* A live job that is no poll: the kernel finds no poll to update. */
	uring_job tm = uring_timeout(t, URING_CLOCK_MONOTONIC, 60ull * 1000000000u, false, NULL);
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(next(t, uring_poll_update(t, tm, POLLIN, NULL)).result, -ENOENT);
	assert_int_equal(uring_cancel_sync(t, tm, URING_WAIT_FOREVER), 0);
	assert_int_equal(next(t, tm).result, -ECANCELED);
	assert_int_equal(uring_exit(t), 0);
	close(p[0]), close(p[1]);
}

static uring *ring_for_read_multishot(uring_buf_ring **br, unsigned nbufs)
{
	uring *t = ring_or_skip(8, NULL);
	if (!uring_op_supported(t, URING_OP_READ_MULTISHOT)) {
		fprintf(stderr, "skip: multishot read needs Linux 6.7\n");
		uring_exit(t);
		skip();
	}
	*br = uring_buf_ring_create(t, 3, nbufs, 64);
	assert_non_null(*br);
	return t;
}

static void read_multishot_from_a_pipe(void **state)
{
	(void)state;
	uring_buf_ring *br;
	uring *t = ring_for_read_multishot(&br, 4);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	uring_job r = uring_read_multishot(t, p[0], br, NULL);
	assert_true(r > 0);
	assert_int_equal(uring_submit(t), 1);
	const char *msgs[] = { "one", "three", "seventeen" };
	for (int i = 0; i < 3; i++) {
		size_t n = strlen(msgs[i]);
		assert_int_equal(write(p[1], msgs[i], n), (ssize_t)n);
		uring_completion c = next(t, r);
		assert_int_equal(c.result, (int)n);
		assert_true(c.flags & URING_CQE_F_MORE);
		int bid = uring_completion_buffer_id(&c);
		assert_true(bid >= 0);
		assert_memory_equal(uring_buf_ring_buffer(br, (unsigned)bid, NULL), msgs[i], n);
		assert_int_equal(uring_buf_ring_recycle(br, (unsigned)bid), 0);
	}
	/* br is in use: it cannot go. */
	assert_int_equal(uring_buf_ring_destroy(t, br), -EBUSY);
	close(p[1]);   /* end of file ends the job */
	uring_completion end = next(t, r);
	assert_int_equal(end.result, 0);
	assert_false(end.flags & URING_CQE_F_MORE);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_buf_ring_destroy(t, br), 0);
	assert_int_equal(uring_exit(t), 0);
	close(p[0]);
}

static void read_multishot_runs_out_of_buffers_and_errors(void **state)
{
	(void)state;
	uring_buf_ring *br;
	uring *t = ring_for_read_multishot(&br, 2);
	int e = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_true(e >= 0);
	uring_job r = uring_read_multishot(t, e, br, NULL);
	assert_int_equal(uring_submit(t), 1);
	uint64_t one = 1;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(write(e, &one, sizeof(one)), 8);
		uring_completion c = next(t, r);
		assert_int_equal(c.result, 8);   /* an eventfd read is its counter */
		assert_true(c.flags & URING_CQE_F_MORE);
	}
	/* Both buffers lent, none recycled: the next read has nowhere to go. */
	assert_int_equal(write(e, &one, sizeof(one)), 8);
	uring_completion c = next(t, r);
	assert_int_equal(c.result, -ENOBUFS);
	assert_false(c.flags & URING_CQE_F_MORE);
	assert_int_equal(uring_buf_ring_recycle(br, 0), 0);
	assert_int_equal(uring_buf_ring_recycle(br, 1), 0);
	/* Nothing was lost: queued again, it reads the pending count. */
	r = uring_read_multishot(t, e, br, NULL);
	c = next(t, r);
	assert_int_equal(c.result, 8);
	assert_int_equal(uring_cancel(t, r, NULL) > 0, 1);
	while (uring_active_ops(t) > 0)
		(void)wait_one(t);

	/* A regular file cannot be polled: the kernel's -EBADFD. */
	char path[] = "/tmp/curing-rms-XXXXXX";
	int f = mkstemp(path);
	assert_true(f >= 0);
	unlink(path);
	assert_int_equal(next(t, uring_read_multishot(t, f, br, NULL)).result, -EBADFD);
	assert_int_equal(uring_read_multishot(t, f, NULL, NULL), -EINVAL);
	assert_int_equal(uring_exit(t), 0);
	close(f), close(e);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(poll_stays_armed_and_is_updated),
		cmocka_unit_test(poll_update_of_a_fired_poll_and_cancel),
		cmocka_unit_test(read_multishot_from_a_pipe),
		cmocka_unit_test(read_multishot_runs_out_of_buffers_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
