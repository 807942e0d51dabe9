/* SPDX-License-Identifier: ISC */
/*
 * Extended attributes: IORING_OP_GETXATTR / SETXATTR on a path and
 * FGETXATTR / FSETXATTR on an fd (5.19).  The name and the path are copied
 * to the sketch, like every path (the kernel imports both at prep); the
 * value buffer stays the caller's until the completion (a get writes it
 * when the job runs).  The name's limits are refused here with the
 * kernel's own errnos, so nothing is queued for them.
 */
#include <stdint.h>

#include "path.h"
#include "ring.h"

#define XATTR_NAME_LIMIT 255u        /* XATTR_NAME_MAX */
#define XATTR_VALUE_LIMIT 65536u     /* XATTR_SIZE_MAX */
#define XATTR_SET_FLAGS 0x3u         /* XATTR_CREATE | XATTR_REPLACE */

/* -EFAULT for NULL; -ERANGE for an empty name or one over 255 bytes, as
 * the kernel's import_xattr_name. */
static int name_check(const char *name)
{
	if (!name)
		return -EFAULT;
	size_t n = strnlen(name, XATTR_NAME_LIMIT + 1);
	return (n == 0 || n > XATTR_NAME_LIMIT) ? -ERANGE : 0;
}

static int xattr_check(const uring *t, const char *path, bool has_path, const char *name,
		       const void *value, size_t size)
{
	if (!t)
		return -EINVAL;
	int ret = has_path ? uring__path_check(path) : 0;
	if (ret == 0)
		ret = name_check(name);
	if (ret == 0 && !value && size)
		ret = -EFAULT;
	if (ret == 0 && size > UINT32_MAX)
		ret = -E2BIG;
	return ret;
}

/* Checks, takes an SQE, copies name (and path) and fills the common fields.
 * 1 with *out ready for commit; else what the op returns. */
static uring_job xattr_sqe(uring *t, uint8_t opcode, int fd, const char *path, const char *name,
			   const void *value, size_t size, uint32_t flags, struct uring__sqe **out)
{
	bool has_path = opcode == IORING_OP_GETXATTR || opcode == IORING_OP_SETXATTR;
	int ret = xattr_check(t, path, has_path, name, value, size);
	if (ret < 0)
		return ret;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	size_t ln = strlen(name) + 1, lp = has_path ? strlen(path) + 1 : 0;
	char *copy = uring__sketch_alloc(t, ln + lp, 1);
	if (!copy)
		return -ENOMEM;
	memcpy(copy, name, ln);
	sqe->opcode = opcode;
	sqe->addr = uring__ptr(copy);
	sqe->addr2 = uring__ptr(value);
	sqe->len = (uint32_t)size;
	sqe->xattr_flags = flags;
	if (has_path)
		sqe->addr3.addr3 = uring__ptr(memcpy(copy + ln, path, lp));
	else
		sqe->fd = fd;
	*out = sqe;
	return 1;
}

static uring_job xattr_queue(uring *t, uint8_t opcode, int fd, const char *path, const char *name,
			     const void *value, size_t size, uint32_t flags, void *data)
{
	struct uring__sqe *sqe = NULL;
	uring_job ret = xattr_sqe(t, opcode, fd, path, name, value, size, flags, &sqe);
	return ret == 1 ? uring__sqe_commit(t, sqe, data) : ret;
}

static int set_check(size_t size, int flags)
{
	if ((unsigned)flags & ~XATTR_SET_FLAGS)
		return -EINVAL;
	return size > XATTR_VALUE_LIMIT ? -E2BIG : 0;
}

uring_job uring_getxattr(uring *t, const char *path, const char *name, void *value, size_t size,
			 void *data)
{
	return xattr_queue(t, IORING_OP_GETXATTR, 0, path, name, value, size, 0, data);
}

uring_job uring_fgetxattr(uring *t, int fd, const char *name, void *value, size_t size, void *data)
{
	return xattr_queue(t, IORING_OP_FGETXATTR, fd, NULL, name, value, size, 0, data);
}

uring_job uring_setxattr(uring *t, const char *path, const char *name, const void *value,
			 size_t size, int flags, void *data)
{
	int ret = t ? set_check(size, flags) : -EINVAL;
	return ret < 0 ? ret
		       : xattr_queue(t, IORING_OP_SETXATTR, 0, path, name, value, size, (uint32_t)flags, data);
}

uring_job uring_fsetxattr(uring *t, int fd, const char *name, const void *value, size_t size,
			  int flags, void *data)
{
	int ret = t ? set_check(size, flags) : -EINVAL;
	return ret < 0 ? ret
		       : xattr_queue(t, IORING_OP_FSETXATTR, fd, NULL, name, value, size, (uint32_t)flags, data);
}
