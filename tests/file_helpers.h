/* SPDX-License-Identifier: ISC */
/* Shared by the file, path and fixed-buffer tests: scratch directories,
 * running one op to completion, and the "rejected, nothing queued" check. */
#ifndef CURING_TESTS_FILE_HELPERS_H
#define CURING_TESTS_FILE_HELPERS_H

#include <fcntl.h>
#include <ftw.h>
#include <sys/stat.h>

#include "helpers.h"

/* A fresh directory under /tmp, removed with everything in it by rm_tree. */
static inline char *scratch_dir(void)
{
	char *dir = strdup("/tmp/curing-test-XXXXXX");
	assert_non_null(dir);
	assert_non_null(mkdtemp(dir));
	return dir;
}

static int rm_entry(const char *path, const struct stat *st, int kind, struct FTW *ftw)
{
	(void)st;
	(void)kind;
	(void)ftw;
	return remove(path);
}

static inline void rm_tree(char *dir)
{
	assert_int_equal(nftw(dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS), 0);
	free(dir);
}

/* path = dir "/" name, in a static buffer per call site's needs. */
static inline const char *in_dir(char *buf, size_t size, const char *dir, const char *name)
{
	int n = snprintf(buf, size, "%s/%s", dir, name);
	assert_true(n > 0 && (size_t)n < size);
	return buf;
}

/* Runs one queued op to its completion (the only one in flight). */
static inline int32_t complete(uring *t, uring_job job)
{
	assert_true(job > 0);
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, job);
	return c.result;
}

static inline void write_file(const char *path, const void *data, size_t len)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	assert_true(fd >= 0);
	assert_int_equal(write(fd, data, len), (ssize_t)len);
	close(fd);
}

/* The ring still takes, submits and completes a job. */
static inline void assert_ring_usable(uring *t)
{
	uring_job j = uring_noop(t, NULL);
	assert_int_equal(complete(t, j), 0);
}

/*
 * An op call rejected with -err: nothing queued (SQEs ready and active
 * jobs unchanged) and the ring still usable afterwards.
 */
#define assert_rejected(t, call, err)                                  \
	do {                                                           \
		unsigned ready_ = uring_sqe_ready(t);                  \
		unsigned active_ = uring_active_ops(t);                \
		assert_int_equal((call), -(err));                      \
		assert_int_equal(uring_sqe_ready(t), ready_);          \
		assert_int_equal(uring_active_ops(t), active_);        \
		assert_ring_usable(t);                                 \
	} while (0)

/* Fills a caller-owned copy with garbage and frees it, as a caller may do
 * the moment an op call returns. */
static inline void scribble_and_free(void *p, size_t len)
{
	memset(p, 0xA5, len);
	free(p);
}

#endif
