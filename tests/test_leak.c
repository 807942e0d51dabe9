/* SPDX-License-Identifier: ISC */
/* No fd or memory leak over 500 rings, each used before it is closed. */
#include "helpers.h"

#include <malloc.h>

static long rss_kib(void)
{
	FILE *f = fopen("/proc/self/status", "r");
	assert_non_null(f);
	char line[256];
	long kib = -1;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	fclose(f);
	return kib;
}

static void use_ring(uring *t)
{
	for (int i = 0; i < 8; i++) {
		assert_true(uring_noop(t, NULL) > 0);
		assert_true(uring_timeout(t, URING_CLOCK_MONOTONIC, 1000, false, NULL) > 0);
		assert_true(uring_submit(t) >= 0);
	}
	int got = 0;
	while (got < 16)
		got += (wait_one(t), 1);
}

static void five_hundred_rings_leak_nothing(void **state)
{
	(void)state;
	/* Warm up allocator and kernel caches before taking the baseline. */
	for (int i = 0; i < 20; i++) {
		uring *t = ring_or_skip(64, NULL);
		use_ring(t);
		assert_int_equal(uring_exit(t), 0);
	}
	int fds = count_open_fds();
	size_t heap = mallinfo2().uordblks;
	long rss = rss_kib();
	for (int i = 0; i < 500; i++) {
		uring *t = uring_create(64, NULL);
		assert_non_null(t);
		use_ring(t);
		assert_int_equal(uring_exit(t), 0);
	}
	assert_int_equal(count_open_fds(), fds);
#ifdef UNDER_ASAN
	/* ASan's quarantine holds freed memory on purpose; LeakSanitizer
	 * checks this program's heap at exit instead. */
	(void)heap;
	(void)rss;
#else
	assert_int_equal(mallinfo2().uordblks, heap);
	/* RSS may move by allocator noise, never by 500 rings' worth. */
	assert_true(rss_kib() - rss < 1024);
#endif
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(five_hundred_rings_leak_nothing),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
