/* SPDX-License-Identifier: ISC */
/*
 * File benchmarks, every peer in the same run, interleaved (A,B,C,A,B,C):
 *
 *  1. 4 KiB random reads over one file (1 GiB; 64 MiB with --quick),
 *     O_DIRECT and buffered (page cache warm), queue depth 1, 32, 128:
 *     curing, a blocking pread loop, a pool of pread threads (threads =
 *     depth, at most 64), and fio's io_uring engine when fio is installed
 *     (its defaults: no fixed buffers or files, no SQPOLL; curing gets the
 *     same ring setup fio makes, see bench_ring).
 *  2. A copy of that file: urcp, urcp --fixed, cp (caches flushed with
 *     syncfs before each run; the copy itself is timed, not its writeback).
 *
 * Prints one line per measurement ("file_read ... key=value"), then
 * Markdown tables of medians, spreads (min..max) and curing/peer ratios.
 *
 * Usage: file_read [--quick] [--dir DIR] [--reps N] [--secs S] [--urcp PATH]
 *                  [--depth 1|32|128] [--direct-only]
 * DIR defaults to $CURING_BENCH_DIR, then /var/tmp; the data file is
 * created there once and reused.
 */
#include <errno.h>
#include <fcntl.h>
#include <pthread.h>
#include <spawn.h>
#include <stdatomic.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include <uring.h>

extern char **environ;

#define BS 4096u
#define MAX_THREADS 64
#define MAX_REPS 16

enum engine { E_CURING, E_PREAD, E_THREADS, E_FIO, N_ENGINES };
static const char *const engine_name[] = { "curing", "pread", "threads", "fio" };
enum copier { C_URCP, C_URCP_FIXED, C_CP, N_COPIERS };
static const char *const copier_name[] = { "urcp", "urcp --fixed", "cp" };

static struct {
	const char *dir, *urcp;
	char path[4096];
	uint64_t size;
	double secs;
	int reps, quick, have_fio;
} cfg;

static double now(void)
{
	struct timespec ts;
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + (double)ts.tv_nsec * 1e-9;
}

static uint64_t next_rand(uint64_t *s)
{
	*s ^= *s >> 12;
	*s ^= *s << 25;
	*s ^= *s >> 27;
	return *s * 0x2545F4914F6CDD1Dull;
}

static off_t random_block(uint64_t *s)
{
	return (off_t)((next_rand(s) % (cfg.size / BS)) * BS);
}

static void die(const char *what, int err)
{
	fprintf(stderr, "file_read: %s: %s\n", what, strerror(err));
	exit(1);
}

/* ---- the data file ---- */

static void make_file(void)
{
	struct stat st;
	if (stat(cfg.path, &st) == 0 && (uint64_t)st.st_size == cfg.size)
		return;
	fprintf(stderr, "file_read: creating %s (%llu MiB)\n", cfg.path, (unsigned long long)(cfg.size >> 20));
	int fd = open(cfg.path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0644);
	if (fd < 0)
		die(cfg.path, errno);
	size_t chunk = 1 << 20;
	uint64_t *buf = malloc(chunk), seed = 42;
	for (uint64_t off = 0; off < cfg.size; off += chunk) {
		for (size_t i = 0; i < chunk / 8; i++)
			buf[i] = next_rand(&seed);
		if (pwrite(fd, buf, chunk, (off_t)off) != (ssize_t)chunk)
			die("write", errno);
	}
	if (fsync(fd) != 0)
		die("fsync", errno);
	close(fd);
	free(buf);
}

static int open_data(int direct)
{
	int fd = open(cfg.path, O_RDONLY | O_CLOEXEC | (direct ? O_DIRECT : 0));
	if (fd < 0)
		die(direct ? "open O_DIRECT" : "open", errno);
	return fd;
}

static void warm_cache(void)
{
	int fd = open_data(0);
	char *buf = malloc(1 << 20);
	while (read(fd, buf, 1 << 20) > 0)
		;
	free(buf);
	close(fd);
}

/* ---- engines: each returns reads per second ---- */

/* CPU (user + system) per read of the engine run last, in microseconds:
 * main measures it with getrusage around our own engines; fio reports
 * its own. */
static double last_cpu_us_per_io;

/*
 * The ring as fio's io_uring engine sets its own up (fio 3.33+): one issuer,
 * task work deferred to the wait, so completions interrupt nobody; falling
 * back to cooperative task work, then to the defaults, on older kernels.
 */
static uring *bench_ring(unsigned depth)
{
	static const uint32_t flag_sets[] = {
		URING_SETUP_SINGLE_ISSUER | URING_SETUP_DEFER_TASKRUN,
		URING_SETUP_COOP_TASKRUN,
		0,
	};
	/* CURING_BENCH_SETUP=coop or =plain starts further down the list. */
	const char *want = getenv("CURING_BENCH_SETUP");
	size_t first = want && strcmp(want, "coop") == 0 ? 1 : want && strcmp(want, "plain") == 0 ? 2 : 0;
	for (size_t i = first; i < sizeof(flag_sets) / sizeof(flag_sets[0]); i++) {
		uring_options o = { .setup_flags = flag_sets[i] };
		uring *t = uring_create(depth, &o);
		if (t)
			return t;
	}
	die("uring_create", errno);
	return NULL;
}

static double run_curing(int direct, unsigned depth)
{
	int fd = open_data(direct);
	uring *t = bench_ring(depth);
	uint8_t *bufs = aligned_alloc(BS, (size_t)depth * BS);
	uint64_t seed = 0x9E3779B97F4A7C15ull ^ depth, done = 0;
	for (unsigned i = 0; i < depth; i++)
		if (uring_read(t, fd, bufs + (size_t)i * BS, BS, random_block(&seed), (void *)(uintptr_t)i) <= 0)
			die("uring_read", EIO);
	/* fio's pattern: each completion's read is queued and submitted with
	 * the wait for the next (one io_uring_enter per read), so the device
	 * always has `depth` reads.  Taking every completion ready at once
	 * (uring_reap after the wait) makes ~10x fewer calls and half the CPU
	 * per read, but lets the queue drain between batches: 0.8-0.9x the
	 * IOPS at depth 32 O_DIRECT on this virtio disk. */
	uring_completion c[1];
	double start = now(), end = start + cfg.secs, t_now = start;
	unsigned inflight = depth;
	while (inflight > 0) {
		int n = uring_wait(t, &c[0]);
		if (n < 0)
			die("uring_wait", -n);
		if (n == 0)
			continue;
		t_now = now();
		for (int i = 0; i < n; i++) {
			if (c[i].result != (int32_t)BS)
				die("read", c[i].result < 0 ? -c[i].result : EIO);
			done++;
			inflight--;
			if (t_now < end) {
				uintptr_t slot = (uintptr_t)c[i].data;
				if (uring_read(t, fd, bufs + slot * BS, BS, random_block(&seed), c[i].data) <= 0)
					die("uring_read", EIO);
				inflight++;
			}
		}
	}
	double elapsed = now() - start;
	uring_exit(t);
	free(bufs);
	close(fd);
	return (double)done / elapsed;
}

static double run_pread(int direct, unsigned depth)
{
	(void)depth;   /* a blocking loop has one read in flight, whatever the depth */
	int fd = open_data(direct);
	uint8_t *buf = aligned_alloc(BS, BS);
	uint64_t seed = 12345, done = 0;
	double start = now(), end = start + cfg.secs, t_now = start;
	while (t_now < end) {
		for (int i = 0; i < 16; i++, done++)
			if (pread(fd, buf, BS, random_block(&seed)) != (ssize_t)BS)
				die("pread", errno);
		t_now = now();
	}
	free(buf);
	close(fd);
	return (double)done / (t_now - start);
}

struct worker {
	pthread_t th;
	int fd;
	uint64_t seed, done;
	atomic_int *stop;
};

static void *pread_worker(void *arg)
{
	struct worker *w = arg;
	uint8_t *buf = aligned_alloc(BS, BS);
	while (!atomic_load_explicit(w->stop, memory_order_relaxed)) {
		if (pread(w->fd, buf, BS, random_block(&w->seed)) != (ssize_t)BS)
			die("pread", errno);
		w->done++;
	}
	free(buf);
	return NULL;
}

static double run_threads(int direct, unsigned depth)
{
	unsigned n = depth < MAX_THREADS ? depth : MAX_THREADS;
	int fd = open_data(direct);
	atomic_int stop = 0;
	struct worker w[MAX_THREADS];
	double start = now();
	for (unsigned i = 0; i < n; i++) {
		w[i] = (struct worker){ .fd = fd, .seed = 777 + i * 0x1000193ull, .stop = &stop };
		if (pthread_create(&w[i].th, NULL, pread_worker, &w[i]) != 0)
			die("pthread_create", EAGAIN);
	}
	struct timespec ts = { (time_t)cfg.secs, (long)((cfg.secs - (double)(time_t)cfg.secs) * 1e9) };
	nanosleep(&ts, NULL);
	atomic_store(&stop, 1);
	uint64_t done = 0;
	for (unsigned i = 0; i < n; i++) {
		pthread_join(w[i].th, NULL);
		done += w[i].done;
	}
	double elapsed = now() - start;
	close(fd);
	return (double)done / elapsed;
}

/* Runs argv, stdout into out (up to cap bytes, NUL-terminated); exit status. */
static int run_child(char *const argv[], char *out, size_t cap, double *seconds)
{
	int p[2];
	if (out && pipe2(p, O_CLOEXEC) != 0)
		die("pipe", errno);
	posix_spawn_file_actions_t fa;
	posix_spawn_file_actions_init(&fa);
	if (out)
		posix_spawn_file_actions_adddup2(&fa, p[1], STDOUT_FILENO);
	pid_t pid;
	double start = now();
	int err = posix_spawnp(&pid, argv[0], &fa, NULL, argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	if (err != 0) {
		if (out) {
			close(p[0]);
			close(p[1]);
		}
		return -1;
	}
	size_t used = 0;
	if (out) {
		close(p[1]);
		ssize_t n;
		while ((n = read(p[0], out + used, cap - 1 - used)) > 0)
			used += (size_t)n;
		out[used] = 0;
		close(p[0]);
	}
	int status;
	waitpid(pid, &status, 0);
	if (seconds)
		*seconds = now() - start;
	return WIFEXITED(status) ? WEXITSTATUS(status) : 128;
}

static double run_fio(int direct, unsigned depth)
{
	char runtime[32], iodepth[32], size[32], filename[4200];
	snprintf(runtime, sizeof(runtime), "--runtime=%dms", (int)(cfg.secs * 1000));
	snprintf(iodepth, sizeof(iodepth), "--iodepth=%u", depth);
	snprintf(size, sizeof(size), "--size=%llu", (unsigned long long)cfg.size);
	snprintf(filename, sizeof(filename), "--filename=%s", cfg.path);
	char *argv[] = { "fio", "--name=randread", filename, size, "--rw=randread", "--bs=4k",
			 "--ioengine=io_uring", iodepth, direct ? "--direct=1" : "--direct=0",
			 runtime, "--time_based", "--norandommap", "--randrepeat=0", "--invalidate=0",
			 "--output-format=json", NULL };
	static char out[1 << 20];
	if (run_child(argv, out, sizeof(out), NULL) != 0)
		die("fio", EIO);
	/* jobs[0].read.iops: the first "iops" after the first "read" object. */
	char *read_obj = strstr(out, "\"read\" :");
	char *iops = read_obj ? strstr(read_obj, "\"iops\" :") : NULL;
	char *ios = read_obj ? strstr(read_obj, "\"total_ios\" :") : NULL;
	char *usr = strstr(out, "\"usr_cpu\" :"), *sys = strstr(out, "\"sys_cpu\" :");
	if (!iops || !ios || !usr || !sys)
		die("fio output", EINVAL);
	/* fio's own CPU figures: percent of the job's runtime, its start-up
	 * (file checks, parsing) left out as our engines leave theirs out. */
	double n = strtod(ios + strlen("\"total_ios\" :"), NULL);
	double pct = strtod(usr + strlen("\"usr_cpu\" :"), NULL) + strtod(sys + strlen("\"sys_cpu\" :"), NULL);
	last_cpu_us_per_io = n > 0 ? pct / 100 * cfg.secs * 1e6 / n : 0;
	return strtod(iops + strlen("\"iops\" :"), NULL);
}

static double (*const engines[N_ENGINES])(int, unsigned) = { run_curing, run_pread, run_threads, run_fio };

/* ---- copies ---- */

static void sync_dir(void)
{
	int fd = open(cfg.dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd >= 0) {
		syncfs(fd);
		close(fd);
	}
}

static double run_copy(enum copier which)
{
	char dst[4200];
	snprintf(dst, sizeof(dst), "%s.copy", cfg.path);
	unlink(dst);
	sync_dir();
	char *urcp_plain[] = { (char *)cfg.urcp, cfg.path, dst, NULL };
	char *urcp_fixed[] = { (char *)cfg.urcp, "--fixed", cfg.path, dst, NULL };
	char *cp[] = { "cp", cfg.path, dst, NULL };
	char *const *argv = which == C_URCP ? urcp_plain : which == C_URCP_FIXED ? urcp_fixed : cp;
	double secs;
	if (run_child(argv, NULL, 0, &secs) != 0)
		die(copier_name[which], EIO);
	struct stat st;
	if (stat(dst, &st) != 0 || (uint64_t)st.st_size != cfg.size)
		die("copy size", EIO);
	unlink(dst);
	return secs;
}

/* ---- statistics ---- */

/* This process's user + system time so far, all threads, in microseconds. */
static double cpu_us_self(void)
{
	struct rusage ru;
	getrusage(RUSAGE_SELF, &ru);
	return (double)(ru.ru_utime.tv_sec + ru.ru_stime.tv_sec) * 1e6 +
	       (double)(ru.ru_utime.tv_usec + ru.ru_stime.tv_usec);
}

static int cmp_double(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;
	return (x > y) - (x < y);
}

struct summary { double median, min, max; };

static struct summary summarize(const double *v, int n)
{
	double s[MAX_REPS];
	memcpy(s, v, sizeof(double) * (size_t)n);
	qsort(s, (size_t)n, sizeof(double), cmp_double);
	double median = n % 2 ? s[n / 2] : (s[n / 2 - 1] + s[n / 2]) / 2;
	return (struct summary){ median, s[0], s[n - 1] };
}

/* CPU per read beside IOPS: a virtio disk's rate drifts 20-30% between
 * runs, the CPU each read costs much less. */
static void print_cpu_table(double cpu[2][3][N_ENGINES][MAX_REPS], int lowest_mode, unsigned only_depth)
{
	static const unsigned depths[] = { 1, 32, 128 };
	printf("\n### CPU per read (us, user + system; median, min..max)\n\n");
	printf("| mode | depth | curing | pread loop | pread threads |%s\n",
	       cfg.have_fio ? " fio io_uring | curing/fio |" : "");
	printf("|---|---:|---:|---:|---:|%s\n", cfg.have_fio ? "---:|---:|" : "");
	for (int direct = 1; direct >= lowest_mode; direct--)
		for (int d = 0; d < 3; d++) {
			if (only_depth && only_depth != depths[d])
				continue;
			struct summary s[N_ENGINES];
			printf("| %s | %u |", direct ? "O_DIRECT" : "buffered", depths[d]);
			for (int e = 0; e < N_ENGINES; e++) {
				if (e == E_FIO && !cfg.have_fio)
					continue;
				s[e] = summarize(cpu[direct][d][e], cfg.reps);
				printf(" %.2f (%.2f..%.2f) |", s[e].median, s[e].min, s[e].max);
			}
			if (cfg.have_fio)
				printf(" %.2f |", s[E_CURING].median / s[E_FIO].median);
			printf("\n");
		}
}

static void usage(const char *argv0)
{
	fprintf(stderr, "usage: %s [--quick] [--dir DIR] [--reps N<=%d] [--secs S] [--urcp PATH]\n"
			"          [--depth 1|32|128] [--direct-only]   (these two: random reads only)\n"
			"env: CURING_BENCH_DIR, CURING_BENCH_SETUP=defer|coop|plain (curing's ring flags)\n",
		argv0, MAX_REPS);
	exit(2);
}

int main(int argc, char **argv)
{
	cfg.dir = getenv("CURING_BENCH_DIR") ? getenv("CURING_BENCH_DIR") : "/var/tmp";
#ifdef BENCH_URCP
	cfg.urcp = BENCH_URCP;
#endif
	cfg.reps = 3;
	cfg.secs = 2.0;
	int secs_set = 0, direct_only = 0;
	unsigned only_depth = 0;
	for (int i = 1; i < argc; i++) {
		if (strcmp(argv[i], "--quick") == 0)
			cfg.quick = 1;
		else if (strcmp(argv[i], "--dir") == 0 && i + 1 < argc)
			cfg.dir = argv[++i];
		else if (strcmp(argv[i], "--reps") == 0 && i + 1 < argc)
			cfg.reps = atoi(argv[++i]);
		else if (strcmp(argv[i], "--secs") == 0 && i + 1 < argc)
			cfg.secs = atof(argv[++i]), secs_set = 1;
		else if (strcmp(argv[i], "--urcp") == 0 && i + 1 < argc)
			cfg.urcp = argv[++i];
		else if (strcmp(argv[i], "--depth") == 0 && i + 1 < argc)
			only_depth = (unsigned)atoi(argv[++i]);
		else if (strcmp(argv[i], "--direct-only") == 0)
			direct_only = 1;
		else
			usage(argv[0]);
	}
	if (cfg.quick && !secs_set)
		cfg.secs = 0.25;
	if (cfg.reps < 1 || cfg.reps > MAX_REPS || !(cfg.secs > 0))
		usage(argv[0]);
	cfg.size = cfg.quick ? 64ull << 20 : 1ull << 30;
	snprintf(cfg.path, sizeof(cfg.path), "%s/curing-bench-%llum.dat", cfg.dir,
		 (unsigned long long)(cfg.size >> 20));
	char version[256];
	char *fio_version[] = { "fio", "--version", NULL };
	cfg.have_fio = run_child(fio_version, version, sizeof(version), NULL) == 0;
	if (!cfg.have_fio)
		fprintf(stderr, "file_read: fio not found: its column is left out\n");
	make_file();

	static const unsigned depths[] = { 1, 32, 128 };
	double iops[2][3][N_ENGINES][MAX_REPS], cpu[2][3][N_ENGINES][MAX_REPS];
	int lowest_mode = direct_only ? 1 : 0;
	for (int direct = 1; direct >= lowest_mode; direct--) {
		if (!direct)
			warm_cache();
		for (int d = 0; d < 3; d++)
			for (int rep = 0; rep < cfg.reps && (!only_depth || only_depth == depths[d]); rep++)
				for (int e = 0; e < N_ENGINES; e++) {
					if (e == E_FIO && !cfg.have_fio)
						continue;
					double cpu0 = cpu_us_self(), t0 = now();
					double v = engines[e](direct, depths[d]);
					if (e != E_FIO)
						last_cpu_us_per_io = (cpu_us_self() - cpu0) / (v * (now() - t0));
					iops[direct][d][e][rep] = v;
					cpu[direct][d][e][rep] = last_cpu_us_per_io;
					printf("file_read bench=randread engine=%s mode=%s depth=%u rep=%d iops=%.0f "
					       "cpu_us_per_io=%.2f\n",
					       engine_name[e], direct ? "direct" : "buffered", depths[d], rep + 1, v,
					       last_cpu_us_per_io);
					fflush(stdout);
				}
	}

	double copy_secs[N_COPIERS][MAX_REPS];
	int have_urcp = cfg.urcp && access(cfg.urcp, X_OK) == 0 && !only_depth && !direct_only;
	if (!have_urcp)
		fprintf(stderr, "file_read: urcp not found (--urcp PATH): the copy benchmark is left out\n");
	for (int rep = 0; have_urcp && rep < cfg.reps; rep++)
		for (int c = 0; c < N_COPIERS; c++) {
			copy_secs[c][rep] = run_copy((enum copier)c);
			printf("file_read bench=copy tool=\"%s\" bytes=%llu rep=%d seconds=%.3f\n", copier_name[c],
			       (unsigned long long)cfg.size, rep + 1, copy_secs[c][rep]);
			fflush(stdout);
		}

	printf("\n### 4 KiB random reads, %llu MiB file, %d x %.2f s per cell (median IOPS, min..max)\n\n",
	       (unsigned long long)(cfg.size >> 20), cfg.reps, cfg.secs);
	printf("| mode | depth | curing | pread loop | pread threads |%s curing/pread | curing/threads |%s\n",
	       cfg.have_fio ? " fio io_uring |" : "", cfg.have_fio ? " curing/fio |" : "");
	printf("|---|---:|---:|---:|---:|%s---:|---:|%s\n", cfg.have_fio ? "---:|" : "", cfg.have_fio ? "---:|" : "");
	for (int direct = 1; direct >= lowest_mode; direct--)
		for (int d = 0; d < 3; d++) {
			if (only_depth && only_depth != depths[d])
				continue;
			struct summary s[N_ENGINES];
			for (int e = 0; e < N_ENGINES; e++)
				if (e != E_FIO || cfg.have_fio)
					s[e] = summarize(iops[direct][d][e], cfg.reps);
			printf("| %s | %u |", direct ? "O_DIRECT" : "buffered", depths[d]);
			for (int e = 0; e < N_ENGINES; e++)
				if (e != E_FIO || cfg.have_fio)
					printf(" %.0f (%.0f..%.0f) |", s[e].median, s[e].min, s[e].max);
			printf(" %.2f | %.2f |", s[E_CURING].median / s[E_PREAD].median,
			       s[E_CURING].median / s[E_THREADS].median);
			if (cfg.have_fio)
				printf(" %.2f |", s[E_CURING].median / s[E_FIO].median);
			printf("\n");
		}
	print_cpu_table(cpu, lowest_mode, only_depth);
	if (have_urcp) {
		printf("\n### Copy of the %llu MiB file (median seconds, min..max)\n\n", (unsigned long long)(cfg.size >> 20));
		printf("| tool | seconds | MiB/s | cp time / tool time |\n|---|---:|---:|---:|\n");
		struct summary cp = summarize(copy_secs[C_CP], cfg.reps);
		for (int c = 0; c < N_COPIERS; c++) {
			struct summary s = summarize(copy_secs[c], cfg.reps);
			printf("| %s | %.3f (%.3f..%.3f) | %.0f | %.2f |\n", copier_name[c], s.median, s.min, s.max,
			       (double)(cfg.size >> 20) / s.median, cp.median / s.median);
		}
	}
	return 0;
}
