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
	struct uring__hold jobs;     /* multishot recvs that select from it */
	struct uring_buf_ring *next; /* on ring_owner->buf_rings */
};

#endif
