/* SPDX-License-Identifier: ISC */
/* uring_stats as one line for logs, OCaml's Uring.Stats.pp. */
#include <stdio.h>

#include "ring.h"

/* The fields printed below.  A field added to uring_stats changes its
 * size (unless it fits the tail padding), failing this check until the
 * line is updated with it. */
struct stats_printed {
	unsigned sqe_ready, active_ops;
	size_t sketch_buffer_size, sketch_used;
	unsigned sketch_old_buffers;
};
_Static_assert(sizeof(uring_stats) == sizeof(struct stats_printed),
	       "uring_stats changed: print the new field in uring_stats_format");

int uring_stats_format(char *buf, size_t size, const uring_stats *s)
{
	if (!s || (!buf && size > 0))
		return -EINVAL;
	int n = snprintf(buf, size,
			 "sqe_ready=%u active_ops=%u sketch_used=%zu sketch_buffer_size=%zu "
			 "sketch_old_buffers=%u",
			 s->sqe_ready, s->active_ops, s->sketch_used, s->sketch_buffer_size,
			 s->sketch_old_buffers);
	return n < 0 ? -EINVAL : n;
}
