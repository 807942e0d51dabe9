/* SPDX-License-Identifier: ISC */
/*
 * The job heap: a slot array with a LIFO free list.  A job id carries the
 * slot's generation, so an id whose job has completed (and whose slot may
 * since hold a newer job) never matches again: stale ids are detected, never
 * misrouted.  The array doubles when full, so the number of jobs in flight
 * is bounded by URING__HEAP_MAX_SLOTS, not by the SQ size; in steady state
 * no op allocates.  Allocation, free and lookup run once per op and once
 * per completion, so they are inline in ring.h; here is the rest.
 */
#include <assert.h>
#include <stdlib.h>

#include "ring.h"

static void link_free_range(struct uring__heap *h, uint32_t from, uint32_t to)
{
	/* Free slots [from, to) in ascending order, in front of the old list. */
	for (uint32_t i = from; i < to; i++) {
		h->slots[i].gen = 1;
		h->slots[i].next_free = (i + 1 < to) ? i + 1 : h->free_head;
	}
	if (from < to)
		h->free_head = from;
}

int uring__heap_init(struct uring__heap *h, uint32_t cap)
{
	assert(cap > 0 && cap <= URING__HEAP_MAX_SLOTS);
	h->slots = calloc(cap, sizeof(*h->slots));
	if (!h->slots)
		return -ENOMEM;
	h->cap = cap;
	h->in_use = 0;
	h->free_head = URING__SLOT_NONE;
	link_free_range(h, 0, cap);
	return 0;
}

void uring__heap_destroy(struct uring__heap *h)
{
	free(h->slots);
	h->slots = NULL;
	h->cap = 0;
}

int uring__heap_grow(struct uring__heap *h)
{
	if (h->cap >= URING__HEAP_MAX_SLOTS)
		return -ENOMEM;
	uint32_t cap = h->cap * 2 > URING__HEAP_MAX_SLOTS ? URING__HEAP_MAX_SLOTS : h->cap * 2;
	struct uring__slot *slots = realloc(h->slots, (size_t)cap * sizeof(*slots));
	if (!slots)
		return -ENOMEM;
	memset(slots + h->cap, 0, (size_t)(cap - h->cap) * sizeof(*slots));
	h->slots = slots;
	uint32_t old = h->cap;
	h->cap = cap;
	link_free_range(h, old, cap);
	assert(h->free_head == old);
	return 0;
}
