/* SPDX-License-Identifier: ISC */
/*
 * Ring resize (IORING_REGISTER_RESIZE_RINGS, 6.13): new SQ and CQ rings
 * for a live ring, without losing a queued SQE or a posted CQE.
 *
 * The kernel allocates the new rings, copies the SQEs between the SQ head
 * and the tail we published and the CQEs between the CQ head and tail,
 * keeping every position (head and tail values), and switches to them.
 * What it cannot see are the SQEs queued here but not yet published
 * (sq.sqe_head .. sq.sqe_tail): those are copied below, from the old SQE
 * array, which stays readable until unmapped.  Since positions are kept,
 * each job's sqe_pos, the sketch's marks and the link-chain check stay
 * right; only the masks and the mappings change.
 */
#include "ring.h"

/* The copy t needs of the mappings it had, to unmap them afterwards. */
static void take_mappings(uring *dst, const uring *src)
{
	dst->sq.sqes = src->sq.sqes;
	dst->sqes_sz = src->sqes_sz;
	dst->sq_ring_ptr = src->sq_ring_ptr;
	dst->sq_ring_sz = src->sq_ring_sz;
	dst->cq_ring_ptr = src->cq_ring_ptr;
	dst->cq_ring_sz = src->cq_ring_sz;
}

/* The unpublished SQEs, from the old array to the new one, same positions. */
static void copy_unpublished(const struct uring__sq *from, struct uring__sq *to)
{
	size_t size = sizeof(struct uring__sqe) << from->shift;
	for (uint32_t pos = from->sqe_head; pos != from->sqe_tail; pos++)
		memcpy(&to->sqes[(pos & to->mask) << to->shift],
		       &from->sqes[(pos & from->mask) << from->shift], size);
	to->sqe_head = from->sqe_head;
	to->sqe_tail = from->sqe_tail;
	to->wide_end = from->wide_end;
}

int uring_resize(uring *t, unsigned sq_entries, unsigned cq_entries)
{
	if (!t || sq_entries == 0 || sq_entries > URING__MAX_ENTRIES)
		return -EINVAL;
	if (cq_entries && (cq_entries < sq_entries || cq_entries > URING__MAX_CQ_ENTRIES))
		return -EINVAL;
	/* The kernel resizes DEFER_TASKRUN rings only: there nothing but
	 * this thread touches the rings while they are swapped. */
	if (!(t->setup_flags & IORING_SETUP_DEFER_TASKRUN))
		return -EINVAL;
	/* New rings would need new caller memory: not offered. */
	if (t->setup_flags & IORING_SETUP_NO_MMAP)
		return -EINVAL;
	if (t->sq.sqe_tail - uring__sq_head(t) > uring__pow2_at_least(sq_entries))
		return -EOVERFLOW;   /* queued SQEs would not fit */
	int ret = uring__sq_wide_fits(t, sq_entries);
	if (ret < 0)
		return ret;          /* a queued 128-byte op would wrap: submit first */
	struct uring__params p = {
		.sq_entries = sq_entries,
		.cq_entries = cq_entries,
		.flags = cq_entries ? IORING_SETUP_CQSIZE : 0,
	};
	ret = uring__register(t, IORING_REGISTER_RESIZE_RINGS, &p, 1);
	if (ret == -EINVAL)
		return -EOPNOTSUPP;   /* arguments checked above: the opcode is unknown */
	if (ret < 0)
		return ret;           /* -EOVERFLOW: posted CQEs would not fit */
	/* The kernel now uses the new rings: map them (the params carry their
	 * offsets; flags and features are the ring's, unchanged). */
	p.flags = t->setup_flags;
	p.features = t->features;
	uring fresh = { .ring_fd = t->ring_fd };
	ret = uring__map_rings(&fresh, &p);
	if (ret < 0) {
		uring__unmap_rings(&fresh);
		return ret;
	}
	copy_unpublished(&t->sq, &fresh.sq);
	fresh.sq.cached_head = uring__read_once(fresh.sq.khead);
	uring old = { 0 };
	take_mappings(&old, t);
	t->sq = fresh.sq;
	t->cq = fresh.cq;
	take_mappings(t, &fresh);
	uring__unmap_rings(&old);
	return 0;
}
