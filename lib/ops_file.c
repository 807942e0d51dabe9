/* SPDX-License-Identifier: ISC */
/*
 * Ops on an open file descriptor: vectored reads and writes, splice, poll,
 * the sync family, fallocate, ftruncate and close.  Each one is the
 * kernel's opcode with the fields its prep function reads, nothing else:
 * the SQE arrives zeroed (uring__sqe_next), and the kernel rejects stray
 * bits in fields an opcode does not use.
 */
#include <stdint.h>

#include "iovec.h"
#include "ring.h"

/* -1 is "use and advance the file position" (FEAT_RW_CUR_POS, 5.6);
 * any other negative offset would reach the kernel as a huge one. */
static int offset_check(int64_t file_offset)
{
	return file_offset < -1 ? -EINVAL : 0;
}

/*
 * IORING_OP_READV / WRITEV as preadv2(2) / pwritev2(2).  Unlike OCaml's
 * Uring.readv, which leaves a list longer than IOV_MAX to the kernel, the
 * count is checked here so that nothing is queued; rw_flags pass through,
 * and an RWF_* bit the kernel does not know completes with -EOPNOTSUPP.
 */
static uring_job rwv_queue(uring *t, uint8_t opcode, int fd, const struct iovec *iov,
			   unsigned iovcnt, int64_t file_offset, int rw_flags, void *data)
{
	if (!t)
		return -EINVAL;
	int ret = offset_check(file_offset);
	if (ret == 0)
		ret = uring__iov_check(iov, iovcnt);
	if (ret < 0)
		return ret;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	const struct iovec *copy;
	ret = uring__iov_copy(t, iov, iovcnt, &copy);
	if (ret < 0)
		return ret;
	uring__sqe_rw(sqe, opcode, fd, copy, iovcnt, (uint64_t)file_offset);
	sqe->rw_flags = rw_flags;
	return uring__sqe_commit(t, sqe, data);
}

uring_job uring_readv(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
		      int64_t file_offset, void *data)
{
	return rwv_queue(t, IORING_OP_READV, fd, iov, iovcnt, file_offset, 0, data);
}

uring_job uring_writev(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
		       int64_t file_offset, void *data)
{
	return rwv_queue(t, IORING_OP_WRITEV, fd, iov, iovcnt, file_offset, 0, data);
}

uring_job uring_readv2(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
		       int64_t file_offset, int rw_flags, void *data)
{
	return rwv_queue(t, IORING_OP_READV, fd, iov, iovcnt, file_offset, rw_flags, data);
}

uring_job uring_writev2(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
			int64_t file_offset, int rw_flags, void *data)
{
	return rwv_queue(t, IORING_OP_WRITEV, fd, iov, iovcnt, file_offset, rw_flags, data);
}

/*
 * IORING_OP_SPLICE with both offsets -1, as OCaml's Uring.splice: the file
 * position of a non-pipe end is used and advanced, and one end must be a
 * pipe (else the kernel completes with -EINVAL).
 */
uring_job uring_splice(uring *t, int fd_in, int fd_out, unsigned len, void *data)
{
	if (!t)
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_SPLICE;
	sqe->fd = fd_out;
	sqe->off = UINT64_MAX;            /* off_out: -1 */
	sqe->splice_off_in = UINT64_MAX;  /* off_in: -1 */
	sqe->splice_fd_in = fd_in;
	sqe->len = len;
	return uring__sqe_commit(t, sqe, data);
}

/*
 * Single-shot IORING_OP_POLL_ADD, as OCaml's Uring.poll_add: the result is
 * the revents mask.  poll32_events is read by the kernel as a little-endian
 * pair of halfwords (swahw32 on big-endian hosts), so it is swapped back
 * here where that applies.
 */
/* The kernel reads poll32_events with swahw32 on big-endian machines. */
static uint32_t poll_events(unsigned poll_mask)
{
	uint32_t events = poll_mask;
#if defined(__BYTE_ORDER__) && __BYTE_ORDER__ == __ORDER_BIG_ENDIAN__
	events = (events << 16) | (events >> 16);
#endif
	return events;
}

static uring_job poll_queue(uring *t, int fd, unsigned poll_mask, uint32_t poll_flags, void *data)
{
	if (!t)
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_POLL_ADD;
	sqe->fd = fd;
	sqe->poll32_events = poll_events(poll_mask);
	sqe->len = poll_flags;
	return uring__sqe_commit(t, sqe, data);
}

uring_job uring_poll_add(uring *t, int fd, unsigned poll_mask, void *data)
{
	return poll_queue(t, fd, poll_mask, 0, data);
}

/* IORING_POLL_ADD_MULTI (5.13): the poll stays armed after each event. */
uring_job uring_poll_multishot(uring *t, int fd, unsigned poll_mask, void *data)
{
	return poll_queue(t, fd, poll_mask, IORING_POLL_ADD_MULTI, data);
}

/*
 * IORING_OP_POLL_REMOVE with IORING_POLL_UPDATE_EVENTS (5.13): re-arms the
 * poll poll_job with poll_mask.  The kernel replaces only the low 16 event
 * bits, so the poll stays multishot or single-shot as it was queued.  The
 * target is named by its full id; its user_data stays (the heap maps it),
 * so what its completions carry is changed with uring_job_set_data.
 */
uring_job uring_poll_update(uring *t, uring_job poll_job, unsigned poll_mask, void *data)
{
	if (!t)
		return -EINVAL;
	if (!uring__heap_lookup(&t->heap, poll_job))
		return -ENOENT;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_POLL_REMOVE;
	sqe->fd = -1;
	sqe->addr = (uint64_t)poll_job;
	sqe->len = IORING_POLL_UPDATE_EVENTS;
	sqe->poll32_events = poll_events(poll_mask);
	return uring__sqe_commit(t, sqe, data);
}

/*
 * The kernel computes off + len as a signed loff_t, and sync_file_range /
 * fallocate reject negative values; refusing them here gives the same
 * -EINVAL without queueing anything.
 */
static int range_check(uint64_t off, uint64_t len)
{
	if (off > INT64_MAX || len > INT64_MAX - off)
		return -EINVAL;
	return 0;
}

static uring_job fsync_queue(uring *t, int fd, uint64_t off, uint32_t len, uint32_t flags, void *data)
{
	if (!t || range_check(off, len) < 0)
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_FSYNC;
	sqe->fd = fd;
	sqe->off = off;
	sqe->len = len;
	sqe->fsync_flags = flags;
	return uring__sqe_commit(t, sqe, data);
}

/* IORING_OP_FSYNC over [off, off+len), 0,0 being the whole file, as
 * OCaml's Uring.fsync; the kernel syncs from off to the end when len is 0. */
uring_job uring_fsync(uring *t, int fd, uint64_t off, uint32_t len, void *data)
{
	return fsync_queue(t, fd, off, len, 0, data);
}

uring_job uring_fdatasync(uring *t, int fd, uint64_t off, uint32_t len, void *data)
{
	return fsync_queue(t, fd, off, len, IORING_FSYNC_DATASYNC, data);
}

/* IORING_OP_FALLOCATE (5.6) as fallocate(2): the kernel takes the mode in
 * sqe->len and the length in sqe->addr.  Mode bits are the kernel's to check. */
uring_job uring_fallocate(uring *t, int fd, int mode, uint64_t off, uint64_t len, void *data)
{
	if (!t || range_check(off, len) < 0)
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_FALLOCATE;
	sqe->fd = fd;
	sqe->off = off;
	sqe->addr = len;
	sqe->len = (uint32_t)mode;
	return uring__sqe_commit(t, sqe, data);
}

/* IORING_OP_FTRUNCATE (6.9) as ftruncate(2).  Where OCaml's
 * Uring.ftruncate completes with -EINVAL on an older kernel, this returns
 * -EOPNOTSUPP, nothing queued (uring__sqe_commit). */
uring_job uring_ftruncate(uring *t, int fd, uint64_t len, void *data)
{
	if (!t || len > INT64_MAX)
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_FTRUNCATE;
	sqe->fd = fd;
	sqe->off = len;
	return uring__sqe_commit(t, sqe, data);
}

/* IORING_OP_CLOSE (5.6) as close(2): a bad fd completes with -EBADF, and,
 * as with close(2), an fd is released even when the result is an error
 * (so a close is never retried). */
uring_job uring_close(uring *t, int fd, void *data)
{
	if (!t)
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_CLOSE;
	sqe->fd = fd;
	return uring__sqe_commit(t, sqe, data);
}
