/* SPDX-License-Identifier: ISC */
/* The job heap against a reference model, and stale-id detection. */
#include "helpers.h"
#include "ring.h"

#define MODEL_MAX 4096

struct model_job {
	uring_job id;
	void *data;
};

/* xorshift64: reproducible without libc's rand state. */
static uint64_t rng_next(uint64_t *s)
{
	*s ^= *s << 13;
	*s ^= *s >> 7;
	*s ^= *s << 17;
	return *s;
}

static void heap_matches_model_over_100000_operations(void **state)
{
	(void)state;
	struct uring__heap h;
	assert_int_equal(uring__heap_init(&h, 4), 0);
	static struct model_job live[MODEL_MAX];
	static uring_job dead[MODEL_MAX];
	unsigned n_live = 0, n_dead = 0;
	uint64_t rng = 0x9e3779b97f4a7c15ull;

	for (unsigned step = 0; step < 100000; step++) {
		uint64_t r = rng_next(&rng);
		int do_alloc = n_live == 0 || (n_live < MODEL_MAX && (r % 100) < 55);
		if (do_alloc) {
			void *data = (void *)(uintptr_t)(step + 1);
			struct uring__slot *slot = uring__heap_alloc(&h, data);
			assert_non_null(slot);
			uring_job id = (uring_job)slot->id;
			assert_true(id > 0);
			/* No live job may already hold this id. */
			for (unsigned i = 0; i < n_live; i++)
				assert_true(live[i].id != id);
			live[n_live++] = (struct model_job){ id, data };
		} else {
			unsigned k = (unsigned)(r >> 32) % n_live;
			struct uring__slot *s = uring__heap_lookup(&h, live[k].id);
			assert_non_null(s);
			assert_ptr_equal(s->data, live[k].data);
			uring__heap_free(&h, s);
			dead[n_dead++ % MODEL_MAX] = live[k].id;
			live[k] = live[--n_live];
		}
		assert_int_equal(h.in_use, n_live);
		/* A random dead id must never resolve, even after its slot is reused. */
		if (n_dead > 0) {
			uring_job d = dead[(r >> 16) % (n_dead < MODEL_MAX ? n_dead : MODEL_MAX)];
			assert_null(uring__heap_lookup(&h, d));
		}
	}
	for (unsigned i = 0; i < n_live; i++)
		assert_non_null(uring__heap_lookup(&h, live[i].id));
	uring__heap_destroy(&h);
}

static void invented_ids_never_resolve(void **state)
{
	(void)state;
	struct uring__heap h;
	assert_int_equal(uring__heap_init(&h, 8), 0);
	struct uring__slot *s = uring__heap_alloc(&h, NULL);
	assert_non_null(s);
	uring_job id = (uring_job)s->id;
	assert_non_null(uring__heap_lookup(&h, id));
	assert_null(uring__heap_lookup(&h, 0));
	assert_null(uring__heap_lookup(&h, -1));
	assert_null(uring__heap_lookup(&h, INT64_MIN));
	assert_null(uring__heap_lookup(&h, id + h.cap));        /* same slot, another id */
	assert_null(uring__heap_lookup(&h, id + 1));            /* a free slot */
	assert_null(uring__heap_lookup(&h, INT64_MAX));
	uring__heap_destroy(&h);
}

static void heap_grows_past_its_initial_capacity(void **state)
{
	(void)state;
	struct uring__heap h;
	assert_int_equal(uring__heap_init(&h, 2), 0);
	for (int k = 0; k < 1000; k++)
		assert_non_null(uring__heap_alloc(&h, NULL));
	assert_int_equal(h.in_use, 1000);
	assert_true(h.cap >= 2000);   /* kept at most half full */
	uring__heap_destroy(&h);
}

/* Two heaps (two rings) never hand out the same id, so an id given to the
 * wrong ring finds nothing there. */
static void ids_are_unique_across_heaps(void **state)
{
	(void)state;
	struct uring__heap a, b;
	assert_int_equal(uring__heap_init(&a, 1), 0);
	assert_int_equal(uring__heap_init(&b, 1), 0);
	for (int k = 0; k < 100000; k++) {
		struct uring__slot *sa = uring__heap_alloc(&a, NULL);
		struct uring__slot *sb = uring__heap_alloc(&b, NULL);
		assert_non_null(sa);
		assert_non_null(sb);
		assert_null(uring__heap_lookup(&b, (uring_job)sa->id));
		assert_null(uring__heap_lookup(&a, (uring_job)sb->id));
		uring__heap_free(&a, sa);
		uring__heap_free(&b, sb);
	}
	uring__heap_destroy(&a);
	uring__heap_destroy(&b);
}

/* A long-lived job (a multishot) in the slot a new id maps to is skipped,
 * never overwritten, and growth keeps every live job findable. */
static void busy_slots_are_skipped_and_survive_growth(void **state)
{
	(void)state;
	struct uring__heap h;
	assert_int_equal(uring__heap_init(&h, 2), 0);
	struct uring__slot *pinned = uring__heap_alloc(&h, &h);
	uring_job pinned_id = (uring_job)pinned->id;
	for (int k = 0; k < 10000; k++) {
		struct uring__slot *s = uring__heap_alloc(&h, NULL);
		assert_non_null(s);
		assert_true(s != uring__heap_lookup(&h, pinned_id));
		uring__heap_free(&h, s);
	}
	uring_job held[64];
	for (int k = 0; k < 64; k++)
		held[k] = (uring_job)uring__heap_alloc(&h, NULL)->id;
	struct uring__slot *p = uring__heap_lookup(&h, pinned_id);
	assert_non_null(p);
	assert_ptr_equal(p->data, &h);
	for (int k = 0; k < 64; k++)
		assert_non_null(uring__heap_lookup(&h, held[k]));
	uring__heap_destroy(&h);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(heap_matches_model_over_100000_operations),
		cmocka_unit_test(invented_ids_never_resolve),
		cmocka_unit_test(heap_grows_past_its_initial_capacity),
		cmocka_unit_test(ids_are_unique_across_heaps),
		cmocka_unit_test(busy_slots_are_skipped_and_survive_growth),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
