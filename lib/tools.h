/* SPDX-License-Identifier: ISC */
/*
 * Tools that follow jobs: AddressSanitizer and memcheck told which memory
 * each job lends to the kernel and when it comes back (lend.c), a trace
 * callback (trace.c) and USDT probes.  tools.c records what each job is,
 * in the heap's notes table, only while a tool is active.
 *
 * The op path (uring__sqe_commit), the completion path (complete_one) and
 * the submit path (sq_flush) each test t->tools once: 0 in an ordinary
 * process, so that one predictable branch is all the tools cost there.
 * The USDT probes cost a nop each; the per-job submit probe runs its loop
 * only while a tracer has set its semaphore.
 */
#ifndef CURING_LIB_TOOLS_H
#define CURING_LIB_TOOLS_H

#include <stdint.h>

#include "uring.h"

#define URING__TOOL_ASAN      1u   /* the process runs AddressSanitizer: lent memory is poisoned */
#define URING__TOOL_MEMCHECK  2u   /* under valgrind: what the kernel wrote is marked defined */
#define URING__TOOL_TRACE     4u   /* uring_set_trace gave a callback */
#define URING__TOOL_LEND      (URING__TOOL_ASAN | URING__TOOL_MEMCHECK)

struct uring__slot;
struct uring__sqe;
struct uring__cqe;

/* From uring_create: the tools present (fixed for the ring's life), and
 * the notes table when there are any.  0 or -ENOMEM. */
int  uring__tools_start(uring *t);
/* From uring_exit: gives back what is still lent (the kernel is done). */
void uring__tools_stop(uring *t);
/* Returns the job id, so that the op path can tail-call it. */
uring_job uring__tools_queue(uring *t, const struct uring__slot *slot, const struct uring__sqe *sqe);
/* SQE positions [from, to) were just published. */
void uring__tools_submit(uring *t, uint32_t from, uint32_t to);
/* Before the slot is freed; slot NULL for a message from another ring. */
void uring__tools_complete(uring *t, const struct uring__slot *slot, const struct uring__cqe *cqe);

#ifdef URING_HAVE_SDT
#define _SDT_HAS_SEMAPHORES 1
#include <sys/sdt.h>
/* Set by a tracer attached to the probe (sdt.h's semaphores). */
extern unsigned short curing_queue_semaphore, curing_submit_semaphore, curing_complete_semaphore;
/* sdt.h's macros pass empty variadic arguments, which clang's -Wpedantic
 * refuses where they are expanded: the probe sits between the pragmas. */
#define URING__USDT_QUIET_BEGIN \
	_Pragma("GCC diagnostic push") _Pragma("GCC diagnostic ignored \"-Wpedantic\"")
#define URING__USDT_QUIET_END _Pragma("GCC diagnostic pop")
#define URING__USDT_QUEUE(job, op, fd, len) do { URING__USDT_QUIET_BEGIN \
	STAP_PROBE4(curing, queue, job, op, fd, len); URING__USDT_QUIET_END } while (0)
#define URING__USDT_SUBMIT(job, op, fd, len) do { URING__USDT_QUIET_BEGIN \
	STAP_PROBE4(curing, submit, job, op, fd, len); URING__USDT_QUIET_END } while (0)
#define URING__USDT_COMPLETE(job, res, flags) do { URING__USDT_QUIET_BEGIN \
	STAP_PROBE3(curing, complete, job, res, flags); URING__USDT_QUIET_END } while (0)
#define URING__USDT_SUBMIT_ACTIVE()            (curing_submit_semaphore != 0)
#else
#define URING__USDT_QUEUE(job, op, fd, len)    ((void)0)
#define URING__USDT_SUBMIT(job, op, fd, len)   ((void)0)
#define URING__USDT_COMPLETE(job, res, flags)  ((void)0)
#define URING__USDT_SUBMIT_ACTIVE()            0
#endif

#endif
