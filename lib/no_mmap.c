/* SPDX-License-Identifier: ISC */
/*
 * IORING_SETUP_NO_MMAP (6.5): the rings live in memory the application
 * provides (uring_options.ring_mem), pinned by the kernel, instead of
 * memory mapped from the ring fd.  The library lays it out as liburing
 * does: the SQEs from the start, then the SQ and CQ rings from the next
 * page.  The kernel pins exactly the sizes it computes from the entry
 * counts; the sizes here bound them from above (a header of at most 256
 * bytes before the CQEs, the SQ index array always counted, each part
 * padded to a cache line and then a page), so the kernel never pins
 * memory beyond what the caller gave.
 */
#include "ring.h"

#define HEADER_MAX 256u   /* struct io_rings before its cqes, with alignment */

static size_t page_round(size_t n)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	return (n + page - 1) & ~(page - 1);
}

/* Bytes of SQEs, page-rounded: where the rings start. */
static size_t sqes_bytes(unsigned depth, const uring_options *o)
{
	size_t sqe = (o->setup_flags & IORING_SETUP_SQE128) ? 128 : 64;
	return page_round(uring__pow2_at_least(depth) * sqe);
}

static size_t rings_bytes(unsigned depth, const uring_options *o)
{
	uint32_t sq = uring__pow2_at_least(depth);
	uint32_t cq = o->cq_entries ? uring__pow2_at_least(o->cq_entries) : 2 * sq;
	size_t cqe = (o->setup_flags & IORING_SETUP_CQE32) ? 32 : 16;
	return page_round(HEADER_MAX + (size_t)cq * cqe + HEADER_MAX + (size_t)sq * sizeof(uint32_t));
}

size_t uring_mem_size(unsigned queue_depth, const uring_options *opts)
{
	static const uring_options defaults;
	const uring_options *o = opts ? opts : &defaults;
	if (queue_depth == 0 || queue_depth > URING__MAX_ENTRIES)
		return 0;
	if (o->cq_entries && (o->cq_entries < queue_depth || o->cq_entries > URING__MAX_CQ_ENTRIES))
		return 0;
	return sqes_bytes(queue_depth, o) + rings_bytes(queue_depth, o);
}

int uring__no_mmap_check(unsigned depth, const uring_options *o)
{
	if (!o->ring_mem || ((uintptr_t)o->ring_mem & ((size_t)sysconf(_SC_PAGESIZE) - 1)))
		return -EINVAL;
	size_t need = uring_mem_size(depth, o);
	return (need && o->ring_mem_len >= need) ? 0 : -EINVAL;
}

void uring__no_mmap_params(unsigned depth, const uring_options *o, struct uring__params *p)
{
	p->sq_off.user_addr = uring__ptr(o->ring_mem);
	p->cq_off.user_addr = uring__ptr((uint8_t *)o->ring_mem + sqes_bytes(depth, o));
}
