/* SPDX-License-Identifier: ISC */
/* Ops on the ring itself: noop (IORING_OP_NOP, NOP128) and cancel (IORING_OP_ASYNC_CANCEL). */
#include "ring.h"

uring_job uring_noop(uring *t, void *data)
{
	if (!t)
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_NOP;
	sqe->fd = -1;
	return uring__sqe_commit(t, sqe, data);
}

/* IORING_OP_NOP128 (6.19): a NOP in a 128-byte SQE, on an SQE_MIXED ring
 * (two slots, sq_wide.c) or an SQE128 one.  Elsewhere the kernel would
 * fail it with -EINVAL: refused here with nothing queued. */
uring_job uring_nop128(uring *t, void *data)
{
	if (!t)
		return -EINVAL;
	int ret = uring__sq_wide_check(t);
	if (ret < 0)
		return ret;
	struct uring__sqe *sqe = uring__sqe_next_wide(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_NOP128;
	sqe->fd = -1;
	return uring__sqe_commit_wide(t, sqe, data);
}

/*
 * Matches OCaml's Uring.cancel, except that a target already collected is
 * reported as -ENOENT rather than raised, and that the target is named by
 * its full id (generation included), so the kernel can only ever match the
 * job the caller meant: the cancel SQE's addr is compared with user_data.
 * The target's slot is freed by the target's own completion, never here.
 */
uring_job uring_cancel(uring *t, uring_job job, void *data)
{
	if (!t)
		return -EINVAL;
	if (!uring__heap_lookup(&t->heap, job))
		return -ENOENT;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_ASYNC_CANCEL;
	sqe->fd = -1;
	sqe->addr = (uint64_t)job;
	return uring__sqe_commit(t, sqe, data);
}
