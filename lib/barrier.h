/* SPDX-License-Identifier: ISC */
/*
 * Memory ordering for the memory shared with the kernel, written out per
 * architecture.  The kernel's side of each pairing is named at every use in
 * ring.c and summarised in docs/design.md; the rule itself is the header
 * comment of the kernel's io_uring/io_uring.c:
 *
 *   - read the CQ tail with acquire      (pairs with the kernel's smp_wmb /
 *                                          release before it stores the tail)
 *   - store the CQ head with release     (orders our CQE loads before the
 *                                          kernel may overwrite those slots)
 *   - store the SQ tail with release     (orders our SQE stores before the
 *                                          kernel's smp_load_acquire of it)
 *   - read the SQ head with acquire      (the kernel has finished reading an
 *                                          SQE before we reuse its slot)
 *   - full fence between the SQ tail store and the NEED_WAKEUP load (SQPOLL)
 *
 * Every location is a naturally aligned 16- or 32-bit word, so a volatile
 * access is a single, untorn load or store (the kernel's READ_ONCE /
 * WRITE_ONCE); the functions below only add the ordering.
 */
#ifndef CURING_LIB_BARRIER_H
#define CURING_LIB_BARRIER_H

#include <stdint.h>

static inline uint32_t uring__read_once(const uint32_t *p)
{
	return *(const volatile uint32_t *)p;
}

static inline void uring__write_once(uint32_t *p, uint32_t v)
{
	*(volatile uint32_t *)p = v;
}

#if defined(__x86_64__)
/*
 * x86-64 is TSO: loads are not reordered with older loads, stores not with
 * older stores or loads.  Acquire and release therefore need only stop the
 * compiler.  The one reordering the hardware does, a later load passing an
 * earlier store (the store buffer), needs a locked instruction; a locked
 * no-op on the stack is cheaper than mfence and orders the same.
 */
#define uring__compiler_barrier() __asm__ volatile("" ::: "memory")

static inline uint32_t uring__load_acquire(const uint32_t *p)
{
	uint32_t v = *(const volatile uint32_t *)p;
	uring__compiler_barrier();
	return v;
}

static inline void uring__store_release(uint32_t *p, uint32_t v)
{
	uring__compiler_barrier();
	*(volatile uint32_t *)p = v;
}

static inline void uring__store_release16(uint16_t *p, uint16_t v)
{
	uring__compiler_barrier();
	*(volatile uint16_t *)p = v;
}

static inline void uring__smp_mb(void)
{
	__asm__ volatile("lock; orl $0, (%%rsp)" ::: "memory", "cc");
}

#elif defined(__aarch64__)
/*
 * arm64 is weakly ordered: LDAR / STLR give one-sided acquire / release
 * (RCsc), and DMB ISH is the full barrier over the inner-shareable domain,
 * which contains every CPU the kernel's SQPOLL thread can run on.
 */
static inline uint32_t uring__load_acquire(const uint32_t *p)
{
	uint32_t v;
	__asm__ volatile("ldar %w0, %1" : "=r"(v) : "Q"(*p) : "memory");
	return v;
}

static inline void uring__store_release(uint32_t *p, uint32_t v)
{
	__asm__ volatile("stlr %w1, %0" : "=Q"(*p) : "r"(v) : "memory");
}

static inline void uring__store_release16(uint16_t *p, uint16_t v)
{
	__asm__ volatile("stlrh %w1, %0" : "=Q"(*p) : "r"(v) : "memory");
}

static inline void uring__smp_mb(void)
{
	__asm__ volatile("dmb ish" ::: "memory");
}

#else
/* Other architectures: the compiler's atomics with the same orderings. */
static inline uint32_t uring__load_acquire(const uint32_t *p)
{
	return __atomic_load_n(p, __ATOMIC_ACQUIRE);
}

static inline void uring__store_release(uint32_t *p, uint32_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline void uring__store_release16(uint16_t *p, uint16_t v)
{
	__atomic_store_n(p, v, __ATOMIC_RELEASE);
}

static inline void uring__smp_mb(void)
{
	__atomic_thread_fence(__ATOMIC_SEQ_CST);
}
#endif

#endif
