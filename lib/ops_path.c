/* SPDX-License-Identifier: ISC */
/*
 * Ops that name a file by path: openat2, statx, unlinkat, mkdirat, linkat,
 * renameat, symlinkat.  Every path goes to the sketch (sketch_copy below),
 * so the caller may free it when the call returns, also under SQPOLL: the
 * kernel copies it (getname) while consuming the SQE.  A NULL path is
 * -EFAULT and one of PATH_MAX bytes or more -ENAMETOOLONG, before anything
 * is queued, which is what the syscalls would have said.
 */
#include <fcntl.h>
#include <limits.h>
#include <stdint.h>
#include <stdlib.h>

#include "direct.h"
#include "hold.h"
#include "path.h"
#include "ring.h"

struct path_copies {
	const char *a, *b;     /* b is NULL when only one path was given */
	void *extra;           /* extra_len bytes, 8-aligned, or NULL */
};

/* Everything an op copies (its paths, and open_how for openat2), in one
 * sketch allocation.  Paths must have passed uring__path_check. */
static int sketch_copy(uring *t, const char *a, const char *b, size_t extra_len, struct path_copies *out)
{
	size_t extra = (extra_len + 7u) & ~(size_t)7u;
	size_t la = strlen(a) + 1, lb = b ? strlen(b) + 1 : 0;
	uint8_t *p = uring__sketch_alloc(t, extra + la + lb, 8);
	if (!p)
		return -ENOMEM;
	out->extra = extra_len ? p : NULL;
	out->a = memcpy(p + extra, a, la);
	out->b = b ? memcpy(p + extra + la, b, lb) : NULL;
	return 0;
}

/*
 * The front every path op shares: check the ring and the npaths (1 or 2)
 * paths, take an SQE, copy the paths (and extra_len more bytes) to the
 * sketch, and fill opcode, fd = dirfd, addr = first path, addr2 = second.
 * 1 with *sqe ready for the op's own fields and uring__sqe_commit; when
 * the SQ is full, what uring__sq_full says; -errno.  Nothing is queued
 * until the commit.
 */
static int path_sqe(uring *t, uint8_t opcode, int dirfd, const char *a, const char *b,
		    unsigned npaths, size_t extra_len, struct path_copies *c, struct uring__sqe **sqe)
{
	if (!t)
		return -EINVAL;
	int ret = uring__path_check(a);
	if (ret == 0 && npaths == 2)
		ret = uring__path_check(b);
	if (ret < 0)
		return ret;
	*sqe = uring__sqe_next(t);
	if (!*sqe)
		return uring__sq_full(t);
	ret = sketch_copy(t, a, npaths == 2 ? b : NULL, extra_len, c);
	if (ret < 0)
		return ret;
	(*sqe)->opcode = opcode;
	(*sqe)->fd = dirfd;
	(*sqe)->addr = uring__ptr(c->a);
	(*sqe)->addr2 = uring__ptr(c->b);
	return 1;
}

/*
 * IORING_OP_OPENAT2 (5.6) as openat2(2): flags carry the access mode, as
 * in the syscall (OCaml's Uring.openat2 takes it apart, as ~access).  The
 * struct open_how is copied to the sketch with the path; the kernel reads
 * both at submission.  The result is the new fd; unknown flags, a mode
 * without O_CREAT/O_TMPFILE, or unknown RESOLVE_* bits complete with
 * -EINVAL, escaping the directory under RESOLVE_BENEATH with -EXDEV.
 */
static uring_job openat2_queue(uring *t, int dirfd, const char *path, uint64_t flags,
			       uint64_t mode, uint64_t resolve, uint32_t file_index, void *data)
{
	struct path_copies c;
	struct uring__sqe *sqe;
	int ret = path_sqe(t, IORING_OP_OPENAT2, dirfd, path, NULL, 1, sizeof(struct uring__open_how), &c, &sqe);
	if (ret <= 0)
		return ret;
	struct uring__open_how *how = c.extra;
	*how = (struct uring__open_how){ .flags = flags, .mode = mode, .resolve = resolve };
	sqe->len = sizeof(*how);
	sqe->off = uring__ptr(how);
	sqe->file_index = file_index;
	return uring__sqe_commit(t, sqe, data);
}

uring_job uring_openat2(uring *t, int dirfd, const char *path, uint64_t flags,
			uint64_t mode, uint64_t resolve, void *data)
{
	return openat2_queue(t, dirfd, path, flags, mode, resolve, 0, data);
}

/* Into a slot (5.15): O_CLOEXEC is dropped, as io_openat_prep refuses it
 * with a slot; the installed fd gets it (uring_fixed_fd_install). */
uring_job uring_openat2_direct(uring *t, int dirfd, const char *path, uint64_t flags,
			       uint64_t mode, uint64_t resolve, unsigned slot, void *data)
{
	if (!t)
		return -EINVAL;
	int ret = uring__path_check(path);   /* argument errors before what the kernel lacks */
	if (ret == 0)
		ret = uring__direct_slot_check(t, slot);
	if (ret < 0)
		return ret;
	return openat2_queue(t, dirfd, path, flags & ~(uint64_t)O_CLOEXEC, mode, resolve,
			     uring__direct_file_index(slot), data);
}

/*
 * Before 5.18 the kernel reads statx's path when the request runs, in an
 * io-wq worker, long after the SQE was consumed (io_statx_prep kept the
 * user pointer; 5.18 moved getname() into prep).  The sketch would be
 * reused by then, so on those kernels the path is held per job until its
 * completion instead.  MSG_RING came in the same release (5.18) and is in
 * the probe: no feature bit marks the change.
 */
static int statx_reads_path_late(uring *t)
{
	return !uring_op_supported(t, URING_OP_MSG_RING);
}

/*
 * IORING_OP_STATX (5.6) as statx(2).  out is the kernel's struct statx and
 * is written at completion, so it must outlive the job (unlike the path).
 * OCaml's Uring.statx fills its own Statx.t; here it is the caller's.
 * With AT_EMPTY_PATH, path "" names dirfd itself (an O_PATH fd works).
 */
uring_job uring_statx(uring *t, int dirfd, const char *path, int flags,
		      unsigned mask, struct statx *out, void *data)
{
	/* The order statx(2) reports in: the path's errors before out's. */
	if (t && uring__path_check(path) == 0 && !out)
		return -EFAULT;
	char *late_copy = NULL;
	if (t && uring__path_check(path) == 0 && statx_reads_path_late(t)) {
		if (!uring__ring_hold_room(t) || !(late_copy = strdup(path)))
			return -ENOMEM;
	}
	struct path_copies c;
	struct uring__sqe *sqe;
	int ret = path_sqe(t, IORING_OP_STATX, dirfd, path, NULL, 1, 0, &c, &sqe);
	if (ret <= 0) {
		free(late_copy);
		return ret;
	}
	if (late_copy)
		sqe->addr = uring__ptr(late_copy);
	sqe->len = mask;
	sqe->off = uring__ptr(out);
	sqe->statx_flags = (uint32_t)flags;
	return uring__commit_held(t, sqe, data, late_copy);
}

/* IORING_OP_UNLINKAT (5.11) as unlinkat(2); dir is AT_REMOVEDIR, as OCaml's ~dir. */
uring_job uring_unlink(uring *t, int dirfd, const char *path, bool dir, void *data)
{
	struct path_copies c;
	struct uring__sqe *sqe;
	int ret = path_sqe(t, IORING_OP_UNLINKAT, dirfd, path, NULL, 1, 0, &c, &sqe);
	if (ret <= 0)
		return ret;
	sqe->unlink_flags = dir ? AT_REMOVEDIR : 0;
	return uring__sqe_commit(t, sqe, data);
}

/* IORING_OP_MKDIRAT (5.15) as mkdirat(2): the mode is filtered by the umask. */
uring_job uring_mkdirat(uring *t, int dirfd, const char *path, mode_t mode, void *data)
{
	struct path_copies c;
	struct uring__sqe *sqe;
	int ret = path_sqe(t, IORING_OP_MKDIRAT, dirfd, path, NULL, 1, 0, &c, &sqe);
	if (ret <= 0)
		return ret;
	sqe->len = mode;
	return uring__sqe_commit(t, sqe, data);
}

/* The SQE shape linkat and renameat share: old dirfd in fd, new dirfd in len. */
static uring_job two_path_queue(uring *t, uint8_t opcode, int olddirfd, const char *oldpath,
				int newdirfd, const char *newpath, uint32_t flags, void *data)
{
	struct path_copies c;
	struct uring__sqe *sqe;
	int ret = path_sqe(t, opcode, olddirfd, oldpath, newpath, 2, 0, &c, &sqe);
	if (ret <= 0)
		return ret;
	sqe->len = (uint32_t)newdirfd;
	sqe->op_flags = flags;
	return uring__sqe_commit(t, sqe, data);
}

/* IORING_OP_LINKAT (5.15) as linkat(2): AT_SYMLINK_FOLLOW, AT_EMPTY_PATH. */
uring_job uring_linkat(uring *t, int olddirfd, const char *oldpath, int newdirfd,
		       const char *newpath, int flags, void *data)
{
	return two_path_queue(t, IORING_OP_LINKAT, olddirfd, oldpath, newdirfd, newpath,
			      (uint32_t)flags, data);
}

/* IORING_OP_RENAMEAT (5.11) as renameat2(2): RENAME_NOREPLACE, _EXCHANGE, _WHITEOUT. */
uring_job uring_renameat(uring *t, int olddirfd, const char *oldpath, int newdirfd,
			 const char *newpath, unsigned flags, void *data)
{
	return two_path_queue(t, IORING_OP_RENAMEAT, olddirfd, oldpath, newdirfd, newpath, flags, data);
}

/*
 * IORING_OP_SYMLINKAT (5.15) as symlinkat(2).  The target is stored
 * verbatim (it need not exist) but is still a path to the kernel, copied
 * with getname, so it has the same NULL and PATH_MAX checks.
 */
uring_job uring_symlinkat(uring *t, const char *target, int newdirfd, const char *linkpath, void *data)
{
	struct path_copies c;
	struct uring__sqe *sqe;
	int ret = path_sqe(t, IORING_OP_SYMLINKAT, newdirfd, target, linkpath, 2, 0, &c, &sqe);
	if (ret <= 0)
		return ret;
	return uring__sqe_commit(t, sqe, data);
}
