/* SPDX-License-Identifier: ISC */
/* Completions posted to another ring, and registered files passed to one:
 * IORING_OP_MSG_RING (5.18; IORING_MSG_SEND_FD 6.0). */
#include "direct.h"
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

/*
 * IORING_MSG_SEND_FD (6.0): the kernel installs the file in t's slot
 * src_slot into target's table (dst_slot + 1 in file_index, or
 * IORING_FILE_INDEX_ALLOC), then posts target a CQE with user_data = the
 * message with bit 63 set (a message, as above) and res = the slot it
 * chose or 0.  src_slot goes raw in addr3.  The source slot keeps its
 * file: a send is a copy, and a move is a send followed by
 * uring_close_direct.  Only target's fd is read here: its table belongs to
 * the thread that uses it, so a slot outside it is the kernel's -EINVAL
 * (or -ENXIO with no table) in this job's completion.
 */
uring_job uring_msg_ring_fd(uring *t, const uring *target, unsigned src_slot, unsigned dst_slot,
			    uint64_t message, void *data)
{
	if (!t || !target || target == t || (message & MESSAGE_BIT))
		return -EINVAL;
	if (!t->files_registered)
		return -ENXIO;
	if (src_slot >= t->files_registered)
		return -EBADF;
	if (!uring_op_supported(t, URING_OP_SEND_ZC))   /* SEND_FD's release, 6.0 */
		return -EOPNOTSUPP;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_MSG_RING;
	sqe->fd = target->ring_fd;
	sqe->addr = IORING_MSG_SEND_FD;
	sqe->off = message | MESSAGE_BIT;
	sqe->addr3.addr3 = src_slot;
	sqe->file_index = uring__direct_file_index(dst_slot);
	return uring__sqe_commit(t, sqe, data);
}
