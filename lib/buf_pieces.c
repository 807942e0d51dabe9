/* SPDX-License-Identifier: ISC */
/*
 * The bytes of a completion that selected from a buffer ring.  The CQE
 * names only the first buffer and the byte count; where the bytes start
 * and which buffers follow are what buf_ring.c recorded when it was
 * collected (struct uring__buf_state).  Each buffer is read in order: a
 * piece starts where the caller's previous piece of that buffer ended
 * (taken), and must lie within what completions delivered (got).
 */
#include "buf_ring.h"

/* One walk over c's pieces; with out, fills them and advances taken. */
static int walk(uring_buf_ring *br, const uring_completion *c, uring_buf_piece *out)
{
	unsigned bid = (unsigned)uring_completion_buffer_id(c);
	size_t left = (size_t)c->result;
	int n = 0;
	do {
		struct uring__buf_state *s = &br->st[bid];
		size_t room = s->len - s->taken;
		size_t len = left < room ? left : room;
		/* Not delivered, or already taken (a bundle goes on only from
		 * a buffer it filled to the end). */
		if (s->taken + len > s->got || (len == 0 && left > 0))
			return -EINVAL;
		left -= len;
		if (out) {
			out[n] = (uring_buf_piece){
				.ptr = br->bufs + (size_t)bid * br->buf_size + s->taken,
				.len = len,
				.bid = bid,
				.done = uring__buf_ring_is_lent(br, bid) && s->taken + len == s->got,
			};
			s->taken += (uint32_t)len;
		}
		n++;
		bid = s->next;
	} while (left > 0);
	return n;
}

/* A failed send's buffers, each an empty piece: the caller's to push again. */
static int walk_failed(uring_buf_ring *br, unsigned bid, uring_buf_piece *out, unsigned max)
{
	if (br->st[bid].failed == 0)
		return -EINVAL;   /* walked already */
	unsigned n = br->st[bid].failed - 1u;   /* 0: the kernel kept them all */
	if (n > max)
		return -ENOSPC;
	br->st[bid].failed = 0;
	for (unsigned i = 0; i < n; i++) {
		out[i] = (uring_buf_piece){ .ptr = br->bufs + (size_t)bid * br->buf_size, .bid = bid,
					    .done = 1 };
		bid = br->st[bid].next;
	}
	return (int)n;
}

int uring_buf_ring_pieces(uring_buf_ring *br, const uring_completion *c, uring_buf_piece *out,
			  unsigned max)
{
	if (!br || !c || !out)
		return -EINVAL;
	int bid = uring_completion_buffer_id(c);
	if (bid < 0 || (unsigned)bid >= br->nbufs)
		return -EINVAL;
	if (c->result < 0)
		return br->send ? walk_failed(br, (unsigned)bid, out, max) : -EINVAL;
	/* Checked whole before anything is taken, so a refusal changes nothing. */
	int n = walk(br, c, NULL);
	if (n < 0)
		return n;
	if ((unsigned)n > max)
		return -ENOSPC;
	return walk(br, c, out);
}

int uring_buf_ring_data(uring_buf_ring *br, const uring_completion *c, void **ptr)
{
	if (!ptr)
		return -EINVAL;
	uring_buf_piece p;
	int n = uring_buf_ring_pieces(br, c, &p, 1);
	if (n == -ENOSPC)
		return -E2BIG;
	if (n < 0)
		return n;
	*ptr = p.ptr;
	return (int)p.len;
}
