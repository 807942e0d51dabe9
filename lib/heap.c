/* SPDX-License-Identifier: ISC */
/*
 * The job heap: a slot array with a LIFO free list.  A job id carries the
 * slot's generation, so an id whose job has completed (and whose slot may
 * since hold a newer job) never matches again: stale ids are detected, never
 * misrouted.  The array doubles when full, so the number of jobs in flight
 * is bounded by URING__HEAP_MAX_SLOTS, not by the SQ size; in steady state
 * no op allocates.
 */
#include <assert.h>
#include <stdlib.h>

#include "ring.h"

#define GEN_LIMIT (1u << 31)   /* gen < 2^31 keeps bit 63 of every id clear */

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

static int heap_grow(struct uring__heap *h)
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
	return 0;
}

int64_t uring__heap_alloc(struct uring__heap *h, void *data)
{
	if (h->free_head == URING__SLOT_NONE) {
		int ret = heap_grow(h);
		if (ret < 0)
			return ret;
	}
	uint32_t i = h->free_head;
	struct uring__slot *s = &h->slots[i];
	assert(s->next_free != URING__SLOT_BUSY);
	h->free_head = s->next_free;
	s->next_free = URING__SLOT_BUSY;
	s->data = data;
	s->flags = 0;
	h->in_use++;
	assert(h->in_use <= h->cap);
	return i;
}

void uring__heap_free(struct uring__heap *h, uint32_t i)
{
	struct uring__slot *s = &h->slots[i];
	assert(i < h->cap && s->next_free == URING__SLOT_BUSY);
	assert(h->in_use > 0);
	s->gen = (s->gen + 1 < GEN_LIMIT) ? s->gen + 1 : 1;
	s->data = NULL;
	s->next_free = h->free_head;
	h->free_head = i;
	h->in_use--;
}

struct uring__slot *uring__heap_lookup(struct uring__heap *h, uring_job job)
{
	if (job <= 0)
		return NULL;
	uint32_t i = (uint32_t)job;
	uint32_t gen = (uint32_t)((uint64_t)job >> 32);
	if (i >= h->cap)
		return NULL;
	struct uring__slot *s = &h->slots[i];
	if (s->next_free != URING__SLOT_BUSY || s->gen != gen)
		return NULL;
	return s;
}
