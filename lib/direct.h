/* SPDX-License-Identifier: ISC */
/*
 * Direct descriptors: ops that install their new file into a slot of the
 * registered file table instead of returning an fd (ops_direct.c, and the
 * _direct variants in ops_net.c and ops_path.c).
 */
#ifndef CURING_LIB_DIRECT_H
#define CURING_LIB_DIRECT_H

#include "ring.h"

/*
 * Whether the ring can install into slot (a slot index, or
 * URING_FILE_INDEX_ALLOC): 0, or -ENXIO (no table), -EINVAL (a slot
 * outside the table), -EOPNOTSUPP (direct installs are 5.15, kernel-chosen
 * slots 5.19; inferred from MKDIRAT and SOCKET, of the same releases).
 */
int uring__direct_slot_check(uring *t, unsigned slot);

/* The SQE's file_index for slot: slot + 1 (0 means "not direct"), or the
 * kernel's IORING_FILE_INDEX_ALLOC. */
static inline uint32_t uring__direct_file_index(unsigned slot)
{
	return slot == URING_FILE_INDEX_ALLOC ? IORING_FILE_INDEX_ALLOC : slot + 1;
}

#endif
