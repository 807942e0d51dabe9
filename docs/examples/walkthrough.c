/* SPDX-License-Identifier: ISC */
/*
 * Needs: Linux 5.11+ (curing's minimum; openat2, writev and close ops), and
 * POSIX.1-2008 declarations (O_CLOEXEC, AT_FDCWD), asked for below.
 *
 * The OCaml uring README's walkthrough, in C: create a ring, open
 * "test.log" with openat2, write "INFO: A log message" with writev
 * (looping on short writes), close it, exit.  Each step prints what the
 * OCaml toplevel shows.  Usage: walkthrough [directory to run in]
 */
#define _POSIX_C_SOURCE 200809L
#include <errno.h>
#include <fcntl.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

#include <uring.h>

enum step { OPEN_LOG = 1, WRITE_ALL, CLOSE_LOG };
static const char *const step_name[] = { "?", "Open_log", "Write_all", "Close_log" };

/* Uring.wait returns None when interrupted: wait again. */
static uring_completion wait_with_retry(uring *ring)
{
	uring_completion c;
	int ret;
	while ((ret = uring_wait(ring, &c)) == 0)
		;
	if (ret < 0) {
		fprintf(stderr, "uring_wait: %s\n", strerror(-ret));
		exit(1);
	}
	return c;
}

static enum step step_of(const uring_completion *c)
{
	return (enum step)(intptr_t)c->data;
}

/* Writes every byte of iov[0..n), shifting the vector past what each
 * (possibly short) writev wrote, as Cstruct.shiftv does. */
static void write_all(uring *ring, int fd, struct iovec *iov, int n)
{
	while (n > 0) {
		uring_job job = uring_writev(ring, fd, iov, (unsigned)n, -1, (void *)WRITE_ALL);
		if (job <= 0) {   /* we know there is room here: anything else is a bug */
			fprintf(stderr, "uring_writev: %s\n", job < 0 ? strerror((int)-job) : "queue full");
			exit(1);
		}
		int submitted = uring_submit(ring);
		printf("submit: %d\n", submitted);
		uring_completion c = wait_with_retry(ring);
		printf("wait: result %d, data %s\n", c.result, step_name[step_of(&c)]);
		if (step_of(&c) != WRITE_ALL || c.result <= 0) {
			fprintf(stderr, "writev failed: %s\n", c.result < 0 ? strerror(-c.result) : "wrote nothing");
			exit(1);
		}
		size_t done = (size_t)c.result;
		while (n > 0 && done >= iov->iov_len) {
			done -= iov->iov_len;
			iov++;
			n--;
		}
		if (n > 0) {
			iov->iov_base = (char *)iov->iov_base + done;
			iov->iov_len -= done;
		}
	}
}

int main(int argc, char **argv)
{
	if (argc > 2) {
		fprintf(stderr, "usage: %s [directory]\n", argv[0]);
		return 2;
	}
	if (argc == 2 && chdir(argv[1]) != 0) {
		fprintf(stderr, "%s: %s\n", argv[1], strerror(errno));
		return 1;
	}

	uring *ring = uring_create(10, NULL);
	if (!ring) {
		/* Why: a seccomp filter, kernel.io_uring_disabled, RLIMIT_MEMLOCK, ... */
		char why[512];
		fprintf(stderr, "uring_create: %s\n", uring_unavailable_reason(errno, 10, NULL, why, sizeof(why)));
		return 1;
	}
	printf("create: queue depth %u\n", uring_queue_depth(ring));

	uring_job open_job = uring_openat2(ring, AT_FDCWD, "test.log", O_RDWR | O_CREAT | O_CLOEXEC, 0644,
					   RESOLVE_BENEATH, (void *)OPEN_LOG);
	if (open_job <= 0) {
		fprintf(stderr, "uring_openat2: %s\n", open_job < 0 ? strerror((int)-open_job) : "queue full");
		return 1;
	}
	printf("openat2 \"test.log\": job queued\n");
	printf("submit: %d\n", uring_submit(ring));
	uring_completion c = wait_with_retry(ring);
	printf("wait: result %d, data %s\n", c.result, step_name[step_of(&c)]);
	if (c.result < 0) {
		fprintf(stderr, "Error: %d\n", c.result);
		return 1;
	}
	int fd = c.result;

	char info[] = "INFO: ", message[] = "A log message";
	struct iovec bufs[2] = { { info, strlen(info) }, { message, strlen(message) } };
	write_all(ring, fd, bufs, 2);
	printf("write_all: done\n");

	if (uring_close(ring, fd, (void *)CLOSE_LOG) <= 0)
		return 1;
	printf("submit: %d\n", uring_submit(ring));
	c = wait_with_retry(ring);
	printf("wait: result %d, data %s\n", c.result, step_name[step_of(&c)]);
	if (c.result != 0)
		return 1;

	int ret = uring_exit(ring);
	printf("exit: %d\n", ret);
	return ret == 0 ? 0 : 1;
}
