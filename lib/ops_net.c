/* SPDX-License-Identifier: ISC */
/*
 * Socket ops: socket, bind, listen, connect, accept, shutdown, send, recv,
 * and their multishot and zero-copy forms.  Each sets the fields its
 * kernel prep function reads and nothing else (the SQE arrives zeroed);
 * addresses the kernel copies at prep (bind, connect) go to the sketch.
 */
#include <limits.h>
#include <sys/socket.h>

#include "buf_ring.h"
#include "direct.h"
#include "ring.h"
#include "zc_report.h"

/* The kernel's io_sr_msg.len is an int: a longer length would arrive
 * negative and fail at completion, so it is refused before queueing. */
#define NET_LEN_MAX ((size_t)INT_MAX)

static int len_check(const void *buf, size_t len)
{
	if (len > NET_LEN_MAX)
		return -EINVAL;
	if (!buf && len)
		return -EFAULT;
	return 0;
}

static int addr_check(const struct sockaddr *addr, socklen_t len)
{
	if (!addr)
		return -EFAULT;
	/* move_addr_to_kernel's own limits: 0 .. sizeof(sockaddr_storage). */
	if (len == 0 || len > sizeof(struct sockaddr_storage))
		return -EINVAL;
	return 0;
}

/*
 * IORING_OP_SOCKET (5.19) as socket(2), except that SOCK_CLOEXEC is always
 * added: every fd the library creates is close-on-exec (OCaml's default).
 * Type flags other than SOCK_NONBLOCK are refused here, as by the kernel.
 */
static struct uring__sqe *socket_sqe(uring *t, int domain, int type, int protocol)
{
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return NULL;
	sqe->opcode = IORING_OP_SOCKET;
	sqe->fd = domain;
	sqe->off = (uint64_t)(uint32_t)type;
	sqe->len = (uint32_t)protocol;
	return sqe;
}

static int socket_type_check(int type)
{
	int flags = type & ~0xf;   /* SOCK_TYPE_MASK */
	return (flags & ~(SOCK_CLOEXEC | SOCK_NONBLOCK)) ? -EINVAL : 0;
}

uring_job uring_socket(uring *t, int domain, int type, int protocol, void *data)
{
	if (!t || socket_type_check(type) < 0)
		return -EINVAL;
	struct uring__sqe *sqe = socket_sqe(t, domain, type | SOCK_CLOEXEC, protocol);
	if (!sqe)
		return uring__sq_full(t);
	return uring__sqe_commit(t, sqe, data);
}

/* Into a slot (5.19): without SOCK_CLOEXEC, which io_socket_prep refuses
 * with a slot; the installed fd gets it (uring_fixed_fd_install). */
uring_job uring_socket_direct(uring *t, int domain, int type, int protocol, unsigned slot,
			      void *data)
{
	if (!t || socket_type_check(type) < 0)
		return -EINVAL;
	int ret = uring__direct_slot_check(t, slot);
	if (ret == 0 && !uring_op_supported(t, URING_OP_SOCKET))
		ret = -EOPNOTSUPP;
	if (ret < 0)
		return ret;
	struct uring__sqe *sqe = socket_sqe(t, domain, type & ~SOCK_CLOEXEC, protocol);
	if (!sqe)
		return uring__sq_full(t);
	sqe->file_index = uring__direct_file_index(slot);
	return uring__sqe_commit(t, sqe, data);
}

/* bind and connect: the kernel copies the address at prep (move_addr_to_
 * kernel), so the sketch copy outlives every read of it. */
static uring_job addr_queue(uring *t, uint8_t opcode, int fd, const struct sockaddr *addr,
			    socklen_t len, void *data)
{
	if (!t)
		return -EINVAL;
	int ret = addr_check(addr, len);
	if (ret < 0)
		return ret;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	void *copy = uring__sketch_alloc(t, len, _Alignof(struct sockaddr_storage));
	if (!copy)
		return -ENOMEM;
	memcpy(copy, addr, len);
	sqe->opcode = opcode;
	sqe->fd = fd;
	sqe->addr = uring__ptr(copy);
	sqe->off = len;   /* addr2: the length itself, not a pointer */
	return uring__sqe_commit(t, sqe, data);
}

/* IORING_OP_BIND (6.11). */
uring_job uring_bind(uring *t, int fd, const struct sockaddr *addr, socklen_t len, void *data)
{
	return addr_queue(t, IORING_OP_BIND, fd, addr, len, data);
}

/* IORING_OP_CONNECT (5.5).  On a non-blocking socket the kernel answers
 * -EINPROGRESS as connect(2) does; on a blocking one it waits. */
uring_job uring_connect(uring *t, int fd, const struct sockaddr *addr, socklen_t len, void *data)
{
	return addr_queue(t, IORING_OP_CONNECT, fd, addr, len, data);
}

/* IORING_OP_LISTEN (6.11).  A negative backlog means "the maximum", as in
 * listen(2): the kernel clamps it to somaxconn. */
uring_job uring_listen(uring *t, int fd, int backlog, void *data)
{
	if (!t)
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_LISTEN;
	sqe->fd = fd;
	sqe->len = (uint32_t)backlog;
	return uring__sqe_commit(t, sqe, data);
}

/*
 * One accept job, plain or direct.  file_index 0 makes an fd, always
 * SOCK_CLOEXEC; otherwise the connection goes into a slot
 * (uring__direct_file_index), and the kernel refuses SOCK_CLOEXEC there,
 * as a slot is no fd (uring_fixed_fd_install makes one, close-on-exec).
 * peer->len is set to the whole storage before queueing; the kernel writes
 * the address and its length into *peer when the connection is accepted,
 * which is why peer must live until the completion.
 */
static uring_job accept_queue(uring *t, int fd, uring_sockaddr *peer, uint32_t file_index,
			      uint16_t ioprio, void *data)
{
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	/* Before 5.19 the kernel ignores the multishot bit and runs a
	 * single-shot accept: refused instead. */
	if ((ioprio & IORING_ACCEPT_MULTISHOT) && !uring__has(t, URING_FEATURE_ACCEPT_MULTISHOT))
		return -EOPNOTSUPP;
	sqe->opcode = IORING_OP_ACCEPT;
	sqe->fd = fd;
	sqe->ioprio = ioprio;
	sqe->accept_flags = file_index ? 0 : SOCK_CLOEXEC;
	sqe->file_index = file_index;
	if (peer) {
		peer->len = sizeof(peer->addr);
		sqe->addr = uring__ptr(&peer->addr);
		sqe->off = uring__ptr(&peer->len);   /* addr2: where the length goes */
	}
	return uring__sqe_commit(t, sqe, data);
}

/* IORING_OP_ACCEPT (5.5), as OCaml's Uring.accept. */
uring_job uring_accept(uring *t, int fd, uring_sockaddr *peer, void *data)
{
	if (!t)
		return -EINVAL;
	return accept_queue(t, fd, peer, 0, 0, data);
}

/*
 * Multishot accept (5.19).  No peer address: every connection would write
 * into the same one before the caller could read it.  getpeername(2) on the
 * new fd gives it.
 */
uring_job uring_accept_multishot(uring *t, int fd, void *data)
{
	if (!t)
		return -EINVAL;
	return accept_queue(t, fd, NULL, 0, IORING_ACCEPT_MULTISHOT, data);
}

/* Into a slot of the registered table (5.15; URING_FILE_INDEX_ALLOC 5.19):
 * the result is 0 for a chosen slot, the slot for an allocated one. */
uring_job uring_accept_direct(uring *t, int fd, uring_sockaddr *peer, unsigned slot, void *data)
{
	if (!t)
		return -EINVAL;
	int ret = uring__direct_slot_check(t, slot);
	return ret < 0 ? ret : accept_queue(t, fd, peer, uring__direct_file_index(slot), 0, data);
}

/* Multishot into allocated slots only: io_accept_prep refuses a fixed
 * slot with MULTISHOT (every connection would replace the last). */
uring_job uring_accept_multishot_direct(uring *t, int fd, void *data)
{
	if (!t)
		return -EINVAL;
	int ret = uring__direct_slot_check(t, URING_FILE_INDEX_ALLOC);
	return ret < 0 ? ret
		       : accept_queue(t, fd, NULL, IORING_FILE_INDEX_ALLOC, IORING_ACCEPT_MULTISHOT, data);
}

/* IORING_OP_SHUTDOWN (5.11); `how` is checked here so nothing is queued. */
uring_job uring_shutdown(uring *t, int fd, int how, void *data)
{
	if (!t || (how != SHUT_RD && how != SHUT_WR && how != SHUT_RDWR))
		return -EINVAL;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_SHUTDOWN;
	sqe->fd = fd;
	sqe->len = (uint32_t)how;
	return uring__sqe_commit(t, sqe, data);
}

/* send / recv / send_zc share the layout: buffer, length, MSG_* flags.
 * The kernel always adds MSG_NOSIGNAL to sends: a closed peer is -EPIPE,
 * never SIGPIPE. */
static uring_job sr_queue(uring *t, uint8_t opcode, int fd, const void *buf, size_t len,
			  int flags, uint16_t ioprio, void *data)
{
	if (!t)
		return -EINVAL;
	int ret = len_check(buf, len);
	if (ret < 0)
		return ret;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	uring__sqe_rw(sqe, opcode, fd, buf, (uint32_t)len, 0);
	sqe->msg_flags = (uint32_t)flags;
	sqe->ioprio = ioprio;
	return uring__sqe_commit(t, sqe, data);
}

/* IORING_OP_SEND (5.6) as send(2). */
uring_job uring_send(uring *t, int fd, const void *buf, size_t len, int flags, void *data)
{
	return sr_queue(t, IORING_OP_SEND, fd, buf, len, flags, 0, data);
}

/* IORING_OP_RECV (5.6) as recv(2). */
uring_job uring_recv(uring *t, int fd, void *buf, size_t len, int flags, void *data)
{
	return sr_queue(t, IORING_OP_RECV, fd, buf, len, flags, 0, data);
}

/* IORING_OP_SEND_ZC (6.0).  The job is freed by the notification (the
 * completion without F_MORE), so the caller learns from the job itself
 * when buf is free again. */
uring_job uring_send_zc(uring *t, int fd, const void *buf, size_t len, int flags, void *data)
{
	return sr_queue(t, IORING_OP_SEND_ZC, fd, buf, len, flags, 0, data);
}

/* With the zero-copy flags in ioprio, where io_send_zc_prep reads them. */
uring_job uring_send_zc2(uring *t, int fd, const void *buf, size_t len, int flags,
			 unsigned zc_flags, void *data)
{
	if (!t)
		return -EINVAL;
	int ret = uring__op_ok(t, IORING_OP_SEND_ZC) ? uring__zc_flags_check(zc_flags) : -EOPNOTSUPP;
	if (ret < 0)
		return ret;
	return sr_queue(t, IORING_OP_SEND_ZC, fd, buf, len, flags, (uint16_t)zc_flags, data);
}

/* Multishot recv (6.0): see ops_bundle.c, which also queues the bundles. */
uring_job uring_recv_multishot(uring *t, int fd, uring_buf_ring *br, int flags, void *data)
{
	return uring__recv_select(t, fd, br, flags, IORING_RECV_MULTISHOT, data);
}
