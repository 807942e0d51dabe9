/* SPDX-License-Identifier: ISC */
/*
 * How a 128-byte op (NOP128, URING_CMD128: 6.19) takes SQ slots.
 *
 * On an IORING_SETUP_SQE_MIXED ring the kernel's io_init_req reads a
 * 128-byte opcode at slot i as one SQE spanning slots i and i + 1 of the
 * SQE array (io_get_sqe found slot i; the second half is the next 64 bytes
 * in memory, whatever the SQ index array says), advances its head by two
 * and fails the op with -EINVAL when i is the array's last slot or when
 * the submission ends after the first half.  With our identity SQ index
 * array (or NO_SQARRAY) positions and slots agree, so a 128-byte op at the
 * last slot is preceded by a padding NOP (IOSQE_CQE_SKIP_SUCCESS: no CQE
 * on success), as liburing's io_uring_get_sqe128 does.  The padding takes
 * no job id.  It carries the link flags of the op before it, so a chain
 * that op opens runs through the padding to the 128-byte op; should the
 * chain fail, the padding's -ECANCELED CQE is dropped by its user_data.
 *
 * On an SQE128 ring every slot holds 128 bytes: the plain path serves.
 */
#include <assert.h>

#include "ring.h"

#define LINK_FLAGS (IOSQE_IO_LINK | IOSQE_IO_HARDLINK)

int uring__sq_wide_check(const uring *t)
{
	return (t->setup_flags & (IORING_SETUP_SQE_MIXED | IORING_SETUP_SQE128)) ? 0 : -EINVAL;
}

/* Whether n more slots fit, re-reading the head only when the cached one
 * says they do not (as uring__sqe_next). */
static int sq_room(uring *t, uint32_t n)
{
	if (t->sq.sqe_tail + n - t->sq.cached_head <= t->sq.entries)
		return 1;
	t->sq.cached_head = uring__sq_head(t);
	return t->sq.sqe_tail + n - t->sq.cached_head <= t->sq.entries;
}

static int at_last_slot(const uring *t)
{
	return (t->sq.sqe_tail & t->sq.mask) == t->sq.mask;
}

/* The link flags the padding at the tail takes: those of the op before
 * it, while that op is still ours. */
static uint8_t pad_link_flags(const uring *t)
{
	uint32_t last = uring__sq_last_op(t);
	if (!uring__sqe_unpublished(t, last))
		return 0;
	return uring__sqe_at(t, last)->flags & LINK_FLAGS;
}

/* Queues the padding NOP at the tail (no job, no heap slot). */
static void pad_queue(uring *t)
{
	struct uring__sqe *pad = uring__sqe_at(t, t->sq.sqe_tail);
	memset(pad, 0, sizeof(*pad));
	pad->opcode = IORING_OP_NOP;
	pad->fd = -1;
	pad->flags = IOSQE_CQE_SKIP_SUCCESS | pad_link_flags(t);
	pad->user_data = URING__PAD_DATA;
	t->sq.sqe_tail++;
}

struct uring__sqe *uring__sqe_next_wide(uring *t)
{
	if (!uring__sqe_mixed(t))
		return uring__sqe_next(t);
	uint32_t pad = (uint32_t)at_last_slot(t);
	if (!sq_room(t, pad + 2)) {
		/* Only the padding fits: queue it now (unless a chain is open,
		 * which a submit would split: uring__sq_full says -ENOSPC), so
		 * the retry after a submit starts at slot 0.  Else a 2-entry SQ
		 * with the tail at its last slot would never take the op. */
		if (pad && sq_room(t, 1) && uring__sq_full(t) == 0)
			pad_queue(t);
		return NULL;
	}
	struct uring__sqe *sqe = uring__sqe_at(t, t->sq.sqe_tail + pad);
	memset(sqe, 0, 2 * sizeof(*sqe));
	return sqe;
}

uring_job uring__sqe_commit_wide(uring *t, struct uring__sqe *sqe, void *data)
{
	if (!uring__sqe_mixed(t))
		return uring__sqe_commit(t, sqe, data);
	uint32_t tail = t->sq.sqe_tail;
	uint32_t pad = (uint32_t)at_last_slot(t);
	assert(sqe == uring__sqe_at(t, tail + pad));
	if (pad) {
		/* The op's SQE at slot 0 was filled without touching the last
		 * slot, so the padding can be written first and taken back. */
		pad_queue(t);
	}
	uring_job job = uring__sqe_commit(t, sqe, data);
	if (job < 0) {
		t->sq.sqe_tail = tail;   /* nothing queued, padding included */
		return job;
	}
	t->sq.sqe_tail++;            /* the second half */
	t->sq.wide_end = t->sq.sqe_tail;
	return job;
}

void uring__sq_pad_relink(uring *t, uint32_t pos)
{
	if (!uring__sqe_mixed(t))
		return;
	const struct uring__sqe *sqe = uring__sqe_at(t, pos);
	uint32_t next = pos + uring__sqe_slots(t, sqe);
	if (!uring__sqe_unpublished(t, next))
		return;
	struct uring__sqe *pad = uring__sqe_at(t, next);
	if (pad->user_data == URING__PAD_DATA)
		pad->flags = (uint8_t)(IOSQE_CQE_SKIP_SUCCESS | (sqe->flags & LINK_FLAGS));
}

int uring__sq_wide_fits(const uring *t, uint32_t new_entries)
{
	if (!uring__sqe_mixed(t))
		return 0;
	/* The kernel copies SQ slots by position into the new ring, as we
	 * copy the unpublished ones; its head is always between two ops. */
	uint32_t new_mask = uring__pow2_at_least(new_entries) - 1;
	for (uint32_t pos = uring__sq_head(t); pos != t->sq.sqe_tail;) {
		uint32_t n = uring__sqe_slots(t, uring__sqe_at(t, pos));
		if (n == 2 && (pos & new_mask) == new_mask)
			return -EBUSY;
		pos += n;
	}
	return 0;
}
