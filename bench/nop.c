/* SPDX-License-Identifier: ISC */
/*
 * Nop throughput: ns per op at batch sizes 1, 8, 32, 128, for curing and,
 * in the same run when liburing is available, for liburing (default setup,
 * and with its ring fd registered, which curing does by default).  Rounds
 * are interleaved (curing, liburing, liburing+reg, curing, ...) and each
 * point reports the median and the min..max over the rounds, and the
 * curing/liburing ratio of medians.  Also reports curing's heap memory per
 * ring and per job in flight.
 *
 * Usage: nop [--quick]
 *        nop --count IMPL BATCH OPS   (one implementation, for callgrind)
 * Output: one "nop impl=... batch=... ns_per_op=..." line per measurement,
 * then a Markdown table.  --count runs OPS nops of IMPL (curing, liburing,
 * liburing+regfd) at BATCH inside counted_run, after a warm-up outside it,
 * so that `valgrind --tool=callgrind --toggle-collect=counted_run` counts
 * the user instructions of exactly those ops (bench/callgrind_nop.sh).
 */
#include <errno.h>
#include <malloc.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "uring.h"
#ifdef HAVE_LIBURING
#include <liburing.h>
#endif

#define DEPTH 128
#define MAX_ROUNDS 15

static const unsigned batches[] = { 1, 8, 32, 128 };
#define N_BATCHES (sizeof(batches) / sizeof(batches[0]))

enum impl { CURING, LIBURING, LIBURING_REG, N_IMPLS };
static const char *const impl_names[N_IMPLS] = { "curing", "liburing", "liburing+regfd" };

static double now_s(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static void die(const char *what, int err)
{
	fprintf(stderr, "nop: %s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

/* queue `batch` nops, one submit, reap them all: one syscall per batch */
static double run_curing(uring *t, unsigned batch, unsigned long ops)
{
	uring_completion c[DEPTH];
	double start = now_s();
	for (unsigned long done = 0; done < ops; done += batch) {
		for (unsigned k = 0; k < batch; k++)
			if (uring_noop(t, NULL) <= 0)
				die("uring_noop", EAGAIN);
		int ret = uring_submit(t);
		if (ret != (int)batch)
			die("uring_submit", ret < 0 ? ret : EIO);
		for (unsigned got = 0; got < batch;) {
			int n = uring_reap(t, c, DEPTH);
			if (n < 0)
				die("uring_reap", n);
			if (n == 0) {
				n = uring_wait(t, c);
				if (n < 0)
					die("uring_wait", n);
			}
			got += (unsigned)n;
		}
	}
	return (now_s() - start) * 1e9 / (double)ops;
}

#ifdef HAVE_LIBURING
/* What every real consumer does with a CQE, and what curing's reap hands
 * back: the user data and the result.  Kept so the loop cannot be elided. */
static volatile uint64_t cqe_sink;

static double run_liburing(struct io_uring *ring, unsigned batch, unsigned long ops)
{
	double start = now_s();
	for (unsigned long done = 0; done < ops; done += batch) {
		for (unsigned k = 0; k < batch; k++) {
			struct io_uring_sqe *sqe = io_uring_get_sqe(ring);
			if (!sqe)
				die("io_uring_get_sqe", EAGAIN);
			io_uring_prep_nop(sqe);
			sqe->user_data = k + 1;
		}
		int ret = io_uring_submit(ring);
		if (ret != (int)batch)
			die("io_uring_submit", ret < 0 ? ret : EIO);
		for (unsigned got = 0; got < batch;) {
			struct io_uring_cqe *cqe;
			unsigned head, n = 0;
			uint64_t sink = 0;
			io_uring_for_each_cqe(ring, head, cqe) {
				sink += cqe->user_data + (uint64_t)cqe->res;
				n++;
			}
			cqe_sink += sink;
			if (n == 0) {
				ret = io_uring_wait_cqe(ring, &cqe);
				if (ret < 0)
					die("io_uring_wait_cqe", ret);
				continue;
			}
			io_uring_cq_advance(ring, n);
			got += n;
		}
	}
	return (now_s() - start) * 1e9 / (double)ops;
}
#endif

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

struct point {
	double v[MAX_ROUNDS];
	unsigned n;
};

static double median(struct point *p)
{
	qsort(p->v, p->n, sizeof(double), cmp_double);
	return p->n % 2 ? p->v[p->n / 2] : (p->v[p->n / 2 - 1] + p->v[p->n / 2]) / 2;
}

/* Bytes mapped from io_uring fds, read from /proc/self/maps. */
static size_t io_uring_mapped_bytes(void)
{
	FILE *f = fopen("/proc/self/maps", "r");
	if (!f)
		return 0;
	char line[512];
	size_t total = 0;
	while (fgets(line, sizeof(line), f)) {
		unsigned long lo, hi;
		if (strstr(line, "io_uring") && sscanf(line, "%lx-%lx", &lo, &hi) == 2)
			total += hi - lo;
	}
	fclose(f);
	return total;
}

/* Bytes the program holds from malloc: small chunks (uordblks) and the
 * large ones glibc serves with mmap (hblkhd), such as a grown job heap. */
static size_t heap_held(void)
{
	struct mallinfo2 mi = mallinfo2();
	return mi.uordblks + mi.hblkhd;
}

/* curing's own heap: measured before anything is freed, so no allocator
 * cache hides an allocation. */
static void report_memory(void)
{
	size_t before = heap_held();
	uring *t = uring_create(DEPTH, NULL);
	if (!t)
		die("uring_create", errno);
	size_t per_ring = heap_held() - before;
	size_t ring_mmap = io_uring_mapped_bytes();

	enum { JOBS = 16384 };
	size_t before_jobs = heap_held();
	for (unsigned i = 0; i < JOBS; i++) {
		if (uring_noop(t, NULL) <= 0) {
			if (uring_submit(t) < 0)
				die("uring_submit", EIO);
			i--;
		}
	}
	if (uring_submit(t) < 0)
		die("uring_submit", EIO);
	double per_job = ((double)heap_held() - (double)before_jobs) / JOBS;
	uring_completion c[DEPTH];
	for (unsigned got = 0; got < JOBS;) {
		int n = uring_reap(t, c, DEPTH);
		got += n > 0 ? (unsigned)n : (unsigned)uring_wait(t, c);
	}
	uring_exit(t);
	printf("mem impl=curing depth=%d heap_bytes_per_ring=%zu ring_mmap_bytes=%zu heap_bytes_per_job_in_flight=%.1f\n",
	       DEPTH, per_ring, ring_mmap, per_job);
}

/* The counted loop: callgrind collects only inside this function. */
__attribute__((noinline)) static double counted_run(unsigned impl, void *ring, unsigned batch,
						    unsigned long ops)
{
#ifdef HAVE_LIBURING
	if (impl != CURING)
		return run_liburing(ring, batch, ops);
#endif
	return run_curing(ring, batch, ops);
}

static int count_main(char **argv)
{
	unsigned impl = N_IMPLS;
	for (unsigned i = 0; i < N_IMPLS; i++)
		if (strcmp(argv[2], impl_names[i]) == 0)
			impl = i;
	unsigned batch = (unsigned)strtoul(argv[3], NULL, 10);
	unsigned long ops = strtoul(argv[4], NULL, 10);
	if (impl == N_IMPLS || batch == 0 || batch > DEPTH || ops % batch)
		die("--count IMPL BATCH OPS: bad argument", EINVAL);
	void *ring = NULL;
	uring *t = NULL;
#ifdef HAVE_LIBURING
	struct io_uring lr;
	if (impl != CURING) {
		int ret = io_uring_queue_init(DEPTH, &lr, 0);
		if (ret < 0)
			die("io_uring_queue_init", ret);
		if (impl == LIBURING_REG && io_uring_register_ring_fd(&lr) != 1)
			die("io_uring_register_ring_fd", EOPNOTSUPP);
		ring = &lr;
		(void)run_liburing(ring, batch, 16 * batch);   /* warm-up: not counted */
	}
#else
	if (impl != CURING)
		die("built without liburing", EOPNOTSUPP);
#endif
	if (impl == CURING) {
		if (!(t = uring_create(DEPTH, NULL)))
			die("uring_create", errno);
		ring = t;
		(void)run_curing(t, batch, 16 * batch);
	}
	double ns = counted_run(impl, ring, batch, ops);
	printf("count impl=%s batch=%u ops=%lu ns_per_op=%.2f\n", impl_names[impl], batch, ops, ns);
#ifdef HAVE_LIBURING
	if (impl != CURING)
		io_uring_queue_exit(&lr);
#endif
	if (t)
		uring_exit(t);
	return 0;
}

int main(int argc, char **argv)
{
	if (argc == 5 && strcmp(argv[1], "--count") == 0)
		return count_main(argv);
	int quick = argc > 1 && strcmp(argv[1], "--quick") == 0;
	unsigned rounds = quick ? 3 : 11;
	unsigned long ops_base = quick ? 100000 : 1000000;

	report_memory();

	uring *t = uring_create(DEPTH, NULL);
	if (!t)
		die("uring_create", errno);
	unsigned n_impls = 1;
#ifdef HAVE_LIBURING
	struct io_uring ring, ring_reg;
	int ret = io_uring_queue_init(DEPTH, &ring, 0);
	if (ret < 0)
		die("io_uring_queue_init", ret);
	ret = io_uring_queue_init(DEPTH, &ring_reg, 0);
	if (ret < 0)
		die("io_uring_queue_init", ret);
	if (io_uring_register_ring_fd(&ring_reg) == 1)
		n_impls = N_IMPLS;
	else
		n_impls = 2;
#endif
	static struct point pts[N_BATCHES][N_IMPLS];
	for (unsigned r = 0; r < rounds; r++) {
		for (unsigned b = 0; b < N_BATCHES; b++) {
			unsigned long ops = ops_base / (batches[b] == 1 ? 4 : 1);
			ops -= ops % batches[b];
			for (unsigned i = 0; i < n_impls; i++) {
				double ns = 0;
				if (i == CURING)
					ns = run_curing(t, batches[b], ops);
#ifdef HAVE_LIBURING
				else
					ns = run_liburing(i == LIBURING ? &ring : &ring_reg, batches[b], ops);
#endif
				pts[b][i].v[pts[b][i].n++] = ns;
				printf("nop impl=%s batch=%u round=%u ns_per_op=%.2f\n", impl_names[i], batches[b], r, ns);
			}
		}
	}
	fflush(stdout);
	printf("\n| batch | curing ns/op (min..max) |");
	for (unsigned i = 1; i < n_impls; i++)
		printf(" %s ns/op (min..max) | curing/%s |", impl_names[i], impl_names[i]);
	printf("\n|---|---|");
	for (unsigned i = 1; i < n_impls; i++)
		printf("---|---|");
	printf("\n");
	for (unsigned b = 0; b < N_BATCHES; b++) {
		double med[N_IMPLS];
		printf("| %u |", batches[b]);
		for (unsigned i = 0; i < n_impls; i++) {
			med[i] = median(&pts[b][i]);
			printf(" %.1f (%.1f..%.1f) |", med[i], pts[b][i].v[0], pts[b][i].v[pts[b][i].n - 1]);
			if (i > 0)
				printf(" %.2f |", med[0] / med[i]);
		}
		printf("\n");
	}
	printf("\n%u interleaved rounds per point; ratio < 1 means curing is faster.\n", rounds);
#ifndef HAVE_LIBURING
	printf("liburing not found at build time: install liburing-dev for the comparison.\n");
#else
	io_uring_queue_exit(&ring);
	io_uring_queue_exit(&ring_reg);
#endif
	uring_exit(t);
	return 0;
}
