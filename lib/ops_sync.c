/* SPDX-License-Identifier: ISC */
/*
 * Range ops on files and memory: IORING_OP_SYNC_FILE_RANGE (5.2),
 * IORING_OP_FADVISE and IORING_OP_MADVISE (5.6).  Flags and advice values
 * are the kernel's to check (-EINVAL completions), as for the syscalls.
 */
#include <stdint.h>

#include "ring.h"

/* off + len as the kernel's signed loff_t, as ops_file.c's range_check. */
static int range_ok(uint64_t off, uint64_t len)
{
	return off <= INT64_MAX && len <= INT64_MAX - off;
}

uring_job uring_sync_file_range(uring *t, int fd, uint64_t off, uint32_t len, unsigned flags,
				void *data)
{
	if (!t || !range_ok(off, len))
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_SYNC_FILE_RANGE;
	sqe->fd = fd;
	sqe->off = off;
	sqe->len = len;
	sqe->sync_range_flags = flags;
	return uring__sqe_commit(t, sqe, data);
}

/*
 * A length that fits 32 bits goes in sqe->len, which every kernel with
 * the opcode reads; a longer one in the 64-bit field newer kernels read
 * first (addr for fadvise, off for madvise: liburing's *_advise64), which
 * older ones refuse with an -EINVAL completion rather than truncate.
 */
static void advise_len(struct uring__sqe *sqe, uint64_t len, uint64_t *wide)
{
	if (len <= UINT32_MAX)
		sqe->len = (uint32_t)len;
	else
		*wide = len;
}

uring_job uring_fadvise(uring *t, int fd, uint64_t off, uint64_t len, int advice, void *data)
{
	if (!t || !range_ok(off, len))
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_FADVISE;
	sqe->fd = fd;
	sqe->off = off;
	advise_len(sqe, len, &sqe->addr);
	sqe->fadvise_advice = (uint32_t)advice;
	return uring__sqe_commit(t, sqe, data);
}

uring_job uring_madvise(uring *t, void *addr, uint64_t len, int advice, void *data)
{
	if (!t)
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_MADVISE;
	sqe->fd = -1;
	sqe->addr = uring__ptr(addr);
	advise_len(sqe, len, &sqe->off);
	sqe->fadvise_advice = (uint32_t)advice;
	return uring__sqe_commit(t, sqe, data);
}
