/* SPDX-License-Identifier: ISC */
/*
 * uring_unavailable_reason: the sentence after uring_create fails.
 *
 * Real causes, each in a forked child so the parent keeps io_uring:
 *  - a seccomp filter (PR_SET_NO_NEW_PRIVS + PR_SET_SECCOMP, a BPF program
 *    answering io_uring_setup with EPERM, then with ENOSYS): the sentence
 *    names seccomp;
 *  - RLIMIT_MEMLOCK of 4 KiB without CAP_IPC_LOCK.  Kernels before 5.12
 *    charge rings to it and fail for real; later kernels (6.18 here) do
 *    not, so there the ENOMEM comes from the fault-injection seam
 *    (syscall/fault.c, in the test library only) and the test checks that
 *    the sentence reports the real limit, the ring's size and the kernel.
 * The live sysctl: whatever kernel.io_uring_disabled is on the running
 * system, uring_create must agree with it, and at 2 the sentence must name
 * it.  This program runs on its own (no arguments), so a boot with
 * kernel.io_uring_disabled=2 can run it.
 * With the walkthrough example's path as its argument it runs one test
 * only: the walkthrough, under a seccomp filter, prints the sentence.
 * Every other branch of the sentence is composed from stated facts.
 */
#include <linux/audit.h>
#include <linux/capability.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sys/prctl.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "helpers.h"
#include "syscall.h"
#include "unavailable.h"

#if defined(__x86_64__)
#define AUDIT_ARCH_HERE AUDIT_ARCH_X86_64
#elif defined(__aarch64__)
#define AUDIT_ARCH_HERE AUDIT_ARCH_AARCH64
#endif

static char reason[1024];

static void reason_for(int err, const struct uring__host *h, size_t need)
{
	uring__reason_compose(err, h, need, false, reason, sizeof(reason));
	printf("  %s\n", reason);
}

static void assert_says(const char *what)
{
	if (!strstr(reason, what))
		fail_msg("the sentence lacks \"%s\": %s", what, reason);
}

/* A host where nothing refuses io_uring: 6.18, no sysctl restriction. */
static struct uring__host open_host(void)
{
	return (struct uring__host){ .disabled = 0, .group = -1, .seccomp = 0,
				     .memlock = 8192, .kmajor = 6, .kminor = 18 };
}

/* ------------------------------------------------------------------ */
/* composed from facts                                                 */
/* ------------------------------------------------------------------ */

static void sysctl_disabled(void **state)
{
	(void)state;
	struct uring__host h = open_host();
	h.disabled = 2;
	h.cap_sys_admin = true;   /* 2 refuses even CAP_SYS_ADMIN */
	reason_for(EPERM, &h, 0);
	assert_says("(EPERM)");
	assert_says("kernel.io_uring_disabled is 2");
	assert_says("sysctl -w kernel.io_uring_disabled=0");
	assert_null(strstr(reason, "seccomp"));
	h.seccomp = 2;            /* both: the sysctl first, the filter mentioned */
	reason_for(EPERM, &h, 0);
	assert_says("kernel.io_uring_disabled is 2");
	assert_says("seccomp filter is installed too");
}

static void sysctl_group(void **state)
{
	(void)state;
	struct uring__host h = open_host();
	h.disabled = 1;
	h.group = 1234;
	reason_for(EPERM, &h, 0);
	assert_says("kernel.io_uring_disabled is 1");
	assert_says("kernel.io_uring_group (1234)");
	assert_says("add the user to group 1234");
	h.group = -1;
	reason_for(EPERM, &h, 0);
	assert_says("kernel.io_uring_group is -1");
	assert_says("CAP_SYS_ADMIN");
	/* In the group, or with CAP_SYS_ADMIN, 1 refuses nothing: look further. */
	h.group = 1234;
	h.in_group = true;
	h.seccomp = 2;
	reason_for(EPERM, &h, 0);
	assert_says("a seccomp filter refused io_uring_setup with EPERM");
	h.in_group = false;
	h.cap_sys_admin = true;
	h.seccomp = 0;
	reason_for(EPERM, &h, 0);
	assert_says("security module");
}

static void seccomp_and_missing_kernel(void **state)
{
	(void)state;
	struct uring__host h = open_host();
	h.seccomp = 2;
	reason_for(ENOSYS, &h, 0);
	assert_says("seccomp filter refused io_uring_setup with ENOSYS");
	assert_says("Seccomp: 2");
	reason_for(EOPNOTSUPP, &h, 0);
	assert_says("with EOPNOTSUPP");
	h.seccomp = 0;
	h.kmajor = 5;
	h.kminor = 4;
	reason_for(ENOSYS, &h, 0);
	assert_says("this kernel (5.4) has no io_uring");
	assert_says("CONFIG_IO_URING");
	reason_for(EOPNOTSUPP, &h, 0);
	assert_says("no seccomp filter is installed");
}

static void memlock_before_5_12(void **state)
{
	(void)state;
	struct uring__host h = open_host();
	h.kmajor = 5;
	h.kminor = 11;
	h.memlock = 64 * 1024;
	reason_for(ENOMEM, &h, 512 * 1024);
	assert_says("needs 512 KiB of locked memory and RLIMIT_MEMLOCK is 64 KiB");
	assert_says("before 5.12 (this is 5.11)");
	assert_says("ulimit -l");
	/* From 5.12 the ring is not charged: memory is short. */
	h.kminor = 12;
	reason_for(ENOMEM, &h, 512 * 1024);
	assert_says("does not charge rings to RLIMIT_MEMLOCK (64 KiB here");
	h.memlock = URING__NO_LIMIT;
	reason_for(ENOMEM, &h, 512 * 1024);
	assert_says("(unlimited here");
}

static void other_errors_and_buffers(void **state)
{
	(void)state;
	struct uring__host h = open_host();
	reason_for(EINVAL, &h, 0);
	assert_says("failed (EINVAL, Invalid argument)");
	assert_says("no sign that io_uring is unavailable");
	/* Truncated to the buffer, always terminated, never NULL. */
	char small[16];
	memset(small, 'x', sizeof(small));
	uring__reason_compose(EPERM, &h, 0, false, small, sizeof(small));
	assert_int_equal(strlen(small), sizeof(small) - 1);
	assert_string_equal(uring_unavailable_reason(EPERM, 8, NULL, NULL, 0), "EPERM");
	assert_string_equal(uring_unavailable_reason(ENOSYS, 8, NULL, small, 0), "ENOSYS");
}

static void locked_bytes(void **state)
{
	(void)state;
	/* depth 1: rings 320 + 2 CQEs, aligned, + 1 index: one page; SQEs: one page. */
	assert_int_equal(uring__ring_locked_bytes(1, NULL, 4096), 2 * 4096);
	/* depth 4096: rings 320 + 8192 * 16 + 4096 * 4 = 37 pages -> 64; SQEs 64 pages. */
	assert_int_equal(uring__ring_locked_bytes(4096, NULL, 4096), 128 * 4096);
	uring_options big_cq = { .cq_entries = 16384 };
	assert_int_equal(uring__ring_locked_bytes(4096, &big_cq, 4096), (128 + 64) * 4096);
}

/* ------------------------------------------------------------------ */
/* real causes, in children                                            */
/* ------------------------------------------------------------------ */

/* Runs fn in a child; its exit status is 0 on success. */
static void in_child(int (*fn)(int), int arg)
{
	fflush(stdout);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(fn(arg));
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	if (WEXITSTATUS(status) == 77)
		skip();
	assert_int_equal(WEXITSTATUS(status), 0);
}

/* uring_create fails with want, and the sentence contains each of says. */
static int create_fails(int want, const char *const *says)
{
	errno = 0;
	uring *t = uring_create(8, NULL);
	if (t) {
		fprintf(stderr, "uring_create succeeded\n");
		return 1;
	}
	int err = errno;
	char why[1024];
	printf("  %s\n", uring_unavailable_reason(err, 8, NULL, why, sizeof(why)));
	fflush(stdout);
	if (err != want) {
		fprintf(stderr, "errno %s, expected %s\n", uring_error_name(-err), uring_error_name(-want));
		return 2;
	}
	for (; *says; says++)
		if (!strstr(why, *says)) {
			fprintf(stderr, "the sentence lacks \"%s\"\n", *says);
			return 3;
		}
	return 0;
}

/* Installs a filter answering io_uring_setup with err: 0, 77 (no filter
 * for this architecture), or 4. */
static int seccomp_child_filter(int err)
{
#ifdef AUDIT_ARCH_HERE
	struct sock_filter prog[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, arch)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_HERE, 1, 0),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, URING__NR_SETUP, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ERRNO | (unsigned)err),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog fprog = { .len = sizeof(prog) / sizeof(prog[0]), .filter = prog };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) != 0 ||
	    prctl(PR_SET_SECCOMP, SECCOMP_MODE_FILTER, &fprog) != 0) {
		perror("installing the seccomp filter");
		return 4;
	}
	return 0;
#else
	(void)err;
	return 77;
#endif
}

static int seccomp_child(int err)
{
	int ret = seccomp_child_filter(err);
	if (ret != 0)
		return ret;
	const char *says[] = { "seccomp", "Seccomp: 2", NULL };
	return create_fails(err, says);
}

static void seccomp_eperm(void **state)
{
	(void)state;
	in_child(seccomp_child, EPERM);
}

static void seccomp_enosys(void **state)
{
	(void)state;
	in_child(seccomp_child, ENOSYS);
}

/* Drops CAP_IPC_LOCK from the effective set: it exempts from the limit. */
static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) != 0)
		return -1;
	data[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	return (int)syscall(SYS_capset, &hdr, data);
}

static int memlock_child(int unused)
{
	(void)unused;
	struct rlimit rl = { 4096, 4096 };
	if (setrlimit(RLIMIT_MEMLOCK, &rl) != 0 || drop_ipc_lock() != 0) {
		perror("lowering RLIMIT_MEMLOCK");
		return 4;
	}
	struct uring__host h;
	uring__host_probe(&h);
	if (h.kmajor == 0)
		return 5;
	if (!(h.kmajor < 5 || (h.kmajor == 5 && h.kminor < 12))) {
		/* Not charged here: the seam stands in for the kernel's ENOMEM. */
		uring__fault_arm(URING__SYS_SETUP, 0, ENOMEM, 0);
		const char *says[] = { "(ENOMEM)", "does not charge rings to RLIMIT_MEMLOCK (4 KiB here",
				       "about 8 KiB for this queue depth", NULL };
		return create_fails(ENOMEM, says);
	}
	/* Distribution kernels carry later io_uring code (Debian's 5.10 has
	 * 5.15's), which does not charge rings: then there is nothing to see. */
	uring *t = uring_create(64, NULL);
	if (t) {
		uring_exit(t);
		fprintf(stderr, "skip: this %u.%u kernel does not charge rings to RLIMIT_MEMLOCK\n",
			h.kmajor, h.kminor);
		return 77;
	}
	const char *says[] = { "(ENOMEM)", "RLIMIT_MEMLOCK is 4 KiB", "before 5.12", NULL };
	return create_fails(ENOMEM, says);
}

static void memlock(void **state)
{
	(void)state;
	in_child(memlock_child, 0);
}

static const char *walkthrough;   /* argv[1], when given */
static char walkthrough_dir[] = "/tmp/curing-unavailable-XXXXXX";

static int walkthrough_child(int fd)
{
	int ret = seccomp_child_filter(EPERM);
	if (ret != 0)
		return ret;
	if (dup2(fd, STDERR_FILENO) < 0)
		return 5;
	execl(walkthrough, walkthrough, walkthrough_dir, (char *)NULL);
	return 7;
}

/* The walkthrough, refused io_uring, says why instead of failing silently. */
static void walkthrough_says_why(void **state)
{
	(void)state;
	if (!walkthrough)
		skip();
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_non_null(mkdtemp(walkthrough_dir));
	fflush(stdout);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		close(p[0]);
		_exit(walkthrough_child(p[1]));
	}
	close(p[1]);
	char out[2048];
	size_t n = 0;
	ssize_t r;
	while (n < sizeof(out) - 1 && (r = read(p[0], out + n, sizeof(out) - 1 - n)) > 0)
		n += (size_t)r;
	out[n] = '\0';
	close(p[0]);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	char log[sizeof(walkthrough_dir) + 16];
	snprintf(log, sizeof(log), "%s/test.log", walkthrough_dir);
	unlink(log);   /* there only if io_uring was not refused */
	assert_int_equal(rmdir(walkthrough_dir), 0);
	printf("  walkthrough: %s", out);
	if (WIFEXITED(status) && WEXITSTATUS(status) == 77)
		skip();
	assert_true(WIFEXITED(status) && WEXITSTATUS(status) == 1);
	assert_non_null(strstr(out, "uring_create: io_uring unavailable (EPERM): a seccomp filter"));
}

/* uring_create agrees with kernel.io_uring_disabled as it is now. */
static void live_sysctl(void **state)
{
	(void)state;
	struct uring__host h;
	uring__host_probe(&h);
	printf("  kernel %u.%u, kernel.io_uring_disabled %d, io_uring_group %ld, seccomp %d\n",
	       h.kmajor, h.kminor, h.disabled, h.group, h.seccomp);
	if (h.disabled == 2) {
		const char *says[] = { "kernel.io_uring_disabled is 2", NULL };
		assert_int_equal(create_fails(EPERM, says), 0);
		return;
	}
	if (h.disabled == 1 && !h.cap_sys_admin && !h.in_group) {
		const char *says[] = { "kernel.io_uring_disabled is 1", NULL };
		assert_int_equal(create_fails(EPERM, says), 0);
		return;
	}
	if (h.seccomp == 2)
		skip();   /* a filter may refuse it: the seccomp tests cover that */
	uring *t = uring_create(8, NULL);
	if (!t) {
		char why[1024];
		fail_msg("%s", uring_unavailable_reason(errno, 8, NULL, why, sizeof(why)));
	}
	assert_int_equal(uring_exit(t), 0);
}

int main(int argc, char **argv)
{
	if (argc > 1) {
		walkthrough = argv[1];
		cmocka_set_test_filter("walkthrough_says_why");
	}
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(sysctl_disabled),
		cmocka_unit_test(sysctl_group),
		cmocka_unit_test(seccomp_and_missing_kernel),
		cmocka_unit_test(memlock_before_5_12),
		cmocka_unit_test(other_errors_and_buffers),
		cmocka_unit_test(locked_bytes),
		cmocka_unit_test(seccomp_eperm),
		cmocka_unit_test(seccomp_enosys),
		cmocka_unit_test(memlock),
		cmocka_unit_test(live_sysctl),
		cmocka_unit_test(walkthrough_says_why),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
