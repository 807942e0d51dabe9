/* SPDX-License-Identifier: ISC */
/* Region: creation limits, FIFO order, exhaustion, double and bogus frees. */
#include "helpers.h"

static void create_refuses_what_holds_no_block(void **state)
{
	(void)state;
	char buf[64];
	errno = 0;
	assert_null(uring_region_create(buf, sizeof(buf), 0));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(uring_region_create(NULL, 64, 16));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(uring_region_create(buf, 15, 16));
	assert_int_equal(errno, EINVAL);
	uring_region *r = uring_region_create(buf, 16, 16);   /* exactly one block */
	assert_non_null(r);
	assert_int_equal(uring_region_avail(r), 1);
	uring_region_destroy(r);
	uring_region_destroy(NULL);
	assert_int_equal(uring_region_avail(NULL), 0);
	assert_int_equal(uring_region_block_size(NULL), 0);
}

static void blocks_are_handed_out_fifo_until_exhausted(void **state)
{
	(void)state;
	char buf[100];   /* 6 blocks of 16; the last 4 bytes are never used */
	uring_region *r = uring_region_create(buf, sizeof(buf), 16);
	assert_non_null(r);
	assert_int_equal(uring_region_block_size(r), 16);
	assert_int_equal(uring_region_avail(r), 6);
	uring_chunk c[6];
	for (int i = 0; i < 6; i++) {
		assert_int_equal(uring_region_alloc(r, &c[i]), 0);
		assert_ptr_equal(c[i].region, r);
		assert_int_equal(c[i].offset, (size_t)i * 16);
		assert_ptr_equal(uring_chunk_ptr(c[i]), buf + i * 16);
		assert_int_equal(uring_region_avail(r), 5 - i);
	}
	uring_chunk none = { NULL, 0 };
	assert_int_equal(uring_region_alloc(r, &none), -ENOSPC);
	assert_null(none.region);   /* untouched on failure */
	/* FIFO: freed 3, 1, 4 come back as 3, 1, 4. */
	assert_int_equal(uring_region_free(c[3]), 0);
	assert_int_equal(uring_region_free(c[1]), 0);
	assert_int_equal(uring_region_free(c[4]), 0);
	assert_int_equal(uring_region_avail(r), 3);
	uring_chunk again;
	assert_int_equal(uring_region_alloc(r, &again), 0);
	assert_int_equal(again.offset, 48);
	assert_int_equal(uring_region_alloc(r, &again), 0);
	assert_int_equal(again.offset, 16);
	assert_int_equal(uring_region_alloc(r, &again), 0);
	assert_int_equal(again.offset, 64);
	assert_int_equal(uring_region_alloc(r, &again), -ENOSPC);
	assert_int_equal(uring_region_alloc(NULL, &again), -EINVAL);
	assert_int_equal(uring_region_alloc(r, NULL), -EINVAL);
	uring_region_destroy(r);
}

static void double_and_bogus_frees_are_refused(void **state)
{
	(void)state;
	char buf[64];
	uring_region *r = uring_region_create(buf, sizeof(buf), 16);
	uring_chunk a, b;
	assert_int_equal(uring_region_alloc(r, &a), 0);
	assert_int_equal(uring_region_alloc(r, &b), 0);
	assert_int_equal(uring_region_free(a), 0);
	assert_int_equal(uring_region_free(a), -EINVAL);      /* double free */
	assert_int_equal(uring_region_avail(r), 3);          /* counted once */
	uring_chunk never = { r, 48 };                        /* never handed out */
	assert_int_equal(uring_region_free(never), -EINVAL);
	uring_chunk unaligned = { r, 17 }, beyond = { r, 64 }, orphan = { NULL, 0 };
	assert_int_equal(uring_region_free(unaligned), -EINVAL);
	assert_int_equal(uring_region_free(beyond), -EINVAL);
	assert_int_equal(uring_region_free(orphan), -EINVAL);
	assert_null(uring_chunk_ptr(unaligned));
	assert_null(uring_chunk_ptr(beyond));
	assert_null(uring_chunk_ptr(orphan));
	assert_int_equal(uring_region_avail(r), 3);
	/* Every block still comes back exactly once. */
	uring_chunk c;
	int got = 0;
	while (uring_region_alloc(r, &c) == 0)
		got++;
	assert_int_equal(got, 3);
	assert_int_equal(uring_region_free(b), 0);
	uring_region_destroy(r);
}

static void many_blocks_cycle_without_loss(void **state)
{
	(void)state;
	enum { BLOCKS = 1000 };
	char *buf = malloc(BLOCKS * 8);
	uring_region *r = uring_region_create(buf, BLOCKS * 8, 8);
	uring_chunk *c = calloc(BLOCKS, sizeof(*c));
	for (int round = 0; round < 3; round++) {
		for (int i = 0; i < BLOCKS; i++)
			assert_int_equal(uring_region_alloc(r, &c[i]), 0);
		assert_int_equal(uring_region_avail(r), 0);
		for (int i = BLOCKS - 1; i >= 0; i -= 2)
			assert_int_equal(uring_region_free(c[i]), 0);
		for (int i = 0; i < BLOCKS; i += 2)
			assert_int_equal(uring_region_free(c[i]), 0);
		assert_int_equal(uring_region_avail(r), BLOCKS);
	}
	free(c);
	uring_region_destroy(r);
	free(buf);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(create_refuses_what_holds_no_block),
		cmocka_unit_test(blocks_are_handed_out_fifo_until_exhausted),
		cmocka_unit_test(double_and_bogus_frees_are_refused),
		cmocka_unit_test(many_blocks_cycle_without_loss),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
