/* SPDX-License-Identifier: ISC */
/* io_uring_register wrappers that need nothing but the ring. */
#include "ring.h"

/* Completions signal the eventfd (IORING_REGISTER_EVENTFD); the kernel
 * allows one per ring and answers -EBUSY for a second. */
int uring_register_eventfd(uring *t, int eventfd)
{
	if (!t)
		return -EINVAL;
	if (eventfd < 0)
		return -EBADF;
	int32_t fd = eventfd;
	int ret = uring__register(t, IORING_REGISTER_EVENTFD, &fd, 1);
	return ret < 0 ? ret : 0;
}
