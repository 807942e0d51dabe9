/* SPDX-License-Identifier: ISC */
/*
 * Job ids never come back.  A one-in-flight loop reuses one slot for every
 * job; when ids carried a 31-bit per-slot generation, the 2^31st reuse gave
 * the slot its first id again and a stale id cancelled a live job (about 21
 * minutes of such a loop on a 2-core machine).  Here the heap runs the same
 * loop 2^31 + 2 times, with no kernel in the way, and the first id must
 * never resolve again.
 */
#include "helpers.h"
#include "ring.h"

static void a_stale_id_survives_2_to_the_31_reuses_of_its_slot(void **state)
{
	(void)state;
	struct uring__heap h;
	assert_int_equal(uring__heap_init(&h, 1), 0);
	struct uring__slot *s = uring__heap_alloc(&h, NULL);
	uring_job first = (uring_job)s->id, last = first;
	uring__heap_free(&h, s);
	const uint64_t cycles = (1ull << 31) + 2;
	for (uint64_t k = 0; k < cycles; k++) {
		s = uring__heap_alloc(&h, NULL);
		if ((uring_job)s->id <= last || uring__heap_lookup(&h, first))
			fail_msg("an id came back after %llu reuses", (unsigned long long)k);
		last = (uring_job)s->id;
		uring__heap_free(&h, s);
	}
	uring__heap_destroy(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_stale_id_survives_2_to_the_31_reuses_of_its_slot),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
