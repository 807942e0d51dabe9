/* SPDX-License-Identifier: ISC */
/*
 * curing: Linux io_uring for C, mirroring OCaml's Uring module.
 *
 * Conventions (docs/api.md has the full reference):
 *  - One ring is used by one thread at a time; nothing is locked.
 *  - Every op returns a uring_job: > 0 the job id (queued; sent to the
 *    kernel by the next uring_submit / uring_wait), 0 the submission queue
 *    is full (nothing queued: submit, then retry), < 0 -errno (arguments
 *    rejected, nothing queued).  Inside a link chain a full queue is
 *    -ENOSPC, not 0: a submit would send the chain's head alone (see
 *    URING_LINK).
 *  - A job id is the SQE's user_data: heap slot plus generation, so a stale
 *    id is detected and never reaches a newer job.  Ids are always > 0; a
 *    completion whose job is < 0 is a message posted by another ring.
 *  - Results are the kernel's: >= 0 success, -errno failure.
 *  - Paths, iovec arrays, timespecs, socket addresses and send_msg headers
 *    are copied: the caller may free them as soon as the call returns.
 *    Data buffers, struct statx outputs, uring_sockaddr for accept and
 *    uring_msghdr for recv_msg must stay valid until the job's completion
 *    has been collected; a program built with ASan gets a report when it
 *    touches or frees them earlier (docs/api.md 8.6).
 *  - Every fd the library creates (socket, accept, recv_msg) is close-on-exec.
 */
#ifndef CURING_URING_H
#define CURING_URING_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/socket.h>
#include <sys/types.h>
#include <sys/uio.h>

#ifdef __cplusplus
extern "C" {
#endif

#if defined(__GNUC__)
#define URING_API __attribute__((visibility("default")))
#else
#define URING_API
#endif

struct statx;

typedef struct uring uring;                  /* Uring.t */
typedef int64_t uring_job;                   /* Uring.job */

typedef struct uring_completion {            /* Uring.completion_option's Some */
	int32_t   result;                    /* syscall-style result, -errno on failure */
	uint32_t  flags;                     /* URING_CQE_F_* */
	void     *data;                      /* what the op was given */
	uring_job job;                       /* which job this completes */
} uring_completion;

typedef struct uring_options {               /* Uring.create's optional arguments */
	uint32_t setup_flags;                /* URING_SETUP_*, the kernel's IORING_SETUP_* values */
	uint32_t polling_timeout_ms;         /* non-zero: SQPOLL, idle after this many ms */
	uint32_t cq_entries;                 /* non-zero: completion queue size */
} uring_options;

typedef struct uring_stats {                 /* Uring.Stats */
	unsigned sqe_ready, active_ops;
	size_t   sketch_buffer_size, sketch_used;
	unsigned sketch_old_buffers;
} uring_stats;

typedef struct uring_sockaddr {              /* Uring.Sockaddr */
	struct sockaddr_storage addr;
	socklen_t len;
} uring_sockaddr;

typedef enum { URING_CLOCK_MONOTONIC, URING_CLOCK_BOOTTIME, URING_CLOCK_REALTIME } uring_clock;

/* Setup flags (Uring.Setup_flags): the kernel's IORING_SETUP_* values. */
#define URING_SETUP_IOPOLL         (1u << 0)
#define URING_SETUP_SQPOLL         (1u << 1)   /* prefer polling_timeout_ms */
#define URING_SETUP_CLAMP          (1u << 4)
#define URING_SETUP_SUBMIT_ALL     (1u << 7)
#define URING_SETUP_COOP_TASKRUN   (1u << 8)
#define URING_SETUP_TASKRUN_FLAG   (1u << 9)
#define URING_SETUP_SQE128         (1u << 10)
#define URING_SETUP_CQE32          (1u << 11)
#define URING_SETUP_SINGLE_ISSUER  (1u << 12)
#define URING_SETUP_DEFER_TASKRUN  (1u << 13)
#define URING_SETUP_NO_SQARRAY     (1u << 16)
#define URING_SETUP_HYBRID_IOPOLL  (1u << 17)

/* Completion flags: the kernel's IORING_CQE_F_* values. */
#define URING_CQE_F_BUFFER         (1u << 0)   /* a provided buffer was used: id in flags >> 16 */
#define URING_CQE_F_MORE           (1u << 1)   /* the job stays active: more completions follow */
#define URING_CQE_F_SOCK_NONEMPTY  (1u << 2)
#define URING_CQE_F_NOTIF          (1u << 3)   /* zero-copy send: buffer released */
#define URING_CQE_F_BUF_MORE       (1u << 4)
#define URING_CQE_BUFFER_SHIFT     16

/* Opcodes for uring_op_supported: the kernel's IORING_OP_* values. */
enum {
	URING_OP_NOP, URING_OP_READV, URING_OP_WRITEV, URING_OP_FSYNC,
	URING_OP_READ_FIXED, URING_OP_WRITE_FIXED, URING_OP_POLL_ADD,
	URING_OP_POLL_REMOVE, URING_OP_SYNC_FILE_RANGE, URING_OP_SENDMSG,
	URING_OP_RECVMSG, URING_OP_TIMEOUT, URING_OP_TIMEOUT_REMOVE,
	URING_OP_ACCEPT, URING_OP_ASYNC_CANCEL, URING_OP_LINK_TIMEOUT,
	URING_OP_CONNECT, URING_OP_FALLOCATE, URING_OP_OPENAT, URING_OP_CLOSE,
	URING_OP_FILES_UPDATE, URING_OP_STATX, URING_OP_READ, URING_OP_WRITE,
	URING_OP_FADVISE, URING_OP_MADVISE, URING_OP_SEND, URING_OP_RECV,
	URING_OP_OPENAT2, URING_OP_EPOLL_CTL, URING_OP_SPLICE,
	URING_OP_PROVIDE_BUFFERS, URING_OP_REMOVE_BUFFERS, URING_OP_TEE,
	URING_OP_SHUTDOWN, URING_OP_RENAMEAT, URING_OP_UNLINKAT,
	URING_OP_MKDIRAT, URING_OP_SYMLINKAT, URING_OP_LINKAT,
	URING_OP_MSG_RING, URING_OP_FSETXATTR, URING_OP_SETXATTR,
	URING_OP_FGETXATTR, URING_OP_GETXATTR, URING_OP_SOCKET,
	URING_OP_URING_CMD, URING_OP_SEND_ZC, URING_OP_SENDMSG_ZC,
	URING_OP_READ_MULTISHOT, URING_OP_WAITID, URING_OP_FUTEX_WAIT,
	URING_OP_FUTEX_WAKE, URING_OP_FUTEX_WAITV, URING_OP_FIXED_FD_INSTALL,
	URING_OP_FTRUNCATE, URING_OP_BIND, URING_OP_LISTEN, URING_OP_RECV_ZC,
	URING_OP_EPOLL_WAIT, URING_OP_READV_FIXED, URING_OP_WRITEV_FIXED,
	URING_OP_PIPE
};

/* ------------------------------------------------------------------ */
/* Ring lifecycle, submission, completion                              */
/* ------------------------------------------------------------------ */

/* NULL and errno set on failure: EINVAL (depth 0 or > 32768, a flag not
 * listed above, cq_entries non-zero and below depth or above 65536, or a
 * combination the kernel refuses), ENOMEM (also: RLIMIT_MEMLOCK on kernels
 * that charge ring memory to it), EMFILE, ENOSYS / EPERM (io_uring
 * unavailable or forbidden by sysctl or seccomp). */
URING_API uring   *uring_create(unsigned queue_depth, const uring_options *opts);
/* 0: all released.  -EBUSY: active_ops > 0, ring untouched.  Call it
 * from the creating thread: the ring fd registration lives there. */
URING_API int      uring_exit(uring *t);
URING_API unsigned uring_queue_depth(const uring *t);   /* SQ entries granted */
URING_API unsigned uring_active_ops(const uring *t);    /* queued, in flight, or uncollected */
URING_API unsigned uring_sqe_ready(const uring *t);     /* queued, not yet consumed */
/* SQEs free now: how many ops can be queued before one returns 0 (or
 * -ENOSPC inside a link chain: check this before starting a chain). */
URING_API unsigned uring_sq_space_left(const uring *t);
URING_API void     uring_get_debug_stats(const uring *t, uring_stats *out);

/* SQEs submitted (>= 0) or -errno; no syscall when nothing is queued. */
URING_API int uring_submit(uring *t);
/* Submits what is queued, then blocks for one completion.
 * 1: *out filled.  0: interrupted by a signal (nothing lost).  -errno,
 * e.g. -EBADR once after the kernel dropped completions (out of memory). */
URING_API int uring_wait(uring *t, uring_completion *out);
/* As uring_wait; 0 also when timeout_ns passes with no completion.
 * -EOPNOTSUPP on kernels before 5.11 (no IORING_FEAT_EXT_ARG): curing
 * never queues a hidden timeout job on the caller's behalf. */
URING_API int uring_wait_timeout(uring *t, uint64_t timeout_ns, uring_completion *out);
/* Submits what is queued, then blocks until at least min completions are
 * ready, then collects up to max of them with one CQ head update; one
 * io_uring_enter at most.  Returns how many were collected: fewer than min
 * (possibly 0) when a signal came or timeout_ns passed first
 * (URING_WAIT_FOREVER: no timeout), and also when a uring_timeout job
 * fires: the kernel wakes every waiter on a timeout completion, whatever
 * the count.  -EINVAL: NULL out, min 0, min > max, or min above the CQ
 * size; -EOPNOTSUPP for a timeout before 5.11. */
#define URING_WAIT_FOREVER UINT64_MAX
URING_API int uring_wait_many(uring *t, uring_completion *out, unsigned max, unsigned min,
			      uint64_t timeout_ns);
/* Never submits, never blocks.  1: *out filled.  0: none ready. */
URING_API int uring_get_cqe_nonblocking(uring *t, uring_completion *out);
/* Non-blocking batch: up to max completions, one CQ head update. */
URING_API int uring_reap(uring *t, uring_completion *out, unsigned max);

URING_API int uring_register_eventfd(uring *t, int eventfd);
URING_API int uring_op_supported(uring *t, unsigned op);   /* 1 / 0 */
URING_API const char *uring_error_name(int result);        /* "ECANCELED" for -125 */

/* ------------------------------------------------------------------ */
/* Operations                                                          */
/* ------------------------------------------------------------------ */
/* file_offset: absolute offset, or -1 for the current position (which
 * then advances), as OCaml's Optint.Int63.minus_one. */

URING_API uring_job uring_noop(uring *t, void *data);
/* Completes with -ETIME when it fires, -ECANCELED when cancelled. */
URING_API uring_job uring_timeout(uring *t, uring_clock clock, uint64_t ns, bool absolute, void *data);
/* -ENOENT (nothing queued) if job was already collected.  Completions:
 * target -ECANCELED and cancel 0; or target -EINTR and cancel -EALREADY;
 * or target's own result and cancel -ENOENT. */
URING_API uring_job uring_cancel(uring *t, uring_job job, void *data);

/* files */
URING_API uring_job uring_openat2(uring *t, int dirfd, const char *path, uint64_t flags,
				  uint64_t mode, uint64_t resolve, void *data);
URING_API uring_job uring_close(uring *t, int fd, void *data);
URING_API uring_job uring_read(uring *t, int fd, void *buf, unsigned len, int64_t file_offset, void *data);
URING_API uring_job uring_write(uring *t, int fd, const void *buf, unsigned len, int64_t file_offset, void *data);
URING_API uring_job uring_readv(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
				int64_t file_offset, void *data);
URING_API uring_job uring_writev(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
				 int64_t file_offset, void *data);
URING_API uring_job uring_readv2(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
				 int64_t file_offset, int rw_flags, void *data);
URING_API uring_job uring_writev2(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
				  int64_t file_offset, int rw_flags, void *data);
URING_API uring_job uring_splice(uring *t, int fd_in, int fd_out, unsigned len, void *data);
URING_API uring_job uring_poll_add(uring *t, int fd, unsigned poll_mask, void *data);
URING_API uring_job uring_statx(uring *t, int dirfd, const char *path, int flags,
				unsigned mask, struct statx *out, void *data);
URING_API uring_job uring_unlink(uring *t, int dirfd, const char *path, bool dir, void *data);
URING_API uring_job uring_mkdirat(uring *t, int dirfd, const char *path, mode_t mode, void *data);
URING_API uring_job uring_linkat(uring *t, int olddirfd, const char *oldpath, int newdirfd,
				 const char *newpath, int flags, void *data);
URING_API uring_job uring_renameat(uring *t, int olddirfd, const char *oldpath, int newdirfd,
				   const char *newpath, unsigned flags, void *data);
URING_API uring_job uring_symlinkat(uring *t, const char *target, int newdirfd,
				    const char *linkpath, void *data);
URING_API uring_job uring_fsync(uring *t, int fd, uint64_t off, uint32_t len, void *data);
URING_API uring_job uring_fdatasync(uring *t, int fd, uint64_t off, uint32_t len, void *data);
URING_API uring_job uring_fallocate(uring *t, int fd, int mode, uint64_t off, uint64_t len, void *data);
URING_API uring_job uring_ftruncate(uring *t, int fd, uint64_t len, void *data);

/* the registered (fixed) buffer, Uring.set_fixed_buffer / Uring.Region */
/* 0.  -ENOMEM: RLIMIT_MEMLOCK too low.  -EBUSY: active ops.  -EFAULT: NULL
 * buf with len > 0.  len 0: unregister.  A failed call leaves no buffer. */
URING_API int   uring_set_fixed_buffer(uring *t, void *buf, size_t len);
URING_API void *uring_fixed_buffer(const uring *t, size_t *len);
/* -EINVAL when [off, off+len) is outside the fixed buffer. */
URING_API uring_job uring_read_fixed(uring *t, int fd, size_t off, unsigned len, int64_t file_offset, void *data);
URING_API uring_job uring_write_fixed(uring *t, int fd, size_t off, unsigned len, int64_t file_offset, void *data);
/* Vectored fixed-buffer I/O (kernel 6.15+; -EOPNOTSUPP where the probe
 * says no): every iovec must lie inside the fixed buffer (-EINVAL). */
URING_API uring_job uring_readv_fixed(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
				      int64_t file_offset, void *data);
URING_API uring_job uring_writev_fixed(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
				       int64_t file_offset, void *data);

typedef struct uring_region uring_region;
typedef struct uring_chunk { uring_region *region; size_t offset; } uring_chunk;
/* NULL + errno: EINVAL if block_size is 0, buf is NULL, len < block_size or
 * there are 2^32 blocks or more; ENOMEM.  Trailing bytes are unused. */
URING_API uring_region *uring_region_create(void *buf, size_t len, size_t block_size);
URING_API void     uring_region_destroy(uring_region *r);
URING_API int      uring_region_alloc(uring_region *r, uring_chunk *out);  /* 0, or -ENOSPC */
/* 0, or -EINVAL: a double free, a chunk never handed out (offset not on a
 * block boundary or beyond the region), or a NULL region. */
URING_API int      uring_region_free(uring_chunk c);
URING_API unsigned uring_region_avail(const uring_region *r);
URING_API size_t   uring_region_block_size(const uring_region *r);
URING_API void    *uring_chunk_ptr(uring_chunk c);
/* -EINVAL: len > block size, or the chunk's region is not over t's fixed buffer. */
URING_API uring_job uring_read_chunk(uring *t, int fd, uring_chunk c, unsigned len, int64_t file_offset, void *data);
URING_API uring_job uring_write_chunk(uring *t, int fd, uring_chunk c, unsigned len, int64_t file_offset, void *data);

/* sockets */
URING_API uring_job uring_socket(uring *t, int domain, int type, int protocol, void *data);
URING_API uring_job uring_bind(uring *t, int fd, const struct sockaddr *addr, socklen_t len, void *data);
URING_API uring_job uring_listen(uring *t, int fd, int backlog, void *data);
URING_API uring_job uring_connect(uring *t, int fd, const struct sockaddr *addr, socklen_t len, void *data);
URING_API uring_job uring_accept(uring *t, int fd, uring_sockaddr *peer, void *data);
URING_API uring_job uring_shutdown(uring *t, int fd, int how, void *data);
URING_API uring_job uring_send(uring *t, int fd, const void *buf, size_t len, int flags, void *data);
URING_API uring_job uring_recv(uring *t, int fd, void *buf, size_t len, int flags, void *data);
URING_API uring_job uring_send_msg(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
				   const int *fds, unsigned n_fds,
				   const struct sockaddr *dst, socklen_t dst_len, void *data);

typedef struct uring_msghdr uring_msghdr;    /* Uring.Msghdr */
URING_API uring_msghdr *uring_msghdr_create(unsigned n_fds, const struct iovec *iov, unsigned iovcnt,
					    uring_sockaddr *addr);
URING_API int  uring_msghdr_fds(const uring_msghdr *m, int *fds, unsigned max);
URING_API void uring_msghdr_destroy(uring_msghdr *m);
URING_API uring_job uring_recv_msg(uring *t, int fd, uring_msghdr *m, void *data);

/* ------------------------------------------------------------------ */
/* Beyond the OCaml module                                             */
/* ------------------------------------------------------------------ */
/* BEGIN beyond-ocaml */

/* ---- receive details of uring_recv_msg ---- */
/* After the job's completion: the source address length the kernel wrote
 * (addr->len is set to sizeof(addr->addr) when the job is queued, as the
 * kernel reports the length into the message header, not into addr), and
 * the received msg_flags (MSG_TRUNC, MSG_CTRUNC: fds beyond n_fds were
 * closed by the kernel).  0 before any receive or for a NULL m. */
URING_API socklen_t uring_msghdr_addr_len(const uring_msghdr *m);
URING_API int       uring_msghdr_flags(const uring_msghdr *m);

/* ---- SQE flags on a queued job: the kernel's IOSQE_* values ---- */
#define URING_FIXED_FILE  (1u << 0)   /* the job's fd is an index into the registered files */
#define URING_DRAIN       (1u << 1)   /* start only after every earlier job has completed;
					 * every later job (cancels too) waits behind it, so
					 * a drained job after one that never completes
					 * stalls the ring (docs/reliability.md) */
#define URING_LINK        (1u << 2)   /* the next job starts after this one succeeds.
					 * A chain is sent as queued: queue it whole
					 * before submitting.  With the SQ full, an op
					 * after a job marked LINK / HARDLINK returns
					 * -ENOSPC (nothing queued) instead of 0, since
					 * submit-and-retry would split the chain: check
					 * uring_sq_space_left() before starting one */
#define URING_HARDLINK    (1u << 3)   /* the next job starts after this one, even on failure */
#define URING_ASYNC       (1u << 4)   /* skip the inline attempt: go to a kernel worker */
/*
 * Replaces the job's SQE flags among the five above (0 clears them); flags
 * the op itself set (buffer selection) are kept.  The job must still be
 * queued, not yet handed to the kernel by uring_submit / uring_wait.
 * 0, or: -ENOENT stale or unknown job; -EALREADY already submitted;
 * -EINVAL unknown bits; -EBADF URING_FIXED_FILE with an fd outside the
 * registered table.  CQE_SKIP_SUCCESS is not offered: a job without a
 * completion would never free its slot.
 */
URING_API int uring_job_set_flags(uring *t, uring_job job, unsigned flags);
/*
 * IORING_OP_LINK_TIMEOUT: bounds the job queued just before it, which must
 * carry URING_LINK or URING_HARDLINK (-EINVAL otherwise, nothing queued).
 * If ns (CLOCK_MONOTONIC, relative) pass first, that job is cancelled
 * (-ECANCELED, or -EINTR if it was running) and this one completes with
 * -ETIME; if the job finishes first, this one completes with -ECANCELED.
 */
URING_API uring_job uring_link_timeout(uring *t, uint64_t ns, void *data);

/* ---- provided-buffer rings and multishot ops ---- */
typedef struct uring_buf_ring uring_buf_ring;
/*
 * nbufs buffers of buf_size bytes, registered as buffer group group_id
 * (IORING_REGISTER_PBUF_RING, 5.19) and all handed to the kernel.  NULL and
 * errno set on failure: EINVAL (nbufs 0, not a power of two or > 32768;
 * group_id > 65535; buf_size 0 or > 1 GiB; nbufs * buf_size > 1 GiB),
 * EEXIST (group already registered), ENOMEM, or the kernel's errno.
 */
URING_API uring_buf_ring *uring_buf_ring_create(uring *t, unsigned group_id, unsigned nbufs,
						size_t buf_size);
/* The address of buffer bid (NULL when bid is out of range); *size, when
 * size is not NULL, receives the buffer's capacity. */
URING_API void *uring_buf_ring_buffer(const uring_buf_ring *br, unsigned bid, size_t *size);
/* Hands buffer bid back to the kernel once its data has been used; each id
 * a completion delivered is recycled once.  0, or -EINVAL (bid out of range). */
URING_API int uring_buf_ring_recycle(uring_buf_ring *br, unsigned bid);
/* Unregisters and frees.  0, or -EBUSY while a multishot recv using it is
 * active, -EINVAL if br is not t's.  uring_exit destroys the ones left. */
URING_API int uring_buf_ring_destroy(uring *t, uring_buf_ring *br);

/* The buffer id a completion carries, or -1 when it used no buffer. */
static inline int uring_completion_buffer_id(const uring_completion *c)
{
	return (c->flags & URING_CQE_F_BUFFER) ? (int)(c->flags >> URING_CQE_BUFFER_SHIFT) : -1;
}

/*
 * One job, one completion per accepted connection (result: the new fd,
 * close-on-exec) with URING_CQE_F_MORE while it stays armed (5.19).  It
 * ends with a completion without F_MORE: an error, or -ECANCELED after
 * uring_cancel; that completion frees the job.
 */
URING_API uring_job uring_accept_multishot(uring *t, int fd, void *data);
/*
 * One job, one completion per chunk received into a buffer of br (6.0):
 * result = bytes, uring_completion_buffer_id(c) = the buffer, F_MORE while
 * armed.  Ends without F_MORE on 0 (peer closed), an error, or -ENOBUFS
 * when br has no free buffer: recycle, then queue it again; no data is
 * lost.  flags: MSG_* (MSG_WAITALL is refused with -EINVAL, as by the
 * kernel).
 */
URING_API uring_job uring_recv_multishot(uring *t, int fd, uring_buf_ring *br, int flags,
					 void *data);
/*
 * IORING_OP_SEND_ZC (6.0): the kernel sends from buf without copying it.
 * Two completions: the result (bytes or -errno) with URING_CQE_F_MORE, then
 * a notification with URING_CQE_F_NOTIF once the kernel no longer uses buf;
 * buf must stay untouched until then.  The notification frees the job.
 */
URING_API uring_job uring_send_zc(uring *t, int fd, const void *buf, size_t len, int flags,
				  void *data);

/* ---- registered files (jobs use them through URING_FIXED_FILE) ---- */
/* n fds (-1: an empty slot); the kernel keeps its own references, so the
 * fds may be closed afterwards.  0, or -EBUSY (a table exists), -EINVAL
 * (n 0 or > 2^20), -EFAULT, -EBADF, -EMFILE (over RLIMIT_NOFILE). */
URING_API int uring_register_files(uring *t, const int *fds, unsigned n);
/* Replaces slots offset .. offset+n-1 (-1 empties a slot).  The count
 * updated, or -ENXIO (no table), -EINVAL (outside the table), -EBADF. */
URING_API int uring_register_files_update(uring *t, unsigned offset, const int *fds, unsigned n);
/* 0, or -ENXIO when no table is registered. */
URING_API int uring_unregister_files(uring *t);

/* ---- messages between rings ---- */
/*
 * IORING_OP_MSG_RING (5.18): posts a completion on target with result and
 * the 63-bit message.  There, the completion's job is < 0 (bit 63 set by
 * the library, never a job id), its value is uring_message_value(job), and
 * data is NULL: it is not a job and needs no collecting beyond being read.
 * This job completes on t with 0, or -EOVERFLOW when target's CQ is full.
 * -EINVAL: message >= 2^63, or no target.
 */
URING_API uring_job uring_msg_ring(uring *t, const uring *target, int32_t result,
				   uint64_t message, void *data);
static inline bool uring_job_is_message(uring_job job)
{
	return job < 0;
}
static inline uint64_t uring_message_value(uring_job job)
{
	return (uint64_t)job & (uint64_t)INT64_MAX;
}

/* ---- following jobs: a trace of every job (docs/api.md, "Tools") ---- */
typedef enum {
	URING_TRACE_QUEUE,      /* an op call queued the job */
	URING_TRACE_SUBMIT,     /* its SQE was published to the kernel */
	URING_TRACE_COMPLETE,   /* one of its completions was collected */
} uring_trace_point;

typedef struct uring_trace_event {
	uring_trace_point point;
	int       op;       /* URING_OP_*; -1 on a completion whose job was queued
			     * before the trace was set, or of a message (msg_ring) */
	uring_job job;
	int       fd;       /* the SQE's fd (an index with URING_FIXED_FILE) */
	uint32_t  len;      /* the SQE's len: bytes, or the iovec count of a vectored op */
	int32_t   result;   /* COMPLETE: the completion's result; 0 otherwise */
	uint32_t  flags;    /* COMPLETE: URING_CQE_F_*; 0 otherwise */
} uring_trace_event;

typedef void (*uring_trace_fn)(void *ctx, const uring_trace_event *ev);
/* Calls fn(ctx, ev) when each job is queued, submitted and completed (fn
 * NULL: off, the default).  fn must not call back into t.  0, or -EINVAL
 * (NULL t), -ENOMEM. */
URING_API int  uring_set_trace(uring *t, uring_trace_fn fn, void *ctx);
/* A ready-made uring_trace_fn: one line per event to ctx, a FILE *:
 * uring_set_trace(t, uring_trace_print, stderr). */
URING_API void uring_trace_print(void *ctx, const uring_trace_event *ev);

/* END beyond-ocaml */

#ifdef __cplusplus
}
#endif

#endif
