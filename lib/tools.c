/* SPDX-License-Identifier: ISC */
/*
 * What each job is, for the tools (tools.h): a note per job in the heap's
 * notes table, written when the job is queued, read at its completions.
 */
#include "lend.h"
#include "ring.h"
#include "tools.h"

#ifdef URING_HAVE_SDT
/* sdt.h's semaphores: a tracer attached to a probe increments its own. */
#define SEMAPHORE __attribute__((section(".probes"), used))
unsigned short curing_queue_semaphore SEMAPHORE;
unsigned short curing_submit_semaphore SEMAPHORE;
unsigned short curing_complete_semaphore SEMAPHORE;
#endif

static struct uring__note *note_of(uring *t, const struct uring__slot *slot)
{
	return &t->heap.notes[slot - t->heap.slots];
}

int uring__tools_start(uring *t)
{
	t->tools = uring__lend_tools();
	return t->tools ? uring__heap_notes(&t->heap) : 0;
}

void uring__tools_stop(uring *t)
{
	if (!(t->tools & URING__TOOL_LEND))
		return;
	for (uint32_t i = 0; i < t->heap.cap; i++) {
		struct uring__note *n = &t->heap.notes[i];
		if (t->heap.slots[i].id != 0 && n->lent)
			uring__lend_release(t, n->lent, -ECANCELED);
		n->lent = NULL;
	}
}

static void trace(uring *t, uring_trace_point point, int op, uring_job job, int fd, uint32_t len)
{
	uring_trace_event ev = { .point = point, .op = op, .job = job, .fd = fd, .len = len };
	t->trace_fn(t->trace_ctx, &ev);
}

uring_job uring__tools_queue(uring *t, const struct uring__slot *slot, const struct uring__sqe *sqe)
{
	struct uring__note *n = note_of(t, slot);
	*n = (struct uring__note){
		.job = slot->id, .fd = sqe->fd, .len = sqe->len, .op = sqe->opcode,
	};
	if (t->tools & URING__TOOL_LEND)
		n->lent = uring__lend_queue(t, sqe);
	if (t->tools & URING__TOOL_TRACE)
		trace(t, URING_TRACE_QUEUE, sqe->opcode, (uring_job)slot->id, sqe->fd, sqe->len);
	return (uring_job)slot->id;
}

void uring__tools_submit(uring *t, uint32_t from, uint32_t to)
{
	/* A 128-byte op takes two slots; a padding NOP is no job. */
	for (uint32_t pos = from; pos != to;) {
		const struct uring__sqe *sqe = uring__sqe_at(t, pos);
		pos += uring__sqe_slots(t, sqe);
		if (sqe->user_data == URING__PAD_DATA)
			continue;
		URING__USDT_SUBMIT(sqe->user_data, sqe->opcode, sqe->fd, sqe->len);
		if (t->tools & URING__TOOL_TRACE)
			trace(t, URING_TRACE_SUBMIT, sqe->opcode, (uring_job)sqe->user_data, sqe->fd,
			      sqe->len);
	}
}

void uring__tools_complete(uring *t, const struct uring__slot *slot, const struct uring__cqe *cqe)
{
	uring_trace_event ev = {
		.point = URING_TRACE_COMPLETE, .op = -1, .job = (uring_job)cqe->user_data, .fd = -1,
		.result = cqe->res, .flags = cqe->flags,
	};
	if (slot) {
		struct uring__note *n = note_of(t, slot);
		if (n->job == slot->id) {
			ev.op = n->op;
			ev.fd = n->fd;
			ev.len = n->len;
		}
		/* The final completion: the kernel is done with the memory. */
		if ((t->tools & URING__TOOL_LEND) && !(cqe->flags & IORING_CQE_F_MORE) && n->lent) {
			uring__lend_release(t, n->lent, cqe->res);
			n->lent = NULL;
		}
	}
	if (t->tools & URING__TOOL_TRACE)
		t->trace_fn(t->trace_ctx, &ev);
}
