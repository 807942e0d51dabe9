/* SPDX-License-Identifier: ISC */
/* What a live job's completions carry: the data pointer, kept in the heap. */
#include "ring.h"

/* The kernel never sees data (user_data is the job id), so it can change
 * at any time; completions collected afterwards carry the new value. */
int uring_job_set_data(uring *t, uring_job job, void *data)
{
	if (!t)
		return -EINVAL;
	struct uring__slot *slot = uring__heap_lookup(&t->heap, job);
	if (!slot)
		return -ENOENT;
	slot->data = data;
	return 0;
}
