/* SPDX-License-Identifier: ISC */
/*
 * Helpers shared by the network and pipe benchmarks: clocks, CPU time, the
 * stop signal, RLIMIT_NOFILE, the echo byte pattern, and the kernel's own
 * count of this process's syscalls.
 *
 * Syscall counting.  curing makes its io_uring_enter calls inline, so a
 * server cannot count them by wrapping a function.  Instead each server
 * can open perf tracepoint counters on itself (raw_syscalls:sys_enter and
 * a few syscalls:sys_enter_*), which count in the kernel exactly what was
 * entered, by the library or by us.  They need tracefs mounted and
 * perf_event_paranoid permission (root here); without them the counts are
 * reported as -1.  The counters add a small cost per syscall, so the
 * runner turns them on (-S) only in separate counting runs, never in the
 * runs that measure time.
 */
#ifndef CURING_BENCH_COMMON_H
#define CURING_BENCH_COMMON_H

#include <errno.h>
#include <fcntl.h>
#include <linux/perf_event.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <time.h>
#include <unistd.h>

static inline uint64_t bench_now_ns(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static inline uint64_t bench_tv_us(struct timeval tv)
{
	return (uint64_t)tv.tv_sec * 1000000u + (uint64_t)tv.tv_usec;
}

/* user and system CPU of this process (RUSAGE_SELF) or its children */
static inline void bench_cpu_us(int who, uint64_t *user_us, uint64_t *sys_us)
{
	struct rusage ru;
	getrusage(who, &ru);
	*user_us = bench_tv_us(ru.ru_utime);
	*sys_us = bench_tv_us(ru.ru_stime);
}

/* Resident set size now, in KiB (/proc/self/statm), or -1. */
static inline long bench_rss_kb(void)
{
	long pages = -1, resident = -1;
	FILE *f = fopen("/proc/self/statm", "r");
	if (!f)
		return -1;
	if (fscanf(f, "%ld %ld", &pages, &resident) != 2)
		resident = -1;
	fclose(f);
	return resident < 0 ? -1 : resident * (sysconf(_SC_PAGESIZE) / 1024);
}

/* The server's RSS once set up, before the first connection: the peak
 * (ru_maxrss) less this is what its connections cost it, buffers touched
 * included (kernel socket memory is not in it). */
static long bench_rss_base = -1;

static inline void bench_mark_rss_base(void)
{
	bench_rss_base = bench_rss_kb();
}

/* " user_us=.. sys_us=.. vcsw=.. ivcsw=.. maxrss_kb=.. rss_base_kb=..": CPU
 * time, how often the process blocked (voluntary switches: each one a
 * wake-up to pay for by whoever wakes it) or was preempted, and memory. */
static inline void bench_print_rusage(FILE *out)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	fprintf(out, " user_us=%llu sys_us=%llu vcsw=%ld ivcsw=%ld maxrss_kb=%ld rss_base_kb=%ld",
		(unsigned long long)bench_tv_us(ru.ru_utime),
		(unsigned long long)bench_tv_us(ru.ru_stime), ru.ru_nvcsw, ru.ru_nivcsw, ru.ru_maxrss,
		bench_rss_base);
}

/* Set by SIGTERM / SIGINT.  No SA_RESTART: a blocking wait returns EINTR. */
static volatile sig_atomic_t bench_stop;

static void bench_on_signal(int sig)
{
	(void)sig;
	bench_stop = 1;
}

static inline void bench_install_stop(void)
{
	struct sigaction sa;
	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = bench_on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGTERM, &sa, NULL);
	sigaction(SIGINT, &sa, NULL);
	signal(SIGPIPE, SIG_IGN);
}

/* Raises the fd limit for 1000 connections and more: both limits to 65536
 * where allowed (root), else the soft limit to the hard one. */
static inline void bench_raise_nofile(void)
{
	struct rlimit rl;
	if (getrlimit(RLIMIT_NOFILE, &rl) != 0)
		return;
	if (rl.rlim_max < 65536) {
		struct rlimit want = { .rlim_cur = 65536, .rlim_max = 65536 };
		if (setrlimit(RLIMIT_NOFILE, &want) == 0)
			return;
	}
	if (rl.rlim_cur < rl.rlim_max) {
		rl.rlim_cur = rl.rlim_max;
		setrlimit(RLIMIT_NOFILE, &rl);
	}
}

/* A TCP listener on 127.0.0.1:port (type_flags: SOCK_NONBLOCK or 0),
 * backlog 4096; exits on failure. */
static inline int bench_listen(int port, int type_flags)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | type_flags, 0);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (fd < 0 || bind(fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(fd, 4096) < 0) {
		perror("listen");
		exit(1);
	}
	return fd;
}

/*
 * The echo pattern: connection c's byte stream is an endless read of a
 * table of pseudo-random bytes, starting at a per-connection phase.  The
 * table length is a prime, so the stream is not periodic in any message
 * length, and it is stored twice so that any window of up to
 * BENCH_PAT_LEN bytes is contiguous.
 */
#define BENCH_PAT_LEN 65521u
static unsigned char bench_pat[2 * BENCH_PAT_LEN];

static inline void bench_pat_init(void)
{
	uint64_t x = 0x9e3779b97f4a7c15u;
	for (unsigned i = 0; i < BENCH_PAT_LEN; i++) {
		x ^= x << 13;
		x ^= x >> 7;
		x ^= x << 17;
		bench_pat[i] = bench_pat[i + BENCH_PAT_LEN] = (unsigned char)(x >> 24);
	}
}

/* The bytes of connection conn's stream from offset off (len <= BENCH_PAT_LEN). */
static inline const unsigned char *bench_pat_at(unsigned conn, uint64_t off)
{
	return &bench_pat[(conn * 7919u + off) % BENCH_PAT_LEN];
}

/* ---- the kernel's count of our syscalls ---- */

enum { BENCH_SC_TOTAL, BENCH_SC_ENTER, BENCH_SC_EPOLL_WAIT, BENCH_SC_READ, BENCH_SC_WRITE,
       BENCH_SC_RECV, BENCH_SC_SEND, BENCH_SC_N };

static const char *const bench_sc_event[BENCH_SC_N] = {
	"raw_syscalls/sys_enter", "syscalls/sys_enter_io_uring_enter",
	"syscalls/sys_enter_epoll_wait", "syscalls/sys_enter_read",
	"syscalls/sys_enter_write", "syscalls/sys_enter_recvfrom",
	"syscalls/sys_enter_sendto",
};
static const char *const bench_sc_name[BENCH_SC_N] = {
	"sc_total", "sc_io_uring_enter", "sc_epoll_wait", "sc_read", "sc_write",
	"sc_recvfrom", "sc_sendto",
};

static int bench_sc_fd[BENCH_SC_N] = { -1, -1, -1, -1, -1, -1, -1 };

static long bench_tracepoint_id(const char *event)
{
	static const char *const roots[] = { "/sys/kernel/tracing/events",
					     "/sys/kernel/debug/tracing/events" };
	for (unsigned r = 0; r < 2; r++) {
		char path[256];
		snprintf(path, sizeof(path), "%s/%s/id", roots[r], event);
		FILE *f = fopen(path, "r");
		if (!f)
			continue;
		long id = -1;
		if (fscanf(f, "%ld", &id) != 1)
			id = -1;
		fclose(f);
		if (id >= 0)
			return id;
	}
	return -1;
}

/* Opens the counters on this process (this thread and threads it makes
 * later).  Returns how many opened; a missing one reads as -1. */
static inline int bench_sc_open(void)
{
	int opened = 0;
	for (int i = 0; i < BENCH_SC_N; i++) {
		long id = bench_tracepoint_id(bench_sc_event[i]);
		if (id < 0)
			continue;
		struct perf_event_attr a;
		memset(&a, 0, sizeof(a));
		a.type = PERF_TYPE_TRACEPOINT;
		a.size = sizeof(a);
		a.config = (uint64_t)id;
		a.inherit = 1;
		a.disabled = 0;
		int fd = (int)syscall(SYS_perf_event_open, &a, 0, -1, -1, PERF_FLAG_FD_CLOEXEC);
		if (fd >= 0) {
			bench_sc_fd[i] = fd;
			opened++;
		}
	}
	return opened;
}

static inline long long bench_sc_read(int i)
{
	uint64_t v;
	if (bench_sc_fd[i] < 0 || read(bench_sc_fd[i], &v, sizeof(v)) != (ssize_t)sizeof(v))
		return -1;
	return (long long)v;
}

/* Appends " sc_total=... sc_io_uring_enter=..." to a report line.  Read
 * once each at exit: the reads themselves come after every counted call. */
static inline void bench_sc_print(FILE *out)
{
	long long v[BENCH_SC_N];
	for (int i = 0; i < BENCH_SC_N; i++)
		v[i] = bench_sc_read(i);
	for (int i = 0; i < BENCH_SC_N; i++)
		fprintf(out, " %s=%lld", bench_sc_name[i], v[i]);
}

/* Parses a non-negative integer option, exiting on garbage. */
static inline long bench_arg_long(const char *s, const char *what)
{
	char *end;
	errno = 0;
	long v = strtol(s, &end, 10);
	if (errno || end == s || *end || v < 0) {
		fprintf(stderr, "bad %s: %s\n", what, s);
		exit(2);
	}
	return v;
}

#endif
