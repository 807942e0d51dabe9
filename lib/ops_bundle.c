/* SPDX-License-Identifier: ISC */
/*
 * Receives into a buffer ring: multishot (6.0) and bundles (6.10), where
 * one completion takes as many consecutive buffers of the ring as the data
 * waiting fills.  All are IORING_OP_RECV with buffer selection and len 0
 * (the kernel takes each buffer's own length), told apart by sqe->ioprio.
 * Each job is recorded on br, so that br cannot be destroyed while the
 * kernel may still write into its buffers.
 */
#include <sys/socket.h>

#include "buf_ring.h"

uring_job uring__recv_select(uring *t, int fd, uring_buf_ring *br, int flags, uint16_t ioprio,
			     void *data)
{
	/* MSG_WAITALL: the kernel refuses it with multishot, and a bundle
	 * already takes all that is waiting. */
	if (!t || (flags & MSG_WAITALL))
		return -EINVAL;
	int ret = uring__buf_ring_reserve(t, br);
	if (ret < 0)
		return ret;
	if ((ioprio & IORING_RECV_MULTISHOT) && !uring__has(t, URING_FEATURE_RECV_MULTISHOT))
		return -EOPNOTSUPP;   /* 5.19's buffer rings, without 6.0's multishot */
	if ((ioprio & IORING_RECVSEND_BUNDLE) && !uring__has(t, URING_FEATURE_RECV_BUNDLE))
		return -EOPNOTSUPP;   /* before 6.10 the kernel answers EINVAL */
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_RECV;
	sqe->fd = fd;
	sqe->ioprio = ioprio;
	sqe->msg_flags = (uint32_t)flags;
	return uring__buf_ring_commit(t, br, sqe, data);
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
