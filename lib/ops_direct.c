/* SPDX-License-Identifier: ISC */
/*
 * Direct descriptors, the ops on slots themselves: close a slot
 * (IORING_OP_CLOSE with file_index, 5.15) and install a slot as a normal
 * fd (IORING_OP_FIXED_FD_INSTALL, 6.8).  The ops that fill slots are the
 * _direct variants of accept, socket (ops_net.c) and openat2 (ops_path.c).
 */
#include "direct.h"

_Static_assert(URING_FILE_INDEX_ALLOC == IORING_FILE_INDEX_ALLOC, "URING_FILE_INDEX_ALLOC");
_Static_assert(URING_FIXED_FD_NO_CLOEXEC == IORING_FIXED_FD_NO_CLOEXEC, "URING_FIXED_FD_NO_CLOEXEC");

int uring__direct_slot_check(uring *t, unsigned slot)
{
	if (!t->files_registered)
		return -ENXIO;
	if (slot != URING_FILE_INDEX_ALLOC && slot >= t->files_registered)
		return -EINVAL;
	if (!uring_op_supported(t, URING_OP_MKDIRAT))
		return -EOPNOTSUPP;
	if (slot == URING_FILE_INDEX_ALLOC && !uring_op_supported(t, URING_OP_SOCKET))
		return -EOPNOTSUPP;
	return 0;
}

/* io_close_prep refuses fd and file_index together, and a fixed-file
 * flag: fd stays 0 and the slot goes in file_index as slot + 1. */
uring_job uring_close_direct(uring *t, unsigned slot, void *data)
{
	if (!t || slot == URING_FILE_INDEX_ALLOC)
		return -EINVAL;
	int ret = uring__direct_slot_check(t, slot);
	if (ret < 0)
		return ret;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_CLOSE;
	sqe->file_index = uring__direct_file_index(slot);
	return uring__sqe_commit(t, sqe, data);
}

/*
 * The kernel insists on IOSQE_FIXED_FILE (the slot is the SQE's fd) and
 * makes the new fd close-on-exec unless told IORING_FIXED_FD_NO_CLOEXEC.
 * uring_job_set_flags keeps the fixed-file flag on this op (ops_link.c).
 */
uring_job uring_fixed_fd_install(uring *t, unsigned slot, unsigned flags, void *data)
{
	if (!t || (flags & ~URING_FIXED_FD_NO_CLOEXEC))
		return -EINVAL;
	if (!t->files_registered)
		return -ENXIO;
	if (slot >= t->files_registered)
		return -EBADF;   /* as for any fixed-file job outside the table */
	if (!uring_op_supported(t, URING_OP_FIXED_FD_INSTALL))
		return -EOPNOTSUPP;
	struct uring__sqe *sqe = uring__sqe_next(t);
	if (!sqe)
		return uring__sq_full(t);
	sqe->opcode = IORING_OP_FIXED_FD_INSTALL;
	sqe->fd = (int32_t)slot;
	sqe->flags = IOSQE_FIXED_FILE;
	sqe->op_flags = flags;
	return uring__sqe_commit(t, sqe, data);
}
