/* SPDX-License-Identifier: ISC */
/* Timers: IORING_OP_TIMEOUT (single and multishot) and IORING_OP_TIMEOUT_REMOVE
 * (remove and update), with every timespec copied to the sketch. */
#include "ring.h"

static int clock_flags(uring_clock clock, uint32_t *flags)
{
	switch (clock) {
	case URING_CLOCK_MONOTONIC: *flags = 0; return 0;
	case URING_CLOCK_BOOTTIME: *flags = IORING_TIMEOUT_BOOTTIME; return 0;
	case URING_CLOCK_REALTIME: *flags = IORING_TIMEOUT_REALTIME; return 0;
	}
	return -EINVAL;
}

/*
 * Unlike OCaml's {tv_sec = 0; tv_nsec = ns}, the timespec is normalised:
 * the kernel accepts an unnormalised one for relative timeouts today, but
 * timespec64_valid() is the documented contract.  count = 0 in sqe->off:
 * a pure timer, not "wait for N completions".
 */
uring_job uring_timeout(uring *t, uring_clock clock, uint64_t ns, bool absolute, void *data)
{
	uint32_t flags;
	if (!t || clock_flags(clock, &flags) < 0)
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	struct uring__kernel_timespec *ts = uring__sketch_timespec(t, ns);
	if (!ts)
		return -ENOMEM;
	sqe->opcode = IORING_OP_TIMEOUT;
	sqe->fd = -1;
	sqe->addr = uring__ptr(ts);
	sqe->len = 1;
	sqe->off = 0;
	sqe->timeout_flags = flags | (absolute ? IORING_TIMEOUT_ABS : 0);
	if (flags && !uring__has(t, URING_FEATURE_TIMEOUT_CLOCKS))
		return -EOPNOTSUPP;   /* BOOTTIME / REALTIME: 5.15 */
	return uring__sqe_commit(t, sqe, data);
}

/*
 * IORING_TIMEOUT_MULTISHOT (6.4): fires every ns, count times (0: until
 * cancelled), each a -ETIME completion with F_MORE but the last, which
 * frees the job (ring.c: complete_one).  The kernel refuses an absolute
 * multishot, so there is no absolute argument.
 */
uring_job uring_timeout_multishot(uring *t, uring_clock clock, uint64_t ns, unsigned count,
				  void *data)
{
	uint32_t flags;
	if (!t || clock_flags(clock, &flags) < 0 || ns == 0)
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	struct uring__kernel_timespec *ts = uring__sketch_timespec(t, ns);
	if (!ts)
		return -ENOMEM;
	sqe->opcode = IORING_OP_TIMEOUT;
	sqe->fd = -1;
	sqe->addr = uring__ptr(ts);
	sqe->len = 1;
	sqe->off = count;   /* the kernel's repeat count for a multishot timer */
	sqe->timeout_flags = flags | IORING_TIMEOUT_MULTISHOT;
	return uring__sqe_commit(t, sqe, data);
}

/*
 * IORING_OP_TIMEOUT_REMOVE (5.5) on a job id, with or without an update:
 * flags 0 removes, IORING_TIMEOUT_UPDATE re-arms a timeout (5.11), and
 * with IORING_LINK_TIMEOUT_UPDATE a link timeout (5.15), from the timespec in
 * addr2, read by the kernel at prep (so the sketch holds it).  As for
 * uring_cancel, a target already collected is refused with -ENOENT
 * before anything is queued, so a stale id never reaches a newer job.
 */
static uring_job timeout_remove_queue(uring *t, uring_job target, uint32_t flags, uint64_t ns,
				      void *data)
{
	if (!t)
		return -EINVAL;
	if (!uring__heap_lookup(&t->heap, target))
		return -ENOENT;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	if (flags & IORING_TIMEOUT_UPDATE) {
		struct uring__kernel_timespec *ts = uring__sketch_timespec(t, ns);
		if (!ts)
			return -ENOMEM;
		sqe->addr2 = uring__ptr(ts);
	}
	sqe->opcode = IORING_OP_TIMEOUT_REMOVE;
	sqe->fd = -1;
	sqe->addr = (uint64_t)target;
	sqe->timeout_flags = flags;
	return uring__sqe_commit(t, sqe, data);
}

uring_job uring_timeout_remove(uring *t, uring_job timeout, void *data)
{
	return timeout_remove_queue(t, timeout, 0, 0, data);
}

/* The new expiry counts on the clock the timeout was queued with. */
uring_job uring_timeout_update(uring *t, uring_job timeout, uint64_t ns, bool absolute, void *data)
{
	return timeout_remove_queue(t, timeout, IORING_TIMEOUT_UPDATE | (absolute ? IORING_TIMEOUT_ABS : 0),
				    ns, data);
}

uring_job uring_link_timeout_update(uring *t, uring_job link_timeout, uint64_t ns, void *data)
{
	/* Both bits: the kernel's io_timeout_remove takes the update path only
	 * on TIMEOUT_UPDATE, and LINK_TIMEOUT_UPDATE then picks the list. */
	return timeout_remove_queue(t, link_timeout, IORING_TIMEOUT_UPDATE | IORING_LINK_TIMEOUT_UPDATE,
				    ns, data);
}
