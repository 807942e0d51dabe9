/* SPDX-License-Identifier: ISC */
/* The Region's layout, shared by region.c and the chunk ops in fixed.c. */
#ifndef CURING_LIB_REGION_H
#define CURING_LIB_REGION_H

#include <stddef.h>
#include <stdint.h>

#include "uring.h"

/*
 * Blocks are handed out FIFO from a circular queue of free block numbers,
 * as OCaml's Region (a Queue); `taken` has one bit per block, so a double
 * free or a chunk never handed out is detected instead of corrupting the
 * queue.  Invariant: avail == blocks not set in taken == queue length.
 */
struct uring_region {
	uint8_t *buf;
	size_t len;            /* bytes covered: blocks * block_size */
	size_t block_size;
	uint32_t blocks;
	uint32_t avail;
	uint32_t head;         /* queue[head] is the next block handed out */
	uint32_t *queue;
	uint64_t *taken;
};

/* The block a chunk names, or -EINVAL when c is no chunk of its region. */
int64_t uring__chunk_block(uring_chunk c);

static inline int uring__block_taken(const struct uring_region *r, uint32_t block)
{
	return (int)((r->taken[block / 64] >> (block % 64)) & 1);
}

#endif
