/* SPDX-License-Identifier: ISC */
/*
 * The sketch: a per-ring bump arena for what the kernel reads at submission
 * time (paths, iovec arrays, timespecs, socket addresses, message headers),
 * so callers may free their copies as soon as an op call returns.
 *
 * The kernel copies all of it while consuming the SQE (FEAT_SUBMIT_STABLE,
 * 5.5+), and publishes that it has consumed SQEs by advancing the SQ head.
 * So once the SQ head has caught up with our private tail, nothing queued
 * can still point into the sketch and it is reset in one step.  Until then
 * an arena that fills up is not moved (queued SQEs point into it): a larger
 * one takes over and the outgrown one waits on the `old` list for the reset.
 */
#include <stdlib.h>

#include "ring.h"

static int sketch_idle(uring *t)
{
	/* Acquire pairs with the kernel's smp_store_release of sq.head in
	 * io_commit_sqring: everything it read for those SQEs is read. */
	return uring__load_acquire(t->sq.khead) == t->sq.sqe_tail;
}

static void free_old(struct uring__sketch *s)
{
	for (unsigned i = 0; i < s->n_old; i++)
		free(s->old[i]);
	s->n_old = 0;
}

void uring__sketch_release(uring *t)
{
	struct uring__sketch *s = &t->sketch;
	if (!sketch_idle(t))
		return;
	s->used = 0;
	free_old(s);
}

void uring__sketch_destroy(struct uring__sketch *s)
{
	free_old(s);
	free(s->old);
	free(s->buf);
	*s = (struct uring__sketch){ 0 };
}

static int sketch_replace(struct uring__sketch *s, size_t need)
{
	size_t size = s->size ? s->size : URING__SKETCH_MIN;
	while (size < need)
		size *= 2;
	if (s->used > 0 && size == s->size)
		size *= 2;
	if (size > URING__SKETCH_MAX)
		return -ENOMEM;
	if (s->buf && s->used > 0 && s->n_old == s->old_cap) {
		unsigned cap = s->old_cap ? s->old_cap * 2 : 4;
		void **old = realloc(s->old, cap * sizeof(*old));
		if (!old)
			return -ENOMEM;
		s->old = old;
		s->old_cap = cap;
	}
	uint8_t *buf = malloc(size);
	if (!buf)
		return -ENOMEM;
	if (s->buf && s->used > 0)
		s->old[s->n_old++] = s->buf;   /* still referenced by queued SQEs */
	else
		free(s->buf);
	s->buf = buf;
	s->size = size;
	s->used = 0;
	return 0;
}

void *uring__sketch_alloc(uring *t, size_t len, size_t align)
{
	struct uring__sketch *s = &t->sketch;
	if (len == 0 || len > URING__SKETCH_MAX)
		return NULL;
	/* An op that copies twice (a path and its open_how, say) allocates
	 * before its SQE is committed, when the SQ can look idle.  Bytes
	 * handed out at this same tail belong to that op: never reset under
	 * them.  Once the op commits, the tail moves on and the rule is the
	 * plain one: idle means nothing queued points here. */
	if (s->alloc_tail != t->sq.sqe_tail)
		uring__sketch_release_if_idle(t);
	s->alloc_tail = t->sq.sqe_tail;
	size_t start = (s->used + align - 1) & ~(align - 1);
	if (!s->buf || start + len > s->size) {
		if (sketch_replace(s, len) < 0)
			return NULL;
		start = 0;
	}
	s->used = start + len;
	return s->buf + start;
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
