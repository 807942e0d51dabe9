/* SPDX-License-Identifier: ISC */
/* A provided-buffer ring (buf_ring.c), shared with the multishot recv. */
#ifndef CURING_LIB_BUF_RING_H
#define CURING_LIB_BUF_RING_H

#include <stdint.h>

#include "hold.h"
#include "ring.h"

/*
 * Where each buffer stands between the kernel, the completions collected
 * and the caller.  got: bytes of it the collected completions delivered
 * (an incremental ring's buffer fills across several); taken: bytes of
 * those the caller was given by uring_buf_ring_pieces; pos: the ring
 * position it was last published at; next: in a bundle, the buffer the
 * same completion went on into (recorded at collection, while the ring
 * entries still say so).
 */
struct uring__buf_state {
	uint32_t len;            /* bytes published: buf_size, or what a send ring was given */
	uint32_t got, taken;
	uint16_t pos, next;
	uint16_t failed;         /* a send ring's failed send started here: 1 + the
				  * buffers it consumed, walked once as empty pieces;
				  * 0: none, or walked */
};

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
	struct uring__buf_state *st; /* nbufs entries, by buffer id */
	unsigned inc;                /* IOU_PBUF_RING_INC: buffers consumed in pieces */
	unsigned send;               /* URING_BUF_RING_SEND: filled by the caller, sent */
	struct uring__hold jobs;     /* multishot recvs that select from it */
	struct uring_buf_ring *next; /* on ring_owner->buf_rings */
};

/* The multishot ops that select from br (recv, read): 0 with room to
 * record the job on br, or -EINVAL (no br, another ring's, or a send
 * ring), -ENOMEM. */
int uring__buf_ring_reserve(uring *t, uring_buf_ring *br);
/* The same for a send selecting from br, which must be a send ring. */
int uring__buf_ring_reserve_send(uring *t, uring_buf_ring *br);
/* Makes sqe select from br's group, commits it, and records the job on br
 * so that br cannot be destroyed while the kernel may write into it. */
uring_job uring__buf_ring_commit(uring *t, uring_buf_ring *br, struct uring__sqe *sqe, void *data);

/* A recv selecting from br (ops_bundle.c), ioprio IORING_RECV_MULTISHOT
 * and/or IORING_RECVSEND_BUNDLE; -EOPNOTSUPP where the kernel lacks one. */
uring_job uring__recv_select(uring *t, int fd, uring_buf_ring *br, int flags, uint16_t ioprio,
			     void *data);

/* A completion of a job selecting from group used buffer bid (and, for a
 * bundle, the buffers after it in the ring), holding res bytes; cqe_flags
 * tell whether the kernel keeps the rest (complete_cqe, for CQEs with
 * IORING_CQE_F_BUFFER). */
void uring__buf_ring_lend(uring *t, uint16_t group, unsigned bid, int32_t res, uint32_t cqe_flags);
/* Is bid lent (handed to the caller whole, not yet recycled)? */
int uring__buf_ring_is_lent(const uring_buf_ring *br, unsigned bid);
/* From uring_exit.  In a forked child (parent_ring 0), only the child's
 * own copies are freed: no unregister call reaches the shared ring, and
 * the ring pages (MADV_DONTFORK) are not mapped in the child at all. */
void uring__buf_rings_release(uring *t, int parent_ring);

#endif
