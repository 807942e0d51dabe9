/* SPDX-License-Identifier: ISC */
/*
 * Needs: Linux 5.11+ (openat2, read, write, poll_add ops), and POSIX.1-2008
 * declarations (O_CLOEXEC, AT_FDCWD), asked for below.
 *
 * urcat: files to stdout through one ring, like cat(1).  Each file is
 * opened with openat2, read block by block, and every block written to
 * stdout in full (short writes continue where they stopped; -EAGAIN on a
 * non-blocking stdout waits for POLLOUT; -EINTR retries).
 * Usage: urcat FILE...   ("-" or no argument: standard input)
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <uring.h>

#define BLOCK (128 * 1024)

static uring *ring;

/* Runs one queued job to its completion; it is the only one in flight. */
static int32_t run(uring_job job, const char *what)
{
	if (job <= 0) {
		fprintf(stderr, "urcat: %s: %s\n", what, job < 0 ? strerror((int)-job) : "queue full");
		exit(1);
	}
	uring_completion c;
	int ret;
	while ((ret = uring_wait(ring, &c)) == 0)
		;
	if (ret < 0) {
		fprintf(stderr, "urcat: wait: %s\n", strerror(-ret));
		exit(1);
	}
	return c.result;
}

static int write_out(const char *buf, size_t len)
{
	while (len > 0) {
		int32_t n = run(uring_write(ring, STDOUT_FILENO, buf, (unsigned)len, -1, NULL), "write");
		if (n == -EINTR)
			continue;
		if (n == -EAGAIN) {
			run(uring_poll_add(ring, STDOUT_FILENO, POLLOUT, NULL), "poll");
			continue;
		}
		if (n <= 0) {
			fprintf(stderr, "urcat: write: %s\n", n < 0 ? strerror(-n) : "wrote nothing");
			return -1;
		}
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int cat_fd(int fd, const char *name, char *buf)
{
	/* -1: the file position, so pipes and terminals work as well as files. */
	for (;;) {
		int32_t n = run(uring_read(ring, fd, buf, BLOCK, -1, NULL), "read");
		if (n == -EINTR)
			continue;
		if (n == -EAGAIN) {
			run(uring_poll_add(ring, fd, POLLIN, NULL), "poll");
			continue;
		}
		if (n < 0) {
			fprintf(stderr, "urcat: %s: %s\n", name, strerror(-n));
			return -1;
		}
		if (n == 0)
			return 0;
		if (write_out(buf, (size_t)n) < 0)
			return -1;
	}
}

int main(int argc, char **argv)
{
	ring = uring_create(4, NULL);
	if (!ring) {
		fprintf(stderr, "urcat: uring_create: %s\n", strerror(errno));
		return 1;
	}
	char *buf = malloc(BLOCK);
	if (!buf)
		return 1;
	int status = 0;
	static char *stdin_only[] = { "-", NULL };
	char **names = argc > 1 ? argv + 1 : stdin_only;
	for (; *names; names++) {
		if (strcmp(*names, "-") == 0) {
			status |= cat_fd(STDIN_FILENO, "stdin", buf) < 0;
			continue;
		}
		int fd = run(uring_openat2(ring, AT_FDCWD, *names, O_RDONLY | O_CLOEXEC, 0, 0, NULL), "openat2");
		if (fd < 0) {
			fprintf(stderr, "urcat: %s: %s\n", *names, strerror(-fd));
			status = 1;
			continue;
		}
		status |= cat_fd(fd, *names, buf) < 0;
		run(uring_close(ring, fd, NULL), "close");
	}
	free(buf);
	uring_exit(ring);
	return status;
}
