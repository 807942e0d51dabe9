/* SPDX-License-Identifier: ISC */
/* Ring lifecycle: create arguments, counters, stats, exit, probe, eventfd, names. */
#include "helpers.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/eventfd.h>

static void create_rejects_bad_arguments(void **state)
{
	(void)state;
	errno = 0;
	assert_null(uring_create(0, NULL));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(uring_create(32769, NULL));
	assert_int_equal(errno, EINVAL);

	uring_options unknown_flag = { .setup_flags = 1u << 30 };
	errno = 0;
	assert_null(uring_create(8, &unknown_flag));
	assert_int_equal(errno, EINVAL);

	uring_options small_cq = { .cq_entries = 4 };
	errno = 0;
	assert_null(uring_create(8, &small_cq));
	assert_int_equal(errno, EINVAL);

	/* The kernel's own check: DEFER_TASKRUN needs SINGLE_ISSUER.  A
	 * kernel without DEFER_TASKRUN (before 6.1) is told apart. */
	uring *t = ring_or_skip(1, NULL);
	int has_defer = uring_feature_supported(t, URING_FEATURE_SETUP_DEFER_TASKRUN);
	assert_int_equal(uring_exit(t), 0);
	uring_options defer_alone = { .setup_flags = URING_SETUP_DEFER_TASKRUN };
	errno = 0;
	assert_null(uring_create(8, &defer_alone));
	assert_int_equal(errno, has_defer ? EINVAL : EOPNOTSUPP);
}

static void depth_is_what_the_kernel_granted(void **state)
{
	(void)state;
	uring *t = ring_or_skip(5, NULL);
	assert_int_equal(uring_queue_depth(t), 8);   /* rounded to a power of two */
	assert_int_equal(uring_exit(t), 0);

	uring_options big_cq = { .cq_entries = 100 };
	t = ring_or_skip(4, &big_cq);
	assert_int_equal(uring_queue_depth(t), 4);
	for (int i = 0; i < 4; i++)
		assert_true(uring_noop(t, NULL) > 0);
	assert_int_equal(uring_submit(t), 4);
	uring_completion c[8];
	assert_int_equal(uring_reap(t, c, 8), 4);
	assert_int_equal(uring_exit(t), 0);
}

static void stats_through_a_noop_sequence(void **state)
{
	(void)state;
	uring *t = ring_or_skip(10, NULL);
	uring_stats s;
	uring_get_debug_stats(t, &s);
	assert_int_equal(s.sqe_ready, 0);
	assert_int_equal(s.active_ops, 0);

	uring_job jobs[5];
	for (int i = 0; i < 5; i++) {
		jobs[i] = uring_noop(t, (void *)(intptr_t)(i + 1));
		assert_true(jobs[i] > 0);
	}
	uring_get_debug_stats(t, &s);
	assert_int_equal(s.sqe_ready, 5);
	assert_int_equal(s.active_ops, 5);
	assert_int_equal(uring_submit(t), 5);
	uring_get_debug_stats(t, &s);
	assert_int_equal(s.sqe_ready, 0);
	assert_int_equal(s.active_ops, 5);

	int seen = 0;
	for (int i = 0; i < 5; i++) {
		uring_completion c = wait_one(t);
		assert_int_equal(c.result, 0);
		intptr_t k = (intptr_t)c.data;
		assert_true(k >= 1 && k <= 5);
		assert_int_equal(c.job, jobs[k - 1]);
		assert_false(seen & (1 << k));
		seen |= 1 << k;
	}
	uring_get_debug_stats(t, &s);
	assert_int_equal(s.sqe_ready, 0);
	assert_int_equal(s.active_ops, 0);
	assert_int_equal(uring_exit(t), 0);
}

static void stats_format_prints_every_field(void **state)
{
	(void)state;
	uring_stats s = { .sqe_ready = 1, .active_ops = 2, .sketch_buffer_size = 3,
			  .sketch_used = 4, .sketch_old_buffers = 5 };
	char line[URING_STATS_LINE_MAX];
	const char *want = "sqe_ready=1 active_ops=2 sketch_used=4 sketch_buffer_size=3 sketch_old_buffers=5";
	assert_int_equal(uring_stats_format(line, sizeof(line), &s), (int)strlen(want));
	assert_string_equal(line, want);

	/* The largest values fit URING_STATS_LINE_MAX. */
	s = (uring_stats){ UINT_MAX, UINT_MAX, SIZE_MAX, SIZE_MAX, UINT_MAX };
	int n = uring_stats_format(line, sizeof(line), &s);
	assert_true(n > 0 && n < URING_STATS_LINE_MAX);
	assert_int_equal(strlen(line), (size_t)n);

	/* Truncated as snprintf: the length needed, a terminated prefix. */
	char small[10];
	memset(small, 'x', sizeof(small));
	assert_int_equal(uring_stats_format(small, sizeof(small), &s), n);
	assert_string_equal(small, "sqe_ready");
	assert_int_equal(uring_stats_format(NULL, 0, &s), n);
	assert_int_equal(uring_stats_format(line, sizeof(line), NULL), -EINVAL);
	assert_int_equal(uring_stats_format(NULL, 5, &s), -EINVAL);

	/* From a live ring. */
	uring *t = ring_or_skip(4, NULL);
	assert_true(uring_noop(t, NULL) > 0);
	uring_get_debug_stats(t, &s);
	assert_true(uring_stats_format(line, sizeof(line), &s) > 0);
	assert_non_null(strstr(line, "sqe_ready=1 active_ops=1 "));
	wait_one(t);
	assert_int_equal(uring_exit(t), 0);
}

static void exit_refused_while_active_and_ring_stays_usable(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	assert_true(uring_noop(t, NULL) > 0);
	assert_int_equal(uring_exit(t), -EBUSY);        /* queued, unsubmitted */
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(uring_exit(t), -EBUSY);        /* completed, uncollected */
	assert_int_equal(uring_active_ops(t), 1);
	uring_completion c = wait_one(t);
	assert_int_equal(c.result, 0);
	assert_true(uring_noop(t, NULL) > 0);           /* still usable */
	c = wait_one(t);
	assert_int_equal(c.result, 0);
	assert_int_equal(uring_exit(t), 0);
}

static void ring_fd_is_close_on_exec(void **state)
{
	(void)state;
	int before = count_open_fds();
	uring *t = ring_or_skip(4, NULL);
	assert_int_equal(count_open_fds(), before + 1);
	/* The only fd the ring owns is the highest new one. */
	int found = 0;
	for (int fd = 0; fd < 1024; fd++) {
		char path[64], link[256];
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		ssize_t n = readlink(path, link, sizeof(link) - 1);
		if (n <= 0)
			continue;
		link[n] = 0;
		if (strstr(link, "io_uring")) {
			assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
			found++;
		}
	}
	assert_int_equal(found, 1);
	assert_int_equal(uring_exit(t), 0);
	assert_int_equal(count_open_fds(), before);
}

static void probe_reports_real_opcodes(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	assert_int_equal(uring_op_supported(t, URING_OP_NOP), 1);
	assert_int_equal(uring_op_supported(t, URING_OP_READ), 1);
	assert_int_equal(uring_op_supported(t, URING_OP_TIMEOUT), 1);
	assert_int_equal(uring_op_supported(t, 250), 0);   /* no such opcode */
	assert_int_equal(uring_op_supported(t, 100000), 0);
	assert_int_equal(uring_exit(t), 0);
}

static void eventfd_counts_completions(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	int efd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
	assert_true(efd >= 0);
	assert_int_equal(uring_register_eventfd(t, -1), -EBADF);
	assert_int_equal(uring_register_eventfd(t, efd), 0);
	assert_int_equal(uring_register_eventfd(t, efd), -EBUSY);   /* one per ring */
	uint64_t n = 0;
	assert_int_equal(read(efd, &n, sizeof(n)), -1);              /* nothing yet */
	assert_true(uring_noop(t, NULL) > 0);
	assert_true(uring_noop(t, NULL) > 0);
	assert_int_equal(uring_submit(t), 2);
	assert_int_equal(read(efd, &n, sizeof(n)), sizeof(n));
	assert_true(n >= 1);
	uring_completion c[2];
	assert_int_equal(uring_reap(t, c, 2), 2);
	assert_int_equal(uring_exit(t), 0);
	close(efd);
}

static void error_names(void **state)
{
	(void)state;
	assert_string_equal(uring_error_name(-125), "ECANCELED");
	assert_string_equal(uring_error_name(-ETIME), "ETIME");
	assert_string_equal(uring_error_name(-ENOENT), "ENOENT");
	assert_string_equal(uring_error_name(-EAGAIN), "EAGAIN");
	assert_string_equal(uring_error_name(-100000), "EUNKNOWN");
	assert_string_equal(uring_error_name(-2147483647 - 1), "EUNKNOWN");
	/* Successes get a string too: printf("%s") never sees NULL. */
	assert_string_equal(uring_error_name(0), "OK");
	assert_string_equal(uring_error_name(7), "OK");
	assert_string_equal(uring_error_name(2147483647), "OK");
}

/* The library linked is the version the header states. */
static void version(void **state)
{
	(void)state;
	assert_int_equal(uring_version(), URING_VERSION);
	assert_int_equal(URING_VERSION >> 16, URING_VERSION_MAJOR);
	assert_int_equal((URING_VERSION >> 8) & 0xff, URING_VERSION_MINOR);
	assert_int_equal(URING_VERSION & 0xff, URING_VERSION_PATCH);
}

static void null_ring_is_refused(void **state)
{
	(void)state;
	uring_completion c;
	assert_int_equal(uring_noop(NULL, NULL), -EINVAL);
	assert_int_equal(uring_submit(NULL), -EINVAL);
	assert_int_equal(uring_wait(NULL, &c), -EINVAL);
	assert_int_equal(uring_reap(NULL, &c, 1), -EINVAL);
	assert_int_equal(uring_exit(NULL), -EINVAL);
	assert_int_equal(uring_active_ops(NULL), 0);
	uring *t = ring_or_skip(4, NULL);
	assert_int_equal(uring_wait(t, NULL), -EINVAL);
	assert_int_equal(uring_reap(t, NULL, 4), -EINVAL);
	assert_int_equal(uring_reap(t, NULL, 0), 0);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_rejects_bad_arguments),
		cmocka_unit_test(depth_is_what_the_kernel_granted),
		cmocka_unit_test(stats_through_a_noop_sequence),
		cmocka_unit_test(exit_refused_while_active_and_ring_stays_usable),
		cmocka_unit_test(ring_fd_is_close_on_exec),
		cmocka_unit_test(probe_reports_real_opcodes),
		cmocka_unit_test(eventfd_counts_completions),
		cmocka_unit_test(error_names),
		cmocka_unit_test(version),
		cmocka_unit_test(stats_format_prints_every_field),
		cmocka_unit_test(null_ring_is_refused),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
