/* SPDX-License-Identifier: ISC */
/*
 * Ring setup and teardown, SQ/CQ access, and the enter policy.
 *
 * The path of a completion: uring_wait / uring_reap (below) enter the kernel
 * through uring__enter when they must, then cq_drain reads CQEs and hands
 * each to complete_one, which maps user_data to its job through the heap
 * (heap.c) and fills the caller's uring_completion.
 */
#include <assert.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf_ring.h"
#include "hold.h"
#include "ring.h"
#include "../syscall/syscall.h"

/*
 * A registered ring fd is an index into the registering thread's table,
 * valid in that thread only.  So each thread gets an identity that is never
 * reused: a number from a process-wide counter, taken on first use.  (The
 * address of a thread-local variable is not one: glibc gives a new thread
 * the stack, and so the TLS block, of a thread that has exited, and a new
 * thread then used a dead thread's registration.)  A forked child's thread
 * takes a new number too (uring__thread_forked), as the child's task has
 * no registration.
 */
static _Atomic uint64_t uring__thread_counter;
static _Thread_local uint64_t uring__thread_self;

static uint64_t thread_identity(void)
{
	if (__builtin_expect(uring__thread_self == 0, 0))
		uring__thread_self = atomic_fetch_add_explicit(&uring__thread_counter, 1,
								memory_order_relaxed) + 1;
	return uring__thread_self;
}

#define SETUP_FLAGS_ACCEPTED                                                   \
	(IORING_SETUP_IOPOLL | IORING_SETUP_SQPOLL | IORING_SETUP_CLAMP |      \
	 IORING_SETUP_R_DISABLED |                                             \
	 IORING_SETUP_SQ_AFF | IORING_SETUP_ATTACH_WQ |                        \
	 IORING_SETUP_SUBMIT_ALL | IORING_SETUP_COOP_TASKRUN |                 \
	 IORING_SETUP_TASKRUN_FLAG | IORING_SETUP_SQE128 | IORING_SETUP_CQE32 | \
	 IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |             \
	 IORING_SETUP_NO_SQARRAY | IORING_SETUP_HYBRID_IOPOLL |                \
	 IORING_SETUP_CQE_MIXED | IORING_SETUP_SQE_MIXED | IORING_SETUP_NO_MMAP)

_Static_assert((int)URING_OP_PIPE == (int)IORING_OP_PIPE, "public opcodes are the kernel's");

/* ------------------------------------------------------------------ */
/* syscalls, with the registered ring fd when this thread owns it       */
/* ------------------------------------------------------------------ */

int uring__enter(uring *t, unsigned to_submit, unsigned min_complete, unsigned flags,
		 const void *arg, size_t argsz)
{
	int fd = t->ring_fd;
	if (t->reg_thread == thread_identity()) {
		fd = t->reg_index;
		flags |= IORING_ENTER_REGISTERED_RING;
	}
	int ret = uring__sys_enter(fd, to_submit, min_complete, flags, arg, argsz);
	if (__builtin_expect(ret == -EBADR, 0))
		t->cq_dropped = 1;   /* sticky: some job will never see its CQE */
	return ret;
}

/* A forked child shares the parent's ring fd: one unregister from it would
 * take the parent's buffer rings, files or buffers away (seen: a child's
 * exit left the parent's multishot recv with -ENOBUFS).  So it never
 * reaches the kernel from a child. */
int uring__register(uring *t, unsigned opcode, const void *arg, unsigned nr)
{
	if (!uring__in_creator(t))
		return -EPERM;
	return uring__sys_register(t->ring_fd, opcode, arg, nr);
}

/* ------------------------------------------------------------------ */
/* setup                                                                */
/* ------------------------------------------------------------------ */

void uring__unmap_rings(uring *t)
{
	if (t->setup_flags & IORING_SETUP_NO_MMAP) {
		/* The caller's memory: the kernel unpins it with the ring. */
		t->sq.sqes = NULL;
		t->sq_ring_ptr = t->cq_ring_ptr = NULL;
		return;
	}
	if (t->sq.sqes)
		munmap(t->sq.sqes, t->sqes_sz);
	if (t->cq_ring_ptr && t->cq_ring_ptr != t->sq_ring_ptr)
		munmap(t->cq_ring_ptr, t->cq_ring_sz);
	if (t->sq_ring_ptr)
		munmap(t->sq_ring_ptr, t->sq_ring_sz);
	t->sq.sqes = NULL;
	t->sq_ring_ptr = t->cq_ring_ptr = NULL;
}

static void *map_ring(int fd, size_t len, uint64_t offset)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_SHARED | MAP_POPULATE, fd, (off_t)offset);
	if (p == MAP_FAILED)
		return NULL;
	/* A forked child must never write to the parent's rings (eio #801):
	 * without this the child inherits the mappings and can corrupt them. */
	madvise(p, len, MADV_DONTFORK);
	return p;
}

/* The SQ and CQ fields, from the offsets the kernel reported. */
static int ring_pointers(uring *t, const struct uring__params *p, uint32_t sqe_shift,
			 uint32_t cqe_shift)
{
	uint8_t *sq = t->sq_ring_ptr, *cq = t->cq_ring_ptr;
	t->sq.khead = (uint32_t *)(sq + p->sq_off.head);
	t->sq.ktail = (uint32_t *)(sq + p->sq_off.tail);
	t->sq.kflags = (uint32_t *)(sq + p->sq_off.flags);
	t->sq.array = (p->flags & IORING_SETUP_NO_SQARRAY) ? NULL : (uint32_t *)(sq + p->sq_off.array);
	t->sq.mask = *(uint32_t *)(sq + p->sq_off.ring_mask);
	t->sq.entries = *(uint32_t *)(sq + p->sq_off.ring_entries);
	t->sq.shift = sqe_shift;
	t->cq.khead = (uint32_t *)(cq + p->cq_off.head);
	t->cq.ktail = (uint32_t *)(cq + p->cq_off.tail);
	t->cq.cqes = (struct uring__cqe *)(cq + p->cq_off.cqes);
	t->cq.mask = *(uint32_t *)(cq + p->cq_off.ring_mask);
	t->cq.entries = *(uint32_t *)(cq + p->cq_off.ring_entries);
	t->cq.shift = cqe_shift;
	assert(t->sq.entries == p->sq_entries && t->sq.mask == p->sq_entries - 1);
	assert(t->cq.entries == p->cq_entries && t->cq.mask == p->cq_entries - 1);

	/* Identity map: SQE slot i is ring index i, set once.  The kernel
	 * reads array[] only after our tail store, which orders it. */
	if (t->sq.array)
		for (uint32_t i = 0; i < t->sq.entries; i++)
			t->sq.array[i] = i;
	t->sq.sqe_tail = t->sq.sqe_head = t->sq.cached_head = *t->sq.ktail;
	return 0;
}

int uring__map_rings(uring *t, const struct uring__params *p)
{
	uint32_t sqe_shift = (p->flags & IORING_SETUP_SQE128) ? 1 : 0;
	uint32_t cqe_shift = (p->flags & IORING_SETUP_CQE32) ? 1 : 0;
	/* With NO_SQARRAY the kernel reports sq_off.array = 0: the SQ ring
	 * ends at its flags words, which the CQ size below always covers. */
	t->sq_ring_sz = p->sq_off.array + (size_t)p->sq_entries * sizeof(uint32_t);
	t->cq_ring_sz = p->cq_off.cqes + ((size_t)p->cq_entries << cqe_shift) * sizeof(struct uring__cqe);
	if (p->features & IORING_FEAT_SINGLE_MMAP) {
		if (t->cq_ring_sz > t->sq_ring_sz)
			t->sq_ring_sz = t->cq_ring_sz;
		t->cq_ring_sz = t->sq_ring_sz;
	}
	t->sqes_sz = ((size_t)p->sq_entries << sqe_shift) * sizeof(struct uring__sqe);
	if (p->flags & IORING_SETUP_NO_MMAP) {
		/* In the caller's memory, where the kernel says it put them. */
		t->sq_ring_ptr = t->cq_ring_ptr = (void *)(uintptr_t)p->cq_off.user_addr;
		t->sq.sqes = (void *)(uintptr_t)p->sq_off.user_addr;
		return ring_pointers(t, p, sqe_shift, cqe_shift);
	}
	t->sq_ring_ptr = map_ring(t->ring_fd, t->sq_ring_sz, IORING_OFF_SQ_RING);
	if (!t->sq_ring_ptr)
		return -errno;
	if (p->features & IORING_FEAT_SINGLE_MMAP) {
		t->cq_ring_ptr = t->sq_ring_ptr;
	} else {
		t->cq_ring_ptr = map_ring(t->ring_fd, t->cq_ring_sz, IORING_OFF_CQ_RING);
		if (!t->cq_ring_ptr)
			return -errno;
	}
	t->sq.sqes = map_ring(t->ring_fd, t->sqes_sz, IORING_OFF_SQES);
	if (!t->sq.sqes)
		return -errno;
	return ring_pointers(t, p, sqe_shift, cqe_shift);
}


/* The registered ring fd skips the kernel's fdget/fdput on every enter
 * (about 15% of a nop's cost).  Failure only means the plain fd is used. */
static void register_ring_fd(uring *t)
{
	struct uring__rsrc_update up = { .offset = UINT32_MAX, .data = (uint64_t)t->ring_fd };
	t->reg_index = -1;
	t->reg_thread = 0;
	if (uring__register(t, IORING_REGISTER_RING_FDS, &up, 1) == 1) {
		t->reg_index = (int)up.offset;
		t->reg_thread = thread_identity();
	}
}

static void unregister_ring_fd(uring *t)
{
	if (t->reg_thread != thread_identity())
		return;   /* another thread's table: it goes when that thread exits */
	struct uring__rsrc_update up = { .offset = (uint32_t)t->reg_index };
	uring__register(t, IORING_UNREGISTER_RING_FDS, &up, 1);
	t->reg_thread = 0;
}

static int check_options(unsigned depth, const uring_options *o)
{
	if (depth == 0 || depth > URING__MAX_ENTRIES)
		return -EINVAL;
	if (o->setup_flags & ~SETUP_FLAGS_ACCEPTED)
		return -EINVAL;
	if (o->cq_entries && (o->cq_entries < depth || o->cq_entries > URING__MAX_CQ_ENTRIES))
		return -EINVAL;
	/* SQ_AFF means nothing without the poll thread it pins. */
	if ((o->setup_flags & IORING_SETUP_SQ_AFF) &&
	    !(o->polling_timeout_ms || (o->setup_flags & IORING_SETUP_SQPOLL)))
		return -EINVAL;
	if ((o->setup_flags & IORING_SETUP_ATTACH_WQ) && !o->wq_ring)
		return -EINVAL;
	/* A 128-byte op takes two slots of a mixed SQ: the kernel wants two
	 * at least (and would say EOVERFLOW, as if out of memory). */
	if ((o->setup_flags & IORING_SETUP_SQE_MIXED) && depth < 2)
		return -EINVAL;
	/* Every SQE of an SQE128 ring is already 128 bytes (the kernel, too,
	 * refuses both). */
	if ((o->setup_flags & IORING_SETUP_SQE_MIXED) && (o->setup_flags & IORING_SETUP_SQE128))
		return -EINVAL;
	if (o->setup_flags & IORING_SETUP_NO_MMAP)
		return uring__no_mmap_check(depth, o);
	return 0;
}

static uint32_t params_flags(const uring_options *o)
{
	uint32_t flags = o->setup_flags;
	if (o->polling_timeout_ms)
		flags |= IORING_SETUP_SQPOLL;
	if (o->cq_entries)
		flags |= IORING_SETUP_CQSIZE;
	/* Without TASKRUN_FLAG a cooperative / deferred ring gives no sign
	 * that completions are waiting, and a non-blocking get would miss
	 * them; with it the kernel sets IORING_SQ_TASKRUN. */
	if (flags & (IORING_SETUP_COOP_TASKRUN | IORING_SETUP_DEFER_TASKRUN))
		flags |= IORING_SETUP_TASKRUN_FLAG;
	return flags;
}

static int ring_setup(uring *t, unsigned depth, const uring_options *o)
{
	struct uring__params p;
	uint32_t flags = params_flags(o);
	for (int attempt = 0; attempt < 2; attempt++) {
		memset(&p, 0, sizeof(p));
		/* First try without the SQ index array (6.6+); older kernels
		 * reject the unknown flag with EINVAL and get the array, asked
		 * for or not: nothing the caller sees depends on it. */
		p.flags = attempt == 0 ? flags | IORING_SETUP_NO_SQARRAY : flags & ~IORING_SETUP_NO_SQARRAY;
		p.sq_thread_idle = o->polling_timeout_ms;
		p.cq_entries = o->cq_entries;
		if (flags & IORING_SETUP_SQ_AFF)
			p.sq_thread_cpu = o->sq_thread_cpu;
		if (flags & IORING_SETUP_ATTACH_WQ)
			p.wq_fd = (uint32_t)o->wq_ring->ring_fd;
		if (flags & IORING_SETUP_NO_MMAP)
			uring__no_mmap_params(depth, o, &p);
		int fd = uring__sys_setup(depth, &p);
		if (fd >= 0) {
			t->ring_fd = fd;
			t->setup_flags = p.flags;
			t->features = p.features;
			return uring__map_rings(t, &p);
		}
		if (fd != -EINVAL)
			return fd;
	}
	/* EINVAL is also the kernel's word for a flag it is too old for. */
	return uring__setup_flags_lacking(flags) ? -EOPNOTSUPP : -EINVAL;
}

uring *uring_create(unsigned queue_depth, const uring_options *opts)
{
	static const uring_options defaults;
	const uring_options *o = opts ? opts : &defaults;
	int ret = check_options(queue_depth, o);
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	uring *t = calloc(1, sizeof(*t));
	if (!t) {
		errno = ENOMEM;
		return NULL;
	}
	t->ring_fd = -1;
	t->creator_pid = getpid();   /* before any register call: see uring__register */
	ret = ring_setup(t, queue_depth, o);
	if (ret == 0)
		ret = uring__heap_init(&t->heap, t->sq.entries);
	if (ret == 0)
		ret = uring__probe_load(t);
	if (ret == 0)
		ret = uring__tools_start(t);
	if (ret < 0) {
		uring__heap_destroy(&t->heap);   /* free(NULL) when never made */
		uring__unmap_rings(t);
		if (t->ring_fd >= 0)
			close(t->ring_fd);
		free(t);
		errno = -ret;
		return NULL;
	}
	t->cq_always_enter = (t->setup_flags & (IORING_SETUP_IOPOLL | IORING_SETUP_SQPOLL)) ==
			     IORING_SETUP_IOPOLL;
	register_ring_fd(t);
	return t;
}

/*
 * After -EBADR some jobs lost their completion and would stay active for
 * ever, so exit could never succeed.  Instead, exit cancels every request
 * synchronously (IORING_REGISTER_SYNC_CANCEL, 6.0: ops_cancel.c waits for
 * each running one to stop, so no buffer is written afterwards) and then
 * releases every job.  The kernel reports -EBADR only since 5.19, and 5.19
 * lacks the sync cancel: there exit stays -EBUSY.
 */
static int cancel_everything(uring *t)
{
	if (!uring_op_supported(t, URING_OP_SEND_ZC))   /* the sync cancel's release, 6.0 */
		return -EBUSY;   /* nothing else is safe */
	return uring__cancel_all_sync(t, 10 * 1000000000ull);
}

/*
 * Teardown, in one place: the job check, then each piece in the order the
 * kernel needs (registrations while the fd is open; SQEs, rings, the
 * ring-fd registration, then the fd, as the kernel frees the ring only
 * when the last mapping and the last fd reference are gone).  In a forked
 * child nothing reaches the shared ring: only the child's copies of the
 * library's memory are freed (the rings are MADV_DONTFORK: not mapped
 * there), and active jobs do not block it, as they are the parent's.
 */
int uring_exit(uring *t)
{
	if (!t)
		return -EINVAL;
	int parent_ring = uring__in_creator(t);
	if (parent_ring && t->heap.in_use > 0) {
		if (!t->cq_dropped)
			return -EBUSY;
		int ret = cancel_everything(t);
		if (ret < 0)
			return ret;
	}
	uring__tools_stop(t);
	uring__buf_rings_release(t, parent_ring);
	uring__hold_release(t);
	uring__buffers_release(t);
	if (parent_ring) {
		uring__unmap_rings(t);
		unregister_ring_fd(t);
	}
	close(t->ring_fd);
	uring__wait_region_release(t);   /* pinned by the kernel until the ring is freed */
	uring__heap_destroy(&t->heap);
	uring__sketch_destroy(&t->sketch);
	free(t);
	return 0;
}

/* ------------------------------------------------------------------ */
/* submission                                                           */
/* ------------------------------------------------------------------ */

/*
 * Publishes SQEs up to tail.  Without SQPOLL the kernel reads the tail
 * only inside the io_uring_enter we are about to make, so program order is
 * enough; with SQPOLL the release pairs with the poll thread's
 * smp_load_acquire of the tail (io_sqring_entries): our SQE stores are
 * visible before the tail.
 */
static inline __attribute__((always_inline)) void sq_publish(uring *t, uint32_t tail)
{
	t->sq.sqe_head = tail;
	if (uring__sqpoll(t))
		uring__store_release(t->sq.ktail, tail);
	else
		uring__write_once(t->sq.ktail, tail);
}

/* sq_flush with a trace or a tracer on the submit probe: each SQE is
 * reported before the kernel can see it. */
static __attribute__((noinline, cold)) uint32_t sq_flush_traced(uring *t)
{
	uint32_t tail = t->sq.sqe_tail;
	uring__tools_submit(t, t->sq.sqe_head, tail);
	sq_publish(t, tail);
	return tail - uring__read_once(t->sq.khead);
}

/* Publishes the queued SQEs and returns how many the kernel has still to
 * consume.  The traced form is a tail call: nothing is kept across it. */
static uint32_t sq_flush(uring *t)
{
	uint32_t tail = t->sq.sqe_tail;
	assert(tail - t->sq.sqe_head <= t->sq.entries);
	if (t->sq.sqe_head != tail) {
		if (__builtin_expect((t->tools & URING__TOOL_TRACE) || URING__USDT_SUBMIT_ACTIVE(), 0))
			return sq_flush_traced(t);
		sq_publish(t, tail);
	}
	return tail - uring__read_once(t->sq.khead);
}

/* The general commit: the heap grows or takes a block as it must, a busy
 * slot is skipped, and the tools hear of the job.  The probe was checked. */
uring_job uring__sqe_commit_slow(uring *t, struct uring__sqe *sqe, void *data)
{
	struct uring__slot *slot = uring__heap_alloc(&t->heap, data);
	if (!slot)
		return -ENOMEM;
	uring__slot_queue(t, slot, sqe);
	if (__builtin_expect(t->tools != 0, 0))
		return uring__tools_queue(t, slot, sqe);   /* a tail call: nothing kept across it */
	return (uring_job)slot->id;
}

/*
 * SQPOLL: the poll thread sets NEED_WAKEUP before sleeping, then re-checks
 * the tail.  We store the tail, then read the flag.  That is a store then a
 * load to another location: only a full barrier orders them (acquire /
 * release do not; liburing #541).  It pairs with the kernel's smp_mb__after_
 * atomic() after setting the flag in __io_sq_thread / io_sqd_handle_event.
 */
static int sqpoll_needs_wakeup(uring *t)
{
	uring__smp_mb();
	return (uring__read_once(t->sq.kflags) & IORING_SQ_NEED_WAKEUP) != 0;
}

/* Completions the kernel holds back until we enter with GETEVENTS: an
 * overflow backlog (NODROP) or deferred / cooperative task work. */
static int cq_needs_flush(const uring *t)
{
	return t->cq_always_enter ||
	       (uring__read_once(t->sq.kflags) & (IORING_SQ_CQ_OVERFLOW | IORING_SQ_TASKRUN)) != 0;
}

int uring_submit(uring *t)
{
	if (!t)
		return -EINVAL;
	uint32_t pending = sq_flush(t);
	if (uring__sqpoll(t)) {
		if (pending && sqpoll_needs_wakeup(t)) {
			int ret = uring__enter(t, 0, 0, IORING_ENTER_SQ_WAKEUP, NULL, 0);
			if (ret < 0)
				return ret;
		}
		uring__sketch_reclaim_if_used(t);   /* what the poll thread has consumed */
		return (int)pending;
	}
	unsigned flags = cq_needs_flush(t) ? IORING_ENTER_GETEVENTS : 0;
	if (pending == 0 && flags == 0)
		return 0;
	int ret = uring__enter(t, pending, 0, flags, NULL, 0);
	if (ret >= 0)
		uring__sketch_reclaim_if_used(t);
	return ret;
}

/* ------------------------------------------------------------------ */
/* completion                                                           */
/* ------------------------------------------------------------------ */

/* A CQE naming no live job.  Not ours: counted and dropped rather than
 * asserted, as MSG_RING lets any ring post any user_data here.  A padding
 * NOP's (sq_wide.c; its link chain failed) is ours but no job's: dropped.
 * Out of line, so the per-CQE path stays as it was before padding. */
static __attribute__((noinline, cold)) void no_job_cqe(uring *t, uint64_t ud)
{
	if (ud != URING__PAD_DATA)
		t->stray_cqes++;
}

/* One CQE to one completion; 0 when it names no live job (dropped).  With
 * tools (a constant where this is inlined), the tools hear of it too. */
static inline __attribute__((always_inline)) int complete_cqe(uring *t, const struct uring__cqe *cqe,
								uring_completion *out, const int tools)
{
	uint64_t ud = cqe->user_data;
	out->result = cqe->res;
	out->flags = cqe->flags;
	URING__USDT_COMPLETE(ud, cqe->res, cqe->flags);
	if (ud >> 63) {
		/* Bit 63: a message posted by another ring (uring_msg_ring). */
		out->data = NULL;
		out->job = (uring_job)ud;
		if (tools)
			uring__tools_complete(t, NULL, cqe);
		return 1;
	}
	struct uring__slot *slot = uring__heap_lookup(&t->heap, (uring_job)ud);
	if (!slot) {
		no_job_cqe(t, ud);
		return 0;
	}
	out->data = slot->data;
	out->job = (uring_job)ud;
	if ((cqe->flags & IORING_CQE_F_BUFFER) && slot->buf_group)
		uring__buf_ring_lend(t, (uint16_t)(slot->buf_group - 1),
				     cqe->flags >> IORING_CQE_BUFFER_SHIFT, cqe->res, cqe->flags);
	if (tools)
		uring__tools_complete(t, slot, cqe);
	if (!(cqe->flags & IORING_CQE_F_MORE))
		uring__heap_free(&t->heap, slot);
	return 1;
}

static int complete_one(uring *t, const struct uring__cqe *cqe, uring_completion *out)
{
	return complete_cqe(t, cqe, out, 0);
}

static int complete_with_tools(uring *t, const struct uring__cqe *cqe, uring_completion *out)
{
	return complete_cqe(t, cqe, out, 1);
}

/*
 * Moves up to max CQEs into out[] with one acquire of the tail and one
 * release of the head.  The acquire pairs with the kernel's
 * smp_store_release of cq.tail (io_commit_cqring): the CQEs before the tail
 * are fully written.  The release orders our reads of those CQEs before the
 * head store, after which the kernel may overwrite their slots (it reads
 * the head with a control dependency in io_get_cqe / __io_cqring_events).
 */
static inline __attribute__((always_inline)) unsigned cq_drain_as(uring *t, uring_completion *out,
								   unsigned max, const int tools,
								   const int plain)
{
	/* Locals, not t->cq.*: the stores into out[] may alias the ring's
	 * fields as far as the compiler knows, which would reload them per CQE.
	 * plain (a constant): 16-byte CQEs only, so no shift and no mixed
	 * sizes to test per CQE. */
	const struct uring__cqe *cqes = t->cq.cqes;
	const uint32_t mask = t->cq.mask, shift = plain ? 0 : t->cq.shift;
	const uint32_t mixed = !plain && (t->setup_flags & IORING_SETUP_CQE_MIXED) ?
			       IORING_CQE_F_32 | IORING_CQE_F_SKIP : 0;
	uint32_t *khead = t->cq.khead;
	uint32_t head = *khead;
	uint32_t ready = uring__load_acquire(t->cq.ktail) - head;
	assert(ready <= t->cq.entries);
	/* A CQE naming no live job is consumed without filling out[n], so the
	 * loop runs on past it: a stray at the head never hides the real
	 * completion behind it. */
	unsigned n = 0;
	uint32_t i = 0;
	while (i < ready && n < max) {
		const struct uring__cqe *cqe = &cqes[((head + i++) & mask) << shift];
		/* CQE_MIXED: a 32-byte CQE takes two slots, and a filler
		 * (F_SKIP) pads the end of the ring before one that would
		 * wrap.  The bits mean this on a mixed ring only. */
		if (__builtin_expect(cqe->flags & mixed, 0)) {
			if (cqe->flags & IORING_CQE_F_SKIP)
				continue;
			i++;
		}
		n += (unsigned)(tools ? complete_with_tools(t, cqe, &out[n]) : complete_one(t, cqe, &out[n]));
	}
	if (i)
		uring__store_release(khead, head + i);
	return n;
}

/* The drain with the tools told of each completion: its own loop, out of
 * the ordinary one, which then pays one branch per batch for the tools. */
static __attribute__((noinline, cold)) unsigned cq_drain_tools(uring *t, uring_completion *out,
								unsigned max)
{
	return cq_drain_as(t, out, max, 1, 0);
}

/* CQE32 and CQE_MIXED rings: their own loop too, so that the ordinary one
 * computes no shift and tests no size bits per CQE (callgrind: 5 fewer
 * instructions per completion). */
static __attribute__((noinline)) unsigned cq_drain_wide(uring *t, uring_completion *out,
							 unsigned max)
{
	return cq_drain_as(t, out, max, 0, 0);
}

static inline __attribute__((always_inline)) unsigned cq_drain(uring *t, uring_completion *out,
								unsigned max)
{
	if (__builtin_expect(t->tools != 0, 0))
		return cq_drain_tools(t, out, max);
	if (__builtin_expect(t->cq.shift != 0 || (t->setup_flags & IORING_SETUP_CQE_MIXED), 0))
		return cq_drain_wide(t, out, max);
	return cq_drain_as(t, out, max, 0, 1);
}

/*
 * The one wait path: publish queued SQEs, and unless min completions are
 * already there with nothing to submit, make exactly one io_uring_enter
 * that submits and waits for min; then collect up to max.  Never blocks
 * twice (liburing #393).  The kernel reports a signal during the wait as
 * -EINTR, or, when the same call also submitted, as the submit count with
 * fewer completions than asked (liburing #1280): both end here with what
 * is there (possibly 0), and nothing is lost because every SQE stays
 * queued or submitted and every CQE stays in the ring.
 */
int uring__wait_batch(uring *t, uring_completion *out, unsigned max, unsigned min,
		      const struct uring__getevents_arg *arg, unsigned enter_flags)
{
	return uring__wait_batch_arg(t, out, max, min, arg, arg ? sizeof(*arg) : 0, enter_flags);
}

int uring__wait_batch_arg(uring *t, uring_completion *out, unsigned max, unsigned min,
			  const void *arg, size_t argsz, unsigned enter_flags)
{
	uint32_t pending = sq_flush(t);
	unsigned flags = IORING_ENTER_GETEVENTS | enter_flags;
	unsigned to_submit = pending;
	if (uring__sqpoll(t)) {
		to_submit = 0;
		if (pending && sqpoll_needs_wakeup(t))
			flags |= IORING_ENTER_SQ_WAKEUP;
	}
	if (to_submit == 0 && !(flags & IORING_ENTER_SQ_WAKEUP) && !cq_needs_flush(t) &&
	    uring__load_acquire(t->cq.ktail) - *t->cq.khead >= min) {
		unsigned n = cq_drain(t, out, max);
		if (n > 0)
			return (int)n;   /* else only strays: wait as if empty */
	}
	if (argsz)
		flags |= IORING_ENTER_EXT_ARG;
	int ret = uring__enter(t, to_submit, min, flags, arg, argsz);
	if (ret == -EBADR)
		return ret;   /* the kernel dropped CQEs: reported once, never hidden */
	if (ret >= 0)
		uring__sketch_reclaim_if_used(t);
	unsigned n = cq_drain(t, out, max);
	if (n > 0)
		return (int)n;
	if (ret >= 0 || ret == -EINTR || ret == -ETIME)
		return 0;
	return ret;
}

/* A relative wait deadline for IORING_ENTER_EXT_ARG (5.11+). */
void uring__wait_deadline(struct uring__getevents_arg *arg, struct uring__kernel_timespec *ts,
			  uint64_t timeout_ns)
{
	ts->tv_sec = (int64_t)(timeout_ns / 1000000000u);
	ts->tv_nsec = (int64_t)(timeout_ns % 1000000000u);
	*arg = (struct uring__getevents_arg){
		.sigmask_sz = URING__KERNEL_SIGSET_SIZE,
		.ts = uring__ptr(ts),
	};
}

int uring_wait(uring *t, uring_completion *out)
{
	if (!t || !out)
		return -EINVAL;
	return uring__wait_batch(t, out, 1, 1, NULL, 0);
}

int uring_wait_timeout(uring *t, uint64_t timeout_ns, uring_completion *out)
{
	if (!t || !out)
		return -EINVAL;
	/* No hidden timeout SQE (liburing's pre-5.11 fallback submits one,
	 * and with it the caller's queue): without EXT_ARG, refuse. */
	if (!(t->features & IORING_FEAT_EXT_ARG))
		return -EOPNOTSUPP;
	struct uring__kernel_timespec ts;
	struct uring__getevents_arg arg;
	uring__wait_deadline(&arg, &ts, timeout_ns);
	return uring__wait_batch(t, out, 1, 1, &arg, 0);
}

/*
 * liburing's io_uring_submit_and_wait(n) plus a batch peek, in one call: a
 * loop whose own writes complete inline would otherwise wake on them and
 * need a second enter to wait for its reads.  min is bounded by the CQ size
 * (a larger count could only be met through the overflow backlog).
 */
int uring_wait_many(uring *t, uring_completion *out, unsigned max, unsigned min, uint64_t timeout_ns)
{
	if (!t || !out || min == 0 || min > max || min > t->cq.entries)
		return -EINVAL;
	if (timeout_ns == URING_WAIT_FOREVER)
		return uring__wait_batch(t, out, max, min, NULL, 0);
	if (!(t->features & IORING_FEAT_EXT_ARG))
		return -EOPNOTSUPP;
	struct uring__kernel_timespec ts;
	struct uring__getevents_arg arg;
	uring__wait_deadline(&arg, &ts, timeout_ns);
	return uring__wait_batch(t, out, max, min, &arg, 0);
}

/* Never submits: one enter with to_submit 0, and only when the kernel is
 * holding completions back (overflow backlog, task work). */
static __attribute__((noinline)) int reap_after_flush(uring *t, uring_completion *out, unsigned max)
{
	int ret = uring__enter(t, 0, 0, IORING_ENTER_GETEVENTS, NULL, 0);
	if (ret < 0 && ret != -EINTR && ret != -EBUSY && ret != -EAGAIN)
		return ret;
	return (int)cq_drain(t, out, max);
}

int uring_get_cqe_nonblocking(uring *t, uring_completion *out)
{
	if (!t || !out)
		return -EINVAL;
	if (cq_drain(t, out, 1))
		return 1;
	return cq_needs_flush(t) ? reap_after_flush(t, out, 1) : 0;
}

int uring_reap(uring *t, uring_completion *out, unsigned max)
{
	if (!t || (!out && max > 0))
		return -EINVAL;
	unsigned n = cq_drain(t, out, max);
	if (n > 0 || max == 0 || !cq_needs_flush(t))
		return (int)n;
	return reap_after_flush(t, out, max);
}

/* ------------------------------------------------------------------ */
/* counters                                                             */
/* ------------------------------------------------------------------ */

unsigned uring_queue_depth(const uring *t)
{
	return t ? t->sq.entries : 0;
}

unsigned uring_active_ops(const uring *t)
{
	return t ? t->heap.in_use : 0;
}

unsigned uring_sqe_ready(const uring *t)
{
	return t ? t->sq.sqe_tail - uring__sq_head(t) : 0;
}

unsigned uring_sq_space_left(const uring *t)
{
	if (!t)
		return 0;
	uint32_t used = t->sq.sqe_tail - uring__sq_head(t);
	assert(used <= t->sq.entries);
	return t->sq.entries - used;
}

void uring_get_debug_stats(const uring *t, uring_stats *out)
{
	if (!t || !out)
		return;
	*out = (uring_stats){
		.sqe_ready = uring_sqe_ready(t),
		.active_ops = t->heap.in_use,
	};
	uring__sketch_stats(&t->sketch, &out->sketch_buffer_size, &out->sketch_used,
			    &out->sketch_old_buffers);
}
