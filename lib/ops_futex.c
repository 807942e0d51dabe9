/* SPDX-License-Identifier: ISC */
/*
 * Futexes as ops (6.7): IORING_OP_FUTEX_WAIT, FUTEX_WAKE, FUTEX_WAITV on
 * 32-bit words, process-private unless shared.  The futex2 flags go in
 * sqe->fd, as the kernel's io_futex_prep reads them; the waitv vector is
 * parsed at prep (futex_parse_waitv), so its kernel form lives in the
 * sketch and the caller's array may be freed on return.
 */
#include <stdint.h>

#include "ring.h"

#define FUTEX2_SIZE_U32   0x02u     /* <linux/futex.h>, 6.7 */
#define FUTEX2_PRIVATE    0x80u     /* FUTEX_PRIVATE_FLAG */
#define FUTEX_WAITV_LIMIT 128u      /* FUTEX_WAITV_MAX */

/* The kernel's struct futex_waitv (5.16 ABI). */
struct kernel_futex_waitv {
	uint64_t val;
	uint64_t uaddr;
	uint32_t flags;
	uint32_t reserved;
};
_Static_assert(sizeof(struct kernel_futex_waitv) == 24, "struct futex_waitv");

static uint32_t futex2_flags(bool shared)
{
	return FUTEX2_SIZE_U32 | (shared ? 0 : FUTEX2_PRIVATE);
}

/* A futex word is 4-byte aligned (the kernel: -EINVAL otherwise). */
static int word_check(const uint32_t *word)
{
	if (!word)
		return -EFAULT;
	return ((uintptr_t)word & 3u) ? -EINVAL : 0;
}

static uring_job futex_queue(uring *t, uint8_t opcode, uint32_t *word, uint64_t val,
			     uint32_t mask, bool shared, void *data)
{
	if (!t || mask == 0)
		return -EINVAL;
	int ret = word_check(word);
	if (ret < 0)
		return ret;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = opcode;
	sqe->fd = (int32_t)futex2_flags(shared);
	sqe->addr = uring__ptr(word);
	sqe->addr2 = val;
	sqe->addr3.addr3 = mask;
	return uring__sqe_commit(t, sqe, data);
}

uring_job uring_futex_wait(uring *t, uint32_t *word, uint32_t expected, uint32_t mask, bool shared,
			   void *data)
{
	return futex_queue(t, IORING_OP_FUTEX_WAIT, word, expected, mask, shared, data);
}

uring_job uring_futex_wake(uring *t, uint32_t *word, unsigned nr, uint32_t mask, bool shared,
			   void *data)
{
	return futex_queue(t, IORING_OP_FUTEX_WAKE, word, nr, mask, shared, data);
}

uring_job uring_futex_waitv(uring *t, const uring_futex_waiter *w, unsigned n, void *data)
{
	if (!t || n == 0 || n > FUTEX_WAITV_LIMIT)
		return -EINVAL;
	if (!w)
		return -EFAULT;
	for (unsigned i = 0; i < n; i++) {
		int ret = word_check(w[i].word);
		if (ret < 0)
			return ret;
	}
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	struct kernel_futex_waitv *v = uring__sketch_alloc(t, sizeof(*v) * n, _Alignof(struct kernel_futex_waitv));
	if (!v)
		return -ENOMEM;
	for (unsigned i = 0; i < n; i++)
		v[i] = (struct kernel_futex_waitv){ .val = w[i].expected, .uaddr = uring__ptr(w[i].word),
						    .flags = futex2_flags(w[i].shared) };
	sqe->opcode = IORING_OP_FUTEX_WAITV;
	sqe->addr = uring__ptr(v);
	sqe->len = n;
	return uring__sqe_commit(t, sqe, data);
}
