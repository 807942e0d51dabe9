/* SPDX-License-Identifier: ISC */
/*
 * iovec arrays for the vectored ops (ops_file.c, fixed.c): validated, then
 * copied to the sketch so the caller may free or reuse its array as soon as
 * the op call returns.  The kernel imports the array while consuming the
 * SQE (FEAT_SUBMIT_STABLE), which is exactly the sketch's lifetime.
 */
#ifndef CURING_LIB_IOVEC_H
#define CURING_LIB_IOVEC_H

#include <stdint.h>
#include <sys/uio.h>

#include "ring.h"

/* The kernel's UIO_MAXIOV: fixed at 1024 whatever the C library says. */
#define URING__IOV_MAX 1024u

/*
 * -EINVAL for more than UIO_MAXIOV entries (the kernel's own answer, given
 * here so nothing is queued), -EFAULT for a NULL array with entries.  An
 * empty array is what readv(2) accepts: the op completes with 0.
 */
static inline int uring__iov_check(const struct iovec *iov, unsigned iovcnt)
{
	if (iovcnt > URING__IOV_MAX)
		return -EINVAL;
	if (!iov && iovcnt > 0)
		return -EFAULT;
	return 0;
}

/* The sketch copy of a checked array (NULL for an empty one), or -ENOMEM. */
static inline int uring__iov_copy(uring *t, const struct iovec *iov, unsigned iovcnt,
				  const struct iovec **out)
{
	*out = NULL;
	if (iovcnt == 0)
		return 0;
	struct iovec *copy = uring__sketch_alloc(t, sizeof(*copy) * iovcnt, _Alignof(struct iovec));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, iov, sizeof(*copy) * iovcnt);
	*out = copy;
	return 0;
}

#endif
