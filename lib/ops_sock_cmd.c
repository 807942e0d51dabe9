/* SPDX-License-Identifier: ISC */
/*
 * Socket commands (6.7): IORING_OP_URING_CMD on a socket, the command in
 * sqe->cmd_op.  The kernel's io_uring_cmd_sock reads the SQE at issue,
 * which can be after the submit (a linked job, IOSQE_ASYNC, io-wq): the
 * SQE fields are kept by the kernel (io_uring_cmd_prep_setup copies the
 * SQE), but the memory they point to is read at issue.  So setsockopt's
 * value is copied into memory held until the job ends (hold.c), not the
 * sketch, and getsockopt's output buffer is the caller's, lent until the
 * completion (lend.c).
 */
#include <limits.h>
#include <stdlib.h>

#include "hold.h"
#include "ring.h"

static struct uring__sqe *cmd_sqe(uring *t, int fd, uint32_t cmd_op)
{
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return NULL;
	sqe->opcode = IORING_OP_URING_CMD;
	sqe->fd = fd;
	sqe->cmd.cmd_op = cmd_op;
	return sqe;
}

/* SIOCINQ and SIOCOUTQ read nothing but the socket. */
static uring_job queue_ioctl(uring *t, int fd, uint32_t cmd_op, void *data)
{
	if (!t)
		return -EINVAL;
	if (!uring__has(t, URING_FEATURE_SOCKET_CMD))
		return -EOPNOTSUPP;
	struct uring__sqe *sqe = cmd_sqe(t, fd, cmd_op);
	if (!sqe)
		return uring__sq_full(t);
	return uring__sqe_commit(t, sqe, data);
}

uring_job uring_sock_inq(uring *t, int fd, void *data)
{
	return queue_ioctl(t, fd, SOCKET_URING_OP_SIOCINQ, data);
}

uring_job uring_sock_outq(uring *t, int fd, void *data)
{
	return queue_ioctl(t, fd, SOCKET_URING_OP_SIOCOUTQ, data);
}

/* The kernel's optlen is an int; a larger one would arrive negative. */
static int sockopt_check(uring *t, const void *optval, socklen_t optlen)
{
	if (!t || optlen > INT_MAX)
		return -EINVAL;
	if (!optval && optlen)
		return -EFAULT;
	return uring__has(t, URING_FEATURE_SOCKET_CMD) ? 0 : -EOPNOTSUPP;
}

static void sockopt_fill(struct uring__sqe *sqe, int level, int optname, const void *optval,
			 socklen_t optlen)
{
	sqe->sockopt.level = (uint32_t)level;
	sqe->sockopt.optname = (uint32_t)optname;
	sqe->optval = uring__ptr(optval);
	sqe->optlen = optlen;
}

uring_job uring_getsockopt(uring *t, int fd, int level, int optname, void *optval,
			   socklen_t optlen, void *data)
{
	int ret = sockopt_check(t, optval, optlen);
	if (ret < 0)
		return ret;
	struct uring__sqe *sqe = cmd_sqe(t, fd, SOCKET_URING_OP_GETSOCKOPT);
	if (!sqe)
		return uring__sq_full(t);
	sockopt_fill(sqe, level, optname, optval, optlen);
	return uring__sqe_commit(t, sqe, data);
}

uring_job uring_setsockopt(uring *t, int fd, int level, int optname, const void *optval,
			   socklen_t optlen, void *data)
{
	int ret = sockopt_check(t, optval, optlen);
	if (ret < 0)
		return ret;
	if (optlen && !uring__ring_hold_room(t))
		return -ENOMEM;
	struct uring__sqe *sqe = cmd_sqe(t, fd, SOCKET_URING_OP_SETSOCKOPT);
	if (!sqe)
		return uring__sq_full(t);
	void *copy = NULL;
	if (optlen) {
		copy = malloc(optlen);
		if (!copy)
			return -ENOMEM;
		memcpy(copy, optval, optlen);
	}
	sockopt_fill(sqe, level, optname, copy, optlen);
	return uring__commit_held(t, sqe, data, copy);
}

/* The kernel's io_uring_cmd_getsockname (6.19): the address at addr, its
 * length (read as the room, then written) at addr3, peer in optlen. */
uring_job uring_getsockname(uring *t, int fd, uring_sockaddr *addr, bool peer, void *data)
{
	if (!t)
		return -EINVAL;
	if (!addr)
		return -EFAULT;
	if (!uring__has(t, URING_FEATURE_GETSOCKNAME))
		return -EOPNOTSUPP;
	struct uring__sqe *sqe = cmd_sqe(t, fd, SOCKET_URING_OP_GETSOCKNAME);
	if (!sqe)
		return uring__sq_full(t);
	addr->len = sizeof(addr->addr);
	sqe->addr = uring__ptr(&addr->addr);
	sqe->addr3.addr3 = uring__ptr(&addr->len);
	sqe->optlen = peer ? 1u : 0u;
	return uring__sqe_commit(t, sqe, data);
}
