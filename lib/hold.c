/* SPDX-License-Identifier: ISC */
/* Records tied to a job's lifetime; see hold.h. */
#include <assert.h>
#include <stdlib.h>

#include "hold.h"

/* One record per live job at most, and the heap bounds live jobs. */
#define HOLD_MAX (2u * URING__HEAP_MAX_SLOTS)
#define HOLD_MIN 8u

uint32_t uring__hold_prune(uring *t, struct uring__hold *h)
{
	uint32_t kept = 0;
	for (uint32_t i = 0; i < h->n; i++) {
		if (uring__heap_lookup(&t->heap, h->v[i].job)) {
			h->v[kept++] = h->v[i];
			continue;
		}
		/* The slot is free, so the job's final CQE has been reaped:
		 * the kernel posts it only after its last read of the memory. */
		free(h->v[i].ptr);
	}
	h->n = kept;
	return kept;
}

static int hold_grow(struct uring__hold *h)
{
	uint32_t cap = h->cap ? h->cap * 2 : HOLD_MIN;
	if (cap > HOLD_MAX)
		return -ENOMEM;
	struct uring__held *v = realloc(h->v, (size_t)cap * sizeof(*v));
	if (!v)
		return -ENOMEM;
	h->v = v;
	h->cap = cap;
	return 0;
}

int uring__hold_reserve(uring *t, struct uring__hold *h)
{
	if (h->n < h->cap)
		return 0;
	/* Grow when at least half is still live: pruning again right away
	 * would make every push a full scan. */
	if (uring__hold_prune(t, h) * 2 < h->cap && h->cap > 0)
		return 0;
	return hold_grow(h);
}

void uring__hold_push(struct uring__hold *h, uring_job job, void *ptr)
{
	assert(h->n < h->cap);
	assert(job > 0);
	h->v[h->n++] = (struct uring__held){ .job = job, .ptr = ptr };
}

void uring__hold_clear(struct uring__hold *h)
{
	for (uint32_t i = 0; i < h->n; i++)
		free(h->v[i].ptr);
	free(h->v);
	*h = (struct uring__hold){ 0 };
}

struct uring__hold *uring__ring_hold(uring *t)
{
	if (!t->held)
		t->held = calloc(1, sizeof(*t->held));
	return t->held;
}

struct uring__hold *uring__ring_hold_room(uring *t)
{
	struct uring__hold *h = uring__ring_hold(t);
	return h && uring__hold_reserve(t, h) == 0 ? h : NULL;
}

uring_job uring__commit_held(uring *t, struct uring__sqe *sqe, void *data, void *ptr)
{
	uring_job job = uring__sqe_commit(t, sqe, data);
	if (job <= 0)
		free(ptr);
	else if (ptr)
		uring__hold_push(t->held, job, ptr);
	return job;
}

void uring__hold_release(uring *t)
{
	if (t->held) {
		uring__hold_clear(t->held);
		free(t->held);
		t->held = NULL;
	}
}
