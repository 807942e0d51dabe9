/* SPDX-License-Identifier: ISC */
/* Block discard through URING_CMD (6.12) on a loop device over a scratch
 * file: the range reads back as zeros and its blocks leave the file, the
 * rest is untouched; the device's own refusals come back as completions,
 * the library's before anything is queued. */
#include "file_helpers.h"

#include <linux/loop.h>
#include <sys/ioctl.h>

#define BACKING (1u << 20)

struct loopdev {
	char *dir;
	char backing[256];
	int file;      /* the backing file */
	int dev;       /* the loop device, read-write */
	char name[64];
};

/* A loop device over a 1 MiB file of 'x', or the test is skipped where
 * this system has no loop devices (a kernel built without the driver, or
 * a VM without its module). */
static int setup(void **state)
{
	struct loopdev *l = calloc(1, sizeof(*l));
	assert_non_null(l);
	int ctl = open("/dev/loop-control", O_RDWR | O_CLOEXEC);
	if (ctl < 0) {
		fprintf(stderr, "skip: no loop devices here (/dev/loop-control: %s)\n", strerror(errno));
		free(l);
		*state = NULL;
		return 0;
	}
	int n = ioctl(ctl, LOOP_CTL_GET_FREE);
	close(ctl);
	assert_true(n >= 0);
	snprintf(l->name, sizeof(l->name), "/dev/loop%d", n);
	l->dir = scratch_dir();
	in_dir(l->backing, sizeof(l->backing), l->dir, "backing");
	char *data = malloc(BACKING);
	assert_non_null(data);
	memset(data, 'x', BACKING);
	write_file(l->backing, data, BACKING);
	free(data);
	l->file = open(l->backing, O_RDWR | O_CLOEXEC);
	l->dev = open(l->name, O_RDWR | O_CLOEXEC);
	assert_true(l->file >= 0 && l->dev >= 0);
	assert_int_equal(ioctl(l->dev, LOOP_SET_FD, l->file), 0);
	*state = l;
	return 0;
}

static int teardown(void **state)
{
	struct loopdev *l = *state;
	if (!l)
		return 0;
	assert_int_equal(ioctl(l->dev, LOOP_CLR_FD, 0), 0);
	close(l->dev);
	close(l->file);
	rm_tree(l->dir);
	free(l);
	return 0;
}

static uring *ring_with_discard_or_skip(struct loopdev *l)
{
	if (!l)
		skip();   /* the reason was given by setup */
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_FEATURE(t, BLOCK_DISCARD, "6.12");
	return t;
}

static long blocks_of(int fd)
{
	struct stat st;
	assert_int_equal(fstat(fd, &st), 0);
	return (long)st.st_blocks;
}

static void discarded_range_reads_back_as_zeros(void **state)
{
	struct loopdev *l = *state;
	uring *t = ring_with_discard_or_skip(l);
	long before = blocks_of(l->file);
	int32_t res = complete(t, uring_discard(t, l->dev, 64 * 1024, 128 * 1024, "d"));
	if (res == -EOPNOTSUPP) {
		/* the loop driver discards by punching a hole in its file */
		fprintf(stderr, "skip: the file system under %s cannot punch holes\n", l->dir);
		uring_exit(t);
		skip();
	}
	assert_int_equal(res, 0);
	char buf[4096];
	assert_int_equal(pread(l->dev, buf, sizeof(buf), 64 * 1024), (ssize_t)sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 0);
	assert_int_equal(pread(l->dev, buf, sizeof(buf), 192 * 1024 - sizeof(buf)), (ssize_t)sizeof(buf));
	assert_int_equal(buf[sizeof(buf) - 1], 0);
	assert_int_equal(pread(l->dev, buf, sizeof(buf), 192 * 1024), (ssize_t)sizeof(buf));
	for (size_t i = 0; i < sizeof(buf); i++)
		assert_int_equal(buf[i], 'x');   /* the byte after the range */
	assert_int_equal(pread(l->dev, buf, 1, 64 * 1024 - 1), 1);
	assert_int_equal(buf[0], 'x');   /* the byte before it */
	assert_true(blocks_of(l->file) <= before - (128 * 1024) / 512);
	assert_int_equal(uring_exit(t), 0);
}

/* What only the device or the descriptor can say: completions. */
static void the_devices_refusals_are_completions(void **state)
{
	struct loopdev *l = *state;
	uring *t = ring_with_discard_or_skip(l);
	int ro = open(l->name, O_RDONLY | O_CLOEXEC);
	assert_true(ro >= 0);
	assert_int_equal(complete(t, uring_discard(t, ro, 0, 4096, NULL)), -EBADF);
	close(ro);
	/* a regular file has no block commands */
	assert_int_equal(complete(t, uring_discard(t, l->file, 0, 4096, NULL)), -EOPNOTSUPP);
	/* 512-aligned, but not to a 4096-byte logical block */
	assert_int_equal(ioctl(l->dev, LOOP_SET_BLOCK_SIZE, 4096), 0);
	assert_int_equal(complete(t, uring_discard(t, l->dev, 512, 4096, NULL)), -EINVAL);
	assert_int_equal(complete(t, uring_discard(t, l->dev, 4096, 4096, NULL)), 0);
	assert_int_equal(ioctl(l->dev, LOOP_SET_BLOCK_SIZE, 512), 0);
	assert_int_equal(uring_exit(t), 0);
}

static void bad_ranges_queue_nothing(void **state)
{
	struct loopdev *l = *state;
	uring *t = ring_with_discard_or_skip(l);
	assert_int_equal(uring_discard(NULL, l->dev, 0, 4096, NULL), -EINVAL);
	assert_int_equal(uring_discard(t, l->dev, 0, 0, NULL), -EINVAL);
	assert_int_equal(uring_discard(t, l->dev, 100, 4096, NULL), -EINVAL);
	assert_int_equal(uring_discard(t, l->dev, 0, 1000, NULL), -EINVAL);
	assert_int_equal(uring_discard(t, l->dev, (uint64_t)INT64_MAX - 511, 1024, NULL), -EINVAL);
	assert_int_equal(uring_sqe_ready(t), 0);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(complete(t, uring_noop(t, NULL)), 0);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(discarded_range_reads_back_as_zeros),
		cmocka_unit_test(the_devices_refusals_are_completions),
		cmocka_unit_test(bad_ranges_queue_nothing),
	};
	return cmocka_run_group_tests(tests, setup, teardown);
}
