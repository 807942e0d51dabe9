/* SPDX-License-Identifier: ISC */
/*
 * Things tied to a job's lifetime that the core's slot cannot carry: memory
 * the kernel may read until the job completes (send_msg control blocks),
 * and the set of jobs using a buffer ring.  A record is dropped once its
 * job id no longer names a live slot, which happens exactly when the job's
 * final completion has been collected (ring.c frees the slot there).
 *
 * Nothing is freed from the completion path: the list is pruned when it
 * fills, and the capacity doubles when a prune frees less than half, so a
 * push is amortised O(1) and the list never holds more than twice the live
 * jobs.  uring_exit releases whatever is left.
 */
#ifndef CURING_LIB_HOLD_H
#define CURING_LIB_HOLD_H

#include <stdint.h>

#include "ring.h"

struct uring__held {
	uring_job job;
	void *ptr;               /* free()d with the record; may be NULL */
};

struct uring__hold {
	struct uring__held *v;
	uint32_t n, cap;
};

/* Room for one push (pruning, then growing): 0 or -ENOMEM.  Called before
 * the SQE is committed, so that the push after it cannot fail. */
int  uring__hold_reserve(uring *t, struct uring__hold *h);
void uring__hold_push(struct uring__hold *h, uring_job job, void *ptr);
/* Drops the records whose job has ended; returns how many are still live. */
uint32_t uring__hold_prune(uring *t, struct uring__hold *h);
/* Frees every record and the array (the jobs must all have ended). */
void uring__hold_clear(struct uring__hold *h);

/* The ring's own list (t->held), allocated on first use. */
struct uring__hold *uring__ring_hold(uring *t);
/* The ring's list with room for one push, before the SQE is taken: NULL
 * when there is no memory (the op returns -ENOMEM, nothing queued). */
struct uring__hold *uring__ring_hold_room(uring *t);
/* Commits sqe and keeps ptr (malloc'd memory the kernel may read until the
 * job ends; NULL: nothing) on the ring's list, which uring__ring_hold_room
 * made room in; when the commit queues nothing, ptr is freed at once. */
uring_job uring__commit_held(uring *t, struct uring__sqe *sqe, void *data, void *ptr);
/* From uring_exit, once no job can still read held memory. */
void uring__hold_release(uring *t);

#endif
