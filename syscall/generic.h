/* SPDX-License-Identifier: ISC */
/*
 * Other architectures: libc's syscall(2).  It reports failure as -1 with
 * errno set; convert to the -errno convention the rest of curing uses.
 */
#ifndef CURING_SYSCALL_GENERIC_H
#define CURING_SYSCALL_GENERIC_H

#include <errno.h>
#include <unistd.h>
#include <sys/syscall.h>

static inline long uring__syscall6(long nr, long a1, long a2, long a3,
				   long a4, long a5, long a6)
{
	long ret = syscall(nr, a1, a2, a3, a4, a5, a6);
	return ret == -1 ? -errno : ret;
}

#endif
