/* SPDX-License-Identifier: ISC */
/*
 * Graceful teardown: cancel every job, collect every completion (handing
 * each to the caller, who may own the job's data), then uring_exit.  Built
 * on the synchronous cancel (6.0) where the kernel has it: it is not an
 * SQE, so a drained job cannot hold it back.  Before 6.0 each live job is
 * cancelled by its id (IORING_OP_ASYNC_CANCEL, 5.5), and those cancel
 * jobs' own completions are the library's, never delivered.
 */
#include <stdlib.h>
#include <time.h>

#include "ring.h"

#define COLLECT_BATCH 32
#define SLICE_NS (100 * 1000000ull)   /* re-cancel at least this often */

static char internal_cancel;   /* data of the per-id cancel jobs queued here */

static uint64_t monotonic_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

/* Before 6.0: a cancel by id for every live job that is not itself one of
 * ours, unless cancels of ours are still out: a drained job can hold them
 * back for good, and one round of them at a time bounds what piles up.
 * The ids are taken first, as each cancel may grow (and so rehash) the
 * heap.  A full SQ is submitted and the walk goes on. */
static int cancel_each(uring *t)
{
	uint32_t live = 0;
	for (uint32_t i = 0; i < t->heap.cap; i++) {
		const struct uring__slot *s = &t->heap.slots[i];
		if (s->id != 0 && s->data == &internal_cancel)
			return 0;
		live += s->id != 0;
	}
	uring_job *ids = malloc((live ? live : 1) * sizeof(*ids));
	if (!ids)
		return -ENOMEM;
	uint32_t n = 0;
	for (uint32_t i = 0; i < t->heap.cap && n < live; i++)
		if (t->heap.slots[i].id != 0)
			ids[n++] = (uring_job)t->heap.slots[i].id;
	int ret = 0;
	for (uint32_t k = 0; k < n && ret == 0; k++) {
		uring_job j = uring_cancel(t, ids[k], &internal_cancel);
		if (j == 0 && (ret = uring_submit(t)) >= 0)
			j = uring_cancel(t, ids[k], &internal_cancel);
		if (ret >= 0)
			ret = j < 0 && j != -ENOENT ? (int)j : 0;
	}
	free(ids);
	if (ret < 0)
		return ret;
	ret = uring_submit(t);
	return ret < 0 ? ret : 0;
}

static int cancel_round(uring *t)
{
	if (!uring_op_supported(t, URING_OP_SEND_ZC))   /* no sync cancel: 6.0 */
		return cancel_each(t);
	int ret = uring__sync_cancel(t, 0, IORING_ASYNC_CANCEL_ANY | IORING_ASYNC_CANCEL_ALL, -1, 0,
				     URING_WAIT_FOREVER);
	return ret < 0 && ret != -ENOENT ? ret : 0;
}

/* Collects for at most slice_ns; before 5.11 (no timed wait) it polls. */
static int collect(uring *t, uint64_t slice_ns, void (*each)(const uring_completion *, void *),
		   void *arg)
{
	uring_completion c[COLLECT_BATCH];
	int n = uring_wait_many(t, c, COLLECT_BATCH, 1, slice_ns);
	if (n == -EOPNOTSUPP) {
		struct timespec pause = { .tv_nsec = 1000000 };
		n = uring_reap(t, c, COLLECT_BATCH);
		if (n == 0)
			nanosleep(&pause, NULL);
	}
	for (int i = 0; i < n; i++)
		if (each && c[i].data != &internal_cancel)
			each(&c[i], arg);
	return n < 0 ? n : 0;
}

int uring_exit_graceful(uring *t, uint64_t timeout_ns,
			void (*each)(const uring_completion *c, void *arg), void *arg)
{
	if (!t)
		return -EINVAL;
	if (!uring__in_creator(t))
		return uring_exit(t);   /* the jobs are the parent's */
	uint64_t start = monotonic_ns();
	int ret = uring_submit(t);   /* queued jobs are cancelled like the rest */
	if (ret < 0)
		return ret;
	/* After lost completions (-EBADR) some jobs never complete:
	 * uring_exit cancels and releases them. */
	while (t->heap.in_use > 0 && !t->cq_dropped) {
		uint64_t spent = monotonic_ns() - start;
		if (spent >= timeout_ns)
			return -ETIME;
		if ((ret = cancel_round(t)) < 0)
			return ret;
		uint64_t left = timeout_ns - spent;
		if ((ret = collect(t, left < SLICE_NS ? left : SLICE_NS, each, arg)) < 0 &&
		    ret != -EBADR)
			return ret;
	}
	return uring_exit(t);
}
