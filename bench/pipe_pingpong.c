/* SPDX-License-Identifier: ISC */
/*
 * Pipe ping-pong between two processes: epoll + read/write against curing.
 *
 *   pipe_pingpong -m epoll|curing [-n pairs] [-l len] [-d secs] [-c cpuA,cpuB] [-S] [-R]
 *
 * The parent and a forked child share n pairs of pipes.  On each pair one
 * message of len bytes (at most PIPE_BUF, so a write is atomic) goes
 * parent -> child -> parent, over and over, for d seconds.  Both
 * processes use the same mechanism:
 *   epoll:  epoll_wait, then read and write on each ready pipe;
 *   curing: where the kernel has IORING_OP_READ_MULTISHOT (6.7), one
 *           multishot read per pipe into a buffer ring shared by the pipes;
 *           each completion writes the buffer back and recycles it when
 *           the write completes.  Elsewhere (or with -R) a read job per
 *           pipe, queued again with each write: with one message in flight
 *           it is always queued before its data exists, so it fails with
 *           EAGAIN, arms a poll and retries from task work, the cycle the
 *           multishot read removes (it stays polled).  Either way one
 *           uring_wait_many per loop (submit, then wait for the writes just
 *           queued, which complete inline, plus at least one read: one
 *           enter), on a SINGLE_ISSUER | DEFER_TASKRUN ring.
 * Prints one line, path= naming what ran (epoll, read_multishot, read):
 *
 *   pipe mode=M path=P pairs=N len=L secs=S rt=R rt_per_s=X cpu_us=C user_us=U sys_us=S sc_...=..
 *
 * cpu_us is both processes' CPU (getrusage of self and the reaped child);
 * -S counts both processes' syscalls (bench_common.h).
 */
#include <limits.h>
#include <sched.h>
#include <sys/epoll.h>
#include <sys/wait.h>

#include "bench_common.h"
#include "uring.h"

static int mode_curing, n_pairs = 1, msg_len = 64;
static int no_multishot;   /* -R: single reads even where multishot exists */
static const char *path_ran = "epoll";
static double secs = 2.0;
static int cpu_a = -1, cpu_b = -1;

/* n_pairs as an allocation count (checked to be 1..4096 in main) */
static size_t npairs(void)
{
	return n_pairs > 0 && n_pairs <= 4096 ? (size_t)n_pairs : 1;
}

static void pin(int cpu)
{
	if (cpu < 0)
		return;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0)
		perror("sched_setaffinity");
}

/* ---- epoll ---- */

/* in[i] is read, out[i] written.  The starter writes first.  Runs until
 * *stop, or (non-starter) until its pipes report EOF.  Returns round trips
 * seen (reads completed). */
static uint64_t run_epoll(const int *in, const int *out, int starter, uint64_t deadline)
{
	char buf[PIPE_BUF];
	memset(buf, 'x', sizeof(buf));
	int ep = epoll_create1(EPOLL_CLOEXEC);
	for (int i = 0; i < n_pairs; i++) {
		struct epoll_event ev = { .events = EPOLLIN, .data.u32 = (uint32_t)i };
		epoll_ctl(ep, EPOLL_CTL_ADD, in[i], &ev);
		if (starter && write(out[i], buf, (size_t)msg_len) != msg_len) {
			perror("write");
			exit(1);
		}
	}
	size_t *got = calloc(npairs(), sizeof(*got));
	uint64_t rt = 0;
	int open_pipes = n_pairs;
	struct epoll_event evs[256];
	while (open_pipes > 0) {
		if (starter && bench_now_ns() >= deadline)
			break;
		int n = epoll_wait(ep, evs, 256, starter ? 100 : -1);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("epoll_wait");
			exit(1);
		}
		for (int k = 0; k < n; k++) {
			int i = (int)evs[k].data.u32;
			ssize_t r = read(in[i], buf, (size_t)msg_len - got[i]);
			if (r < 0 && errno == EAGAIN)
				continue;
			if (r <= 0) {
				epoll_ctl(ep, EPOLL_CTL_DEL, in[i], NULL);
				open_pipes--;
				continue;
			}
			got[i] += (size_t)r;
			if (got[i] < (size_t)msg_len)
				continue;
			got[i] = 0;
			rt++;
			if (write(out[i], buf, (size_t)msg_len) != msg_len) {
				perror("write");
				exit(1);
			}
		}
	}
	free(got);
	close(ep);
	return rt;
}

/* ---- curing ---- */

struct pipe_job {
	int idx;
	int is_read;
	int bid;        /* write: the buffer ring's buffer it sends, -1 for none */
};

/* The multishot path's buffer ring, NULL on the single-read path. */
static uring_buf_ring *br;

static void must_queue(uring_job j)
{
	if (j < 0) {
		fprintf(stderr, "queue: %s\n", uring_error_name((int)j));
		exit(1);
	}
}

static void queue_read(uring *t, int fd, char *buf, struct pipe_job *pj)
{
	uring_job j;
	while ((j = uring_read(t, fd, buf, (unsigned)msg_len, -1, pj)) == 0)
		uring_submit(t);
	must_queue(j);
}

static void queue_write(uring *t, int fd, const char *buf, struct pipe_job *pj)
{
	uring_job j;
	while ((j = uring_write(t, fd, buf, (unsigned)msg_len, -1, pj)) == 0)
		uring_submit(t);
	must_queue(j);
}

static uring *make_ring(unsigned depth)
{
	uring_options o = { .setup_flags = URING_SETUP_SINGLE_ISSUER | URING_SETUP_DEFER_TASKRUN };
	uring *t = uring_create(depth, &o);
	if (!t)
		t = uring_create(depth, NULL);   /* kernels before 6.1 */
	if (!t) {
		perror("uring_create");
		exit(1);
	}
	return t;
}

/* Two buffers of PIPE_BUF per pair, a power of two in all: each pair holds
 * one until its write completes, and after every read the kernel tries the
 * pipe again at once, taking a buffer first; without a spare that try ends
 * the job with -ENOBUFS and it must be queued again each message.  NULL
 * where multishot read is missing or -R asked for single reads. */
static uring_buf_ring *make_buf_ring(uring *t)
{
	if (no_multishot || !uring_op_supported(t, URING_OP_READ_MULTISHOT))
		return NULL;
	unsigned n = 1;
	while (n < 2 * npairs())
		n <<= 1;
	return uring_buf_ring_create(t, 0, n, PIPE_BUF);
}

static void queue_read_multishot(uring *t, int fd, struct pipe_job *pj)
{
	uring_job j;
	while ((j = uring_read_multishot(t, fd, br, pj)) == 0)
		uring_submit(t);
	must_queue(j);
}

/* The bytes of read completion c (NULL at end of file, on an error or
 * -ENOBUFS).  Multishot: queues the read again where the job ended but
 * the pipe did not (-ENOBUFS, a full CQ); *bid gets the buffer to recycle
 * when the write of those bytes completes. */
static char *read_done(uring *t, const uring_completion *c, int in_fd, struct pipe_job *pj,
		       char *own_buf, int *bid)
{
	*bid = -1;
	if (!br)
		return c->result > 0 ? own_buf : NULL;
	if (!(c->flags & URING_CQE_F_MORE) && (c->result > 0 || c->result == -ENOBUFS))
		queue_read_multishot(t, in_fd, pj);
	if (c->result <= 0)
		return NULL;
	*bid = uring_completion_buffer_id(c);
	return uring_buf_ring_buffer(br, (unsigned)*bid, NULL);
}

static uint64_t run_curing(const int *in, const int *out, int starter, uint64_t deadline)
{
	unsigned depth = 1;
	while (depth < (unsigned)(2 * n_pairs + 8))
		depth <<= 1;
	uring *t = make_ring(depth);
	br = make_buf_ring(t);
	path_ran = br ? "read_multishot" : "read";
	char *bufs = calloc(npairs(), PIPE_BUF);
	struct pipe_job *jobs = calloc(npairs() * 2, sizeof(*jobs));
	for (int i = 0; i < n_pairs; i++) {
		jobs[2 * i] = (struct pipe_job){ .idx = i, .is_read = 1, .bid = -1 };
		jobs[2 * i + 1] = (struct pipe_job){ .idx = i, .is_read = 0, .bid = -1 };
		if (starter)
			queue_write(t, out[i], bufs + (size_t)i * PIPE_BUF, &jobs[2 * i + 1]);
		if (br)
			queue_read_multishot(t, in[i], &jobs[2 * i]);
		else
			queue_read(t, in[i], bufs + (size_t)i * PIPE_BUF, &jobs[2 * i]);
	}
	uint64_t rt = 0;
	int open_pipes = n_pairs;
	unsigned writes_out = starter ? (unsigned)n_pairs : 0;   /* queued, not yet collected */
	uring_completion cs[256];
	while (open_pipes > 0 && !(starter && bench_now_ns() >= deadline)) {
		/* Every write completes (inline, mostly); every open pipe has a
		 * read out: writes_out + 1 can always be met, and is one read. */
		unsigned min = writes_out + 1 < 256 ? writes_out + 1 : 256;
		int n = uring_wait_many(t, cs, 256, min, URING_WAIT_FOREVER);
		if (n < 0) {
			fprintf(stderr, "uring_wait_many: %s\n", uring_error_name(n));
			exit(1);
		}
		for (int k = 0; k < n; k++) {
			struct pipe_job *pj = cs[k].data;
			int i = pj->idx;
			if (!pj->is_read) {
				writes_out--;
				if (cs[k].result != msg_len) {
					fprintf(stderr, "write: %d\n", cs[k].result);
					exit(1);
				}
				if (pj->bid >= 0)
					uring_buf_ring_recycle(br, (unsigned)pj->bid);
				pj->bid = -1;
				continue;
			}
			int bid;
			char *buf = read_done(t, &cs[k], in[i], pj, bufs + (size_t)i * PIPE_BUF, &bid);
			if (cs[k].result == -ENOBUFS)
				continue;   /* queued again; the data is still in the pipe */
			if (!buf) {
				open_pipes--;   /* EOF: the other side is done */
				continue;
			}
			if (cs[k].result != msg_len) {
				/* Writes of <= PIPE_BUF are atomic and one message is in
				 * flight per pipe, so a short read would be a bug. */
				fprintf(stderr, "short pipe read: %d\n", cs[k].result);
				exit(1);
			}
			rt++;
			jobs[2 * i + 1].bid = bid;
			queue_write(t, out[i], buf, &jobs[2 * i + 1]);
			writes_out++;
			if (!br)
				queue_read(t, in[i], buf, &jobs[2 * i]);
		}
	}
	/* The starter stops with reads outstanding: leave them to process exit. */
	return rt;
}

int main(int argc, char **argv)
{
	int count_sc = 0, opt;
	const char *mode = "epoll";
	while ((opt = getopt(argc, argv, "m:n:l:d:c:SR")) != -1) {
		switch (opt) {
		case 'm': mode = optarg; break;
		case 'n': n_pairs = (int)bench_arg_long(optarg, "pairs"); break;
		case 'l': msg_len = (int)bench_arg_long(optarg, "len"); break;
		case 'd': secs = atof(optarg); break;
		case 'c':
			if (sscanf(optarg, "%d,%d", &cpu_a, &cpu_b) != 2) {
				fprintf(stderr, "-c wants cpuA,cpuB\n");
				return 2;
			}
			break;
		case 'S': count_sc = 1; break;
		case 'R': no_multishot = 1; break;
		default:
			fprintf(stderr, "usage: %s -m epoll|curing [-n pairs] [-l len] [-d secs] "
					"[-c cpuA,cpuB] [-S] [-R]\n", argv[0]);
			return 2;
		}
	}
	if (strcmp(mode, "epoll") != 0 && strcmp(mode, "curing") != 0) {
		fprintf(stderr, "mode is epoll or curing\n");
		return 2;
	}
	mode_curing = mode[0] == 'c';
	if (n_pairs < 1 || n_pairs > 4096 || msg_len < 1 || msg_len > PIPE_BUF || secs <= 0) {
		fprintf(stderr, "need 1 <= pairs <= 4096, 1 <= len <= %d, secs > 0\n", PIPE_BUF);
		return 2;
	}
	bench_raise_nofile();
	signal(SIGPIPE, SIG_IGN);
	if (count_sc)
		bench_sc_open();   /* inherited by the child, folded in when it exits */

	int *to_child = calloc(npairs() * 2, sizeof(int));
	int *to_parent = calloc(npairs() * 2, sizeof(int));
	int *p_in = calloc(npairs(), sizeof(int)), *p_out = calloc(npairs(), sizeof(int));
	int *c_in = calloc(npairs(), sizeof(int)), *c_out = calloc(npairs(), sizeof(int));
	for (int i = 0; i < n_pairs; i++) {
		int flags = O_CLOEXEC | (mode_curing ? 0 : O_NONBLOCK);
		if (pipe2(&to_child[2 * i], flags) < 0 || pipe2(&to_parent[2 * i], flags) < 0) {
			perror("pipe2");
			return 1;
		}
		p_in[i] = to_parent[2 * i];
		p_out[i] = to_child[2 * i + 1];
		c_in[i] = to_child[2 * i];
		c_out[i] = to_parent[2 * i + 1];
	}

	pid_t pid = fork();
	if (pid < 0) {
		perror("fork");
		return 1;
	}
	if (pid == 0) {
		pin(cpu_b);
		for (int i = 0; i < n_pairs; i++) {
			close(p_in[i]);
			close(p_out[i]);
		}
		if (mode_curing)
			run_curing(c_in, c_out, 0, 0);
		else
			run_epoll(c_in, c_out, 0, 0);
		_exit(0);
	}
	pin(cpu_a);
	for (int i = 0; i < n_pairs; i++) {
		close(c_in[i]);
		close(c_out[i]);
	}
	uint64_t t0 = bench_now_ns();
	uint64_t deadline = t0 + (uint64_t)(secs * 1e9);
	uint64_t rt = mode_curing ? run_curing(p_in, p_out, 1, deadline)
				  : run_epoll(p_in, p_out, 1, deadline);
	uint64_t t1 = bench_now_ns();
	for (int i = 0; i < n_pairs; i++)
		close(p_out[i]);   /* the child reads EOF and exits */
	int status;
	if (waitpid(pid, &status, 0) < 0 || !WIFEXITED(status) || WEXITSTATUS(status) != 0) {
		fprintf(stderr, "child failed\n");
		return 1;
	}
	uint64_t u_self, s_self, u_child, s_child;
	bench_cpu_us(RUSAGE_SELF, &u_self, &s_self);
	bench_cpu_us(RUSAGE_CHILDREN, &u_child, &s_child);
	double el = (double)(t1 - t0) / 1e9;
	printf("pipe mode=%s path=%s pairs=%d len=%d secs=%.3f rt=%llu rt_per_s=%.1f cpu_us=%llu user_us=%llu "
	       "sys_us=%llu",
	       mode, path_ran, n_pairs, msg_len, el, (unsigned long long)rt, (double)rt / el,
	       (unsigned long long)(u_self + s_self + u_child + s_child),
	       (unsigned long long)(u_self + u_child), (unsigned long long)(s_self + s_child));
	bench_sc_print(stdout);
	printf("\n");
	return 0;
}
