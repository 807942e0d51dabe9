/* SPDX-License-Identifier: ISC */
/* Waiting: signals, timed waits, and timeouts on every clock. */
#include "helpers.h"

#include <pthread.h>
#include <sys/time.h>

#include "syscall.h"

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

/* SIGALRM in `ms` milliseconds, without SA_RESTART so the wait sees it. */
static void alarm_in_ms(unsigned ms)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_alarm;
	sigemptyset(&sa.sa_mask);
	assert_int_equal(sigaction(SIGALRM, &sa, NULL), 0);
	struct itimerval it = { .it_value = { .tv_sec = 0, .tv_usec = (long)ms * 1000 } };
	assert_int_equal(setitimer(ITIMER_REAL, &it, NULL), 0);
}

static void cancel_and_drain(uring *t, uring_job job)
{
	assert_true(uring_cancel(t, job, NULL) > 0);
	(void)wait_one(t);
	(void)wait_one(t);
	assert_int_equal(uring_active_ops(t), 0);
}

static void signal_during_wait_returns_zero_and_loses_nothing(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	uring_job tm = uring_timeout(t, URING_CLOCK_MONOTONIC, 30ull * 1000000000u, false, NULL);
	assert_true(tm > 0);
	assert_int_equal(uring_submit(t), 1);
	alarms = 0;
	alarm_in_ms(50);
	uring_completion c;
	assert_int_equal(uring_wait(t, &c), 0);
	assert_int_equal(alarms, 1);
	assert_int_equal(uring_active_ops(t), 1);
	cancel_and_drain(t, tm);
	assert_int_equal(uring_exit(t), 0);
}

static void signal_during_a_wait_that_also_submitted(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	uring_job tm = uring_timeout(t, URING_CLOCK_MONOTONIC, 30ull * 1000000000u, false, NULL);
	assert_true(tm > 0);
	assert_int_equal(uring_sqe_ready(t), 1);
	alarms = 0;
	alarm_in_ms(50);
	uring_completion c;
	/* The kernel returns the submit count, not -EINTR, for this enter. */
	assert_int_equal(uring_wait(t, &c), 0);
	assert_int_equal(alarms, 1);
	assert_int_equal(uring_sqe_ready(t), 0);      /* it was submitted */
	assert_int_equal(uring_active_ops(t), 1);     /* and is still in flight */
	cancel_and_drain(t, tm);
	assert_int_equal(uring_exit(t), 0);
}

static void wait_timeout_elapses_with_no_completion(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	REQUIRE_FEATURE(t, WAIT_TIMEOUT, "5.11");
	uring_job tm = uring_timeout(t, URING_CLOCK_MONOTONIC, 30ull * 1000000000u, false, NULL);
	assert_true(tm > 0);
	uint64_t start = now_ns(CLOCK_MONOTONIC);
	uring_completion c;
	assert_int_equal(uring_wait_timeout(t, 50000000, &c), 0);
	uint64_t waited = now_ns(CLOCK_MONOTONIC) - start;
	assert_true(waited >= 45000000);
	assert_int_equal(uring_sqe_ready(t), 0);     /* the timed wait also submitted */
	cancel_and_drain(t, tm);
	assert_true(uring_noop(t, (void *)7) > 0);
	assert_int_equal(uring_wait_timeout(t, 1000000000, &c), 1);
	assert_ptr_equal(c.data, (void *)7);
	assert_int_equal(uring_wait_timeout(t, 0, &c), 0);   /* zero: just a look */
	assert_int_equal(uring_exit(t), 0);
}

static void fire(uring *t, uring_clock clock, uint64_t ns, bool absolute)
{
	uring_job j = uring_timeout(t, clock, ns, absolute, (void *)(intptr_t)clock);
	assert_true(j > 0);
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, j);
	assert_int_equal(c.result, -ETIME);
	assert_ptr_equal(c.data, (void *)(intptr_t)clock);
}

static void timeouts_fire_on_every_clock(void **state)
{
	(void)state;
	static const struct { uring_clock clock; clockid_t id; } clocks[] = {
		{ URING_CLOCK_MONOTONIC, CLOCK_MONOTONIC },
		{ URING_CLOCK_BOOTTIME, CLOCK_BOOTTIME },
		{ URING_CLOCK_REALTIME, CLOCK_REALTIME },
	};
	uring *t = ring_or_skip(4, NULL);
	/* Over a second: the timespec is normalised, tv_nsec < 1e9. */
	uint64_t start = now_ns(CLOCK_MONOTONIC);
	fire(t, URING_CLOCK_MONOTONIC, 1100000000, false);
	assert_true(now_ns(CLOCK_MONOTONIC) - start >= 1090000000);
	for (size_t i = 0; i < sizeof(clocks) / sizeof(clocks[0]); i++) {
		if (clocks[i].clock != URING_CLOCK_MONOTONIC)
			REQUIRE_FEATURE(t, TIMEOUT_CLOCKS, "5.15");
		start = now_ns(clocks[i].id);
		fire(t, clocks[i].clock, 20000000, false);               /* relative 20 ms */
		assert_true(now_ns(clocks[i].id) - start >= 19000000);
		start = now_ns(clocks[i].id);
		fire(t, clocks[i].clock, start + 20000000, true);        /* absolute */
		assert_true(now_ns(clocks[i].id) >= start + 19000000);
		start = now_ns(clocks[i].id);
		fire(t, clocks[i].clock, start - 1000000000, true);      /* in the past */
		assert_true(now_ns(clocks[i].id) - start < 1000000000);
	}
	assert_int_equal(uring_exit(t), 0);
}

static void unknown_clock_is_refused(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	assert_int_equal(uring_timeout(t, (uring_clock)7, 1000, false, NULL), -EINVAL);
	assert_int_equal(uring_sqe_ready(t), 0);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_exit(t), 0);
}

/* Writes one byte to each pipe in turn, 10 ms apart. */
struct staggered { int fds[4]; int n; };

static void *write_staggered(void *arg)
{
	struct staggered *w = arg;
	for (int i = 0; i < w->n; i++) {
		usleep(10000);
		if (write(w->fds[i], "x", 1) != 1)
			return (void *)1;
	}
	return NULL;
}

/* Reads (not timeouts: a fired timeout wakes every waiter whatever its
 * count, which is the kernel's rule in io_should_wake). */
static void wait_many_gathers_min_completions_in_one_enter(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	int p[4][2];
	char bytes[4];
	struct staggered w = { .n = 4 };
	for (int i = 0; i < 4; i++) {
		assert_int_equal(pipe(p[i]), 0);
		w.fds[i] = p[i][1];
		assert_true(uring_read(t, p[i][0], &bytes[i], 1, 0, (void *)(intptr_t)i) > 0);
	}
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, write_staggered, &w), 0);
	uint64_t enters = uring__sys_calls(URING__SYS_ENTER);
	uint64_t start = now_ns(CLOCK_MONOTONIC);
	uring_completion c[8];
	assert_int_equal(uring_wait_many(t, c, 8, 4, URING_WAIT_FOREVER), 4);
	assert_true(now_ns(CLOCK_MONOTONIC) - start >= 39000000);   /* the last byte: 40 ms */
	assert_int_equal(uring__sys_calls(URING__SYS_ENTER), enters + 1);
	for (int i = 0; i < 4; i++)
		assert_int_equal(c[i].result, 1);
	assert_int_equal(uring_active_ops(t), 0);
	void *ret;
	assert_int_equal(pthread_join(th, &ret), 0);
	assert_null(ret);
	/* Already there: no syscall at all. */
	for (int i = 0; i < 3; i++)
		assert_true(uring_noop(t, NULL) > 0);
	assert_int_equal(uring_submit(t), 3);
	enters = uring__sys_calls(URING__SYS_ENTER);
	assert_int_equal(uring_wait_many(t, c, 2, 2, URING_WAIT_FOREVER), 2);   /* max bounds it */
	assert_int_equal(uring_wait_many(t, c, 8, 1, URING_WAIT_FOREVER), 1);
	assert_int_equal(uring__sys_calls(URING__SYS_ENTER), enters);
	for (int i = 0; i < 4; i++) {
		close(p[i][0]);
		close(p[i][1]);
	}
	assert_int_equal(uring_exit(t), 0);
}

static void wait_many_returns_what_is_there_at_the_deadline(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_FEATURE(t, WAIT_TIMEOUT, "5.11");
	int ready[2], idle[2];
	char a, b;
	assert_int_equal(pipe(ready), 0);
	assert_int_equal(pipe(idle), 0);
	assert_int_equal(write(ready[1], "r", 1), 1);
	assert_true(uring_read(t, ready[0], &a, 1, 0, NULL) > 0);
	uring_job stuck = uring_read(t, idle[0], &b, 1, 0, NULL);
	assert_true(stuck > 0);
	uring_completion c[4];
	uint64_t start = now_ns(CLOCK_MONOTONIC);
	assert_int_equal(uring_wait_many(t, c, 4, 2, 50000000), 1);   /* 2 asked, 1 by the deadline */
	assert_true(now_ns(CLOCK_MONOTONIC) - start >= 45000000);
	assert_int_equal(c[0].result, 1);
	/* A signal ends it too, with nothing lost. */
	alarms = 0;
	alarm_in_ms(30);
	assert_int_equal(uring_wait_many(t, c, 4, 1, URING_WAIT_FOREVER), 0);
	assert_int_equal(alarms, 1);
	assert_int_equal(uring_active_ops(t), 1);
	cancel_and_drain(t, stuck);
	close(ready[0]);
	close(ready[1]);
	close(idle[0]);
	close(idle[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void wait_many_refuses_bad_counts(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);   /* CQ of 8 */
	uring_completion c[16];
	assert_int_equal(uring_wait_many(t, c, 4, 0, URING_WAIT_FOREVER), -EINVAL);
	assert_int_equal(uring_wait_many(t, c, 2, 3, URING_WAIT_FOREVER), -EINVAL);
	assert_int_equal(uring_wait_many(t, c, 16, 9, URING_WAIT_FOREVER), -EINVAL);
	assert_int_equal(uring_wait_many(t, NULL, 4, 1, URING_WAIT_FOREVER), -EINVAL);
	assert_int_equal(uring_wait_many(NULL, c, 4, 1, URING_WAIT_FOREVER), -EINVAL);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(signal_during_wait_returns_zero_and_loses_nothing),
		cmocka_unit_test(signal_during_a_wait_that_also_submitted),
		cmocka_unit_test(wait_timeout_elapses_with_no_completion),
		cmocka_unit_test(timeouts_fire_on_every_clock),
		cmocka_unit_test(unknown_clock_is_refused),
		cmocka_unit_test(wait_many_gathers_min_completions_in_one_enter),
		cmocka_unit_test(wait_many_returns_what_is_there_at_the_deadline),
		cmocka_unit_test(wait_many_refuses_bad_counts),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
