/* SPDX-License-Identifier: ISC */
/*
 * Fault injection around ops: an enter that fails while the kernel holds
 * completions back (CQ overflow), an SQPOLL wakeup that fails while queued
 * path ops point into the sketch, and registrations that fail (fixed
 * buffer, files, buffer ring).  Each yields a clean error, loses and
 * duplicates nothing, leaks nothing, and the ring keeps working.
 */
#include "helpers.h"
#include "ring.h"
#include "syscall.h"

#include <fcntl.h>
#include <ftw.h>
#include <malloc.h>
#include <sys/mman.h>
#include <sys/stat.h>

/* Collects `want` more completions of jobs whose data pointers are 1..n,
 * each once; non-blocking calls only, with a bounded number of tries. */
static void collect_exactly_once(uring *t, unsigned n, unsigned want, bool *seen)
{
	uring_completion c[8];
	unsigned got = 0;
	for (int tries = 0; got < want && tries < 1000; tries++) {
		int r = uring_reap(t, c, 8);
		assert_true(r >= 0);
		for (int i = 0; i < r; i++) {
			uintptr_t d = (uintptr_t)c[i].data;
			assert_true(d >= 1 && d <= n);
			assert_false(seen[d - 1]);
			seen[d - 1] = true;
			assert_int_equal(c[i].result, 0);
		}
		got += (unsigned)r;
		if (r == 0)
			usleep(100);
	}
	assert_int_equal(got, want);
}

/* A ring with a 2-entry CQ and 8 nops completed: 6 wait in the kernel's
 * overflow backlog, and IORING_SQ_CQ_OVERFLOW is set. */
static uring *overflowed_ring(void)
{
	uring_options o = { .cq_entries = 2 };
	uring *t = ring_or_skip(2, &o);
	for (uintptr_t i = 0; i < 8; i += 2) {
		assert_true(uring_noop(t, (void *)(i + 1)) > 0);
		assert_true(uring_noop(t, (void *)(i + 2)) > 0);
		assert_int_equal(uring_submit(t), 2);
	}
	assert_true(*t->sq.kflags & IORING_SQ_CQ_OVERFLOW);
	assert_int_equal(uring_active_ops(t), 8);
	return t;
}

static void reap_enter_failure_during_overflow(void **state)
{
	(void)state;
	static const int errs[] = { ENOMEM, EBUSY, EAGAIN, EINTR, EFAULT };
	for (size_t e = 0; e < sizeof(errs) / sizeof(errs[0]); e++) {
		uring *t = overflowed_ring();
		bool seen[8] = { false };
		uring_completion c[8];
		/* The two in the CQ come without any syscall. */
		uint64_t enters = uring__sys_calls(URING__SYS_ENTER);
		int r = uring_reap(t, c, 8);
		assert_int_equal(r, 2);
		assert_int_equal(uring__sys_calls(URING__SYS_ENTER), enters);
		for (int i = 0; i < r; i++)
			seen[(uintptr_t)c[i].data - 1] = true;
		/* The backlog needs an enter: make it fail. */
		uring__fault_arm(URING__SYS_ENTER, 0, errs[e], 0);
		r = uring_reap(t, c, 8);
		if (errs[e] == EBUSY || errs[e] == EAGAIN || errs[e] == EINTR)
			assert_int_equal(r, 0);       /* transient: nothing yet, retry */
		else
			assert_int_equal(r, -errs[e]);
		assert_int_equal(uring_active_ops(t), 6);
		/* Nothing lost, nothing twice. */
		collect_exactly_once(t, 8, 6, seen);
		for (int i = 0; i < 8; i++)
			assert_true(seen[i]);
		assert_int_equal(uring_active_ops(t), 0);
		assert_int_equal(uring_exit(t), 0);
	}
	uring__fault_clear();
}

static void get_cqe_enter_failure_during_overflow(void **state)
{
	(void)state;
	uring *t = overflowed_ring();
	bool seen[8] = { false };
	uring_completion c;
	for (int i = 0; i < 2; i++) {
		assert_int_equal(uring_get_cqe_nonblocking(t, &c), 1);
		seen[(uintptr_t)c.data - 1] = true;
	}
	uring__fault_arm(URING__SYS_ENTER, 0, ENOMEM, 0);
	assert_int_equal(uring_get_cqe_nonblocking(t, &c), -ENOMEM);
	uring__fault_arm(URING__SYS_ENTER, 0, EINTR, 0);
	assert_int_equal(uring_get_cqe_nonblocking(t, &c), 0);
	assert_int_equal(uring_active_ops(t), 6);
	unsigned got = 2;
	for (int tries = 0; got < 8 && tries < 1000; tries++) {
		int r = uring_get_cqe_nonblocking(t, &c);
		assert_true(r == 0 || r == 1);
		if (r == 1) {
			assert_false(seen[(uintptr_t)c.data - 1]);
			seen[(uintptr_t)c.data - 1] = true;
			got++;
		}
	}
	assert_int_equal(got, 8);
	assert_int_equal(uring_exit(t), 0);
	uring__fault_clear();
}

/* A wait that fails while the backlog is pending also loses nothing. */
static void wait_enter_failure_during_overflow(void **state)
{
	(void)state;
	uring *asked = ring_or_skip(1, NULL);
	REQUIRE_FEATURE(asked, WAIT_TIMEOUT, "5.11");
	uring_exit(asked);
	uring *t = overflowed_ring();
	bool seen[8] = { false };
	uring_completion c;
	unsigned got = 0;
	/* wait_one enters when the kernel flags a backlog, even with CQEs
	 * in the ring: the failure is reported before any is taken. */
	uring__fault_arm(URING__SYS_ENTER, 0, ENOMEM, 0);
	int r = uring_wait_timeout(t, 1000000, &c);
	assert_true(r == -ENOMEM || r == 1);
	if (r == 1) {
		seen[(uintptr_t)c.data - 1] = true;
		got++;
	}
	while (got < 8) {
		r = uring_wait_timeout(t, 100000000, &c);
		assert_int_equal(r, 1);
		assert_false(seen[(uintptr_t)c.data - 1]);
		seen[(uintptr_t)c.data - 1] = true;
		got++;
	}
	assert_int_equal(uring_exit(t), 0);
	uring__fault_clear();
}

static int rm_entry(const char *path, const struct stat *st, int kind, struct FTW *ftw)
{
	(void)st;
	(void)kind;
	(void)ftw;
	return remove(path);
}

/*
 * SQPOLL, poll thread asleep: the wakeup enter fails.  The SQEs are already
 * published, so the thread takes them whenever it next wakes; the paths they
 * point to (in the sketch) must stay intact until then, while more path ops
 * are queued on top.  Each op's path is freed and scribbled on at once.
 */
static void sqpoll_wakeup_failure_keeps_the_sketch(void **state)
{
	(void)state;
	char dir[] = "/tmp/curing-fault-XXXXXX";
	assert_non_null(mkdtemp(dir));
	int dirfd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(dirfd >= 0);
	uring_options o = { .polling_timeout_ms = 5 };
	uring *t = ring_or_skip(8, &o);
	if (!(t->setup_flags & IORING_SETUP_SQPOLL)) {
		uring_exit(t);
		skip();
	}
	REQUIRE_OP(t, MKDIRAT, "5.15");
	REQUIRE_FEATURE(t, WAIT_TIMEOUT, "5.11");
	static const char *const names[] = { "alpha", "beta-directory", "gamma-directory-long-name" };
	int sent = 0;
	for (int round = 0; round < 3; round++) {
		/* let the poll thread go to sleep */
		for (int i = 0; i < 200 && !(*t->sq.kflags & IORING_SQ_NEED_WAKEUP); i++)
			usleep(1000);
		assert_true(*t->sq.kflags & IORING_SQ_NEED_WAKEUP);
		char *p = strdup(names[round]);
		assert_non_null(p);
		assert_true(uring_mkdirat(t, dirfd, p, 0700, (void *)(uintptr_t)(round + 1)) > 0);
		memset(p, 'X', strlen(p));
		free(p);
		uring__fault_arm(URING__SYS_ENTER, 0, round == 1 ? EAGAIN : ENOMEM, 0);
		int r = uring_submit(t);
		assert_int_equal(r, round == 1 ? -EAGAIN : -ENOMEM);
		sent++;
	}
	/* One more, whose submit wakes the thread: every op runs now. */
	char *p = strdup("delta");
	assert_non_null(p);
	assert_true(uring_mkdirat(t, dirfd, p, 0700, (void *)(uintptr_t)4) > 0);
	memset(p, 'X', strlen(p));
	free(p);
	sent++;
	uring_completion c;
	for (int got = 0; got < sent; got++) {
		/* 60 s: a bound for emulated kernels, not a speed check. */
		assert_int_equal(uring_wait_timeout(t, 60ull * 1000000000u, &c), 1);
		assert_int_equal(c.result, 0);
	}
	for (int i = 0; i < 3; i++)
		assert_int_equal(faccessat(dirfd, names[i], F_OK, 0), 0);
	assert_int_equal(faccessat(dirfd, "delta", F_OK, 0), 0);
	assert_int_equal(uring_exit(t), 0);
	close(dirfd);
	assert_int_equal(nftw(dir, rm_entry, 8, FTW_DEPTH | FTW_PHYS), 0);
	uring__fault_clear();
}

static void registration_failures_leave_nothing_registered(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	int fds = count_open_fds();
	size_t heap = mallinfo2().uordblks;
	/* Mapped, not static: 5.10 and 6.1 refuse (-EINVAL) a buffer in
	 * .bss, which can share its first page with .data's file mapping. */
	const size_t buf_len = 8192;
	char *buf = mmap(NULL, buf_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(buf != MAP_FAILED);

	uring__fault_arm(URING__SYS_REGISTER, 0, ENOMEM, 0);
	assert_int_equal(uring_set_fixed_buffer(t, buf, buf_len), -ENOMEM);
	size_t len = 1;
	assert_null(uring_fixed_buffer(t, &len));
	assert_int_equal(len, 0);
	assert_int_equal(uring_read_fixed(t, 0, 0, 1, 0, NULL), -EINVAL);
	assert_int_equal(uring_set_fixed_buffer(t, buf, buf_len), 0);
	/* Re-registering unregisters first: a failure there keeps the old one. */
	uring__fault_arm(URING__SYS_REGISTER, 0, EFAULT, 0);
	assert_int_equal(uring_set_fixed_buffer(t, buf, 4096), -EFAULT);
	assert_ptr_equal(uring_fixed_buffer(t, &len), buf);
	assert_int_equal(len, buf_len);
	/* A failure registering the new one leaves none. */
	uring__fault_arm(URING__SYS_REGISTER, 1, ENOMEM, 0);
	assert_int_equal(uring_set_fixed_buffer(t, buf, 4096), -ENOMEM);
	assert_null(uring_fixed_buffer(t, &len));
	assert_int_equal(uring_set_fixed_buffer(t, NULL, 0), 0);

	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	uring__fault_arm(URING__SYS_REGISTER, 0, EMFILE, 0);
	assert_int_equal(uring_register_files(t, p, 2), -EMFILE);
	assert_int_equal(uring_unregister_files(t), -ENXIO);   /* nothing was registered */
	assert_int_equal(uring_register_files(t, p, 2), 0);
	uring__fault_arm(URING__SYS_REGISTER, 0, ENOMEM, 0);
	assert_int_equal(uring_unregister_files(t), -ENOMEM);   /* still registered */
	assert_int_equal(uring_register_files(t, p, 2), -EBUSY);
	assert_int_equal(uring_unregister_files(t), 0);
	close(p[0]);
	close(p[1]);

	REQUIRE_FEATURE(t, BUF_RING, "5.19");
	uring__fault_arm(URING__SYS_REGISTER, 0, ENOMEM, 0);
	errno = 0;
	assert_null(uring_buf_ring_create(t, 1, 8, 256));
	assert_int_equal(errno, ENOMEM);
	uring_buf_ring *br = uring_buf_ring_create(t, 1, 8, 256);   /* the group is free */
	assert_non_null(br);
	assert_int_equal(uring_buf_ring_destroy(t, br), 0);

	/* the ring still works */
	assert_true(uring_noop(t, NULL) > 0);
	uring_completion c = wait_one(t);
	assert_int_equal(c.result, 0);
	assert_int_equal(count_open_fds(), fds);
#ifndef UNDER_ASAN
	assert_int_equal(mallinfo2().uordblks, heap);
#else
	(void)heap;
#endif
	assert_int_equal(uring_exit(t), 0);
	assert_int_equal(munmap(buf, buf_len), 0);
	uring__fault_clear();
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(reap_enter_failure_during_overflow),
		cmocka_unit_test(get_cqe_enter_failure_during_overflow),
		cmocka_unit_test(wait_enter_failure_during_overflow),
		cmocka_unit_test(sqpoll_wakeup_failure_keeps_the_sketch),
		cmocka_unit_test(registration_failures_leave_nothing_registered),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
