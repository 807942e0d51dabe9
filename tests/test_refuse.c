/* SPDX-License-Identifier: ISC */
/*
 * The refusal contract: what the running kernel lacks is refused when it is
 * asked for, with -EOPNOTSUPP (NULL and errno EOPNOTSUPP for the functions
 * returning a pointer), nothing queued, and the ring still working; and
 * uring_op_supported / uring_feature_supported say so beforehand.
 *
 * On an old kernel the refusals are real (real_kernel_refusals).  On any
 * kernel the test build's seam emulates older ones (syscall/fault.c:
 * uring__fault_kernel), which is how this host, which has everything,
 * checks every refusal.
 */
#include "file_helpers.h"
#include "ring.h"
#include "syscall.h"

#include <limits.h>
#include <malloc.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/wait.h>
#include <sys/socket.h>

#define NO_OP (-1)
#define NO_FEATURE (-1)

/* When each feature arrived (major * 100 + minor): the facts the
 * library's detection rules (lib/probe.c) must agree with. */
static const struct feature_fact {
	unsigned feature;
	const char *name;
	unsigned since;
	uint32_t setup_flag;   /* for the setup features: the flag */
} features[] = {
	{ URING_FEATURE_WAIT_TIMEOUT, "WAIT_TIMEOUT", 511, 0 },
	{ URING_FEATURE_TIMEOUT_CLOCKS, "TIMEOUT_CLOCKS", 515, 0 },
	{ URING_FEATURE_BUF_RING, "BUF_RING", 519, 0 },
	{ URING_FEATURE_ACCEPT_MULTISHOT, "ACCEPT_MULTISHOT", 519, 0 },
	{ URING_FEATURE_RECV_MULTISHOT, "RECV_MULTISHOT", 600, 0 },
	{ URING_FEATURE_SETUP_SUBMIT_ALL, "SETUP_SUBMIT_ALL", 518, URING_SETUP_SUBMIT_ALL },
	{ URING_FEATURE_SETUP_COOP_TASKRUN, "SETUP_COOP_TASKRUN", 519, URING_SETUP_COOP_TASKRUN },
	{ URING_FEATURE_SETUP_TASKRUN_FLAG, "SETUP_TASKRUN_FLAG", 519,
	  URING_SETUP_TASKRUN_FLAG | URING_SETUP_COOP_TASKRUN },
	{ URING_FEATURE_SETUP_SQE128, "SETUP_SQE128", 519, URING_SETUP_SQE128 },
	{ URING_FEATURE_SETUP_CQE32, "SETUP_CQE32", 519, URING_SETUP_CQE32 },
	{ URING_FEATURE_SETUP_SINGLE_ISSUER, "SETUP_SINGLE_ISSUER", 600, URING_SETUP_SINGLE_ISSUER },
	{ URING_FEATURE_SETUP_DEFER_TASKRUN, "SETUP_DEFER_TASKRUN", 601,
	  URING_SETUP_DEFER_TASKRUN | URING_SETUP_SINGLE_ISSUER },
	{ URING_FEATURE_SETUP_HYBRID_IOPOLL, "SETUP_HYBRID_IOPOLL", 613,
	  URING_SETUP_HYBRID_IOPOLL | URING_SETUP_IOPOLL },
	{ URING_FEATURE_SETUP_CQE_MIXED, "SETUP_CQE_MIXED", 618, URING_SETUP_CQE_MIXED },
	{ URING_FEATURE_SETUP_SQE_MIXED, "SETUP_SQE_MIXED", 619, URING_SETUP_SQE_MIXED },
	{ URING_FEATURE_BLOCK_DISCARD, "BLOCK_DISCARD", 612, 0 },
};
#define N_FEATURES (sizeof(features) / sizeof(features[0]))

static unsigned feature_since(int feature)
{
	for (size_t i = 0; i < N_FEATURES; i++)
		if ((int)features[i].feature == feature)
			return features[i].since;
	return 0;
}

/* What the cases below need, made once per ring. */
struct ctx {
	uring *t;
	char *dir;
	int dirfd, file, sv[2], pipefd[2], listener;
	uint8_t *fixed;
	struct iovec iov, fixed_iov;
	uring_job live;              /* a queued noop carrying URING_LINK */
	uring_region *region;
	uring_chunk chunk;
	uring_msghdr *msg;
	uring_buf_ring *br;          /* NULL when the kernel has no buffer rings */
	uring_sockaddr peer;
	struct sockaddr_in addr;
	char buf[64];
};

#define FIXED_LEN 4096

typedef int64_t (*case_fn)(struct ctx *c);

/* Pointer-returning functions report through errno. */
static int64_t buf_ring_result(struct ctx *c)
{
	uring_buf_ring *br = uring_buf_ring_create(c->t, 9, 4, 64);
	if (!br)
		return -errno;
	assert_int_equal(uring_buf_ring_destroy(c->t, br), 0);
	return 1;
}

static int64_t wait_timeout_result(struct ctx *c)
{
	uring_completion out;
	return uring_wait_timeout(c->t, 1000, &out);
}

static int64_t wait_many_timeout_result(struct ctx *c)
{
	uring_completion out[2];
	return uring_wait_many(c->t, out, 2, 1, 1000);
}

#define CASE(name, body) \
	static int64_t call_##name(struct ctx *c) { uring *t = c->t; (void)t; return body; }

CASE(noop, uring_noop(t, NULL))
CASE(timeout, uring_timeout(t, URING_CLOCK_MONOTONIC, 1000, false, NULL))
CASE(timeout_boottime, uring_timeout(t, URING_CLOCK_BOOTTIME, 1000, false, NULL))
CASE(timeout_realtime, uring_timeout(t, URING_CLOCK_REALTIME, 1000, false, NULL))
CASE(cancel, uring_cancel(t, c->live, NULL))
CASE(link_timeout, uring_link_timeout(t, 1000, NULL))
CASE(openat2, uring_openat2(t, c->dirfd, "f", O_RDONLY, 0, 0, NULL))
CASE(close, uring_close(t, c->file, NULL))
CASE(read, uring_read(t, c->file, c->buf, 8, 0, NULL))
CASE(write, uring_write(t, c->file, c->buf, 8, 0, NULL))
CASE(readv, uring_readv(t, c->file, &c->iov, 1, 0, NULL))
CASE(writev, uring_writev(t, c->file, &c->iov, 1, 0, NULL))
CASE(readv2, uring_readv2(t, c->file, &c->iov, 1, 0, 0, NULL))
CASE(writev2, uring_writev2(t, c->file, &c->iov, 1, 0, 0, NULL))
CASE(splice, uring_splice(t, c->pipefd[0], c->file, 8, NULL))
CASE(poll_add, uring_poll_add(t, c->pipefd[1], POLLOUT, NULL))
CASE(statx, uring_statx(t, c->dirfd, "f", 0, 0, (struct statx *)c->buf, NULL))
CASE(unlink, uring_unlink(t, c->dirfd, "f", false, NULL))
CASE(mkdirat, uring_mkdirat(t, c->dirfd, "d", 0755, NULL))
CASE(linkat, uring_linkat(t, c->dirfd, "f", c->dirfd, "g", 0, NULL))
CASE(renameat, uring_renameat(t, c->dirfd, "f", c->dirfd, "g", 0, NULL))
CASE(symlinkat, uring_symlinkat(t, "f", c->dirfd, "s", NULL))
CASE(fsync, uring_fsync(t, c->file, 0, 0, NULL))
CASE(fdatasync, uring_fdatasync(t, c->file, 0, 0, NULL))
CASE(fallocate, uring_fallocate(t, c->file, 0, 0, 8, NULL))
CASE(ftruncate, uring_ftruncate(t, c->file, 8, NULL))
CASE(read_fixed, uring_read_fixed(t, c->file, 0, 8, 0, NULL))
CASE(write_fixed, uring_write_fixed(t, c->file, 0, 8, 0, NULL))
CASE(readv_fixed, uring_readv_fixed(t, c->file, &c->fixed_iov, 1, 0, NULL))
CASE(writev_fixed, uring_writev_fixed(t, c->file, &c->fixed_iov, 1, 0, NULL))
CASE(read_chunk, uring_read_chunk(t, c->file, c->chunk, 8, 0, NULL))
CASE(write_chunk, uring_write_chunk(t, c->file, c->chunk, 8, 0, NULL))
CASE(socket, uring_socket(t, AF_INET, SOCK_STREAM, 0, NULL))
CASE(bind, uring_bind(t, c->sv[0], (struct sockaddr *)&c->addr, sizeof(c->addr), NULL))
CASE(listen, uring_listen(t, c->listener, 8, NULL))
CASE(connect, uring_connect(t, c->sv[0], (struct sockaddr *)&c->addr, sizeof(c->addr), NULL))
CASE(accept, uring_accept(t, c->listener, &c->peer, NULL))
CASE(shutdown, uring_shutdown(t, c->sv[0], SHUT_WR, NULL))
CASE(send, uring_send(t, c->sv[0], c->buf, 8, 0, NULL))
CASE(recv, uring_recv(t, c->sv[0], c->buf, 8, 0, NULL))
CASE(send_msg, uring_send_msg(t, c->sv[0], &c->iov, 1, NULL, 0, NULL, 0, NULL))
CASE(recv_msg, uring_recv_msg(t, c->sv[0], c->msg, NULL))
CASE(accept_multishot, uring_accept_multishot(t, c->listener, NULL))
CASE(recv_multishot, uring_recv_multishot(t, c->sv[0], c->br, 0, NULL))
CASE(send_zc, uring_send_zc(t, c->sv[0], c->buf, 8, 0, NULL))
CASE(msg_ring, uring_msg_ring(t, t, 1, 2, NULL))
CASE(waitid, uring_waitid(t, P_ALL, 0, NULL, WEXITED | WNOHANG, NULL))
CASE(discard, uring_discard(t, c->file, 0, 4096, NULL))
CASE(buf_ring_create, buf_ring_result(c))
CASE(wait_timeout, wait_timeout_result(c))
CASE(wait_many_timeout, wait_many_timeout_result(c))

/* Every function that queues an op or needs a kernel feature. */
static const struct op_case {
	const char *name;
	int op;            /* the opcode it queues, or NO_OP */
	int feature;       /* the feature it needs beyond the opcode, or NO_FEATURE */
	case_fn call;
} cases[] = {
#define OP(name, op) { #name, op, NO_FEATURE, call_##name }
#define OPF(name, op, feature) { #name, op, feature, call_##name }
	OP(noop, URING_OP_NOP),
	OP(timeout, URING_OP_TIMEOUT),
	OPF(timeout_boottime, URING_OP_TIMEOUT, URING_FEATURE_TIMEOUT_CLOCKS),
	OPF(timeout_realtime, URING_OP_TIMEOUT, URING_FEATURE_TIMEOUT_CLOCKS),
	OP(cancel, URING_OP_ASYNC_CANCEL),
	OP(link_timeout, URING_OP_LINK_TIMEOUT),
	OP(openat2, URING_OP_OPENAT2),
	OP(close, URING_OP_CLOSE),
	OP(read, URING_OP_READ),
	OP(write, URING_OP_WRITE),
	OP(readv, URING_OP_READV),
	OP(writev, URING_OP_WRITEV),
	OP(readv2, URING_OP_READV),
	OP(writev2, URING_OP_WRITEV),
	OP(splice, URING_OP_SPLICE),
	OP(poll_add, URING_OP_POLL_ADD),
	OP(statx, URING_OP_STATX),
	OP(unlink, URING_OP_UNLINKAT),
	OP(mkdirat, URING_OP_MKDIRAT),
	OP(linkat, URING_OP_LINKAT),
	OP(renameat, URING_OP_RENAMEAT),
	OP(symlinkat, URING_OP_SYMLINKAT),
	OP(fsync, URING_OP_FSYNC),
	OP(fdatasync, URING_OP_FSYNC),
	OP(fallocate, URING_OP_FALLOCATE),
	OP(ftruncate, URING_OP_FTRUNCATE),
	OP(read_fixed, URING_OP_READ_FIXED),
	OP(write_fixed, URING_OP_WRITE_FIXED),
	OP(readv_fixed, URING_OP_READV_FIXED),
	OP(writev_fixed, URING_OP_WRITEV_FIXED),
	OP(read_chunk, URING_OP_READ_FIXED),
	OP(write_chunk, URING_OP_WRITE_FIXED),
	OP(socket, URING_OP_SOCKET),
	OP(bind, URING_OP_BIND),
	OP(listen, URING_OP_LISTEN),
	OP(connect, URING_OP_CONNECT),
	OP(accept, URING_OP_ACCEPT),
	OP(shutdown, URING_OP_SHUTDOWN),
	OP(send, URING_OP_SEND),
	OP(recv, URING_OP_RECV),
	OP(send_msg, URING_OP_SENDMSG),
	OP(recv_msg, URING_OP_RECVMSG),
	OPF(accept_multishot, URING_OP_ACCEPT, URING_FEATURE_ACCEPT_MULTISHOT),
	OPF(recv_multishot, URING_OP_RECV, URING_FEATURE_RECV_MULTISHOT),
	OP(send_zc, URING_OP_SEND_ZC),
	OP(msg_ring, URING_OP_MSG_RING),
	OP(waitid, URING_OP_WAITID),
	OPF(discard, URING_OP_URING_CMD, URING_FEATURE_BLOCK_DISCARD),
	OPF(buf_ring_create, NO_OP, URING_FEATURE_BUF_RING),
	OPF(wait_timeout, NO_OP, URING_FEATURE_WAIT_TIMEOUT),
	OPF(wait_many_timeout, NO_OP, URING_FEATURE_WAIT_TIMEOUT),
#undef OP
#undef OPF
};
#define N_CASES (sizeof(cases) / sizeof(cases[0]))

/* The library's own answer: does it take this call on ring t? */
static int case_supported(uring *t, const struct op_case *k)
{
	return (k->op == NO_OP || uring_op_supported(t, (unsigned)k->op)) &&
	       (k->feature == NO_FEATURE || uring_feature_supported(t, (unsigned)k->feature));
}

static unsigned case_since(const struct op_case *k)
{
	unsigned op = k->op == NO_OP ? 0 : uring__fault_op_since((unsigned)k->op);
	unsigned feature = k->feature == NO_FEATURE ? 0 : feature_since(k->feature);
	return op > feature ? op : feature;
}

/* A multishot recv needs a buffer ring to name; without buffer rings the
 * call can only be refused for its arguments. */
static int case_callable(const struct ctx *c, const struct op_case *k)
{
	return k->call != call_recv_multishot || c->br != NULL;
}

static void ctx_files(struct ctx *c)
{
	memset(c, 0, sizeof(*c));
	c->dir = scratch_dir();
	c->dirfd = open(c->dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	assert_true(c->dirfd >= 0);
	c->file = openat(c->dirfd, "f", O_RDWR | O_CREAT | O_CLOEXEC, 0644);
	assert_true(c->file >= 0);
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, c->sv), 0);
	assert_int_equal(pipe2(c->pipefd, O_CLOEXEC), 0);
	c->listener = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_true(c->listener >= 0);
	c->addr = (struct sockaddr_in){ .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	c->iov = (struct iovec){ c->buf, 8 };
	c->fixed = calloc(1, FIXED_LEN);
	assert_non_null(c->fixed);
	c->fixed_iov = (struct iovec){ c->fixed, 8 };
	c->msg = uring_msghdr_create(0, &c->iov, 1, NULL);
	assert_non_null(c->msg);
	c->region = uring_region_create(c->fixed, FIXED_LEN, 512);
	assert_non_null(c->region);
	assert_int_equal(uring_region_alloc(c->region, &c->chunk), 0);
}

static void ctx_files_close(struct ctx *c)
{
	uring_msghdr_destroy(c->msg);
	uring_region_destroy(c->region);
	free(c->fixed);
	close(c->listener);
	close(c->pipefd[0]);
	close(c->pipefd[1]);
	close(c->sv[0]);
	close(c->sv[1]);
	close(c->file);
	close(c->dirfd);
	rm_tree(c->dir);
}

/* Gives ring t what the cases name: the fixed buffer, a buffer ring when
 * the library offers them, and a queued noop for cancel and link_timeout. */
static void ctx_ring(struct ctx *c, uring *t)
{
	c->t = t;
	assert_int_equal(uring_set_fixed_buffer(t, c->fixed, FIXED_LEN), 0);
	c->br = NULL;
	if (uring_feature_supported(t, URING_FEATURE_BUF_RING)) {
		c->br = uring_buf_ring_create(t, 1, 4, 64);
		assert_non_null(c->br);
	}
	c->live = uring_noop(t, NULL);
	assert_true(c->live > 0);
	assert_int_equal(uring_job_set_flags(t, c->live, URING_LINK), 0);
}

/* The live noop and a new one both complete: the ring still works. */
static void ctx_ring_close(struct ctx *c)
{
	uring *t = c->t;
	assert_int_equal(uring_job_set_flags(t, c->live, 0), 0);
	uring_job j = uring_noop(t, NULL);
	assert_true(j > 0);
	for (int i = 0; i < 2; i++) {
		uring_completion done = wait_one(t);
		assert_true(done.job == c->live || done.job == j);
		assert_int_equal(done.result, 0);
	}
	if (c->br)
		assert_int_equal(uring_buf_ring_destroy(t, c->br), 0);
	assert_int_equal(uring_exit(t), 0);
}

/* A refused call: -EOPNOTSUPP, and no SQE or job added. */
static void assert_refused(struct ctx *c, const struct op_case *k)
{
	unsigned ready = uring_sqe_ready(c->t), active = uring_active_ops(c->t);
	int64_t r = k->call(c);
	if (r != -EOPNOTSUPP)
		fail_msg("%s: %lld, not -EOPNOTSUPP", k->name, (long long)r);
	assert_int_equal(uring_sqe_ready(c->t), ready);
	assert_int_equal(uring_active_ops(c->t), active);
}

static uring *emulated_ring(unsigned version, const uring_options *o)
{
	struct uring__fault_kernel k;
	uring__fault_kernel_as(&k, version);
	uring__fault_kernel(&k);
	uring *t = uring_create(8, o);
	int e = errno;
	uring__fault_kernel(NULL);
	errno = e;
	return t;
}

/* Every op with its opcode gone: refused, nothing queued, the ring fine.
 * Only NOP stays, so that the ring can show it still works. */
static void every_opcode_is_refused_when_absent(void **state)
{
	(void)state;
	struct ctx c;
	ctx_files(&c);
	struct uring__fault_kernel k = { 0 };
	memset(k.ops_absent, 0xff, sizeof(k.ops_absent));
	k.ops_absent[0] &= (uint8_t)~1u;   /* NOP */
	uring__fault_kernel(&k);
	uring *t = uring_create(8, NULL);
	uring__fault_kernel(NULL);
	assert_non_null(t);
	ctx_ring(&c, t);
	unsigned refused = 0;
	for (size_t i = 0; i < N_CASES; i++) {
		const struct op_case *k2 = &cases[i];
		if (k2->op == NO_OP || k2->op == URING_OP_NOP || !case_callable(&c, k2))
			continue;
		assert_int_equal(uring_op_supported(t, (unsigned)k2->op), 0);
		assert_refused(&c, k2);
		refused++;
	}
	assert_true(refused >= 40);
	/* The proxies follow the probe: no SOCKET, no 5.19 features. */
	assert_int_equal(uring_feature_supported(t, URING_FEATURE_BUF_RING), 0);
	assert_int_equal(uring_feature_supported(t, URING_FEATURE_RECV_MULTISHOT), 0);
	ctx_ring_close(&c);

	/* And NOP itself. */
	k.ops_absent[0] |= 1u;
	uring__fault_kernel(&k);
	t = uring_create(8, NULL);
	uring__fault_kernel(NULL);
	assert_non_null(t);
	assert_int_equal(uring_noop(t, NULL), -EOPNOTSUPP);
	assert_int_equal(uring_sqe_ready(t), 0);
	assert_int_equal(uring_active_ops(t), 0);
	assert_int_equal(uring_exit(t), 0);
	ctx_files_close(&c);
}

/* The library's answer for every feature on ring t, against the facts:
 * what the real kernel has (base) and was added by `version`.  Setup
 * features are asked of the kernel when queried: the emulation stays on. */
static void assert_features_as(uring *t, const int *base, unsigned version)
{
	struct uring__fault_kernel k;
	uring__fault_kernel_as(&k, version);
	uring__fault_kernel(&k);
	for (size_t i = 0; i < N_FEATURES; i++) {
		int expect = base[i] && features[i].since <= version;
		int got = uring_feature_supported(t, features[i].feature);
		if (got != expect)
			fail_msg("Linux %u.%u: %s reported %d", version / 100, version % 100,
				 features[i].name, got);
	}
	uring__fault_kernel(NULL);
}

/* Setup flags the emulated kernel lacks: creation refused with
 * EOPNOTSUPP, not the kernel's EINVAL. */
static void assert_setup_refusals(const int *base, unsigned version)
{
	for (size_t i = 0; i < N_FEATURES; i++) {
		if (!features[i].setup_flag || !base[i] || features[i].since <= version)
			continue;
		uring_options o = { .setup_flags = features[i].setup_flag };
		errno = 0;
		assert_null(emulated_ring(version, &o));
		if (errno != EOPNOTSUPP)
			fail_msg("Linux %u.%u: create with %s: %s", version / 100, version % 100,
				 features[i].name, strerror(errno));
	}
}

/*
 * Each kernel a user runs, emulated: creation works (the floor is 5.10),
 * the library's answers match what that kernel has, and everything it
 * lacks is refused.  Expectations are capped by what the real kernel has,
 * so this runs unchanged on the old kernels themselves.
 */
static void emulated_kernels_refuse_what_they_lack(void **state)
{
	(void)state;
	static const unsigned versions[] = { 510, 511, 515, 518, 519, 600, 601, 606, 609, 611, 614, 616 };
	struct ctx c;
	ctx_files(&c);
	uring *real = ring_or_skip(8, NULL);
	int base_feature[N_FEATURES], base_case[N_CASES];
	for (size_t i = 0; i < N_FEATURES; i++)
		base_feature[i] = uring_feature_supported(real, features[i].feature);
	for (size_t i = 0; i < N_CASES; i++)
		base_case[i] = case_supported(real, &cases[i]);
	assert_int_equal(uring_exit(real), 0);

	for (size_t v = 0; v < sizeof(versions) / sizeof(versions[0]); v++) {
		unsigned version = versions[v];
		uring *t = emulated_ring(version, NULL);
		if (!t)
			fail_msg("Linux %u.%u: create: %s", version / 100, version % 100, strerror(errno));
		assert_features_as(t, base_feature, version);
		ctx_ring(&c, t);
		for (size_t i = 0; i < N_CASES; i++) {
			int expect = base_case[i] && case_since(&cases[i]) <= version;
			if (case_supported(t, &cases[i]) != expect)
				fail_msg("Linux %u.%u: %s reported %d", version / 100, version % 100,
					 cases[i].name, !expect);
			if (!expect && case_callable(&c, &cases[i]))
				assert_refused(&c, &cases[i]);
		}
		ctx_ring_close(&c);
		assert_setup_refusals(base_feature, version);
	}
	ctx_files_close(&c);
}

/* The order of answers, the same on every kernel: argument errors first,
 * then 0 for a full SQ, then -EOPNOTSUPP. */
static void argument_errors_come_first(void **state)
{
	(void)state;
	struct ctx c;
	ctx_files(&c);
	uring *t = emulated_ring(510, NULL);
	assert_non_null(t);
	assert_int_equal(uring_mkdirat(t, c.dirfd, NULL, 0755, NULL), -EFAULT);
	assert_int_equal(uring_socket(t, AF_INET, SOCK_STREAM | 0x40000000, 0, NULL), -EINVAL);
	assert_int_equal(uring_ftruncate(t, c.file, UINT64_MAX, NULL), -EINVAL);
	assert_int_equal(uring_bind(t, c.sv[0], NULL, 16, NULL), -EFAULT);
	assert_int_equal(uring_send_zc(t, c.sv[0], NULL, 8, 0, NULL), -EFAULT);
	assert_int_equal(uring_timeout(t, (uring_clock)7, 1000, false, NULL), -EINVAL);
	assert_int_equal(uring_recv_multishot(t, c.sv[0], NULL, 0, NULL), -EINVAL);
	assert_int_equal(uring_wait_timeout(t, 1000, NULL), -EINVAL);
	errno = 0;
	assert_null(uring_buf_ring_create(t, 1, 3, 64));
	assert_int_equal(errno, EINVAL);
	errno = 0;
	assert_null(uring_buf_ring_create(t, 1, 4, 64));
	assert_int_equal(errno, EOPNOTSUPP);
	assert_int_equal(uring_socket(t, AF_INET, SOCK_STREAM, 0, NULL), -EOPNOTSUPP);

	/* A full SQ answers 0 first: submit, and the retry is refused. */
	for (unsigned i = 0; i < uring_queue_depth(t); i++)
		assert_true(uring_noop(t, NULL) > 0);
	assert_int_equal(uring_socket(t, AF_INET, SOCK_STREAM, 0, NULL), 0);
	assert_int_equal(uring_submit(t), (int)uring_queue_depth(t));
	assert_int_equal(uring_socket(t, AF_INET, SOCK_STREAM, 0, NULL), -EOPNOTSUPP);
	while (uring_active_ops(t) > 0)
		assert_int_equal(wait_one(t).result, 0);
	assert_int_equal(uring_exit(t), 0);
	ctx_files_close(&c);
}

/* The floor is 5.10: a kernel without what the library relies on (5.8
 * lacks IORING_FEAT_POLL_32BITS) is refused at creation, cleanly. */
static void below_the_floor_creation_is_refused(void **state)
{
	(void)state;
	int fds = count_open_fds();
	size_t mem = mallinfo2().uordblks;
	errno = 0;
	assert_null(emulated_ring(508, NULL));
	assert_int_equal(errno, EOPNOTSUPP);
	assert_int_equal(count_open_fds(), fds);
	assert_int_equal(mallinfo2().uordblks, mem);
}

/* Before 6.6 a ring gets the SQ index array, even when NO_SQARRAY was
 * asked for: it changes nothing the caller sees.  Before 5.18 the ring fd
 * is not registered, and before 5.11 waits have no EXT_ARG: the plain
 * paths work. */
static void fallbacks_are_silent(void **state)
{
	(void)state;
	uring_options o = { .setup_flags = URING_SETUP_NO_SQARRAY };
	uring *t = emulated_ring(510, &o);
	assert_non_null(t);
	assert_non_null(t->sq.array);
	assert_int_equal(t->reg_index, -1);
	/* The ring runs under the emulated kernel too: no enter flag it lacks. */
	struct uring__fault_kernel k;
	uring__fault_kernel_as(&k, 510);
	uring__fault_kernel(&k);
	uring_job j = uring_noop(t, NULL);
	assert_true(j > 0);
	uring_completion out[1];
	assert_int_equal(uring_wait_many(t, out, 1, 1, URING_WAIT_FOREVER), 1);
	assert_int_equal(out[0].job, j);
	assert_int_equal(uring_noop(t, NULL) > 0, 1);
	assert_int_equal(wait_one(t).result, 0);
	uring__fault_kernel(NULL);
	assert_int_equal(uring_exit(t), 0);
}

/* No emulation: what this kernel lacks, by the library's own answer, is
 * refused.  On a kernel that has everything there is nothing to refuse. */
static void real_kernel_refusals(void **state)
{
	(void)state;
	struct ctx c;
	ctx_files(&c);
	uring *t = ring_or_skip(8, NULL);
	ctx_ring(&c, t);
	unsigned refused = 0;
	for (size_t i = 0; i < N_CASES; i++) {
		if (case_supported(t, &cases[i]) || !case_callable(&c, &cases[i]))
			continue;
		assert_refused(&c, &cases[i]);
		fprintf(stderr, "refused as this kernel lacks it: %s\n", cases[i].name);
		refused++;
	}
	for (size_t i = 0; i < N_FEATURES; i++) {
		if (!features[i].setup_flag || uring_feature_supported(t, features[i].feature))
			continue;
		uring_options o = { .setup_flags = features[i].setup_flag };
		errno = 0;
		assert_null(uring_create(8, &o));
		assert_int_equal(errno, EOPNOTSUPP);
		fprintf(stderr, "refused as this kernel lacks it: %s\n", features[i].name);
		refused++;
	}
	fprintf(stderr, "%u refusals\n", refused);
	ctx_ring_close(&c);
	ctx_files_close(&c);
}

static void queries_answer_zero_for_nonsense(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	assert_int_equal(uring_feature_supported(NULL, URING_FEATURE_WAIT_TIMEOUT), 0);
	assert_int_equal(uring_feature_supported(t, 1000), 0);
	assert_int_equal(uring_feature_supported(t, 31), 0);
	assert_int_equal(uring_op_supported(t, 256), 0);
	assert_int_equal(uring_exit(t), 0);
}

/* A failed check leaves by longjmp: the next test gets the real kernel. */
static int real_kernel_again(void **state)
{
	(void)state;
	uring__fault_kernel(NULL);
	return 0;
}

int main(void)
{
#define EMULATED(f) cmocka_unit_test_teardown(f, real_kernel_again)
	const struct CMUnitTest tests[] = {
		EMULATED(every_opcode_is_refused_when_absent),
		EMULATED(emulated_kernels_refuse_what_they_lack),
		EMULATED(argument_errors_come_first),
		EMULATED(below_the_floor_creation_is_refused),
		EMULATED(fallbacks_are_silent),
		cmocka_unit_test(real_kernel_refusals),
		cmocka_unit_test(queries_answer_zero_for_nonsense),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
