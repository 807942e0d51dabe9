/* SPDX-License-Identifier: ISC */
/*
 * The registered (fixed) file table: IORING_REGISTER_FILES (5.1),
 * FILES_UPDATE (5.5), a sparse table (FILES2 with RSRC_REGISTER_SPARSE,
 * 5.19) and the range the kernel allocates slots from (6.0).  A job uses a slot through URING_FIXED_FILE
 * (ops_link.c), which skips the kernel's per-op fget/fput.  The table size
 * is kept in t->files_registered so that a fixed-file job naming a slot
 * outside it is refused before it is queued.
 */
#include "ring.h"

#define FILES_MAX (1u << 20)   /* the kernel's IORING_MAX_FIXED_FILES */

/* As liburing's io_uring_register_files, except that -EMFILE is returned
 * rather than answered by raising RLIMIT_NOFILE behind the caller's back. */
int uring_register_files(uring *t, const int *fds, unsigned n)
{
	if (!t || n == 0 || n > FILES_MAX)
		return -EINVAL;
	if (!fds)
		return -EFAULT;
	if (t->files_registered)
		return -EBUSY;   /* the kernel's answer too, without the syscall */
	_Static_assert(sizeof(int) == sizeof(int32_t), "the kernel reads __s32 fds");
	int ret = uring__register(t, IORING_REGISTER_FILES, fds, n);
	if (ret < 0)
		return ret;
	t->files_registered = n;
	return 0;
}

/* A table of n empty slots for direct descriptors to fill (direct.h).
 * FILES2 exists from 5.13 but the SPARSE flag only from 5.19, which the
 * SOCKET opcode of the same release stands for. */
int uring_register_files_sparse(uring *t, unsigned n)
{
	if (!t || n == 0 || n > FILES_MAX)
		return -EINVAL;
	if (t->files_registered)
		return -EBUSY;
	if (!uring_op_supported(t, URING_OP_SOCKET))
		return -EOPNOTSUPP;
	struct uring__rsrc_register reg = { .nr = n, .flags = IORING_RSRC_REGISTER_SPARSE };
	int ret = uring__register(t, IORING_REGISTER_FILES2, &reg, sizeof(reg));
	if (ret < 0)
		return ret;
	t->files_registered = n;
	return 0;
}

/* Slots the kernel picks for URING_FILE_INDEX_ALLOC come from [off,
 * off + len); the default is the whole table.  The range is inside the
 * table, so the fixed-file check against the table size (ops_link.c)
 * covers the slots it hands out. */
int uring_register_file_alloc_range(uring *t, unsigned off, unsigned len)
{
	if (!t)
		return -EINVAL;
	if (!t->files_registered)
		return -ENXIO;
	if (off > t->files_registered || len > t->files_registered - off)
		return -EINVAL;
	if (!uring_op_supported(t, URING_OP_SEND_ZC))   /* 6.0, as the range */
		return -EOPNOTSUPP;
	struct uring__file_index_range r = { .off = off, .len = len };
	int ret = uring__register(t, IORING_REGISTER_FILE_ALLOC_RANGE, &r, 0);
	return ret < 0 ? ret : 0;
}

int uring_register_files_update(uring *t, unsigned offset, const int *fds, unsigned n)
{
	if (!t)
		return -EINVAL;
	if (!t->files_registered)
		return -ENXIO;
	if (n == 0 || offset >= t->files_registered || n > t->files_registered - offset)
		return -EINVAL;
	if (!fds)
		return -EFAULT;
	struct uring__rsrc_update up = { .offset = offset, .data = uring__ptr(fds) };
	return uring__register(t, IORING_REGISTER_FILES_UPDATE, &up, n);
}

/* Jobs already using a slot keep their file: the kernel holds a reference
 * per request until it completes. */
int uring_unregister_files(uring *t)
{
	if (!t)
		return -EINVAL;
	if (!t->files_registered)
		return -ENXIO;
	int ret = uring__register(t, IORING_UNREGISTER_FILES, NULL, 0);
	if (ret < 0)
		return ret;
	t->files_registered = 0;
	return 0;
}
