/* SPDX-License-Identifier: ISC */
/*
 * Plain reads and writes: IORING_OP_READ / IORING_OP_WRITE (5.6+), with
 * RWF_* flags (the "2" variants) as preadv2(2) / pwritev2(2).  The flags
 * pass through unchecked: which RWF_* bits exist depends on the kernel
 * (RWF_ATOMIC 6.11, RWF_DONTCACHE 6.14), and the kernel's io_prep_rw ->
 * kiocb_set_rw_flags answers an unknown one with an -EOPNOTSUPP completion.
 * Also the multishot read (IORING_OP_READ_MULTISHOT, 6.7).
 */
#include "buf_ring.h"
#include "ring.h"

/* file_offset -1 is the kernel's "use and advance the file position"
 * (FEAT_RW_CUR_POS); any other negative offset is refused here. */
static int rw_check(const uring *t, const void *buf, unsigned len, int64_t file_offset)
{
	if (!t || file_offset < -1)
		return -EINVAL;
	if (!buf && len)
		return -EFAULT;
	return 0;
}

static uring_job rw_queue(uring *t, uint8_t opcode, int fd, const void *buf, unsigned len,
			  int64_t file_offset, int rw_flags, void *data)
{
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	uring__sqe_rw(sqe, opcode, fd, buf, len, (uint64_t)file_offset);
	sqe->rw_flags = (uint32_t)rw_flags;
	return uring__sqe_commit(t, sqe, data);
}

uring_job uring_read2(uring *t, int fd, void *buf, unsigned len, int64_t file_offset, int rw_flags,
		     void *data)
{
	int ret = rw_check(t, buf, len, file_offset);
	return ret < 0 ? ret : rw_queue(t, IORING_OP_READ, fd, buf, len, file_offset, rw_flags, data);
}

uring_job uring_write2(uring *t, int fd, const void *buf, unsigned len, int64_t file_offset,
		      int rw_flags, void *data)
{
	int ret = rw_check(t, buf, len, file_offset);
	return ret < 0 ? ret : rw_queue(t, IORING_OP_WRITE, fd, buf, len, file_offset, rw_flags, data);
}

uring_job uring_read(uring *t, int fd, void *buf, unsigned len, int64_t file_offset, void *data)
{
	return uring_read2(t, fd, buf, len, file_offset, 0, data);
}

uring_job uring_write(uring *t, int fd, const void *buf, unsigned len, int64_t file_offset, void *data)
{
	return uring_write2(t, fd, buf, len, file_offset, 0, data);
}

/*
 * One job reading a pollable fd (a pipe, an eventfd, a tty, a socket) each
 * time data arrives, into a buffer of br: as uring_recv_multishot.
 * io_read_mshot_prep wants buffer selection and no address or length (each
 * buffer's own length is used); the fd has no position, so offset 0.
 */
uring_job uring_read_multishot(uring *t, int fd, uring_buf_ring *br, void *data)
{
	if (!t)
		return -EINVAL;
	int ret = uring__buf_ring_reserve(t, br);
	if (ret < 0)
		return ret;
	if (!uring_op_supported(t, URING_OP_READ_MULTISHOT))
		return -EOPNOTSUPP;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_READ_MULTISHOT;
	sqe->fd = fd;
	return uring__buf_ring_commit(t, br, sqe, data);
}
