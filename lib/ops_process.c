/* SPDX-License-Identifier: ISC */
/*
 * Waiting for a child as an op: IORING_OP_WAITID (6.7), waitid(2) without
 * a blocked thread.  The kernel's prep reads which (sqe->len), the id
 * (sqe->fd), the options (sqe->file_index) and the siginfo pointer
 * (sqe->addr2); it refuses any other field (addr, buf_index, addr3,
 * waitid_flags) with -EINVAL.  The arguments waitid(2) would refuse are
 * refused here, before anything is queued, with the syscall's errno.
 */
#include <signal.h>
#include <stdint.h>
#include <sys/wait.h>

#include "ring.h"

/* The options kernel_waitid_prepare accepts (kernel/exit.c). */
#define WAITID_OPTIONS (WNOHANG | WNOWAIT | WEXITED | WSTOPPED | WCONTINUED | \
			__WNOTHREAD | __WCLONE | __WALL)

/* waitid(2)'s own argument checks: -EINVAL for what it would refuse. */
static int waitid_check(int idtype, int id, int options)
{
	if (options & ~WAITID_OPTIONS)
		return -EINVAL;
	if (!(options & (WEXITED | WSTOPPED | WCONTINUED)))
		return -EINVAL;   /* nothing to wait for */
	switch (idtype) {
	case P_ALL:
		return 0;
	case P_PID:
		return id > 0 ? 0 : -EINVAL;
	case P_PGID:    /* 0: the caller's own group */
	case P_PIDFD:   /* a pidfd that is no pidfd: -EBADF completion */
		return id >= 0 ? 0 : -EINVAL;
	default:
		return -EINVAL;
	}
}

uring_job uring_waitid(uring *t, int idtype, int id, void *info, int options, void *data)
{
	if (!t)
		return -EINVAL;
	int ret = waitid_check(idtype, id, options);
	if (ret < 0)
		return ret;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_WAITID;
	sqe->fd = id;
	sqe->len = (uint32_t)idtype;
	sqe->file_index = (uint32_t)options;
	sqe->addr2 = uring__ptr(info);
	return uring__sqe_commit(t, sqe, data);
}
