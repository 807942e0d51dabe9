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
 *  - A job id is the SQE's user_data, never issued twice in the process,
 *    so a stale id (or another ring's) is detected and never reaches
 *    another job.  Ids are always > 0; a completion whose job is < 0 is a
 *    message posted by another ring.
 *  - Results are the kernel's: >= 0 success, -errno failure.
 *  - Paths, iovec arrays, timespecs, socket addresses and send_msg headers
 *    are copied: the caller may free them as soon as the call returns.
 *    Data buffers, struct statx outputs, uring_sockaddr for accept and
 *    uring_msghdr for recv_msg must stay valid until the job's completion
 *    has been collected; a program built with ASan gets a report when it
 *    touches or frees them earlier (docs/api.md 8.13).
 *  - Every fd the library creates (socket, accept, recv_msg, pipe,
 *    fixed_fd_install unless told otherwise) is close-on-exec.
 *  - Kernels: Linux 5.10 or later (uring_create refuses older ones with
 *    EOPNOTSUPP).  What needs a newer kernel is marked [5.19] etc.; on a
 *    kernel without it the function refuses with -EOPNOTSUPP, nothing
 *    queued (NULL and errno EOPNOTSUPP where it returns a pointer).
 *    Argument errors come first, then 0 for a full SQ, then -EOPNOTSUPP.
 *    uring_op_supported and uring_feature_supported tell beforehand.
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

/* This header's version; meson.build refuses to configure if it is not
 * project()'s.  uring_version() is the linked library's, as URING_VERSION. */
#define URING_VERSION_MAJOR 0
#define URING_VERSION_MINOR 1
#define URING_VERSION_PATCH 0
#define URING_VERSION ((URING_VERSION_MAJOR << 16) | (URING_VERSION_MINOR << 8) | URING_VERSION_PATCH)
URING_API unsigned uring_version(void);

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
	/* Read only with the setup flag that names them (so a program built
	 * before they existed, which cannot set those flags, is unaffected): */
	uint32_t sq_thread_cpu;              /* URING_SETUP_SQ_AFF: the SQPOLL thread's CPU */
	const struct uring *wq_ring;         /* URING_SETUP_ATTACH_WQ: share this ring's
					      * io-wq and, with SQPOLL, its poll thread */
	void    *ring_mem;                   /* URING_SETUP_NO_MMAP: the rings' memory, */
	size_t   ring_mem_len;               /* page-aligned, >= uring_mem_size() bytes */
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
#define URING_SETUP_SQ_AFF         (1u << 2)   /* with SQPOLL: pin it to sq_thread_cpu */
#define URING_SETUP_CLAMP          (1u << 4)
#define URING_SETUP_ATTACH_WQ      (1u << 5)   /* share wq_ring's workers */
#define URING_SETUP_R_DISABLED     (1u << 6)   /* created disabled, for uring_register_restrictions */
#define URING_SETUP_SUBMIT_ALL     (1u << 7)   /* [5.18] */
#define URING_SETUP_COOP_TASKRUN   (1u << 8)   /* [5.19] */
#define URING_SETUP_TASKRUN_FLAG   (1u << 9)   /* [5.19] */
#define URING_SETUP_SQE128         (1u << 10)  /* [5.19] */
#define URING_SETUP_CQE32          (1u << 11)  /* [5.19] */
#define URING_SETUP_SINGLE_ISSUER  (1u << 12)  /* [6.0] */
#define URING_SETUP_DEFER_TASKRUN  (1u << 13)  /* [6.1] */
#define URING_SETUP_NO_MMAP        (1u << 14)  /* 6.5: rings in ring_mem */
#define URING_SETUP_NO_SQARRAY     (1u << 16)  /* 6.6; before, the index array, silently */
#define URING_SETUP_HYBRID_IOPOLL  (1u << 17)  /* [6.13] */
#define URING_SETUP_CQE_MIXED      (1u << 18)  /* 6.18: 16- and 32-byte CQEs in one CQ */
#define URING_SETUP_SQE_MIXED      (1u << 19)  /* 6.19: 64- and 128-byte SQEs in one SQ (uring_nop128) */

/* Completion flags: the kernel's IORING_CQE_F_* values. */
#define URING_CQE_F_BUFFER         (1u << 0)   /* a provided buffer was used: id in flags >> 16 */
#define URING_CQE_F_MORE           (1u << 1)   /* the job stays active: more completions follow */
#define URING_CQE_F_SOCK_NONEMPTY  (1u << 2)
#define URING_CQE_F_NOTIF          (1u << 3)   /* zero-copy send: buffer released */
#define URING_CQE_F_BUF_MORE       (1u << 4)   /* URING_BUF_RING_INC: the kernel keeps the rest of the buffer */
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
	URING_OP_PIPE, URING_OP_NOP128, URING_OP_URING_CMD128
};

/* ------------------------------------------------------------------ */
/* Ring lifecycle, submission, completion                              */
/* ------------------------------------------------------------------ */

/* NULL and errno set on failure: EINVAL (depth 0 or > 32768, a flag not
 * listed above (SQE_MIXED, 6.19, is not offered), cq_entries non-zero and below depth or above 65536, or a
 * combination the kernel refuses), EOPNOTSUPP (a setup flag the kernel is
 * too old for, or a kernel before 5.10), ENOMEM (also: RLIMIT_MEMLOCK on kernels
 * that charge ring memory to it), EMFILE, ENOSYS / EPERM (io_uring
 * unavailable or forbidden by sysctl or seccomp). */
URING_API uring   *uring_create(unsigned queue_depth, const uring_options *opts);
/* The bytes of ring_mem that URING_SETUP_NO_MMAP needs for this depth and
 * these options (SQE128, CQE32, cq_entries count); 0 for a depth or
 * cq_entries uring_create would refuse.  opts may be NULL. */
URING_API size_t uring_mem_size(unsigned queue_depth, const uring_options *opts);
/* After uring_create failed with errno err: one sentence naming why
 * io_uring is unavailable and the remedy, for EPERM (kernel.io_uring_disabled
 * and kernel.io_uring_group, a seccomp filter, a security module), ENOSYS
 * and EOPNOTSUPP (a seccomp filter, a kernel or platform without io_uring)
 * and ENOMEM (RLIMIT_MEMLOCK before 5.12 and the bytes the ring needs);
 * other errnos get a sentence naming them.  queue_depth and opts (may be
 * NULL): those given to uring_create.  Reads /proc: call it from the
 * process that failed.  Returns buf, truncated to len and NUL-terminated;
 * a NULL buf or len 0 gets uring_error_name(-err).  Never NULL. */
URING_API const char *uring_unavailable_reason(int err, unsigned queue_depth,
					       const uring_options *opts, char *buf, size_t len);
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
/* Every field of *s on one line, for logs (OCaml's Stats.pp), as
 * snprintf: at most size bytes with the NUL, and returns the length the
 * whole line needs (truncated when >= size).  -EINVAL: NULL s, or NULL
 * buf with size > 0.  URING_STATS_LINE_MAX always suffices. */
#define URING_STATS_LINE_MAX 160
URING_API int      uring_stats_format(char *buf, size_t size, const uring_stats *s);

/* SQEs submitted (>= 0) or -errno; no syscall when nothing is queued. */
URING_API int uring_submit(uring *t);
/* Submits what is queued, then blocks for one completion.
 * 1: *out filled.  0: interrupted by a signal (nothing lost).  -errno,
 * e.g. -EBADR once after the kernel dropped completions (out of memory). */
URING_API int uring_wait(uring *t, uring_completion *out);
/* As uring_wait; 0 also when timeout_ns passes with no completion.
 * -EOPNOTSUPP on kernels before 5.11 (no IORING_FEAT_EXT_ARG): curing
 * never queues a hidden timeout job on the caller's behalf. */
URING_API int uring_wait_timeout(uring *t, uint64_t timeout_ns, uring_completion *out);   /* [5.11] */
/* Submits what is queued, then blocks until at least min completions are
 * ready, then collects up to max of them with one CQ head update; one
 * io_uring_enter at most.  Returns how many were collected: fewer than min
 * (possibly 0) when a signal came or timeout_ns passed first
 * (URING_WAIT_FOREVER: no timeout), and also when a uring_timeout job
 * fires: the kernel wakes every waiter on a timeout completion, whatever
 * the count.  -EINVAL: NULL out, min 0, min > max, or min above the CQ
 * size; -EOPNOTSUPP for a timeout before 5.11 (URING_WAIT_FOREVER: 5.10). */
#define URING_WAIT_FOREVER UINT64_MAX
URING_API int uring_wait_many(uring *t, uring_completion *out, unsigned max, unsigned min,
			      uint64_t timeout_ns);
/* Never submits, never blocks.  1: *out filled.  0: none ready. */
URING_API int uring_get_cqe_nonblocking(uring *t, uring_completion *out);
/* Non-blocking batch: up to max completions, one CQ head update. */
URING_API int uring_reap(uring *t, uring_completion *out, unsigned max);

URING_API int uring_register_eventfd(uring *t, int eventfd);
/* 1 / 0: does the running kernel have opcode op (URING_OP_*).  An op
 * function whose opcode it lacks returns -EOPNOTSUPP, nothing queued. */
URING_API int uring_op_supported(uring *t, unsigned op);

/*
 * Kernel features that are not opcodes.  Where the running kernel lacks
 * one, the functions that need it refuse: -EOPNOTSUPP with nothing queued,
 * or NULL with errno EOPNOTSUPP.  uring_feature_supported is the library's
 * own answer (1 / 0; 0 for a NULL ring or an unknown feature), so a caller
 * can fall back before calling.  Minimum kernel in brackets.
 */
enum {
	URING_FEATURE_WAIT_TIMEOUT = 0,       /* uring_wait_timeout, uring_wait_many with a timeout [5.11] */
	URING_FEATURE_TIMEOUT_CLOCKS = 1,     /* uring_timeout on BOOTTIME or REALTIME [5.15] */
	URING_FEATURE_BUF_RING = 2,           /* uring_buf_ring_create [5.19] */
	URING_FEATURE_ACCEPT_MULTISHOT = 3,   /* uring_accept_multishot [5.19] */
	URING_FEATURE_RECV_MULTISHOT = 4,     /* uring_recv_multishot [6.0] */
	/* uring_create with the setup flag of the same name */
	URING_FEATURE_SETUP_SUBMIT_ALL = 5,      /* [5.18] */
	URING_FEATURE_SETUP_COOP_TASKRUN = 6,    /* [5.19] */
	URING_FEATURE_SETUP_TASKRUN_FLAG = 7,    /* [5.19] */
	URING_FEATURE_SETUP_SQE128 = 8,          /* [5.19] */
	URING_FEATURE_SETUP_CQE32 = 9,           /* [5.19] */
	URING_FEATURE_SETUP_SINGLE_ISSUER = 10,  /* [6.0] */
	URING_FEATURE_SETUP_DEFER_TASKRUN = 11,  /* [6.1] */
	URING_FEATURE_SETUP_HYBRID_IOPOLL = 12,  /* [6.13] */
	URING_FEATURE_SETUP_NO_MMAP = 13,        /* [6.5] */
	URING_FEATURE_SETUP_CQE_MIXED = 14,      /* [6.18] */
	URING_FEATURE_BUF_RING_INC = 15,      /* uring_buf_ring_create2 with URING_BUF_RING_INC [6.12] */
	URING_FEATURE_RECV_BUNDLE = 16,       /* uring_recv_bundle, uring_recv_multishot_bundle [6.10] */
	URING_FEATURE_SEND_BUNDLE = 17,       /* uring_send_bundle [6.10] */
	URING_FEATURE_SEND_ZC_REPORT_USAGE = 18, /* URING_SEND_ZC_REPORT_USAGE [6.2] */
	URING_FEATURE_SOCKET_CMD = 20,    /* uring_sock_inq/outq, uring_getsockopt/setsockopt [6.7] */
	URING_FEATURE_GETSOCKNAME = 21,   /* uring_getsockname [6.19] */
	URING_FEATURE_NAPI = 22,          /* uring_register_napi, uring_unregister_napi [6.9] */
	URING_FEATURE_BLOCK_DISCARD = 23, /* uring_discard [6.12] */
	URING_FEATURE_SETUP_SQE_MIXED = 24   /* uring_create with URING_SETUP_SQE_MIXED [6.19] */
};
URING_API int uring_feature_supported(uring *t, unsigned feature);
/* "ECANCELED" for -125, "EUNKNOWN" for no errno, "OK" for result >= 0:
 * never NULL, static. */
URING_API const char *uring_error_name(int result);

/* ------------------------------------------------------------------ */
/* Operations                                                          */
/* ------------------------------------------------------------------ */
/* file_offset: absolute offset, or -1 for the current position (which
 * then advances), as OCaml's Optint.Int63.minus_one. */

URING_API uring_job uring_noop(uring *t, void *data);
/* A NOP in a 128-byte SQE [6.19]: on a URING_SETUP_SQE_MIXED ring it takes
 * two SQ slots (three when it needs padding at the SQ's end), on an SQE128
 * ring one; on any other ring -EINVAL, nothing queued. */
URING_API uring_job uring_nop128(uring *t, void *data);
/* Completes with -ETIME when it fires, -ECANCELED when cancelled.
 * URING_CLOCK_BOOTTIME and _REALTIME: [5.15]. */
URING_API uring_job uring_timeout(uring *t, uring_clock clock, uint64_t ns, bool absolute, void *data);
/* -ENOENT (nothing queued) if job was already collected.  Completions:
 * target -ECANCELED and cancel 0 (1 for a futex wait or waitid: the
 * kernel counts those); or target -EINTR and cancel -EALREADY;
 * or target's own result and cancel -ENOENT. */
URING_API uring_job uring_cancel(uring *t, uring_job job, void *data);
/*
 * A repeating timer as one job (IORING_TIMEOUT_MULTISHOT, 6.4): every ns
 * (relative) on clock, a -ETIME completion with URING_CQE_F_MORE; count
 * times (0: until cancelled), the last one without F_MORE, which frees the
 * job.  uring_cancel or uring_timeout_remove end it with -ECANCELED
 * (without F_MORE).  Returns -EINVAL for ns 0 or an unknown clock.  A
 * kernel before 6.4 completes it once with -EINVAL.
 */
URING_API uring_job uring_timeout_multishot(uring *t, uring_clock clock, uint64_t ns,
					    unsigned count, void *data);
/*
 * IORING_OP_TIMEOUT_REMOVE (5.5) on a uring_timeout or multishot job:
 * completes with 0 (the timeout then completes with -ECANCELED), -EALREADY
 * (it is firing), or -ENOENT (not a pending timeout).  Returns -ENOENT,
 * nothing queued, when the job was already collected (as uring_cancel).
 */
URING_API uring_job uring_timeout_remove(uring *t, uring_job timeout, void *data);
/*
 * Re-arms a pending timeout to ns from now (or at ns on its clock when
 * absolute), IORING_TIMEOUT_UPDATE (5.11): completes with 0, or -ENOENT
 * (not a pending timeout); a kernel before 5.11 completes it with
 * -EINVAL.  Returns -ENOENT for a collected job.  The timespec is copied.
 */
URING_API uring_job uring_timeout_update(uring *t, uring_job timeout, uint64_t ns, bool absolute,
					 void *data);

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
/*
 * The "2" variants take RWF_* flags (preadv2(2) / pwritev2(2)): RWF_HIPRI,
 * DSYNC, SYNC, NOWAIT, APPEND, NOAPPEND (6.9), ATOMIC (6.11), DONTCACHE
 * (6.14), from <sys/uio.h> or <linux/fs.h>.  They pass to the kernel
 * unchecked: a bit the running kernel does not know completes with
 * -EOPNOTSUPP; RWF_NOWAIT with no data ready completes with -EAGAIN.
 * Otherwise each is its plain function, which is the variant with 0.
 */
URING_API uring_job uring_read2(uring *t, int fd, void *buf, unsigned len, int64_t file_offset,
				int rw_flags, void *data);
URING_API uring_job uring_write2(uring *t, int fd, const void *buf, unsigned len,
				 int64_t file_offset, int rw_flags, void *data);
URING_API uring_job uring_splice(uring *t, int fd_in, int fd_out, unsigned len, void *data);
URING_API uring_job uring_poll_add(uring *t, int fd, unsigned poll_mask, void *data);
URING_API uring_job uring_statx(uring *t, int dirfd, const char *path, int flags,
				unsigned mask, struct statx *out, void *data);
URING_API uring_job uring_unlink(uring *t, int dirfd, const char *path, bool dir, void *data);   /* [5.11] */
URING_API uring_job uring_mkdirat(uring *t, int dirfd, const char *path, mode_t mode, void *data);   /* [5.15] */
/* [5.15] */
URING_API uring_job uring_linkat(uring *t, int olddirfd, const char *oldpath, int newdirfd,
				 const char *newpath, int flags, void *data);
/* [5.11] */
URING_API uring_job uring_renameat(uring *t, int olddirfd, const char *oldpath, int newdirfd,
				   const char *newpath, unsigned flags, void *data);
/* [5.15] */
URING_API uring_job uring_symlinkat(uring *t, const char *target, int newdirfd,
				    const char *linkpath, void *data);
URING_API uring_job uring_fsync(uring *t, int fd, uint64_t off, uint32_t len, void *data);
URING_API uring_job uring_fdatasync(uring *t, int fd, uint64_t off, uint32_t len, void *data);
URING_API uring_job uring_fallocate(uring *t, int fd, int mode, uint64_t off, uint64_t len, void *data);
URING_API uring_job uring_ftruncate(uring *t, int fd, uint64_t len, void *data);   /* [6.9] */
/* IORING_OP_SYNC_FILE_RANGE (5.2) as sync_file_range(2): flags are
 * SYNC_FILE_RANGE_*, checked by the kernel (-EINVAL completion).  Returns
 * -EINVAL when off + len overflows a signed 64-bit offset. */
URING_API uring_job uring_sync_file_range(uring *t, int fd, uint64_t off, uint32_t len,
					  unsigned flags, void *data);
/* IORING_OP_FADVISE (5.6) as posix_fadvise(2) (POSIX_FADV_*; len 0: to the
 * end of the file), completing with 0 or -errno (-EINVAL: unknown advice,
 * -ESPIPE: a pipe).  A len above 4 GiB needs 6.11 (older kernels complete
 * with -EINVAL).  Returns -EINVAL when off + len overflows. */
URING_API uring_job uring_fadvise(uring *t, int fd, uint64_t off, uint64_t len, int advice,
				  void *data);
/* IORING_OP_MADVISE (5.6) as madvise(2) on [addr, addr+len) (MADV_*;
 * len above 4 GiB as for uring_fadvise).  -EOPNOTSUPP: a kernel built
 * without madvise. */
URING_API uring_job uring_madvise(uring *t, void *addr, uint64_t len, int advice, void *data);
/* IORING_OP_SPLICE (5.7) as splice(2): off_in / off_out -1 for none (the
 * file position; a pipe end needs -1, else -ESPIPE), flags SPLICE_F_*.
 * Returns -EINVAL for an offset below -1 or an unknown flag. */
URING_API uring_job uring_splice2(uring *t, int fd_in, int64_t off_in, int fd_out, int64_t off_out,
				  unsigned len, unsigned flags, void *data);
/* IORING_OP_TEE (5.8) as tee(2): both fds pipes; -EINVAL: unknown flag. */
URING_API uring_job uring_tee(uring *t, int fd_in, int fd_out, unsigned len, unsigned flags,
			      void *data);
/* IORING_OP_PIPE (6.16) as pipe2(2): completes with 0 and fds[0], fds[1]
 * written (close-on-exec always; flags: O_NONBLOCK, O_DIRECT).  fds must
 * stay valid until the completion.  Returns -EINVAL (other flags), -EFAULT
 * (NULL fds).  Before 6.16 the kernel completes it with -EINVAL. */
URING_API uring_job uring_pipe(uring *t, int fds[2], int flags, void *data);
/*
 * Extended attributes (5.19) as getxattr(2) / fgetxattr / setxattr /
 * fsetxattr: a get completes with the value's length (size 0: the length
 * only) or -errno (-ENODATA, -ERANGE: size too small); a set with 0
 * (flags: XATTR_CREATE, XATTR_REPLACE).  path and name are copied; value
 * must stay valid until the completion.  Returns -EFAULT (NULL path or
 * name, NULL value with size > 0), -ENAMETOOLONG (path), -ERANGE (name
 * empty or over 255 bytes), -E2BIG (a set over 64 KiB), -EINVAL (flags).
 */
URING_API uring_job uring_getxattr(uring *t, const char *path, const char *name, void *value,
				   size_t size, void *data);
URING_API uring_job uring_fgetxattr(uring *t, int fd, const char *name, void *value, size_t size,
				    void *data);
URING_API uring_job uring_setxattr(uring *t, const char *path, const char *name, const void *value,
				   size_t size, int flags, void *data);
URING_API uring_job uring_fsetxattr(uring *t, int fd, const char *name, const void *value,
				    size_t size, int flags, void *data);

/* the registered (fixed) buffer, Uring.set_fixed_buffer / Uring.Region */
/* 0.  -ENOMEM: RLIMIT_MEMLOCK too low.  -EBUSY: active ops.  -EFAULT: NULL
 * buf with len > 0.  len 0: unregister.  A failed call leaves no buffer. */
URING_API int   uring_set_fixed_buffer(uring *t, void *buf, size_t len);
URING_API void *uring_fixed_buffer(const uring *t, size_t *len);
/* -EINVAL when [off, off+len) is outside the fixed buffer. */
URING_API uring_job uring_read_fixed(uring *t, int fd, size_t off, unsigned len, int64_t file_offset, void *data);
URING_API uring_job uring_write_fixed(uring *t, int fd, size_t off, unsigned len, int64_t file_offset, void *data);
/* With RWF_* flags, as uring_read2 (READ_FIXED / WRITE_FIXED take them since 5.1). */
URING_API uring_job uring_read_fixed2(uring *t, int fd, size_t off, unsigned len,
				      int64_t file_offset, int rw_flags, void *data);
URING_API uring_job uring_write_fixed2(uring *t, int fd, size_t off, unsigned len,
				       int64_t file_offset, int rw_flags, void *data);
/* Vectored fixed-buffer I/O [6.15]: every iovec must lie inside the fixed
 * buffer (-EINVAL). */
URING_API uring_job uring_readv_fixed(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
				      int64_t file_offset, void *data);
URING_API uring_job uring_writev_fixed(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
				       int64_t file_offset, void *data);
URING_API uring_job uring_readv_fixed2(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
				       int64_t file_offset, int rw_flags, void *data);
URING_API uring_job uring_writev_fixed2(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
					int64_t file_offset, int rw_flags, void *data);

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
URING_API uring_job uring_read_chunk2(uring *t, int fd, uring_chunk c, unsigned len,
				      int64_t file_offset, int rw_flags, void *data);
URING_API uring_job uring_write_chunk2(uring *t, int fd, uring_chunk c, unsigned len,
				       int64_t file_offset, int rw_flags, void *data);

/* sockets */
URING_API uring_job uring_socket(uring *t, int domain, int type, int protocol, void *data);   /* [5.19] */
/* [6.11] */
URING_API uring_job uring_bind(uring *t, int fd, const struct sockaddr *addr, socklen_t len, void *data);
URING_API uring_job uring_listen(uring *t, int fd, int backlog, void *data);   /* [6.11] */
URING_API uring_job uring_connect(uring *t, int fd, const struct sockaddr *addr, socklen_t len, void *data);
URING_API uring_job uring_accept(uring *t, int fd, uring_sockaddr *peer, void *data);
URING_API uring_job uring_shutdown(uring *t, int fd, int how, void *data);   /* [5.11] */
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
#define URING_HARDLINK    (1u << 3)   /* the next job starts after this one, even on failure;
					 * on 5.10 not when this one fails at submission
					 * (a bad fd): the chain is then cancelled (6.1: runs) */
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
/* Re-arms a pending uring_link_timeout to ns from now (IORING_LINK_TIMEOUT_
 * UPDATE, 5.15): completes with 0, or -ENOENT once it fired or its job
 * ended; -EINVAL from kernels before 5.15.  Returns -ENOENT for a
 * collected job, nothing queued. */
URING_API uring_job uring_link_timeout_update(uring *t, uring_job link_timeout, uint64_t ns,
					      void *data);

/* ---- provided-buffer rings and multishot ops ---- */
typedef struct uring_buf_ring uring_buf_ring;
/*
 * nbufs buffers of buf_size bytes, registered as buffer group group_id
 * (IORING_REGISTER_PBUF_RING) and all handed to the kernel [5.19].  NULL and
 * errno set on failure: EINVAL (nbufs 0, not a power of two or > 32768;
 * group_id > 65535; buf_size 0 or > 1 GiB; nbufs * buf_size > 1 GiB),
 * EOPNOTSUPP (before 5.19), EEXIST (group already registered), ENOMEM, or the kernel's errno.
 */
URING_API uring_buf_ring *uring_buf_ring_create(uring *t, unsigned group_id, unsigned nbufs,
						size_t buf_size);
/* The address of buffer bid (NULL when bid is out of range); *size, when
 * size is not NULL, receives the buffer's capacity. */
URING_API void *uring_buf_ring_buffer(const uring_buf_ring *br, unsigned bid, size_t *size);
/* Hands buffer bid back to the kernel once its data has been used; each id
 * a completion delivered is recycled once.  0, or -EINVAL (a send ring's
 * buffer: push it instead; bid out of range,
 * or not lent: never delivered, or already recycled), -EBUSY (an incremental
 * ring's buffer whose last completion had URING_CQE_F_BUF_MORE: the kernel
 * still owns the rest of it). */
URING_API int uring_buf_ring_recycle(uring_buf_ring *br, unsigned bid);
/* Unregisters and frees.  0, or -EBUSY while a multishot recv using it is
 * active, -EINVAL if br is not t's.  uring_exit destroys the ones left. */
URING_API int uring_buf_ring_destroy(uring *t, uring_buf_ring *br);

/* The buffer id a completion carries, or -1 when it used no buffer. */
static inline int uring_completion_buffer_id(const uring_completion *c)
{
	return (c->flags & URING_CQE_F_BUFFER) ? (int)(c->flags >> URING_CQE_BUFFER_SHIFT) : -1;
}

/* ---- incremental consumption and bundles (docs/api.md 8.14) ---- */
/* uring_buf_ring_create2 flags. */
#define URING_BUF_RING_INC (1u << 1)   /* IOU_PBUF_RING_INC: buffers handed out in pieces [6.12] */
#define URING_BUF_RING_SEND (1u << 16) /* the caller fills buffers for uring_send_bundle */
/*
 * uring_buf_ring_create with flags.  URING_BUF_RING_INC: each receive takes
 * only the bytes it needs from the buffer at the ring's head, and its
 * completion carries URING_CQE_F_BUF_MORE while the kernel keeps the rest
 * of that buffer for the next receive.  NULL and errno as
 * uring_buf_ring_create, and EINVAL for an unknown flag, EOPNOTSUPP for
 * URING_BUF_RING_INC before 6.12.
 */
URING_API uring_buf_ring *uring_buf_ring_create2(uring *t, unsigned group_id, unsigned nbufs,
						 size_t buf_size, unsigned flags);
/* One buffer's share of a completion. */
typedef struct uring_buf_piece {
	void    *ptr;       /* the bytes the kernel wrote */
	size_t   len;
	unsigned bid;       /* the buffer id */
	int      done;      /* 1: the kernel is done with this buffer (recycle it
			     * after use); 0: it still owns the rest (BUF_MORE) */
} uring_buf_piece;
/*
 * The bytes of completion c (a job selecting from br): *ptr and the length
 * returned.  Each completion that used a buffer is taken once, in the order
 * collected: in an incremental ring the bytes of a completion start where
 * the previous completion of the same buffer ended.  -EINVAL: NULL br, c or
 * ptr, c used no buffer of br, or its bytes were already taken; -E2BIG: c
 * is a bundle spanning several buffers (use uring_buf_ring_pieces).
 */
URING_API int uring_buf_ring_data(uring_buf_ring *br, const uring_completion *c, void **ptr);
/*
 * Walks completion c: fills out[0..n) with each buffer it used, in order,
 * and returns n (0 for a completion without data), or -EINVAL as
 * uring_buf_ring_data, -ENOSPC when max is too small (nothing taken).
 */
URING_API int uring_buf_ring_pieces(uring_buf_ring *br, const uring_completion *c,
				    uring_buf_piece *out, unsigned max);
/*
 * Recycles the buffers of pieces[0..n) that are done (piece.done); the
 * others, still the kernel's, are left.  0, or -EINVAL (NULL br or pieces,
 * a done buffer not lent, or twice): then nothing is recycled.
 */
URING_API int uring_buf_ring_recycle_pieces(uring_buf_ring *br, const uring_buf_piece *pieces,
					    unsigned n);
/*
 * Receive bundles (IORING_RECVSEND_BUNDLE, 6.10): one completion takes as
 * many consecutive buffers of br as the data waiting fills; result = bytes,
 * uring_completion_buffer_id(c) = the first buffer; walk it with
 * uring_buf_ring_pieces.  uring_recv_multishot_bundle stays armed as
 * uring_recv_multishot.  Refused: -EINVAL (NULL br or another ring's, a
 * send ring, MSG_WAITALL), -EOPNOTSUPP (before 6.10), nothing queued.
 */
URING_API uring_job uring_recv_bundle(uring *t, int fd, uring_buf_ring *br, int flags, void *data);
URING_API uring_job uring_recv_multishot_bundle(uring *t, int fd, uring_buf_ring *br, int flags,
						void *data);
/*
 * A ring created with URING_BUF_RING_SEND starts empty, every buffer the
 * caller's: write len bytes into buffer bid, then push it.  0, or -EINVAL
 * (NULL br, not a send ring, bid out of range or already pushed, len 0 or
 * above the buffer size).
 */
URING_API int uring_buf_ring_push(uring_buf_ring *br, unsigned bid, size_t len);
/*
 * Sends the buffers pushed to br, in push order, as one stream
 * (IORING_OP_SEND with buffer selection and IORING_RECVSEND_BUNDLE, 6.10).
 * Each completion: result = bytes sent, the first buffer's id; walk it with
 * uring_buf_ring_pieces (each piece: the bytes of a buffer that were sent),
 * after which those buffers are the caller's to fill and push again.  The
 * kernel may post several (URING_CQE_F_MORE).  -ENOBUFS: nothing pushed.
 * A failed send (-EPIPE...) with a buffer id consumed the buffers it took:
 * uring_buf_ring_pieces gives them back as empty pieces.
 * Refused: -EINVAL (NULL br, another ring's, not a send ring, MSG_WAITALL),
 * -EOPNOTSUPP (before 6.10).
 */
URING_API uring_job uring_send_bundle(uring *t, int fd, uring_buf_ring *br, int flags, void *data);

/*
 * One job, one completion per accepted connection (result: the new fd,
 * close-on-exec) with URING_CQE_F_MORE while it stays armed [5.19].  It
 * ends with a completion without F_MORE: an error, or -ECANCELED after
 * uring_cancel; that completion frees the job.
 */
URING_API uring_job uring_accept_multishot(uring *t, int fd, void *data);
/*
 * One job, one completion per chunk received into a buffer of br [6.0]:
 * result = bytes, uring_completion_buffer_id(c) = the buffer, F_MORE while
 * armed.  Ends without F_MORE on 0 (peer closed), an error, or -ENOBUFS
 * when br has no free buffer: recycle, then queue it again; no data is
 * lost.  flags: MSG_* (MSG_WAITALL is refused with -EINVAL, as by the
 * kernel).
 */
URING_API uring_job uring_recv_multishot(uring *t, int fd, uring_buf_ring *br, int flags,
					 void *data);
/*
 * One job reading a pollable fd without a position (a pipe, an eventfd, a
 * tty, a socket) each time data arrives, into a buffer of br
 * (IORING_OP_READ_MULTISHOT, 6.7): completions as uring_recv_multishot
 * (result = bytes, the buffer id, F_MORE while armed); it ends without
 * F_MORE on 0 (end of file), an error (-EBADFD: the fd cannot be polled),
 * -ENOBUFS (br empty: recycle, queue again) or a full CQ.  Refused:
 * -EINVAL (NULL br or another ring's), -EOPNOTSUPP (before 6.7).
 */
URING_API uring_job uring_read_multishot(uring *t, int fd, uring_buf_ring *br, void *data);
/*
 * IORING_OP_POLL_ADD with IORING_POLL_ADD_MULTI (5.13; before, the job
 * completes with -EINVAL): one completion per readiness event (result =
 * the revents mask, F_MORE while armed) until cancelled (-ECANCELED, no
 * F_MORE), an error, or a full CQ ends it.
 */
URING_API uring_job uring_poll_multishot(uring *t, int fd, unsigned poll_mask, void *data);
/*
 * Re-arms the armed poll poll_job with poll_mask (IORING_OP_POLL_REMOVE
 * with IORING_POLL_UPDATE_EVENTS, 5.13); it stays multishot or single-shot
 * as it was queued (the kernel replaces only the event bits).  This job
 * completes with 0, or -ENOENT (poll_job has already fired or ended in
 * the kernel), -EALREADY (it is completing); poll_job goes on, with no
 * completion of its own for the update.  -ENOENT, nothing queued: poll_job
 * is not active.  Before 5.13 it completes with -EINVAL.  To change what
 * its completions carry: uring_job_set_data.
 */
URING_API uring_job uring_poll_update(uring *t, uring_job poll_job, unsigned poll_mask,
				      void *data);
/* Replaces the data pointer of a live job: completions collected from now
 * on carry data.  0, or -ENOENT (not an active job), -EINVAL (NULL t). */
URING_API int uring_job_set_data(uring *t, uring_job job, void *data);
/*
 * IORING_OP_SEND_ZC [6.0]: the kernel sends from buf without copying it.
 * Two completions: the result (bytes or -errno) with URING_CQE_F_MORE, then
 * a notification with URING_CQE_F_NOTIF once the kernel no longer uses buf;
 * buf must stay untouched until then.  The notification frees the job.
 */
URING_API uring_job uring_send_zc(uring *t, int fd, const void *buf, size_t len, int flags,
				  void *data);

/* ---- datagrams: multishot recvmsg, zero-copy sendmsg (docs/api.md 8.15) ---- */
/*
 * One job, one completion per message received into a buffer of br, with
 * the source address and control messages in the buffer before the
 * payload (IORING_OP_RECVMSG multishot, 6.0): read them with
 * uring_recv_msg_parse.  Completions and their end as uring_recv_multishot;
 * each buffer stays the caller's until uring_buf_ring_recycle.  Of tmpl
 * (copied) only msg_namelen (address bytes wanted, at most
 * sizeof(struct sockaddr_storage)) and msg_controllen (control bytes
 * wanted) are read.  flags: MSG_*; MSG_TRUNC makes the parsed
 * payload_full_len the datagram's whole length.  fds passed over a Unix
 * socket (SCM_RIGHTS) arrive close-on-exec in the control area: the
 * caller's to close.  Refused: -EINVAL (NULL t,
 * MSG_WAITALL, br NULL or another ring's or incremental, msg_namelen too large, buffers
 * not a multiple of 8 bytes or too small for the header the lengths ask
 * for), -EFAULT (NULL tmpl), -EOPNOTSUPP (before 6.0).
 */
URING_API uring_job uring_recv_msg_multishot(uring *t, int fd, uring_buf_ring *br,
					     const struct msghdr *tmpl, int flags, void *data);
/* One message of uring_recv_msg_multishot, pointing into its buffer. */
typedef struct uring_recv_msg_parts {
	const struct sockaddr *name;   /* the source address; NULL without msg_namelen */
	socklen_t name_len;            /* its bytes in the buffer */
	bool      name_truncated;      /* the address was longer than msg_namelen */
	const void *control;           /* control messages (uring_recv_msg_cmsg_first);
					* NULL without msg_controllen */
	size_t    control_len;         /* their bytes in the buffer */
	const void *payload;
	size_t    payload_len;         /* bytes of payload in the buffer */
	size_t    payload_full_len;    /* the kernel's count: with MSG_TRUNC asked, the
					* datagram's whole length; else payload_len */
	int       flags;               /* msg_flags: MSG_TRUNC (payload cut to the
					* buffer), MSG_CTRUNC (control cut) */
} uring_recv_msg_parts;
/* Fills *out from completion c of a uring_recv_msg_multishot job on br
 * queued with tmpl.  0, or -EFAULT (a NULL argument), -EINVAL (c carries
 * no buffer of br or an error, or its buffer holds no such message). */
URING_API int uring_recv_msg_parse(const uring_buf_ring *br, const struct msghdr *tmpl,
				   const uring_completion *c, uring_recv_msg_parts *out);
/* The control messages of m in order, each whole within m->control_len:
 * the first, then the one after c; NULL at the end. */
URING_API const struct cmsghdr *uring_recv_msg_cmsg_first(const uring_recv_msg_parts *m);
URING_API const struct cmsghdr *uring_recv_msg_cmsg_next(const uring_recv_msg_parts *m,
							 const struct cmsghdr *c);

/* zc_flags: the notification's result then has URING_NOTIF_USAGE_ZC_COPIED
 * set when the kernel copied the data after all (loopback does) [6.2]. */
#define URING_SEND_ZC_REPORT_USAGE   (1u << 3)
#define URING_NOTIF_USAGE_ZC_COPIED  (1u << 31)
/* 1 when c is the notification of a send with URING_SEND_ZC_REPORT_USAGE
 * and the kernel copied the data; 0 otherwise. */
static inline int uring_completion_zc_copied(const uring_completion *c)
{
	return (c->flags & URING_CQE_F_NOTIF) && ((uint32_t)c->result & URING_NOTIF_USAGE_ZC_COPIED);
}
/* uring_send_zc with zc_flags (0 or URING_SEND_ZC_REPORT_USAGE).  Refused
 * as uring_send_zc, and -EINVAL (unknown zc_flags), -EOPNOTSUPP (before
 * 6.0; the report before 6.2). */
URING_API uring_job uring_send_zc2(uring *t, int fd, const void *buf, size_t len, int flags,
				   unsigned zc_flags, void *data);
/*
 * IORING_OP_SENDMSG_ZC [6.1]: uring_send_msg without fds, sent without
 * copying from the buffers iov points to; two completions as
 * uring_send_zc, the buffers untouched until the notification.  The header,
 * the iovec array and dst are copied.  Refused as uring_send_msg, and
 * -EINVAL (unknown zc_flags), -EOPNOTSUPP (before 6.1; the report before 6.2).
 */
URING_API uring_job uring_send_msg_zc(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
				      const struct sockaddr *dst, socklen_t dst_len, int flags,
				      unsigned zc_flags, void *data);
/*
 * uring_send_msg_zc with control messages: control_len bytes at control,
 * a block of cmsghdrs as sendmsg(2) takes it (UDP_SEGMENT for GSO,
 * IP_TOS...), copied and kept until the job ends.  NULL and 0: none.
 * Refused as uring_send_msg_zc, and -EFAULT (NULL control with a length),
 * -EINVAL (a length of 0 or above 64 KiB with a block, a message whose
 * cmsg_len is below its header or runs past the block).
 */
URING_API uring_job uring_send_msg_zc2(uring *t, int fd, const struct iovec *iov, unsigned iovcnt,
				       const struct sockaddr *dst, socklen_t dst_len,
				       const void *control, size_t control_len, int flags,
				       unsigned zc_flags, void *data);

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

/* ---- cancellation by match, synchronous cancel, graceful exit ---- */
/* What a cancel matches: the kernel's IORING_ASYNC_CANCEL_* values. */
#define URING_CANCEL_ALL       (1u << 0)   /* every match, not just the first (5.19) */
#define URING_CANCEL_FD        (1u << 1)   /* jobs on fd (5.19) */
#define URING_CANCEL_ANY       (1u << 2)   /* every job of the ring; implies ALL (5.19) */
#define URING_CANCEL_FD_FIXED  (1u << 3)   /* with FD: fd is a registered-file slot (6.0) */
#define URING_CANCEL_OP        (1u << 5)   /* jobs of opcode URING_OP_* (6.6); with FD: both */
/*
 * IORING_OP_ASYNC_CANCEL by match.  flags: FD, OP or ANY (at least one),
 * plus ALL and FD_FIXED.  The job completes with the number of jobs
 * cancelled when ALL or ANY is set (0 when none matched), otherwise with
 * 0 (the first match cancelled), -ENOENT (none) or -EALREADY (it was
 * running: told to stop).  Each cancelled job still completes on its own
 * (-ECANCELED, or -EINTR if it was running); jobs queued after this one
 * are not affected.  Refused, nothing queued: -EINVAL (unknown flags, none
 * of FD/OP/ANY, ANY with FD or OP, FD_FIXED without FD, opcode > 255),
 * -EBADF (FD with fd < 0; FD_FIXED with a slot outside the registered
 * table), -EOPNOTSUPP (a flag the kernel lacks: FD/ALL/ANY need 5.19,
 * FD_FIXED 6.0, OP 6.6).
 */
URING_API uring_job uring_cancel_match(uring *t, unsigned flags, int fd, unsigned opcode,
				       void *data);
/*
 * IORING_REGISTER_SYNC_CANCEL (6.0): cancels job and returns once the
 * kernel no longer runs it: a running job's worker is interrupted and
 * waited for, up to timeout_ns (URING_WAIT_FOREVER: no limit).  Queued
 * jobs are submitted first.  0: cancelled; 1: the kernel had nothing to
 * cancel (the job had finished; or it is I/O no cancel can reach, such as
 * a block-device read already issued, whose completion alone says it is
 * done).  Either way its completion still has to be collected.  -ETIME:
 * still running at the deadline; -EINTR: a signal; -ENOENT: job is not
 * active (nothing done); -EAGAIN: SQPOLL has not read the job's SQE yet,
 * try again; -EOPNOTSUPP before 6.0; -EINVAL: NULL t.
 */
URING_API int uring_cancel_sync(uring *t, uring_job job, uint64_t timeout_ns);
/*
 * The synchronous form of uring_cancel_match, same flags and refusals
 * (-EOPNOTSUPP also before 6.0; -EBADF also from the kernel for a closed
 * fd).  With ALL or ANY it returns at once the number of jobs cancelled:
 * a running one among them is told to stop and may still be finishing,
 * its completion says when it has.  Without them: 0, after waiting for
 * the first match to stop as uring_cancel_sync does; -ENOENT none matched;
 * -ETIME.  Queued jobs are submitted first (-EAGAIN: SQPOLL has not read
 * them yet).
 */
URING_API int uring_cancel_match_sync(uring *t, unsigned flags, int fd, unsigned opcode,
				      uint64_t timeout_ns);
/*
 * Teardown for a ring with jobs active: submits what is queued, cancels
 * every job (synchronously from 6.0, by id before), and collects until no
 * job is active, handing every completion collected (F_MORE ones and
 * messages from other rings included) to each(c, arg) when each is not
 * NULL, so the caller can release what a job's data owns; then
 * uring_exit.  Jobs that finish before the cancel reaches them deliver
 * their own result.  0: the ring is released.  -ETIME: jobs still active
 * after timeout_ns (URING_WAIT_FOREVER: no limit): the ring is kept and
 * stays usable.  After lost completions (-EBADR) it ends in uring_exit's
 * cancel-and-release, without those jobs' completions.  -EINVAL: NULL t.
 */
URING_API int uring_exit_graceful(uring *t, uint64_t timeout_ns,
				  void (*each)(const uring_completion *c, void *arg), void *arg);

/* ---- direct descriptors: files that live only in the registered table ---- */
/*
 * A table of n empty slots (IORING_REGISTER_FILES2 with
 * IORING_RSRC_REGISTER_SPARSE, 5.19) for the _direct ops below to fill.
 * 0, or -EINVAL (n 0 or > 2^20), -EBUSY (a table exists), -EOPNOTSUPP
 * (before 5.19), -EMFILE (n over RLIMIT_NOFILE), the kernel's -ENOMEM.
 * uring_unregister_files removes it, closing the files in it.
 */
URING_API int uring_register_files_sparse(uring *t, unsigned n);
/*
 * Slots the kernel allocates (URING_FILE_INDEX_ALLOC) come from
 * [off, off + len) (IORING_REGISTER_FILE_ALLOC_RANGE, 6.0); by default the
 * whole table.  0, or -ENXIO (no table), -EINVAL (the range is not inside
 * the table), -EOPNOTSUPP (before 6.0).
 */
URING_API int uring_register_file_alloc_range(uring *t, unsigned off, unsigned len);

/* slot argument of the _direct ops: let the kernel pick a free slot (5.19) */
#define URING_FILE_INDEX_ALLOC      (~0u)
/*
 * accept, socket and openat2 whose new file goes into a slot of the
 * registered table instead of an fd: slot, an index (a file already there
 * is replaced and closed) or URING_FILE_INDEX_ALLOC.  The completion's
 * result is 0 for a chosen slot, the slot's index for an allocated one
 * (-ENFILE when no slot is free), or -errno.  Jobs then use the slot as
 * their fd with URING_FIXED_FILE.  No fd exists, so close-on-exec does not
 * apply (SOCK_CLOEXEC / O_CLOEXEC are dropped: the kernel refuses them
 * with a slot); uring_fixed_fd_install makes an fd of a slot.  Refused,
 * nothing queued: -ENXIO (no table), -EINVAL (slot outside the table, and
 * the plain op's refusals), -EOPNOTSUPP (direct accept and openat2 need
 * 5.15, socket and URING_FILE_INDEX_ALLOC 5.19).
 */
URING_API uring_job uring_accept_direct(uring *t, int fd, uring_sockaddr *peer, unsigned slot,
					void *data);
/* Multishot accept (5.19) into allocated slots: one completion per
 * connection whose result is its slot, F_MORE while armed, as
 * uring_accept_multishot.  -ENFILE ends it when the table is full; a full
 * CQ ends it too, on a connection accepted (result >= 0, no F_MORE):
 * queue it again. */
URING_API uring_job uring_accept_multishot_direct(uring *t, int fd, void *data);
URING_API uring_job uring_socket_direct(uring *t, int domain, int type, int protocol,
					unsigned slot, void *data);
URING_API uring_job uring_openat2_direct(uring *t, int dirfd, const char *path, uint64_t flags,
					 uint64_t mode, uint64_t resolve, unsigned slot, void *data);
/* Closes the file in slot (IORING_OP_CLOSE with a slot, 5.15): 0, or
 * -EBADF when the slot is empty.  Refused: -ENXIO (no table), -EINVAL
 * (slot outside the table or URING_FILE_INDEX_ALLOC), -EOPNOTSUPP. */
URING_API uring_job uring_close_direct(uring *t, unsigned slot, void *data);
#define URING_FIXED_FD_NO_CLOEXEC   (1u << 0)   /* the new fd survives exec */
/*
 * A normal fd for the file in slot (IORING_OP_FIXED_FD_INSTALL, 6.8): the
 * completion's result is the new fd, close-on-exec unless flags has
 * URING_FIXED_FD_NO_CLOEXEC, or -EBADF (empty slot).  The slot keeps its
 * file too.  Refused: -EINVAL (unknown flags), -ENXIO (no table), -EBADF
 * (slot outside the table), -EOPNOTSUPP (before 6.8).
 */
URING_API uring_job uring_fixed_fd_install(uring *t, unsigned slot, unsigned flags, void *data);

/* ---- messages between rings ---- */
/*
 * IORING_OP_MSG_RING [5.18]: posts a completion on target with result and
 * the 63-bit message.  There, the completion's job is < 0 (bit 63 set by
 * the library, never a job id), its value is uring_message_value(job), and
 * data is NULL: it is not a job and needs no collecting beyond being read.
 * This job completes on t with 0, or -EOVERFLOW when target's CQ is full.
 * -EINVAL: message >= 2^63, or no target.
 */
URING_API uring_job uring_msg_ring(uring *t, const uring *target, int32_t result,
				   uint64_t message, void *data);
/*
 * IORING_MSG_SEND_FD (6.0): installs the file in t's registered slot
 * src_slot into target's table, at dst_slot or, with
 * URING_FILE_INDEX_ALLOC, a slot target's kernel table picks; then target
 * gets a message (job < 0, uring_message_value == message) whose result
 * is that slot (0 for a chosen one).  t's slot keeps its file: to move it,
 * uring_close_direct it after this job completes with 0 (or link the
 * two).  This job completes with the same slot (or 0), or -EBADF
 * (src_slot empty), -EINVAL
 * (dst_slot outside target's table), -ENXIO (target has no table),
 * -ENFILE (no free slot), -EOVERFLOW (target's CQ full).  Refused:
 * -EINVAL (NULL or same target, message >= 2^63), -ENXIO (t has no
 * table), -EBADF (src_slot outside t's table), -EOPNOTSUPP (before 6.0).
 * Only target's fd is read: target may be another thread's.
 */
URING_API uring_job uring_msg_ring_fd(uring *t, const uring *target, unsigned src_slot,
				      unsigned dst_slot, uint64_t message, void *data);
static inline bool uring_job_is_message(uring_job job)
{
	return job < 0;
}
static inline uint64_t uring_message_value(uring_job job)
{
	return (uint64_t)job & (uint64_t)INT64_MAX;
}

/* ---- restrictions (5.10) ---- */
/*
 * What a ring may do once enabled.  ops: URING_OP_* values; register_ops:
 * the kernel's IORING_REGISTER_* values (<linux/io_uring.h>);
 * sqe_flags_allowed: URING_FIXED_FILE, _DRAIN, _LINK, _HARDLINK, _ASYNC the
 * jobs may carry; sqe_flags_required: those every job must carry.
 */
typedef struct uring_restrictions {
	const unsigned *ops;
	unsigned        n_ops;
	const unsigned *register_ops;
	unsigned        n_register_ops;
	unsigned        sqe_flags_allowed, sqe_flags_required;
} uring_restrictions;
/*
 * On a ring created with URING_SETUP_R_DISABLED, before uring_enable_rings:
 * 0, or -EBADFD (the ring is not disabled), -EBUSY (restrictions already
 * registered), -EINVAL (a value over 255, more than 256 entries, flags
 * over 0xff), -EFAULT (NULL r, or a NULL list with entries).  Once the
 * ring is enabled, a job with another op or flag completes with -EACCES,
 * and another register call (uring_set_fixed_buffer, uring_register_files,
 * buffer rings, eventfd) returns -EACCES unless its IORING_REGISTER_* op
 * was listed.  uring_op_supported keeps answering (the probe is taken
 * here), and uring_exit can always release the ring.
 */
URING_API int uring_register_restrictions(uring *t, const uring_restrictions *r);
/* Starts a ring created with URING_SETUP_R_DISABLED (until then submits
 * fail with -EBADFD): 0, or -EBADFD when it is not disabled. */
URING_API int uring_enable_rings(uring *t);

/* ---- BPF filters on requests (7.x) ---- */
/*
 * A classic BPF program (the layout of <linux/filter.h>'s struct
 * sock_filter, so its BPF_STMT and BPF_JUMP initializers fill it) run on
 * each request of opcode op (URING_OP_*) at submission: it returns 0 to
 * refuse the request, which then completes with -EACCES, or non-zero to
 * let it run (IORING_REGISTER_BPF_FILTER).  Filters only add: each
 * registered for an op must allow.  URING_BPF_DENY_REST: every opcode
 * without a filter is refused from then on.  The program reads 32-bit
 * words of the context at the offsets below (native byte order).
 * Returns 0, -EINVAL (NULL ring, op above 255, len 0 or above 4096,
 * unknown flags; from the kernel: a program its checker refuses, or a
 * kernel built without CONFIG_IO_URING_BPF), -EFAULT (NULL prog),
 * -EOPNOTSUPP (a kernel without the filters).
 */
typedef struct uring_bpf_insn {
	uint16_t code;
	uint8_t  jt, jf;
	uint32_t k;
} uring_bpf_insn;
#define URING_BPF_DENY_REST 1u
#define URING_BPF_CTX_USER_DATA  0    /* 64 bits: two words */
#define URING_BPF_CTX_OPCODE     8    /* the word: opcode | sqe_flags << 8 (little-endian) */
#define URING_BPF_CTX_SOCKET_FAMILY   16   /* socket: family, type, protocol */
#define URING_BPF_CTX_SOCKET_TYPE     20
#define URING_BPF_CTX_SOCKET_PROTOCOL 24
#define URING_BPF_CTX_OPEN_FLAGS   16   /* openat, openat2: 64-bit flags, mode, resolve */
#define URING_BPF_CTX_OPEN_MODE    24
#define URING_BPF_CTX_OPEN_RESOLVE 32
URING_API int uring_register_bpf_filter(uring *t, unsigned op, const uring_bpf_insn *prog,
					unsigned len, unsigned flags);

/* ---- futexes (6.7) ---- */
/*
 * A thread can wait on a futex and on I/O in the same ring.  32-bit words,
 * 4-byte aligned; private to the process unless shared.  Before 6.7 they
 * are refused with -EOPNOTSUPP, nothing queued.
 *
 * uring_futex_wait (IORING_OP_FUTEX_WAIT): completes with 0 once woken by
 * a wake whose mask shares a bit with mask, or -EAGAIN at once when *word
 * is not expected.  uring_futex_wake: wakes up to nr waiters (futex(2)
 * waiters too), completing with how many.  The word must stay valid until
 * the completion.  Returns -EFAULT (NULL word), -EINVAL (misaligned word,
 * mask 0; URING_FUTEX_BITSET_ANY matches every waiter).
 */
#define URING_FUTEX_BITSET_ANY 0xffffffffu
URING_API uring_job uring_futex_wait(uring *t, uint32_t *word, uint32_t expected, uint32_t mask,
				     bool shared, void *data);
URING_API uring_job uring_futex_wake(uring *t, uint32_t *word, unsigned nr, uint32_t mask,
				     bool shared, void *data);
/* Waits on up to 128 words at once (IORING_OP_FUTEX_WAITV): completes with
 * the index of the word woken, or -EAGAIN when one is not its expected
 * value.  The array is copied; the words must stay valid until the
 * completion.  Returns -EINVAL (n 0 or over 128, a misaligned word),
 * -EFAULT (NULL array or word). */
typedef struct uring_futex_waiter {
	uint32_t *word;
	uint32_t  expected;
	bool      shared;
} uring_futex_waiter;
URING_API uring_job uring_futex_waitv(uring *t, const uring_futex_waiter *w, unsigned n, void *data);

/* ---- socket commands (IORING_OP_URING_CMD on a socket, 6.7) ---- */
/*
 * Where the kernel lacks them (URING_FEATURE_SOCKET_CMD) each returns
 * -EOPNOTSUPP with nothing queued.  uring_sock_inq / uring_sock_outq
 * complete with the bytes unread in the receive queue (SIOCINQ) or not yet
 * acknowledged in the send queue (SIOCOUTQ).
 *
 * uring_getsockopt: the kernel takes level SOL_SOCKET only (another level
 * completes with -EOPNOTSUPP); optval (optlen bytes) is lent to the kernel
 * until the completion, whose result is the length written.
 * uring_setsockopt: the value is copied; the result is 0.  Returns -EFAULT
 * (NULL optval with optlen > 0), -EINVAL (optlen over INT_MAX).
 */
URING_API uring_job uring_sock_inq(uring *t, int fd, void *data);
URING_API uring_job uring_sock_outq(uring *t, int fd, void *data);
URING_API uring_job uring_getsockopt(uring *t, int fd, int level, int optname, void *optval,
				     socklen_t optlen, void *data);
URING_API uring_job uring_setsockopt(uring *t, int fd, int level, int optname, const void *optval,
				     socklen_t optlen, void *data);
/* The socket's own address (peer false) or its peer's (getsockname(2),
 * getpeername(2)) into *addr, which must live until the completion (0).
 * -EFAULT (NULL addr); -EOPNOTSUPP before 6.19 (URING_FEATURE_GETSOCKNAME). */
URING_API uring_job uring_getsockname(uring *t, int fd, uring_sockaddr *addr, bool peer, void *data);

/* ---- epoll as an op ---- */
struct epoll_event;
/* epoll_ctl(2) as a job (IORING_OP_EPOLL_CTL, 5.6): op EPOLL_CTL_ADD, _MOD
 * or _DEL; *ev is copied (NULL allowed for DEL).  Completes with 0 or
 * epoll_ctl's -errno.  Returns -EINVAL (another op), -EFAULT (NULL ev). */
URING_API uring_job uring_epoll_ctl(uring *t, int epfd, int op, int fd,
				    const struct epoll_event *ev, void *data);
/* epoll_wait(2) without a timeout as a job (IORING_OP_EPOLL_WAIT, 6.15):
 * completes once events are ready, with their count, written into
 * events[0..maxevents), which is lent to the kernel until then (cancel
 * the job to stop waiting).  -EFAULT (NULL events), -EINVAL (maxevents 0
 * or over INT_MAX / sizeof(struct epoll_event)). */
URING_API uring_job uring_epoll_wait(uring *t, int epfd, struct epoll_event *events,
				     unsigned maxevents, void *data);

/* ---- NAPI busy polling (6.9) ---- */
typedef struct uring_napi {
	uint32_t busy_poll_us;     /* how long a wait busy-polls the NIC queue, microseconds */
	bool     prefer_busy_poll; /* SO_PREFER_BUSY_POLL for the ring's sockets */
} uring_napi;
/* Turns busy polling of the device queues of the ring's sockets on, with
 * *napi; *previous (NULL: not wanted) receives the settings it replaces.
 * Only a NIC driver with NAPI makes it poll anything.  0, or -EINVAL (NULL
 * ring or napi), -EOPNOTSUPP (URING_FEATURE_NAPI, or a kernel built
 * without CONFIG_NET_RX_BUSY_POLL), the kernel's -errno. */
URING_API int uring_register_napi(uring *t, const uring_napi *napi, uring_napi *previous);
/* Turns it off: 0, *previous (NULL: not wanted) the settings it had. */
URING_API int uring_unregister_napi(uring *t, uring_napi *previous);
/* ---- waiting for a child (6.7) ---- */
/*
 * waitid(2) as an op (IORING_OP_WAITID): idtype P_ALL, P_PID, P_PGID or
 * P_PIDFD, options as waitid's (WEXITED, WSTOPPED, WCONTINUED, WNOHANG,
 * WNOWAIT, __WALL...).  Completes with 0 and *info filled as waitid fills
 * it (si_signo SIGCHLD, si_code, si_pid, si_uid, si_status; si_pid 0 after
 * WNOHANG with no child ready), or -ECHILD and the other errnos of
 * waitid(2).  info: NULL, or a siginfo_t * (void * keeps <signal.h>'s
 * POSIX types out of this header) valid until the completion.  Returns -EINVAL (options without WEXITED, WSTOPPED or
 * WCONTINUED or with an unknown bit, an unknown idtype, P_PID with id <= 0,
 * a negative id), and -EOPNOTSUPP before 6.7.
 */
URING_API uring_job uring_waitid(uring *t, int idtype, int id, void *info, int options,
				 void *data);

/* ---- block devices (6.12) ---- */
/*
 * Discards len bytes at off of the block device fd, opened for writing
 * (BLOCK_URING_CMD_DISCARD through IORING_OP_URING_CMD; BLKDISCARD without
 * a blocked thread).  Completes with 0, -EBADF (fd not open for writing),
 * -EPERM (a read-only device), -EINVAL (not aligned to the device's
 * logical block size), -EOPNOTSUPP (fd is not a block device, or the
 * device cannot discard).  Returns -EINVAL (len 0, off or len not a
 * multiple of 512, a range past INT64_MAX) and -EOPNOTSUPP before 6.12
 * (URING_FEATURE_BLOCK_DISCARD).
 */
URING_API uring_job uring_discard(uring *t, int fd, uint64_t off, uint64_t len, void *data);
/* ---- the registered buffer table ---- */
/*
 * The kernel holds one table of registered buffers per ring; the fixed
 * buffer above is its entry 0: uring_set_fixed_buffer registers a table of
 * one (replacing any table), and after uring_register_buffers the fixed
 * and chunk ops and uring_fixed_buffer use entry 0.
 *
 * Registers n slots (<= 16384), pinned until replaced or unregistered.
 * iov NULL: n empty slots (sparse, 5.19; n empty iovecs on 5.13 to 5.18).
 * An iovec {NULL, 0} is an empty slot (5.13).  tags NULL, or one per slot:
 * 0 for none, else a value < 2^63 that comes back as a completion once the
 * kernel has released that buffer (replaced, or unregistered, after the
 * jobs using it completed): job < 0 like a message, uring_message_value(job)
 * is the tag, result 0, data NULL; not a job.  Give tags and uring_msg_ring
 * messages disjoint values when a ring gets both.  Tags need 5.13.
 * 0, or -EINVAL (n 0 or above 16384, a tag >= 2^63, tags with iov NULL, a
 * tag on an empty slot), -EFAULT (an iovec with NULL base and len > 0),
 * -EBUSY (a table or the fixed buffer is registered), -EOPNOTSUPP (tags,
 * empty slots or sparse before 5.13), -ENOMEM (RLIMIT_MEMLOCK), or the
 * kernel's error.  The buffers must stay valid while registered.
 */
URING_API int uring_register_buffers(uring *t, const struct iovec *iov, unsigned n,
				     const uint64_t *tags);
/* Replaces slot index with *iov (NULL or {NULL, 0}: empties it), tagged
 * with tag (0: none) (5.13).  Jobs already queued with the old buffer keep
 * it until they complete; then its tag, if any, is posted.  0, or -ENXIO
 * (no table), -EINVAL (index outside the table, tag >= 2^63, a tag on an
 * empty slot), -EFAULT, -EOPNOTSUPP (before 5.13), or the kernel's error. */
URING_API int uring_register_buffers_update(uring *t, unsigned index, const struct iovec *iov,
					    uint64_t tag);
/* Removes the table (the fixed buffer too); tagged buffers post their tags.
 * 0, or -ENXIO (no table), -EINVAL (NULL ring). */
URING_API int uring_unregister_buffers(uring *t);
/* Gives dst src's table: the same pinned pages, not pinned again (6.12).
 * Both keep their own table afterwards; tags are not cloned.  0, or -EINVAL
 * (NULL or the same ring), -ENXIO (src has no table), -EBUSY (dst has one),
 * -EOPNOTSUPP (before 6.12), or the kernel's error. */
URING_API int uring_clone_buffers(uring *dst, const uring *src);
/*
 * READ_FIXED / WRITE_FIXED (5.1) on slot index: [buf, buf+len) must lie in
 * that slot's buffer (-EINVAL otherwise, or for an empty slot; -EFAULT for
 * a NULL buf).  buf must stay valid until the completion.
 */
URING_API uring_job uring_read_registered(uring *t, int fd, unsigned index, void *buf,
					  unsigned len, int64_t file_offset, void *data);
URING_API uring_job uring_write_registered(uring *t, int fd, unsigned index, const void *buf,
					   unsigned len, int64_t file_offset, void *data);
/* READV_FIXED / WRITEV_FIXED (6.15; -EOPNOTSUPP before): every iovec in
 * slot index (-EINVAL).  The iovec array is copied. */
URING_API uring_job uring_readv_registered(uring *t, int fd, unsigned index, const struct iovec *iov,
					   unsigned iovcnt, int64_t file_offset, void *data);
URING_API uring_job uring_writev_registered(uring *t, int fd, unsigned index,
					    const struct iovec *iov, unsigned iovcnt,
					    int64_t file_offset, void *data);
/* uring_send_zc from slot index (IORING_RECVSEND_FIXED_BUF, 6.0;
 * -EOPNOTSUPP before): two completions as uring_send_zc.  -EINVAL when
 * [buf, buf+len) is not in the slot or len > INT_MAX, -EFAULT for NULL buf. */
URING_API uring_job uring_send_zc_registered(uring *t, int fd, unsigned index, const void *buf,
					     size_t len, int flags, void *data);

/* ---- wait tuning ---- */
#define URING_WAIT_NO_IOWAIT (1u << 0)   /* the wait is not iowait (6.15, IORING_FEAT_NO_IOWAIT) */
#define URING_WAIT_ABSOLUTE  (1u << 1)   /* timeout_ns is a time on the ring's clock (6.12) */
typedef struct uring_wait_options {
	uint64_t    timeout_ns;    /* URING_WAIT_FOREVER, or relative ns (absolute with URING_WAIT_ABSOLUTE) */
	uint64_t    min_wait_ns;   /* 0, or wait this long for min before taking fewer (6.12) */
	const void *sigmask;       /* NULL, or a sigset_t * in force during the wait (5.11) */
	uint32_t    flags;         /* URING_WAIT_* */
} uring_wait_options;
/*
 * uring_wait_many with options, one io_uring_enter at most.  min_wait_ns:
 * the kernel waits up to that long for min completions, then returns as
 * soon as one is there (so fewer than min, at least 1, unless timeout_ns
 * passes first).  sigmask: the thread's signal mask while waiting, as
 * pselect(2): a signal it lets through ends the wait (0 returned).
 * Returns as uring_wait_many, or -EINVAL (NULL t, out or o, min 0, min >
 * max or above the CQ size, unknown flags, URING_WAIT_ABSOLUTE with
 * URING_WAIT_FOREVER, min_wait_ns of 2^32 us or more), -EOPNOTSUPP (a
 * timeout, minimum or mask before 5.11; a minimum or ABSOLUTE before 6.12;
 * NO_IOWAIT before 6.15): nothing submitted then.
 */
URING_API int uring_wait_many2(uring *t, uring_completion *out, unsigned max, unsigned min,
			       const uring_wait_options *o);
/* The clock of the ring's wait timeouts (IORING_REGISTER_CLOCK, 6.12):
 * URING_CLOCK_MONOTONIC (the default) or URING_CLOCK_BOOTTIME (counts
 * suspend).  0, or -EINVAL (another clock), -EOPNOTSUPP (before 6.12). */
URING_API int uring_register_clock(uring *t, uring_clock clock);
/*
 * Registered wait parameters (IORING_REGISTER_MEM_REGION, 6.13): up to 64
 * slots of wait options kept in memory the kernel pins, so a wait names a
 * slot instead of handing the kernel a timeout and a mask to copy each
 * time.  Registered once, on a ring created with URING_SETUP_R_DISABLED,
 * before uring_enable_rings.  A slot's relative timeout counts from the
 * start of each wait that uses it.
 *
 * uring_register_wait_region: 0, -EINVAL (NULL t, n 0 or above 64),
 * -EBUSY (already registered), -EBADFD (the ring is not disabled),
 * -EOPNOTSUPP (before 6.13), -ENOMEM.  uring_wait_region_set: fills slot
 * from o, checked as uring_wait_many2 checks it; -ENXIO without a region,
 * -EINVAL for a slot outside it.  It must not change a slot a wait in
 * another thread is using.  uring_wait_registered: uring_wait_many2 with
 * the options of slot; -EBADFD before uring_enable_rings.
 */
#define URING_WAIT_SLOTS_MAX 64
URING_API int uring_register_wait_region(uring *t, unsigned n);
URING_API int uring_wait_region_set(uring *t, unsigned slot, const uring_wait_options *o);
URING_API int uring_wait_registered(uring *t, uring_completion *out, unsigned max, unsigned min,
				    unsigned slot);

/* ---- ring resize ---- */
/*
 * New SQ and CQ rings for a live ring (IORING_REGISTER_RESIZE_RINGS,
 * 6.13): sq_entries (rounded up to a power of two), cq_entries 0 for twice
 * that, else at least sq_entries.  Nothing is lost: queued jobs stay
 * queued (unpublished ones keep accepting uring_job_set_flags), jobs in
 * flight complete into the new CQ, completions not yet collected are
 * moved.  The kernel resizes URING_SETUP_DEFER_TASKRUN rings only.
 * 0, or -EINVAL (NULL ring, a size out of range, a ring without
 * DEFER_TASKRUN), -EOVERFLOW (the queued SQEs or the uncollected
 * completions do not fit the new size: nothing changed), -EOPNOTSUPP
 * (before 6.13), -ENOMEM (the kernel's; or, rarely, mapping the new rings
 * failed after the kernel switched to them: the ring is then unusable).
 */
URING_API int uring_resize(uring *t, unsigned sq_entries, unsigned cq_entries);

/* ---- io-wq workers and personalities ---- */
/* IORING_REGISTER_IOWQ_MAX_WORKERS (5.15): limits[0] for bounded work
 * (regular files, block devices), limits[1] for unbounded (sockets,
 * pipes); 0 keeps a limit.  On return limits holds the previous ones.
 * The limits apply to the calling thread's io-wq (and to rings sharing it).
 * 0, or -EINVAL (NULL ring), -EFAULT (NULL limits), -EOPNOTSUPP (before 5.15). */
URING_API int uring_iowq_max_workers(uring *t, unsigned limits[2]);
/* IORING_REGISTER_IOWQ_AFF (5.14): the CPUs io-wq workers may run on:
 * cpus is a cpu_set_t of size bytes, as for sched_setaffinity(2); NULL
 * restores the task's affinity.  0, or -EINVAL (NULL ring, size 0), or the
 * kernel's error (-EINVAL for a set with no online CPU before 5.14). */
URING_API int uring_iowq_affinity(uring *t, const void *cpus, size_t size);
/* IORING_REGISTER_PERSONALITY (5.6): registers the calling thread's
 * current credentials; returns their id (> 0) or -errno.  A job runs with
 * them after uring_job_set_personality(t, job, id), whatever the
 * credentials of the thread that submits it. */
URING_API int uring_register_personality(uring *t);
/* 0, or -EINVAL (NULL ring, an id out of range or not registered). */
URING_API int uring_unregister_personality(uring *t, int id);
/* As uring_job_set_flags, for sqe->personality (0: the submitter's own).
 * 0, or -ENOENT, -EALREADY, -EINVAL (id < 0 or > 65535).  An id not
 * registered completes the job with -EINVAL. */
URING_API int uring_job_set_personality(uring *t, uring_job job, int id);
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
