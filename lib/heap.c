/* SPDX-License-Identifier: ISC */
/*
 * The job heap's slow paths: setup, growth and id blocks (heap.h has the
 * design and the per-op paths).  In steady state no op allocates: the array
 * only doubles when half of it is live, up to URING__HEAP_MAX_SLOTS.
 */
#include <errno.h>
#include <stdatomic.h>
#include <stdlib.h>

#include "heap.h"

/* The process-wide id sequence.  Starts at 1: ids are > 0. */
static _Atomic uint64_t uring__id_sequence = 1;

_Static_assert((URING__HEAP_MAX_SLOTS & (URING__HEAP_MAX_SLOTS - 1)) == 0, "a power of two");

void uring__heap_take_block(struct uring__heap *h)
{
	uint64_t base = atomic_fetch_add_explicit(&uring__id_sequence, URING__ID_BLOCK,
						  memory_order_relaxed);
	/* 2^63 / 2^16 blocks: see heap.h for why this is never reached. */
	assert(base <= (uint64_t)INT64_MAX - URING__ID_BLOCK);
	h->next_id = base;
	h->block_end = base + URING__ID_BLOCK;
}

static uint32_t round_up_pow2(uint32_t n)
{
	uint32_t cap = 2;
	while (cap < n)
		cap *= 2;
	return cap;
}

int uring__heap_init(struct uring__heap *h, uint32_t live)
{
	/* Room for `live` jobs at half load without growing. */
	uint32_t cap = round_up_pow2(live * 2);
	assert(live > 0 && cap <= URING__HEAP_MAX_SLOTS);
	*h = (struct uring__heap){ 0 };
	h->slots = calloc(cap, sizeof(*h->slots));
	if (!h->slots)
		return -ENOMEM;
	h->cap = cap;
	h->mask = cap - 1;
	uring__heap_take_block(h);
	return 0;
}

int uring__heap_notes(struct uring__heap *h)
{
	if (!h->notes)
		h->notes = calloc(h->cap, sizeof(*h->notes));
	return h->notes ? 0 : -ENOMEM;
}

void uring__heap_destroy(struct uring__heap *h)
{
	free(h->slots);
	free(h->notes);
	*h = (struct uring__heap){ 0 };
}

/* Live ids that shared slot i (mod cap) now differ in the new bit, so they
 * land on distinct slots of the doubled array: the move never collides. */
int uring__heap_grow(struct uring__heap *h)
{
	if (h->cap >= URING__HEAP_MAX_SLOTS)
		return -ENOMEM;
	uint32_t cap = h->cap * 2;
	struct uring__slot *slots = calloc(cap, sizeof(*slots));
	struct uring__note *notes = h->notes ? calloc(cap, sizeof(*notes)) : NULL;
	if (!slots || (h->notes && !notes)) {
		free(slots);
		return -ENOMEM;
	}
	uint32_t moved = 0;
	for (uint32_t i = 0; i < h->cap; i++) {
		const struct uring__slot *s = &h->slots[i];
		if (s->id == 0)
			continue;
		uint32_t to = (uint32_t)(s->id & (cap - 1));
		assert(slots[to].id == 0);
		slots[to] = *s;
		if (notes)
			notes[to] = h->notes[i];
		moved++;
	}
	assert(moved == h->in_use);
	free(h->slots);
	free(h->notes);
	h->slots = slots;
	h->notes = notes;
	h->cap = cap;
	h->mask = cap - 1;
	return 0;
}
