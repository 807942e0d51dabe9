/* SPDX-License-Identifier: ISC */
/* The registered buffer table against the real kernel: I/O by index, the
 * fixed buffer as entry 0, sparse tables and updates, release tags (only
 * once the jobs using a buffer are done), clones into another ring,
 * vectored I/O and zero-copy send from a slot. */
#include "file_helpers.h"
#include "net_helpers.h"

#define SLOT 4096

struct bx {
	char *dir;
	int fd;            /* O_RDWR scratch file */
	uint8_t *mem;      /* 4 slots of SLOT bytes, page-aligned */
	struct iovec iov[4];
};

static int setup(void **state)
{
	struct bx *b = calloc(1, sizeof(*b));
	b->dir = scratch_dir();
	char path[PATH_MAX];
	b->fd = open(in_dir(path, sizeof(path), b->dir, "data"), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
	assert_true(b->fd >= 0);
	b->mem = aligned_alloc(4096, 4 * SLOT);
	for (int i = 0; i < 4; i++) {
		b->iov[i] = (struct iovec){ b->mem + i * SLOT, SLOT };
		memset(b->mem + i * SLOT, 'a' + i, SLOT);
	}
	*state = b;
	return 0;
}

static int teardown(void **state)
{
	struct bx *b = *state;
	close(b->fd);
	free(b->mem);
	rm_tree(b->dir);
	free(b);
	return 0;
}

/* A nop that wakes a ring whose tag is posted from a work item: before
 * 6.13 the kernel posts a replaced buffer's tag from a delayed work up to
 * a second after its last job completes. */
static char nudge;

/* The next buffer tag, waiting up to limit seconds and nudging the ring
 * with a nop each second; 0 when none came. */
static uint64_t tag_within(uring *t, int limit)
{
	uring_completion c;
	unsigned nudges = 0;
	uint64_t tag = 0;
	for (int tries = 0; tries < limit && !tag; tries++) {
		c.data = NULL;
		int got = uring_wait_timeout(t, 1000000000u, &c);
		if (got == 1 && c.data == &nudge) {
			nudges--;
			tries--;
			continue;
		}
		if (got == 1) {
			assert_true(uring_job_is_message(c.job));
			assert_null(c.data);
			assert_int_equal(c.result, 0);
			tag = uring_message_value(c.job);
			break;
		}
		assert_true(uring_noop(t, &nudge) > 0);
		nudges++;
	}
	while (nudges-- > 0)   /* a tag is not a job: leave no nudge behind */
		assert_ptr_equal(wait_one(t).data, &nudge);
	return tag;
}

static uint64_t next_tag(uring *t)
{
	uint64_t tag = tag_within(t, 10);
	assert_true(tag != 0);
	return tag;
}

static void no_completion_for(uring *t, uint64_t ns)
{
	uring_completion c;
	int got;
	while ((got = uring_wait_timeout(t, ns, &c)) == 1 && c.data == &nudge)
		;   /* a nudge from next_tag */
	assert_int_equal(got, 0);
}

static void io_by_index_and_the_fixed_buffer_is_entry_0(void **state)
{
	struct bx *b = *state;
	uring *t = ring_or_skip(8, NULL);
	assert_int_equal(uring_register_buffers(t, b->iov, 3, NULL), 0);
	size_t len = 0;
	assert_ptr_equal(uring_fixed_buffer(t, &len), b->iov[0].iov_base);
	assert_int_equal(len, SLOT);

	/* write from slot 1, read back into the middle of slot 2 */
	assert_int_equal(complete(t, uring_write_registered(t, b->fd, 1, b->mem + SLOT, SLOT, 0, NULL)), SLOT);
	uint8_t *dst = b->mem + 2 * SLOT + 100;
	assert_int_equal(complete(t, uring_read_registered(t, b->fd, 2, dst, 200, 10, NULL)), 200);
	for (int i = 0; i < 200; i++)
		assert_int_equal(dst[i], 'b');
	assert_int_equal(b->mem[2 * SLOT + 99], 'c');
	assert_int_equal(b->mem[2 * SLOT + 300], 'c');

	/* the fixed-buffer ops use entry 0 */
	assert_int_equal(complete(t, uring_read_fixed(t, b->fd, 0, 16, 0, NULL)), 16);
	assert_int_equal(b->mem[0], 'b');

	/* a range outside the slot it names, or a slot outside the table */
	assert_rejected(t, uring_read_registered(t, b->fd, 1, b->mem, 16, 0, NULL), EINVAL);
	assert_rejected(t, uring_read_registered(t, b->fd, 1, b->mem + 2 * SLOT - 8, 16, 0, NULL), EINVAL);
	assert_rejected(t, uring_read_registered(t, b->fd, 3, b->mem + 3 * SLOT, 16, 0, NULL), EINVAL);

	/* a job queued before the table went, submitted after: no buffer */
	uring_job late = uring_read_registered(t, b->fd, 1, b->mem + SLOT, 16, 0, NULL);
	assert_true(late > 0);
	assert_int_equal(uring_unregister_buffers(t), 0);
	assert_int_equal(complete(t, late), -EFAULT);
	assert_int_equal(uring_register_buffers(t, b->iov, 3, NULL), 0);

	/* one table per ring: the fixed buffer replaces it */
	assert_int_equal(uring_register_buffers(t, b->iov, 1, NULL), -EBUSY);
	assert_int_equal(uring_set_fixed_buffer(t, b->mem + 3 * SLOT, SLOT), 0);
	assert_rejected(t, uring_read_registered(t, b->fd, 1, b->mem + SLOT, 16, 0, NULL), EINVAL);
	assert_int_equal(uring_register_buffers(t, b->iov, 2, NULL), -EBUSY);
	assert_int_equal(uring_unregister_buffers(t), 0);
	assert_null(uring_fixed_buffer(t, NULL));
	assert_int_equal(uring_unregister_buffers(t), -ENXIO);
	assert_rejected(t, uring_read_fixed(t, b->fd, 0, 16, 0, NULL), EINVAL);
	assert_int_equal(uring_exit(t), 0);
}

/* A tagged or sparse table, or the test is skipped (before 5.13). */
static int tagged_or_skip(uring *t, const struct iovec *iov, unsigned n, const uint64_t *tags)
{
	int ret = uring_register_buffers(t, iov, n, tags);
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "skip: no IORING_FEAT_RSRC_TAGS (kernel before 5.13)\n");
		uring_exit(t);
		skip();
	}
	return ret;
}

static void sparse_table_and_updates(void **state)
{
	struct bx *b = *state;
	uring *t = ring_or_skip(8, NULL);
	assert_int_equal(tagged_or_skip(t, NULL, 4, NULL), 0);
	assert_null(uring_fixed_buffer(t, NULL));
	assert_rejected(t, uring_write_registered(t, b->fd, 3, b->mem + 3 * SLOT, 8, 0, NULL), EINVAL);
	assert_int_equal(uring_register_buffers_update(t, 3, &b->iov[3], 0), 0);
	assert_int_equal(complete(t, uring_write_registered(t, b->fd, 3, b->mem + 3 * SLOT, 8, 0, NULL)), 8);
	char got[8];
	assert_int_equal(pread(b->fd, got, 8, 0), 8);
	assert_memory_equal(got, "dddddddd", 8);
	/* emptied again */
	assert_int_equal(uring_register_buffers_update(t, 3, NULL, 0), 0);
	assert_rejected(t, uring_write_registered(t, b->fd, 3, b->mem + 3 * SLOT, 8, 0, NULL), EINVAL);
	assert_int_equal(uring_register_buffers_update(t, 4, &b->iov[0], 0), -EINVAL);
	/* slot 0 is the fixed buffer */
	assert_int_equal(uring_register_buffers_update(t, 0, &b->iov[2], 0), 0);
	assert_ptr_equal(uring_fixed_buffer(t, NULL), b->iov[2].iov_base);
	assert_int_equal(uring_exit(t), 0);
}

static void tags_come_back_once_the_buffer_is_released(void **state)
{
	struct bx *b = *state;
	uring *t = ring_or_skip(8, NULL);
	const uint64_t tags[2] = { 11, 22 };
	assert_int_equal(tagged_or_skip(t, b->iov, 2, tags), 0);

	/* a read from an empty pipe keeps slot 0's buffer in use */
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	uring_job rd = uring_read_registered(t, p[0], 0, b->mem, 5, -1, "rd");
	assert_true(rd > 0);
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(uring_register_buffers_update(t, 0, &b->iov[3], 33), 0);
	no_completion_for(t, 50 * 1000000u);   /* no tag while the read holds it */
	assert_int_equal(write(p[1], "hello", 5), 5);
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, rd);
	assert_int_equal(c.result, 5);
	assert_memory_equal(b->mem, "hello", 5);   /* the old buffer, as queued */
	assert_int_equal(next_tag(t), 11);   /* after the read, on every kernel */
	assert_int_equal(uring_active_ops(t), 0);   /* a tag is not a job */

	/* Buffers still in the table when it goes: 6.13's resource-node
	 * rework posts their tags; before it the kernel frees the table's
	 * tags unposted (5.10, 6.1, 6.12 in the kernel matrix). */
	assert_int_equal(uring_unregister_buffers(t), 0);
	unsigned seen = 0;   /* bit per tag: 22, 33 */
	if (kernel_at_least(6, 13)) {
		for (int k = 0; k < 2; k++) {
			uint64_t tag = next_tag(t);
			unsigned bit = tag == 22 ? 1u : tag == 33 ? 2u : 0u;
			assert_true(bit && !(seen & bit));
			seen |= bit;
		}
		assert_int_equal(seen, 3);
	} else {
		assert_int_equal(tag_within(t, 2), 0);
		fprintf(stderr, "no tags for the unregistered table (kernel before 6.13)\n");
	}
	no_completion_for(t, 10 * 1000000u);
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void clone_into_another_ring(void **state)
{
	struct bx *b = *state;
	uring *src = ring_or_skip(8, NULL), *dst = ring_or_skip(8, NULL);
	assert_int_equal(uring_clone_buffers(dst, src), -ENXIO);
	assert_int_equal(uring_register_buffers(src, b->iov, 2, NULL), 0);
	int ret = uring_clone_buffers(dst, src);
	if (ret == -EOPNOTSUPP) {
		uring_exit(src);
		uring_exit(dst);
		fprintf(stderr, "skip: no buffer cloning (kernel before 6.12)\n");
		skip();
	}
	assert_int_equal(ret, 0);
	assert_int_equal(uring_clone_buffers(dst, src), -EBUSY);
	assert_int_equal(pwrite(b->fd, "cloned!", 7, 0), 7);
	assert_int_equal(complete(dst, uring_read_registered(dst, b->fd, 1, b->mem + SLOT, 7, 0, NULL)), 7);
	assert_memory_equal(b->mem + SLOT, "cloned!", 7);
	/* the source's table is its own still */
	assert_int_equal(uring_unregister_buffers(src), 0);
	assert_int_equal(complete(dst, uring_read_fixed(dst, b->fd, 0, 7, 0, NULL)), 7);
	assert_memory_equal(b->mem, "cloned!", 7);
	assert_int_equal(uring_exit(src), 0);
	assert_int_equal(uring_exit(dst), 0);
}

static void vectored_by_index(void **state)
{
	struct bx *b = *state;
	uring *t = ring_or_skip(8, NULL);
	assert_int_equal(uring_register_buffers(t, b->iov, 4, NULL), 0);
	struct iovec w[2] = { { b->mem + 2 * SLOT, 3 }, { b->mem + 2 * SLOT + 10, 2 } };
	uring_job j = uring_writev_registered(t, b->fd, 2, w, 2, 0, NULL);
	if (j == -EOPNOTSUPP) {
		uring_exit(t);
		fprintf(stderr, "skip: no IORING_OP_WRITEV_FIXED (kernel before 6.15)\n");
		skip();
	}
	assert_int_equal(complete(t, j), 5);
	struct iovec r[2] = { { b->mem + 3 * SLOT, 1 }, { b->mem + 3 * SLOT + 100, 4 } };
	assert_int_equal(complete(t, uring_readv_registered(t, b->fd, 3, r, 2, 0, NULL)), 5);
	assert_int_equal(b->mem[3 * SLOT], 'c');
	assert_memory_equal(b->mem + 3 * SLOT + 100, "cccc", 4);
	struct iovec bad[1] = { { b->mem + SLOT, 1 } };   /* slot 1's memory, not 3's */
	assert_rejected(t, uring_readv_registered(t, b->fd, 3, bad, 1, 0, NULL), EINVAL);
	assert_int_equal(uring_exit(t), 0);
}

static void send_zero_copy_from_a_slot(void **state)
{
	struct bx *b = *state;
	uring *t = ring_or_skip(8, NULL);
	assert_int_equal(uring_register_buffers(t, b->iov, 2, NULL), 0);
	int cl, sv;
	tcp_pair(&cl, &sv);
	memcpy(b->mem + SLOT, "zero-copy", 9);
	uring_job j = uring_send_zc_registered(t, cl, 1, b->mem + SLOT, 9, 0, "zc");
	if (j == -EOPNOTSUPP) {
		uring_exit(t);
		close(cl);
		close(sv);
		fprintf(stderr, "skip: no IORING_OP_SEND_ZC (kernel before 6.0)\n");
		skip();
	}
	uring_completion c = run_one(t, j);
	assert_int_equal(c.result, 9);
	assert_true(c.flags & URING_CQE_F_MORE);
	c = wait_one(t);
	assert_int_equal(c.job, j);
	assert_true(c.flags & URING_CQE_F_NOTIF);
	char got[9];
	assert_int_equal(recv(sv, got, 9, MSG_WAITALL), 9);
	assert_memory_equal(got, "zero-copy", 9);
	assert_rejected(t, uring_send_zc_registered(t, cl, 0, b->mem + SLOT, 9, 0, NULL), EINVAL);
	close(cl);
	close(sv);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(io_by_index_and_the_fixed_buffer_is_entry_0),
		cmocka_unit_test(sparse_table_and_updates),
		cmocka_unit_test(tags_come_back_once_the_buffer_is_released),
		cmocka_unit_test(clone_into_another_ring),
		cmocka_unit_test(vectored_by_index),
		cmocka_unit_test(send_zero_copy_from_a_slot),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
