/* SPDX-License-Identifier: ISC */
/* URING_SETUP_NO_MMAP (6.5) against the real kernel: the rings live in the
 * caller's memory (the SQEs and CQEs the kernel reads and writes are found
 * there), I/O works, and the memory stays the caller's after uring_exit. */
#include "file_helpers.h"

#include <sys/mman.h>

static int holds(const void *mem, size_t len, uring_job job)
{
	return memmem(mem, len, &job, sizeof(job)) != NULL;
}

static void rings_in_the_callers_memory(void **state)
{
	(void)state;
	size_t len = uring_mem_size(8, NULL);
	assert_true(len > 0);
	void *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(mem != MAP_FAILED);
	uring_options o = { .setup_flags = URING_SETUP_NO_MMAP, .ring_mem = mem, .ring_mem_len = len };
	uring *t = ring_or_skip(8, &o);   /* EINVAL before 6.5 */
	assert_int_equal(uring_queue_depth(t), 8);

	for (int round = 0; round < 20; round++) {   /* around both rings more than once */
		uring_job j = uring_noop(t, NULL);
		assert_true(j > 0);
		assert_true(holds(mem, len, j));   /* the SQE, written into mem */
		assert_int_equal(uring_submit(t), 1);
		uring_completion c;
		while (uring_get_cqe_nonblocking(t, &c) == 0)
			;   /* the kernel posted the CQE in mem: peeked without entering */
		assert_int_equal(c.job, j);
	}
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(write(p[1], "in mem", 6), 6);
	char buf[8];
	assert_int_equal(complete(t, uring_read(t, p[0], buf, sizeof(buf), -1, NULL)), 6);
	assert_memory_equal(buf, "in mem", 6);
	assert_int_equal(uring_resize(t, 16, 0), -EINVAL);
	assert_int_equal(uring_exit(t), 0);
	memset(mem, 0x5a, len);   /* still mapped, still the caller's */
	assert_int_equal(munmap(mem, len), 0);
	close(p[0]);
	close(p[1]);
}

static void memory_too_small_or_unaligned(void **state)
{
	(void)state;
	size_t len = uring_mem_size(8, NULL);
	char *mem = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(mem != MAP_FAILED);
	uring_options o = { .setup_flags = URING_SETUP_NO_MMAP, .ring_mem = mem, .ring_mem_len = len - 1 };
	errno = 0;
	assert_null(uring_create(8, &o));
	assert_int_equal(errno, EINVAL);
	o.ring_mem = mem + 64;
	o.ring_mem_len = len - 64;
	errno = 0;
	assert_null(uring_create(1, &o));
	assert_int_equal(errno, EINVAL);
	/* more entries need more memory */
	assert_true(uring_mem_size(256, NULL) > len);
	uring_options big = { .setup_flags = URING_SETUP_SQE128 | URING_SETUP_CQE32 };
	assert_true(uring_mem_size(64, &big) > uring_mem_size(64, NULL));
	assert_int_equal(uring_mem_size(0, NULL), 0);
	assert_int_equal(munmap(mem, len), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(rings_in_the_callers_memory),
		cmocka_unit_test(memory_too_small_or_unaligned),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
