/* SPDX-License-Identifier: ISC */
/*
 * The registered (fixed) buffer, OCaml's Uring.set_fixed_buffer, and the
 * ops that use it: READ_FIXED / WRITE_FIXED (5.1), READV_FIXED /
 * WRITEV_FIXED (6.15), and the Region chunk ops built on them.  The buffer
 * is always registration index 0 (buf_index 0 in the SQE, zeroed by
 * uring__sqe_next), as in OCaml: entry 0 of the buffer table (buffers.c),
 * which this registers as a table of one, replacing any table.
 *
 * Where OCaml leaves a bad range to the kernel (which completes with
 * -EFAULT), every range here is checked against the buffer first and
 * refused with -EINVAL, nothing queued: the library knows the buffer's
 * bounds, so the caller hears about a bad offset at the call that made it.
 */
#include <stdint.h>

#include "iovec.h"
#include "region.h"
#include "ring.h"

/*
 * The ring must be idle (-EBUSY, as OCaml's Invalid_argument): a queued
 * fixed op has its address computed against the current buffer.  The old
 * buffer (or table) is unregistered first because the kernel holds one
 * table and answers -EBUSY to a second REGISTER_BUFFERS; so a failed registration
 * leaves no buffer registered (as in OCaml).  -ENOMEM is RLIMIT_MEMLOCK
 * (pinned pages are charged to it unless the ring's creator had
 * CAP_IPC_LOCK); other errors are the kernel's (-EFAULT: memory that
 * cannot be pinned, or more than the kernel's 1 GiB per buffer).
 */
int uring_set_fixed_buffer(uring *t, void *buf, size_t len)
{
	if (!t)
		return -EINVAL;
	if (!buf && len > 0)
		return -EFAULT;
	if (uring_active_ops(t) > 0)
		return -EBUSY;
	int ret = uring__buffers_drop(t);
	if (ret < 0 || len == 0)
		return ret;
	struct iovec iov = { .iov_base = buf, .iov_len = len };
	return uring__buffers_set(t, &iov, 1);
}

void *uring_fixed_buffer(const uring *t, size_t *len)
{
	if (len)
		*len = t ? t->fixed_len : 0;
	return t ? t->fixed_buf : NULL;
}

/* [off, off+len) inside the fixed buffer; with none registered nothing is. */
static int fixed_range_check(const uring *t, size_t off, size_t len)
{
	if (!t->fixed_buf || off > t->fixed_len || len > t->fixed_len - off)
		return -EINVAL;
	return 0;
}

static uring_job fixed_queue(uring *t, uint8_t opcode, int fd, size_t off, unsigned len,
			     int64_t file_offset, int rw_flags, void *data)
{
	if (!t || file_offset < -1)
		return -EINVAL;
	int ret = fixed_range_check(t, off, len);
	if (ret < 0)
		return ret;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	uring__sqe_rw(sqe, opcode, fd, (uint8_t *)t->fixed_buf + off, len, (uint64_t)file_offset);   /* buf_index 0 */
	sqe->rw_flags = (uint32_t)rw_flags;   /* as in ops_rw.c: the kernel's to check */
	return uring__sqe_commit(t, sqe, data);
}

uring_job uring_read_fixed2(uring *t, int fd, size_t off, unsigned len, int64_t file_offset,
			    int rw_flags, void *data)
{
	return fixed_queue(t, IORING_OP_READ_FIXED, fd, off, len, file_offset, rw_flags, data);
}

uring_job uring_write_fixed2(uring *t, int fd, size_t off, unsigned len, int64_t file_offset,
			     int rw_flags, void *data)
{
	return fixed_queue(t, IORING_OP_WRITE_FIXED, fd, off, len, file_offset, rw_flags, data);
}

uring_job uring_read_fixed(uring *t, int fd, size_t off, unsigned len, int64_t file_offset, void *data)
{
	return uring_read_fixed2(t, fd, off, len, file_offset, 0, data);
}

uring_job uring_write_fixed(uring *t, int fd, size_t off, unsigned len, int64_t file_offset, void *data)
{
	return uring_write_fixed2(t, fd, off, len, file_offset, 0, data);
}

/* Every iovec inside the fixed buffer, as OCaml's "Buffer does not belong
 * to ring's fixed buffer!" (and the kernel's -EFAULT), zero-length ones too. */
static int iov_in_fixed(const uring *t, const struct iovec *iov, unsigned iovcnt)
{
	uintptr_t base = (uintptr_t)t->fixed_buf;
	for (unsigned i = 0; i < iovcnt; i++) {
		uintptr_t p = (uintptr_t)iov[i].iov_base;
		if (!t->fixed_buf || p < base || fixed_range_check(t, p - base, iov[i].iov_len) < 0)
			return -EINVAL;
	}
	return 0;
}

/*
 * READV_FIXED / WRITEV_FIXED (6.15): iovecs of absolute addresses, each a
 * piece of the fixed buffer.  -EOPNOTSUPP on a kernel without them, as for
 * every opcode (uring__sqe_commit).
 */
static uring_job fixedv_queue(uring *t, uint8_t opcode, int fd, const struct iovec *iov,
			      unsigned iovcnt, int64_t file_offset, int rw_flags, void *data)
{
	if (!t || file_offset < -1)
		return -EINVAL;
	int ret = uring__iov_check(iov, iovcnt);
	if (ret == 0)
		ret = iov_in_fixed(t, iov, iovcnt);
	if (ret < 0)
		return ret;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	const struct iovec *copy;
	ret = uring__iov_copy(t, iov, iovcnt, &copy);
	if (ret < 0)
		return ret;
	uring__sqe_rw(sqe, opcode, fd, copy, iovcnt, (uint64_t)file_offset);   /* buf_index 0 */
	sqe->rw_flags = (uint32_t)rw_flags;
	return uring__sqe_commit(t, sqe, data);
}

uring_job uring_readv_fixed2(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
			     int64_t file_offset, int rw_flags, void *data)
{
	return fixedv_queue(t, IORING_OP_READV_FIXED, fd, iov, iovcnt, file_offset, rw_flags, data);
}

uring_job uring_writev_fixed2(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
			      int64_t file_offset, int rw_flags, void *data)
{
	return fixedv_queue(t, IORING_OP_WRITEV_FIXED, fd, iov, iovcnt, file_offset, rw_flags, data);
}

uring_job uring_readv_fixed(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
			    int64_t file_offset, void *data)
{
	return uring_readv_fixed2(t, fd, iov, iovcnt, file_offset, 0, data);
}

uring_job uring_writev_fixed(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
			     int64_t file_offset, void *data)
{
	return uring_writev_fixed2(t, fd, iov, iovcnt, file_offset, 0, data);
}

/*
 * A chunk's offset inside t's fixed buffer, or -EINVAL: len larger than a
 * block (OCaml: "requested length > block size"), a region that does not
 * lie inside the fixed buffer (OCaml: "Chunk does not belong to ring!",
 * which asks for the very same buffer; a region over part of it is
 * accepted here), or a chunk that is not currently allocated (freed, or
 * never handed out), which OCaml does not detect.
 */
static int64_t chunk_fixed_offset(const uring *t, uring_chunk c, unsigned len)
{
	int64_t block = uring__chunk_block(c);
	if (block < 0)
		return block;
	const struct uring_region *r = c.region;
	if (len > r->block_size || !uring__block_taken(r, (uint32_t)block))
		return -EINVAL;
	uintptr_t base = (uintptr_t)t->fixed_buf, start = (uintptr_t)r->buf;
	if (!t->fixed_buf || start < base || fixed_range_check(t, start - base, r->len) < 0)
		return -EINVAL;
	return (int64_t)(start - base + c.offset);
}

uring_job uring_read_chunk2(uring *t, int fd, uring_chunk c, unsigned len, int64_t file_offset,
			    int rw_flags, void *data)
{
	if (!t)
		return -EINVAL;
	int64_t off = chunk_fixed_offset(t, c, len);
	return off < 0 ? off : uring_read_fixed2(t, fd, (size_t)off, len, file_offset, rw_flags, data);
}

uring_job uring_write_chunk2(uring *t, int fd, uring_chunk c, unsigned len, int64_t file_offset,
			     int rw_flags, void *data)
{
	if (!t)
		return -EINVAL;
	int64_t off = chunk_fixed_offset(t, c, len);
	return off < 0 ? off : uring_write_fixed2(t, fd, (size_t)off, len, file_offset, rw_flags, data);
}

uring_job uring_read_chunk(uring *t, int fd, uring_chunk c, unsigned len, int64_t file_offset, void *data)
{
	return uring_read_chunk2(t, fd, c, len, file_offset, 0, data);
}

uring_job uring_write_chunk(uring *t, int fd, uring_chunk c, unsigned len, int64_t file_offset, void *data)
{
	return uring_write_chunk2(t, fd, c, len, file_offset, 0, data);
}
