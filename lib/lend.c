/* SPDX-License-Identifier: ISC */
/*
 * Memory lent to the kernel (lend.h).  The kernel's own reads and writes
 * do not go through instrumented code, so ASan never sees them: poisoning
 * a lent buffer reports only the program's accesses to it, at the line
 * that makes them.
 *
 * ASan is found at run time, through weak references to its interface:
 * they resolve when the program (whether or not this library) was built
 * with -fsanitize=address, and are NULL otherwise.
 *
 * ASan's shadow has one byte per 8-byte granule, which says how many
 * leading bytes are addressable: a granule cannot be half poisoned at its
 * start, and unpoisoning a partial granule makes all of it addressable.
 * So only the granules wholly inside a lent region are poisoned, and
 * exactly those are unpoisoned: a granule shared with another object or
 * another job's buffer is never touched (up to 7 bytes at each end of a
 * buffer go unchecked; nothing is ever reported falsely).
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/epoll.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "buf_ring.h"
#include "lend.h"
#include "tools.h"

#ifdef URING_HAVE_MEMCHECK
#include <valgrind/memcheck.h>
#define MARK_DEFINED(p, n) VALGRIND_MAKE_MEM_DEFINED((p), (n))
#define UNDER_VALGRIND()   (RUNNING_ON_VALGRIND != 0)
#else
#define MARK_DEFINED(p, n) ((void)(p), (void)(n))
#define UNDER_VALGRIND()   0
#endif

/* The ASan interface (sanitizer/asan_interface.h), weak.  report_error
 * is declared as the runtime defines it, with its trailing exp argument. */
extern void __asan_poison_memory_region(void const volatile *addr, size_t size) __attribute__((weak));
extern void __asan_unpoison_memory_region(void const volatile *addr, size_t size) __attribute__((weak));
extern void __asan_get_shadow_mapping(size_t *shadow_scale, size_t *shadow_offset)
	__attribute__((weak));
extern void __asan_report_error(void *pc, void *bp, void *sp, void *addr, int is_write,
				size_t size, uint32_t exp) __attribute__((weak));

#define GRANULE ((uintptr_t)8)   /* ASan's default shadow scale, 3 */
#define SHADOW_HEAP_FREED 0xfd   /* "Freed heap region" in ASan's shadow legend */

/* Where the shadow byte of an address is, once the runtime is known. */
static size_t shadow_scale, shadow_offset;
static int shadow_known;

enum lent_kind {
	LENT_OUT,       /* the kernel reads it (write, send) */
	LENT_IN,        /* the kernel writes data into it: result bytes, in order */
	LENT_WHOLE,     /* the kernel writes all of it on success (statx) */
	LENT_NAME,      /* a socket address: *name_len bytes written */
	LENT_CONTROL,   /* recvmsg control data: *control_len bytes written */
	LENT_HEADER,    /* recvmsg's msghdr and iovec array: read, and lengths written back */
	LENT_EVENTS,    /* epoll_wait: result events written */
};

struct lent_region {
	void *p;
	size_t len;
	uint8_t kind;
};

struct uring__lent {
	const socklen_t *name_len;   /* accept / recvmsg: where the kernel writes it */
	const size_t *control_len;   /* recvmsg */
	uint32_t n;
	struct lent_region r[];
};

uint32_t uring__lend_tools(void)
{
	uint32_t tools = 0;
	if (__asan_poison_memory_region && __asan_unpoison_memory_region) {
		tools |= URING__TOOL_ASAN;
		if (__asan_get_shadow_mapping && !shadow_known) {
			__asan_get_shadow_mapping(&shadow_scale, &shadow_offset);
			shadow_known = 1;
		}
	}
	if (UNDER_VALGRIND())
		tools |= URING__TOOL_MEMCHECK;
	return tools;
}

/* ---- ASan ---- */

/* The granules wholly inside [p, p + len), or 0 when there are none. */
static size_t granules(const void *p, size_t len, uintptr_t *lo)
{
	uintptr_t b = (uintptr_t)p;
	if (len > UINTPTR_MAX - b)
		return 0;
	uintptr_t first = (b + GRANULE - 1) & ~(GRANULE - 1), end = (b + len) & ~(GRANULE - 1);
	*lo = first;
	return end > first ? end - first : 0;
}

static void poison(const void *p, size_t len, int on)
{
	uintptr_t lo;
	size_t n = granules(p, len, &lo);
	if (n == 0)
		return;
	if (on)
		__asan_poison_memory_region((const void *)lo, n);
	else
		__asan_unpoison_memory_region((const void *)lo, n);
}

/* p lies in a heap block the program has freed (and ASan still holds in
 * quarantine): ASan marks every granule of such a block "freed", a value
 * distinct from the "user poisoned" of lend_queue.  One shadow load; the
 * interface's own lookups (__asan_get_free_stack) scan a page of
 * addresses for memory outside the heap, and cost 100 us on every stack
 * or global buffer. */
static __attribute__((no_sanitize_address)) int freed(const void *p)
{
	/* Not instrumented: ASan's own check of a shadow load would fault. */
	if (!shadow_known)
		return 0;
	const uint8_t *shadow = (const uint8_t *)(((uintptr_t)p >> shadow_scale) + shadow_offset);
	return *shadow == SHADOW_HEAP_FREED;
}

/* An ASan report of the kernel's access to freed memory: "heap-use-after-
 * free", with where the program freed it.  Fatal unless the program runs
 * with halt_on_error=0. */
static __attribute__((noinline)) void report_freed(const struct lent_region *r)
{
	if (__asan_report_error)
		__asan_report_error(__builtin_return_address(0), __builtin_frame_address(0),
				    __builtin_frame_address(0), r->p, r->kind != LENT_OUT, r->len, 0);
}

/* ---- what an SQE lends ---- */

/* Adds a region to l, or only counts it when l is NULL. */
static void add(struct uring__lent *l, uint32_t *n, const void *p, size_t len, uint8_t kind)
{
	if (!p || len == 0)
		return;
	if (l)
		l->r[*n] = (struct lent_region){ .p = (void *)(uintptr_t)p, .len = len, .kind = kind };
	(*n)++;
}

static void add_iov(struct uring__lent *l, uint32_t *n, const struct iovec *iov, size_t cnt,
		    uint8_t kind)
{
	for (size_t i = 0; iov && i < cnt; i++)
		add(l, n, iov[i].iov_base, iov[i].iov_len, kind);
}

/* recvmsg writes back into the program's msghdr (lengths, flags), and into
 * the buffers, address and control block it points to. */
static void add_recvmsg(struct uring__lent *l, uint32_t *n, const struct msghdr *m)
{
	add(l, n, m, sizeof(*m), LENT_HEADER);
	add(l, n, m->msg_iov, m->msg_iovlen * sizeof(struct iovec), LENT_HEADER);
	add_iov(l, n, m->msg_iov, m->msg_iovlen, LENT_IN);
	add(l, n, m->msg_name, m->msg_namelen, LENT_NAME);
	add(l, n, m->msg_control, m->msg_controllen, LENT_CONTROL);
	if (l) {
		l->name_len = &m->msg_namelen;
		l->control_len = &m->msg_controllen;
	}
}

/* The library queues URING_CMD on sockets only (ops_sock_cmd.c), so
 * cmd_op names a socket command. */
static void add_sock_cmd(struct uring__lent *l, uint32_t *n, const struct uring__sqe *sqe)
{
	switch (sqe->cmd.cmd_op) {
	case SOCKET_URING_OP_GETSOCKOPT:
		add(l, n, (const void *)(uintptr_t)sqe->optval, sqe->optlen, LENT_IN);
		break;
	case SOCKET_URING_OP_GETSOCKNAME: {
		const socklen_t *len = (const socklen_t *)(uintptr_t)sqe->addr3.addr3;
		add(l, n, (const void *)(uintptr_t)sqe->addr, *len, LENT_NAME);
		if (l)
			l->name_len = len;
		break;
	}
	default:
		break;   /* SETSOCKOPT reads the library's copy (hold.c); SIOCINQ,
			  * SIOCOUTQ and block discard lend nothing */
	}
}

/* The memory the program lends with this SQE, by opcode.  Run twice: to
 * count (l NULL), then to fill.  What the library copied for the kernel
 * (the sketch: iovec arrays, send_msg headers) is its own, never listed. */
static uint32_t decode(const struct uring__sqe *sqe, struct uring__lent *l)
{
	uint32_t n = 0;
	const void *addr = (const void *)(uintptr_t)sqe->addr;
	const void *addr2 = (const void *)(uintptr_t)sqe->addr2;
	if (sqe->flags & IOSQE_BUFFER_SELECT)
		return 0;   /* the kernel picks a provided buffer: lend_buffers */
	switch (sqe->opcode) {
	case IORING_OP_READ: case IORING_OP_READ_FIXED: case IORING_OP_RECV:
		add(l, &n, addr, sqe->len, LENT_IN);
		break;
	case IORING_OP_WRITE: case IORING_OP_WRITE_FIXED: case IORING_OP_SEND: case IORING_OP_SEND_ZC:
		add(l, &n, addr, sqe->len, LENT_OUT);
		break;
	case IORING_OP_READV: case IORING_OP_READV_FIXED:
		add_iov(l, &n, addr, sqe->len, LENT_IN);
		break;
	case IORING_OP_WRITEV: case IORING_OP_WRITEV_FIXED:
		add_iov(l, &n, addr, sqe->len, LENT_OUT);
		break;
	case IORING_OP_SENDMSG:
		add_iov(l, &n, ((const struct msghdr *)addr)->msg_iov,
			((const struct msghdr *)addr)->msg_iovlen, LENT_OUT);
		break;
	case IORING_OP_RECVMSG:
		add_recvmsg(l, &n, addr);
		break;
	case IORING_OP_STATX:
		add(l, &n, addr2, sizeof(struct statx), LENT_WHOLE);
		break;
	case IORING_OP_URING_CMD:
		add_sock_cmd(l, &n, sqe);
		break;
	case IORING_OP_EPOLL_WAIT:
		add(l, &n, addr, (size_t)sqe->len * sizeof(struct epoll_event), LENT_EVENTS);
		break;
	case IORING_OP_WAITID:   /* NULL: no siginfo wanted */
		if (addr2)
			add(l, &n, addr2, sizeof(siginfo_t), LENT_WHOLE);
		break;
	case IORING_OP_ACCEPT:
		if (addr && addr2) {
			add(l, &n, addr, *(const socklen_t *)addr2, LENT_NAME);
			if (l)
				l->name_len = addr2;
		}
		break;
	default:
		break;
	}
	return n;
}

struct uring__lent *uring__lend_queue(uring *t, const struct uring__sqe *sqe)
{
	uint32_t n = decode(sqe, NULL);
	if (n == 0)
		return NULL;
	struct uring__lent *l = calloc(1, sizeof(*l) + n * sizeof(l->r[0]));
	if (!l)
		return NULL;
	l->n = decode(sqe, l);
	if (!(t->tools & URING__TOOL_ASAN))
		return l;
	for (uint32_t i = 0; i < l->n; i++) {
		if (freed(l->r[i].p))
			report_freed(&l->r[i]);   /* the kernel is about to use freed memory */
		else
			poison(l->r[i].p, l->r[i].len, 1);
	}
	return l;
}

/* ---- memcheck ---- */

static size_t min_size(size_t a, size_t b)
{
	return a < b ? a : b;
}

static void mark_written(const struct uring__lent *l, int32_t res)
{
	size_t data = (size_t)res;   /* spread over the LENT_IN regions, in order */
	for (uint32_t i = 0; i < l->n; i++) {
		const struct lent_region *r = &l->r[i];
		size_t n = 0;
		if (r->kind == LENT_IN) {
			n = min_size(data, r->len);
			data -= n;
		} else if (r->kind == LENT_WHOLE) {
			n = r->len;
		} else if (r->kind == LENT_NAME && l->name_len) {
			n = min_size(*l->name_len, r->len);
		} else if (r->kind == LENT_CONTROL && l->control_len) {
			n = min_size(*l->control_len, r->len);
		} else if (r->kind == LENT_EVENTS) {
			n = min_size((size_t)res * sizeof(struct epoll_event), r->len);
		}
		if (n)
			MARK_DEFINED(r->p, n);
	}
}

void uring__lend_release(uring *t, struct uring__lent *l, int32_t res)
{
	int intact = 1;
	if (t->tools & URING__TOOL_ASAN) {
		for (uint32_t i = 0; i < l->n; i++) {
			/* Freed while lent: unpoisoning would hide the block
			 * from ASan's quarantine, so it is reported instead. */
			if (freed(l->r[i].p)) {
				intact = 0;
				report_freed(&l->r[i]);
			} else {
				poison(l->r[i].p, l->r[i].len, 0);
			}
		}
	}
	if (intact && res >= 0 && (t->tools & URING__TOOL_MEMCHECK))
		mark_written(l, res);
	free(l);
}

/* ---- provided buffers ---- */

static void *buffer_at(const struct uring_buf_ring *br, unsigned bid)
{
	return br->bufs + (size_t)bid * br->buf_size;
}

/* One buffer at a time: a granule two buffers share stays addressable. */
void uring__lend_buffers(const struct uring_buf_ring *br, unsigned first, unsigned n, int on)
{
	if (!(br->ring_owner->tools & URING__TOOL_ASAN))
		return;
	for (unsigned bid = first; bid < first + n; bid++)
		poison(buffer_at(br, bid), br->buf_size, on);
}

/*
 * The granules a piece touches, outward: an incremental ring's piece need
 * not start or end on one.  The bytes sharing them are the same buffer's
 * (or a neighbour's, for a buf_size not a multiple of 8): left unchecked,
 * never falsely reported.
 */
static void unpoison_covering(const void *p, size_t len)
{
	uintptr_t lo = (uintptr_t)p & ~(GRANULE - 1);
	uintptr_t hi = ((uintptr_t)p + len + GRANULE - 1) & ~(GRANULE - 1);
	if (len > 0 && hi > lo)
		__asan_unpoison_memory_region((const void *)lo, hi - lo);
}

/* Only the piece in an incremental ring: the kernel still owns the rest. */
void uring__lend_buffer_out(const struct uring_buf_ring *br, unsigned bid, size_t off, size_t len)
{
	uint8_t *p = (uint8_t *)buffer_at(br, bid) + off;
	if ((br->ring_owner->tools & URING__TOOL_ASAN) && br->inc)
		unpoison_covering(p, len);
	else if (br->ring_owner->tools & URING__TOOL_ASAN)
		poison(p, br->buf_size, 0);
	if (len > 0 && (br->ring_owner->tools & URING__TOOL_MEMCHECK))
		MARK_DEFINED(p, len);
}
