/* SPDX-License-Identifier: ISC */
/* Timeouts: IORING_OP_TIMEOUT, with the timespec copied to the sketch. */
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
		return 0;
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
