/* SPDX-License-Identifier: ISC */
/*
 * Multishot recvmsg (IORING_OP_RECVMSG with IORING_RECV_MULTISHOT, 6.0)
 * and the parser of what it leaves in each selected buffer:
 *
 *   struct io_uring_recvmsg_out | name (namelen bytes) | control (controllen
 *   bytes) | payload
 *
 * with namelen and controllen those of the msghdr given at queue time, not
 * what arrived.  The kernel reads that msghdr when the SQE is issued, within
 * the submitting io_uring_enter or copied by it on -EAGAIN (io_recvmsg_
 * copy_hdr), so the sketch copy suffices.
 */
#include <limits.h>
#include <sys/socket.h>

#include "buf_ring.h"
#include "ring.h"

/* include/uapi/linux/io_uring.h */
struct uring__recvmsg_out {
	uint32_t namelen;
	uint32_t controllen;
	uint32_t payloadlen;
	uint32_t flags;
};
_Static_assert(sizeof(struct uring__recvmsg_out) == 16, "io_uring_recvmsg_out is 16 bytes");

/* Control messages need cmsghdr alignment in the buffer: the name length is
 * rounded up to it, and buffers of a multiple of it start aligned (the
 * pool is page-aligned). */
#define CMSG_ALIGNMENT ((size_t)_Alignof(struct cmsghdr))

static size_t name_room(const struct msghdr *tmpl)
{
	return ((size_t)tmpl->msg_namelen + CMSG_ALIGNMENT - 1) & ~(CMSG_ALIGNMENT - 1);
}

static size_t header_room(const struct msghdr *tmpl)
{
	return sizeof(struct uring__recvmsg_out) + name_room(tmpl) + tmpl->msg_controllen;
}

/* What io_recvmsg_prep_multishot would fail at completion (-EFAULT: the
 * buffer cannot hold the header), refused here instead. */
static int template_check(const uring_buf_ring *br, const struct msghdr *tmpl)
{
	if (tmpl->msg_namelen > sizeof(struct sockaddr_storage))
		return -EINVAL;
	if (tmpl->msg_controllen > INT_MAX)
		return -EINVAL;
	if (br->buf_size % CMSG_ALIGNMENT || br->buf_size < header_room(tmpl))
		return -EINVAL;
	/* An incremental ring: the kernel writes each message's header where
	 * the previous message ended, at any byte offset, so the header and
	 * the control messages would be misaligned and uring_recv_msg_parse,
	 * which reads from the buffer's start, would see the first message
	 * again.  The kernel accepts it (6.12 to 7.2); refused here. */
	if (br->inc)
		return -EINVAL;
	return 0;
}

/* The header the kernel reads: lengths only.  msg_name stays NULL, which
 * multishot ignores (the name goes into the buffer). */
static struct msghdr *template_copy(uring *t, const struct msghdr *tmpl)
{
	struct msghdr *m = uring__sketch_alloc(t, sizeof(*m), _Alignof(struct msghdr));
	if (!m)
		return NULL;
	memset(m, 0, sizeof(*m));
	m->msg_namelen = (socklen_t)name_room(tmpl);
	m->msg_controllen = tmpl->msg_controllen;
	return m;
}

/*
 * As uring_recv_multishot, with the source address and control messages of
 * each datagram in the buffer too.  MSG_CMSG_CLOEXEC, as uring_recv_msg:
 * fds passed over a unix socket arrive close-on-exec.
 */
uring_job uring_recv_msg_multishot(uring *t, int fd, uring_buf_ring *br,
				   const struct msghdr *tmpl, int flags, void *data)
{
	if (!t || (flags & MSG_WAITALL))
		return -EINVAL;
	if (!tmpl)
		return -EFAULT;
	int ret = uring__buf_ring_reserve(t, br);
	if (ret == 0)
		ret = template_check(br, tmpl);
	if (ret < 0)
		return ret;
	if (!uring__has(t, URING_FEATURE_RECV_MULTISHOT))
		return -EOPNOTSUPP;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	struct msghdr *m = template_copy(t, tmpl);
	if (!m)
		return -ENOMEM;
	sqe->opcode = IORING_OP_RECVMSG;
	sqe->fd = fd;
	sqe->addr = uring__ptr(m);
	sqe->len = 1;
	sqe->ioprio = IORING_RECV_MULTISHOT;
	sqe->msg_flags = (uint32_t)flags | MSG_CMSG_CLOEXEC;
	return uring__buf_ring_commit(t, br, sqe, data);
}

/* The buffer c handed out, with the header checked against what the kernel
 * can have written: NULL for a completion of anything else. */
static const uint8_t *completion_buffer(const uring_buf_ring *br, const struct msghdr *tmpl,
				       const uring_completion *c)
{
	int bid = uring_completion_buffer_id(c);
	if (c->result < 0 || bid < 0 || (unsigned)bid >= br->nbufs)
		return NULL;
	size_t res = (size_t)c->result;
	if (res < header_room(tmpl) || res > br->buf_size)
		return NULL;
	return br->bufs + (size_t)bid * br->buf_size;
}

int uring_recv_msg_parse(const uring_buf_ring *br, const struct msghdr *tmpl,
			 const uring_completion *c, uring_recv_msg_parts *out)
{
	if (!br || !tmpl || !c || !out)
		return -EFAULT;
	const uint8_t *buf = completion_buffer(br, tmpl, c);
	if (!buf)
		return -EINVAL;
	struct uring__recvmsg_out h;
	memcpy(&h, buf, sizeof(h));
	size_t name_max = tmpl->msg_namelen;
	size_t header = header_room(tmpl);
	if (h.controllen > tmpl->msg_controllen)
		return -EINVAL;
	const uint8_t *name = buf + sizeof(h);
	*out = (uring_recv_msg_parts){
		.name = name_max ? (const struct sockaddr *)(const void *)name : NULL,
		.name_len = (socklen_t)(h.namelen < name_max ? h.namelen : name_max),
		.name_truncated = h.namelen > name_max,
		.control = tmpl->msg_controllen ? name + name_room(tmpl) : NULL,
		.control_len = h.controllen,
		.payload = buf + header,
		.payload_len = (size_t)c->result - header,
		.payload_full_len = h.payloadlen,
		.flags = (int)(h.flags & ~(uint32_t)MSG_CMSG_CLOEXEC),
	};
	return 0;
}

/* A control message at p is whole when its header and its cmsg_len bytes
 * lie within the control block (the last one may lack its padding). */
static const struct cmsghdr *cmsg_at(const uring_recv_msg_parts *m, const uint8_t *p)
{
	const uint8_t *start = m->control, *end = start + m->control_len;
	if (p < start || p > end || (size_t)(end - p) < sizeof(struct cmsghdr))
		return NULL;
	const struct cmsghdr *c = (const struct cmsghdr *)(const void *)p;
	if (c->cmsg_len < sizeof(struct cmsghdr) || c->cmsg_len > (size_t)(end - p))
		return NULL;
	return c;
}

const struct cmsghdr *uring_recv_msg_cmsg_first(const uring_recv_msg_parts *m)
{
	if (!m || !m->control)
		return NULL;
	return cmsg_at(m, m->control);
}

const struct cmsghdr *uring_recv_msg_cmsg_next(const uring_recv_msg_parts *m,
					       const struct cmsghdr *c)
{
	if (!m || !m->control || !c)
		return NULL;
	const uint8_t *p = (const uint8_t *)c;
	if (cmsg_at(m, p) != c)
		return NULL;   /* not one of m's */
	size_t step = CMSG_ALIGN(c->cmsg_len);
	const uint8_t *end = (const uint8_t *)m->control + m->control_len;
	if (step == 0 || step >= (size_t)(end - p))
		return NULL;
	return cmsg_at(m, p + step);
}
