/* SPDX-License-Identifier: ISC */
/* Control of the kernel's threads and credentials against the real kernel:
 * io-wq worker limits and affinity, the SQPOLL thread's CPU, a poll thread
 * shared through ATTACH_WQ, and jobs run with a registered personality.
 * The kernel's threads are counted in /proc/self/task, where they appear
 * since io threads became native (IORING_FEAT_NATIVE_WORKERS, 5.12). */
#include "file_helpers.h"
#include "ring.h"

#include <pthread.h>
#include <sched.h>
#include <sys/syscall.h>

#define MS 1000000u

static void skip_without_native_workers(uring *t)
{
	if (!(t->features & IORING_FEAT_NATIVE_WORKERS)) {
		fprintf(stderr, "skip: io threads are not the process's (kernel before 5.12)\n");
		uring_exit(t);
		skip();
	}
}

static void sleep_ms(unsigned ms)
{
	struct timespec d = { ms / 1000, (long)(ms % 1000) * 1000000 };
	nanosleep(&d, NULL);
}

/* Threads of this process whose name is `name`; the last one's tid in *tid. */
static int threads_named(const char *name, pid_t *tid)
{
	DIR *d = opendir("/proc/self/task");
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		char path[320], comm[32] = "";
		snprintf(path, sizeof(path), "/proc/self/task/%s/comm", e->d_name);
		FILE *f = fopen(path, "re");
		if (!f)
			continue;   /* exited meanwhile */
		if (fgets(comm, sizeof(comm), f))
			comm[strcspn(comm, "\n")] = 0;
		fclose(f);
		if (strcmp(comm, name) == 0) {
			n++;
			if (tid)
				*tid = (pid_t)atoi(e->d_name);
		}
	}
	closedir(d);
	return n;
}

/* threads_named, once it says `want` or after a second: a new io thread
 * names itself when it first runs, a moment after the call creating it. */
static int threads_named_settled(const char *name, int want, pid_t *tid)
{
	int n = threads_named(name, tid);
	/* Up to 5 s: under emulation a poll thread takes its name, or exits
	 * after its ring's exit, hundreds of milliseconds late. */
	for (int i = 0; i < 500 && n != want; i++) {
		sleep_ms(10);
		n = threads_named(name, tid);
	}
	return n;
}

static void cpus_allowed(pid_t tid, char out[64])
{
	char path[96], line[256];
	snprintf(path, sizeof(path), "/proc/self/task/%d/status", (int)tid);
	FILE *f = fopen(path, "re");
	assert_non_null(f);
	out[0] = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "Cpus_allowed_list: %63s", out) == 1)
			break;
	fclose(f);
}

static void worker_name(char *buf, size_t len)
{
	snprintf(buf, len, "iou-wrk-%ld", (long)syscall(SYS_gettid));
}

/* n splices, each from its own empty pipe: the kernel always runs a splice
 * in io-wq, where it blocks until its pipe gets a byte, holding a worker
 * (pipes are unbounded work).  A read of a pipe would not hold one: io-wq
 * waits for pollable files with poll. */
struct blocked { int p[8][2]; int sink[2]; unsigned n; };

static void block_splices(uring *t, struct blocked *b, unsigned n)
{
	assert_int_equal(pipe2(b->sink, O_CLOEXEC), 0);
	b->n = n;
	for (unsigned i = 0; i < n; i++) {
		assert_int_equal(pipe2(b->p[i], O_CLOEXEC), 0);
		assert_true(uring_splice(t, b->p[i][0], b->sink[1], 1, NULL) > 0);
	}
	assert_int_equal(uring_submit(t), (int)n);
}

static void unblock_splices(uring *t, struct blocked *b)
{
	for (unsigned i = 0; i < b->n; i++)
		assert_int_equal(write(b->p[i][1], "x", 1), 1);
	for (unsigned i = 0; i < b->n; i++)
		assert_int_equal(wait_one(t).result, 1);
	for (unsigned i = 0; i < b->n; i++) {
		close(b->p[i][0]);
		close(b->p[i][1]);
	}
	close(b->sink[0]);
	close(b->sink[1]);
}

/* Each case runs in a thread of its own: io-wq is per thread, and a fresh
 * one has no workers left from another case. */
static void in_own_thread(void *(*fn)(void *))
{
	pthread_t th;
	assert_int_equal(pthread_create(&th, NULL, fn, NULL), 0);
	void *skipped;
	assert_int_equal(pthread_join(th, &skipped), 0);
	if (skipped)
		skip();
}

static void *max_workers_case(void *arg)
{
	(void)arg;
	uring *t = ring_or_skip(16, NULL);
	if (!(t->features & IORING_FEAT_NATIVE_WORKERS)) {
		uring_exit(t);
		return (void *)1;
	}
	unsigned limits[2] = { 2, 3 };
	int ret = uring_iowq_max_workers(t, limits);
	if (ret == -EOPNOTSUPP) {
		uring_exit(t);
		return (void *)1;
	}
	assert_int_equal(ret, 0);
	assert_true(limits[0] > 0 && limits[1] > 0);   /* the defaults */
	unsigned now[2] = { 0, 0 };
	assert_int_equal(uring_iowq_max_workers(t, now), 0);
	assert_int_equal(now[0], 2);
	assert_int_equal(now[1], 3);

	struct blocked b;
	block_splices(t, &b, 6);   /* unbounded work: 3 workers at most */
	sleep_ms(200);
	char name[32];
	worker_name(name, sizeof(name));
	assert_int_equal(threads_named_settled(name, 3, NULL), 3);
	unblock_splices(t, &b);
	assert_int_equal(uring_exit(t), 0);
	return NULL;
}

static void worker_limits_bound_the_threads(void **state)
{
	(void)state;
	in_own_thread(max_workers_case);
}

static void *affinity_case(void *arg)
{
	(void)arg;
	uring *t = ring_or_skip(8, NULL);
	if (!(t->features & IORING_FEAT_NATIVE_WORKERS)) {
		uring_exit(t);
		return (void *)1;
	}
	int cpu = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
	cpu_set_t set;
	CPU_ZERO(&set);
	CPU_SET(cpu, &set);
	assert_int_equal(uring_iowq_affinity(t, &set, sizeof(set)), 0);
	struct blocked b;
	block_splices(t, &b, 1);
	sleep_ms(100);
	char name[32], allowed[64], want[16];
	worker_name(name, sizeof(name));
	pid_t wrk = 0;
	assert_int_equal(threads_named_settled(name, 1, &wrk), 1);
	cpus_allowed(wrk, allowed);
	snprintf(want, sizeof(want), "%d", cpu);
	assert_string_equal(allowed, want);
	unblock_splices(t, &b);
	assert_int_equal(uring_iowq_affinity(t, NULL, 0), 0);
	assert_int_equal(uring_exit(t), 0);
	return NULL;
}

static void worker_affinity_pins_the_workers(void **state)
{
	(void)state;
	in_own_thread(affinity_case);
}

static void sqpoll_thread_on_the_chosen_cpu(void **state)
{
	(void)state;
	int cpu = (int)sysconf(_SC_NPROCESSORS_ONLN) - 1;
	uring_options o = { .setup_flags = URING_SETUP_SQ_AFF, .polling_timeout_ms = 100,
			    .sq_thread_cpu = (uint32_t)cpu };
	char name[32], allowed[64], want[16];
	snprintf(name, sizeof(name), "iou-sqp-%d", (int)getpid());
	assert_int_equal(threads_named_settled(name, 0, NULL), 0);   /* none left from before */
	uring *t = ring_or_skip(8, &o);
	skip_without_native_workers(t);
	pid_t sqp = 0;
	assert_int_equal(threads_named_settled(name, 1, &sqp), 1);
	cpus_allowed(sqp, allowed);
	snprintf(want, sizeof(want), "%d", cpu);
	assert_string_equal(allowed, want);
	assert_int_equal(complete(t, uring_noop(t, NULL)), 0);
	assert_int_equal(uring_exit(t), 0);
}

static void attach_wq_shares_the_poll_thread(void **state)
{
	(void)state;
	uring_options o = { .polling_timeout_ms = 100 };
	char name[32];
	snprintf(name, sizeof(name), "iou-sqp-%d", (int)getpid());
	/* The poll thread of an earlier case's ring exits after that ring's
	 * exit, and a new one takes its name only once it runs: count only
	 * once the old one is gone (arm64 under emulation counted it). */
	assert_int_equal(threads_named_settled(name, 0, NULL), 0);
	uring *a = ring_or_skip(8, &o);
	skip_without_native_workers(a);
	assert_int_equal(threads_named_settled(name, 1, NULL), 1);
	uring_options shared = { .setup_flags = URING_SETUP_ATTACH_WQ, .polling_timeout_ms = 100,
				 .wq_ring = a };
	uring *b = uring_create(8, &shared);   /* SQPOLL works (ring a): no reason to skip */
	assert_non_null(b);
	sleep_ms(100);
	if (threads_named(name, NULL) == 2 && !uring_op_supported(a, URING_OP_MSG_RING)) {
		/* Debian's 5.10 (5.15's io_uring) gives an attached SQPOLL
		 * ring a poll thread of its own: ATTACH_WQ shares the io-wq
		 * there, not the poll thread. */
		fprintf(stderr, "skip: this kernel (before 5.18) gives an attached SQPOLL ring its own "
				"poll thread\n");
		uring_exit(b);
		uring_exit(a);
		skip();
	}
	assert_int_equal(threads_named(name, NULL), 1);   /* b uses a's */
	uring *c = ring_or_skip(8, &o);
	assert_int_equal(threads_named_settled(name, 2, NULL), 2);   /* c has its own */
	assert_int_equal(complete(b, uring_noop(b, NULL)), 0);
	assert_int_equal(complete(a, uring_noop(a, NULL)), 0);
	assert_int_equal(uring_exit(c), 0);
	assert_int_equal(uring_exit(b), 0);
	assert_int_equal(uring_exit(a), 0);
}

/* Root's personality opens a root-only file for a thread that is not
 * root any more; without it the same open is refused. */
static void personality_runs_a_job_with_other_credentials(void **state)
{
	(void)state;
	if (geteuid() != 0) {
		fprintf(stderr, "skip: needs root to switch credentials\n");
		skip();
	}
	char *dir = scratch_dir();
	char path[PATH_MAX];
	write_file(in_dir(path, sizeof(path), dir, "secret"), "s", 1);
	assert_int_equal(chmod(path, 0600), 0);
	assert_int_equal(chmod(dir, 0755), 0);
	uring *t = ring_or_skip(8, NULL);
	int id = uring_register_personality(t);
	assert_true(id > 0);

	/* this thread only (the raw syscall, not glibc's process-wide one) */
	assert_int_equal(syscall(SYS_setresuid, -1, 65534, -1), 0);
	uring_job plain = uring_openat2(t, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0, 0, NULL);
	int32_t refused = complete(t, plain);
	uring_job as_root = uring_openat2(t, AT_FDCWD, path, O_RDONLY | O_CLOEXEC, 0, 0, NULL);
	assert_int_equal(uring_job_set_personality(t, as_root, id), 0);
	int32_t fd = complete(t, as_root);
	assert_int_equal(syscall(SYS_setresuid, -1, 0, -1), 0);

	assert_int_equal(refused, -EACCES);
	assert_true(fd >= 0);
	close(fd);
	/* set after submit: too late; an unknown id: the kernel refuses the job */
	uring_job j = uring_noop(t, NULL);
	assert_int_equal(uring_job_set_personality(t, j, 65535), 0);
	assert_int_equal(complete(t, j), -EINVAL);
	j = uring_noop(t, NULL);
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(uring_job_set_personality(t, j, id), -EALREADY);
	(void)wait_one(t);
	assert_int_equal(uring_unregister_personality(t, id), 0);
	assert_int_equal(uring_unregister_personality(t, id), -EINVAL);
	assert_int_equal(uring_exit(t), 0);
	rm_tree(dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(worker_limits_bound_the_threads),
		cmocka_unit_test(worker_affinity_pins_the_workers),
		cmocka_unit_test(sqpoll_thread_on_the_chosen_cpu),
		cmocka_unit_test(attach_wq_shares_the_poll_thread),
		cmocka_unit_test(personality_runs_a_job_with_other_credentials),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
