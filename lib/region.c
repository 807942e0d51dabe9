/* SPDX-License-Identifier: ISC */
/*
 * Region: fixed-size blocks carved out of a buffer, normally the ring's
 * fixed buffer, as OCaml's Uring.Region.  Differences, each to turn a
 * silent corruption into an error: a zero block size, a NULL buffer or a
 * buffer smaller than one block are refused (EINVAL) rather than giving an
 * empty region; freeing a chunk twice, or a chunk that was never handed
 * out, is -EINVAL (OCaml's Region.free would queue it twice); running out
 * is -ENOSPC (OCaml raises No_space).  Trailing bytes after the last whole
 * block are not used, as in OCaml.
 */
#include <assert.h>
#include <errno.h>
#include <stdlib.h>

#include "region.h"

uring_region *uring_region_create(void *buf, size_t len, size_t block_size)
{
	if (!buf || block_size == 0 || len < block_size || len / block_size > UINT32_MAX) {
		errno = EINVAL;
		return NULL;
	}
	uint32_t blocks = (uint32_t)(len / block_size);
	uring_region *r = calloc(1, sizeof(*r));
	if (r) {
		r->queue = malloc(sizeof(*r->queue) * blocks);
		r->taken = calloc((blocks + 63u) / 64u, sizeof(*r->taken));
	}
	if (!r || !r->queue || !r->taken) {
		uring_region_destroy(r);
		errno = ENOMEM;
		return NULL;
	}
	r->buf = buf;
	r->block_size = block_size;
	r->blocks = blocks;
	r->len = (size_t)blocks * block_size;
	for (uint32_t i = 0; i < blocks; i++)
		r->queue[i] = i;
	r->avail = blocks;
	return r;
}

void uring_region_destroy(uring_region *r)
{
	if (!r)
		return;
	free(r->queue);
	free(r->taken);
	free(r);
}

int uring_region_alloc(uring_region *r, uring_chunk *out)
{
	if (!r || !out)
		return -EINVAL;
	if (r->avail == 0)
		return -ENOSPC;
	uint32_t block = r->queue[r->head];
	assert(!uring__block_taken(r, block));
	r->head = (r->head + 1) % r->blocks;
	r->avail--;
	r->taken[block / 64] |= (uint64_t)1 << (block % 64);
	*out = (uring_chunk){ .region = r, .offset = (size_t)block * r->block_size };
	return 0;
}

int64_t uring__chunk_block(uring_chunk c)
{
	const uring_region *r = c.region;
	if (!r || c.offset % r->block_size != 0 || c.offset >= r->len)
		return -EINVAL;
	return (int64_t)(c.offset / r->block_size);
}

int uring_region_free(uring_chunk c)
{
	int64_t block = uring__chunk_block(c);
	if (block < 0)
		return (int)block;
	uring_region *r = c.region;
	if (!uring__block_taken(r, (uint32_t)block))
		return -EINVAL;   /* double free, or never handed out */
	assert(r->avail < r->blocks);
	r->queue[((uint64_t)r->head + r->avail) % r->blocks] = (uint32_t)block;
	r->avail++;
	r->taken[block / 64] &= ~((uint64_t)1 << (block % 64));
	return 0;
}

unsigned uring_region_avail(const uring_region *r)
{
	return r ? r->avail : 0;
}

size_t uring_region_block_size(const uring_region *r)
{
	return r ? r->block_size : 0;
}

/* NULL for a chunk that is no block of its region, so a bad chunk fails
 * loudly at its first use instead of pointing somewhere plausible. */
void *uring_chunk_ptr(uring_chunk c)
{
	if (uring__chunk_block(c) < 0)
		return NULL;
	return c.region->buf + c.offset;
}
