/* SPDX-License-Identifier: ISC */
/* epoll as ops: IORING_OP_EPOLL_CTL (5.6) on a real epoll set, checked
 * with epoll_wait(2); IORING_OP_EPOLL_WAIT (6.15) woken by a pipe. */
#include "helpers.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/epoll.h>

struct set {
	int ep, r, w;   /* the epoll set and a pipe */
};

static struct set set_open(void)
{
	struct set s;
	s.ep = epoll_create1(EPOLL_CLOEXEC);
	assert_true(s.ep >= 0);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	s.r = p[0];
	s.w = p[1];
	return s;
}

static void set_close(struct set *s)
{
	close(s->ep);
	close(s->r);
	close(s->w);
}

static int32_t run(uring *t, uring_job j)
{
	assert_true(j > 0);
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, j);
	return c.result;
}

static uring *ring_with_epoll_ctl(void)
{
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_OP(t, EPOLL_CTL, "5.6 with CONFIG_EPOLL");
	return t;
}

/* The event epoll_wait(2) reports for the set now, or 0 events. */
static int ready_now(int ep, struct epoll_event *ev)
{
	return epoll_wait(ep, ev, 1, 0);
}

/* ADD, MOD and DEL take effect as epoll_ctl(2)'s would, and fail as
 * it does: EEXIST, ENOENT, EBADF, EINVAL. */
static void ctl_add_mod_del(void **state)
{
	(void)state;
	uring *t = ring_with_epoll_ctl();
	struct set s = set_open();
	assert_int_equal(write(s.w, "x", 1), 1);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 0xfeed };
	assert_int_equal(run(t, uring_epoll_ctl(t, s.ep, EPOLL_CTL_ADD, s.r, &ev, NULL)), 0);
	struct epoll_event got;
	assert_int_equal(ready_now(s.ep, &got), 1);
	assert_int_equal(got.data.u64, 0xfeed);
	assert_true(got.events & EPOLLIN);
	assert_int_equal(run(t, uring_epoll_ctl(t, s.ep, EPOLL_CTL_ADD, s.r, &ev, NULL)), -EEXIST);
	ev.data.u64 = 0xbeef;
	assert_int_equal(run(t, uring_epoll_ctl(t, s.ep, EPOLL_CTL_MOD, s.r, &ev, NULL)), 0);
	assert_int_equal(ready_now(s.ep, &got), 1);
	assert_int_equal(got.data.u64, 0xbeef);
	assert_int_equal(run(t, uring_epoll_ctl(t, s.ep, EPOLL_CTL_DEL, s.r, NULL, NULL)), 0);
	assert_int_equal(ready_now(s.ep, &got), 0);
	assert_int_equal(run(t, uring_epoll_ctl(t, s.ep, EPOLL_CTL_DEL, s.r, NULL, NULL)), -ENOENT);
	assert_int_equal(run(t, uring_epoll_ctl(t, s.ep, EPOLL_CTL_MOD, s.r, &ev, NULL)), -ENOENT);
	assert_int_equal(run(t, uring_epoll_ctl(t, s.ep, EPOLL_CTL_ADD, -1, &ev, NULL)), -EBADF);
	/* Not an epoll fd; an epoll set watching itself. */
	assert_int_equal(run(t, uring_epoll_ctl(t, s.r, EPOLL_CTL_ADD, s.w, &ev, NULL)), -EINVAL);
	assert_int_equal(run(t, uring_epoll_ctl(t, s.ep, EPOLL_CTL_ADD, s.ep, &ev, NULL)), -EINVAL);
	set_close(&s);
	assert_int_equal(uring_exit(t), 0);
}

/* The event is copied when queued: what the caller changes afterwards,
 * before the submit, is not what the kernel registers. */
static void ctl_event_is_copied(void **state)
{
	(void)state;
	uring *t = ring_with_epoll_ctl();
	struct set s = set_open();
	assert_int_equal(write(s.w, "x", 1), 1);
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 1234 };
	uring_job j = uring_epoll_ctl(t, s.ep, EPOLL_CTL_ADD, s.r, &ev, NULL);
	ev = (struct epoll_event){ .events = EPOLLOUT, .data.u64 = 5678 };
	assert_int_equal(run(t, j), 0);
	struct epoll_event got;
	assert_int_equal(ready_now(s.ep, &got), 1);
	assert_int_equal(got.data.u64, 1234);
	assert_int_equal(got.events, EPOLLIN);
	set_close(&s);
	assert_int_equal(uring_exit(t), 0);
}

static void ctl_refuses_before_queueing(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	struct epoll_event ev = { .events = EPOLLIN };
	assert_int_equal(uring_epoll_ctl(t, 0, 7, 0, &ev, NULL), -EINVAL);
	assert_int_equal(uring_epoll_ctl(t, 0, EPOLL_CTL_ADD, 0, NULL, NULL), -EFAULT);
	assert_int_equal(uring_epoll_ctl(t, 0, EPOLL_CTL_MOD, 0, NULL, NULL), -EFAULT);
	assert_int_equal(uring_epoll_ctl(NULL, 0, EPOLL_CTL_ADD, 0, &ev, NULL), -EINVAL);
	assert_int_equal(uring_epoll_wait(t, 0, NULL, 4, NULL), -EFAULT);
	assert_int_equal(uring_epoll_wait(t, 0, &ev, 0, NULL), -EINVAL);
	assert_int_equal(uring_epoll_wait(t, 0, &ev, (unsigned)INT_MAX, NULL), -EINVAL);
	assert_int_equal(uring_sqe_ready(t), 0);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_exit(t), 0);
}

static uring *ring_with_epoll_wait(void)
{
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_OP(t, EPOLL_WAIT, "6.15");
	return t;
}

/* The wait job stays pending on an idle set; a byte written into the
 * pipe wakes it with the event registered for the read end. */
static void wait_woken_by_a_pipe(void **state)
{
	(void)state;
	uring *t = ring_with_epoll_wait();
	struct set s = set_open();
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = 42 };
	assert_int_equal(epoll_ctl(s.ep, EPOLL_CTL_ADD, s.r, &ev), 0);
	struct epoll_event out[4];
	memset(out, 0, sizeof(out));
	uring_job j = uring_epoll_wait(t, s.ep, out, 4, (void *)"w");
	assert_true(j > 0);
	assert_int_equal(uring_submit(t), 1);
	uring_completion c;
	assert_int_equal(uring_wait_timeout(t, 50 * 1000 * 1000, &c), 0);   /* nothing ready yet */
	assert_int_equal(write(s.w, "x", 1), 1);
	c = wait_one(t);
	assert_int_equal(c.job, j);
	assert_int_equal(c.result, 1);
	assert_true(out[0].events & EPOLLIN);
	assert_int_equal(out[0].data.u64, 42);
	/* Already readable: completes at once, with every ready fd. */
	struct epoll_event ev2 = { .events = EPOLLOUT, .data.u64 = 43 };
	assert_int_equal(epoll_ctl(s.ep, EPOLL_CTL_ADD, s.w, &ev2), 0);
	assert_int_equal(run(t, uring_epoll_wait(t, s.ep, out, 4, NULL)), 2);
	uint64_t sum = out[0].data.u64 + out[1].data.u64;
	assert_int_equal(sum, 42 + 43);
	/* maxevents bounds what is written. */
	memset(out, 0xa5, sizeof(out));
	assert_int_equal(run(t, uring_epoll_wait(t, s.ep, out, 1, NULL)), 1);
	assert_int_equal(out[1].data.u64, 0xa5a5a5a5a5a5a5a5ull);
	set_close(&s);
	assert_int_equal(uring_exit(t), 0);
}

/* A pending wait is stopped by cancelling it; a wait on a non-epoll fd
 * fails. */
static void wait_cancel_and_errors(void **state)
{
	(void)state;
	uring *t = ring_with_epoll_wait();
	struct set s = set_open();
	struct epoll_event out[2];
	uring_job j = uring_epoll_wait(t, s.ep, out, 2, NULL);
	assert_true(j > 0);
	assert_int_equal(uring_submit(t), 1);
	uring_job k = uring_cancel(t, j, NULL);
	assert_true(k > 0);
	for (int i = 0; i < 2; i++) {
		uring_completion c = wait_one(t);
		if (c.job == j)
			assert_int_equal(c.result, -ECANCELED);
		else
			assert_int_equal(c.result, 0);
	}
	assert_int_equal(run(t, uring_epoll_wait(t, s.r, out, 2, NULL)), -EINVAL);
	assert_int_equal(run(t, uring_epoll_wait(t, -1, out, 2, NULL)), -EBADF);
	set_close(&s);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(ctl_add_mod_del),
		cmocka_unit_test(ctl_event_is_copied),
		cmocka_unit_test(ctl_refuses_before_queueing),
		cmocka_unit_test(wait_woken_by_a_pipe),
		cmocka_unit_test(wait_cancel_and_errors),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
