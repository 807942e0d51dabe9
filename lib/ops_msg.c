/* SPDX-License-Identifier: ISC */
/* Completions posted to another ring: IORING_OP_MSG_RING (5.18). */
#include "ring.h"

#define MESSAGE_BIT (UINT64_C(1) << 63)

/*
 * IORING_MSG_DATA: the target gets a CQE with res = result and user_data =
 * the message with bit 63 set.  Job ids never have bit 63 set, so the
 * target's complete_one (ring.c) tells a message from a job without a heap
 * lookup, and a message can never be taken for, or free, one of its jobs.
 * The target is named by its ring fd, not the registered index: that index
 * is in our thread's table for our ring only.
 */
uring_job uring_msg_ring(uring *t, const uring *target, int32_t result, uint64_t message, void *data)
{
	if (!t || !target || (message & MESSAGE_BIT))
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_MSG_RING;
	sqe->fd = target->ring_fd;
	sqe->addr = IORING_MSG_DATA;
	sqe->len = (uint32_t)result;
	sqe->off = message | MESSAGE_BIT;
	return uring__sqe_commit(t, sqe, data);
}
