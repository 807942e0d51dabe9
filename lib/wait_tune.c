/* SPDX-License-Identifier: ISC */
/*
 * Wait tuning on top of ring.c's one wait path: a minimum wait time
 * (6.12), an absolute deadline on the ring's clock (6.12), the clock
 * itself (IORING_REGISTER_CLOCK, 6.12), a signal mask for the wait
 * (EXT_ARG, 5.11) and a wait that does not count as iowait (6.15).  Each
 * is refused with -EOPNOTSUPP on a kernel whose feature bits lack it,
 * before anything is submitted: a kernel that ignored the request would
 * wait differently from what the caller asked.
 */
#include <time.h>

#include "ring.h"

#define WAIT_FLAGS (URING_WAIT_NO_IOWAIT | URING_WAIT_ABSOLUTE)
#define USEC 1000u

int uring__wait_options_check(const uring *t, const uring_wait_options *o)
{
	if (o->flags & ~WAIT_FLAGS)
		return -EINVAL;
	if ((o->flags & URING_WAIT_ABSOLUTE) && o->timeout_ns == URING_WAIT_FOREVER)
		return -EINVAL;
	if (o->min_wait_ns / USEC >= UINT32_MAX)
		return -EINVAL;
	int ext = o->timeout_ns != URING_WAIT_FOREVER || o->min_wait_ns || o->sigmask;
	if (ext && !(t->features & IORING_FEAT_EXT_ARG))
		return -EOPNOTSUPP;
	if ((o->min_wait_ns || (o->flags & URING_WAIT_ABSOLUTE)) &&
	    !(t->features & IORING_FEAT_MIN_TIMEOUT))
		return -EOPNOTSUPP;
	if ((o->flags & URING_WAIT_NO_IOWAIT) && !(t->features & IORING_FEAT_NO_IOWAIT))
		return -EOPNOTSUPP;
	return 0;
}

int uring_wait_many2(uring *t, uring_completion *out, unsigned max, unsigned min,
		     const uring_wait_options *o)
{
	if (!t || !out || !o || min == 0 || min > max || min > t->cq.entries)
		return -EINVAL;
	int ret = uring__wait_options_check(t, o);
	if (ret < 0)
		return ret;
	unsigned flags = 0;
	if (o->flags & URING_WAIT_NO_IOWAIT)
		flags |= IORING_ENTER_NO_IOWAIT;
	if (o->flags & URING_WAIT_ABSOLUTE)
		flags |= IORING_ENTER_ABS_TIMER;
	if (o->timeout_ns == URING_WAIT_FOREVER && !o->min_wait_ns && !o->sigmask)
		return uring__wait_batch(t, out, max, min, NULL, flags);
	struct uring__kernel_timespec ts;
	struct uring__getevents_arg arg = { .sigmask_sz = URING__KERNEL_SIGSET_SIZE };
	if (o->timeout_ns != URING_WAIT_FOREVER)
		uring__wait_deadline(&arg, &ts, o->timeout_ns);
	/* Rounded up: a minimum shorter than asked would end the batch early. */
	arg.min_wait_usec = (uint32_t)((o->min_wait_ns + USEC - 1) / USEC);
	arg.sigmask = uring__ptr(o->sigmask);
	return uring__wait_batch(t, out, max, min, &arg, flags);
}

/* The clock of wait timeouts (IORING_REGISTER_CLOCK, 6.12): the kernel
 * takes CLOCK_MONOTONIC (its default) and CLOCK_BOOTTIME only. */
int uring_register_clock(uring *t, uring_clock clock)
{
	if (!t || (clock != URING_CLOCK_MONOTONIC && clock != URING_CLOCK_BOOTTIME))
		return -EINVAL;
	if (!(t->features & IORING_FEAT_MIN_TIMEOUT))
		return -EOPNOTSUPP;
	struct uring__clock_register reg = {
		.clockid = clock == URING_CLOCK_BOOTTIME ? CLOCK_BOOTTIME : CLOCK_MONOTONIC,
	};
	int ret = uring__register(t, IORING_REGISTER_CLOCK, &reg, 0);
	return ret < 0 ? ret : 0;
}
