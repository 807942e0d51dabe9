/* SPDX-License-Identifier: ISC */
/* The checks every path argument gets before an SQE is taken (ops_path.c,
 * ops_xattr.c), so a full SQ never hides them. */
#ifndef CURING_LIB_PATH_H
#define CURING_LIB_PATH_H

#include <errno.h>
#include <limits.h>
#include <string.h>

/* -EFAULT for NULL, -ENAMETOOLONG at PATH_MAX bytes or more (the kernel's
 * getname limit), 0 otherwise. */
static inline int uring__path_check(const char *path)
{
	if (!path)
		return -EFAULT;
	return strnlen(path, PATH_MAX) == PATH_MAX ? -ENAMETOOLONG : 0;
}

#endif
