/* SPDX-License-Identifier: ISC */
/*
 * Memory lent to the kernel, told to the tools that check memory: poisoned
 * for AddressSanitizer from the op call until the job's final completion is
 * collected, and marked defined for memcheck where the kernel wrote it.
 */
#ifndef CURING_LIB_LEND_H
#define CURING_LIB_LEND_H

#include <stddef.h>
#include <stdint.h>

#include "ring.h"

struct uring__lent;
struct uring_buf_ring;

/* URING__TOOL_ASAN / URING__TOOL_MEMCHECK as present in this process. */
uint32_t uring__lend_tools(void);
/* What the job of sqe lends, poisoned; NULL when nothing (or no memory:
 * the job then goes unchecked, never falsely reported). */
struct uring__lent *uring__lend_queue(uring *t, const struct uring__sqe *sqe);
/* The job's final completion (res) was collected: unpoisons, marks what
 * the kernel wrote as defined, frees l.  A lent buffer freed meanwhile is
 * reported as the use-after-free the kernel made of it. */
void uring__lend_release(uring *t, struct uring__lent *l, int32_t res);

/* Provided buffers [first, first + n) of br went to the kernel (poison: 1)
 * or came back to the library (0). */
void uring__lend_buffers(const struct uring_buf_ring *br, unsigned first, unsigned n, int poison);
/* A completion handed the caller len bytes of buffer bid from offset off. */
void uring__lend_buffer_out(const struct uring_buf_ring *br, unsigned bid, size_t off, size_t len);

#endif
