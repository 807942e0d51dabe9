/* SPDX-License-Identifier: ISC */
/*
 * The io_uring kernel ABI, written out here from the kernel's UAPI
 * (include/uapi/linux/io_uring.h as of Linux 6.18).
 *
 * Why not include <linux/io_uring.h>: the installed header follows the
 * distribution's kernel headers (Debian 12 ships 6.1), which lack NO_SQARRAY,
 * BIND/LISTEN, READV_FIXED and friends.  The ABI is append-only, so a
 * definition written against a newer kernel is correct on older ones; what
 * an older kernel lacks is found by probing, never by compile-time guesses.
 *
 * Every struct is pinned with _Static_assert on its size and on the offset
 * of each field the library touches: a wrong field here would silently send
 * garbage to the kernel, so the compiler is made to check it.
 */
#ifndef CURING_SYSCALL_ABI_H
#define CURING_SYSCALL_ABI_H

#include <stddef.h>
#include <stdint.h>

/* ---- syscall numbers (asm-generic; identical on x86_64 and aarch64) ---- */
#define URING__NR_SETUP    425
#define URING__NR_ENTER    426
#define URING__NR_REGISTER 427

/* ---- submission queue entry ---- */
struct uring__sqe {
	uint8_t  opcode;
	uint8_t  flags;        /* IOSQE_* */
	uint16_t ioprio;
	int32_t  fd;
	union {
		uint64_t off;
		uint64_t addr2;
		struct { uint32_t cmd_op; uint32_t pad1; } cmd;
	};
	union {
		uint64_t addr;
		uint64_t splice_off_in;
		struct { uint32_t level; uint32_t optname; } sockopt;   /* socket commands */
	};
	uint32_t len;
	union {                /* per-opcode flags: one 32-bit word */
		int32_t  rw_flags;
		uint32_t fsync_flags;
		uint32_t poll32_events;
		uint32_t msg_flags;
		uint32_t timeout_flags;
		uint32_t accept_flags;
		uint32_t cancel_flags;
		uint32_t open_flags;
		uint32_t statx_flags;
		uint32_t splice_flags;
		uint32_t rename_flags;
		uint32_t unlink_flags;
		uint32_t hardlink_flags;
		uint32_t msg_ring_flags;
		uint32_t nop_flags;
		uint32_t fadvise_advice;
		uint32_t sync_range_flags;
		uint32_t xattr_flags;
		uint32_t pipe_flags;
		uint32_t futex_flags;
		uint32_t op_flags;
	};
	uint64_t user_data;
	union {
		uint16_t buf_index;
		uint16_t buf_group;
	};
	uint16_t personality;
	union {
		int32_t  splice_fd_in;
		uint32_t file_index;
		uint32_t optlen;
		struct { uint16_t addr_len; uint16_t pad3; } addr_len;
	};
	union {
		struct { uint64_t addr3; uint64_t pad2; } addr3;
		uint64_t optval;
	};
};

_Static_assert(sizeof(struct uring__sqe) == 64, "sqe is 64 bytes");
_Static_assert(offsetof(struct uring__sqe, fd) == 4, "sqe.fd");
_Static_assert(offsetof(struct uring__sqe, off) == 8, "sqe.off");
_Static_assert(offsetof(struct uring__sqe, addr) == 16, "sqe.addr");
_Static_assert(offsetof(struct uring__sqe, len) == 24, "sqe.len");
_Static_assert(offsetof(struct uring__sqe, rw_flags) == 28, "sqe.rw_flags");
_Static_assert(offsetof(struct uring__sqe, user_data) == 32, "sqe.user_data");
_Static_assert(offsetof(struct uring__sqe, buf_index) == 40, "sqe.buf_index");
_Static_assert(offsetof(struct uring__sqe, personality) == 42, "sqe.personality");
_Static_assert(offsetof(struct uring__sqe, file_index) == 44, "sqe.file_index");
_Static_assert(offsetof(struct uring__sqe, addr3) == 48, "sqe.addr3");
_Static_assert(offsetof(struct uring__sqe, sockopt.optname) == 20, "sqe.optname");
_Static_assert(offsetof(struct uring__sqe, optlen) == 44, "sqe.optlen");
_Static_assert(offsetof(struct uring__sqe, optval) == 48, "sqe.optval");

/* sqe->cmd.cmd_op of IORING_OP_URING_CMD on a socket (linux/io_uring.h). */
enum {
	SOCKET_URING_OP_SIOCINQ = 0,      /* 6.7 */
	SOCKET_URING_OP_SIOCOUTQ = 1,     /* 6.7 */
	SOCKET_URING_OP_GETSOCKOPT = 2,   /* 6.7 */
	SOCKET_URING_OP_SETSOCKOPT = 3,   /* 6.7 */
	SOCKET_URING_OP_TX_TIMESTAMP = 4, /* 6.17 */
	SOCKET_URING_OP_GETSOCKNAME = 5,  /* 6.19 */
};

/* sqe->flags */
#define IOSQE_FIXED_FILE       (1u << 0)
#define IOSQE_IO_DRAIN         (1u << 1)
#define IOSQE_IO_LINK          (1u << 2)
#define IOSQE_IO_HARDLINK      (1u << 3)
#define IOSQE_ASYNC            (1u << 4)
#define IOSQE_BUFFER_SELECT    (1u << 5)
#define IOSQE_CQE_SKIP_SUCCESS (1u << 6)

/* ---- opcodes, in kernel order (enum io_uring_op) ---- */
enum {
	IORING_OP_NOP, IORING_OP_READV, IORING_OP_WRITEV, IORING_OP_FSYNC,
	IORING_OP_READ_FIXED, IORING_OP_WRITE_FIXED, IORING_OP_POLL_ADD,
	IORING_OP_POLL_REMOVE, IORING_OP_SYNC_FILE_RANGE, IORING_OP_SENDMSG,
	IORING_OP_RECVMSG, IORING_OP_TIMEOUT, IORING_OP_TIMEOUT_REMOVE,
	IORING_OP_ACCEPT, IORING_OP_ASYNC_CANCEL, IORING_OP_LINK_TIMEOUT,
	IORING_OP_CONNECT, IORING_OP_FALLOCATE, IORING_OP_OPENAT,
	IORING_OP_CLOSE, IORING_OP_FILES_UPDATE, IORING_OP_STATX,
	IORING_OP_READ, IORING_OP_WRITE, IORING_OP_FADVISE, IORING_OP_MADVISE,
	IORING_OP_SEND, IORING_OP_RECV, IORING_OP_OPENAT2, IORING_OP_EPOLL_CTL,
	IORING_OP_SPLICE, IORING_OP_PROVIDE_BUFFERS, IORING_OP_REMOVE_BUFFERS,
	IORING_OP_TEE, IORING_OP_SHUTDOWN, IORING_OP_RENAMEAT,
	IORING_OP_UNLINKAT, IORING_OP_MKDIRAT, IORING_OP_SYMLINKAT,
	IORING_OP_LINKAT, IORING_OP_MSG_RING, IORING_OP_FSETXATTR,
	IORING_OP_SETXATTR, IORING_OP_FGETXATTR, IORING_OP_GETXATTR,
	IORING_OP_SOCKET, IORING_OP_URING_CMD, IORING_OP_SEND_ZC,
	IORING_OP_SENDMSG_ZC, IORING_OP_READ_MULTISHOT, IORING_OP_WAITID,
	IORING_OP_FUTEX_WAIT, IORING_OP_FUTEX_WAKE, IORING_OP_FUTEX_WAITV,
	IORING_OP_FIXED_FD_INSTALL, IORING_OP_FTRUNCATE, IORING_OP_BIND,
	IORING_OP_LISTEN, IORING_OP_RECV_ZC, IORING_OP_EPOLL_WAIT,
	IORING_OP_READV_FIXED, IORING_OP_WRITEV_FIXED, IORING_OP_PIPE,
	IORING_OP_NOP128, IORING_OP_URING_CMD128,   /* 6.19, SQE_MIXED rings */
	IORING_OP_LAST_KNOWN
};
_Static_assert(IORING_OP_ASYNC_CANCEL == 14, "opcode numbering");
_Static_assert(IORING_OP_OPENAT2 == 28, "opcode numbering");
_Static_assert(IORING_OP_SOCKET == 45, "opcode numbering");
_Static_assert(IORING_OP_FTRUNCATE == 55, "opcode numbering");
_Static_assert(IORING_OP_PIPE == 62, "opcode numbering");
_Static_assert(IORING_OP_URING_CMD128 == 64, "opcode numbering");

/* per-opcode flag words */
#define IORING_NOP_CQE32             (1u << 5)   /* 6.18: a 32-byte CQE, F_32 on a CQE_MIXED ring */
#define IORING_FSYNC_DATASYNC        (1u << 0)
#define IORING_TIMEOUT_ABS           (1u << 0)
#define IORING_TIMEOUT_UPDATE        (1u << 1)
#define IORING_TIMEOUT_BOOTTIME      (1u << 2)
#define IORING_TIMEOUT_REALTIME      (1u << 3)
#define IORING_LINK_TIMEOUT_UPDATE   (1u << 4)
#define IORING_TIMEOUT_ETIME_SUCCESS (1u << 5)
#define IORING_TIMEOUT_MULTISHOT     (1u << 6)
#define IORING_ASYNC_CANCEL_ALL      (1u << 0)
#define IORING_ASYNC_CANCEL_FD       (1u << 1)
#define IORING_ASYNC_CANCEL_ANY      (1u << 2)
#define IORING_ASYNC_CANCEL_FD_FIXED (1u << 3)
#define IORING_ASYNC_CANCEL_USERDATA (1u << 4)
#define IORING_ASYNC_CANCEL_OP       (1u << 5)
#define IORING_POLL_ADD_MULTI        (1u << 0)
#define IORING_POLL_UPDATE_EVENTS    (1u << 1)
#define IORING_POLL_UPDATE_USER_DATA (1u << 2)
#define IORING_RECVSEND_POLL_FIRST   (1u << 0)
#define IORING_RECV_MULTISHOT        (1u << 1)
#define IORING_RECVSEND_FIXED_BUF    (1u << 2)
#define IORING_SEND_ZC_REPORT_USAGE  (1u << 3)
#define IORING_RECVSEND_BUNDLE       (1u << 4)   /* 6.10 */
#define IORING_ACCEPT_MULTISHOT      (1u << 0)
#define IORING_MSG_DATA              0u          /* msg_ring sub-command in sqe->addr */
#define IORING_MSG_RING_CQE_SKIP     (1u << 0)
#define IORING_MSG_RING_FLAGS_PASS   (1u << 1)
#define IORING_FILE_INDEX_ALLOC      (~0u)
#define IORING_FIXED_FD_NO_CLOEXEC   (1u << 0)   /* FIXED_FD_INSTALL, in the op-flags word */
#define IORING_MSG_SEND_FD           1u          /* msg_ring sub-command in sqe->addr */
#define IORING_RSRC_REGISTER_SPARSE  (1u << 0)   /* io_uring_rsrc_register.flags */

/* ---- completion queue entry ---- */
struct uring__cqe {
	uint64_t user_data;
	int32_t  res;
	uint32_t flags;
};
_Static_assert(sizeof(struct uring__cqe) == 16, "cqe is 16 bytes");
_Static_assert(offsetof(struct uring__cqe, res) == 8, "cqe.res");

#define IORING_CQE_F_BUFFER        (1u << 0)
#define IORING_CQE_F_MORE          (1u << 1)
#define IORING_CQE_F_SOCK_NONEMPTY (1u << 2)
#define IORING_CQE_F_NOTIF         (1u << 3)
#define IORING_CQE_F_BUF_MORE      (1u << 4)
#define IORING_CQE_F_SKIP          (1u << 5)
#define IORING_CQE_F_32            (1u << 15)
#define IORING_CQE_BUFFER_SHIFT    16

/* ---- io_uring_setup parameters ---- */
struct uring__sqring_offsets {
	uint32_t head, tail, ring_mask, ring_entries, flags, dropped, array, resv1;
	uint64_t user_addr;
};
struct uring__cqring_offsets {
	uint32_t head, tail, ring_mask, ring_entries, overflow, cqes, flags, resv1;
	uint64_t user_addr;
};
struct uring__params {
	uint32_t sq_entries;
	uint32_t cq_entries;
	uint32_t flags;
	uint32_t sq_thread_cpu;
	uint32_t sq_thread_idle;
	uint32_t features;
	uint32_t wq_fd;
	uint32_t resv[3];
	struct uring__sqring_offsets sq_off;
	struct uring__cqring_offsets cq_off;
};
_Static_assert(sizeof(struct uring__sqring_offsets) == 40, "sq_off");
_Static_assert(sizeof(struct uring__cqring_offsets) == 40, "cq_off");
_Static_assert(sizeof(struct uring__params) == 120, "io_uring_params is 120 bytes");
_Static_assert(offsetof(struct uring__params, sq_off) == 40, "params.sq_off");
_Static_assert(offsetof(struct uring__params, cq_off) == 80, "params.cq_off");

/* setup flags */
#define IORING_SETUP_IOPOLL             (1u << 0)
#define IORING_SETUP_SQPOLL             (1u << 1)
#define IORING_SETUP_SQ_AFF             (1u << 2)
#define IORING_SETUP_CQSIZE             (1u << 3)
#define IORING_SETUP_CLAMP              (1u << 4)
#define IORING_SETUP_ATTACH_WQ          (1u << 5)
#define IORING_SETUP_R_DISABLED         (1u << 6)
#define IORING_SETUP_SUBMIT_ALL         (1u << 7)
#define IORING_SETUP_COOP_TASKRUN       (1u << 8)
#define IORING_SETUP_TASKRUN_FLAG       (1u << 9)
#define IORING_SETUP_SQE128             (1u << 10)
#define IORING_SETUP_CQE32              (1u << 11)
#define IORING_SETUP_SINGLE_ISSUER      (1u << 12)
#define IORING_SETUP_DEFER_TASKRUN      (1u << 13)
#define IORING_SETUP_NO_MMAP            (1u << 14)
#define IORING_SETUP_REGISTERED_FD_ONLY (1u << 15)
#define IORING_SETUP_NO_SQARRAY         (1u << 16)
#define IORING_SETUP_HYBRID_IOPOLL      (1u << 17)
#define IORING_SETUP_CQE_MIXED          (1u << 18)
#define IORING_SETUP_SQE_MIXED          (1u << 19)

/* features reported in params.features */
#define IORING_FEAT_SINGLE_MMAP     (1u << 0)
#define IORING_FEAT_NODROP          (1u << 1)
#define IORING_FEAT_SUBMIT_STABLE   (1u << 2)
#define IORING_FEAT_RW_CUR_POS      (1u << 3)
#define IORING_FEAT_CUR_PERSONALITY (1u << 4)
#define IORING_FEAT_FAST_POLL       (1u << 5)
#define IORING_FEAT_POLL_32BITS     (1u << 6)
#define IORING_FEAT_SQPOLL_NONFIXED (1u << 7)
#define IORING_FEAT_EXT_ARG         (1u << 8)
#define IORING_FEAT_NATIVE_WORKERS  (1u << 9)
#define IORING_FEAT_RSRC_TAGS       (1u << 10)
#define IORING_FEAT_CQE_SKIP        (1u << 11)
#define IORING_FEAT_LINKED_FILE     (1u << 12)
#define IORING_FEAT_REG_REG_RING    (1u << 13)
#define IORING_FEAT_RECVSEND_BUNDLE (1u << 14)
#define IORING_FEAT_MIN_TIMEOUT     (1u << 15)
#define IORING_FEAT_RW_ATTR         (1u << 16)
#define IORING_FEAT_NO_IOWAIT       (1u << 17)

/* mmap offsets */
#define IORING_OFF_SQ_RING   0ull
#define IORING_OFF_CQ_RING   0x8000000ull
#define IORING_OFF_SQES      0x10000000ull
#define IORING_OFF_PBUF_RING 0x80000000ull
#define IORING_OFF_PBUF_SHIFT 16

/* sq_ring->flags, written by the kernel */
#define IORING_SQ_NEED_WAKEUP (1u << 0)
#define IORING_SQ_CQ_OVERFLOW (1u << 1)
#define IORING_SQ_TASKRUN     (1u << 2)

/* ---- io_uring_enter ---- */
#define IORING_ENTER_GETEVENTS       (1u << 0)
#define IORING_ENTER_SQ_WAKEUP       (1u << 1)
#define IORING_ENTER_SQ_WAIT         (1u << 2)
#define IORING_ENTER_EXT_ARG         (1u << 3)
#define IORING_ENTER_REGISTERED_RING (1u << 4)
#define IORING_ENTER_ABS_TIMER       (1u << 5)
#define IORING_ENTER_EXT_ARG_REG     (1u << 6)
#define IORING_ENTER_NO_IOWAIT       (1u << 7)

/* The kernel's sigset size (_NSIG / 8), not glibc's 128-byte sigset_t. */
#define URING__KERNEL_SIGSET_SIZE 8

struct uring__kernel_timespec {
	int64_t tv_sec;
	int64_t tv_nsec;
};
_Static_assert(sizeof(struct uring__kernel_timespec) == 16, "__kernel_timespec");

struct uring__getevents_arg {
	uint64_t sigmask;
	uint32_t sigmask_sz;
	uint32_t min_wait_usec;
	uint64_t ts;
};
_Static_assert(sizeof(struct uring__getevents_arg) == 24, "io_uring_getevents_arg");

/* ---- io_uring_register opcodes ---- */
enum {
	IORING_REGISTER_BUFFERS = 0, IORING_UNREGISTER_BUFFERS = 1,
	IORING_REGISTER_FILES = 2, IORING_UNREGISTER_FILES = 3,
	IORING_REGISTER_EVENTFD = 4, IORING_UNREGISTER_EVENTFD = 5,
	IORING_REGISTER_FILES_UPDATE = 6, IORING_REGISTER_EVENTFD_ASYNC = 7,
	IORING_REGISTER_PROBE = 8, IORING_REGISTER_PERSONALITY = 9,
	IORING_UNREGISTER_PERSONALITY = 10, IORING_REGISTER_RESTRICTIONS = 11,
	IORING_REGISTER_ENABLE_RINGS = 12, IORING_REGISTER_FILES2 = 13,
	IORING_REGISTER_FILES_UPDATE2 = 14, IORING_REGISTER_BUFFERS2 = 15,
	IORING_REGISTER_BUFFERS_UPDATE = 16, IORING_REGISTER_IOWQ_AFF = 17,
	IORING_UNREGISTER_IOWQ_AFF = 18, IORING_REGISTER_IOWQ_MAX_WORKERS = 19,
	IORING_REGISTER_RING_FDS = 20, IORING_UNREGISTER_RING_FDS = 21,
	IORING_REGISTER_PBUF_RING = 22, IORING_UNREGISTER_PBUF_RING = 23,
	IORING_REGISTER_SYNC_CANCEL = 24, IORING_REGISTER_FILE_ALLOC_RANGE = 25,
	IORING_REGISTER_PBUF_STATUS = 26, IORING_REGISTER_NAPI = 27,
	IORING_UNREGISTER_NAPI = 28, IORING_REGISTER_CLOCK = 29,
	IORING_REGISTER_CLONE_BUFFERS = 30, IORING_REGISTER_SEND_MSG_RING = 31,
	IORING_REGISTER_ZCRX_IFQ = 32, IORING_REGISTER_RESIZE_RINGS = 33,
	IORING_REGISTER_MEM_REGION = 34, IORING_REGISTER_QUERY = 35,
	IORING_REGISTER_ZCRX_CTRL = 36, IORING_REGISTER_BPF_FILTER = 37,
};
#define IORING_REGISTER_USE_REGISTERED_RING (1u << 31)

/* IORING_REGISTER_NAPI / IORING_UNREGISTER_NAPI (6.9).  6.13 made the
 * first two pad bytes opcode and the first pad word op_param; zero in
 * both is "register, dynamic tracking" on every kernel. */
struct uring__napi {
	uint32_t busy_poll_to;       /* microseconds */
	uint8_t  prefer_busy_poll;
	uint8_t  opcode;
	uint8_t  pad[2];
	uint32_t op_param;
	uint32_t resv;
};
_Static_assert(sizeof(struct uring__napi) == 16, "struct io_uring_napi");

/* IORING_REGISTER_PROBE */
struct uring__probe_op {
	uint8_t  op;
	uint8_t  resv;
	uint16_t flags;        /* IO_URING_OP_SUPPORTED */
	uint32_t resv2;
};
struct uring__probe {
	uint8_t  last_op;
	uint8_t  ops_len;
	uint16_t resv;
	uint32_t resv2[3];
	struct uring__probe_op ops[256];
};
#define IO_URING_OP_SUPPORTED (1u << 0)
_Static_assert(sizeof(struct uring__probe_op) == 8, "io_uring_probe_op");
_Static_assert(offsetof(struct uring__probe, ops) == 16, "io_uring_probe.ops");

/* IORING_REGISTER_RING_FDS, IORING_REGISTER_FILES_UPDATE */
struct uring__rsrc_update {
	uint32_t offset;
	uint32_t resv;
	uint64_t data;
};
_Static_assert(sizeof(struct uring__rsrc_update) == 16, "io_uring_rsrc_update");

/* IORING_REGISTER_FILES2 / BUFFERS2 */
struct uring__rsrc_register {
	uint32_t nr;
	uint32_t flags;
	uint64_t resv2;
	uint64_t data;
	uint64_t tags;
};
_Static_assert(sizeof(struct uring__rsrc_register) == 32, "io_uring_rsrc_register");

/* IORING_REGISTER_FILE_ALLOC_RANGE (6.0) */
struct uring__file_index_range {
	uint32_t off;
	uint32_t len;
	uint64_t resv;
};
_Static_assert(sizeof(struct uring__file_index_range) == 16, "io_uring_file_index_range");
/* IORING_RSRC_REGISTER_SPARSE (5.19: nr empty slots, data 0) is defined above. */
#define IORING_MAX_REG_BUFFERS      (1u << 14)

/* IORING_REGISTER_FILES_UPDATE2 / BUFFERS_UPDATE (5.13) */
struct uring__rsrc_update2 {
	uint32_t offset;
	uint32_t resv;
	uint64_t data;
	uint64_t tags;
	uint32_t nr;
	uint32_t resv2;
};
_Static_assert(sizeof(struct uring__rsrc_update2) == 32, "io_uring_rsrc_update2");

/* IORING_REGISTER_CLONE_BUFFERS (6.12; src_off, dst_off, nr since 6.13,
 * all-zero pad before: zeros mean the whole table on both) */
struct uring__clone_buffers {
	uint32_t src_fd;
	uint32_t flags;
	uint32_t src_off;
	uint32_t dst_off;
	uint32_t nr;
	uint32_t pad[3];
};
_Static_assert(sizeof(struct uring__clone_buffers) == 32, "io_uring_clone_buffers");

/* IORING_REGISTER_CLOCK (6.12) */
struct uring__clock_register {
	uint32_t clockid;
	uint32_t resv[3];
};
_Static_assert(sizeof(struct uring__clock_register) == 16, "io_uring_clock_register");

/* IORING_REGISTER_MEM_REGION (6.13): a region of memory shared with the
 * kernel; with REG_WAIT_ARG it holds wait parameters (io_uring_reg_wait)
 * that io_uring_enter names by offset (IORING_ENTER_EXT_ARG_REG). */
struct uring__region_desc {
	uint64_t user_addr;
	uint64_t size;
	uint32_t flags;        /* IORING_MEM_REGION_TYPE_USER: the caller's pages */
	uint32_t id;
	uint64_t mmap_offset;
	uint64_t resv[4];
};
_Static_assert(sizeof(struct uring__region_desc) == 64, "io_uring_region_desc");
#define IORING_MEM_REGION_TYPE_USER 1u

struct uring__mem_region_reg {
	uint64_t region_uptr;  /* struct uring__region_desc * */
	uint64_t flags;        /* IORING_MEM_REGION_REG_WAIT_ARG */
	uint64_t resv[2];
};
_Static_assert(sizeof(struct uring__mem_region_reg) == 32, "io_uring_mem_region_reg");
#define IORING_MEM_REGION_REG_WAIT_ARG 1u

struct uring__reg_wait {
	struct uring__kernel_timespec ts;
	uint32_t min_wait_usec;
	uint32_t flags;        /* IORING_REG_WAIT_TS: ts is set */
	uint64_t sigmask;
	uint32_t sigmask_sz;
	uint32_t pad[3];
	uint64_t pad2[2];
};
_Static_assert(sizeof(struct uring__reg_wait) == 64, "io_uring_reg_wait");
_Static_assert(offsetof(struct uring__reg_wait, sigmask) == 24, "io_uring_reg_wait.sigmask");
#define IORING_REG_WAIT_TS 1u

/* IORING_REGISTER_QUERY (6.18; fd -1, no ring): what the kernel has,
 * beyond what IORING_REGISTER_PROBE says (<linux/io_uring/query.h>). */
struct uring__query_hdr {
	uint64_t next_entry;
	uint64_t query_data;
	uint32_t query_op;     /* IO_URING_QUERY_OPCODES */
	uint32_t size;
	int32_t  result;
	uint32_t resv[3];
};
_Static_assert(sizeof(struct uring__query_hdr) == 40, "io_uring_query_hdr");
#define IO_URING_QUERY_OPCODES 0u

struct uring__query_opcode {
	uint32_t nr_request_opcodes;
	uint32_t nr_register_opcodes;
	uint64_t feature_flags;
	uint64_t ring_setup_flags;
	uint64_t enter_flags;
	uint64_t sqe_flags;
	uint32_t nr_query_opcodes;
	uint32_t pad;
};
_Static_assert(sizeof(struct uring__query_opcode) == 48, "io_uring_query_opcode");

/* IORING_REGISTER_BPF_FILTER (7.x): a classic BPF program run on every
 * request of one opcode (<linux/io_uring/bpf_filter.h>). */
struct uring__bpf_filter {
	uint32_t opcode;
	uint32_t flags;        /* IO_URING_BPF_FILTER_DENY_REST */
	uint32_t filter_len;   /* instructions */
	uint8_t  pdu_size;     /* the opcode's context size; the kernel writes its own back */
	uint8_t  resv[3];
	uint64_t filter_ptr;   /* struct sock_filter[filter_len] */
	uint64_t resv2[5];
};
_Static_assert(sizeof(struct uring__bpf_filter) == 64, "io_uring_bpf_filter");

struct uring__bpf {
	uint16_t cmd_type;     /* IO_URING_BPF_CMD_FILTER */
	uint16_t cmd_flags;
	uint32_t resv;
	struct uring__bpf_filter filter;
};
_Static_assert(sizeof(struct uring__bpf) == 72, "io_uring_bpf");
#define IO_URING_BPF_CMD_FILTER        1u
#define IO_URING_BPF_FILTER_DENY_REST  1u

/* provided-buffer rings (IORING_REGISTER_PBUF_RING) */
struct uring__buf {
	uint64_t addr;
	uint32_t len;
	uint16_t bid;
	uint16_t resv;         /* in entry 0 this is the ring's tail */
};
_Static_assert(sizeof(struct uring__buf) == 16, "io_uring_buf");
#define URING__BUF_RING_TAIL_OFFSET 14   /* offsetof(io_uring_buf_ring, tail) */

struct uring__buf_reg {
	uint64_t ring_addr;
	uint32_t ring_entries;
	uint16_t bgid;
	uint16_t flags;
	uint64_t resv[3];
};
_Static_assert(sizeof(struct uring__buf_reg) == 40, "io_uring_buf_reg");
#define IOU_PBUF_RING_INC 2u   /* uring__buf_reg.flags: incremental consumption, 6.12 */

/* IORING_REGISTER_PBUF_STATUS (6.8): where the kernel's head of a group is. */
struct uring__buf_status {
	uint32_t buf_group;
	uint32_t head;         /* out: entries the kernel consumed (mod 2^16) */
	uint32_t resv[8];
};
_Static_assert(sizeof(struct uring__buf_status) == 40, "io_uring_buf_status");

/* IORING_REGISTER_SYNC_CANCEL (6.0) */
struct uring__sync_cancel_reg {
	uint64_t addr;
	int32_t  fd;
	uint32_t flags;        /* IORING_ASYNC_CANCEL_* */
	struct uring__kernel_timespec timeout;   /* -1, -1: no timeout */
	uint8_t  opcode;
	uint8_t  pad[7];
	uint64_t pad2[3];
};
_Static_assert(sizeof(struct uring__sync_cancel_reg) == 64, "io_uring_sync_cancel_reg");
_Static_assert(offsetof(struct uring__sync_cancel_reg, opcode) == 32, "io_uring_sync_cancel_reg.opcode");

/* openat2's struct open_how (include/uapi/linux/openat2.h) */
struct uring__open_how {
	uint64_t flags;
	uint64_t mode;
	uint64_t resolve;
};
_Static_assert(sizeof(struct uring__open_how) == 24, "open_how");

#endif
