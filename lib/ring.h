/* SPDX-License-Identifier: ISC */
/*
 * The library's internal view of a ring.  Op builders (ops_*.c) need only
 * three calls from here:
 *
 *   sqe = uring__sqe_next(t);             free SQE, zeroed, or NULL when full
 *   p   = uring__sketch_alloc(t, n, a);   memory copied for the kernel (paths,
 *                                         iovecs, timespecs...), valid until
 *                                         the kernel has consumed the SQE
 *   job = uring__sqe_commit(t, sqe, data) job id (> 0), -EOPNOTSUPP when
 *                                         the kernel lacks the opcode, or
 *                                         -ENOMEM
 *
 * so every op reads: validate arguments (-errno, nothing queued), take an
 * SQE (0 when full), copy what must be copied, fill the SQE, refuse a
 * feature the kernel lacks that is not an opcode (uring__has), commit.
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
	uint32_t wide_end;       /* sqe_tail just after the last 128-byte op (sq_wide.c) */
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
	uint32_t supported;          /* 1 << URING_FEATURE_*, as found by probe.c */
	uint8_t probe_bits[32];      /* one bit per opcode 0..255, loaded by uring_create */

	void *fixed_buf;             /* the registered buffer: entry 0 of bufs */
	size_t fixed_len;
	struct iovec *bufs;          /* the registered buffer table as the kernel has it */
	uint32_t nbufs;              /* its slots (0: no table); empty slots are {NULL, 0} */
	uint32_t files_registered;   /* entries in the registered file table */

	/* Beyond the OCaml module: both released by uring_exit. */
	struct uring__hold *held;            /* send_msg control blocks, kept until their job ends */
	struct uring_buf_ring *buf_rings;    /* provided-buffer rings not yet destroyed */

	uring_trace_fn trace_fn;     /* uring_set_trace */
	void *trace_ctx;

	struct uring__wait_region *wait_region;   /* registered wait parameters, or NULL */
};

/* ---- ring.c ---- */
int uring__enter(uring *t, unsigned to_submit, unsigned min_complete, unsigned flags,
		 const void *arg, size_t argsz);
int uring__register(uring *t, unsigned opcode, const void *arg, unsigned nr);
/* Maps the rings p describes into t (SQ/CQ pointers, sizes, masks; the
 * SQ positions start at the kernel's tail); unmaps t's rings. */
int  uring__map_rings(uring *t, const struct uring__params *p);
void uring__unmap_rings(uring *t);
/* The one wait path (one io_uring_enter at most); enter_flags are added
 * to GETEVENTS (EXT_ARG is added when arg is given). */
int uring__wait_batch(uring *t, uring_completion *out, unsigned max, unsigned min,
		      const struct uring__getevents_arg *arg, unsigned enter_flags);
/* The same with any EXT_ARG argument: argsz 0 for none (then arg is
 * ignored); with IORING_ENTER_EXT_ARG_REG in enter_flags, arg is an
 * offset into the registered wait region. */
int uring__wait_batch_arg(uring *t, uring_completion *out, unsigned max, unsigned min,
			  const void *arg, size_t argsz, unsigned enter_flags);
/* What uring_wait_many2 refuses in its options: 0 or -EINVAL, -EOPNOTSUPP. */
int uring__wait_options_check(const uring *t, const uring_wait_options *o);
/* Frees the wait region's memory (wait_region.c), after the ring's fd. */
void uring__wait_region_release(uring *t);
/* *arg for a relative timeout_ns, pointing at *ts. */
void uring__wait_deadline(struct uring__getevents_arg *arg, struct uring__kernel_timespec *ts,
			  uint64_t timeout_ns);

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

/* ---- ops_cancel.c ---- */
/* IORING_REGISTER_SYNC_CANCEL (6.0); timeout_ns URING_WAIT_FOREVER: none. */
int uring__sync_cancel(uring *t, uint64_t user_data, unsigned flags, int fd, unsigned opcode,
		       uint64_t timeout_ns);
/* Cancels every request and waits for each running one to stop (6.0). */
int uring__cancel_all_sync(uring *t, uint64_t timeout_ns);

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
 * 128-byte ops (NOP128, URING_CMD128).  On an SQE_MIXED ring one takes two
 * consecutive 64-byte slots and cannot start at the SQ's last slot; a NOP
 * with CQE_SKIP_SUCCESS and user_data URING__PAD_DATA (never a job id:
 * ids stay below it) fills that slot then.  On an SQE128 ring every slot
 * is 128 bytes and such an op takes one.  Positions count slots, so a job's
 * sqe_pos is the first half of its SQE, and the kernel's head only ever
 * stops between ops.
 */
#define URING__PAD_DATA ((uint64_t)INT64_MAX)

static inline int uring__sqe_mixed(const uring *t)
{
	return (t->setup_flags & IORING_SETUP_SQE_MIXED) != 0;
}

/* The slots the op whose SQE starts at sqe takes: 2 only for a 128-byte
 * op on a mixed ring.  Valid only at an op's first slot. */
static inline uint32_t uring__sqe_slots(const uring *t, const struct uring__sqe *sqe)
{
	return 1u + (uring__sqe_mixed(t) &&
		     (sqe->opcode == IORING_OP_NOP128 || sqe->opcode == IORING_OP_URING_CMD128));
}

/* The position of the op queued last: tail - 2 when it was a 128-byte op
 * on a mixed ring.  wide_end alone could be 2^32 slots stale; the opcode
 * test rules that out (a second half never holds a 128-byte opcode, as
 * only NOP128, whose second half is zero, is built here). */
static inline uint32_t uring__sq_last_op(const uring *t)
{
	uint32_t tail = t->sq.sqe_tail;
	if (__builtin_expect(t->sq.wide_end == tail && uring__sqe_mixed(t), 0) &&
	    uring__sqe_slots(t, uring__sqe_at(t, tail - 2)) == 2)
		return tail - 2;
	return tail - 1;
}

/* ---- sq_wide.c ---- */
/* 0 when t takes 128-byte ops (SQE_MIXED or SQE128), else -EINVAL. */
int uring__sq_wide_check(const uring *t);
/* uring__sqe_next for a 128-byte op (128 zeroed bytes), or NULL when the
 * SQ is full; the padding NOP is taken at commit.  When only the padding
 * fits and no link chain is open it is queued alone, so that a submit and
 * a retry find the op at slot 0. */
struct uring__sqe *uring__sqe_next_wide(uring *t);
/* uring__sqe_commit for an SQE from uring__sqe_next_wide. */
uring_job uring__sqe_commit_wide(uring *t, struct uring__sqe *sqe, void *data);
/* After the SQE at pos changed its link flags: a padding NOP right after
 * it carries them on, so the chain reaches the op behind the padding. */
void uring__sq_pad_relink(uring *t, uint32_t pos);
/* For uring_resize: -EBUSY when a queued 128-byte op would start at the
 * last slot of a ring of new_entries. */
int uring__sq_wide_fits(const uring *t, uint32_t new_entries);

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
	uint32_t last = uring__sq_last_op(t);
	if (!uring__sqe_unpublished(t, last))
		return 0;   /* everything queued is published: no chain to split */
	return (uring__sqe_at(t, last)->flags & (IOSQE_IO_LINK | IOSQE_IO_HARDLINK)) ? -ENOSPC : 0;
}

/*
 * The SQE of a job still queued here, for the job-level setters
 * (uring_job_set_flags, uring_job_set_personality): 0 and *out, or
 * -ENOENT (stale or unknown job), -EALREADY (already handed to the kernel).
 */
static inline int uring__job_sqe(uring *t, uring_job job, struct uring__sqe **out)
{
	struct uring__slot *slot = uring__heap_lookup(&t->heap, job);
	if (!slot)
		return -ENOENT;
	if (!uring__sqe_unpublished(t, slot->sqe_pos))
		return -EALREADY;
	struct uring__sqe *sqe = uring__sqe_at(t, slot->sqe_pos);
	/* A job 2^32 SQEs old (a long multishot) can fall in the window
	 * again; its position then holds another job's SQE. */
	if (sqe->user_data != (uint64_t)job)
		return -EALREADY;
	*out = sqe;
	return 0;
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

/* ---- probe.c: what the running kernel has ---- */
int uring__probe_load(uring *t);              /* from uring_create: 0 or -errno */
int uring__setup_flags_lacking(uint32_t flags);   /* 1: the kernel lacks one of them */

static inline int uring__op_ok(const uring *t, uint8_t opcode)
{
	return (t->probe_bits[opcode >> 3] >> (opcode & 7)) & 1;
}

static inline int uring__has(const uring *t, unsigned feature)
{
	return (t->supported >> feature) & 1;
}

/* The job's slot takes the SQE: its position, its buffer group, its id. */
static inline __attribute__((always_inline)) void uring__slot_queue(uring *t, struct uring__slot *slot,
								   struct uring__sqe *sqe)
{
	slot->sqe_pos = t->sq.sqe_tail;
	/* Which buffer ring its completions may hand out buffers from. */
	slot->buf_group = (sqe->flags & IOSQE_BUFFER_SELECT) ? sqe->buf_group + 1u : 0;
	sqe->user_data = slot->id;
	t->sq.sqe_tail++;
	URING__USDT_QUEUE(slot->id, sqe->opcode, sqe->fd, sqe->len);
}

/* uring__sqe_commit when the heap must grow or take a block of ids, the
 * next slot is busy, or a tool is active (ring.c). */
uring_job uring__sqe_commit_slow(uring *t, struct uring__sqe *sqe, void *data);

/*
 * Gives the filled SQE a job id and queues it: the id (> 0), -EOPNOTSUPP
 * or -ENOMEM.  Always inlined, and a leaf on the common path: everything
 * that would call out (growing the heap, a new block of ids, a busy slot,
 * the tools) is one tail call to the slow path, so no op keeps registers
 * across a call and none pays a prologue for it (callgrind: 17 fewer
 * instructions per op than with the calls inline).
 */
static inline __attribute__((always_inline)) uring_job uring__sqe_commit(uring *t, struct uring__sqe *sqe,
									   void *data)
{
	/* Every op passes here, so this one test refuses any opcode the
	 * kernel lacks, which it would answer with -EINVAL.  The tail has not
	 * moved: nothing is queued, and the slot is zeroed again when reused. */
	if (__builtin_expect(!uring__op_ok(t, sqe->opcode), 0))
		return -EOPNOTSUPP;
	struct uring__heap *h = &t->heap;
	uint64_t id = h->next_id;
	struct uring__slot *slot = &h->slots[id & h->mask];
	if (__builtin_expect((id == h->block_end) | (slot->id != 0) | (h->in_use * 2 >= h->cap) |
			     (t->tools != 0), 0))
		return uring__sqe_commit_slow(t, sqe, data);
	h->next_id = id + 1;
	slot->id = id;
	slot->data = data;
	h->in_use++;
	uring__slot_queue(t, slot, sqe);
	return (uring_job)id;
}

/* ---- no_mmap.c ---- */
/* URING_SETUP_NO_MMAP: -EINVAL unless o->ring_mem is page-aligned and
 * holds uring_mem_size bytes; the two user_addr fields of *p. */
int  uring__no_mmap_check(unsigned depth, const uring_options *o);
void uring__no_mmap_params(unsigned depth, const uring_options *o, struct uring__params *p);

/* ---- buffers.c ---- */
/* Unregisters the buffer table, if any (0 or the kernel's error). */
int  uring__buffers_drop(uring *t);
/* Registers iov[0..n) as the table (no tags): 0 or -errno, no table then. */
int  uring__buffers_set(uring *t, const struct iovec *iov, unsigned n);
void uring__buffers_release(uring *t);   /* uring_exit: the library's copy */

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
/* The kernel's roundup_pow_of_two, for entry counts (<= 2^16). */
static inline uint32_t uring__pow2_at_least(uint32_t n)
{
	uint32_t p = 1;
	while (p < n)
		p <<= 1;
	return p;
}

static inline uint64_t uring__ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* ns as the kernel's timespec, normalised (tv_nsec < 1e9, which
 * timespec64_valid() requires), in the sketch; NULL: -ENOMEM. */
struct uring__kernel_timespec *uring__sketch_timespec(uring *t, uint64_t ns);

#endif
