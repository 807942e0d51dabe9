/* SPDX-License-Identifier: ISC */
/*
 * The registered buffer table: many buffers registered at once (5.1), with
 * release tags and empty slots (BUFFERS2, 5.13), sparse (5.19), updated one
 * slot at a time (BUFFERS_UPDATE, 5.13), cloned into another ring (6.12),
 * and the ops that name a buffer by its index.
 *
 * The kernel holds one table per ring, so the fixed buffer of fixed.c is
 * entry 0 of this table: uring_set_fixed_buffer registers a table of one,
 * and t->fixed_buf / fixed_len always mirror slot 0.  The library keeps its
 * own copy of every slot (t->bufs) so that an op whose range lies outside
 * the buffer it names is refused with -EINVAL, nothing queued, instead of
 * completing with -EFAULT.
 *
 * A tag comes back as a CQE whose user_data is the tag, posted when the
 * kernel drops its last reference to the buffer (after an update replaced
 * it or the table went, once the jobs using it have completed).  Tags are
 * registered with bit 63 set, like the messages of uring_msg_ring, so a
 * tag is never taken for a job: complete_one hands it out with job < 0.
 */
#include <stdlib.h>

#include "iovec.h"
#include "ring.h"

#define TAG_BIT (UINT64_C(1) << 63)

static void mirror_fixed(uring *t)
{
	t->fixed_buf = t->nbufs ? t->bufs[0].iov_base : NULL;
	t->fixed_len = t->nbufs ? t->bufs[0].iov_len : 0;
}

void uring__buffers_release(uring *t)
{
	free(t->bufs);
	t->bufs = NULL;
	t->nbufs = 0;
	mirror_fixed(t);
}

int uring__buffers_drop(uring *t)
{
	if (!t->nbufs)
		return 0;
	int ret = uring__register(t, IORING_UNREGISTER_BUFFERS, NULL, 0);
	if (ret < 0)
		return ret;
	uring__buffers_release(t);
	return 0;
}

/* The library's copy of a table of n slots: iov's entries, or all empty. */
static int table_adopt(uring *t, const struct iovec *iov, unsigned n)
{
	struct iovec *copy = calloc(n, sizeof(*copy));
	if (!copy)
		return -ENOMEM;
	if (iov)
		memcpy(copy, iov, n * sizeof(*copy));
	t->bufs = copy;
	t->nbufs = n;
	mirror_fixed(t);
	return 0;
}

/* A slot the kernel accepts: a buffer, or {NULL, 0} for an empty one. */
static int iov_slot_check(const struct iovec *v)
{
	return (!v->iov_base && v->iov_len) ? -EFAULT : 0;
}

int uring__buffers_set(uring *t, const struct iovec *iov, unsigned n)
{
	int ret = uring__register(t, IORING_REGISTER_BUFFERS, iov, n);
	if (ret < 0)
		return ret;
	ret = table_adopt(t, iov, n);
	if (ret < 0)
		uring__register(t, IORING_UNREGISTER_BUFFERS, NULL, 0);
	return ret;
}

/* BUFFERS2 with the tags (bit 63 added), or sparse: n empty slots.  A
 * kernel of 5.13 to 5.18 refuses the sparse flag (-EINVAL) but takes n
 * empty iovecs, which is the same table. */
static int register_tagged(uring *t, const struct iovec *iov, unsigned n, const uint64_t *tags)
{
	uint64_t *ktags = NULL;
	if (tags) {
		ktags = malloc(n * sizeof(*ktags));
		if (!ktags)
			return -ENOMEM;
		for (unsigned i = 0; i < n; i++)
			ktags[i] = tags[i] ? tags[i] | TAG_BIT : 0;
	}
	struct uring__rsrc_register rr = {
		.nr = n,
		.flags = iov ? 0 : IORING_RSRC_REGISTER_SPARSE,
		.data = uring__ptr(iov),
		.tags = uring__ptr(ktags),
	};
	int ret = uring__register(t, IORING_REGISTER_BUFFERS2, &rr, sizeof(rr));
	if (ret == -EINVAL && !iov) {
		struct iovec *empty = calloc(n, sizeof(*empty));
		ret = -ENOMEM;
		if (empty) {
			rr.flags = 0;
			rr.data = uring__ptr(empty);
			ret = uring__register(t, IORING_REGISTER_BUFFERS2, &rr, sizeof(rr));
			free(empty);
		}
	}
	free(ktags);
	return ret < 0 ? ret : 0;
}

static int tags_check(const uint64_t *tags, unsigned n)
{
	for (unsigned i = 0; tags && i < n; i++)
		if (tags[i] & TAG_BIT)
			return -EINVAL;
	return 0;
}

int uring_register_buffers(uring *t, const struct iovec *iov, unsigned n, const uint64_t *tags)
{
	if (!t || n == 0 || n > IORING_MAX_REG_BUFFERS || (!iov && tags))
		return -EINVAL;
	int ret = tags_check(tags, n);
	for (unsigned i = 0; ret == 0 && iov && i < n; i++)
		ret = iov_slot_check(&iov[i]);
	if (ret < 0)
		return ret;
	if (t->nbufs)
		return -EBUSY;   /* the kernel's answer too: one table per ring */
	int plain = iov && !tags;
	for (unsigned i = 0; plain && i < n; i++)
		plain = iov[i].iov_base != NULL;
	if (plain)
		return uring__buffers_set(t, iov, n);   /* 5.1: REGISTER_BUFFERS */
	if (!(t->features & IORING_FEAT_RSRC_TAGS))
		return -EOPNOTSUPP;   /* tags, empty slots and sparse need 5.13 */
	ret = register_tagged(t, iov, n, tags);
	if (ret < 0)
		return ret;
	ret = table_adopt(t, iov, n);
	if (ret < 0)
		uring__register(t, IORING_UNREGISTER_BUFFERS, NULL, 0);
	return ret;
}

int uring_register_buffers_update(uring *t, unsigned index, const struct iovec *iov, uint64_t tag)
{
	static const struct iovec empty;
	if (!t || (tag & TAG_BIT))
		return -EINVAL;
	const struct iovec *v = iov ? iov : &empty;
	int ret = iov_slot_check(v);
	if (ret < 0)
		return ret;
	if (!t->nbufs)
		return -ENXIO;
	if (index >= t->nbufs || (tag && !v->iov_base))
		return -EINVAL;
	if (!(t->features & IORING_FEAT_RSRC_TAGS))
		return -EOPNOTSUPP;
	uint64_t ktag = tag ? tag | TAG_BIT : 0;
	struct uring__rsrc_update2 up = {
		.offset = index,
		.data = uring__ptr(v),
		.tags = uring__ptr(&ktag),
		.nr = 1,
	};
	ret = uring__register(t, IORING_REGISTER_BUFFERS_UPDATE, &up, sizeof(up));
	if (ret < 0)
		return ret;
	t->bufs[index] = *v;
	mirror_fixed(t);
	return 0;
}

int uring_unregister_buffers(uring *t)
{
	if (!t)
		return -EINVAL;
	if (!t->nbufs)
		return -ENXIO;
	return uring__buffers_drop(t);
}

/*
 * IORING_REGISTER_CLONE_BUFFERS (6.12): dst gets src's table, the same
 * pinned pages, without pinning them again.  No feature bit names it; the
 * same release brought IORING_FEAT_MIN_TIMEOUT, which stands for it.
 */
int uring_clone_buffers(uring *dst, const uring *src)
{
	if (!dst || !src || dst == src)
		return -EINVAL;
	if (!src->nbufs)
		return -ENXIO;
	if (dst->nbufs)
		return -EBUSY;
	if (!(dst->features & IORING_FEAT_MIN_TIMEOUT))
		return -EOPNOTSUPP;
	struct uring__clone_buffers cb = { .src_fd = (uint32_t)src->ring_fd };
	int ret = uring__register(dst, IORING_REGISTER_CLONE_BUFFERS, &cb, 1);
	if (ret < 0)
		return ret;
	ret = table_adopt(dst, src->bufs, src->nbufs);
	if (ret < 0)
		uring__register(dst, IORING_UNREGISTER_BUFFERS, NULL, 0);
	return ret;
}

/* [p, p+len) inside slot index, or -EINVAL (also for an empty slot). */
static int slot_range_check(const uring *t, unsigned index, const void *p, size_t len)
{
	if (index >= t->nbufs || !t->bufs[index].iov_base)
		return -EINVAL;
	uintptr_t base = (uintptr_t)t->bufs[index].iov_base, a = (uintptr_t)p;
	size_t size = t->bufs[index].iov_len;
	if (a < base || a - base > size || len > size - (a - base))
		return -EINVAL;
	return 0;
}

static uring_job indexed_queue(uring *t, uint8_t opcode, int fd, unsigned index, const void *buf,
			       unsigned len, int64_t file_offset, void *data)
{
	if (!t || file_offset < -1)
		return -EINVAL;
	if (!buf)
		return -EFAULT;
	int ret = slot_range_check(t, index, buf, len);
	if (ret < 0)
		return ret;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	uring__sqe_rw(sqe, opcode, fd, buf, len, (uint64_t)file_offset);
	sqe->buf_index = (uint16_t)index;
	return uring__sqe_commit(t, sqe, data);
}

uring_job uring_read_registered(uring *t, int fd, unsigned index, void *buf, unsigned len,
				int64_t file_offset, void *data)
{
	return indexed_queue(t, IORING_OP_READ_FIXED, fd, index, buf, len, file_offset, data);
}

uring_job uring_write_registered(uring *t, int fd, unsigned index, const void *buf, unsigned len,
				 int64_t file_offset, void *data)
{
	return indexed_queue(t, IORING_OP_WRITE_FIXED, fd, index, buf, len, file_offset, data);
}

static uring_job indexed_vec_queue(uring *t, uint8_t opcode, int fd, unsigned index,
				   const struct iovec *iov, unsigned iovcnt, int64_t file_offset,
				   void *data)
{
	if (!t || file_offset < -1)
		return -EINVAL;
	int ret = uring__iov_check(iov, iovcnt);
	for (unsigned i = 0; ret == 0 && i < iovcnt; i++)
		ret = slot_range_check(t, index, iov[i].iov_base, iov[i].iov_len);
	if (ret < 0)
		return ret;
	if (!uring_op_supported(t, opcode))
		return -EOPNOTSUPP;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	const struct iovec *copy;
	ret = uring__iov_copy(t, iov, iovcnt, &copy);
	if (ret < 0)
		return ret;
	uring__sqe_rw(sqe, opcode, fd, copy, iovcnt, (uint64_t)file_offset);
	sqe->buf_index = (uint16_t)index;
	return uring__sqe_commit(t, sqe, data);
}

uring_job uring_readv_registered(uring *t, int fd, unsigned index, const struct iovec *iov,
				 unsigned iovcnt, int64_t file_offset, void *data)
{
	return indexed_vec_queue(t, IORING_OP_READV_FIXED, fd, index, iov, iovcnt, file_offset, data);
}

uring_job uring_writev_registered(uring *t, int fd, unsigned index, const struct iovec *iov,
				  unsigned iovcnt, int64_t file_offset, void *data)
{
	return indexed_vec_queue(t, IORING_OP_WRITEV_FIXED, fd, index, iov, iovcnt, file_offset, data);
}

/* IORING_OP_SEND_ZC with IORING_RECVSEND_FIXED_BUF (6.0): the pages are
 * already pinned, so the send skips pinning them per call. */
uring_job uring_send_zc_registered(uring *t, int fd, unsigned index, const void *buf, size_t len,
				   int flags, void *data)
{
	if (!t || len > INT32_MAX)
		return -EINVAL;
	if (!buf)
		return -EFAULT;
	int ret = slot_range_check(t, index, buf, len);
	if (ret < 0)
		return ret;
	if (!uring_op_supported(t, IORING_OP_SEND_ZC))
		return -EOPNOTSUPP;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	uring__sqe_rw(sqe, IORING_OP_SEND_ZC, fd, buf, (uint32_t)len, 0);
	sqe->msg_flags = (uint32_t)flags;
	sqe->ioprio = IORING_RECVSEND_FIXED_BUF;
	sqe->buf_index = (uint16_t)index;
	return uring__sqe_commit(t, sqe, data);
}
