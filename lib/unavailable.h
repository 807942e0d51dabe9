/* SPDX-License-Identifier: ISC */
/*
 * Why io_uring is unavailable: the facts about this process and host that
 * decide it (gathered from /proc), and the sentence made from them.  Split
 * so that tests can compose the sentence for hosts they cannot be.
 */
#ifndef CURING_LIB_UNAVAILABLE_H
#define CURING_LIB_UNAVAILABLE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "uring.h"

#define URING__NO_LIMIT UINT64_MAX

struct uring__host {
	int disabled;            /* kernel.io_uring_disabled; -1: no such sysctl (before 6.6) */
	long group;              /* kernel.io_uring_group; -1: none */
	bool in_group;           /* the process is in that group */
	bool cap_sys_admin, cap_ipc_lock;   /* effective capabilities */
	int seccomp;             /* /proc/self/status Seccomp: 0, 1 strict, 2 filter; -1 unknown */
	uint64_t memlock;        /* RLIMIT_MEMLOCK soft limit, bytes, or URING__NO_LIMIT */
	unsigned kmajor, kminor; /* running kernel */
};

void uring__host_probe(struct uring__host *h);
/* Locked memory a ring of this shape is charged on kernels before 5.12. */
size_t uring__ring_locked_bytes(unsigned queue_depth, const uring_options *o, size_t page);
void uring__reason_compose(int err, const struct uring__host *h, size_t need, bool sqpoll,
			   char *buf, size_t len);

#endif
