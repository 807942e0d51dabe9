/* SPDX-License-Identifier: ISC */
/*
 * Block device commands through IORING_OP_URING_CMD (5.19): discard
 * (BLOCK_URING_CMD_DISCARD, 6.12), an asynchronous BLKDISCARD.  The
 * block layer's handler (blkdev_uring_cmd) reads the range from sqe->addr
 * and sqe->addr3 and refuses any of ioprio, len, rw_flags and file_index
 * set, so only those two and the command are filled.
 */
#include <stdint.h>

#include "ring.h"

#define BLOCK_URING_CMD_DISCARD 0x1200u   /* _IO(0x12, 0), <linux/fs.h> 6.12 */
#define BLOCK_MIN_SECTOR        512u      /* no device has a smaller logical block */

/* What blk_validate_byte_range refuses on every device: a range not on
 * 512-byte boundaries (the smallest logical block size), an empty one, or
 * one past the largest loff_t.  Alignment to a larger block size is the
 * device's to check (-EINVAL completion). */
static int discard_range_check(uint64_t off, uint64_t len)
{
	if (len == 0 || ((off | len) & (BLOCK_MIN_SECTOR - 1)))
		return -EINVAL;
	return off <= INT64_MAX && len <= INT64_MAX - off ? 0 : -EINVAL;
}

uring_job uring_discard(uring *t, int fd, uint64_t off, uint64_t len, void *data)
{
	if (!t)
		return -EINVAL;
	int ret = discard_range_check(off, len);
	if (ret < 0)
		return ret;
	/* The opcode is older (5.19); the block handler behind it is what
	 * 6.12 added, and no probe names it (see probe.c). */
	if (!uring__has(t, URING_FEATURE_BLOCK_DISCARD))
		return -EOPNOTSUPP;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd.cmd_op = BLOCK_URING_CMD_DISCARD;
	sqe->addr = off;
	sqe->addr3.addr3 = len;
	return uring__sqe_commit(t, sqe, data);
}
