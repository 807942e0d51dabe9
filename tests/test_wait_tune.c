/* SPDX-License-Identifier: ISC */
/* Wait tuning against the real kernel: a minimum wait time, absolute
 * deadlines and the ring's clock, a signal mask for the wait, and waits
 * that do not count as iowait.  Each test skips where the library reports
 * the kernel lacks the feature (-EOPNOTSUPP). */
#include "helpers.h"

#include <fcntl.h>
#include <pthread.h>
#include <sys/time.h>

#define MS 1000000ull   /* 64-bit: 5000 * MS must not wrap */

static void skip_unless_supported(int ret, uring *t, const char *what)
{
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "skip: the kernel lacks %s\n", what);
		uring_exit(t);
		skip();
	}
}

static void minimum_wait_takes_fewer_after_it(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	uring_completion cs[4];
	/* without a minimum: 4 asked, 1 there, the whole timeout passes */
	assert_true(uring_noop(t, NULL) > 0);
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	int n = uring_wait_many(t, cs, 4, 4, 150 * MS);
	if (n == -EOPNOTSUPP)
		skip_unless_supported(n, t, "IORING_FEAT_EXT_ARG (5.11)");
	assert_int_equal(n, 1);
	assert_true(now_ns(CLOCK_MONOTONIC) - t0 >= 150 * MS);

	/* with a minimum of 30 ms: the one completion once it has passed */
	assert_true(uring_noop(t, NULL) > 0);
	uring_wait_options o = { .timeout_ns = 5000 * MS, .min_wait_ns = 30 * MS };
	t0 = now_ns(CLOCK_MONOTONIC);
	n = uring_wait_many2(t, cs, 4, 4, &o);
	uint64_t took = now_ns(CLOCK_MONOTONIC) - t0;
	if (n == -EOPNOTSUPP) {
		assert_int_equal(uring_sqe_ready(t), 1);   /* nothing submitted */
		assert_int_equal(uring_submit(t), 1);
		assert_int_equal(uring_reap(t, cs, 4), 1);
		skip_unless_supported(n, t, "IORING_FEAT_MIN_TIMEOUT (6.12)");
	}
	assert_int_equal(n, 1);
	assert_true(took >= 29 * MS);
	assert_true(took < 2000 * MS);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_exit(t), 0);
}

static void absolute_deadline_on_the_ring_clock(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	uring_completion c;
	uring_wait_options o = {
		.timeout_ns = now_ns(CLOCK_MONOTONIC) + 40 * MS,
		.flags = URING_WAIT_ABSOLUTE,
	};
	int n = uring_wait_many2(t, &c, 1, 1, &o);
	skip_unless_supported(n, t, "IORING_ENTER_ABS_TIMER (6.12)");
	assert_int_equal(n, 0);
	assert_true(now_ns(CLOCK_MONOTONIC) >= o.timeout_ns);
	/* a deadline already past returns at once */
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	assert_int_equal(uring_wait_many2(t, &c, 1, 1, &o), 0);
	assert_true(now_ns(CLOCK_MONOTONIC) - t0 < 500 * MS);

	assert_int_equal(uring_register_clock(t, URING_CLOCK_REALTIME), -EINVAL);
	assert_int_equal(uring_register_clock(t, URING_CLOCK_BOOTTIME), 0);
	o.timeout_ns = now_ns(CLOCK_BOOTTIME) + 40 * MS;
	assert_int_equal(uring_wait_many2(t, &c, 1, 1, &o), 0);
	assert_true(now_ns(CLOCK_BOOTTIME) >= o.timeout_ns);
	assert_int_equal(uring_register_clock(t, URING_CLOCK_MONOTONIC), 0);
	assert_int_equal(uring_exit(t), 0);
}

static volatile sig_atomic_t alarms;

static void on_alarm(int sig)
{
	(void)sig;
	alarms++;
}

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

static void signal_mask_during_the_wait(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	sigset_t alrm, none, old;
	sigemptyset(&alrm);
	sigaddset(&alrm, SIGALRM);
	sigemptyset(&none);
	assert_int_equal(sigprocmask(SIG_BLOCK, &alrm, &old), 0);
	uring_completion c;

	/* SIGALRM blocked, and the wait's mask lets it through: it ends the wait */
	alarms = 0;
	alarm_in_ms(30);
	uring_wait_options o = { .timeout_ns = 2000 * MS, .sigmask = &none };
	uint64_t t0 = now_ns(CLOCK_MONOTONIC);
	int n = uring_wait_many2(t, &c, 1, 1, &o);
	if (n == -EOPNOTSUPP) {
		sigprocmask(SIG_SETMASK, &old, NULL);
		skip_unless_supported(n, t, "IORING_FEAT_EXT_ARG (5.11)");
	}
	assert_int_equal(n, 0);
	assert_int_equal(alarms, 1);
	assert_true(now_ns(CLOCK_MONOTONIC) - t0 < 1500 * MS);

	/* without the mask it stays blocked: the wait runs to its timeout */
	alarm_in_ms(10);
	o = (uring_wait_options){ .timeout_ns = 100 * MS };
	t0 = now_ns(CLOCK_MONOTONIC);
	assert_int_equal(uring_wait_many2(t, &c, 1, 1, &o), 0);
	assert_true(now_ns(CLOCK_MONOTONIC) - t0 >= 100 * MS);
	assert_int_equal(alarms, 1);
	assert_int_equal(sigprocmask(SIG_SETMASK, &old, NULL), 0);   /* delivered now */
	assert_int_equal(alarms, 2);
	assert_int_equal(uring_exit(t), 0);
}

/*
 * A thread waiting on a ring with a request in flight counts as iowait
 * (/proc/stat procs_blocked) unless it asked not to.  The figure is the
 * machine's, so WAITERS threads wait at once and the test compares the
 * smallest count seen: other tasks would have to hold WAITERS blocked for
 * the whole sampling to make the NO_IOWAIT case fail.
 */
#define WAITERS 8

struct waiter {
	int no_iowait;
	pthread_barrier_t *go;
};

static void *wait_with_a_read_pending(void *arg)
{
	struct waiter *w = arg;
	uring *t = uring_create(4, NULL);
	assert_non_null(t);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	char b;
	uring_job rd = uring_read(t, p[0], &b, 1, -1, NULL);
	assert_true(rd > 0);
	assert_int_equal(uring_submit(t), 1);
	pthread_barrier_wait(w->go);
	uring_wait_options o = { .timeout_ns = 400 * MS, .flags = w->no_iowait ? URING_WAIT_NO_IOWAIT : 0 };
	uring_completion c;
	assert_int_equal(uring_wait_many2(t, &c, 1, 1, &o), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	c = wait_one(t);
	assert_int_equal(c.job, rd);
	assert_int_equal(uring_exit(t), 0);
	close(p[0]);
	close(p[1]);
	return NULL;
}

static unsigned procs_blocked(void)
{
	FILE *f = fopen("/proc/stat", "re");
	assert_non_null(f);
	char line[256];
	unsigned n = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "procs_blocked %u", &n) == 1)
			break;
	fclose(f);
	return n;
}

/* The smallest procs_blocked seen while WAITERS threads wait. */
static unsigned blocked_while_waiting(int no_iowait)
{
	pthread_t th[WAITERS];
	pthread_barrier_t go;
	pthread_barrier_init(&go, NULL, WAITERS + 1);
	struct waiter w = { .no_iowait = no_iowait, .go = &go };
	for (int i = 0; i < WAITERS; i++)
		assert_int_equal(pthread_create(&th[i], NULL, wait_with_a_read_pending, &w), 0);
	pthread_barrier_wait(&go);
	unsigned least = UINT32_MAX;
	for (int i = 0; i < 10; i++) {
		struct timespec d = { 0, 100 * 1000 * 1000 / 4 };
		nanosleep(&d, NULL);
		if (i >= 4) {   /* from 100 ms on: every thread is in its wait */
			unsigned b = procs_blocked();
			least = b < least ? b : least;
		}
	}
	for (int i = 0; i < WAITERS; i++)
		pthread_join(th[i], NULL);
	pthread_barrier_destroy(&go);
	return least;
}

static void no_iowait_is_not_iowait(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	uring_completion c;
	uring_wait_options o = { .timeout_ns = 1 * MS, .flags = URING_WAIT_NO_IOWAIT };
	skip_unless_supported(uring_wait_many2(t, &c, 1, 1, &o), t, "IORING_FEAT_NO_IOWAIT (6.15)");
	assert_int_equal(uring_exit(t), 0);
	unsigned counted = blocked_while_waiting(0);
	unsigned not_counted = blocked_while_waiting(1);
	fprintf(stderr, "procs_blocked: %u with iowait, %u with NO_IOWAIT\n", counted, not_counted);
	assert_true(counted >= WAITERS);
	assert_true(not_counted < WAITERS);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(minimum_wait_takes_fewer_after_it),
		cmocka_unit_test(absolute_deadline_on_the_ring_clock),
		cmocka_unit_test(signal_mask_during_the_wait),
		cmocka_unit_test(no_iowait_is_not_iowait),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
