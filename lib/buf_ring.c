/* SPDX-License-Identifier: ISC */
/*
 * Provided-buffer rings (IORING_REGISTER_PBUF_RING, 5.19): an array of
 * struct io_uring_buf that we fill and the kernel consumes, one buffer per
 * receive.  We own the tail (a 16-bit word overlaying entry 0's resv); the
 * kernel keeps the head privately.  Unlike liburing's setup_buf_ring, the
 * buffers themselves are allocated here too, and every one is handed to
 * the kernel at creation, so a ring is usable as soon as it exists.
 */
#include <assert.h>
#include <stdlib.h>
#include <sys/mman.h>
#include <unistd.h>

#include "buf_ring.h"
#include "lend.h"

#define BUF_RING_MAX_ENTRIES 32768u       /* what a 16-bit tail can tell apart */
#define BUF_RING_MAX_BYTES   ((size_t)1 << 30)

static uint16_t *tail_word(struct uring_buf_ring *br)
{
	return (uint16_t *)((uint8_t *)br->ring + URING__BUF_RING_TAIL_OFFSET);
}

/*
 * Fills the entry at our tail with buffer bid, whole again (an incremental
 * ring's kernel moved addr and len along as it consumed it).  Only addr,
 * len and bid are written: entry 0's resv is the tail itself.
 */
static void fill_len(struct uring_buf_ring *br, unsigned bid, uint32_t len)
{
	struct uring__buf *b = &br->ring[br->tail & (br->nbufs - 1)];
	b->addr = uring__ptr(br->bufs + (size_t)bid * br->buf_size);
	b->len = len;
	b->bid = (uint16_t)bid;
	br->st[bid] = (struct uring__buf_state){ .len = len, .pos = br->tail };
	br->tail++;
}

static void fill(struct uring_buf_ring *br, unsigned bid)
{
	fill_len(br, bid, (uint32_t)br->buf_size);
}

/*
 * The release store pairs with the smp_load_acquire of the tail in the
 * kernel's io_ring_buffer_select (io_uring/kbuf.c): once it sees the new
 * tail, it sees the entries' fields (liburing #1039 was this store made
 * plain).
 */
static void publish(struct uring_buf_ring *br)
{
	uring__store_release16(tail_word(br), br->tail);
}

static int create_check(unsigned group_id, unsigned nbufs, size_t buf_size)
{
	if (group_id > UINT16_MAX)
		return -EINVAL;
	if (nbufs == 0 || nbufs > BUF_RING_MAX_ENTRIES || (nbufs & (nbufs - 1)))
		return -EINVAL;
	if (buf_size == 0 || buf_size > BUF_RING_MAX_BYTES / nbufs)
		return -EINVAL;
	return 0;
}

static void *map_anon(size_t len)
{
	void *p = mmap(NULL, len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	return p == MAP_FAILED ? NULL : p;
}

static void br_free(struct uring_buf_ring *br, int ring_mapped)
{
	/* Poisoned shadow would outlive the mapping and stain the next one. */
	if (br->bufs)
		uring__lend_buffers(br, 0, br->nbufs, 0);
	if (br->ring && ring_mapped)
		munmap(br->ring, br->ring_bytes);
	if (br->bufs)
		munmap(br->bufs, br->bufs_bytes);
	uring__hold_clear(&br->jobs);
	free(br->st);
	free(br->lent);
	free(br);
}

/* The ring's memory must be page-aligned (the kernel pins it and checks),
 * and the buffers get their own mapping so a large pool is not malloc's. */
static int br_map(struct uring_buf_ring *br)
{
	size_t page = (size_t)sysconf(_SC_PAGESIZE);
	br->ring_bytes = ((size_t)br->nbufs * sizeof(struct uring__buf) + page - 1) & ~(page - 1);
	br->bufs_bytes = (size_t)br->nbufs * br->buf_size;
	br->ring = map_anon(br->ring_bytes);
	br->bufs = map_anon(br->bufs_bytes);
	br->lent = calloc((br->nbufs + 63) / 64, sizeof(*br->lent));
	br->st = calloc(br->nbufs, sizeof(*br->st));
	if (!br->ring || !br->bufs || !br->lent || !br->st)
		return -ENOMEM;
	/* The kernel keeps the ring pages pinned: a forked child writing to
	 * its copy-on-write view must not be able to split them from us. */
	madvise(br->ring, br->ring_bytes, MADV_DONTFORK);
	return 0;
}

static int br_register(uring *t, struct uring_buf_ring *br)
{
	struct uring__buf_reg reg = {
		.ring_addr = uring__ptr(br->ring),
		.ring_entries = br->nbufs,
		.bgid = br->group,
		.flags = br->inc ? IOU_PBUF_RING_INC : 0,
	};
	int ret = uring__register(t, IORING_REGISTER_PBUF_RING, &reg, 1);
	return ret < 0 ? ret : 0;
}

uring_buf_ring *uring_buf_ring_create(uring *t, unsigned group_id, unsigned nbufs, size_t buf_size)
{
	return uring_buf_ring_create2(t, group_id, nbufs, buf_size, 0);
}

uring_buf_ring *uring_buf_ring_create2(uring *t, unsigned group_id, unsigned nbufs,
				       size_t buf_size, unsigned flags)
{
	int ret = t ? create_check(group_id, nbufs, buf_size) : -EINVAL;
	/* A send ring's buffers are consumed whole: no pieces to follow. */
	unsigned both = URING_BUF_RING_INC | URING_BUF_RING_SEND;
	if ((flags & ~both) || (flags & both) == both)
		ret = -EINVAL;
	if (ret == 0 && !uring__has(t, URING_FEATURE_BUF_RING))
		ret = -EOPNOTSUPP;
	/* Before 6.12 the kernel answers the flag with EINVAL, which would
	 * read as a bad argument. */
	if (ret == 0 && (flags & URING_BUF_RING_INC) && !uring__has(t, URING_FEATURE_BUF_RING_INC))
		ret = -EOPNOTSUPP;
	if (ret < 0) {
		errno = -ret;
		return NULL;
	}
	struct uring_buf_ring *br = calloc(1, sizeof(*br));
	if (!br) {
		errno = ENOMEM;
		return NULL;
	}
	br->ring_owner = t;
	br->nbufs = nbufs;
	br->buf_size = buf_size;
	br->group = (uint16_t)group_id;
	br->inc = flags & URING_BUF_RING_INC;
	br->send = flags & URING_BUF_RING_SEND;
	ret = br_map(br);
	if (ret == 0)
		ret = br_register(t, br);
	if (ret < 0) {
		br_free(br, 1);
		errno = -ret;
		return NULL;
	}
	if (br->send) {
		/* Empty until the caller fills and pushes them: all the caller's. */
		for (unsigned bid = 0; bid < nbufs; bid++)
			br->lent[bid / 64] |= 1ull << (bid % 64);
	} else {
		for (unsigned bid = 0; bid < nbufs; bid++)
			fill(br, bid);
		publish(br);
		uring__lend_buffers(br, 0, nbufs, 1);
	}
	br->next = t->buf_rings;
	t->buf_rings = br;
	return br;
}

void *uring_buf_ring_buffer(const uring_buf_ring *br, unsigned bid, size_t *size)
{
	if (!br || bid >= br->nbufs)
		return NULL;
	if (size)
		*size = br->buf_size;
	return br->bufs + (size_t)bid * br->buf_size;
}

static uint64_t lent_bit(unsigned bid)
{
	return 1ull << (bid % 64);
}

static void set_lent(struct uring_buf_ring *br, unsigned bid)
{
	br->lent[bid / 64] |= lent_bit(bid);
}

int uring__buf_ring_is_lent(const uring_buf_ring *br, unsigned bid)
{
	return (br->lent[bid / 64] & lent_bit(bid)) != 0;
}

static struct uring_buf_ring *find_group(uring *t, uint16_t group)
{
	struct uring_buf_ring *br = t->buf_rings;
	while (br && br->group != group)
		br = br->next;
	return br;
}

/*
 * Follows the kernel's consumption: a buffer is filled from where the
 * previous completion of it ended (got) up to its end, then the bundle goes
 * on into the next ring entry.  Non-incremental buffers start at 0 each
 * time, so this fills one buffer per completion, or whole buffers then a
 * partial one for a bundle.  The buffer the last bytes went to stays the
 * kernel's when an incremental ring says BUF_MORE (io_kbuf_inc_commit left
 * it at the head); every other one is the caller's until recycled.
 */
/*
 * A send bundle that failed (-EPIPE, -ECONNRESET) after selecting its
 * buffers: the CQE names the first one and carries the error, not a count,
 * yet the kernel moved its head over every buffer it selected (seen on
 * 6.18: three pushed, all three gone).  Its head says how many: ask it
 * (IORING_REGISTER_PBUF_STATUS, 6.8, older than send bundles) and give the
 * caller each buffer up to it.  A send ring feeds one stream, so no later
 * send has moved the head meanwhile.  If the kernel refuses the query (a
 * restricted ring), only the named buffer comes back.
 */
static void send_failed(uring *t, struct uring_buf_ring *br, unsigned bid)
{
	struct uring__buf_status status = { .buf_group = br->group };
	uint16_t pos = br->st[bid].pos;
	unsigned n = 1;
	if (uring__register(t, IORING_REGISTER_PBUF_STATUS, &status, 1) == 0)
		n = (uint16_t)((uint16_t)status.head - pos);
	/* n == 0: the head did not move, the kernel still holds them all.  A
	 * head behind the named buffer or past our tail would be a kernel we
	 * do not know; trust the CQE's one buffer then. */
	if (n > (uint16_t)(br->tail - pos))
		n = 1;
	br->st[bid].failed = (uint16_t)(n + 1);
	for (unsigned i = 0; i < n; i++) {
		unsigned b = br->ring[(uint16_t)(pos + i) & (br->nbufs - 1)].bid;
		assert(b < br->nbufs);
		br->st[b].next = br->ring[(uint16_t)(pos + i + 1) & (br->nbufs - 1)].bid;
		if (__builtin_expect(t->tools != 0, 0))
			uring__lend_buffer_out(br, b, 0, br->st[b].len);
		set_lent(br, b);
	}
}

void uring__buf_ring_lend(uring *t, uint16_t group, unsigned bid, int32_t res, uint32_t cqe_flags)
{
	struct uring_buf_ring *br = find_group(t, group);
	if (!br)
		return;
	/* The kernel hands out only ids we published. */
	assert(bid < br->nbufs);
	/* Nothing consumed: an incremental buffer stays at the kernel's head. */
	if (br->inc && res <= 0)
		return;
	if (br->send && res < 0) {
		send_failed(t, br, bid);
		return;
	}
	size_t left = res > 0 ? (size_t)res : 0;
	for (;;) {
		struct uring__buf_state *s = &br->st[bid];
		size_t take = left < s->len - s->got ? left : s->len - s->got;
		if (__builtin_expect(t->tools != 0, 0))
			uring__lend_buffer_out(br, bid, s->got, take);
		s->got += (uint32_t)take;
		left -= take;
		if (left == 0) {
			if (!(br->inc && (cqe_flags & IORING_CQE_F_BUF_MORE)))
				set_lent(br, bid);
			return;
		}
		set_lent(br, bid);
		/* Not yet recycled, so its ring entry and the next are intact:
		 * the tail is less than a ring away. */
		unsigned next = br->ring[(uint16_t)(s->pos + 1) & (br->nbufs - 1)].bid;
		assert(next < br->nbufs && (uint16_t)(br->tail - s->pos) > 1);
		s->next = (uint16_t)next;
		bid = next;
	}
}

static void give_back(struct uring_buf_ring *br, unsigned bid)
{
	br->lent[bid / 64] &= ~lent_bit(bid);
	uring__lend_buffers(br, bid, 1, 1);
	fill(br, bid);
}

/*
 * Only an id a completion handed out and not yet returned: publishing an id
 * twice would put the same memory in the ring twice, and two receives would
 * then write into one buffer (the kernel cannot tell: its head is private
 * before 6.8).  An incremental buffer the kernel still fills is not lent.
 */
int uring_buf_ring_recycle(uring_buf_ring *br, unsigned bid)
{
	if (!br || bid >= br->nbufs || br->send)
		return -EINVAL;
	if (!uring__buf_ring_is_lent(br, bid))
		return br->inc && br->st[bid].got > 0 ? -EBUSY : -EINVAL;
	give_back(br, bid);
	publish(br);
	return 0;
}

/* Clears the lent bits of the done pieces, so that a buffer named twice
 * fails the second time; on failure, sets back those it cleared. */
static int take_lent(uring_buf_ring *br, const uring_buf_piece *pieces, unsigned n)
{
	for (unsigned i = 0; i < n; i++) {
		unsigned bid = pieces[i].bid;
		if (!pieces[i].done)
			continue;
		if (bid >= br->nbufs || !uring__buf_ring_is_lent(br, bid)) {
			while (i-- > 0)
				if (pieces[i].done)
					set_lent(br, pieces[i].bid);
			return -EINVAL;
		}
		br->lent[bid / 64] &= ~lent_bit(bid);
	}
	return 0;
}

int uring_buf_ring_recycle_pieces(uring_buf_ring *br, const uring_buf_piece *pieces, unsigned n)
{
	if (!br || (!pieces && n) || br->send)
		return -EINVAL;
	int ret = take_lent(br, pieces, n);
	if (ret < 0)
		return ret;
	for (unsigned i = 0; i < n; i++) {
		if (pieces[i].done) {
			set_lent(br, pieces[i].bid);
			give_back(br, pieces[i].bid);
		}
	}
	publish(br);
	return 0;
}

/* The send ring's recycle: the caller wrote len bytes into bid. */
int uring_buf_ring_push(uring_buf_ring *br, unsigned bid, size_t len)
{
	if (!br || !br->send || bid >= br->nbufs || len == 0 || len > br->buf_size ||
	    !uring__buf_ring_is_lent(br, bid))
		return -EINVAL;
	br->lent[bid / 64] &= ~lent_bit(bid);
	uring__lend_buffers(br, bid, 1, 1);
	fill_len(br, bid, (uint32_t)len);
	publish(br);
	return 0;
}

static void unlink_br(uring *t, struct uring_buf_ring *br)
{
	for (struct uring_buf_ring **p = &t->buf_rings; *p; p = &(*p)->next) {
		if (*p == br) {
			*p = br->next;
			return;
		}
	}
}

/*
 * Refused while a multishot recv that selects from br is live: the kernel
 * copies received data into a buffer it has selected, possibly from an
 * io-wq worker, and freed buffers would take that write.
 */
int uring_buf_ring_destroy(uring *t, uring_buf_ring *br)
{
	if (!t || !br || br->ring_owner != t)
		return -EINVAL;
	if (uring__hold_prune(t, &br->jobs) > 0)
		return -EBUSY;
	struct uring__buf_reg reg = { .bgid = br->group };
	int ret = uring__register(t, IORING_UNREGISTER_PBUF_RING, &reg, 1);
	if (ret < 0)
		return ret;
	unlink_br(t, br);
	br_free(br, 1);
	return 0;
}

/* From uring_exit, with no job active: the ring's fd is still open, so
 * each is unregistered before its memory goes. */
void uring__buf_rings_release(uring *t, int parent_ring)
{
	while (t->buf_rings) {
		struct uring_buf_ring *br = t->buf_rings;
		struct uring__buf_reg reg = { .bgid = br->group };
		if (parent_ring)
			uring__register(t, IORING_UNREGISTER_PBUF_RING, &reg, 1);
		t->buf_rings = br->next;
		br_free(br, parent_ring);
	}
}

static int reserve(uring *t, uring_buf_ring *br, unsigned send)
{
	if (!br || br->ring_owner != t || br->send != send)
		return -EINVAL;
	return uring__hold_reserve(t, &br->jobs);
}

/* A receive into a send ring would overwrite the data pushed to it. */
int uring__buf_ring_reserve(uring *t, uring_buf_ring *br)
{
	return reserve(t, br, 0);
}

int uring__buf_ring_reserve_send(uring *t, uring_buf_ring *br)
{
	return reserve(t, br, URING_BUF_RING_SEND);
}

uring_job uring__buf_ring_commit(uring *t, uring_buf_ring *br, struct uring__sqe *sqe, void *data)
{
	sqe->flags = IOSQE_BUFFER_SELECT;
	sqe->buf_group = br->group;
	uring_job job = uring__sqe_commit(t, sqe, data);
	if (job > 0)
		uring__hold_push(&br->jobs, job, NULL);
	return job;
}
