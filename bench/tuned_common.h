/* SPDX-License-Identifier: ISC */
/*
 * Setup shared by the tuned curing servers (echo_curing_tuned,
 * http_curing): the listening socket, a SINGLE_ISSUER | DEFER_TASKRUN ring
 * with a large CQ, and a sparse registered-file table in which a
 * connection's slot is its fd number, so a job names the connection by the
 * same integer with URING_FIXED_FILE and skips the per-op fd lookup.
 */
#ifndef CURING_BENCH_TUNED_COMMON_H
#define CURING_BENCH_TUNED_COMMON_H

#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "bench_common.h"
#include "uring.h"

static uring *ring;
/* -T: the ring's setup flags (default SINGLE_ISSUER | DEFER_TASKRUN), -F: no
 * registered files; both only to measure what each technique brings. */
static uint32_t tuned_setup_flags = URING_SETUP_SINGLE_ISSUER | URING_SETUP_DEFER_TASKRUN;
static int tuned_no_files;
static int use_fixed;              /* the file table is registered */
static unsigned file_slots;

static inline void tuned_ring(unsigned depth, unsigned cq_entries)
{
	uring_options o = { .setup_flags = tuned_setup_flags, .cq_entries = cq_entries };
	ring = uring_create(depth, &o);
	if (!ring && errno == EINVAL) {
		/* before 6.1: cooperative task running is the nearest */
		o.setup_flags = URING_SETUP_COOP_TASKRUN;
		ring = uring_create(depth, &o);
	}
	if (!ring) {
		perror("uring_create");
		exit(1);
	}
}

/* A sparse table as large as the fd limit allows (up to 65536 slots). */
static inline void tuned_files(void)
{
	if (tuned_no_files)
		return;
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	file_slots = rl.rlim_cur < 65536 ? (unsigned)rl.rlim_cur : 65536u;
	int *fds = malloc(file_slots * sizeof(int));
	for (unsigned i = 0; i < file_slots; i++)
		fds[i] = -1;
	int r = uring_register_files(ring, fds, file_slots);
	free(fds);
	use_fixed = r == 0;
	if (!use_fixed)
		fprintf(stderr, "registered files unavailable (%s): plain fds\n", uring_error_name(r));
}

/* Puts fd in its slot; 0 when the job can name it as fixed. */
static inline int tuned_file_add(int fd)
{
	if (!use_fixed || (unsigned)fd >= file_slots)
		return -1;
	return uring_register_files_update(ring, (unsigned)fd, &fd, 1) == 1 ? 0 : -1;
}

static inline void tuned_file_del(int fd)
{
	int none = -1;
	if (use_fixed && (unsigned)fd < file_slots)
		uring_register_files_update(ring, (unsigned)fd, &none, 1);
}

static inline void tuned_fail(const char *what, int64_t err)
{
	fprintf(stderr, "%s: %s\n", what, uring_error_name((int)err));
	exit(1);
}

/* Queues with call (retrying through a full SQ, per the API's contract),
 * then marks the job fixed-file when fixed says so. */
#define TUNED_QUEUE(fixed, call)                                               \
	do {                                                                   \
		uring_job j_;                                                  \
		while ((j_ = (call)) == 0)                                     \
			uring_submit(ring);                                    \
		if (j_ < 0)                                                    \
			tuned_fail(#call, j_);                                 \
		if (fixed) {                                                   \
			int r_ = uring_job_set_flags(ring, j_, URING_FIXED_FILE); \
			if (r_ < 0)                                            \
				tuned_fail("uring_job_set_flags", r_);         \
		}                                                              \
	} while (0)

#endif
