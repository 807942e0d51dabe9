/* SPDX-License-Identifier: ISC */
/* Path ops against the real kernel: openat2, statx, unlink, mkdirat,
 * linkat, renameat, symlinkat, their failure results, and paths the
 * caller frees (or scribbles on) right after the call, with and without SQPOLL. */
#include "file_helpers.h"
#include "ring.h"

#include <limits.h>
#include <linux/openat2.h>
#include <sys/sysmacros.h>

struct fx {
	char *dir;
	int dirfd;
};

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	f->dir = scratch_dir();
	f->dirfd = open(f->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(f->dirfd >= 0);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	close(f->dirfd);
	rm_tree(f->dir);
	free(f);
	return 0;
}

static mode_t mode_of(int dirfd, const char *name)
{
	struct stat st;
	assert_int_equal(fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW), 0);
	return st.st_mode;
}

static void openat2_creates_under_the_umask(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	mode_t old = umask(027);
	int fd = complete(t, uring_openat2(t, f->dirfd, "new", O_RDWR | O_CREAT | O_CLOEXEC, 0666, 0, NULL));
	assert_true(fd >= 0);
	assert_int_equal(mode_of(f->dirfd, "new") & 07777, 0640);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	assert_int_equal(fcntl(fd, F_GETFL) & O_ACCMODE, O_RDWR);
	assert_int_equal(write(fd, "abc", 3), 3);
	close(fd);
	/* Without O_CLOEXEC the fd is inherited, as openat2(2) makes it. */
	fd = complete(t, uring_openat2(t, f->dirfd, "new", O_RDONLY, 0, 0, NULL));
	assert_true(fd >= 0);
	assert_false(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	close(fd);
	/* mkdirat is filtered by the umask too. */
	umask(old);
	REQUIRE_OP(t, MKDIRAT, "5.15");
	umask(077);
	assert_int_equal(complete(t, uring_mkdirat(t, f->dirfd, "d", 0777, NULL)), 0);
	assert_int_equal(mode_of(f->dirfd, "d"), S_IFDIR | 0700);
	umask(old);
	assert_int_equal(uring_exit(t), 0);
}

static void openat2_failures(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	assert_int_equal(complete(t, uring_openat2(t, f->dirfd, "missing", O_RDONLY, 0, 0, NULL)), -ENOENT);
	assert_int_equal(mkdirat(f->dirfd, "sub", 0755), 0);
	write_file(in_dir((char[PATH_MAX]){ 0 }, PATH_MAX, f->dir, "file"), "x", 1);
	assert_int_equal(complete(t, uring_openat2(t, f->dirfd, "file", O_RDWR | O_CREAT | O_EXCL, 0600, 0, NULL)),
			 -EEXIST);
	/* RESOLVE_BENEATH: ".." out of the directory is -EXDEV. */
	int sub = open(in_dir((char[PATH_MAX]){ 0 }, PATH_MAX, f->dir, "sub"), O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(sub >= 0);
	assert_int_equal(complete(t, uring_openat2(t, sub, "../file", O_RDONLY, 0, RESOLVE_BENEATH, NULL)), -EXDEV);
	int fd = complete(t, uring_openat2(t, sub, "../file", O_RDONLY | O_CLOEXEC, 0, 0, NULL));
	assert_true(fd >= 0);   /* the same path is fine without it */
	close(fd);
	/* RESOLVE_NO_SYMLINKS through a symlink: -ELOOP. */
	assert_int_equal(symlinkat("file", f->dirfd, "link"), 0);
	assert_int_equal(complete(t, uring_openat2(t, f->dirfd, "link", O_RDONLY, 0, RESOLVE_NO_SYMLINKS, NULL)),
			 -ELOOP);
	/* openat2(2)'s strictness: a mode without O_CREAT, unknown resolve bits. */
	assert_int_equal(complete(t, uring_openat2(t, f->dirfd, "file", O_RDONLY, 0644, 0, NULL)), -EINVAL);
	assert_int_equal(complete(t, uring_openat2(t, f->dirfd, "file", O_RDONLY, 0, 1ull << 40, NULL)), -EINVAL);
	/* A relative path against a bad dirfd. */
	assert_int_equal(complete(t, uring_openat2(t, -5, "file", O_RDONLY, 0, 0, NULL)), -EBADF);
	/* O_DIRECTORY on a file. */
	assert_int_equal(complete(t, uring_openat2(t, f->dirfd, "file", O_RDONLY | O_DIRECTORY, 0, 0, NULL)),
			 -ENOTDIR);
	close(sub);
	assert_int_equal(uring_exit(t), 0);
}

/* Every field statx fills, against stat(2) of the same file. */
static void assert_statx_is_stat(const struct statx *sx, const struct stat *st)
{
	assert_int_equal(sx->stx_mask & STATX_BASIC_STATS, STATX_BASIC_STATS);
	assert_int_equal(sx->stx_ino, st->st_ino);
	assert_int_equal(makedev(sx->stx_dev_major, sx->stx_dev_minor), st->st_dev);
	assert_int_equal(makedev(sx->stx_rdev_major, sx->stx_rdev_minor), st->st_rdev);
	assert_int_equal(sx->stx_mode, st->st_mode);
	assert_int_equal(sx->stx_nlink, st->st_nlink);
	assert_int_equal(sx->stx_uid, st->st_uid);
	assert_int_equal(sx->stx_gid, st->st_gid);
	assert_int_equal(sx->stx_size, st->st_size);
	assert_int_equal(sx->stx_blocks, st->st_blocks);
	assert_int_equal(sx->stx_blksize, st->st_blksize);
	assert_int_equal(sx->stx_mtime.tv_sec, st->st_mtim.tv_sec);
	assert_int_equal(sx->stx_mtime.tv_nsec, st->st_mtim.tv_nsec);
	assert_int_equal(sx->stx_ctime.tv_sec, st->st_ctim.tv_sec);
	assert_int_equal(sx->stx_ctime.tv_nsec, st->st_ctim.tv_nsec);
	assert_int_equal(sx->stx_atime.tv_sec, st->st_atim.tv_sec);
	assert_int_equal(sx->stx_atime.tv_nsec, st->st_atim.tv_nsec);
}

static void statx_matches_stat(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	char buf[PATH_MAX];
	write_file(in_dir(buf, sizeof(buf), f->dir, "file"), "twelve bytes", 12);
	assert_int_equal(symlinkat("file", f->dirfd, "link"), 0);
	assert_int_equal(mkdirat(f->dirfd, "dir", 0750), 0);
	static const char *const names[] = { "file", "link", "dir" };
	for (size_t i = 0; i < 3; i++) {
		struct statx sx;
		struct stat st;
		memset(&sx, 0xff, sizeof(sx));
		assert_int_equal(complete(t, uring_statx(t, f->dirfd, names[i], AT_SYMLINK_NOFOLLOW,
							 STATX_BASIC_STATS, &sx, NULL)), 0);
		assert_int_equal(fstatat(f->dirfd, names[i], &st, AT_SYMLINK_NOFOLLOW), 0);
		assert_statx_is_stat(&sx, &st);
	}
	/* Following the link gives the file; the link itself is S_IFLNK of
	 * size strlen(target). */
	struct statx sx;
	assert_int_equal(complete(t, uring_statx(t, f->dirfd, "link", 0, STATX_BASIC_STATS, &sx, NULL)), 0);
	assert_true(S_ISREG(sx.stx_mode));
	assert_int_equal(sx.stx_size, 12);
	assert_int_equal(complete(t, uring_statx(t, f->dirfd, "link", AT_SYMLINK_NOFOLLOW, STATX_BASIC_STATS, &sx, NULL)), 0);
	assert_true(S_ISLNK(sx.stx_mode));
	assert_int_equal(sx.stx_size, 4);
	/* An absolute path ignores dirfd, as statx(2). */
	struct stat st;
	assert_int_equal(complete(t, uring_statx(t, -1, buf, 0, STATX_BASIC_STATS, &sx, NULL)), 0);
	assert_int_equal(stat(buf, &st), 0);
	assert_statx_is_stat(&sx, &st);
	assert_int_equal(complete(t, uring_statx(t, f->dirfd, "missing", 0, STATX_BASIC_STATS, &sx, NULL)), -ENOENT);
	assert_int_equal(uring_exit(t), 0);
}

/*
 * Before 5.18 the kernel reads statx's path in an io-wq worker, after the
 * SQE was consumed: 2000 statx calls, forced to a worker and kept 32 in
 * flight while openat2 calls on other paths reuse the sketch, each from one
 * reused buffer.  Every result must be the stat(2) of its own path.
 */
static void statx_paths_checked(struct fx *f, int as_before_5_18)
{
	enum { FILES = 8, TOTAL = 2000, IN_FLIGHT = 32 };
	for (int i = 0; i < FILES; i++) {
		char name[32];
		snprintf(name, sizeof(name), "sized-%d", i);
		int fd = openat(f->dirfd, name, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
		assert_true(fd >= 0);
		assert_int_equal(ftruncate(fd, 1000 + i), 0);
		close(fd);
	}
	uring *t = ring_or_skip(64, NULL);
	if (as_before_5_18) {   /* this kernel reads at prep: take the other path anyway */
		(void)uring_op_supported(t, URING_OP_NOP);
		t->probe_bits[URING_OP_MSG_RING / 8] &= (uint8_t)~(1u << (URING_OP_MSG_RING % 8));
	}
	static struct statx out[TOTAL];
	char path[64];
	int queued = 0, done = 0, in_flight = 0;
	while (done < TOTAL) {
		while (queued < TOTAL && in_flight < IN_FLIGHT) {
			snprintf(path, sizeof(path), "sized-%d", queued % FILES);
			uring_job j = uring_statx(t, f->dirfd, path, 0, STATX_SIZE, &out[queued],
						  (void *)(intptr_t)(queued + 1));
			assert_true(j > 0);
			assert_int_equal(uring_job_set_flags(t, j, URING_ASYNC), 0);
			snprintf(path, sizeof(path), "no-such-file-%d-with-a-longer-name", queued);
			assert_true(uring_openat2(t, f->dirfd, path, O_RDONLY | O_CLOEXEC, 0, 0, NULL) > 0);
			memset(path, 'X', sizeof(path) - 1);
			queued++;
			in_flight += 2;
		}
		uring_completion c = wait_one(t);
		in_flight--;
		if (!c.data) {
			assert_int_equal(c.result, -ENOENT);
			continue;
		}
		int k = (int)(intptr_t)c.data - 1;
		assert_int_equal(c.result, 0);
		assert_int_equal(out[k].stx_size, 1000 + k % FILES);
		done++;
	}
	while (in_flight-- > 0)
		assert_int_equal(wait_one(t).result, -ENOENT);
	assert_int_equal(uring_exit(t), 0);
}

static void statx_in_flight_keeps_its_own_path(void **state)
{
	statx_paths_checked(*state, 0);
}

static void statx_path_held_per_job_as_before_5_18(void **state)
{
	statx_paths_checked(*state, 1);
}

static void o_path_with_at_empty_path(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	char buf[PATH_MAX];
	write_file(in_dir(buf, sizeof(buf), f->dir, "file"), "0123456789", 10);
	int fd = complete(t, uring_openat2(t, f->dirfd, "file", O_PATH | O_CLOEXEC, 0, 0, NULL));
	assert_true(fd >= 0);
	/* An O_PATH fd names the file but cannot read it. */
	char c;
	assert_int_equal(complete(t, uring_read(t, fd, &c, 1, 0, NULL)), -EBADF);
	struct statx sx;   /* the library tells memcheck what the kernel wrote */
	struct stat st;
	assert_int_equal(complete(t, uring_statx(t, fd, "", AT_EMPTY_PATH, STATX_BASIC_STATS, &sx, NULL)), 0);
	assert_int_equal(fstat(fd, &st), 0);
	assert_statx_is_stat(&sx, &st);
	assert_int_equal(sx.stx_size, 10);
	/* Without AT_EMPTY_PATH an empty path is -ENOENT. */
	assert_int_equal(complete(t, uring_statx(t, fd, "", 0, STATX_BASIC_STATS, &sx, NULL)), -ENOENT);
	/* linkat from the O_PATH fd itself gives the file a second name
	 * (AT_EMPTY_PATH needs CAP_DAC_READ_SEARCH: the kernel says ENOENT without). */
	if (!uring_op_supported(t, URING_OP_LINKAT))
		close(fd);   /* the skip leaves no fd behind */
	REQUIRE_OP(t, LINKAT, "5.15");
	int r = complete(t, uring_linkat(t, fd, "", f->dirfd, "second", AT_EMPTY_PATH, NULL));
	if (r == 0) {
		assert_int_equal(fstatat(f->dirfd, "second", &st, 0), 0);
		assert_int_equal(st.st_ino, sx.stx_ino);
		assert_int_equal(st.st_nlink, 2);
	} else {
		assert_int_equal(r, -ENOENT);
		assert_int_not_equal(geteuid(), 0);
	}
	close(fd);
	assert_int_equal(uring_exit(t), 0);
}

static void unlink_and_rmdir(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_OP(t, UNLINKAT, "5.11");
	char buf[PATH_MAX];
	write_file(in_dir(buf, sizeof(buf), f->dir, "file"), "x", 1);
	assert_int_equal(mkdirat(f->dirfd, "dir", 0755), 0);
	write_file(in_dir(buf, sizeof(buf), f->dir, "dir/inner"), "x", 1);
	assert_int_equal(complete(t, uring_unlink(t, f->dirfd, "dir", false, NULL)), -EISDIR);
	assert_int_equal(complete(t, uring_unlink(t, f->dirfd, "file", true, NULL)), -ENOTDIR);
	assert_int_equal(complete(t, uring_unlink(t, f->dirfd, "dir", true, NULL)), -ENOTEMPTY);
	assert_int_equal(complete(t, uring_unlink(t, f->dirfd, "dir/inner", false, NULL)), 0);
	assert_int_equal(complete(t, uring_unlink(t, f->dirfd, "dir", true, NULL)), 0);
	assert_int_equal(complete(t, uring_unlink(t, f->dirfd, "file", false, NULL)), 0);
	assert_int_equal(faccessat(f->dirfd, "file", F_OK, 0), -1);
	assert_int_equal(faccessat(f->dirfd, "dir", F_OK, 0), -1);
	assert_int_equal(complete(t, uring_unlink(t, f->dirfd, "file", false, NULL)), -ENOENT);
	assert_int_equal(uring_exit(t), 0);
}

static void mkdirat_failures(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_OP(t, MKDIRAT, "5.15");
	assert_int_equal(complete(t, uring_mkdirat(t, f->dirfd, "d", 0755, NULL)), 0);
	assert_true(S_ISDIR(mode_of(f->dirfd, "d")));
	assert_int_equal(complete(t, uring_mkdirat(t, f->dirfd, "d", 0755, NULL)), -EEXIST);
	assert_int_equal(complete(t, uring_mkdirat(t, f->dirfd, "no/such/parent", 0755, NULL)), -ENOENT);
	assert_int_equal(complete(t, uring_mkdirat(t, -5, "rel", 0755, NULL)), -EBADF);
	assert_int_equal(uring_exit(t), 0);
}

static void linkat_hard_links(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_OP(t, LINKAT, "5.15");
	char buf[PATH_MAX];
	write_file(in_dir(buf, sizeof(buf), f->dir, "file"), "x", 1);
	assert_int_equal(symlinkat("file", f->dirfd, "sym"), 0);
	assert_int_equal(complete(t, uring_linkat(t, f->dirfd, "file", f->dirfd, "hard", 0, NULL)), 0);
	struct stat a, b;
	assert_int_equal(fstatat(f->dirfd, "file", &a, 0), 0);
	assert_int_equal(fstatat(f->dirfd, "hard", &b, 0), 0);
	assert_int_equal(a.st_ino, b.st_ino);
	assert_int_equal(a.st_nlink, 2);
	/* Through a symlink: the link itself, or its target with AT_SYMLINK_FOLLOW. */
	assert_int_equal(complete(t, uring_linkat(t, f->dirfd, "sym", f->dirfd, "sym2", 0, NULL)), 0);
	assert_true(S_ISLNK(mode_of(f->dirfd, "sym2")));
	assert_int_equal(complete(t, uring_linkat(t, f->dirfd, "sym", f->dirfd, "followed", AT_SYMLINK_FOLLOW, NULL)), 0);
	assert_true(S_ISREG(mode_of(f->dirfd, "followed")));
	assert_int_equal(complete(t, uring_linkat(t, f->dirfd, "file", f->dirfd, "hard", 0, NULL)), -EEXIST);
	assert_int_equal(complete(t, uring_linkat(t, f->dirfd, "missing", f->dirfd, "x", 0, NULL)), -ENOENT);
	assert_int_equal(mkdirat(f->dirfd, "dir", 0755), 0);
	assert_int_equal(complete(t, uring_linkat(t, f->dirfd, "dir", f->dirfd, "dir2", 0, NULL)), -EPERM);
	assert_int_equal(uring_exit(t), 0);
}

static void renameat_moves_swaps_and_refuses(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_OP(t, RENAMEAT, "5.11");
	char buf[PATH_MAX];
	write_file(in_dir(buf, sizeof(buf), f->dir, "a"), "A", 1);
	write_file(in_dir(buf, sizeof(buf), f->dir, "b"), "B", 1);
	assert_int_equal(mkdirat(f->dirfd, "sub", 0755), 0);
	int sub = openat(f->dirfd, "sub", O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(sub >= 0);
	/* Across directories, by two dirfds. */
	assert_int_equal(complete(t, uring_renameat(t, f->dirfd, "a", sub, "a2", 0, NULL)), 0);
	assert_int_equal(faccessat(f->dirfd, "a", F_OK, 0), -1);
	assert_int_equal(faccessat(sub, "a2", F_OK, 0), 0);
	/* RENAME_NOREPLACE refuses an existing target; RENAME_EXCHANGE swaps. */
	assert_int_equal(complete(t, uring_renameat(t, sub, "a2", f->dirfd, "b", RENAME_NOREPLACE, NULL)), -EEXIST);
	assert_int_equal(complete(t, uring_renameat(t, sub, "a2", f->dirfd, "b", RENAME_EXCHANGE, NULL)), 0);
	char c;
	int fd = openat(sub, "a2", O_RDONLY | O_CLOEXEC);
	assert_int_equal(read(fd, &c, 1), 1);
	assert_int_equal(c, 'B');
	close(fd);
	assert_int_equal(complete(t, uring_renameat(t, f->dirfd, "missing", f->dirfd, "x", 0, NULL)), -ENOENT);
	assert_int_equal(complete(t, uring_renameat(t, f->dirfd, "b", f->dirfd, "b", RENAME_EXCHANGE | RENAME_NOREPLACE, NULL)), -EINVAL);
	close(sub);
	assert_int_equal(uring_exit(t), 0);
}

static void symlinkat_stores_the_target_verbatim(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	REQUIRE_OP(t, SYMLINKAT, "5.15");
	assert_int_equal(complete(t, uring_symlinkat(t, "../not/there", f->dirfd, "dangling", NULL)), 0);
	char target[64];
	ssize_t n = readlinkat(f->dirfd, "dangling", target, sizeof(target));
	assert_int_equal(n, 12);
	assert_memory_equal(target, "../not/there", 12);
	assert_int_equal(complete(t, uring_symlinkat(t, "x", f->dirfd, "dangling", NULL)), -EEXIST);
	assert_int_equal(complete(t, uring_symlinkat(t, "", f->dirfd, "empty", NULL)), -ENOENT);
	assert_int_equal(complete(t, uring_symlinkat(t, "x", f->dirfd, "no/dir/link", NULL)), -ENOENT);
	assert_int_equal(uring_exit(t), 0);
}

static void rejected_paths_queue_nothing(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	char *longest_ok = malloc(PATH_MAX), *too_long = malloc(PATH_MAX + 1);
	memset(longest_ok, 'a', PATH_MAX - 1);
	longest_ok[PATH_MAX - 1] = 0;
	memset(too_long, 'a', PATH_MAX);
	too_long[PATH_MAX] = 0;
	struct statx sx;

	assert_rejected(t, uring_openat2(t, f->dirfd, NULL, O_RDONLY, 0, 0, NULL), EFAULT);
	assert_rejected(t, uring_openat2(t, f->dirfd, too_long, O_RDONLY, 0, 0, NULL), ENAMETOOLONG);
	assert_rejected(t, uring_statx(t, f->dirfd, NULL, 0, STATX_BASIC_STATS, &sx, NULL), EFAULT);
	assert_rejected(t, uring_statx(t, f->dirfd, too_long, 0, STATX_BASIC_STATS, &sx, NULL), ENAMETOOLONG);
	assert_rejected(t, uring_statx(t, f->dirfd, "x", 0, STATX_BASIC_STATS, NULL, NULL), EFAULT);
	assert_rejected(t, uring_unlink(t, f->dirfd, NULL, false, NULL), EFAULT);
	assert_rejected(t, uring_unlink(t, f->dirfd, too_long, true, NULL), ENAMETOOLONG);
	assert_rejected(t, uring_mkdirat(t, f->dirfd, NULL, 0755, NULL), EFAULT);
	assert_rejected(t, uring_mkdirat(t, f->dirfd, too_long, 0755, NULL), ENAMETOOLONG);
	assert_rejected(t, uring_linkat(t, f->dirfd, NULL, f->dirfd, "x", 0, NULL), EFAULT);
	assert_rejected(t, uring_linkat(t, f->dirfd, "x", f->dirfd, NULL, 0, NULL), EFAULT);
	assert_rejected(t, uring_linkat(t, f->dirfd, "x", f->dirfd, too_long, 0, NULL), ENAMETOOLONG);
	assert_rejected(t, uring_renameat(t, f->dirfd, too_long, f->dirfd, "x", 0, NULL), ENAMETOOLONG);
	assert_rejected(t, uring_renameat(t, f->dirfd, "x", f->dirfd, NULL, 0, NULL), EFAULT);
	assert_rejected(t, uring_symlinkat(t, NULL, f->dirfd, "x", NULL), EFAULT);
	assert_rejected(t, uring_symlinkat(t, too_long, f->dirfd, "x", NULL), ENAMETOOLONG);
	assert_rejected(t, uring_symlinkat(t, "x", f->dirfd, NULL, NULL), EFAULT);
	assert_int_equal(uring_openat2(NULL, f->dirfd, "x", O_RDONLY, 0, 0, NULL), -EINVAL);
	assert_int_equal(uring_unlink(NULL, f->dirfd, "x", false, NULL), -EINVAL);

	/* One byte shorter is queued: the kernel has the last word (a
	 * component longer than NAME_MAX). */
	if (uring_op_supported(t, URING_OP_MKDIRAT))
		assert_int_equal(complete(t, uring_mkdirat(t, f->dirfd, longest_ok, 0755, NULL)), -ENAMETOOLONG);
	else
		assert_rejected(t, uring_mkdirat(t, f->dirfd, longest_ok, 0755, NULL), EOPNOTSUPP);

	/* A full SQ: the bad path is still reported as such, not as "full". */
	uring *one = ring_or_skip(1, NULL);
	uring_job queued = uring_noop(one, NULL);
	assert_true(queued > 0);
	assert_int_equal(uring_mkdirat(one, f->dirfd, "x", 0755, NULL), 0);
	assert_int_equal(uring_mkdirat(one, f->dirfd, NULL, 0755, NULL), -EFAULT);
	assert_int_equal(uring_symlinkat(one, "x", f->dirfd, too_long, NULL), -ENAMETOOLONG);
	assert_int_equal(complete(one, queued), 0);
	free(longest_ok);
	free(too_long);
	assert_int_equal(uring_exit(one), 0);
	assert_int_equal(uring_exit(t), 0);
}

/*
 * Every path op with caller copies that are scribbled on and freed before
 * the SQEs reach the kernel; the ops must still act on the right names.
 */
static char *dup_path(const char *s)
{
	char *p = strdup(s);
	assert_non_null(p);
	return p;
}

static void freed_paths(struct fx *f, uring *t)
{
	REQUIRE_OP(t, MKDIRAT, "5.15");
	REQUIRE_OP(t, SYMLINKAT, "5.15");
	REQUIRE_OP(t, LINKAT, "5.15");
	char *p = dup_path("made");
	uring_job mk = uring_mkdirat(t, f->dirfd, p, 0700, NULL);
	scribble_and_free(p, 5);
	assert_int_equal(complete(t, mk), 0);
	p = dup_path("made/file");
	uring_job op = uring_openat2(t, f->dirfd, p, O_WRONLY | O_CREAT | O_CLOEXEC, 0600, RESOLVE_BENEATH, NULL);
	scribble_and_free(p, 10);
	int fd = complete(t, op);
	assert_true(fd >= 0);
	close(fd);

	char *a = dup_path("made/file"), *b = dup_path("made/renamed");
	uring_job rn = uring_renameat(t, f->dirfd, a, f->dirfd, b, 0, NULL);
	scribble_and_free(a, 10);
	scribble_and_free(b, 13);
	assert_int_equal(complete(t, rn), 0);

	a = dup_path("renamed");
	b = dup_path("made/sym");
	uring_job sl = uring_symlinkat(t, a, f->dirfd, b, NULL);
	scribble_and_free(a, 8);
	scribble_and_free(b, 9);
	assert_int_equal(complete(t, sl), 0);

	a = dup_path("made/renamed");
	b = dup_path("made/hard");
	uring_job ln = uring_linkat(t, f->dirfd, a, f->dirfd, b, 0, NULL);
	scribble_and_free(a, 13);
	scribble_and_free(b, 10);
	assert_int_equal(complete(t, ln), 0);

	struct statx sx;   /* the library tells memcheck what the kernel wrote */
	p = dup_path("made/sym");
	uring_job st = uring_statx(t, f->dirfd, p, 0, STATX_BASIC_STATS, &sx, NULL);
	scribble_and_free(p, 9);
	assert_int_equal(complete(t, st), 0);
	assert_true(S_ISREG(sx.stx_mode));
	assert_int_equal(sx.stx_nlink, 2);

	static const char *const gone[] = { "made/sym", "made/hard", "made/renamed" };
	for (int i = 0; i < 3; i++) {
		p = dup_path(gone[i]);
		uring_job u = uring_unlink(t, f->dirfd, p, false, NULL);
		scribble_and_free(p, strlen(gone[i]) + 1);
		assert_int_equal(complete(t, u), 0);
	}
	p = dup_path("made");
	uring_job rd = uring_unlink(t, f->dirfd, p, true, NULL);
	scribble_and_free(p, 5);
	assert_int_equal(complete(t, rd), 0);
	assert_int_equal(faccessat(f->dirfd, "made", F_OK, 0), -1);
}

static void caller_may_free_paths(void **state)
{
	uring *t = ring_or_skip(8, NULL);
	freed_paths(*state, t);
	assert_int_equal(uring_exit(t), 0);
}

static void caller_may_free_paths_under_sqpoll(void **state)
{
	uring_options o = { .polling_timeout_ms = 50 };
	uring *t = ring_or_skip(8, &o);
	freed_paths(*state, t);
	usleep(100 * 1000);   /* the poll thread asleep: the wakeup path */
	freed_paths(*state, t);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(openat2_creates_under_the_umask, setup, teardown),
		cmocka_unit_test_setup_teardown(openat2_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(statx_matches_stat, setup, teardown),
		cmocka_unit_test_setup_teardown(statx_in_flight_keeps_its_own_path, setup, teardown),
		cmocka_unit_test_setup_teardown(statx_path_held_per_job_as_before_5_18, setup, teardown),
		cmocka_unit_test_setup_teardown(o_path_with_at_empty_path, setup, teardown),
		cmocka_unit_test_setup_teardown(unlink_and_rmdir, setup, teardown),
		cmocka_unit_test_setup_teardown(mkdirat_failures, setup, teardown),
		cmocka_unit_test_setup_teardown(linkat_hard_links, setup, teardown),
		cmocka_unit_test_setup_teardown(renameat_moves_swaps_and_refuses, setup, teardown),
		cmocka_unit_test_setup_teardown(symlinkat_stores_the_target_verbatim, setup, teardown),
		cmocka_unit_test_setup_teardown(rejected_paths_queue_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(caller_may_free_paths, setup, teardown),
		cmocka_unit_test_setup_teardown(caller_may_free_paths_under_sqpoll, setup, teardown),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
