/* SPDX-License-Identifier: ISC */
/*
 * Messages with headers: send_msg (IORING_OP_SENDMSG) with SCM_RIGHTS fds
 * and an optional destination, its zero-copy form send_msg_zc
 * (IORING_OP_SENDMSG_ZC, no fds), and recv_msg (IORING_OP_RECVMSG) into a
 * uring_msghdr, OCaml's Uring.Msghdr.
 *
 * What the kernel reads when, for send_msg: the msghdr, the iovec array and
 * the destination address at prep (so the sketch suffices), but the control
 * block at every issue attempt: io_sendmsg restores msg_control_user from
 * the saved pointer before each __sys_sendmsg_sock, and a send retried
 * after -EAGAIN (a full socket buffer) runs long after the SQE was
 * consumed and the sketch recycled.  So the control block is allocated per
 * job and freed only once the job has ended (hold.c).
 */
#include <limits.h>
#include <stdlib.h>
#include <sys/socket.h>

#include "hold.h"
#include "iovec.h"
#include "ring.h"
#include "zc_report.h"

#define FDS_MAX 253u   /* the kernel's SCM_MAX_FD */
/* A caller's control block: the kernel takes at most net.core.optmem_max
 * bytes (20 KiB by default, -ENOBUFS above it); 64 KiB bounds the copy. */
#define CONTROL_MAX 65536u

struct uring_msghdr {
	struct msghdr msg;           /* what the kernel reads and writes back */
	uring_sockaddr *addr;        /* the caller's, or NULL */
	struct iovec *iov;           /* our copy of the caller's array */
	unsigned iovcnt;
	unsigned n_fds;
	size_t control_cap;
	unsigned char *control;      /* CMSG_SPACE(n_fds ints), or NULL */
	const uring *ring;           /* the ring of the last recv_msg ... */
	uring_job job;               /* ... and its job, to refuse reuse in flight */
};

/* ---- send_msg ---- */

static int send_msg_check(const struct iovec *iov, unsigned iovcnt, const int *fds,
			  unsigned n_fds, const struct sockaddr *dst, socklen_t dst_len)
{
	int ret = uring__iov_check(iov, iovcnt);
	if (ret < 0)
		return ret;
	if (n_fds > FDS_MAX)
		return -EINVAL;
	if (!fds && n_fds)
		return -EFAULT;
	for (unsigned i = 0; i < n_fds; i++)
		if (fds[i] < 0)
			return -EBADF;
	if (!dst)
		return dst_len ? -EFAULT : 0;
	if (dst_len == 0 || dst_len > sizeof(struct sockaddr_storage))
		return -EINVAL;
	return 0;
}

/* The SCM_RIGHTS block, malloc'd: it must outlive the sketch (see top). */
static void *control_make(const int *fds, unsigned n_fds, size_t *len)
{
	*len = CMSG_SPACE(n_fds * sizeof(int));
	unsigned char *buf = calloc(1, *len);
	if (!buf)
		return NULL;
	struct msghdr tmp = { .msg_control = buf, .msg_controllen = *len };
	struct cmsghdr *c = CMSG_FIRSTHDR(&tmp);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(n_fds * sizeof(int));
	memcpy(CMSG_DATA(c), fds, n_fds * sizeof(int));
	return buf;
}

/*
 * The header, iovec array and address in ONE sketch allocation: the sketch
 * recycles itself at the start of an allocation once the kernel has
 * consumed every committed SQE, and this op's SQE is not committed yet, so
 * a second allocation could be handed the first one's bytes.
 */
static int header_copy(uring *t, const struct iovec *iov, unsigned iovcnt,
		       const struct sockaddr *dst, socklen_t dst_len, struct msghdr **out)
{
	_Static_assert(sizeof(struct msghdr) % _Alignof(struct iovec) == 0, "iovecs follow");
	_Static_assert(sizeof(struct iovec) % 8 == 0, "the address follows, 8-aligned");
	size_t iov_bytes = (size_t)iovcnt * sizeof(struct iovec);
	size_t len = sizeof(struct msghdr) + iov_bytes + (dst ? dst_len : 0);
	uint8_t *p = uring__sketch_alloc(t, len, _Alignof(struct msghdr));
	if (!p)
		return -ENOMEM;
	struct msghdr *msg = (struct msghdr *)p;
	memset(msg, 0, sizeof(*msg));
	if (iovcnt) {
		msg->msg_iov = memcpy(p + sizeof(*msg), iov, iov_bytes);
		msg->msg_iovlen = iovcnt;
	}
	if (dst) {
		msg->msg_name = memcpy(p + sizeof(*msg) + iov_bytes, dst, dst_len);
		msg->msg_namelen = dst_len;
	}
	*out = msg;
	return 0;
}

/*
 * As OCaml's Uring.send_msg: msg_flags 0 (the kernel adds MSG_NOSIGNAL),
 * one SCM_RIGHTS message carrying the fds.  Negative fds are refused here
 * (-EBADF) rather than by the kernel at completion.
 */
uring_job uring_send_msg(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
			 const int *fds, unsigned n_fds,
			 const struct sockaddr *dst, socklen_t dst_len, void *data)
{
	if (!t)
		return -EINVAL;
	int ret = send_msg_check(iov, iovcnt, fds, n_fds, dst, dst_len);
	if (ret < 0)
		return ret;
	if (n_fds && !uring__ring_hold_room(t))
		return -ENOMEM;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	struct msghdr *msg;
	if (header_copy(t, iov, iovcnt, dst, dst_len, &msg) < 0)
		return -ENOMEM;
	void *control = NULL;
	if (n_fds) {
		control = control_make(fds, n_fds, &msg->msg_controllen);
		if (!control)
			return -ENOMEM;
		msg->msg_control = control;
	}
	sqe->opcode = IORING_OP_SENDMSG;
	sqe->fd = fd;
	sqe->addr = uring__ptr(msg);
	sqe->len = 1;
	return uring__commit_held(t, sqe, data, control);
}

/* ---- uring_msghdr and recv_msg ---- */

/* NULL and errno: EINVAL (more than UIO_MAXIOV iovecs or SCM_MAX_FD fds),
 * EFAULT (NULL iov with iovcnt), ENOMEM.  The iovec array is copied; the
 * buffers it points to and addr must live until the receive completes. */
uring_msghdr *uring_msghdr_create(unsigned n_fds, const struct iovec *iov, unsigned iovcnt,
				  uring_sockaddr *addr)
{
	int ret = uring__iov_check(iov, iovcnt);
	if (ret == 0 && n_fds > FDS_MAX)
		ret = -EINVAL;
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	size_t control_cap = n_fds ? CMSG_SPACE(n_fds * sizeof(int)) : 0;
	size_t iov_bytes = (size_t)iovcnt * sizeof(struct iovec);
	_Static_assert(sizeof(struct uring_msghdr) % _Alignof(struct iovec) == 0, "iovecs follow");
	_Static_assert(sizeof(struct iovec) % _Alignof(struct cmsghdr) == 0, "control follows");
	uring_msghdr *m = calloc(1, sizeof(*m) + iov_bytes + control_cap);
	if (!m) {
		errno = ENOMEM;
		return NULL;
	}
	m->iov = (struct iovec *)(m + 1);
	if (iovcnt)
		memcpy(m->iov, iov, iov_bytes);
	m->iovcnt = iovcnt;
	m->control = control_cap ? (unsigned char *)m->iov + iov_bytes : NULL;
	m->control_cap = control_cap;
	m->n_fds = n_fds;
	m->addr = addr;
	return m;
}

void uring_msghdr_destroy(uring_msghdr *m)
{
	free(m);
}

/* Walks every SCM_RIGHTS message in order, as OCaml's Msghdr.get_fds.
 * Returns how many fds were received and stores the first max of them;
 * 0 before any receive (the control block is zeroed when queued). */
int uring_msghdr_fds(const uring_msghdr *m, int *fds, unsigned max)
{
	if (!m)
		return -EINVAL;
	if (!fds && max)
		return -EFAULT;
	if (!m->control)
		return 0;
	struct msghdr msg = m->msg;
	msg.msg_controllen = m->msg.msg_controllen > m->control_cap ? m->control_cap
								      : m->msg.msg_controllen;
	unsigned n = 0;
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&msg); c; c = CMSG_NXTHDR(&msg, c)) {
		if (c->cmsg_len < CMSG_LEN(0))
			break;
		if (c->cmsg_level != SOL_SOCKET || c->cmsg_type != SCM_RIGHTS)
			continue;
		size_t count = (c->cmsg_len - CMSG_LEN(0)) / sizeof(int);
		for (size_t i = 0; i < count; i++, n++)
			if (n < max)
				memcpy(&fds[n], CMSG_DATA(c) + i * sizeof(int), sizeof(int));
	}
	return n > INT_MAX ? INT_MAX : (int)n;
}

socklen_t uring_msghdr_addr_len(const uring_msghdr *m)
{
	return m && m->addr ? m->msg.msg_namelen : 0;
}

/* recvmsg(2) echoes the MSG_CMSG_CLOEXEC we asked for into msg_flags; it
 * says nothing about the message, so it is not reported. */
int uring_msghdr_flags(const uring_msghdr *m)
{
	return m ? m->msg.msg_flags & ~MSG_CMSG_CLOEXEC : 0;
}

/* The header is reset for each receive: the kernel wrote the lengths and
 * flags of the previous one back into it. */
static void recv_reset(uring_msghdr *m)
{
	m->msg = (struct msghdr){
		.msg_iov = m->iov,
		.msg_iovlen = m->iovcnt,
		.msg_control = m->control,
		.msg_controllen = m->control_cap,
	};
	if (m->addr) {
		m->addr->len = sizeof(m->addr->addr);
		m->msg.msg_name = &m->addr->addr;
		m->msg.msg_namelen = sizeof(m->addr->addr);
	}
	if (m->control)
		memset(m->control, 0, m->control_cap);
}

/*
 * As OCaml's Uring.recv_msg (2.14+): MSG_CMSG_CLOEXEC, so every fd received
 * is close-on-exec.  -EBUSY when m is still in flight on this ring: the
 * kernel writes into it until that job completes.
 */
uring_job uring_recv_msg(uring *t, int fd, uring_msghdr *m, void *data)
{
	if (!t || !m)
		return -EINVAL;
	if (m->ring == t && uring__heap_lookup(&t->heap, m->job))
		return -EBUSY;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	recv_reset(m);
	sqe->opcode = IORING_OP_RECVMSG;
	sqe->fd = fd;
	sqe->addr = uring__ptr(&m->msg);
	sqe->msg_flags = MSG_CMSG_CLOEXEC;
	uring_job job = uring__sqe_commit(t, sqe, data);
	if (job > 0) {
		m->ring = t;
		m->job = job;
	}
	return job;
}

/* ---- send_msg_zc ---- */

/*
 * A caller's control block is whole when every message in it has a length
 * of at least its header and ends inside the block, as __cmsg_nxthdr and
 * the kernel's cmsghdr_from_user_compat / __scm_send walk it; the kernel
 * would fail the job with -EINVAL otherwise, after the SQE was consumed.
 */
static int control_check(const void *control, size_t len)
{
	if (!control)
		return len ? -EFAULT : 0;
	if (len == 0 || len > CONTROL_MAX)
		return -EINVAL;
	struct msghdr m = { .msg_control = (void *)control, .msg_controllen = len };
	for (struct cmsghdr *c = CMSG_FIRSTHDR(&m); c; c = CMSG_NXTHDR(&m, c)) {
		size_t at = (size_t)((const unsigned char *)c - (const unsigned char *)control);
		if (c->cmsg_len < sizeof(*c) || c->cmsg_len > len - at)
			return -EINVAL;
	}
	return 0;
}

/*
 * IORING_OP_SENDMSG_ZC (6.1): send_msg's header, sent from the caller's
 * buffers, with the caller's control messages (UDP_SEGMENT, IP_TOS...),
 * copied: malloc'd and held until the job ends, as send_msg's fds, since
 * the kernel reads them at every issue.  Two completions as uring_send_zc;
 * the header and the iovec array are copied, the buffers they point to are
 * the kernel's until the notification.
 */
uring_job uring_send_msg_zc2(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
			     const struct sockaddr *dst, socklen_t dst_len, const void *control,
			     size_t control_len, int flags, unsigned zc_flags, void *data)
{
	if (!t)
		return -EINVAL;
	int ret = send_msg_check(iov, iovcnt, NULL, 0, dst, dst_len);
	if (ret == 0)
		ret = control_check(control, control_len);
	if (ret == 0 && !uring__op_ok(t, IORING_OP_SENDMSG_ZC))
		ret = -EOPNOTSUPP;
	if (ret == 0)
		ret = uring__zc_flags_check(zc_flags);
	if (ret < 0)
		return ret;
	if (control && !uring__ring_hold_room(t))
		return -ENOMEM;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	struct msghdr *msg;
	if (header_copy(t, iov, iovcnt, dst, dst_len, &msg) < 0)
		return -ENOMEM;
	void *copy = control ? malloc(control_len) : NULL;
	if (control && !copy)
		return -ENOMEM;
	if (copy) {
		msg->msg_control = memcpy(copy, control, control_len);
		msg->msg_controllen = control_len;
	}
	sqe->opcode = IORING_OP_SENDMSG_ZC;
	sqe->fd = fd;
	sqe->addr = uring__ptr(msg);
	sqe->len = 1;
	sqe->msg_flags = (uint32_t)flags;
	sqe->ioprio = (uint16_t)zc_flags;
	return uring__commit_held(t, sqe, data, copy);
}

uring_job uring_send_msg_zc(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
			    const struct sockaddr *dst, socklen_t dst_len, int flags,
			    unsigned zc_flags, void *data)
{
	return uring_send_msg_zc2(t, fd, iov, iovcnt, dst, dst_len, NULL, 0, flags, zc_flags, data);
}
