/* SPDX-License-Identifier: ISC */
/*
 * Cancellation by match: every job on an fd or a registered-file slot, of
 * an opcode, or of the ring (IORING_OP_ASYNC_CANCEL with
 * IORING_ASYNC_CANCEL_* flags, 5.19 / 6.0 / 6.6), and the synchronous
 * forms (IORING_REGISTER_SYNC_CANCEL, 6.0), which return only once the
 * kernel has cancelled, or waited for, what they matched.  Cancelling one
 * job by its id asynchronously is uring_cancel (ops_control.c).
 */
#include "ring.h"

#define MATCH_FLAGS (IORING_ASYNC_CANCEL_ALL | IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_ANY | \
		     IORING_ASYNC_CANCEL_FD_FIXED | IORING_ASYNC_CANCEL_OP)

_Static_assert(URING_CANCEL_ALL == IORING_ASYNC_CANCEL_ALL, "URING_CANCEL_ALL");
_Static_assert(URING_CANCEL_FD == IORING_ASYNC_CANCEL_FD, "URING_CANCEL_FD");
_Static_assert(URING_CANCEL_ANY == IORING_ASYNC_CANCEL_ANY, "URING_CANCEL_ANY");
_Static_assert(URING_CANCEL_FD_FIXED == IORING_ASYNC_CANCEL_FD_FIXED, "URING_CANCEL_FD_FIXED");
_Static_assert(URING_CANCEL_OP == IORING_ASYNC_CANCEL_OP, "URING_CANCEL_OP");

/*
 * Whether the kernel has what the flags ask for.  No probe reports cancel
 * flags, so each is inferred from something of the same release: the
 * SOCKET opcode for FD / ALL / ANY (5.19), SEND_ZC for FD_FIXED and the
 * synchronous cancel (6.0), and the NO_SQARRAY setup flag, which
 * uring_create always asks for and the kernel grants from 6.6, for OP.
 */
static int kernel_has(uring *t, unsigned flags, int sync)
{
	if ((sync || (flags & IORING_ASYNC_CANCEL_FD_FIXED)) && !uring_op_supported(t, URING_OP_SEND_ZC))
		return 0;
	if ((flags & IORING_ASYNC_CANCEL_OP) && !(t->setup_flags & IORING_SETUP_NO_SQARRAY))
		return 0;
	return uring_op_supported(t, URING_OP_SOCKET);
}

/* The combinations the kernel's io_async_cancel_prep and io_sync_cancel
 * accept, plus what it would only find out later (an fd outside the
 * table), refused here with nothing queued. */
static int match_check(uring *t, unsigned flags, int fd, unsigned opcode, int sync)
{
	if (!t || (flags & ~MATCH_FLAGS))
		return -EINVAL;
	if (!(flags & (IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_OP | IORING_ASYNC_CANCEL_ANY)))
		return -EINVAL;   /* that would be a match by id: uring_cancel */
	if ((flags & IORING_ASYNC_CANCEL_ANY) && (flags & (IORING_ASYNC_CANCEL_FD | IORING_ASYNC_CANCEL_OP)))
		return -EINVAL;
	if ((flags & IORING_ASYNC_CANCEL_FD_FIXED) && !(flags & IORING_ASYNC_CANCEL_FD))
		return -EINVAL;
	if ((flags & IORING_ASYNC_CANCEL_OP) && opcode > 255)
		return -EINVAL;
	if ((flags & IORING_ASYNC_CANCEL_FD) && fd < 0)
		return -EBADF;
	if ((flags & IORING_ASYNC_CANCEL_FD_FIXED) && (uint32_t)fd >= t->files_registered)
		return -EBADF;
	return kernel_has(t, flags, sync) ? 0 : -EOPNOTSUPP;
}

uring_job uring_cancel_match(uring *t, unsigned flags, int fd, unsigned opcode, void *data)
{
	int ret = match_check(t, flags, fd, opcode, 0);
	if (ret < 0)
		return ret;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	/* io_async_cancel_prep reads fd only with CANCEL_FD, len (the
	 * opcode) only with CANCEL_OP, and refuses off and file_index. */
	sqe->opcode = IORING_OP_ASYNC_CANCEL;
	sqe->fd = (flags & IORING_ASYNC_CANCEL_FD) ? fd : -1;
	sqe->len = (flags & IORING_ASYNC_CANCEL_OP) ? opcode : 0;
	sqe->cancel_flags = flags;
	return uring__sqe_commit(t, sqe, data);
}

/* Whether the SQE at pos is still in the SQ, unread by the kernel. */
static int in_sq(const uring *t, uint32_t pos)
{
	uint32_t head = uring__sq_head(t);
	return pos - head < t->sq.sqe_tail - head;
}

/*
 * Makes sure the kernel has read the SQE at pos (and so every one before
 * it): submits when it has not.  Under SQPOLL the poll thread may still be
 * behind after the submit: -EAGAIN, try again, rather than a cancel that
 * misses a job about to start.
 */
static int submit_through(uring *t, uint32_t pos)
{
	if (!in_sq(t, pos))
		return 0;
	int ret = uring_submit(t);
	if (ret < 0)
		return ret;
	return in_sq(t, pos) ? -EAGAIN : 0;
}

/*
 * The one synchronous cancel, for the public calls below and for
 * uring_exit after lost completions (ring.c).  The kernel's timeout is a
 * relative time; (-1, -1) means none.
 */
int uring__sync_cancel(uring *t, uint64_t user_data, unsigned flags, int fd, unsigned opcode,
		       uint64_t timeout_ns)
{
	struct uring__sync_cancel_reg reg = {
		.addr = user_data,
		.fd = fd,
		.flags = flags,
		.opcode = (uint8_t)opcode,
		.timeout = { .tv_sec = -1, .tv_nsec = -1 },
	};
	if (timeout_ns != URING_WAIT_FOREVER)
		reg.timeout = (struct uring__kernel_timespec){
			.tv_sec = (int64_t)(timeout_ns / 1000000000u),
			.tv_nsec = (int64_t)(timeout_ns % 1000000000u),
		};
	return uring__register(t, IORING_REGISTER_SYNC_CANCEL, &reg, 1);
}

/*
 * Every request of the ring, for uring_exit after lost completions
 * (ring.c): ANY | ALL cancels them all at once but does not wait for the
 * ones running in a worker (it counts them and signals the worker), so
 * each job still live is then cancelled by its id, which waits for its
 * worker to stop.  The jobs are released afterwards: none may still be
 * touching memory by then.
 */
int uring__cancel_all_sync(uring *t, uint64_t timeout_ns)
{
	int ret = uring__sync_cancel(t, 0, IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL, -1, 0,
				     timeout_ns);
	if (ret < 0 && ret != -ENOENT)
		return ret;
	for (uint32_t i = 0; i < t->heap.cap; i++) {
		uint64_t id = t->heap.slots[i].id;
		if (id && (ret = uring__sync_cancel(t, id, 0, -1, 0, timeout_ns)) < 0 && ret != -ENOENT)
			return ret;
	}
	return 0;
}

int uring_cancel_match_sync(uring *t, unsigned flags, int fd, unsigned opcode, uint64_t timeout_ns)
{
	int ret = match_check(t, flags, fd, opcode, 1);
	if (ret < 0)
		return ret;
	/* Queued ops must reach the kernel first, or they would start after
	 * it was told to cancel what matches. */
	if ((ret = submit_through(t, t->sq.sqe_tail - 1)) < 0)
		return ret;
	return uring__sync_cancel(t, 0, flags, (flags & IORING_ASYNC_CANCEL_FD) ? fd : -1,
				  (flags & IORING_ASYNC_CANCEL_OP) ? opcode : 0, timeout_ns);
}

/*
 * By id, without CANCEL_ALL: the kernel cancels the request or, when a
 * worker is running it, signals the worker and waits until it has
 * finished (or the timeout passes: -ETIME).  A job still in the SQ is
 * submitted first; under SQPOLL the poll thread may not have read it yet,
 * and then the caller is told to try again rather than told it is done.
 */
int uring_cancel_sync(uring *t, uring_job job, uint64_t timeout_ns)
{
	if (!t)
		return -EINVAL;
	struct uring__slot *slot = uring__heap_lookup(&t->heap, job);
	if (!slot)
		return -ENOENT;
	if (!kernel_has(t, 0, 1))
		return -EOPNOTSUPP;
	int ret = submit_through(t, slot->sqe_pos);
	if (ret < 0)
		return ret;
	ret = uring__sync_cancel(t, (uint64_t)job, 0, -1, 0, timeout_ns);
	return ret == -ENOENT ? 1 : ret;
}
