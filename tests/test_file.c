/* SPDX-License-Identifier: ISC */
/* Ops on open fds against the real kernel: vectored I/O, splice, poll,
 * sync, fallocate, ftruncate, close, and their rejected arguments. */
#include "file_helpers.h"

#include <limits.h>
#include <poll.h>
#include <sys/uio.h>

#define RWF_APPEND_BIT 0x10   /* RWF_APPEND, 4.16 */
#define RWF_NOWAIT_BIT 0x08   /* RWF_NOWAIT, 4.14 */

struct fx {
	char *dir;
	char path[PATH_MAX];
	int fd;                /* O_RDWR on path, holding `pattern` */
};

static char pattern[8192];

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (char)('a' + (i * 7 + i / 26) % 26);
	f->dir = scratch_dir();
	in_dir(f->path, sizeof(f->path), f->dir, "data");
	write_file(f->path, pattern, sizeof(pattern));
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

static void scatter_read_into_sub_buffers(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	char buf[64];
	memset(buf, '#', sizeof(buf));
	struct iovec iov[3] = {
		{ buf + 1, 3 }, { buf + 10, 5 }, { buf + 40, 4 },
	};
	assert_int_equal(complete(t, uring_readv(t, f->fd, iov, 3, 100, NULL)), 12);
	assert_memory_equal(buf + 1, pattern + 100, 3);
	assert_memory_equal(buf + 10, pattern + 103, 5);
	assert_memory_equal(buf + 40, pattern + 108, 4);
	/* The gaps between the sub-buffers are untouched. */
	assert_int_equal(buf[0], '#');
	assert_int_equal(buf[4], '#');
	assert_int_equal(buf[15], '#');
	assert_int_equal(buf[44], '#');
	assert_int_equal(uring_exit(t), 0);
}

static void readv_of_1000_iovecs(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	enum { N = 1000, PIECE = 8 };
	char *buf = calloc(N, PIECE * 2);
	struct iovec *iov = calloc(N, sizeof(*iov));
	/* Every other PIECE bytes, so a wrong iovec count or order shows. */
	for (int i = 0; i < N; i++)
		iov[i] = (struct iovec){ buf + (size_t)i * PIECE * 2, PIECE };
	assert_int_equal(complete(t, uring_readv(t, f->fd, iov, N, 0, NULL)), N * PIECE);
	for (int i = 0; i < N; i++) {
		assert_memory_equal(buf + (size_t)i * PIECE * 2, pattern + (size_t)i * PIECE, PIECE);
		assert_int_equal(buf[(size_t)i * PIECE * 2 + PIECE], 0);
	}
	free(iov);
	free(buf);
	assert_int_equal(uring_exit(t), 0);
}

static void current_position_is_used_and_advanced(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	char a[5] = { 0 }, b[5] = { 0 };
	struct iovec ia = { a, 5 }, ib = { b, 5 };
	assert_int_equal(lseek(f->fd, 20, SEEK_SET), 20);
	assert_int_equal(complete(t, uring_readv(t, f->fd, &ia, 1, -1, NULL)), 5);
	assert_int_equal(complete(t, uring_readv(t, f->fd, &ib, 1, -1, NULL)), 5);
	assert_memory_equal(a, pattern + 20, 5);
	assert_memory_equal(b, pattern + 25, 5);
	assert_int_equal(lseek(f->fd, 0, SEEK_CUR), 30);
	/* An explicit offset neither uses nor moves the position. */
	assert_int_equal(complete(t, uring_readv(t, f->fd, &ia, 1, 0, NULL)), 5);
	assert_int_equal(lseek(f->fd, 0, SEEK_CUR), 30);
	/* Writes at -1 advance it too. */
	struct iovec w = { "XYZ", 3 };
	assert_int_equal(complete(t, uring_writev(t, f->fd, &w, 1, -1, NULL)), 3);
	assert_int_equal(lseek(f->fd, 0, SEEK_CUR), 33);
	char back[3];
	assert_int_equal(pread(f->fd, back, 3, 30), 3);
	assert_memory_equal(back, "XYZ", 3);
	assert_int_equal(uring_exit(t), 0);
}

static void writev_gathers_at_an_offset(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	struct iovec iov[3] = { { "INFO: ", 6 }, { "", 0 }, { "A log message", 13 } };
	assert_int_equal(complete(t, uring_writev(t, f->fd, iov, 3, 1000, NULL)), 19);
	char back[19];
	assert_int_equal(pread(f->fd, back, 19, 1000), 19);
	assert_memory_equal(back, "INFO: A log message", 19);
	assert_int_equal(uring_exit(t), 0);
}

static void empty_vector_is_the_kernels_zero(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	/* readv(2) with no iovecs reads nothing and returns 0: so does the op. */
	assert_int_equal(readv(f->fd, NULL, 0), 0);
	assert_int_equal(complete(t, uring_readv(t, f->fd, NULL, 0, 0, NULL)), 0);
	assert_int_equal(complete(t, uring_writev(t, f->fd, NULL, 0, 0, NULL)), 0);
	assert_int_equal(uring_exit(t), 0);
}

static void rw_flags_pass_through(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	char buf[8];
	struct iovec iov = { buf, sizeof(buf) };
	/* An RWF_* bit no kernel knows: preadv2(2) and the op both refuse it. */
	assert_int_equal(preadv2(f->fd, &iov, 1, 0, 1 << 30), -1);
	assert_int_equal(errno, EOPNOTSUPP);
	assert_int_equal(complete(t, uring_readv2(t, f->fd, &iov, 1, 0, 1 << 30, NULL)), -EOPNOTSUPP);
	assert_int_equal(complete(t, uring_writev2(t, f->fd, &iov, 1, 0, 1 << 30, NULL)), -EOPNOTSUPP);

	/* RWF_APPEND writes at the end whatever the offset. */
	struct iovec tail = { "END", 3 };
	assert_int_equal(complete(t, uring_writev2(t, f->fd, &tail, 1, 0, RWF_APPEND_BIT, NULL)), 3);
	struct stat st;
	assert_int_equal(fstat(f->fd, &st), 0);
	assert_int_equal(st.st_size, sizeof(pattern) + 3);
	char back[3];
	assert_int_equal(pread(f->fd, back, 3, sizeof(pattern)), 3);
	assert_memory_equal(back, "END", 3);
	assert_int_equal(pread(f->fd, back, 3, 0), 3);
	assert_memory_equal(back, pattern, 3);

	/* RWF_NOWAIT on an empty pipe: -EAGAIN instead of waiting, as
	 * preadv2(2) answers; kernels whose pipes lack FMODE_NOWAIT (6.1 and
	 * older) refuse the flag with -EOPNOTSUPP, in both. */
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(preadv2(p[0], &iov, 1, -1, RWF_NOWAIT_BIT), -1);
	int nowait = -errno;
	assert_true(nowait == -EAGAIN || nowait == -EOPNOTSUPP);
	assert_int_equal(complete(t, uring_readv2(t, p[0], &iov, 1, -1, RWF_NOWAIT_BIT, NULL)), nowait);
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
}

/* uring_read2 / uring_write2: the same three kernel answers as readv2. */
static void plain_rw_takes_rw_flags(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	char buf[8];
	assert_int_equal(complete(t, uring_read2(t, f->fd, buf, 8, 0, 1 << 30, NULL)), -EOPNOTSUPP);
	assert_int_equal(complete(t, uring_write2(t, f->fd, buf, 8, 0, 1 << 30, NULL)), -EOPNOTSUPP);

	assert_int_equal(complete(t, uring_write2(t, f->fd, "TAIL", 4, 0, RWF_APPEND_BIT, NULL)), 4);
	struct stat st;
	assert_int_equal(fstat(f->fd, &st), 0);
	assert_int_equal(st.st_size, sizeof(pattern) + 4);
	char back[4];
	assert_int_equal(pread(f->fd, back, 4, sizeof(pattern)), 4);
	assert_memory_equal(back, "TAIL", 4);
	assert_int_equal(pread(f->fd, back, 4, 0), 4);
	assert_memory_equal(back, pattern, 4);

	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	/* As preadv2(2) answers: -EAGAIN, or -EOPNOTSUPP on kernels whose
	 * pipes lack FMODE_NOWAIT (6.1 and older). */
	struct iovec one = { buf, 8 };
	assert_int_equal(preadv2(p[0], &one, 1, -1, RWF_NOWAIT_BIT), -1);
	int nowait = -errno;
	assert_int_equal(complete(t, uring_read2(t, p[0], buf, 8, -1, RWF_NOWAIT_BIT, NULL)), nowait);
	/* Flags 0 is uring_read: it waits for the data. */
	uring_job j = uring_read2(t, p[0], buf, 8, -1, 0, NULL);
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(write(p[1], "x", 1), 1);
	assert_int_equal(complete(t, j), 1);
	assert_rejected(t, uring_read2(t, f->fd, NULL, 8, 0, RWF_NOWAIT_BIT, NULL), EFAULT);
	assert_rejected(t, uring_write2(t, f->fd, buf, 8, -2, RWF_APPEND_BIT, NULL), EINVAL);
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void bad_fds_complete_with_ebadf(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	char buf[4];
	struct iovec iov = { buf, 4 };
	assert_int_equal(complete(t, uring_readv(t, -1, &iov, 1, 0, NULL)), -EBADF);
	assert_int_equal(complete(t, uring_writev(t, 1000000, &iov, 1, 0, NULL)), -EBADF);
	assert_int_equal(complete(t, uring_fsync(t, -1, 0, 0, NULL)), -EBADF);
	assert_int_equal(complete(t, uring_fallocate(t, -1, 0, 0, 10, NULL)), -EBADF);
	assert_int_equal(complete(t, uring_close(t, -1, NULL)), -EBADF);
	assert_int_equal(complete(t, uring_poll_add(t, -1, POLLIN, NULL)), -EBADF);
	assert_int_equal(complete(t, uring_splice(t, -1, -1, 10, NULL)), -EBADF);
	assert_int_equal(uring_exit(t), 0);
}

static void splice_through_a_pipe(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	char out_path[PATH_MAX];
	int out = open(in_dir(out_path, sizeof(out_path), f->dir, "spliced"),
		       O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	assert_true(out >= 0);
	/* File to pipe from the file position (-1), then pipe to file. */
	assert_int_equal(lseek(f->fd, 4000, SEEK_SET), 4000);
	assert_int_equal(complete(t, uring_splice(t, f->fd, p[1], 1000, NULL)), 1000);
	assert_int_equal(lseek(f->fd, 0, SEEK_CUR), 5000);
	assert_int_equal(complete(t, uring_splice(t, p[0], out, 1000, NULL)), 1000);
	char back[1000];
	assert_int_equal(pread(out, back, sizeof(back), 0), 1000);
	assert_memory_equal(back, pattern + 4000, 1000);
	/* splice(2) needs a pipe at one end. */
	assert_int_equal(complete(t, uring_splice(t, f->fd, out, 10, NULL)), -EINVAL);
	close(out);
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void poll_waits_for_readiness(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	uring_job rd = uring_poll_add(t, p[0], POLLIN, (void *)1);
	assert_true(rd > 0);
	assert_int_equal(uring_submit(t), 1);
	uring_completion c;
	usleep(50000);
	assert_int_equal(uring_get_cqe_nonblocking(t, &c), 0);   /* nothing to read yet */
	assert_int_equal(uring_active_ops(t), 1);
	assert_int_equal(write(p[1], "x", 1), 1);
	c = wait_one(t);
	assert_int_equal(c.job, rd);
	assert_true(c.result & POLLIN);
	/* An empty pipe is writable at once; a closed write end is POLLHUP. */
	assert_true(complete(t, uring_poll_add(t, p[1], POLLOUT, NULL)) & POLLOUT);
	close(p[1]);
	char x;
	assert_int_equal(read(p[0], &x, 1), 1);
	assert_true(complete(t, uring_poll_add(t, p[0], POLLIN, NULL)) & POLLHUP);
	close(p[0]);
	assert_int_equal(uring_exit(t), 0);
}

static void sync_family(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	assert_int_equal(complete(t, uring_fsync(t, f->fd, 0, 0, NULL)), 0);
	assert_int_equal(complete(t, uring_fdatasync(t, f->fd, 0, 0, NULL)), 0);
	assert_int_equal(complete(t, uring_fsync(t, f->fd, 4096, 100, NULL)), 0);
	assert_int_equal(complete(t, uring_fdatasync(t, f->fd, 10, 10, NULL)), 0);
	/* A pipe cannot be synced: the kernel's own answer, as fsync(2)'s. */
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(fsync(p[0]), -1);
	int expected = -errno;
	assert_int_equal(complete(t, uring_fsync(t, p[0], 0, 0, NULL)), expected);
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void fallocate_extends_or_keeps_size(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	struct stat st;
	int r = complete(t, uring_fallocate(t, f->fd, 0, 0, 65536, NULL));
	if (r == -EOPNOTSUPP) {
		fprintf(stderr, "skip: the scratch file system has no fallocate\n");
		assert_int_equal(uring_exit(t), 0);
		skip();
	}
	assert_int_equal(r, 0);
	assert_int_equal(fstat(f->fd, &st), 0);
	assert_int_equal(st.st_size, 65536);
	/* FALLOC_FL_KEEP_SIZE: blocks, no size change. */
	blkcnt_t blocks = st.st_blocks;
	assert_int_equal(complete(t, uring_fallocate(t, f->fd, FALLOC_FL_KEEP_SIZE, 65536, 65536, NULL)), 0);
	assert_int_equal(fstat(f->fd, &st), 0);
	assert_int_equal(st.st_size, 65536);
	assert_true(st.st_blocks > blocks);
	/* Unknown mode bits and zero lengths: the kernel's errors. */
	assert_int_equal(complete(t, uring_fallocate(t, f->fd, 1 << 29, 0, 10, NULL)), -EOPNOTSUPP);
	assert_int_equal(complete(t, uring_fallocate(t, f->fd, 0, 0, 0, NULL)), -EINVAL);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	assert_int_equal(complete(t, uring_fallocate(t, p[1], 0, 0, 10, NULL)), -ESPIPE);
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
}

static void ftruncate_sets_the_size(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_OP(t, FTRUNCATE, "6.9");
	struct stat st;
	assert_int_equal(complete(t, uring_ftruncate(t, f->fd, 3, NULL)), 0);
	assert_int_equal(fstat(f->fd, &st), 0);
	assert_int_equal(st.st_size, 3);
	assert_int_equal(complete(t, uring_ftruncate(t, f->fd, 100000, NULL)), 0);
	assert_int_equal(fstat(f->fd, &st), 0);
	assert_int_equal(st.st_size, 100000);
	/* A read-only fd: exactly what ftruncate(2) says. */
	int ro = open(f->path, O_RDONLY | O_CLOEXEC);
	assert_true(ro >= 0);
	assert_int_equal(ftruncate(ro, 1), -1);
	int expected = -errno;
	assert_int_equal(complete(t, uring_ftruncate(t, ro, 1, NULL)), expected);
	close(ro);
	assert_int_equal(uring_exit(t), 0);
}

static void close_releases_the_fd(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);
	assert_true(fd >= 0);
	assert_int_equal(complete(t, uring_close(t, fd, NULL)), 0);
	assert_int_equal(fcntl(fd, F_GETFD), -1);
	assert_int_equal(errno, EBADF);
	assert_int_equal(complete(t, uring_close(t, fd, NULL)), -EBADF);
	assert_int_equal(uring_exit(t), 0);
}

static void rejected_arguments_queue_nothing(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	char buf[8];
	struct iovec one = { buf, sizeof(buf) };
	struct iovec *many = calloc(1025, sizeof(*many));
	for (int i = 0; i < 1025; i++)
		many[i] = one;
	assert_rejected(t, uring_readv(t, f->fd, many, 1025, 0, NULL), EINVAL);
	assert_rejected(t, uring_writev(t, f->fd, many, 1025, 0, NULL), EINVAL);
	assert_rejected(t, uring_readv2(t, f->fd, many, 1025, 0, 0, NULL), EINVAL);
	assert_rejected(t, uring_readv(t, f->fd, NULL, 3, 0, NULL), EFAULT);
	assert_rejected(t, uring_writev2(t, f->fd, NULL, 1, 0, 0, NULL), EFAULT);
	assert_rejected(t, uring_readv(t, f->fd, &one, 1, -2, NULL), EINVAL);
	assert_rejected(t, uring_writev(t, f->fd, &one, 1, INT64_MIN, NULL), EINVAL);
	assert_rejected(t, uring_read(t, f->fd, NULL, 5, 0, NULL), EFAULT);
	assert_rejected(t, uring_write(t, f->fd, NULL, 5, 0, NULL), EFAULT);
	assert_rejected(t, uring_read(t, f->fd, buf, 5, -7, NULL), EINVAL);
	assert_rejected(t, uring_fsync(t, f->fd, (uint64_t)INT64_MAX + 1, 0, NULL), EINVAL);
	assert_rejected(t, uring_fdatasync(t, f->fd, INT64_MAX, 1, NULL), EINVAL);
	assert_rejected(t, uring_fallocate(t, f->fd, 0, 0, (uint64_t)INT64_MAX + 1, NULL), EINVAL);
	assert_rejected(t, uring_fallocate(t, f->fd, 0, UINT64_MAX, 1, NULL), EINVAL);
	assert_rejected(t, uring_ftruncate(t, f->fd, UINT64_MAX, NULL), EINVAL);
	assert_int_equal(uring_readv(NULL, f->fd, &one, 1, 0, NULL), -EINVAL);
	assert_int_equal(uring_close(NULL, 0, NULL), -EINVAL);
	assert_int_equal(uring_splice(NULL, 0, 1, 1, NULL), -EINVAL);
	assert_int_equal(uring_poll_add(NULL, 0, POLLIN, NULL), -EINVAL);

	/* Exactly IOV_MAX is the kernel's limit, not ours to refuse. */
	assert_int_equal(complete(t, uring_readv(t, f->fd, many, 1024, 0, NULL)), 1024 * 8);

	/* With a job already queued, "unchanged" is not just "zero". */
	uring_job queued = uring_noop(t, NULL);
	assert_true(queued > 0);
	assert_int_equal(uring_readv(t, f->fd, many, 1025, 0, NULL), -EINVAL);
	assert_int_equal(uring_sqe_ready(t), 1);
	assert_int_equal(uring_active_ops(t), 1);
	assert_int_equal(complete(t, queued), 0);
	free(many);
	assert_int_equal(uring_exit(t), 0);
}

static void full_sq_returns_zero_and_keeps_the_array(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(1, NULL);
	char a[4], b[4];   /* left as they are: the library tells memcheck what the kernel wrote */
	struct iovec ia = { a, 4 }, ib = { b, 4 };
	assert_true(uring_readv(t, f->fd, &ia, 1, 0, NULL) > 0);
	assert_int_equal(uring_readv(t, f->fd, &ib, 1, 4, NULL), 0);   /* SQ full */
	assert_int_equal(uring_active_ops(t), 1);
	assert_int_equal(uring_submit(t), 1);
	uring_job j = uring_readv(t, f->fd, &ib, 1, 4, NULL);
	assert_true(j > 0);
	uring_completion c1 = wait_one(t), c2 = wait_one(t);
	assert_int_equal(c1.result, 4);
	assert_int_equal(c2.result, 4);
	assert_memory_equal(a, pattern, 4);
	assert_memory_equal(b, pattern + 4, 4);
	assert_int_equal(uring_exit(t), 0);
}

/* The caller's iovec array is garbage and freed before the kernel sees the
 * SQE: the op still reads and writes the right buffers. */
static void freed_iovec_array(struct fx *f, uring *t)
{
	char x[6] = { 0 }, y[6] = { 0 };
	struct iovec *iov = malloc(2 * sizeof(*iov));
	iov[0] = (struct iovec){ x, 6 };
	iov[1] = (struct iovec){ y, 6 };
	uring_job j = uring_readv(t, f->fd, iov, 2, 50, NULL);
	scribble_and_free(iov, 2 * sizeof(*iov));
	assert_int_equal(complete(t, j), 12);
	assert_memory_equal(x, pattern + 50, 6);
	assert_memory_equal(y, pattern + 56, 6);

	iov = malloc(2 * sizeof(*iov));
	iov[0] = (struct iovec){ "hello ", 6 };
	iov[1] = (struct iovec){ "world", 5 };
	j = uring_writev(t, f->fd, iov, 2, 200, NULL);
	scribble_and_free(iov, 2 * sizeof(*iov));
	assert_int_equal(complete(t, j), 11);
	char back[11];
	assert_int_equal(pread(f->fd, back, 11, 200), 11);
	assert_memory_equal(back, "hello world", 11);
}

static void caller_may_free_the_iovec_array(void **state)
{
	uring *t = ring_or_skip(8, NULL);
	freed_iovec_array(*state, t);
	assert_int_equal(uring_exit(t), 0);
}

static void caller_may_free_the_iovec_array_under_sqpoll(void **state)
{
	uring_options o = { .polling_timeout_ms = 50 };
	uring *t = ring_or_skip(8, &o);
	freed_iovec_array(*state, t);
	usleep(100 * 1000);   /* let the poll thread go idle: the wakeup path too */
	freed_iovec_array(*state, t);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(scatter_read_into_sub_buffers, setup, teardown),
		cmocka_unit_test_setup_teardown(readv_of_1000_iovecs, setup, teardown),
		cmocka_unit_test_setup_teardown(current_position_is_used_and_advanced, setup, teardown),
		cmocka_unit_test_setup_teardown(writev_gathers_at_an_offset, setup, teardown),
		cmocka_unit_test_setup_teardown(empty_vector_is_the_kernels_zero, setup, teardown),
		cmocka_unit_test_setup_teardown(rw_flags_pass_through, setup, teardown),
		cmocka_unit_test_setup_teardown(plain_rw_takes_rw_flags, setup, teardown),
		cmocka_unit_test_setup_teardown(bad_fds_complete_with_ebadf, setup, teardown),
		cmocka_unit_test_setup_teardown(splice_through_a_pipe, setup, teardown),
		cmocka_unit_test_setup_teardown(poll_waits_for_readiness, setup, teardown),
		cmocka_unit_test_setup_teardown(sync_family, setup, teardown),
		cmocka_unit_test_setup_teardown(fallocate_extends_or_keeps_size, setup, teardown),
		cmocka_unit_test_setup_teardown(ftruncate_sets_the_size, setup, teardown),
		cmocka_unit_test_setup_teardown(close_releases_the_fd, setup, teardown),
		cmocka_unit_test_setup_teardown(rejected_arguments_queue_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(full_sq_returns_zero_and_keeps_the_array, setup, teardown),
		cmocka_unit_test_setup_teardown(caller_may_free_the_iovec_array, setup, teardown),
		cmocka_unit_test_setup_teardown(caller_may_free_the_iovec_array_under_sqpoll, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
