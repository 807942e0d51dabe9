/* SPDX-License-Identifier: ISC */
/*
 * Pipes: IORING_OP_SPLICE with offsets and flags (5.7), IORING_OP_TEE
 * (5.8) and IORING_OP_PIPE (6.16).  uring_splice (ops_file.c) is OCaml's
 * splice, both offsets -1 and no flags.
 */
#include <fcntl.h>
#include <stdint.h>

#include "ring.h"

/* SPLICE_F_MOVE | NONBLOCK | MORE | GIFT, and the kernel's
 * SPLICE_F_FD_IN_FIXED (fd_in is a registered file): what its prep takes. */
#define SPLICE_FLAGS_ACCEPTED (0xfu | (1u << 31))

static int splice_args_check(const uring *t, unsigned flags)
{
	if (!t || (flags & ~SPLICE_FLAGS_ACCEPTED))
		return -EINVAL;
	return 0;
}

/* An offset of -1 is "none": the file position is used (and must be, for a
 * pipe end, or the kernel completes with -ESPIPE). */
uring_job uring_splice2(uring *t, int fd_in, int64_t off_in, int fd_out, int64_t off_out,
			unsigned len, unsigned flags, void *data)
{
	int ret = splice_args_check(t, flags);
	if (ret < 0 || off_in < -1 || off_out < -1)
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_SPLICE;
	sqe->fd = fd_out;
	sqe->off = (uint64_t)off_out;
	sqe->splice_off_in = (uint64_t)off_in;
	sqe->splice_fd_in = fd_in;
	sqe->len = len;
	sqe->splice_flags = flags;
	return uring__sqe_commit(t, sqe, data);
}

/* Both ends pipes; the kernel's prep requires both offsets 0. */
uring_job uring_tee(uring *t, int fd_in, int fd_out, unsigned len, unsigned flags, void *data)
{
	int ret = splice_args_check(t, flags);
	if (ret < 0)
		return ret;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_TEE;
	sqe->fd = fd_out;
	sqe->splice_fd_in = fd_in;
	sqe->len = len;
	sqe->splice_flags = flags;
	return uring__sqe_commit(t, sqe, data);
}

/*
 * IORING_OP_PIPE (6.16): the kernel writes the two fds into fds[] when the
 * job runs, so fds must stay valid until the completion.  O_CLOEXEC is
 * always added, as for every fd the library creates.  fd must be 0 in the
 * SQE (the kernel's prep refuses anything else), which the zeroed SQE is.
 */
#define PIPE_FLAGS_ACCEPTED (O_CLOEXEC | O_NONBLOCK | O_DIRECT)

uring_job uring_pipe(uring *t, int fds[2], int flags, void *data)
{
	if (!t || (flags & ~PIPE_FLAGS_ACCEPTED))
		return -EINVAL;
	if (!fds)
		return -EFAULT;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_PIPE;
	sqe->addr = uring__ptr(fds);
	sqe->pipe_flags = (uint32_t)(flags | O_CLOEXEC);
	return uring__sqe_commit(t, sqe, data);
}
