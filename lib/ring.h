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

#include "uring.h"
#include "../syscall/abi.h"
#include "barrier.h"

/* Limits: everything has one. */
#define URING__MAX_ENTRIES      32768u         /* IORING_MAX_ENTRIES */
#define URING__MAX_CQ_ENTRIES   65536u         /* IORING_MAX_CQ_ENTRIES */
#define URING__HEAP_MAX_SLOTS   (1u << 22)     /* jobs in flight per ring */
#define URING__SKETCH_MIN       4096u
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

/*
 * A job's slot.  The job id is gen << 32 | index; gen is never 0 and stays
 * below 2^31, so ids are > 0 and bit 63 is never set.  A slot is freed only
 * by its job's final completion (the one without F_MORE); freeing bumps the
 * generation, which is what makes every older id for the slot stale.
 */
struct uring__slot {
	void *data;
	uint32_t gen;
	uint32_t next_free;      /* URING__SLOT_BUSY while the job is live */
	uint32_t sqe_pos;        /* sq.sqe_tail when queued: tells if still unpublished */
};
#define URING__SLOT_BUSY  UINT32_MAX
#define URING__SLOT_NONE  (UINT32_MAX - 1)

struct uring__heap {
	struct uring__slot *slots;
	uint32_t cap;
	uint32_t in_use;
	uint32_t free_head;      /* URING__SLOT_NONE when every slot is busy */
};

struct uring__sketch {
	uint8_t *buf;
	size_t size;
	size_t used;
	void **old;              /* outgrown buffers still referenced by queued SQEs */
	unsigned n_old, old_cap;
	uint32_t alloc_tail;     /* sq.sqe_tail at the last allocation */
};

struct uring {
	struct uring__sq sq;
	struct uring__cq cq;
	struct uring__heap heap;
	struct uring__sketch sketch;

	int ring_fd;
	int reg_index;               /* registered ring fd, or -1 */
	const void *reg_thread;      /* the thread the registration belongs to */
	uint32_t setup_flags;        /* as granted by the kernel */
	uint32_t features;
	uint32_t cq_always_enter;    /* IOPOLL without SQPOLL: reaping needs the kernel */

	void *sq_ring_ptr, *cq_ring_ptr;
	size_t sq_ring_sz, cq_ring_sz, sqes_sz;

	uint64_t stray_cqes;         /* CQEs whose user_data named no live job */
	uint32_t supported;          /* 1 << URING_FEATURE_*, as found by probe.c */
	uint8_t probe_bits[32];      /* one bit per opcode 0..255, loaded by uring_create */

	void *fixed_buf;             /* the registered buffer (buf_index 0) */
	size_t fixed_len;
	uint32_t files_registered;   /* entries in the registered file table */

	/* Beyond the OCaml module: both released by uring_exit (hold.c). */
	struct uring__hold *held;            /* send_msg control blocks, kept until their job ends */
	struct uring_buf_ring *buf_rings;    /* provided-buffer rings not yet destroyed */
};

/* ---- ring.c ---- */
int uring__enter(uring *t, unsigned to_submit, unsigned min_complete, unsigned flags,
		 const void *arg, size_t argsz);
int uring__register(uring *t, unsigned opcode, const void *arg, unsigned nr);

static inline int uring__sqpoll(const uring *t)
{
	return (t->setup_flags & IORING_SETUP_SQPOLL) != 0;
}

/* ---- heap.c (the per-op paths are inline: once per op, once per CQE) ---- */
int  uring__heap_init(struct uring__heap *h, uint32_t cap);
void uring__heap_destroy(struct uring__heap *h);
int  uring__heap_grow(struct uring__heap *h);
#define URING__GEN_LIMIT (1u << 31)   /* gen < 2^31 keeps bit 63 of every id clear */

static inline uring_job uring__job_id(const struct uring__heap *h, uint32_t index)
{
	return (uring_job)((uint64_t)h->slots[index].gen << 32 | index);
}

/* A free slot holding data: its index, or -ENOMEM. */
static inline int64_t uring__heap_alloc(struct uring__heap *h, void *data)
{
	if (h->free_head == URING__SLOT_NONE) {
		int ret = uring__heap_grow(h);
		if (ret < 0)
			return ret;
	}
	uint32_t i = h->free_head;
	struct uring__slot *s = &h->slots[i];
	h->free_head = s->next_free;
	s->next_free = URING__SLOT_BUSY;
	s->data = data;
	h->in_use++;
	return i;
}

/* Frees a live slot; the generation bump makes every older id stale. */
static inline void uring__heap_free(struct uring__heap *h, uint32_t i)
{
	struct uring__slot *s = &h->slots[i];
	uint32_t gen = (s->gen + 1) & (URING__GEN_LIMIT - 1);
	s->gen = gen ? gen : 1;   /* wraps within [1, 2^31) */
	s->data = NULL;
	s->next_free = h->free_head;
	h->free_head = i;
	h->in_use--;
}

/* The live slot an id names, or NULL (stale, invented, or never issued). */
static inline struct uring__slot *uring__heap_lookup(struct uring__heap *h, uring_job job)
{
	uint32_t i = (uint32_t)job;
	uint32_t gen = (uint32_t)((uint64_t)job >> 32);
	if (job <= 0 || i >= h->cap)
		return NULL;
	struct uring__slot *s = &h->slots[i];
	if (s->next_free != URING__SLOT_BUSY || s->gen != gen)
		return NULL;
	return s;
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
	struct uring__sqe *sqe = &t->sq.sqes[(t->sq.sqe_tail & t->sq.mask) << t->sq.shift];
	/* The slot holds the fields of whatever op used it last; an op that
	 * leaves a field unset must send zero (fio PR #818, liburing #1126).
	 * Constant sizes: the compiler emits a few vector stores, no call. */
	if (t->sq.shift)
		memset(sqe, 0, 2 * sizeof(*sqe));
	else
		memset(sqe, 0, sizeof(*sqe));
	return sqe;
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

/* Gives the filled SQE a job id and queues it: the id (> 0), -EOPNOTSUPP
 * or -ENOMEM. */
static inline uring_job uring__sqe_commit(uring *t, struct uring__sqe *sqe, void *data)
{
	/* Every op passes here, so this one test refuses any opcode the
	 * kernel lacks, which it would answer with -EINVAL.  The tail has not
	 * moved: nothing is queued, and the slot is zeroed again when reused. */
	if (__builtin_expect(!uring__op_ok(t, sqe->opcode), 0))
		return -EOPNOTSUPP;
	int64_t index = uring__heap_alloc(&t->heap, data);
	if (index < 0)
		return index;
	t->heap.slots[index].sqe_pos = t->sq.sqe_tail;
	uring_job job = uring__job_id(&t->heap, (uint32_t)index);
	sqe->user_data = (uint64_t)job;
	t->sq.sqe_tail++;
	return job;
}

/* ---- sketch.c ---- */
void *uring__sketch_alloc(uring *t, size_t len, size_t align);  /* NULL: -ENOMEM */
void  uring__sketch_release(uring *t);

/* Resets the sketch once nothing queued points into it; inline so the
 * common case, an unused sketch, costs one test on every submit. */
static inline void uring__sketch_release_if_idle(uring *t)
{
	if (t->sketch.used != 0 || t->sketch.n_old != 0)
		uring__sketch_release(t);
}
void  uring__sketch_destroy(struct uring__sketch *s);

/* ---- helpers shared by op builders ---- */
static inline uint64_t uring__ptr(const void *p)
{
	return (uint64_t)(uintptr_t)p;
}

/* ns as the kernel's timespec, normalised (tv_nsec < 1e9, which
 * timespec64_valid() requires), in the sketch; NULL: -ENOMEM. */
struct uring__kernel_timespec *uring__sketch_timespec(uring *t, uint64_t ns);

/* ---- hold.c, buf_ring.c: state of the beyond-OCaml features ---- */
/* Called by uring_exit once no job is active: frees held memory and the
 * buffer rings the caller did not destroy. */
void uring__beyond_exit(uring *t);
void uring__buf_rings_release(uring *t);

#endif
