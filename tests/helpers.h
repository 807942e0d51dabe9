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

/* A ring, or the test is skipped with the kernel's reason. */
static inline uring *ring_or_skip(unsigned depth, const uring_options *o)
{
	uring *t = uring_create(depth, o);
	if (!t) {
		int e = errno;
		if (e == ENOSYS || e == EPERM || (o && e == EINVAL)) {
			char why[512];
			fprintf(stderr, "skip: io_uring_setup refused these options: %s\n",
				uring_unavailable_reason(e, depth, o, why, sizeof(why)));
			skip();
		}
		fail_msg("uring_create(%u): %s", depth, strerror(e));
	}
	return t;
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
