/* SPDX-License-Identifier: ISC */
/*
 * The library's internal view of a ring.  Op builders (ops_*.c) need only
 * three calls from here:
 *
 *   sqe = uring__sqe_next(t);             free SQE, zeroed, or NULL when full
 *   p   = uring__sketch_alloc(t, n, a);   memory copied for the kernel (paths,
 *                                         iovecs, timespecs...), valid until
 *                                         the kernel has consumed the SQE
 *   job = uring__sqe_commit(t, sqe, data) job id (> 0) or -ENOMEM
 *
 * so every op reads: validate arguments (-errno, nothing queued), take an
 * SQE (0 when full), copy what must be copied, fill the SQE, commit.
 */
#ifndef CURING_LIB_RING_H
#define CURING_LIB_RING_H

#include <errno.h>
#include <stdint.h>
#include <string.h>
#include <sys/types.h>
#include <unistd.h>

#include "uring.h"
#include "../syscall/abi.h"
#include "barrier.h"
#include "heap.h"
#include "tools.h"

/* Limits: everything has one. */
#define URING__MAX_ENTRIES      32768u         /* IORING_MAX_ENTRIES */
#define URING__MAX_CQ_ENTRIES   65536u         /* IORING_MAX_CQ_ENTRIES */
#define URING__SKETCH_MAX       (64u << 20)    /* copied bytes pending per ring */

struct uring__sq {
	uint32_t *khead;         /* kernel-written: SQEs consumed */
	uint32_t *ktail;         /* ours: SQEs published */
	uint32_t *kflags;        /* kernel-written: NEED_WAKEUP, CQ_OVERFLOW, TASKRUN */
	uint32_t *array;         /* NULL with NO_SQARRAY */
	struct uring__sqe *sqes;
	uint32_t mask, entries, shift;
	uint32_t sqe_tail;       /* next SQE to fill (private) */
	uint32_t sqe_head;       /* tail last published to the kernel */
	uint32_t cached_head;    /* khead as last read: never ahead of the real one */
};

struct uring__cq {
	uint32_t *khead;         /* ours: CQEs consumed */
	uint32_t *ktail;         /* kernel-written: CQEs posted */
	struct uring__cqe *cqes;
	uint32_t mask, entries, shift;
};

struct uring__sketch_chunk;
struct uring__sketch {
	struct uring__sketch_chunk *cur;                 /* allocating from */
	struct uring__sketch_chunk *full, *full_tail;    /* FIFO waiting for the SQ head */
	struct uring__sketch_chunk *spare;               /* reusable, at most a few */
	size_t bytes;            /* all chunks, for the URING__SKETCH_MAX limit */
	size_t spare_bytes, full_used;
	unsigned n_full;
};

struct uring {
	struct uring__sq sq;
	struct uring__cq cq;
	struct uring__heap heap;
	uint32_t tools;              /* URING__TOOL_*: 0 unless a tool is active (tools.h) */
	struct uring__sketch sketch;

	int ring_fd;
	int reg_index;               /* registered ring fd, or -1 */
	uint64_t reg_thread;         /* identity of the thread the registration belongs to */
	uint32_t setup_flags;        /* as granted by the kernel */
	uint32_t features;
	uint32_t cq_always_enter;    /* IOPOLL without SQPOLL: reaping needs the kernel */

	void *sq_ring_ptr, *cq_ring_ptr;
	size_t sq_ring_sz, cq_ring_sz, sqes_sz;

	uint64_t stray_cqes;         /* CQEs whose user_data named no live job */
	pid_t creator_pid;           /* a forked child sees another pid: not its ring */
	uint32_t cq_dropped;         /* the kernel reported lost CQEs (-EBADR) */
	uint32_t probe_done;
	uint8_t probe_bits[32];      /* one bit per opcode 0..255 */

	void *fixed_buf;             /* the registered buffer (buf_index 0) */
	size_t fixed_len;
	uint32_t files_registered;   /* entries in the registered file table */

	/* Beyond the OCaml module: both released by uring_exit. */
	struct uring__hold *held;            /* send_msg control blocks, kept until their job ends */
	struct uring_buf_ring *buf_rings;    /* provided-buffer rings not yet destroyed */

	uring_trace_fn trace_fn;     /* uring_set_trace */
	void *trace_ctx;
};

/* ---- ring.c ---- */
int uring__enter(uring *t, unsigned to_submit, unsigned min_complete, unsigned flags,
		 const void *arg, size_t argsz);
int uring__register(uring *t, unsigned opcode, const void *arg, unsigned nr);

/* False in a forked child: the ring, its registrations and its mappings
 * are the parent's, and nothing the child does may change them. */
static inline int uring__in_creator(const uring *t)
{
	return t->creator_pid == getpid();
}

static inline int uring__sqpoll(const uring *t)
{
	return (t->setup_flags & IORING_SETUP_SQPOLL) != 0;
}

/* ---- submission (inline: the per-op path) ---- */
static inline uint32_t uring__sq_head(const uring *t)
{
	/* Without SQPOLL the kernel moves the head only inside our own enter
	 * call, so a plain load sees it.  With SQPOLL the acquire pairs with
	 * the poll thread's smp_store_release in io_commit_sqring: it has read
	 * the SQE in a slot before we see the slot free and overwrite it. */
	if (uring__sqpoll(t))
		return uring__load_acquire(t->sq.khead);
	return uring__read_once(t->sq.khead);
}

/* The SQE at position pos (a value of sq.sqe_tail when it was taken). */
static inline struct uring__sqe *uring__sqe_at(const uring *t, uint32_t pos)
{
	return &t->sq.sqes[(pos & t->sq.mask) << t->sq.shift];
}

/* The next free SQE, zeroed, or NULL when the SQ is full.  The kernel's
 * head only moves forward, so a stale cached copy can only understate the
 * free space: it is re-read (with the ordering above) only when the cached
 * view says full, not once per op. */
static inline struct uring__sqe *uring__sqe_next(uring *t)
{
	if (t->sq.sqe_tail - t->sq.cached_head >= t->sq.entries) {
		t->sq.cached_head = uring__sq_head(t);
		if (t->sq.sqe_tail - t->sq.cached_head >= t->sq.entries)
			return NULL;
	}
	struct uring__sqe *sqe = uring__sqe_at(t, t->sq.sqe_tail);
	/* The slot holds the fields of whatever op used it last; an op that
	 * leaves a field unset must send zero (fio PR #818, liburing #1126).
	 * Constant sizes: the compiler emits a few vector stores, no call. */
	if (t->sq.shift)
		memset(sqe, 0, 2 * sizeof(*sqe));
	else
		memset(sqe, 0, sizeof(*sqe));
	return sqe;
}

/* An SQE at position pos is still ours iff pos lies in [sqe_head,
 * sqe_tail): sqe_head is the tail last published (sq_flush).  Unsigned
 * differences keep this exact across the 2^32 wrap of the positions. */
static inline int uring__sqe_unpublished(const uring *t, uint32_t pos)
{
	return pos - t->sq.sqe_head < t->sq.sqe_tail - t->sq.sqe_head;
}

/*
 * What an op returns when uring__sqe_next found the SQ full.  Normally 0:
 * submit, then retry.  But when the job queued last opened a link chain
 * (LINK / HARDLINK) and is still unpublished, that retry would split the
 * chain: the submit sends the head alone, and the retried op then runs
 * unlinked (a retried link timeout would find no job to bound).  So the op
 * is refused with -ENOSPC instead; uring_sq_space_left tells callers the
 * room before they start a chain.
 */
static inline uring_job uring__sq_full(const uring *t)
{
	uint32_t last = t->sq.sqe_tail - 1;
	if (!uring__sqe_unpublished(t, last))
		return 0;   /* everything queued is published: no chain to split */
	return (uring__sqe_at(t, last)->flags & (IOSQE_IO_LINK | IOSQE_IO_HARDLINK)) ? -ENOSPC : 0;
}

/* The fields most ops fill, in the layout the kernel's io_prep_rw reads. */
static inline void uring__sqe_rw(struct uring__sqe *sqe, uint8_t opcode, int fd, const void *addr,
				 uint32_t len, uint64_t off)
{
	sqe->opcode = opcode;
	sqe->fd = fd;
	sqe->addr = (uint64_t)(uintptr_t)addr;
	sqe->len = len;
	sqe->off = off;
}

/* Gives the filled SQE a job id and queues it: the id (> 0) or -ENOMEM.
 * Always inlined: with the probe and the tools call in it, the compiler
 * would otherwise make it a call from every op. */
static inline __attribute__((always_inline)) uring_job uring__sqe_commit(uring *t, struct uring__sqe *sqe,
									   void *data)
{
	struct uring__slot *slot = uring__heap_alloc(&t->heap, data);
	if (!slot)
		return -ENOMEM;
	slot->sqe_pos = t->sq.sqe_tail;
	/* Which buffer ring its completions may hand out buffers from. */
	slot->uses_buf_ring = (sqe->flags & IOSQE_BUFFER_SELECT) != 0;
	slot->buf_group = sqe->buf_group;
	sqe->user_data = slot->id;
	t->sq.sqe_tail++;
	URING__USDT_QUEUE(slot->id, sqe->opcode, sqe->fd, sqe->len);
	if (__builtin_expect(t->tools != 0, 0))
		return uring__tools_queue(t, slot, sqe);   /* a tail call: nothing kept across it */
	return (uring_job)slot->id;
}

/* ---- sketch.c ---- */
void *uring__sketch_alloc(uring *t, size_t len, size_t align);  /* NULL: -ENOMEM */
/* Frees what the kernel has consumed: called on every allocation, and
 * after each submit or wait (inline: an unused sketch costs one test). */
void  uring__sketch_reclaim(uring *t);
static inline void uring__sketch_reclaim_if_used(uring *t)
{
	if (t->sketch.cur || t->sketch.full)
		uring__sketch_reclaim(t);
}
void  uring__sketch_destroy(struct uring__sketch *s);
void  uring__sketch_stats(const struct uring__sketch *s, size_t *bytes, size_t *used,
			  unsigned *waiting);

/* ---- helpers shared by op builders ---- */
static inline uint64_t uring__ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* ns as the kernel's timespec, normalised (tv_nsec < 1e9, which
 * timespec64_valid() requires), in the sketch; NULL: -ENOMEM. */
struct uring__kernel_timespec *uring__sketch_timespec(uring *t, uint64_t ns);

#endif
