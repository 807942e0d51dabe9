/* SPDX-License-Identifier: ISC */
/*
 * SQE flags on a queued job (link, hard link, drain, async, fixed file) and
 * the link timeout that bounds a linked job.  Flags are set on the job
 * after the op call, rather than passed to every op, so that all op
 * signatures stay OCaml's; that works only while the SQE is still ours,
 * i.e. not yet published to the kernel by a submit.
 */
#include "ring.h"

#define SETTABLE_FLAGS (IOSQE_FIXED_FILE | IOSQE_IO_DRAIN | IOSQE_IO_LINK | \
			IOSQE_IO_HARDLINK | IOSQE_ASYNC)


int uring_job_set_flags(uring *t, uring_job job, unsigned flags)
{
	if (!t)
		return -EINVAL;
	struct uring__sqe *sqe;
	int ret = uring__job_sqe(t, job, &sqe);
	if (ret < 0)
		return ret;
	if (flags & ~SETTABLE_FLAGS)
		return -EINVAL;
	/* Checked here so the mistake is an error now, not an -EBADF
	 * completion that also breaks the job's link chain. */
	if ((flags & IOSQE_FIXED_FILE) && (sqe->fd < 0 || (uint32_t)sqe->fd >= t->files_registered))
		return -EBADF;
	/* FIXED_FD_INSTALL's slot is its fd: the flag is the op's own. */
	if (sqe->opcode == IORING_OP_FIXED_FD_INSTALL)
		flags |= IOSQE_FIXED_FILE;
	sqe->flags = (uint8_t)((sqe->flags & ~SETTABLE_FLAGS) | flags);
	uring__sq_pad_relink(t, uring__heap_lookup(&t->heap, job)->sqe_pos);
	return 0;
}

/*
 * IORING_OP_LINK_TIMEOUT (5.5).  The kernel attaches it to the SQE just
 * before it in the same submission, which must carry IOSQE_IO_LINK or
 * HARDLINK; anything else completes with -EINVAL, and a link timeout whose
 * target was already submitted has nothing to attach to.  Both are refused
 * here instead, with nothing queued.  Relative, CLOCK_MONOTONIC: the
 * timespec is normalised and copied to the sketch (the kernel reads it at
 * prep).
 */
uring_job uring_link_timeout(uring *t, uint64_t ns, void *data)
{
	if (!t)
		return -EINVAL;
	uint32_t prev = uring__sq_last_op(t);
	if (!uring__sqe_unpublished(t, prev) ||
	    !(uring__sqe_at(t, prev)->flags & (IOSQE_IO_LINK | IOSQE_IO_HARDLINK)))
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	struct uring__kernel_timespec *ts = uring__sketch_timespec(t, ns);
	if (!ts)
		return -ENOMEM;
	sqe->opcode = IORING_OP_LINK_TIMEOUT;
	sqe->fd = -1;
	sqe->addr = uring__ptr(ts);
	sqe->len = 1;
	return uring__sqe_commit(t, sqe, data);
}
