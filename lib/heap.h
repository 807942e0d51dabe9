/* SPDX-License-Identifier: ISC */
/*
 * The job heap: which job a user_data names.  heap.c holds the rest; the
 * paths that run once per op and once per CQE are inline here.
 *
 * A job id is a number drawn from one process-wide sequence and never
 * issued twice, and the job lives in slot (id & mask) of its ring's slot
 * array, which records the full id.  So:
 *  - a stale id (its job collected, the slot since reused) finds a slot
 *    holding another id, and is refused;
 *  - an id of another ring finds a slot holding that ring's own id (ids are
 *    unique across the process), and is refused;
 *  - a wrap would take 2^63 ids.  The fastest the kernel completes jobs
 *    here is about 1.5e7 per second per ring (bench/nop, batch 128: 68 ns);
 *    with both cores doing that, 2^63 / 3e7 per second is 3.1e11 s, about
 *    9,700 years.  (Per-slot generations of 31 bits wrapped in 21 minutes
 *    on a one-in-flight loop.)
 *
 * Ids are taken from the shared sequence in blocks, one atomic add per
 * URING__ID_BLOCK jobs, so the per-op cost is a private increment.  An id
 * whose slot is busy (a long-lived job, a multishot) is skipped; the array
 * is kept at most half full, so a free slot is never far.
 */
#ifndef CURING_LIB_HEAP_H
#define CURING_LIB_HEAP_H

#include <assert.h>
#include <stdint.h>

#include "uring.h"

#define URING__HEAP_MAX_SLOTS  (1u << 22)    /* slot array; live jobs <= half of it */
#define URING__ID_BLOCK        (1u << 16)    /* ids taken from the process sequence at once */

struct uring__slot {
	void *data;
	uint64_t id;             /* the live job's id; 0 while the slot is free */
	uint32_t sqe_pos;        /* sq.sqe_tail when queued: tells if still unpublished */
	uint32_t buf_group;      /* 1 + the buffer group it selects from; 0: none */
};

struct uring__lent;
/* What the tools (tools.c) know of the job in the slot of the same index:
 * a side table, allocated only once a tool is active, so the slot itself
 * stays as small as the ordinary build needs it. */
struct uring__note {
	uint64_t job;               /* the job described; stale when not the slot's id */
	struct uring__lent *lent;   /* memory lent to the kernel (lend.c), or NULL */
	int32_t fd;
	uint32_t len;
	uint8_t op;
};

struct uring__heap {
	struct uring__slot *slots;
	struct uring__note *notes;   /* NULL, or cap entries parallel to slots */
	uint32_t cap;            /* a power of two */
	uint32_t mask;           /* cap - 1 */
	uint32_t in_use;
	uint64_t next_id;        /* next candidate id of the current block */
	uint64_t block_end;      /* first id past the current block */
};

int  uring__heap_init(struct uring__heap *h, uint32_t cap);
void uring__heap_destroy(struct uring__heap *h);
/* Doubles the array (moving each live job to its new slot), and takes a
 * new block of ids when the current one is used up: 0 or -ENOMEM. */
int  uring__heap_grow(struct uring__heap *h);
void uring__heap_take_block(struct uring__heap *h);
/* Allocates the notes table (a tool became active): 0 or -ENOMEM. */
int  uring__heap_notes(struct uring__heap *h);

/* A slot for a new job holding data: the slot, its id set; NULL: -ENOMEM
 * (URING__HEAP_MAX_SLOTS / 2 jobs live, or no memory). */
static inline struct uring__slot *uring__heap_alloc(struct uring__heap *h, void *data)
{
	if (__builtin_expect(h->in_use * 2 >= h->cap, 0) && uring__heap_grow(h) < 0)
		return NULL;
	/* Locals: stores through s could alias h as far as the compiler
	 * knows, which would reload and store the cursor per probe. */
	struct uring__slot *const slots = h->slots;
	const uint32_t mask = h->mask;
	uint64_t id = h->next_id;
	struct uring__slot *s;
	for (;;) {
		if (__builtin_expect(id == h->block_end, 0)) {
			uring__heap_take_block(h);
			id = h->next_id;
		}
		s = &slots[id & mask];
		if (__builtin_expect(s->id == 0, 1))
			break;
		id++;   /* a long-lived job holds this slot */
	}
	assert(id > 0 && id <= (uint64_t)INT64_MAX);
	h->next_id = id + 1;
	s->id = id;
	s->data = data;
	h->in_use++;
	return s;
}

/* Frees a live slot: its id stops resolving at once, for good. */
static inline void uring__heap_free(struct uring__heap *h, struct uring__slot *s)
{
	assert(s->id != 0 && h->in_use > 0);
	s->id = 0;
	s->data = NULL;
	h->in_use--;
}

/* The live slot an id names, or NULL (stale, another ring's, invented). */
static inline struct uring__slot *uring__heap_lookup(struct uring__heap *h, uring_job job)
{
	if (job <= 0)
		return NULL;
	struct uring__slot *s = &h->slots[(uint64_t)job & h->mask];
	return s->id == (uint64_t)job ? s : NULL;
}

#endif
