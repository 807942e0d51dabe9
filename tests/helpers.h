/* SPDX-License-Identifier: ISC */
/* Shared by the test programs: ring creation with skip, fd counting. */
#ifndef CURING_TESTS_HELPERS_H
#define CURING_TESTS_HELPERS_H

#include <dirent.h>
#include <errno.h>
#include <setjmp.h>
#include <signal.h>
#include <stdarg.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <time.h>
#include <unistd.h>
#include <cmocka.h>

#include "uring.h"

/* ASan keeps freed memory in quarantine on purpose, so heap and RSS
 * figures are not leak signals there (LeakSanitizer checks at exit). */
#if defined(__SANITIZE_ADDRESS__)
#define UNDER_ASAN 1
#elif defined(__has_feature)
#if __has_feature(address_sanitizer)
#define UNDER_ASAN 1
#endif
#endif

/* A ring, or the test is skipped when io_uring is unavailable or
 * forbidden here.  A setup flag the kernel lacks is not a reason: ask
 * REQUIRE_SETUP first. */
static inline uring *ring_or_skip(unsigned depth, const uring_options *o)
{
	uring *t = uring_create(depth, o);
	if (!t) {
		int e = errno;
		if (o && e == EOPNOTSUPP) {
			fprintf(stderr, "skip: the kernel lacks a setup flag asked for "
					"(library reports unsupported)\n");
			skip();
		}
		if (e == ENOSYS || e == EPERM) {
			char why[512];
			fprintf(stderr, "skip: io_uring_setup refused: %s\n",
				uring_unavailable_reason(e, depth, o, why, sizeof(why)));
			skip();
		}
		fail_msg("uring_create(%u): %s", depth, strerror(e));
	}
	return t;
}

/*
 * Skips the running test exactly when the library reports what it needs
 * unsupported (supported: uring_op_supported / uring_feature_supported),
 * and never otherwise, so no test skips on a kernel that has the feature.
 * The ring t, idle, is released first.
 */
static inline void skip_unless(uring *t, int supported, const char *feature, const char *linux)
{
	if (supported)
		return;
	fprintf(stderr, "skip: %s needs Linux %s (library reports unsupported)\n", feature, linux);
	uring_exit(t);
	skip();
}
#define REQUIRE_OP(t, op, linux) \
	skip_unless(t, uring_op_supported(t, URING_OP_##op), "IORING_OP_" #op, linux)
#define REQUIRE_FEATURE(t, f, linux) \
	skip_unless(t, uring_feature_supported(t, URING_FEATURE_##f), "URING_FEATURE_" #f, linux)
/* For a ring about to be created with the setup flag f. */
#define REQUIRE_SETUP(f, linux)                                                        \
	do {                                                                           \
		uring *asked_ = ring_or_skip(1, NULL);                                 \
		REQUIRE_FEATURE(asked_, SETUP_##f, linux);                             \
		uring_exit(asked_);                                                    \
	} while (0)

/* The running kernel is major.minor or later, from uname(2).  Only for
 * behaviour no probe reveals (when the kernel posts something); what a
 * kernel lacks is asked of the library (REQUIRE_OP and the rest). */
static inline int kernel_at_least(int major, int minor)
{
	struct utsname u;
	int ma = 0, mi = 0;
	if (uname(&u) != 0 || sscanf(u.release, "%d.%d", &ma, &mi) != 2)
		return 0;
	return ma > major || (ma == major && mi >= minor);
}

static inline int count_open_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;   /* the DIR's own fd */
}

/* Waits, retrying on interruption, for one completion. */
static inline uring_completion wait_one(uring *t)
{
	uring_completion c;
	int ret;
	while ((ret = uring_wait(t, &c)) == 0)
		;
	assert_int_equal(ret, 1);
	return c;
}

static inline uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

#endif
