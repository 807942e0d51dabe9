/* SPDX-License-Identifier: ISC */
/* Plain reads and writes: IORING_OP_READ / IORING_OP_WRITE (5.6+). */
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
			  int64_t file_offset, void *data)
{
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	uring__sqe_rw(sqe, opcode, fd, buf, len, (uint64_t)file_offset);
	return uring__sqe_commit(t, sqe, data);
}

uring_job uring_read(uring *t, int fd, void *buf, unsigned len, int64_t file_offset, void *data)
{
	int ret = rw_check(t, buf, len, file_offset);
	return ret < 0 ? ret : rw_queue(t, IORING_OP_READ, fd, buf, len, file_offset, data);
}

uring_job uring_write(uring *t, int fd, const void *buf, unsigned len, int64_t file_offset, void *data)
{
	int ret = rw_check(t, buf, len, file_offset);
	return ret < 0 ? ret : rw_queue(t, IORING_OP_WRITE, fd, buf, len, file_offset, data);
}
