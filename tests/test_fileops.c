/* SPDX-License-Identifier: ISC */
/* The remaining file ops against the real kernel: sync_file_range,
 * fadvise, madvise, splice with offsets and flags, tee, the pipe op and
 * extended attributes. */
#include "file_helpers.h"

#include <fcntl.h>
#include <limits.h>
#include <sys/mman.h>
#include <sys/xattr.h>

struct fx {
	char *dir;
	char path[PATH_MAX];
	int fd;                 /* O_RDWR on path, holding "0123456789" */
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	f->dir = scratch_dir();
	in_dir(f->path, sizeof(f->path), f->dir, "data");
	write_file(f->path, "0123456789", 10);
	f->fd = open(f->path, O_RDWR | O_CLOEXEC);
	assert_true(f->fd >= 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	close(f->fd);
	rm_tree(f->dir);
	free(f);
	return 0;
}

static void sync_file_range_and_advice(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	assert_int_equal(complete(t, uring_sync_file_range(t, f->fd, 0, 10, SYNC_FILE_RANGE_WRITE, NULL)), 0);
	assert_int_equal(complete(t, uring_sync_file_range(t, f->fd, 0, 0, 1u << 8, NULL)), -EINVAL);
	assert_int_equal(complete(t, uring_sync_file_range(t, -1, 0, 0, 0, NULL)), -EBADF);

	assert_int_equal(complete(t, uring_fadvise(t, f->fd, 0, 0, POSIX_FADV_SEQUENTIAL, NULL)), 0);
	assert_int_equal(complete(t, uring_fadvise(t, f->fd, 0, 10, POSIX_FADV_DONTNEED, NULL)), 0);
	assert_int_equal(complete(t, uring_fadvise(t, f->fd, 0, 10, 99, NULL)), -EINVAL);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(complete(t, uring_fadvise(t, p[0], 0, 0, POSIX_FADV_NORMAL, NULL)), -ESPIPE);
	/* A length over 32 bits, in the 64-bit field (6.11). */
	int32_t r = complete(t, uring_fadvise(t, f->fd, 0, 1ull << 33, POSIX_FADV_WILLNEED, NULL));
	assert_true(r == 0 || r == -EINVAL);
	if (r == -EINVAL)
		fprintf(stderr, "note: fadvise lengths over 4 GiB need Linux 6.11\n");
	assert_rejected(t, uring_fadvise(t, f->fd, INT64_MAX, 2, POSIX_FADV_NORMAL, NULL), EINVAL);
	assert_rejected(t, uring_sync_file_range(t, f->fd, UINT64_MAX, 1, 0, NULL), EINVAL);

	/* madvise: DONTNEED on a private anonymous page zeroes it. */
	size_t pg = (size_t)sysconf(_SC_PAGESIZE);
	char *m = mmap(NULL, pg, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	assert_true(m != MAP_FAILED);
	m[0] = 'x';
	r = complete(t, uring_madvise(t, m, pg, MADV_DONTNEED, NULL));
	if (r == -EOPNOTSUPP) {
		fprintf(stderr, "note: this kernel has no madvise (CONFIG_ADVISE_SYSCALLS)\n");
	} else {
		assert_int_equal(r, 0);
		assert_int_equal(m[0], 0);
		assert_int_equal(complete(t, uring_madvise(t, m + 1, pg, MADV_NORMAL, NULL)), -EINVAL);
	}
	munmap(m, pg);
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void splice_with_offsets_and_tee(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	int a[2], b[2];
	assert_int_equal(pipe2(a, O_CLOEXEC), 0);
	assert_int_equal(pipe2(b, O_CLOEXEC), 0);
	/* File at offset 3 into the pipe; the file position stays 0. */
	assert_int_equal(complete(t, uring_splice2(t, f->fd, 3, a[1], -1, 4, SPLICE_F_MOVE, NULL)), 4);
	assert_int_equal(lseek(f->fd, 0, SEEK_CUR), 0);
	/* tee duplicates without consuming. */
	assert_int_equal(complete(t, uring_tee(t, a[0], b[1], 4, 0, NULL)), 4);
	/* The pipe into the file at offset 8 (extending it). */
	assert_int_equal(complete(t, uring_splice2(t, a[0], -1, f->fd, 8, 4, 0, NULL)), 4);
	char buf[12];
	assert_int_equal(pread(f->fd, buf, 12, 0), 12);
	assert_memory_equal(buf, "012345673456", 12);
	assert_int_equal(read(b[0], buf, sizeof(buf)), 4);
	assert_memory_equal(buf, "3456", 4);
	/* SPLICE_F_NONBLOCK on an empty pipe: -EAGAIN instead of waiting. */
	assert_int_equal(complete(t, uring_splice2(t, a[0], -1, f->fd, 0, 4, SPLICE_F_NONBLOCK, NULL)), -EAGAIN);
	assert_int_equal(complete(t, uring_tee(t, a[0], b[1], 4, SPLICE_F_NONBLOCK, NULL)), -EAGAIN);
	/* An offset on a pipe end: the kernel's -ESPIPE. */
	assert_int_equal(complete(t, uring_splice2(t, f->fd, 0, a[1], 0, 4, 0, NULL)), -ESPIPE);
	/* tee needs two pipes. */
	assert_int_equal(complete(t, uring_tee(t, f->fd, b[1], 4, 0, NULL)), -EINVAL);

	assert_rejected(t, uring_splice2(t, f->fd, -2, a[1], -1, 4, 0, NULL), EINVAL);
	assert_rejected(t, uring_splice2(t, f->fd, 0, a[1], -1, 4, 1u << 8, NULL), EINVAL);
	assert_rejected(t, uring_tee(t, a[0], b[1], 4, 1u << 8, NULL), EINVAL);
	for (int i = 0; i < 2; i++) {
		close(a[i]);
		close(b[i]);
	}
	assert_int_equal(uring_exit(t), 0);
}

static void pipe_op_creates_cloexec_fds(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	if (!uring_op_supported(t, URING_OP_PIPE)) {
		fprintf(stderr, "skip: IORING_OP_PIPE needs Linux 6.16\n");
		assert_int_equal(uring_exit(t), 0);
		skip();
	}
	int fds[2] = { -1, -1 };
	assert_int_equal(complete(t, uring_pipe(t, fds, 0, NULL)), 0);
	assert_true(fds[0] >= 0 && fds[1] >= 0);
	assert_int_equal(fcntl(fds[0], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(fcntl(fds[1], F_GETFD) & FD_CLOEXEC, FD_CLOEXEC);
	assert_int_equal(fcntl(fds[0], F_GETFL) & O_NONBLOCK, 0);
	assert_int_equal(write(fds[1], "hi", 2), 2);
	char buf[2];
	assert_int_equal(read(fds[0], buf, 2), 2);
	close(fds[0]);
	close(fds[1]);

	assert_int_equal(complete(t, uring_pipe(t, fds, O_NONBLOCK, NULL)), 0);
	assert_int_equal(fcntl(fds[0], F_GETFL) & O_NONBLOCK, O_NONBLOCK);
	assert_int_equal(read(fds[0], buf, 1), -1);
	assert_int_equal(errno, EAGAIN);
	close(fds[0]);
	close(fds[1]);

	int before = count_open_fds();
	assert_rejected(t, uring_pipe(t, NULL, 0, NULL), EFAULT);
	assert_rejected(t, uring_pipe(t, fds, O_APPEND, NULL), EINVAL);
	assert_int_equal(count_open_fds(), before);
	assert_int_equal(uring_exit(t), 0);
}

/* tmpfs keeps user.* attributes since Linux 6.6; elsewhere -EOPNOTSUPP. */
static void skip_without_user_xattrs(uring *t, int32_t r)
{
	if (r == -EOPNOTSUPP) {
		fprintf(stderr, "skip: the scratch file system refuses user.* attributes\n");
		assert_int_equal(uring_exit(t), 0);
		skip();
	}
}

static void xattrs_on_a_path_and_an_fd(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	if (!uring_op_supported(t, URING_OP_FSETXATTR)) {
		fprintf(stderr, "skip: the xattr ops need Linux 5.19\n");
		assert_int_equal(uring_exit(t), 0);
		skip();
	}
	/* Name and path are copied: the caller's buffers are scribbled on and
	 * freed at once. */
	char *name = strdup("user.curing");
	char *path = strdup(f->path);
	uring_job j = uring_setxattr(t, path, name, "value-1", 7, XATTR_CREATE, NULL);
	scribble_and_free(name, strlen("user.curing") + 1);
	scribble_and_free(path, strlen(f->path) + 1);
	int32_t r = complete(t, j);
	skip_without_user_xattrs(t, r);
	assert_int_equal(r, 0);
	char v[32];
	assert_int_equal(fgetxattr(f->fd, "user.curing", v, sizeof(v)), 7);
	assert_memory_equal(v, "value-1", 7);

	assert_int_equal(complete(t, uring_setxattr(t, f->path, "user.curing", "x", 1, XATTR_CREATE, NULL)), -EEXIST);
	assert_int_equal(complete(t, uring_fsetxattr(t, f->fd, "user.curing", "value-22", 8, XATTR_REPLACE, NULL)), 0);
	assert_int_equal(complete(t, uring_fsetxattr(t, f->fd, "user.other", "o", 1, XATTR_REPLACE, NULL)), -ENODATA);

	memset(v, 0, sizeof(v));
	assert_int_equal(complete(t, uring_getxattr(t, f->path, "user.curing", v, sizeof(v), NULL)), 8);
	assert_memory_equal(v, "value-22", 8);
	memset(v, 0, sizeof(v));
	assert_int_equal(complete(t, uring_fgetxattr(t, f->fd, "user.curing", v, sizeof(v), NULL)), 8);
	assert_memory_equal(v, "value-22", 8);
	/* size 0: the length only; too small: -ERANGE; absent: -ENODATA. */
	assert_int_equal(complete(t, uring_fgetxattr(t, f->fd, "user.curing", NULL, 0, NULL)), 8);
	assert_int_equal(complete(t, uring_fgetxattr(t, f->fd, "user.curing", v, 3, NULL)), -ERANGE);
	assert_int_equal(complete(t, uring_getxattr(t, f->path, "user.none", v, sizeof(v), NULL)), -ENODATA);
	char missing[PATH_MAX];
	assert_int_equal(complete(t, uring_getxattr(t, in_dir(missing, sizeof(missing), f->dir, "nope"),
						  "user.curing", v, sizeof(v), NULL)),
			 -ENOENT);

	char long_name[300];
	memset(long_name, 'n', sizeof(long_name) - 1);
	long_name[sizeof(long_name) - 1] = 0;
	assert_rejected(t, uring_getxattr(t, NULL, "user.a", v, 1, NULL), EFAULT);
	assert_rejected(t, uring_fgetxattr(t, f->fd, NULL, v, 1, NULL), EFAULT);
	assert_rejected(t, uring_fgetxattr(t, f->fd, "user.a", NULL, 1, NULL), EFAULT);
	assert_rejected(t, uring_fgetxattr(t, f->fd, "", v, 1, NULL), ERANGE);
	assert_rejected(t, uring_fsetxattr(t, f->fd, long_name, v, 1, 0, NULL), ERANGE);
	assert_rejected(t, uring_fsetxattr(t, f->fd, "user.a", v, 1, 4, NULL), EINVAL);
	assert_rejected(t, uring_setxattr(t, f->path, "user.a", v, 65537, 0, NULL), E2BIG);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(sync_file_range_and_advice, setup, teardown),
		cmocka_unit_test_setup_teardown(splice_with_offsets_and_tee, setup, teardown),
		cmocka_unit_test(pipe_op_creates_cloexec_fds),
		cmocka_unit_test_setup_teardown(xattrs_on_a_path_and_an_fd, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
