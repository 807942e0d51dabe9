/* SPDX-License-Identifier: ISC */
/* Shared by the socket test programs: loopback sockets, close-on-exec checks. */
#ifndef CURING_TESTS_NET_HELPERS_H
#define CURING_TESTS_NET_HELPERS_H

#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sys/socket.h>

#include "helpers.h"

static inline struct sockaddr_in loopback(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	return a;
}

static inline uint16_t local_port(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	assert_int_equal(getsockname(fd, (struct sockaddr *)&a, &len), 0);
	return ntohs(a.sin_port);
}

/* A listening TCP socket on 127.0.0.1 and an ephemeral port. */
static inline int tcp_listener(uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = loopback(0);
	assert_int_equal(bind(fd, (struct sockaddr *)&a, sizeof(a)), 0);
	assert_int_equal(listen(fd, 128), 0);
	*port = local_port(fd);
	return fd;
}

/* A connected loopback TCP pair made with plain syscalls. */
static inline void tcp_pair(int *client, int *server)
{
	uint16_t port;
	int l = tcp_listener(&port);
	*client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(*client >= 0);
	struct sockaddr_in a = loopback(port);
	assert_int_equal(connect(*client, (struct sockaddr *)&a, sizeof(a)), 0);
	*server = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	assert_true(*server >= 0);
	close(l);
}

/* A client socket connected to 127.0.0.1:port with plain syscalls. */
static inline int connect_to(uint16_t port)
{
	int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(c >= 0);
	struct sockaddr_in a = loopback(port);
	assert_int_equal(connect(c, (struct sockaddr *)&a, sizeof(a)), 0);
	return c;
}

/* The queued job j made a fixed-file job: its fd is a registered slot. */
static inline uring_job fixed(uring *t, uring_job j)
{
	assert_true(j > 0);
	assert_int_equal(uring_job_set_flags(t, j, URING_FIXED_FILE), 0);
	return j;
}

/* FD_CLOEXEC, and O_CLOEXEC in the kernel's own view (fdinfo "flags:"). */
static inline void assert_cloexec(int fd)
{
	assert_true(fd >= 0);
	assert_true(fcntl(fd, F_GETFD) & FD_CLOEXEC);
	char path[64], line[128];
	snprintf(path, sizeof(path), "/proc/self/fdinfo/%d", fd);
	FILE *f = fopen(path, "re");
	assert_non_null(f);
	unsigned long flags = 0;
	int found = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "flags: %lo", &flags) == 1)
			found = 1;
	fclose(f);
	assert_true(found);
	assert_true(flags & O_CLOEXEC);
}

/* Submits and waits for one completion of the job just queued. */
static inline uring_completion run_one(uring *t, uring_job job)
{
	assert_true(job > 0);
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, job);
	return c;
}

/* Waits for the completions of two jobs, in whichever order they come. */
static inline void run_two(uring *t, uring_job a, uring_completion *ca, uring_job b,
			   uring_completion *cb)
{
	*ca = *cb = (uring_completion){ .job = 0 };
	for (int i = 0; i < 2; i++) {
		uring_completion c = wait_one(t);
		if (c.job == a)
			*ca = c;
		else if (c.job == b)
			*cb = c;
		else
			fail_msg("completion for an unexpected job %lld", (long long)c.job);
	}
}

#endif
