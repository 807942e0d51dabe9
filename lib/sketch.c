/* SPDX-License-Identifier: ISC */
/*
 * The sketch: per-ring memory for what the kernel reads while consuming an
 * SQE (paths, iovec arrays, timespecs, socket addresses, message headers),
 * so callers may free their copies as soon as an op call returns.
 *
 * The kernel has read all of it once it has consumed the SQE (it copies at
 * prep since FEAT_SUBMIT_STABLE, 5.5; statx before 5.18 is the exception,
 * held per job in ops_path.c), and it publishes consumption by advancing
 * the SQ head.  So memory is reclaimed by position: the sketch is a list of
 * chunks, each remembering the SQ position of the last SQE that allocated
 * from it, and a chunk is reusable once the head has passed that position.
 * This never depends on the SQ being idle at some moment, which a busy
 * ring (a recv always queued ahead of a timeout) or an SQPOLL ring (whose
 * submit never enters the kernel) may never be.
 *
 * Chunks fill in order, so they are also reclaimed in order: the current
 * chunk, a FIFO of full ones waiting for the head, and a few spare ones.
 * Spares beyond SKETCH_SPARE_MAX bytes are freed, so memory taken by a
 * burst goes back once the burst is consumed.
 */
#include <assert.h>
#include <stdlib.h>

#include "ring.h"

#define SKETCH_CHUNK      16384u     /* an IOV_MAX iovec array fits in one */
#define SKETCH_SPARE_MAX  (4u * SKETCH_CHUNK)

struct uring__sketch_chunk {
	struct uring__sketch_chunk *next;
	size_t size;
	size_t used;
	uint32_t last_pos;       /* sq.sqe_tail at the last allocation from it */
	_Alignas(16) uint8_t data[];
};

/* True once the kernel has consumed the SQE at pos.  pos may be sqe_tail
 * itself (an op copying before it commits): never consumed.  The head read
 * is an acquire under SQPOLL (uring__sq_head): it pairs with the poll
 * thread's release of the head in io_commit_sqring, after its prep reads. */
static int consumed(uint32_t head, uint32_t tail, uint32_t pos)
{
	return tail - pos > tail - head;
}

static void chunk_free(struct uring__sketch *s, struct uring__sketch_chunk *c)
{
	s->bytes -= c->size;
	free(c);
}

static void spare_put(struct uring__sketch *s, struct uring__sketch_chunk *c)
{
	if (c->size != SKETCH_CHUNK || s->spare_bytes + c->size > SKETCH_SPARE_MAX) {
		chunk_free(s, c);
		return;
	}
	c->used = 0;
	c->next = s->spare;
	s->spare = c;
	s->spare_bytes += c->size;
}

void uring__sketch_reclaim(uring *t)
{
	struct uring__sketch *s = &t->sketch;
	uint32_t head = uring__sq_head(t), tail = t->sq.sqe_tail;
	while (s->full && consumed(head, tail, s->full->last_pos)) {
		struct uring__sketch_chunk *c = s->full;
		s->full = c->next;
		if (!s->full)
			s->full_tail = NULL;
		s->n_full--;
		s->full_used -= c->used;
		spare_put(s, c);
	}
	if (s->cur && s->cur->used && consumed(head, tail, s->cur->last_pos))
		s->cur->used = 0;
}

static void list_free(struct uring__sketch *s, struct uring__sketch_chunk *c)
{
	while (c) {
		struct uring__sketch_chunk *next = c->next;
		chunk_free(s, c);
		c = next;
	}
}

void uring__sketch_destroy(struct uring__sketch *s)
{
	list_free(s, s->full);
	list_free(s, s->spare);
	if (s->cur)
		chunk_free(s, s->cur);
	assert(s->bytes == 0);
	*s = (struct uring__sketch){ 0 };
}

/* A chunk with room for len: a spare one, or a new one (len > the usual
 * size gets a chunk of its own).  NULL when the ring's limit is reached. */
static struct uring__sketch_chunk *chunk_get(struct uring__sketch *s, size_t len)
{
	if (len <= SKETCH_CHUNK && s->spare) {
		struct uring__sketch_chunk *c = s->spare;
		s->spare = c->next;
		s->spare_bytes -= c->size;
		return c;
	}
	size_t size = len <= SKETCH_CHUNK ? SKETCH_CHUNK : len;
	if (s->bytes + size > URING__SKETCH_MAX)
		return NULL;
	struct uring__sketch_chunk *c = malloc(sizeof(*c) + size);
	if (!c)
		return NULL;
	c->size = size;
	c->used = 0;
	s->bytes += size;
	return c;
}

/* The current chunk is full: it waits in the FIFO for the head. */
static void retire_current(struct uring__sketch *s)
{
	struct uring__sketch_chunk *c = s->cur;
	s->cur = NULL;
	if (!c)
		return;
	if (c->used == 0) {
		spare_put(s, c);
		return;
	}
	c->next = NULL;
	if (s->full_tail)
		s->full_tail->next = c;
	else
		s->full = c;
	s->full_tail = c;
	s->n_full++;
	s->full_used += c->used;
}

void *uring__sketch_alloc(uring *t, size_t len, size_t align)
{
	struct uring__sketch *s = &t->sketch;
	assert(align > 0 && align <= 16 && (align & (align - 1)) == 0);
	if (len == 0 || len > URING__SKETCH_MAX)
		return NULL;
	uring__sketch_reclaim(t);
	struct uring__sketch_chunk *c = s->cur;
	size_t start = c ? (c->used + align - 1) & ~(align - 1) : 0;
	if (!c || start + len > c->size) {
		retire_current(s);
		uring__sketch_reclaim(t);
		c = chunk_get(s, len);
		if (!c)
			return NULL;
		s->cur = c;
		start = 0;
	}
	c->used = start + len;
	c->last_pos = t->sq.sqe_tail;
	return c->data + start;
}

void uring__sketch_stats(const struct uring__sketch *s, size_t *bytes, size_t *used, unsigned *waiting)
{
	*bytes = s->bytes;
	*used = s->full_used + (s->cur ? s->cur->used : 0);
	*waiting = s->n_full;
}

struct uring__kernel_timespec *uring__sketch_timespec(uring *t, uint64_t ns)
{
	struct uring__kernel_timespec *ts =
		uring__sketch_alloc(t, sizeof(*ts), _Alignof(struct uring__kernel_timespec));
	if (ts) {
		ts->tv_sec = (int64_t)(ns / 1000000000u);
		ts->tv_nsec = (int64_t)(ns % 1000000000u);
	}
	return ts;
}
