/* SPDX-License-Identifier: ISC */
/*
 * IORING_SEND_ZC_REPORT_USAGE (6.2): the notification of a zero-copy send
 * then says whether the kernel had to copy after all.  It has no feature
 * bit, no opcode and no register call of its own release, so the kernel is
 * asked directly, once per process and only when first needed: a throwaway
 * ring sends on fd -1 with the flag.  io_send_zc_prep of 6.0 and 6.1
 * refuses the unknown flag (-EINVAL); from 6.2 the send gets as far as the
 * file lookup (-EBADF).
 */
#include <stdatomic.h>

#include "zc_report.h"

enum { UNKNOWN, HAS, LACKS };
static _Atomic int known = UNKNOWN;

/* Collects every completion of t's jobs: HAS or LACKS from the first. */
static int first_result_verdict(uring *t)
{
	int verdict = UNKNOWN;
	while (uring_active_ops(t) > 0) {
		uring_completion c;
		int ret = uring_wait(t, &c);
		if (ret < 0)
			return UNKNOWN;
		if (ret == 1 && verdict == UNKNOWN)
			verdict = c.result == -EINVAL ? LACKS : HAS;
	}
	return verdict;
}

static int ask_kernel(void)
{
	uring *t = uring_create(2, NULL);
	if (!t)
		return UNKNOWN;
	int verdict = LACKS;
	if (uring__op_ok(t, IORING_OP_SEND_ZC)) {
		struct uring__sqe *sqe = uring__sqe_next(t);
		sqe->opcode = IORING_OP_SEND_ZC;
		sqe->fd = -1;
		sqe->ioprio = IORING_SEND_ZC_REPORT_USAGE;
		verdict = uring__sqe_commit(t, sqe, NULL) > 0 ? first_result_verdict(t) : UNKNOWN;
	}
	uring_exit(t);
	return verdict;
}

int uring__zc_report_supported(void)
{
	int v = atomic_load_explicit(&known, memory_order_relaxed);
	if (v == UNKNOWN) {
		v = ask_kernel();
		if (v != UNKNOWN)
			atomic_store_explicit(&known, v, memory_order_relaxed);
	}
	return v == HAS;
}

int uring__zc_flags_check(unsigned zc_flags)
{
	if (zc_flags & ~(unsigned)URING_SEND_ZC_REPORT_USAGE)
		return -EINVAL;
	if ((zc_flags & URING_SEND_ZC_REPORT_USAGE) && !uring__zc_report_supported())
		return -EOPNOTSUPP;
	return 0;
}

_Static_assert(URING_SEND_ZC_REPORT_USAGE == IORING_SEND_ZC_REPORT_USAGE, "the kernel's value");
/* IORING_NOTIF_USAGE_ZC_COPIED, include/uapi/linux/io_uring.h */
_Static_assert(URING_NOTIF_USAGE_ZC_COPIED == (1u << 31), "the kernel's value");
