/* SPDX-License-Identifier: ISC */
/*
 * epoll as ops, for code that owns an epoll set and runs on the ring.
 * io_epoll_ctl_prep copies the event at prep (copy_from_user), so the
 * sketch holds it; epoll_wait writes its events into the caller's array
 * when it completes, which is lent until then (lend.c).
 */
#include <limits.h>
#include <sys/epoll.h>

#include "ring.h"

/* fs/eventpoll.c: EP_MAX_EVENTS, the kernel's limit on maxevents. */
#define EPOLL_MAX_EVENTS (INT_MAX / sizeof(struct epoll_event))

uring_job uring_epoll_ctl(uring *t, int epfd, int op, int fd, const struct epoll_event *ev,
			  void *data)
{
	if (!t || (op != EPOLL_CTL_ADD && op != EPOLL_CTL_MOD && op != EPOLL_CTL_DEL))
		return -EINVAL;
	if (!ev && op != EPOLL_CTL_DEL)
		return -EFAULT;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_EPOLL_CTL;
	sqe->fd = epfd;
	sqe->len = (uint32_t)op;
	sqe->off = (uint64_t)(uint32_t)fd;
	if (op != EPOLL_CTL_DEL) {
		struct epoll_event *copy = uring__sketch_alloc(t, sizeof(*copy), _Alignof(struct epoll_event));
		if (!copy)
			return -ENOMEM;
		*copy = *ev;
		sqe->addr = uring__ptr(copy);
	}
	return uring__sqe_commit(t, sqe, data);
}

uring_job uring_epoll_wait(uring *t, int epfd, struct epoll_event *events, unsigned maxevents,
			   void *data)
{
	if (!t || maxevents == 0 || maxevents > EPOLL_MAX_EVENTS)
		return -EINVAL;
	if (!events)
		return -EFAULT;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_EPOLL_WAIT;
	sqe->fd = epfd;
	sqe->addr = uring__ptr(events);
	sqe->len = maxevents;
	return uring__sqe_commit(t, sqe, data);
}
