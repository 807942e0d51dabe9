/* SPDX-License-Identifier: ISC */
/*
 * Receives into a buffer ring: multishot (6.0) and bundles (6.10), where
 * one completion takes as many consecutive buffers of the ring as the data
 * waiting fills; and send bundles (6.10), which send the buffers the
 * caller pushed.  All are IORING_OP_RECV or _SEND with buffer selection
 * and len 0 (the kernel takes each buffer's own length), told apart by
 * sqe->ioprio.
 * Each job is recorded on br, so that br cannot be destroyed while the
 * kernel may still write into its buffers.
 */
#include <sys/socket.h>

#include "buf_ring.h"

/* A recv or send selecting from br: the ring must be of the direction's
 * kind (a send ring holds the caller's data, a receive ring empty space). */
static uring_job select_queue(uring *t, int fd, uring_buf_ring *br, int flags, uint8_t opcode,
			      uint16_t ioprio, void *data)
{
	/* MSG_WAITALL: the kernel refuses it with multishot, and a bundle
	 * already takes all that is waiting. */
	if (!t || (flags & MSG_WAITALL))
		return -EINVAL;
	int ret = opcode == IORING_OP_SEND ? uring__buf_ring_reserve_send(t, br) :
					     uring__buf_ring_reserve(t, br);
	if (ret < 0)
		return ret;
	if ((ioprio & IORING_RECV_MULTISHOT) && !uring__has(t, URING_FEATURE_RECV_MULTISHOT))
		return -EOPNOTSUPP;   /* 5.19's buffer rings, without 6.0's multishot */
	/* Before 6.10 the kernel answers EINVAL. */
	unsigned bundle = opcode == IORING_OP_SEND ? URING_FEATURE_SEND_BUNDLE : URING_FEATURE_RECV_BUNDLE;
	if ((ioprio & IORING_RECVSEND_BUNDLE) && !uring__has(t, bundle))
		return -EOPNOTSUPP;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = opcode;
	sqe->fd = fd;
	sqe->ioprio = ioprio;
	sqe->msg_flags = (uint32_t)flags;
	return uring__buf_ring_commit(t, br, sqe, data);
}

uring_job uring__recv_select(uring *t, int fd, uring_buf_ring *br, int flags, uint16_t ioprio,
			     void *data)
{
	return select_queue(t, fd, br, flags, IORING_OP_RECV, ioprio, data);
}

uring_job uring_recv_bundle(uring *t, int fd, uring_buf_ring *br, int flags, void *data)
{
	return uring__recv_select(t, fd, br, flags, IORING_RECVSEND_BUNDLE, data);
}

uring_job uring_recv_multishot_bundle(uring *t, int fd, uring_buf_ring *br, int flags, void *data)
{
	return uring__recv_select(t, fd, br, flags, IORING_RECV_MULTISHOT | IORING_RECVSEND_BUNDLE,
				  data);
}

/* The buffers pushed to br, in push order, sent as one stream. */
uring_job uring_send_bundle(uring *t, int fd, uring_buf_ring *br, int flags, void *data)
{
	return select_queue(t, fd, br, flags, IORING_OP_SEND, IORING_RECVSEND_BUNDLE, data);
}
