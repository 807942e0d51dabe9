/* SPDX-License-Identifier: ISC */
/* A provided-buffer ring (buf_ring.c), shared with the multishot recv. */
#ifndef CURING_LIB_BUF_RING_H
#define CURING_LIB_BUF_RING_H

#include <stdint.h>

#include "hold.h"
#include "ring.h"

struct uring_buf_ring {
	uring *ring_owner;           /* the ring it is registered on */
	struct uring__buf *ring;     /* nbufs entries, page-aligned, shared with the kernel */
	uint8_t *bufs;               /* nbufs * buf_size bytes */
	size_t ring_bytes, bufs_bytes;
	size_t buf_size;
	uint32_t nbufs;              /* a power of two */
	uint16_t group;
	uint16_t tail;               /* ours: entries published so far (mod 2^16) */
	uint64_t *lent;              /* one bit per buffer id: handed to the caller by a
				      * completion and not yet recycled */
	struct uring__hold jobs;     /* multishot recvs that select from it */
	struct uring_buf_ring *next; /* on ring_owner->buf_rings */
};

/* The multishot ops that select from br (recv, read): 0 with room to
 * record the job on br, or -EINVAL (no br, or another ring's), -ENOMEM. */
int uring__buf_ring_reserve(uring *t, uring_buf_ring *br);
/* Makes sqe select from br's group, commits it, and records the job on br
 * so that br cannot be destroyed while the kernel may write into it. */
uring_job uring__buf_ring_commit(uring *t, uring_buf_ring *br, struct uring__sqe *sqe, void *data);

/* A completion of a job selecting from group handed buffer bid, holding
 * res bytes, to the caller (complete_one, for CQEs with IORING_CQE_F_BUFFER). */
void uring__buf_ring_lend(uring *t, uint16_t group, unsigned bid, int32_t res);
/* From uring_exit.  In a forked child (parent_ring 0), only the child's
 * own copies are freed: no unregister call reaches the shared ring, and
 * the ring pages (MADV_DONTFORK) are not mapped in the child at all. */
void uring__buf_rings_release(uring *t, int parent_ring);

#endif
