/* SPDX-License-Identifier: ISC */
/*
 * libFuzzer harness: the input bytes are a program of public calls on one
 * ring (and sometimes a second one), run against a model of what must hold:
 *
 *  - every job completes exactly once: a completion naming a job the model
 *    does not hold live (unknown, or already completed) aborts, and so does
 *    one carrying another job's data pointer;
 *  - only multishot jobs (multishot timers too) and zero-copy sends see
 *    URING_CQE_F_MORE;
 *  - uring_active_ops(t) equals the model's count of live jobs after every
 *    step;
 *  - uring_exit succeeds exactly when the model has no live job, -EBUSY
 *    otherwise, and the ring then keeps working;
 *  - arguments the API documents as invalid return that -errno and queue
 *    nothing (uring_sqe_ready unchanged); valid ones return a fresh job id,
 *    or 0 only when the submission queue is full;
 *  - at the end of the input every live job is cancelled and collected
 *    within a deadline, the rings exit, and no fd is left open.
 *
 * It never blocks for ever: uring_wait is called only when the model knows
 * a job that completes without outside help (a nop, a short timer, a file
 * op, not behind a link or a drain); otherwise waits have short timeouts.
 * Files live in a private temporary directory; paths never reach outside it.
 *
 * Built with clang -fsanitize=fuzzer,address,undefined (tests/fuzz/run.sh),
 * and with tests/fuzz/replay.c for the corpus regression test in every build.
 */
#include <errno.h>
#include <fcntl.h>
#include <ftw.h>
#include <limits.h>
#include <poll.h>
#include <signal.h>
#include <stdbool.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <netinet/in.h>
#include <sys/epoll.h>
#include <sys/wait.h>
#include <sys/eventfd.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>
#include <sys/un.h>
#include <dirent.h>
#include <time.h>
#include <unistd.h>
#include <linux/openat2.h>

#include "uring.h"

#define FAIL(...)                                                              \
	do {                                                                   \
		fprintf(stderr, "fuzz_ring: model violated at %s:%d: ", __FILE__, __LINE__); \
		fprintf(stderr, __VA_ARGS__);                                  \
		fputc('\n', stderr);                                           \
		abort();                                                       \
	} while (0)
#define CHECK(cond, ...)                                                       \
	do {                                                                   \
		if (!(cond))                                                   \
			FAIL(__VA_ARGS__);                                     \
	} while (0)

/* ------------------------------------------------------------------ */
/* input                                                                */
/* ------------------------------------------------------------------ */

struct input {
	const uint8_t *p;
	size_t n;
};

static uint8_t u8(struct input *in)
{
	if (in->n == 0)
		return 0;
	in->n--;
	return *in->p++;
}

static uint16_t u16(struct input *in)
{
	return (uint16_t)(u8(in) | (uint16_t)u8(in) << 8);
}

/* ------------------------------------------------------------------ */
/* the model                                                            */
/* ------------------------------------------------------------------ */

enum kind {
	K_NOOP, K_TIMEOUT, K_CANCEL, K_RW, K_OPEN, K_CLOSE, K_PATH, K_SOCKET,
	K_ACCEPT, K_NET, K_RECV_MSG, K_ACCEPT_MS, K_RECV_MS, K_SEND_ZC,
	K_LINK_TIMEOUT, K_MSG_RING, K_CANCEL_MATCH, K_DIRECT, K_INSTALL, K_POLL_MS, K_TIMEOUT_MS,
	K_SEND_BUNDLE, K_OTHER,
};

#define MAX_JOBS  512          /* the model's capacity: room for the drain's cancels */
#define LIVE_LIMIT 160         /* live jobs per ring the ops may reach */
#define DONE_IDS  32           /* recently completed ids, for stale-id calls */
#define SLOT_SIZE 4096u
#define N_SLOTS   16u          /* data buffers per ring: N_SLOTS * SLOT_SIZE */
#define FIXED_LEN 65536u
#define N_CHUNKS  16
#define SEND_GROUP 5           /* the send ring's group; receive rings take 0..3 */
#define SEND_BUFS  8u

struct job {
	uring_job id;
	uint64_t token;            /* the data pointer given to the op */
	uint8_t kind;
	bool live;
	bool sure;                 /* completes without outside help */
	bool fixed_file;
	bool got_more;             /* an F_MORE completion was seen */
	bool linked;               /* carries URING_LINK or URING_HARDLINK */
	bool recvmsg;              /* K_RECV_MS from recv_msg_multishot: fds may come in its buffers */
	int fd;                    /* K_CLOSE: the fd it closes; K_MSG_RING: the target ring */
	uint8_t fd_kind;           /* what a result fd is, for K_OPEN / K_SOCKET / K_ACCEPT */
};

enum fd_kind { FD_FILE, FD_SOCK };

struct ring_model {
	uring *t;
	unsigned serial;           /* names this ring instance in messages */
	unsigned depth;
	bool sqpoll;
	struct job jobs[MAX_JOBS];
	unsigned live;
	unsigned sure_live;
	uring_job done[DONE_IDS];
	unsigned n_done;
	/* jobs queued since the last submit or wait (their SQEs are ours) */
	int batch[MAX_JOBS];
	unsigned n_batch;
	bool batch_unsure;         /* a flag was set on a job of the batch */
	uint8_t *mem;              /* N_SLOTS data buffers, alive until exit */
	uint8_t *fixed;            /* FIXED_LEN bytes, alive until exit */
	size_t fixed_len;          /* registered length, 0: none */
	uring_region *region;      /* over fixed, region_len bytes */
	size_t region_len, block;
	uring_chunk chunks[N_CHUNKS];
	bool chunk_taken[N_CHUNKS];
	uring_buf_ring *br;
	unsigned br_group;
	bool br_inc;               /* br hands buffers out in pieces (URING_BUF_RING_INC) */
	unsigned ms_recv_live;     /* live jobs selecting from br */
	uring_buf_ring *sbr;       /* a URING_BUF_RING_SEND ring, SEND_BUFS buffers */
	unsigned sbr_pushed;       /* bit per buffer pushed and not yet handed back */
	unsigned sbr_live;         /* live send_bundle jobs */
	unsigned br_groups;        /* groups registered on this ring (bit per group) */
	unsigned files_registered;
	uring_msghdr *mh;
	int mh_job;                /* index of the live recv_msg job using mh, or -1 */
	struct statx *sx;          /* 4 outputs for statx */
	uring_sockaddr *peers;     /* 4 outputs for accept */
	int eventfd;
	unsigned msgs_sent_ok;     /* msg_ring jobs to this ring that completed with >= 0 */
	unsigned msgs_queued;      /* msg_ring jobs to this ring ever queued */
	unsigned msgs_live;        /* msg_ring jobs to this ring still live */
	unsigned msgs_got;
	uint32_t create_flags;
	uint32_t create_cq;
};

#define MAX_OWNED 32
struct world {
	struct ring_model r[2];
	int pipe[2];
	int sp[2];
	int file;                  /* the data file, O_RDWR */
	int dir;                   /* the work directory */
	int owned[MAX_OWNED];      /* fds results gave us, closed at the end */
	uint8_t owned_kind[MAX_OWNED];
	unsigned n_owned;
	uint64_t token;
	unsigned serial;
	char *long_path;           /* PATH_MAX bytes: -ENAMETOOLONG */
};

static int tracing = -1;        /* FUZZ_TRACE set: every call on stderr */
#define TRACE(...)                                                             \
	do {                                                                   \
		if (tracing)                                                   \
			fprintf(stderr, __VA_ARGS__);                          \
	} while (0)

static char base_dir[64];      /* mkdtemp'd once; r/w inside it per input */
static pid_t owner_pid;

/* ------------------------------------------------------------------ */
/* fds                                                                  */
/* ------------------------------------------------------------------ */

static void own_fd(struct world *w, int fd, uint8_t kind)
{
	if (w->n_owned == MAX_OWNED) {
		close(fd);
		return;
	}
	w->owned[w->n_owned] = fd;
	w->owned_kind[w->n_owned] = kind;
	w->n_owned++;
}

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		FAIL("opendir /proc/self/fd: %s", strerror(errno));
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		if (e->d_name[0] != '.')
			n++;
	closedir(d);
	return n - 1;
}

/* ------------------------------------------------------------------ */
/* jobs                                                                 */
/* ------------------------------------------------------------------ */

static struct job *find_live(struct ring_model *m, uring_job id)
{
	for (unsigned i = 0; i < MAX_JOBS; i++)
		if (m->jobs[i].live && m->jobs[i].id == id)
			return &m->jobs[i];
	return NULL;
}

static int free_index(struct ring_model *m)
{
	for (int i = 0; i < MAX_JOBS; i++)
		if (!m->jobs[i].live)
			return i;
	return -1;
}

static bool room(struct ring_model *m)
{
	return m->t && m->live < LIVE_LIMIT;
}

static void sync_counts(struct ring_model *m, const char *where)
{
	unsigned active = uring_active_ops(m->t);
	CHECK(active == m->live, "%s: active_ops %u, model %u", where, active, m->live);
}

/* A flag set in the batch can hold any of its jobs back (a link behind a
 * blocked job, a drain, a fixed file that is a socket): none is sure. */
static void batch_unsure(struct ring_model *m)
{
	for (unsigned i = 0; i < m->n_batch; i++) {
		struct job *j = &m->jobs[m->batch[i]];
		if (j->live && j->sure) {
			j->sure = false;
			m->sure_live--;
		}
	}
	m->batch_unsure = true;
}

/* The whole batch is handed to the kernel by a submit or a wait. */
static void published(struct ring_model *m)
{
	m->n_batch = 0;
	m->batch_unsure = false;
}

/* recv_msg_multishot's template: the address and a control area fit the
 * 256-byte buffers of the model's buffer ring. */
static const struct msghdr recvmsg_tmpl = { .msg_namelen = sizeof(struct sockaddr_un),
					    .msg_controllen = 64 };

/* A multishot receive's buffer goes back; from recv_msg_multishot it is
 * parsed first: the fds an SCM_RIGHTS message brought are ours to close. */
static void ms_buffer_done(struct ring_model *m, const struct job *j, const uring_completion *c)
{
	int bid = uring_completion_buffer_id(c);
	if (bid < 0)
		return;
	uring_recv_msg_parts parts;
	if (j->recvmsg && uring_recv_msg_parse(m->br, &recvmsg_tmpl, c, &parts) == 0) {
		for (const struct cmsghdr *cm = uring_recv_msg_cmsg_first(&parts); cm;
		     cm = uring_recv_msg_cmsg_next(&parts, cm)) {
			if (cm->cmsg_level != SOL_SOCKET || cm->cmsg_type != SCM_RIGHTS)
				continue;
			size_t n = (cm->cmsg_len - CMSG_LEN(0)) / sizeof(int);
			for (size_t i = 0; i < n; i++) {
				int fd;
				memcpy(&fd, CMSG_DATA(cm) + i * sizeof(int), sizeof(fd));
				close(fd);
			}
		}
	}
	if (j->recvmsg) {
		CHECK(uring_buf_ring_recycle(m->br, (unsigned)bid) == 0, "recycle %d", bid);
		return;
	}
	/* Every other job is walked by pieces: a bundle spans several
	 * buffers, and an incremental buffer still filling is not recycled. */
	uring_buf_piece pieces[8];
	int n = uring_buf_ring_pieces(m->br, c, pieces, 8);
	CHECK(n >= 1, "pieces of buffer %d (result %d, flags %x): %d", bid, c->result, c->flags, n);
	bool more = false, any_done = false;
	for (int i = 0; i < n; i++) {
		more |= !pieces[i].done;
		any_done |= pieces[i].done;
	}
	CHECK(more == (m->br_inc && (c->flags & URING_CQE_F_BUF_MORE)), "a piece not done (flags %x)",
	      c->flags);
	CHECK(uring_buf_ring_recycle_pieces(m->br, pieces, (unsigned)n) == 0, "recycle_pieces");
	/* a done buffer is the kernel's again: naming it twice is refused */
	CHECK(uring_buf_ring_recycle_pieces(m->br, pieces, (unsigned)n) == (any_done ? -EINVAL : 0),
	      "recycle_pieces twice");
}

/* A send bundle's buffers come back to the caller, ready to push again. */
static void send_bundle_done(struct ring_model *m, const uring_completion *c)
{
	if (uring_completion_buffer_id(c) < 0)
		return;
	uring_buf_piece pieces[SEND_BUFS];
	int n = uring_buf_ring_pieces(m->sbr, c, pieces, SEND_BUFS);
	/* a failed send: the buffers it consumed, perhaps none */
	CHECK(c->result < 0 ? n >= 0 : n >= 1, "send bundle pieces (result %d): %d", c->result, n);
	for (int i = 0; i < n; i++) {
		CHECK(m->sbr_pushed & (1u << pieces[i].bid), "sent buffer %u was not pushed", pieces[i].bid);
		m->sbr_pushed &= ~(1u << pieces[i].bid);
	}
}

static void job_done(struct world *w, struct ring_model *m, struct job *j, int32_t res)
{
	switch (j->kind) {
	case K_OPEN:
	case K_SOCKET:
	case K_ACCEPT:
		if (res >= 0)
			own_fd(w, res, j->fd_kind);
		break;
	case K_INSTALL:
		/* a slot's file as an fd: a file or a socket, so never "sure" */
		if (res >= 0)
			own_fd(w, res, FD_SOCK);
		break;
	case K_CLOSE:
		/* 0: closed.  Anything else (cancelled, a broken link, a
		 * fixed-file close refused) left the fd open: still ours. */
		if (res != 0)
			own_fd(w, j->fd, j->fd_kind);
		break;
	case K_RECV_MSG: {
		int fds[4];
		int n = uring_msghdr_fds(m->mh, fds, 4);
		CHECK(n >= 0 && n <= 4, "msghdr_fds %d", n);
		for (int i = 0; i < n; i++)
			close(fds[i]);
		m->mh_job = -1;
		break;
	}
	case K_RECV_MS:
		m->ms_recv_live--;
		break;
	case K_SEND_BUNDLE:
		m->sbr_live--;
		break;
	case K_MSG_RING: {
		struct ring_model *to = &w->r[j->fd];
		to->msgs_live--;
		if (res >= 0)   /* 0, or the slot a passed file went to */
			to->msgs_sent_ok++;
		break;
	}
	default:
		break;
	}
	if (j->sure)
		m->sure_live--;
	j->live = false;
	m->live--;
	m->done[m->n_done++ % DONE_IDS] = j->id;
}

static void completion(struct world *w, struct ring_model *m, const uring_completion *c)
{
	if (uring_job_is_message(c->job)) {
		CHECK(c->data == NULL, "message with data %p", c->data);
		CHECK(uring_message_value(c->job) == m->serial, "message %llu for ring %u",
		      (unsigned long long)uring_message_value(c->job), m->serial);
		m->msgs_got++;
		CHECK(m->msgs_got <= m->msgs_queued, "%u messages, %u sent", m->msgs_got, m->msgs_queued);
		return;
	}
	TRACE("ring %u: completion %llx result %d flags %x\n", m->serial, (unsigned long long)c->job, c->result,
	      c->flags);
	struct job *j = find_live(m, c->job);
	CHECK(j, "completion for job %llx that is not live (result %d, flags %x)",
	      (unsigned long long)c->job, c->result, c->flags);
	CHECK(c->data == (void *)(uintptr_t)j->token, "job %llx: data %p, expected %llx",
	      (unsigned long long)c->job, c->data, (unsigned long long)j->token);
	switch (j->kind) {
	case K_NOOP:
		CHECK(c->result == 0 || c->result == -ECANCELED, "nop result %d", c->result);
		break;
	case K_TIMEOUT:
		CHECK(c->result == -ETIME || c->result == -ECANCELED, "timeout result %d", c->result);
		break;
	case K_TIMEOUT_MS:   /* -EINVAL: a kernel before 6.4 */
		CHECK(c->result == -ETIME || c->result == -ECANCELED || c->result == -EINVAL,
		      "multishot timeout result %d", c->result);
		break;
	case K_CANCEL:
		CHECK(c->result == 0 || c->result == -ENOENT || c->result == -EALREADY ||
		      c->result == -ECANCELED, "cancel result %d", c->result);
		break;
	case K_DIRECT:
		/* a slot (>= 0), never an fd: nothing to own */
		CHECK(c->result < 0 || (unsigned)c->result < 64, "direct result %d", c->result);
		break;
	case K_CANCEL_MATCH:
		/* a count with ALL / ANY; -EBADF: an fd that is not open */
		CHECK(c->result >= 0 || c->result == -ENOENT || c->result == -EALREADY ||
		      c->result == -ECANCELED || c->result == -EBADF, "cancel_match result %d", c->result);
		break;
	default:
		break;
	}
	if (c->flags & URING_CQE_F_MORE) {
		CHECK(j->kind == K_ACCEPT_MS || j->kind == K_RECV_MS || j->kind == K_SEND_ZC ||
		      j->kind == K_POLL_MS || j->kind == K_TIMEOUT_MS || j->kind == K_SEND_BUNDLE,
		      "F_MORE on a single-shot job (kind %d)", j->kind);
		j->got_more = true;
		if (j->kind == K_ACCEPT_MS && c->result >= 0)
			own_fd(w, c->result, FD_SOCK);
		if (j->kind == K_RECV_MS)
			ms_buffer_done(m, j, c);
		if (j->kind == K_SEND_BUNDLE)
			send_bundle_done(m, c);
		return;
	}
	if (c->flags & URING_CQE_F_NOTIF) {
		CHECK(j->kind == K_SEND_ZC && j->got_more, "NOTIF without a first completion");
		/* 0, or the report's bit: never an error */
		CHECK(c->result == 0 || (uint32_t)c->result == URING_NOTIF_USAGE_ZC_COPIED,
		      "notification result %d", c->result);
	}
	if (j->kind == K_RECV_MS)
		ms_buffer_done(m, j, c);
	if (j->kind == K_SEND_BUNDLE)
		send_bundle_done(m, c);
	job_done(w, m, j, c->result);
}

/* The newest unpublished job opened a link chain: a full SQ is -ENOSPC. */
static bool chain_open(const struct ring_model *m)
{
	return m->n_batch && m->jobs[m->batch[m->n_batch - 1]].linked;
}

/*
 * Records the outcome of an op call.  expect < 0: the call must return
 * exactly that and queue nothing.  expect == 0: a job id, or 0 only when
 * the SQ is full.  Returns the job's record, or NULL.
 */
/* Whether the library reports anything the harness uses unsupported: a
 * valid call may then be refused with -EOPNOTSUPP (tests/test_refuse.c
 * checks which).  On a kernel with everything, never. */
static bool lacks_something(uring *t)
{
	for (unsigned op = 0; op <= URING_OP_PIPE; op++)
		if (!uring_op_supported(t, op))
			return true;
	for (unsigned f = 0; f <= URING_FEATURE_SETUP_HYBRID_IOPOLL; f++)
		if (!uring_feature_supported(t, f))
			return true;
	static const unsigned newer[] = { URING_FEATURE_SOCKET_CMD, URING_FEATURE_GETSOCKNAME,
					  URING_FEATURE_NAPI, URING_FEATURE_BUF_RING_INC,
					  URING_FEATURE_RECV_BUNDLE, URING_FEATURE_SEND_BUNDLE };
	for (unsigned i = 0; i < sizeof(newer) / sizeof(newer[0]); i++)
		if (!uring_feature_supported(t, newer[i]))
			return true;
	return false;
}

static struct job *queued(struct world *w, struct ring_model *m, uring_job ret, int expect,
			  unsigned ready_before, uint8_t kind, bool sure, uint64_t token,
			  const char *what)
{
	unsigned ready = uring_sqe_ready(m->t);
	TRACE("ring %u: %s -> %llx (expect %d, sure %d)\n", m->serial, what, (unsigned long long)ret, expect, sure);
	if (expect < 0 || ret <= 0) {
		if (expect < 0)
			CHECK(ret == expect, "%s: returned %lld, expected %d", what, (long long)ret, expect);
		else if (ret == -EOPNOTSUPP)
			CHECK(lacks_something(m->t), "%s: refused on a kernel that has everything", what);
		else
			CHECK(ret >= 0 || ret == -ENOMEM || (ret == -ENOSPC && chain_open(m)),
			      "%s: valid call returned %lld", what, (long long)ret);
		if (m->sqpoll)
			CHECK(ready <= ready_before, "%s: sqe_ready %u -> %u on refusal", what, ready_before, ready);
		else
			CHECK(ready == ready_before, "%s: sqe_ready %u -> %u on refusal", what, ready_before, ready);
		if ((ret == 0 || ret == -ENOSPC) && !m->sqpoll)
			CHECK(ready_before == uring_queue_depth(m->t), "%s: %lld with %u of %u SQEs ready", what,
			      (long long)ret,
			      ready_before, uring_queue_depth(m->t));
		sync_counts(m, what);
		return NULL;
	}
	if (!m->sqpoll) {
		CHECK(ready_before < uring_queue_depth(m->t), "%s: queued into a full SQ", what);
		CHECK(ready == ready_before + 1, "%s: sqe_ready %u -> %u", what, ready_before, ready);
	}
	CHECK(!find_live(m, ret), "%s: job id %llx handed out twice", what, (unsigned long long)ret);
	for (unsigned i = 0; i < DONE_IDS && i < m->n_done; i++)
		CHECK(m->done[i] != ret, "%s: id %llx reused", what, (unsigned long long)ret);
	int i = free_index(m);
	CHECK(i >= 0, "no room in the model");
	struct job *j = &m->jobs[i];
	*j = (struct job){ .id = ret, .token = token, .kind = kind, .live = true, .fd = -1 };
	if (m->batch_unsure)
		sure = false;   /* may sit behind a link, a drain or a fixed file */
	j->sure = sure;
	if (sure)
		m->sure_live++;
	m->live++;
	m->batch[m->n_batch++] = i;
	(void)w;
	sync_counts(m, what);
	return j;
}

/* A job the caller may reference: a live one, a completed one, or invented. */
static uring_job pick_id(struct ring_model *m, uint8_t sel, bool *live)
{
	*live = false;
	switch (sel % 4) {
	case 0:
	case 1:
		if (m->live) {
			unsigned k = sel % m->live;
			for (unsigned i = 0; i < MAX_JOBS; i++)
				if (m->jobs[i].live && k-- == 0) {
					*live = true;
					return m->jobs[i].id;
				}
		}
		/* fall through */
	case 2:
		if (m->n_done)
			return m->done[sel % (m->n_done < DONE_IDS ? m->n_done : DONE_IDS)];
		/* fall through */
	default: {
		static const uring_job invented[] = { 0, -1, 1, INT64_MAX, INT64_MIN,
						      (uring_job)1 << 32, ((uring_job)7 << 32) | 3 };
		uring_job id = invented[sel % (sizeof(invented) / sizeof(invented[0]))];
		*live = find_live(m, id) != NULL;   /* 1 << 32 may well be a real id */
		return id;
	}
	}
}

/* ------------------------------------------------------------------ */
/* waiting                                                              */
/* ------------------------------------------------------------------ */

static void take(struct world *w, struct ring_model *m, const uring_completion *c, int n)
{
	for (int i = 0; i < n; i++)
		completion(w, m, &c[i]);
}

static bool can_wait(const struct ring_model *m)
{
	return m->sure_live > 0 && !m->batch_unsure;
}

static void do_wait(struct world *w, struct ring_model *m, uint8_t how, uint8_t arg)
{
	uring_completion c[16];
	int ret;
	TRACE("ring %u: wait kind %u\n", m->serial, how % 6);
	switch (how % 6) {
	case 0:
		if (can_wait(m)) {
			ret = uring_wait(m->t, c);
			published(m);
			CHECK(ret == 0 || ret == 1, "wait %d", ret);
			take(w, m, c, ret);
			break;
		}
		/* fall through */
	case 1:
		ret = uring_wait_timeout(m->t, (uint64_t)(arg % 8) * 125000u, c);
		published(m);
		CHECK(ret == 0 || ret == 1, "wait_timeout %d", ret);
		take(w, m, c, ret);
		break;
	case 2:
		ret = uring_get_cqe_nonblocking(m->t, c);
		CHECK(ret == 0 || ret == 1, "get_cqe_nonblocking %d", ret);
		take(w, m, c, ret);
		break;
	case 3:
		ret = uring_reap(m->t, c, 1u + arg % 16u);
		CHECK(ret >= 0 && ret <= 1 + arg % 16, "reap %d", ret);
		take(w, m, c, ret);
		break;
	case 4:
		CHECK(uring_reap(m->t, c, 0) == 0, "reap of 0");
		CHECK(uring_reap(m->t, NULL, 3) == -EINVAL, "reap into NULL");
		CHECK(uring_wait(m->t, NULL) == -EINVAL, "wait into NULL");
		CHECK(uring_wait_timeout(m->t, 1, NULL) == -EINVAL, "wait_timeout into NULL");
		CHECK(uring_get_cqe_nonblocking(m->t, NULL) == -EINVAL, "get into NULL");
		break;
	default:
		ret = uring_submit(m->t);
		published(m);
		CHECK(ret >= 0 || ret == -EAGAIN || ret == -EBUSY || ret == -EINTR, "submit %d", ret);
		break;
	}
	sync_counts(m, "wait");
}

/* ------------------------------------------------------------------ */
/* rings                                                                */
/* ------------------------------------------------------------------ */

static const uint32_t flag_sets[] = {
	0,
	0,
	URING_SETUP_CLAMP,
	URING_SETUP_SINGLE_ISSUER | URING_SETUP_DEFER_TASKRUN,
	URING_SETUP_COOP_TASKRUN,
	URING_SETUP_SUBMIT_ALL,
	URING_SETUP_SINGLE_ISSUER,
	URING_SETUP_SQPOLL,           /* rare: a kernel thread per ring */
};

static void ring_free_memory(struct ring_model *m)
{
	uring_region_destroy(m->region);
	uring_msghdr_destroy(m->mh);
	free(m->mem);
	free(m->fixed);
	free(m->sx);
	free(m->peers);
	if (m->eventfd >= 0)
		close(m->eventfd);
	m->region = NULL;
	m->mh = NULL;
	m->mem = m->fixed = NULL;
	m->sx = NULL;
	m->peers = NULL;
	m->eventfd = -1;
	m->br = m->sbr = NULL;   /* freed by uring_exit */
}

static bool ring_open(struct world *w, struct ring_model *m, uint8_t depth_sel, uint8_t flag_sel)
{
	unsigned depth = 1u << (depth_sel % 5);         /* 1 .. 16 */
	uring_options o = { .setup_flags = flag_sets[flag_sel % 8] };
	if (o.setup_flags & URING_SETUP_SQPOLL) {
		o.setup_flags = 0;
		o.polling_timeout_ms = 10;
	}
	if (flag_sel & 0x10)
		o.cq_entries = depth;   /* a small CQ: overflow on every burst */
	memset(m, 0, sizeof(*m));
	m->eventfd = -1;
	m->mh_job = -1;
	m->t = uring_create(depth, &o);
	if (!m->t && errno == EOPNOTSUPP && o.setup_flags) {
		o.setup_flags = 0;   /* a flag the kernel lacks: lacks_something */
		m->t = uring_create(depth, &o);
		CHECK(m->t && lacks_something(m->t), "setup flags refused on a kernel that has everything");
	}
	if (!m->t) {
		/* SQPOLL may be refused to an unprivileged user; nothing else. */
		CHECK(o.polling_timeout_ms && (errno == EPERM || errno == EINVAL),
		      "uring_create(%u, %x): %s", depth, o.setup_flags, strerror(errno));
		o.polling_timeout_ms = 0;
		m->t = uring_create(depth, &o);
		CHECK(m->t, "uring_create(%u): %s", depth, strerror(errno));
	}
	m->serial = ++w->serial;
	m->depth = depth;
	m->sqpoll = o.polling_timeout_ms != 0;
	m->create_flags = o.setup_flags;
	m->create_cq = o.cq_entries;
	CHECK(uring_queue_depth(m->t) >= depth, "queue depth %u < %u", uring_queue_depth(m->t), depth);
	CHECK(uring_active_ops(m->t) == 0 && uring_sqe_ready(m->t) == 0, "fresh ring not idle");
	m->mem = calloc(N_SLOTS, SLOT_SIZE);
	m->fixed = calloc(1, FIXED_LEN);
	m->sx = calloc(4, sizeof(struct statx));
	m->peers = calloc(4, sizeof(uring_sockaddr));
	struct iovec iov = { m->mem + (N_SLOTS - 1) * SLOT_SIZE, SLOT_SIZE };
	m->mh = uring_msghdr_create(2, &iov, 1, NULL);
	CHECK(m->mem && m->fixed && m->sx && m->peers && m->mh, "out of memory");
	return true;
}

/* uring_exit: 0 exactly when the model is idle, -EBUSY otherwise. */
static void ring_try_exit(struct world *w, int which)
{
	struct ring_model *m = &w->r[which];
	if (!m->t)
		return;
	if (m->msgs_live)
		return;   /* a queued msg_ring names this ring's fd: keep it open */
	unsigned ready = uring_sqe_ready(m->t);
	int ret = uring_exit(m->t);
	if (m->live) {
		CHECK(ret == -EBUSY, "exit with %u live jobs returned %d", m->live, ret);
		CHECK(uring_sqe_ready(m->t) == ready || m->sqpoll, "exit -EBUSY changed the SQ");
		sync_counts(m, "exit -EBUSY");
		return;
	}
	CHECK(ret == 0, "exit of an idle ring returned %d", ret);
	m->t = NULL;
	ring_free_memory(m);
}

/* ------------------------------------------------------------------ */
/* op arguments                                                         */
/* ------------------------------------------------------------------ */

enum fd_sel { F_PIPE_R, F_PIPE_W, F_FILE, F_SOCK0, F_SOCK1, F_OWNED, F_BOGUS };

/* An fd and whether ops on it complete without outside help. */
static int pick_fd(struct world *w, uint8_t sel, bool writing, bool *sure)
{
	static const int bogus[] = { -1, -100, INT_MAX, 1 << 20 };
	*sure = false;
	switch (sel % 8) {
	case 0:
		return writing ? w->pipe[1] : w->pipe[0];
	case 1:
	case 2:
		*sure = true;
		return w->file;
	case 3:
		return w->sp[0];
	case 4:
		return w->sp[1];
	case 5:
		if (w->n_owned && !writing) {
			unsigned k = (sel >> 3) % w->n_owned;
			*sure = w->owned_kind[k] == FD_FILE;
			return w->owned[k];
		}
		/* fall through */
	default:
		*sure = true;
		return bogus[(sel >> 3) % 4];
	}
}

/* A buffer for the kernel: valid (inside a slot of the ring's memory, with
 * a length that fits), NULL (-EFAULT at the call when len > 0), or an
 * unmapped address (the kernel answers -EFAULT). */
static void *pick_buf(struct ring_model *m, uint8_t sel, uint16_t lsel, unsigned *len, int *expect)
{
	*expect = 0;
	switch (sel % 8) {
	case 0:
		*len = lsel % 2 ? 0 : 1u + lsel % 100000u;
		if (*len)
			*expect = -EFAULT;
		return NULL;
	case 1:
		*len = 1u + lsel;
		return (void *)(uintptr_t)0x1000;   /* below mmap_min_addr */
	default: {
		unsigned slot = (sel >> 3) % N_SLOTS;
		*len = lsel % (SLOT_SIZE + 1);
		return m->mem + (size_t)slot * SLOT_SIZE;
	}
	}
}

static int64_t pick_offset(uint8_t sel, int *expect)
{
	switch (sel % 8) {
	case 0:
	case 1:
		return -1;
	case 2:
		*expect = -EINVAL;
		return -2 - (sel >> 3);
	case 3:
		return (int64_t)1 << 40;
	case 4:
		return INT64_MAX;
	default:
		return (int64_t)(sel >> 3) * 512;
	}
}

/* Paths, all relative to the work directory; the deepest they reach is the
 * private base directory (one ".." here, one in a symlink's target). */
static const char *const path_names[] = {
	"a", "b", "d", "d/f", "s", "s/f", "../a", "../s", "data", "x/y", "", ".", "..", "d/../b",
};
static const char *const link_targets[] = { "a", "d", "nonexistent", "../x", "s" };

static const char *pick_path(struct world *w, uint8_t sel, int *expect)
{
	if (sel == 0xff) {
		*expect = -EFAULT;
		return NULL;
	}
	if (sel == 0xfe) {
		*expect = -ENAMETOOLONG;
		return w->long_path;
	}
	return path_names[sel % (sizeof(path_names) / sizeof(path_names[0]))];
}

static int pick_dirfd(struct world *w, uint8_t sel)
{
	if (sel % 8 == 7)
		return -1;
	if (sel % 8 == 6 && w->n_owned)
		return w->owned[(sel >> 3) % w->n_owned];   /* a file: -ENOTDIR, or a dir */
	return w->dir;
}

/* ------------------------------------------------------------------ */
/* ops                                                                  */
/* ------------------------------------------------------------------ */

/* One op call: a fresh data pointer (data_) and the SQ count before it,
 * then the call, then queued() checks the outcome against `expect`. */
static struct {
	uint64_t token;
	unsigned ready;
} pending;
static void *data_;

static void *begin_op(struct world *w, struct ring_model *m)
{
	pending.token = ++w->token;
	pending.ready = uring_sqe_ready(m->t);
	return (void *)(uintptr_t)pending.token;
}

#define QUEUE(m, call, expect, kind, sure, what)                               \
	(data_ = begin_op(w, (m)),                                             \
	 queued(w, (m), (call), (expect), pending.ready, (kind), (sure), pending.token, (what)))

static uint64_t now_ns(clockid_t clk)
{
	struct timespec ts;
	clock_gettime(clk, &ts);
	return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}

static void op_timeout(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t a = u8(in), b = u8(in);
	static const clockid_t clocks[] = { CLOCK_MONOTONIC, CLOCK_BOOTTIME, CLOCK_REALTIME };
	uring_clock clock = (uring_clock)(a % 3);
	int expect = 0;
	if (a % 16 == 15) {
		clock = (uring_clock)(3 + b % 100);
		expect = -EINVAL;
	}
	bool absolute = (a >> 2) & 1;
	bool sure = true;
	uint64_t ns;
	switch (b % 4) {
	case 0:
		ns = (uint64_t)b * 4000u;                      /* up to 1 ms */
		break;
	case 1:
		ns = 0;                                        /* now / the epoch: fires at once */
		break;
	case 2:
		ns = UINT64_MAX - b;                           /* practically never */
		sure = false;
		break;
	default:
		ns = 10ull * 1000000000u;                      /* 10 s: cancelled at the end */
		sure = false;
		break;
	}

	if (absolute && expect == 0) {
		uint64_t now = now_ns(clocks[clock]);
		if (b % 4 == 0)
			ns += now;                             /* shortly */
		else if (b % 4 == 1)
			ns = now > 1000000u ? now - 1000000u : 0;   /* in the past */
	}
	QUEUE(m, uring_timeout(m->t, clock, ns, absolute, data_), expect, K_TIMEOUT, sure, "timeout");
}

static void op_cancel(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t sel = u8(in), what = u8(in);
	bool live;
	uring_job target = pick_id(m, sel, &live);
	/* futex words no op writes, so a wait for another value ends at once */
	static uint32_t futex_words[2];
	uint32_t *word = futex_words;
	switch (what % 11) {
	case 10: {
		/* WNOHANG | WNOWAIT: a valid waitid ends at once and reaps
		 * nothing (the sanitizers' symbolizer may be a child, so it
		 * must not wait); waitid(2)'s argument errors are refused. */
		static const int options[] = { WEXITED | WNOHANG | WNOWAIT, WSTOPPED | WNOHANG | WNOWAIT,
					       WNOHANG, WEXITED | 0x100 };
		static const int idtypes[] = { P_ALL, P_PGID, P_PID };
		int opt = options[(what >> 4) % 4], idtype = idtypes[(sel >> 2) % 3];
		int expect = ((what >> 4) % 4 >= 2 || idtype == P_PID) ? -EINVAL : 0;   /* P_PID 0 */
		QUEUE(m, uring_waitid(m->t, idtype, 0, NULL, opt, data_), expect, K_OTHER, true, "waitid");
		break;
	}
	case 8:
		QUEUE(m, uring_futex_wake(m->t, word, 1u + what / 16, URING_FUTEX_BITSET_ANY, what & 0x80, data_),
		      0, K_OTHER, true, "futex_wake");
		break;
	case 9: {
		/* never the word's value, so the wait ends at once (-EAGAIN);
		 * a misaligned word is refused */
		uring_futex_waiter v[2] = { { word, *word + 1, false }, { word + 1, word[1] + 1, true } };
		if (what & 0x10)
			QUEUE(m, uring_futex_waitv(m->t, v, 1u + (what >> 5) % 2, data_), 0, K_OTHER, true,
			      "futex_waitv");
		else
			QUEUE(m, uring_futex_wait(m->t, (what & 0x20) ? (uint32_t *)(void *)((char *)word + 2) : word,
						  *word + 1, URING_FUTEX_BITSET_ANY, false, data_),
			      (what & 0x20) ? -EINVAL : 0, K_OTHER, true, "futex_wait");
		break;
	}
	case 5:
		QUEUE(m, uring_timeout_remove(m->t, target, data_), live ? 0 : -ENOENT, K_CANCEL, true,
		      "timeout_remove");
		break;
	case 6:
		/* 1 ms from now: an update only ever brings a timer closer.
		 * K_OTHER: a kernel before 5.11 completes it with -EINVAL. */
		QUEUE(m, uring_timeout_update(m->t, target, 1000000u, false, data_), live ? 0 : -ENOENT,
		      K_OTHER, true, "timeout_update");
		break;
	case 7:
		QUEUE(m, uring_timeout_multishot(m->t, URING_CLOCK_MONOTONIC, 1000000u, 1u + (what >> 3) % 3,
						 data_),
		      0, K_TIMEOUT_MS, true, "timeout_multishot");
		break;
	default:
		QUEUE(m, uring_cancel(m->t, target, data_), live ? 0 : -ENOENT, K_CANCEL, true, "cancel");
		break;
	}
}

/* What uring_cancel_match refuses before queueing (its documented order). */
static int cancel_match_expect(const struct ring_model *m, unsigned flags, int fd, unsigned opcode)
{
	if (flags & ~(URING_CANCEL_ALL | URING_CANCEL_FD | URING_CANCEL_ANY | URING_CANCEL_FD_FIXED |
		      URING_CANCEL_OP))
		return -EINVAL;
	if (!(flags & (URING_CANCEL_FD | URING_CANCEL_OP | URING_CANCEL_ANY)))
		return -EINVAL;
	if ((flags & URING_CANCEL_ANY) && (flags & (URING_CANCEL_FD | URING_CANCEL_OP)))
		return -EINVAL;
	if ((flags & URING_CANCEL_FD_FIXED) && !(flags & URING_CANCEL_FD))
		return -EINVAL;
	if ((flags & URING_CANCEL_OP) && opcode > 255)
		return -EINVAL;
	if ((flags & URING_CANCEL_FD) && fd < 0)
		return -EBADF;
	if ((flags & URING_CANCEL_FD_FIXED) && (unsigned)fd >= m->files_registered)
		return -EBADF;
	return 0;
}

static void graceful_note(const uring_completion *c, void *arg);

/*
 * Cancellation by match, asynchronous and synchronous, and the graceful
 * exit.  The synchronous calls are made with nothing queued (the harness
 * submits first), so the model knows what they published.
 */
static void op_cancel_match(struct world *w, struct ring_model *m, struct input *in)
{
	static const unsigned kinds[] = {
		URING_CANCEL_FD, URING_CANCEL_FD | URING_CANCEL_ALL, URING_CANCEL_ANY, URING_CANCEL_OP,
		URING_CANCEL_OP | URING_CANCEL_ALL | URING_CANCEL_FD, URING_CANCEL_FD | URING_CANCEL_FD_FIXED,
		URING_CANCEL_FD | URING_CANCEL_FD_FIXED | URING_CANCEL_ALL, URING_CANCEL_ALL,
		URING_CANCEL_ANY | URING_CANCEL_FD, URING_CANCEL_FD_FIXED, 1u << 4, 1u << 30,
	};
	uint8_t how = u8(in), a = u8(in);
	unsigned flags = kinds[a % (sizeof(kinds) / sizeof(kinds[0]))];
	int fds[4] = { w->pipe[0], w->sp[0], -1, (int)(a >> 6) };
	int fd = fds[(a >> 4) % 4];
	unsigned opcode = (how & 0x80) ? 256u + a : (unsigned)(a % 64);
	int expect = cancel_match_expect(m, flags, fd, opcode);
	switch (how % 4) {
	case 0:
	case 1: {
		data_ = begin_op(w, m);
		uring_job r = uring_cancel_match(m->t, flags, fd, opcode, data_);
		if (r == -EOPNOTSUPP && expect == 0)
			return;   /* a kernel before the flag's release */
		queued(w, m, r, expect, pending.ready, K_CANCEL_MATCH, true, pending.token, "cancel_match");
		return;
	}
	case 2: {
		int sr = uring_submit(m->t);
		published(m);
		CHECK(sr >= 0 || sr == -EAGAIN || sr == -EBUSY || sr == -EINTR, "submit %d", sr);
		int ret;
		if (how & 0x40) {
			bool live;
			uring_job id = pick_id(m, a, &live);
			ret = uring_cancel_sync(m->t, id, 1000000);
			if (!live)
				CHECK(ret == -ENOENT, "cancel_sync of a dead id: %d", ret);
			else
				CHECK(ret == 0 || ret == 1 || ret == -ETIME || ret == -EAGAIN || ret == -EINTR ||
				      ret == -EOPNOTSUPP, "cancel_sync %d", ret);
		} else {
			ret = uring_cancel_match_sync(m->t, flags, fd, opcode, 1000000);
			if (expect < 0)
				CHECK(ret == expect, "cancel_match_sync returned %d, expected %d", ret, expect);
			else
				CHECK(ret >= 0 || ret == -ENOENT || ret == -ETIME || ret == -EBADF ||
				      ret == -EAGAIN || ret == -EINTR || ret == -EOPNOTSUPP,
				      "cancel_match_sync %d", ret);
		}
		sync_counts(m, "cancel_sync");
		return;
	}
	default: {
		if (m->msgs_live)
			return;   /* a msg_ring job names this ring's fd: keep it open */
		/* Before 6.0 (no sync cancel) the graceful exit cancels by id
		 * with cancel jobs of its own, which a drain behind a job that
		 * never ends holds back for good: its -ETIME then leaves them
		 * active (docs/api.md, uring_exit_graceful), beyond the model. */
		if (!uring_op_supported(m->t, URING_OP_SEND_ZC))
			return;
		struct { struct world *w; struct ring_model *m; } ctx = { w, m };
		int ret = uring_exit_graceful(m->t, 2000000000u, graceful_note, &ctx);
		published(m);
		if (ret == -ETIME) {
			sync_counts(m, "exit_graceful -ETIME");
			return;
		}
		CHECK(ret == 0, "exit_graceful %d", ret);
		CHECK(m->live == 0, "exit_graceful released the ring with %u jobs live", m->live);
		m->t = NULL;
		ring_free_memory(m);
		return;
	}
	}
}

static void graceful_note(const uring_completion *c, void *arg)
{
	struct { struct world *w; struct ring_model *m; } *ctx = arg;
	completion(ctx->w, ctx->m, c);
}

/* What a _direct op refuses for slot before anything else (direct.h). */
static int direct_slot_expect(const struct ring_model *m, unsigned slot)
{
	if (!m->files_registered)
		return -ENXIO;
	return slot != URING_FILE_INDEX_ALLOC && slot >= m->files_registered ? -EINVAL : 0;
}

/* Direct descriptors: a sparse table, its allocation range, and the ops
 * that fill, close and install its slots. */
static void op_direct(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t what = u8(in), a = u8(in), b = u8(in);
	unsigned slot = (a & 0x80) ? URING_FILE_INDEX_ALLOC : a % 10u;
	int expect = direct_slot_expect(m, slot);
	switch (what % 7) {
	case 0: {
		unsigned n = a % 9;
		int ret = uring_register_files_sparse(m->t, n);
		if (n == 0)
			CHECK(ret == -EINVAL, "register_files_sparse(0) %d", ret);
		else if (m->files_registered)
			CHECK(ret == -EBUSY, "register_files_sparse twice %d", ret);
		else if (ret != -EOPNOTSUPP) {
			CHECK(ret == 0, "register_files_sparse %d", ret);
			m->files_registered = n;
		}
		return;
	}
	case 1: {
		unsigned off = a % 9, len = b % 9;
		int ret = uring_register_file_alloc_range(m->t, off, len);
		if (!m->files_registered)
			CHECK(ret == -ENXIO, "alloc_range without a table %d", ret);
		else if (off > m->files_registered || len > m->files_registered - off)
			CHECK(ret == -EINVAL, "alloc_range outside %d", ret);
		else
			CHECK(ret == 0 || ret == -EOPNOTSUPP, "alloc_range %d", ret);
		return;
	}
	case 2:
		if (slot == URING_FILE_INDEX_ALLOC)
			expect = -EINVAL;
		data_ = begin_op(w, m);
		queued(w, m, uring_close_direct(m->t, slot, data_), expect, pending.ready, K_DIRECT, true,
		       pending.token, "close_direct");
		return;
	case 3: {
		int pexpect = 0;
		const char *path = pick_path(w, b, &pexpect);
		if (pexpect != 0)
			expect = pexpect;   /* the path is checked before the slot (ops_path.c) */
		static const uint64_t flags[] = { O_RDONLY, O_RDWR | O_CREAT, O_RDONLY | O_DIRECTORY, O_PATH };
		uint64_t f = flags[b % 4] | ((b & 0x10) ? O_CLOEXEC : 0);
		data_ = begin_op(w, m);
		uring_job r = uring_openat2_direct(m->t, w->dir, path, f, (f & O_CREAT) ? 0600 : 0, 0, slot,
						   data_);
		if (r == -EOPNOTSUPP && expect == 0)
			return;
		queued(w, m, r, expect, pending.ready, K_DIRECT, true, pending.token, "openat2_direct");
		return;
	}
	case 4: {
		data_ = begin_op(w, m);
		int type = (b & 1) ? SOCK_STREAM | SOCK_CLOEXEC : ((b & 2) ? SOCK_DGRAM : SOCK_STREAM | (1 << 30));
		if (type & (1 << 30))
			expect = -EINVAL;   /* checked before the slot */
		uring_job r = uring_socket_direct(m->t, AF_UNIX, type, 0, slot, data_);
		if (r == -EOPNOTSUPP && expect == 0)
			return;
		queued(w, m, r, expect, pending.ready, K_DIRECT, true, pending.token, "socket_direct");
		return;
	}
	case 5: {
		unsigned flags = (b & 2) ? 2u : (b & 1);
		slot = a % 10u;
		expect = flags > 1 ? -EINVAL : !m->files_registered ? -ENXIO : slot >= m->files_registered ? -EBADF : 0;
		data_ = begin_op(w, m);
		uring_job r = uring_fixed_fd_install(m->t, slot, flags, data_);
		if (r == -EOPNOTSUPP && expect == 0)
			return;
		queued(w, m, r, expect, pending.ready, K_INSTALL, true, pending.token, "fixed_fd_install");
		return;
	}
	default: {
		/* on a socket that does not listen: the kernel's -EINVAL, at once */
		data_ = begin_op(w, m);
		uring_job r = (b & 1) ? uring_accept_multishot_direct(m->t, w->sp[0], data_)
				      : uring_accept_direct(m->t, w->sp[0], NULL, slot, data_);
		if (b & 1)
			expect = m->files_registered ? 0 : -ENXIO;
		if (r == -EOPNOTSUPP && expect == 0)
			return;
		queued(w, m, r, expect, pending.ready, K_DIRECT, true, pending.token, "accept_direct");
		return;
	}
	}
}

/* A live job of the given kind, picked by sel, or NULL. */
static struct job *pick_live_kind(struct ring_model *m, uint8_t kind, uint8_t sel)
{
	unsigned n = 0;
	for (unsigned i = 0; i < MAX_JOBS; i++)
		n += m->jobs[i].live && m->jobs[i].kind == kind;
	if (!n)
		return NULL;
	unsigned k = sel % n;
	for (unsigned i = 0; i < MAX_JOBS; i++)
		if (m->jobs[i].live && m->jobs[i].kind == kind && k-- == 0)
			return &m->jobs[i];
	return NULL;
}

/* Multishot poll, its update, and replacing a live job's data. */
static void op_poll_ms(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t what = u8(in), a = u8(in);
	static const unsigned masks[] = { POLLIN, POLLOUT, POLLIN | POLLOUT, POLLPRI, 0 };
	unsigned mask = masks[a % 5];
	int fds[3] = { w->pipe[0], w->sp[0], w->sp[1] };
	switch (what % 3) {
	case 0:
		QUEUE(m, uring_poll_multishot(m->t, fds[(a >> 4) % 3], mask, data_), 0, K_POLL_MS, false,
		      "poll_multishot");
		return;
	case 1: {
		struct job *p = pick_live_kind(m, K_POLL_MS, a);
		bool live;
		uring_job id = p ? p->id : pick_id(m, a, &live);
		if (!p && live)
			return;   /* a live job of another kind: its poll is the kernel's business */
		QUEUE(m, uring_poll_update(m->t, id, mask, data_), p ? 0 : -ENOENT, K_CANCEL, true,
		      "poll_update");
		return;
	}
	default: {
		bool live;
		uring_job id = pick_id(m, a, &live);
		uint64_t token = ++w->token;
		int ret = uring_job_set_data(m->t, id, (void *)(uintptr_t)token);
		CHECK(ret == (live ? 0 : -ENOENT), "job_set_data %d (live %d)", ret, live);
		if (live)
			find_live(m, id)->token = token;   /* what its completions carry now */
		return;
	}
	}
}

static void op_rw(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t what = u8(in), fsel = u8(in), bsel = u8(in), osel = u8(in);
	uint16_t lsel = u16(in);
	bool writing = what & 1, sure;
	int fd = pick_fd(w, fsel, writing, &sure);
	int expect = 0;
	unsigned len;
	void *buf = pick_buf(m, bsel, lsel, &len, &expect);
	int64_t off = pick_offset(osel, &expect);
	if (fd == w->pipe[1] || fd == w->sp[0] || fd == w->sp[1] || fd == w->pipe[0])
		sure = false;
	switch ((what >> 1) % 4) {
	case 0: {
		/* RWF_NOWAIT only ends a job sooner (-EAGAIN), never later */
		int rwf = (what & 0x40) ? RWF_NOWAIT : 0;
		if (writing)
			QUEUE(m, uring_write2(m->t, fd, buf, len, off, rwf, data_), expect, K_RW, sure, "write");
		else
			QUEUE(m, uring_read2(m->t, fd, buf, len, off, rwf, data_), expect, K_RW, sure, "read");
		break;
	}
	default: {
		/* vectored: iovecs over the buffer, bogus ones, too many */
		struct iovec iov[4];
		unsigned cnt = (what >> 3) % 5;
		int vexpect = expect == -EINVAL ? -EINVAL : 0;
		const struct iovec *arr = iov;
		for (unsigned i = 0; i < cnt; i++) {
			iov[i].iov_base = buf;
			iov[i].iov_len = buf ? len / (i + 1) : 0;
		}
		if (bsel % 8 == 0 && cnt > 0) {
			arr = NULL;     /* NULL array with entries */
			if (vexpect == 0)
				vexpect = -EFAULT;
		}
		if ((what >> 6) == 3) {
			cnt = 1025;     /* over UIO_MAXIOV, checked before the array */
			vexpect = -EINVAL;
		}
		int flags = (what & 0x40) ? RWF_HIPRI : 0;
		if (writing)
			QUEUE(m, uring_writev2(m->t, fd, arr, cnt, off, flags, data_), vexpect, K_RW, sure, "writev");
		else
			QUEUE(m, uring_readv2(m->t, fd, arr, cnt, off, flags, data_), vexpect, K_RW, sure, "readv");
		break;
	}
	}
}

static void op_open(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t fsel = u8(in), psel = u8(in), rsel = u8(in), dsel = u8(in);
	static const uint64_t flags[] = {
		O_RDONLY, O_WRONLY | O_CREAT, O_RDWR | O_CREAT | O_TRUNC, O_RDONLY | O_DIRECTORY,
		O_TMPFILE | O_RDWR, O_PATH, O_RDWR | O_CREAT | O_EXCL, (uint64_t)1 << 40,
	};
	static const uint64_t resolves[] = {
		0, RESOLVE_BENEATH, RESOLVE_NO_SYMLINKS, RESOLVE_IN_ROOT, RESOLVE_NO_MAGICLINKS, 0x1000,
	};
	int expect = 0;
	const char *path = pick_path(w, psel, &expect);
	uint64_t f = flags[fsel % 8] | ((fsel & 0x80) ? O_CLOEXEC : 0);
	uint64_t mode = (f & (O_CREAT | O_TMPFILE)) ? 0600 : ((fsel & 0x40) ? 0600 : 0);
	struct job *j = QUEUE(m, uring_openat2(m->t, pick_dirfd(w, dsel), path, f, mode,
					       resolves[rsel % 6], data_),
			      expect, K_OPEN, true, "openat2");
	if (j)
		j->fd_kind = FD_FILE;
}

static void op_close(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t sel = u8(in);
	int fd = -1;
	uint8_t kind = FD_FILE;
	if (w->n_owned && sel % 4 != 3) {
		unsigned k = sel % w->n_owned;
		fd = w->owned[k];
		kind = w->owned_kind[k];
		w->owned[k] = w->owned[w->n_owned - 1];
		w->owned_kind[k] = w->owned_kind[w->n_owned - 1];
		w->n_owned--;
	} else {
		fd = sel % 2 ? -1 : (1 << 20) + sel;
	}
	struct job *j = QUEUE(m, uring_close(m->t, fd, data_), 0, K_CLOSE, true, "close");
	if (j && fd >= 0 && fd < (1 << 20)) {
		j->fd = fd;
		j->fd_kind = kind;
	} else if (!j && fd >= 0 && fd < (1 << 20)) {
		own_fd(w, fd, kind);      /* not queued: still ours */
	}
	else if (j)
		j->kind = K_OTHER;        /* a bogus fd: nothing to give back */
}

static void op_path(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t what = u8(in), p1 = u8(in), p2 = u8(in), d1 = u8(in), fl = u8(in);
	int e1 = 0, e2 = 0;
	const char *a = pick_path(w, p1, &e1);
	const char *b = pick_path(w, p2, &e2);
	int dirfd = pick_dirfd(w, d1);
	int expect1 = e1;
	int expect2 = e1 ? e1 : e2;
	switch (what % 7) {
	case 0: {
		struct statx *out = (fl & 0x80) ? NULL : &m->sx[fl % 4];
		int ex = e1 ? e1 : (out ? 0 : -EFAULT);
		static const int sflags[] = { 0, AT_SYMLINK_NOFOLLOW, AT_EMPTY_PATH, 0x40000000 };
		QUEUE(m, uring_statx(m->t, dirfd, a, sflags[(fl >> 2) % 4], 0xfff, out, data_), ex, K_PATH,
		      true, "statx");
		break;
	}
	case 1:
		QUEUE(m, uring_unlink(m->t, dirfd, a, fl & 1, data_), expect1, K_PATH, true, "unlink");
		break;
	case 2:
		QUEUE(m, uring_mkdirat(m->t, dirfd, a, 0700, data_), expect1, K_PATH, true, "mkdirat");
		break;
	case 3:
		QUEUE(m, uring_linkat(m->t, dirfd, a, w->dir, b, (fl % 3 == 0) ? AT_SYMLINK_FOLLOW : 0, data_),
		      expect2, K_PATH, true, "linkat");
		break;
	case 4: {
		static const unsigned rflags[] = { 0, 1 /* NOREPLACE */, 2 /* EXCHANGE */, 0x80 };
		QUEUE(m, uring_renameat(m->t, dirfd, a, w->dir, b, rflags[fl % 4], data_), expect2, K_PATH,
		      true, "renameat");
		break;
	}
	case 5: {
		const char *target = link_targets[fl % 5];
		if (p1 == 0xff)
			target = NULL;
		QUEUE(m, uring_symlinkat(m->t, target, w->dir, b, data_), target ? e2 : -EFAULT, K_PATH, true,
		      "symlinkat");
		break;
	}
	default: {
		/* the file ops: fsync family, fallocate, ftruncate */
		bool sure;
		int fd = pick_fd(w, d1, true, &sure);
		uint64_t off = (uint64_t)(fl & 0x3f) * 4096u, len = (uint64_t)(p2 % 64) * 1024u;
		int ex = 0;
		if (fl & 0x40 && fl & 0x80) {
			off = (uint64_t)INT64_MAX + 1;   /* off + len overflows loff_t */
			ex = -EINVAL;
		}
		switch (p1 % 7) {
		case 4:
			QUEUE(m, uring_sync_file_range(m->t, fd, off, (uint32_t)len, p2 & 0x7, data_), ex, K_OTHER,
			      sure, "sync_file_range");
			break;
		case 5:
			QUEUE(m, uring_fadvise(m->t, fd, off, len, p2 % 7, data_), ex, K_OTHER, sure, "fadvise");
			break;
		case 6:
			/* the value buffer: the ring's statx outputs, never NULL */
			QUEUE(m, uring_fgetxattr(m->t, fd, (p2 & 1) ? "user.a" : "", &m->sx[fl % 4],
						 (p2 & 2) ? 16 : 0, data_),
			      (p2 & 1) ? 0 : -ERANGE, K_OTHER, sure, "fgetxattr");
			break;
		case 0:
			QUEUE(m, uring_fsync(m->t, fd, off, (uint32_t)len, data_), ex, K_OTHER, sure, "fsync");
			break;
		case 1:
			QUEUE(m, uring_fdatasync(m->t, fd, off, (uint32_t)len, data_), ex, K_OTHER, sure,
			      "fdatasync");
			break;
		case 2:
			QUEUE(m, uring_fallocate(m->t, fd, (p2 >> 6) == 1 ? 0x3 /* PUNCH|KEEP */ : 0, off, len,
						 data_),
			      ex, K_OTHER, sure, "fallocate");
			break;
		default:
			QUEUE(m, uring_ftruncate(m->t, fd, ex ? off : len, data_), ex, K_OTHER, sure, "ftruncate");
			break;
		}
		break;
	}
	}
}

/*
 * splice's ends: the pipe, the data file, or a bad fd, never a socket.  A
 * socket-to-pipe splice runs in an io-wq worker that holds the pipe's
 * mutex while it waits for socket data (splice_file_to_pipe); the next
 * inline read of that pipe then blocks the submitting thread in the kernel,
 * uninterruptibly, and nothing can send the data (seen on 6.18).
 */
static int pick_splice_fd(struct world *w, uint8_t sel, bool out)
{
	switch (sel % 4) {
	case 0:
		return out ? w->pipe[1] : w->pipe[0];
	case 1:
	case 2:
		return w->file;
	default:
		return -1;
	}
}

static void op_splice_poll(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t what = u8(in), a = u8(in), b = u8(in);
	bool s1;
	int fa = pick_fd(w, a, false, &s1);
	if (what & 1) {
		static const unsigned masks[] = { POLLIN, POLLOUT, POLLIN | POLLOUT, POLLPRI, 0 };
		bool sure = (fa != w->pipe[0] && fa != w->pipe[1] && fa != w->sp[0] && fa != w->sp[1]) && s1;
		QUEUE(m, uring_poll_add(m->t, fa, masks[(what >> 1) % 5], data_), 0, K_OTHER, sure, "poll_add");
	} else {
		/* NONBLOCK, so an empty pipe ends the job; offsets only where no
		 * pipe is (else -ESPIPE, still a completion) */
		int64_t off = (what & 0x80) ? -1 : (int64_t)(b % 4) * 512;
		if (what & 2)
			QUEUE(m, uring_splice2(m->t, pick_splice_fd(w, a, false), off, pick_splice_fd(w, b, true),
					       -1, (unsigned)(what >> 2) * 64u, SPLICE_F_NONBLOCK, data_),
			      0, K_OTHER, false, "splice2");
		else
			QUEUE(m, uring_splice(m->t, pick_splice_fd(w, a, false), pick_splice_fd(w, b, true),
					      (unsigned)(what >> 1) * 64u, data_),
			      0, K_OTHER, false, "splice");
	}
}

static void region_reset(struct ring_model *m)
{
	uring_region_destroy(m->region);
	m->region = NULL;
	memset(m->chunk_taken, 0, sizeof(m->chunk_taken));
}

static void op_fixed(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t what = u8(in), a = u8(in), fsel = u8(in), osel = u8(in);
	uint16_t b = u16(in);
	switch (what % 6) {
	case 0: {
		static const size_t lens[] = { 0, 4096, FIXED_LEN, 1 };
		size_t len = lens[a % 4];
		void *buf = (a & 0x80) ? NULL : m->fixed;
		int ret = uring_set_fixed_buffer(m->t, buf, len);
		TRACE("ring %u: set_fixed_buffer(%p, %zu) -> %d\n", m->serial, buf, len, ret);
		if (!buf && len)
			CHECK(ret == -EFAULT, "set_fixed_buffer(NULL, %zu) = %d", len, ret);
		else if (m->live)
			CHECK(ret == -EBUSY, "set_fixed_buffer with %u live = %d", m->live, ret);
		else {
			CHECK(ret == 0 || ret == -ENOMEM, "set_fixed_buffer(%zu) = %d", len, ret);
			m->fixed_len = ret == 0 ? len : 0;
			size_t got;
			CHECK(uring_fixed_buffer(m->t, &got) == (m->fixed_len ? m->fixed : NULL) &&
			      got == m->fixed_len, "fixed_buffer after set");
		}
		break;
	}
	case 1:
	case 2: {
		bool sure;
		int fd = pick_fd(w, fsel, what % 2 == 0, &sure);
		if (fd == w->pipe[0] || fd == w->pipe[1] || fd == w->sp[0] || fd == w->sp[1])
			sure = false;
		size_t off = (size_t)a * 512u;
		unsigned len = b % 8193u;
		int expect = 0;
		int64_t foff = pick_offset(osel, &expect);
		if (expect == 0 && (m->fixed_len == 0 || off > m->fixed_len || len > m->fixed_len - off))
			expect = -EINVAL;
		int rwf = (osel & 0x40) ? RWF_NOWAIT : 0;
		if (what % 2 == 0)
			QUEUE(m, uring_write_fixed2(m->t, fd, off, len, foff, rwf, data_), expect, K_RW, sure,
			      "write_fixed");
		else
			QUEUE(m, uring_read_fixed2(m->t, fd, off, len, foff, rwf, data_), expect, K_RW, sure,
			      "read_fixed");
		break;
	}
	case 3: {
		bool sure;
		int fd = pick_fd(w, fsel, a & 1, &sure);
		if (fd == w->pipe[0] || fd == w->pipe[1] || fd == w->sp[0] || fd == w->sp[1])
			sure = false;
		struct iovec iov[2];
		unsigned cnt = 1 + (a >> 1) % 2;
		int expect = 0;
		for (unsigned i = 0; i < cnt; i++) {
			size_t off = (size_t)((b >> (4 * i)) & 0xf) * 4096u;
			size_t len = (size_t)(a >> 2) * 64u;
			iov[i].iov_base = m->fixed + off;
			iov[i].iov_len = len;
			if (m->fixed_len == 0 || off > m->fixed_len || len > m->fixed_len - off)
				expect = -EINVAL;
		}
		if (osel & 0x80) {
			iov[0].iov_base = m->mem;   /* not in the fixed buffer */
			iov[0].iov_len = 16;
			expect = -EINVAL;
		}
		/* Before 6.15 the kernel has neither opcode: a valid call is
		 * refused at queue time (lib/fixed.c). */
		if (expect == 0 && !uring_op_supported(m->t, (a & 1) ? URING_OP_WRITEV_FIXED
									  : URING_OP_READV_FIXED))
			expect = -EOPNOTSUPP;
		int rwf = (osel & 0x40) ? RWF_NOWAIT : 0;
		if (a & 1)
			QUEUE(m, uring_writev_fixed2(m->t, fd, iov, cnt, -1, rwf, data_), expect, K_RW, sure,
			      "writev_fixed");
		else
			QUEUE(m, uring_readv_fixed2(m->t, fd, iov, cnt, -1, rwf, data_), expect, K_RW, sure,
			      "readv_fixed");
		break;
	}
	case 4: {
		/* the region over the fixed buffer: create, alloc, free */
		if (!m->region || (a & 0x80)) {
			region_reset(m);
			static const size_t blocks[] = { 512, 4096, 0, 65536 * 2 };
			size_t block = blocks[a % 4];
			size_t len = (a & 0x40) ? 4096 : FIXED_LEN;
			m->region = uring_region_create(m->fixed, len, block);
			TRACE("ring %u: region_create(%zu, %zu) -> %p\n", m->serial, len, block, (void *)m->region);
			if (block == 0 || len < block) {
				CHECK(!m->region && errno == EINVAL, "region_create(%zu, %zu)", len, block);
				break;
			}
			CHECK(m->region, "region_create(%zu, %zu): %s", len, block, strerror(errno));
			m->region_len = len;
			m->block = block;
			CHECK(uring_region_block_size(m->region) == block, "block size");
			CHECK(uring_region_avail(m->region) == len / block, "avail %u",
			      uring_region_avail(m->region));
			break;
		}
		unsigned k = b % N_CHUNKS;
		if (m->chunk_taken[k]) {
			CHECK(uring_region_free(m->chunks[k]) == 0, "region_free");
			CHECK(uring_region_free(m->chunks[k]) == -EINVAL, "double free accepted");
			m->chunk_taken[k] = false;
		} else {
			unsigned avail = uring_region_avail(m->region);
			int ret = uring_region_alloc(m->region, &m->chunks[k]);
			CHECK(avail ? ret == 0 : ret == -ENOSPC, "region_alloc %d with %u free", ret, avail);
			if (ret == 0) {
				for (unsigned i = 0; i < N_CHUNKS; i++)
					CHECK(!m->chunk_taken[i] || m->chunks[i].offset != m->chunks[k].offset,
					      "chunk handed out twice");
				CHECK(uring_chunk_ptr(m->chunks[k]) == m->fixed + m->chunks[k].offset, "chunk_ptr");
				m->chunk_taken[k] = true;
			}
		}
		break;
	}
	default: {
		if (!m->region)
			break;
		unsigned k = b % N_CHUNKS;
		bool sure;
		int fd = pick_fd(w, fsel, a & 1, &sure);
		if (fd == w->pipe[0] || fd == w->pipe[1] || fd == w->sp[0] || fd == w->sp[1])
			sure = false;
		unsigned len = (unsigned)(a >> 1) * 64u;
		uring_chunk c = m->chunk_taken[k] ? m->chunks[k] : (uring_chunk){ m->region, (size_t)k * m->block };
		int expect = 0;
		bool taken = false;   /* an invented chunk may name an allocated block */
		for (unsigned i = 0; i < N_CHUNKS; i++)
			taken |= m->chunk_taken[i] && m->chunks[i].offset == c.offset;
		if (!taken || len > m->block || m->fixed_len < m->region_len)
			expect = -EINVAL;
		TRACE("ring %u: chunk %u (taken %d, offset %zu) len %u, fixed_len %zu, region_len %zu\n", m->serial, k,
		      m->chunk_taken[k], c.offset, len, m->fixed_len, m->region_len);
		int64_t foff = pick_offset(osel, &expect);
		int rwf = (osel & 0x40) ? RWF_NOWAIT : 0;
		if (a & 1)
			QUEUE(m, uring_write_chunk2(m->t, fd, c, len, foff, rwf, data_), expect, K_RW, sure,
			      "write_chunk");
		else
			QUEUE(m, uring_read_chunk2(m->t, fd, c, len, foff, rwf, data_), expect, K_RW, sure,
			      "read_chunk");
		break;
	}
	}
}

static void unix_addr(struct sockaddr_un *sun, socklen_t *len, unsigned k)
{
	memset(sun, 0, sizeof(*sun));
	sun->sun_family = AF_UNIX;
	/* abstract: nothing on disk, unique to this process */
	int n = snprintf(sun->sun_path + 1, sizeof(sun->sun_path) - 1, "curing-fuzz-%d-%u", (int)owner_pid, k % 4);
	*len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 + (size_t)n);
}

static int pick_sock(struct world *w, uint8_t sel)
{

	for (unsigned i = 0; i < w->n_owned; i++) {
		unsigned k = (sel + i) % w->n_owned;
		if (w->owned_kind[k] == FD_SOCK && sel % 4 != 3)
			return w->owned[k];
	}
	return sel % 8 == 7 ? -1 : w->sp[sel % 2];
}

/* Socket commands and the epoll ops.  Each completes at once: the
 * options are harmless ones or unknown, and the epoll "set" is the pipe,
 * which the kernel refuses as not an epoll fd (-EINVAL) without waiting.
 * The output buffers are static: they stay valid while lent. */
static void op_sockcmd(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t what = u8(in), a = u8(in);
	int fd = pick_sock(w, a);
	static int opt[2];
	static struct epoll_event events[4];
	static uring_sockaddr name;
	struct epoll_event ev = { .events = EPOLLIN, .data.u64 = a };
	int optname = (a & 0x10) ? 12345 : SO_KEEPALIVE;   /* unknown: -ENOPROTOOPT */
	switch (what % 7) {
	case 0:
		QUEUE(m, uring_sock_inq(m->t, fd, data_), 0, K_OTHER, true, "sock_inq");
		break;
	case 1:
		QUEUE(m, uring_sock_outq(m->t, fd, data_), 0, K_OTHER, true, "sock_outq");
		break;
	case 2:
		QUEUE(m, uring_getsockopt(m->t, fd, (a & 0x20) ? IPPROTO_TCP : SOL_SOCKET, optname,
					  (a & 0x40) ? NULL : opt, sizeof(opt), data_),
		      (a & 0x40) ? -EFAULT : 0, K_OTHER, true, "getsockopt");
		break;
	case 3: {
		int on = a & 1;
		QUEUE(m, uring_setsockopt(m->t, fd, SOL_SOCKET, optname, &on,
					  (a & 0x40) ? (socklen_t)INT_MAX + 1 : sizeof(on), data_),
		      (a & 0x40) ? -EINVAL : 0, K_OTHER, true, "setsockopt");
		break;
	}
	case 4: {
		int op = (a & 3) == 3 ? 99 : EPOLL_CTL_ADD + (a & 3);
		bool null_ev = (a & 0x40) && op != EPOLL_CTL_DEL;
		QUEUE(m, uring_epoll_ctl(m->t, w->pipe[0], op, w->pipe[1], null_ev ? NULL : &ev, data_),
		      op == 99 ? -EINVAL : null_ev ? -EFAULT : 0, K_OTHER, true, "epoll_ctl");
		break;
	}
	case 5:
		QUEUE(m, uring_epoll_wait(m->t, w->pipe[0], events, (a & 0x40) ? 0 : 1u + a % 4, data_),
		      (a & 0x40) ? -EINVAL : 0, K_OTHER, true, "epoll_wait");
		break;
	default:
		QUEUE(m, uring_getsockname(m->t, fd, (a & 0x40) ? NULL : &name, a & 1, data_),
		      (a & 0x40) ? -EFAULT : 0, K_OTHER, true, "getsockname");
		break;
	}
}

static void op_socket(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t what = u8(in), a = u8(in), b = u8(in);
	struct sockaddr_un sun;
	socklen_t alen;
	unix_addr(&sun, &alen, b);
	int fd = pick_sock(w, a);
	switch (what % 7) {
	case 0: {
		int type = SOCK_STREAM | ((a & 1) ? SOCK_NONBLOCK : 0);
		int expect = 0;
		if (a & 2) {
			type |= 0x10000000;   /* an unknown type flag */
			expect = -EINVAL;
		}
		struct job *j = QUEUE(m, uring_socket(m->t, (a & 4) ? AF_UNIX : 12345, type, 0, data_), expect,
				      K_SOCKET, true, "socket");
		if (j)
			j->fd_kind = FD_SOCK;
		break;
	}
	case 1:
	case 2: {
		const struct sockaddr *addr = (const struct sockaddr *)&sun;
		int expect = 0;
		if (a & 0x40) {
			addr = NULL;
			expect = -EFAULT;
		} else if (a & 0x20) {
			alen = (a & 0x10) ? 0 : (socklen_t)sizeof(struct sockaddr_storage) + 1;
			expect = -EINVAL;
		}
		if (what % 7 == 1)
			QUEUE(m, uring_bind(m->t, fd, addr, alen, data_), expect, K_NET, true, "bind");
		else
			QUEUE(m, uring_connect(m->t, fd, addr, alen, data_), expect, K_NET, false, "connect");
		break;
	}
	case 3:
		QUEUE(m, uring_listen(m->t, fd, (int)(int8_t)b, data_), 0, K_NET, true, "listen");
		break;
	case 4: {
		uring_sockaddr *peer = (b & 1) ? NULL : &m->peers[b % 4];
		struct job *j = QUEUE(m, uring_accept(m->t, fd, peer, data_), 0, K_ACCEPT, false, "accept");
		if (j)
			j->fd_kind = FD_SOCK;
		break;
	}
	case 5: {
		int how = b % 4;   /* 3: not a SHUT_* value */
		QUEUE(m, uring_shutdown(m->t, fd, how, data_), how == 3 ? -EINVAL : 0, K_NET, true, "shutdown");
		break;
	}
	default:
		if (!room(m))
			break;
		QUEUE(m, uring_accept_multishot(m->t, fd, data_), 0, K_ACCEPT_MS, false, "accept_multishot");
		break;
	}
}

/* The send ring: create (with bad flag sets), push, send_bundle, destroy. */
static void op_send_ring(struct world *w, struct ring_model *m, int fd, uint8_t a, uint8_t bsel, uint16_t lsel)
{
	if (!m->sbr) {
		unsigned flags = (a & 3) == 3 ? URING_BUF_RING_SEND | URING_BUF_RING_INC :
				 (a & 3) == 2 ? URING_BUF_RING_SEND | 4 : URING_BUF_RING_SEND;
		errno = 0;
		uring_buf_ring *br = uring_buf_ring_create2(m->t, SEND_GROUP, SEND_BUFS, 256, flags);
		if (flags != URING_BUF_RING_SEND)
			CHECK(!br && errno == EINVAL, "send ring with flags %x", flags);
		else if (!uring_feature_supported(m->t, URING_FEATURE_BUF_RING))
			CHECK(!br && errno == EOPNOTSUPP, "send ring without the feature");
		else
			CHECK(br, "send ring: %s", strerror(errno));
		m->sbr = br;
		m->sbr_pushed = 0;
		return;
	}
	switch (bsel % 4) {
	case 0:
	case 1: {
		unsigned bid = a % (SEND_BUFS + 1);
		size_t len = lsel % 300;
		bool ok = bid < SEND_BUFS && !(m->sbr_pushed & (1u << bid)) && len > 0 && len <= 256;
		/* a pushed buffer is the kernel's (poisoned): write only the caller's */
		if (ok)
			memset(uring_buf_ring_buffer(m->sbr, bid, NULL), 'a' + (int)bid, len);
		int ret = uring_buf_ring_push(m->sbr, bid, len);
		CHECK(ret == (ok ? 0 : -EINVAL), "push %u of %zu bytes: %d", bid, len, ret);
		if (ok)
			m->sbr_pushed |= 1u << bid;
		return;
	}
	case 2: {
		if (!room(m))
			return;
		int flags = (a & 0x20) ? MSG_WAITALL : (a & 0x40) ? MSG_DONTWAIT : 0;
		int ex = flags == MSG_WAITALL ? -EINVAL :
			 !uring_feature_supported(m->t, URING_FEATURE_SEND_BUNDLE) ? -EOPNOTSUPP : 0;
		struct job *j = QUEUE(m, uring_send_bundle(m->t, fd, m->sbr, flags, data_), ex,
				      K_SEND_BUNDLE, false, "send_bundle");
		if (j)
			m->sbr_live++;
		/* a receive into the caller's data is refused */
		CHECK(uring_recv_multishot(m->t, fd, m->sbr, 0, NULL) == -EINVAL, "recv into a send ring");
		CHECK(uring_buf_ring_recycle(m->sbr, 0) == -EINVAL, "recycle on a send ring");
		return;
	}
	default: {
		int ret = uring_buf_ring_destroy(m->t, m->sbr);
		CHECK(m->sbr_live ? ret == -EBUSY : ret == 0, "send ring destroy %d with %u sends", ret,
		      m->sbr_live);
		if (ret == 0)
			m->sbr = NULL;
		return;
	}
	}
}

static void op_net(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t what = u8(in), a = u8(in), bsel = u8(in);
	uint16_t lsel = u16(in);
	int fd = pick_sock(w, a);
	int expect = 0;
	unsigned len;
	void *buf = pick_buf(m, bsel, lsel, &len, &expect);
	size_t slen = len;
	if ((a & 0x30) == 0x30) {
		slen = (size_t)INT_MAX + 1;   /* over the kernel's int length */
		expect = -EINVAL;
	}
	int flags = (a & 0x40) ? MSG_DONTWAIT : 0;
	switch (what % 8) {
	case 0:
		QUEUE(m, uring_send(m->t, fd, buf, slen, flags, data_), expect, K_NET, false, "send");
		break;
	case 1:
		QUEUE(m, uring_recv(m->t, fd, buf, slen, flags, data_), expect, K_NET, false, "recv");
		break;
	case 2:
		if (bsel & 0x80) {
			/* the zero-copy flags: the usage report, or a bit no kernel knows */
			unsigned zc = (a & 1) ? URING_SEND_ZC_REPORT_USAGE : (a & 2) ? 1u << 7 : 0;
			int ex = expect;
			if (!uring_op_supported(m->t, URING_OP_SEND_ZC))
				ex = -EOPNOTSUPP;
			else if (zc == 1u << 7)
				ex = -EINVAL;
			else if (zc && !uring_feature_supported(m->t, URING_FEATURE_SEND_ZC_REPORT_USAGE))
				ex = -EOPNOTSUPP;
			QUEUE(m, uring_send_zc2(m->t, fd, buf, slen, flags, zc, data_), ex, K_SEND_ZC, false,
			      "send_zc2");
			break;
		}
		QUEUE(m, uring_send_zc(m->t, fd, buf, slen, flags, data_), expect, K_SEND_ZC, false, "send_zc");
		break;
	case 3: {
		/* send_msg, with fds to pass and an optional (bogus) address */
		struct iovec iov[2] = { { buf, buf ? len : 0 }, { m->mem, 8 } };
		int fds[2] = { w->pipe[0], w->pipe[1] };
		unsigned n_fds = (a >> 1) % 3;
		struct sockaddr_un sun;
		socklen_t alen;
		unix_addr(&sun, &alen, a);
		const struct sockaddr *dst = (a & 8) ? (const struct sockaddr *)&sun : NULL;
		int ex = 0;   /* iovec contents are the kernel's to check */
		if (a & 0x80) {
			fds[0] = -1;
			ex = n_fds ? -EBADF : 0;
		}
		if (bsel & 0x80) {
			/* zero-copy: no fds; two completions as send_zc; a control
			 * block (the library's copy) that is whole, runs past its
			 * end, or is a length without a block */
			union { struct cmsghdr h; uint64_t words[4]; } ctl = { .h = {
				.cmsg_len = CMSG_LEN(sizeof(int)), .cmsg_level = IPPROTO_IP, .cmsg_type = IP_TOS } };
			unsigned csel = (bsel >> 1) % 4;
			const void *control = csel == 0 || csel == 3 ? NULL : &ctl;
			size_t clen = csel == 0 ? 0 : csel == 3 ? 8 : sizeof(ctl);
			if (csel == 2)
				ctl.h.cmsg_len = sizeof(ctl) + 8;
			ex = csel == 3 ? -EFAULT : csel == 2 ? -EINVAL :
			     uring_op_supported(m->t, URING_OP_SENDMSG_ZC) ? 0 : -EOPNOTSUPP;
			QUEUE(m, uring_send_msg_zc2(m->t, fd, iov, 1 + (bsel & 1), dst, dst ? alen : 0, control, clen,
						    flags, 0, data_),
			      ex, K_SEND_ZC, false, "send_msg_zc2");
			break;
		}
		QUEUE(m, uring_send_msg(m->t, fd, iov, 1 + (bsel & 1), fds, n_fds, dst, dst ? alen : 0, data_),
		      ex, K_NET, false, "send_msg");
		break;
	}
	case 4: {
		struct job *live = m->mh_job >= 0 ? &m->jobs[m->mh_job] : NULL;
		struct job *j = QUEUE(m, uring_recv_msg(m->t, fd, m->mh, data_), live ? -EBUSY : 0, K_RECV_MSG,
				      false, "recv_msg");
		if (j)
			m->mh_job = (int)(j - m->jobs);
		break;
	}
	case 5: {
		/* the provided-buffer ring and multishot recv */
		if (!m->br || (a & 0x80)) {
			if (m->br && (a & 1)) {
				int ret = uring_buf_ring_destroy(m->t, m->br);
				CHECK(m->ms_recv_live ? ret == -EBUSY : ret == 0, "buf_ring_destroy %d with %u recvs",
				      ret, m->ms_recv_live);
				if (ret == 0) {
					m->br_groups &= ~(1u << m->br_group);
					m->br = NULL;
				}
				break;
			}
			unsigned group = a % 4;
			unsigned nbufs = (a & 0x40) ? 6 : 8;
			bool inc = a & 0x04;
			errno = 0;
			uring_buf_ring *br = uring_buf_ring_create2(m->t, group, nbufs, 256,
								    inc ? URING_BUF_RING_INC : 0);
			if (nbufs != 8) {
				CHECK(!br && errno == EINVAL, "buf_ring of %u buffers", nbufs);
			} else if (!uring_feature_supported(m->t, URING_FEATURE_BUF_RING) ||
				   (inc && !uring_feature_supported(m->t, URING_FEATURE_BUF_RING_INC))) {
				CHECK(!br && errno == EOPNOTSUPP, "buf_ring_create without the feature");
			} else if (m->br_groups & (1u << group)) {
				CHECK(!br && errno == EEXIST, "a second buffer ring on group %u: %s", group,
				      strerror(errno));
			} else {
				CHECK(br, "buf_ring_create: %s", strerror(errno));
				m->br_groups |= 1u << group;
				size_t size;
				CHECK(uring_buf_ring_buffer(br, 7, &size) && size == 256, "buf_ring_buffer");
				CHECK(!uring_buf_ring_buffer(br, 8, NULL), "buffer 8 of 8");
				CHECK(uring_buf_ring_recycle(br, 8) == -EINVAL, "recycle of 8 of 8");
				/* one ring in the model; uring_exit frees the others */
				if (!m->br) {
					m->br = br;
					m->br_group = group;
					m->br_inc = inc;
				}
			}
			break;
		}
		if (!room(m))
			break;
		int ex = (a & 0x20) ? -EINVAL : 0;
		struct job *j;
		if (a & 0x04) {
			/* bundles: one completion may span several buffers */
			bool ms = a & 0x02;
			if (!ex && ms && !uring_feature_supported(m->t, URING_FEATURE_RECV_MULTISHOT))
				ex = -EOPNOTSUPP;
			if (!ex && !uring_feature_supported(m->t, URING_FEATURE_RECV_BUNDLE))
				ex = -EOPNOTSUPP;
			int flags = (a & 0x20) ? MSG_WAITALL : 0;
			j = QUEUE(m, ms ? uring_recv_multishot_bundle(m->t, fd, m->br, flags, data_) :
					  uring_recv_bundle(m->t, fd, m->br, flags, data_),
				  ex, K_RECV_MS, false, ms ? "recv_multishot_bundle" : "recv_bundle");
		} else if ((a & 0x10) && uring_op_supported(m->t, URING_OP_READ_MULTISHOT))
			/* the same model: buffers from br, F_MORE, ends on 0 or an error */
			j = QUEUE(m, uring_read_multishot(m->t, fd, m->br, data_), 0, K_RECV_MS, false,
				  "read_multishot");
		else if ((a & 0x08) && !m->br_inc) {
			/* the same model too, closing the fds a send_msg passed */
			j = QUEUE(m, uring_recv_msg_multishot(m->t, fd, m->br, &recvmsg_tmpl,
							      (a & 0x20) ? MSG_WAITALL : 0, data_),
				  ex, K_RECV_MS, false, "recv_msg_multishot");
			if (j)
				j->recvmsg = true;
		} else
			j = QUEUE(m, uring_recv_multishot(m->t, fd, m->br, (a & 0x20) ? MSG_WAITALL : 0, data_),
				  ex, K_RECV_MS, false, "recv_multishot");
		if (j)
			m->ms_recv_live++;
		break;
	}
	case 6:
		op_send_ring(w, m, fd, a, bsel, lsel);
		break;
	default: {
		/* a buffer ring that is missing or another ring's */
		struct ring_model *other = &w->r[1 - (int)(m - w->r)];
		uring_buf_ring *br = (other->t && other != m) ? other->br : NULL;
		int ret = (int)uring_recv_multishot(m->t, fd, br, 0, NULL);
		CHECK(ret == -EINVAL, "recv_multishot with a foreign buffer ring: %d", ret);
		ret = (int)uring_read_multishot(m->t, fd, br, NULL);
		CHECK(ret == -EINVAL, "read_multishot with a foreign buffer ring: %d", ret);
		if (br)
			CHECK(uring_buf_ring_destroy(m->t, br) == -EINVAL, "destroy of a foreign buffer ring");
		break;
	}
	}
}

static void op_flags(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t what = u8(in), sel = u8(in);
	if (what % 3 == 2) {
		/* link_timeout: valid only right after a linked, unpublished job */
		int expect = -EINVAL;
		if (m->n_batch) {
			/* the model cannot see the SQE flags; it trusts its record */
			struct job *prev = &m->jobs[m->batch[m->n_batch - 1]];
			if (prev->live && prev->linked)
				expect = 0;
		}
		struct job *j = QUEUE(m, uring_link_timeout(m->t, (uint64_t)sel * 10000u, data_), expect,
				      K_LINK_TIMEOUT, false, "link_timeout");
		if (j)
			batch_unsure(m);
		return;
	}
	bool live;
	uring_job id = pick_id(m, sel, &live);
	if (live && m->n_batch && (sel & 0x80))
		id = m->jobs[m->batch[m->n_batch - 1]].id;   /* the newest: can take a link timeout */
	static const unsigned sets[] = { URING_LINK, URING_HARDLINK, URING_LINK | URING_HARDLINK, URING_ASYNC,
					 URING_FIXED_FILE, 0, 1u << 6, URING_LINK | URING_ASYNC };
	unsigned flags = sets[(what >> 2) % 8];
	/*
	 * No URING_DRAIN: on 6.18 a drain leaves the ring deferring every
	 * later request, cancels included, until all requests in flight have
	 * completed (io_queue_deferred's "first" check), so one pending pipe
	 * read after a drain blocks the ring for good and the end-of-input
	 * drain could never finish.  docs/reliability.md has the reproducer.
	 * The flag's own path in the library (set_flags) is the same as for
	 * the other flags, which are all exercised.
	 */
	struct job *j = live ? find_live(m, id) : NULL;
	int expect;
	bool unpublished = false;
	if (j)
		for (unsigned i = 0; i < m->n_batch; i++)
			if (&m->jobs[m->batch[i]] == j)
				unpublished = true;
	if (!j)
		expect = -ENOENT;
	else if (!unpublished)
		expect = -EALREADY;
	else if (flags & ~0x1fu)
		expect = -EINVAL;
	else
		expect = (flags & URING_FIXED_FILE) ? 1 : 0;   /* 1: fd decides */
	int ret = uring_job_set_flags(m->t, id, flags);
	TRACE("ring %u: set_flags %llx %x -> %d\n", m->serial, (unsigned long long)id, flags, ret);
	if (expect == 1)
		CHECK(ret == 0 || ret == -EBADF, "set_flags(FIXED_FILE) %d", ret);
	else
		CHECK(ret == expect, "set_flags(%x) = %d, expected %d", flags, ret, expect);
	if (ret == 0) {
		batch_unsure(m);
		j->fixed_file = (flags & URING_FIXED_FILE) != 0;
		j->linked = (flags & (URING_LINK | URING_HARDLINK)) != 0;
	}
	sync_counts(m, "set_flags");
	(void)w;
}

/* Older kernels quiesce the ring in io_uring_register: the call waits for
 * every job in flight (seen on 5.10 with an eventfd; 6.1 does not), and a
 * job that never completes makes it wait for ever.  There registrations
 * are made only on an idle ring.  IORING_OP_MSG_RING (5.18) marks the
 * kernels known not to: the rule only narrows what the harness tries. */
static bool register_may_block(struct ring_model *m)
{
	return m->live > 0 && !uring_op_supported(m->t, URING_OP_MSG_RING);
}

static void op_files(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t what = u8(in), a = u8(in);
	if (register_may_block(m))
		return;
	int fds[4] = { w->pipe[0], w->file, -1, w->sp[0] };
	switch (what % 3) {
	case 0: {
		unsigned n = a % 5;
		int ret = uring_register_files(m->t, (a & 0x80) ? NULL : fds, n);
		if (n == 0)
			CHECK(ret == -EINVAL, "register_files(0) %d", ret);
		else if (a & 0x80)
			CHECK(ret == -EFAULT, "register_files(NULL) %d", ret);
		else if (m->files_registered)
			CHECK(ret == -EBUSY, "register_files twice %d", ret);
		else {
			CHECK(ret == 0, "register_files %d", ret);
			m->files_registered = n;
		}
		break;
	}
	case 1: {
		unsigned off = a % 4, n = 1 + (a >> 2) % 2;
		int ret = uring_register_files_update(m->t, off, fds, n);
		if (!m->files_registered)
			CHECK(ret == -ENXIO, "files_update without a table %d", ret);
		else if (off >= m->files_registered || n > m->files_registered - off)
			CHECK(ret == -EINVAL, "files_update outside %d", ret);
		else
			CHECK(ret == (int)n, "files_update %d", ret);
		break;
	}
	default: {
		int ret = uring_unregister_files(m->t);
		CHECK(m->files_registered ? ret == 0 : ret == -ENXIO, "unregister_files %d", ret);
		m->files_registered = 0;
		break;
	}
	}
}

static void op_msg_ring(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t a = u8(in);
	int to = (a & 1) ? 1 : (int)(m - w->r);
	struct ring_model *tm = &w->r[to];
	if (a & 2) {
		int ret = (int)uring_msg_ring(m->t, (a & 4) ? NULL : m->t, 0, (a & 4) ? 1 : UINT64_MAX, NULL);
		CHECK(ret == -EINVAL, "msg_ring with a bad target or message: %d", ret);
		return;
	}
	if (!tm->t)
		return;
	struct job *j;
	if (a & 8) {
		/* a registered file to the other ring's table */
		uint8_t b = u8(in);
		unsigned src = b % 4, dst = (b & 0x80) ? URING_FILE_INDEX_ALLOC : (b >> 2) % 8;
		int expect = tm == m ? -EINVAL : !m->files_registered ? -ENXIO
			     : src >= m->files_registered ? -EBADF : 0;
		data_ = begin_op(w, m);
		uring_job r = uring_msg_ring_fd(m->t, tm->t, src, dst, tm->serial, data_);
		if (r == -EOPNOTSUPP && expect == 0)
			return;
		j = queued(w, m, r, expect, pending.ready, K_MSG_RING, true, pending.token, "msg_ring_fd");
	} else {
		j = QUEUE(m, uring_msg_ring(m->t, tm->t, (int32_t)(int8_t)a, tm->serial, data_), 0,
			  K_MSG_RING, true, "msg_ring");
	}
	if (j) {
		j->fd = to;
		tm->msgs_queued++;
		tm->msgs_live++;
	}
}

/* Calls with no ring, and the calls that only read. */
static void op_misc(struct world *w, struct ring_model *m, struct input *in)
{
	uint8_t what = u8(in), a = u8(in);
	uring_completion c;
	switch (what % 4) {
	case 0:
		CHECK(uring_noop(NULL, NULL) == -EINVAL, "noop(NULL)");
		CHECK(uring_submit(NULL) == -EINVAL, "submit(NULL)");
		CHECK(uring_wait(NULL, &c) == -EINVAL, "wait(NULL)");
		CHECK(uring_reap(NULL, &c, 1) == -EINVAL, "reap(NULL)");
		CHECK(uring_exit(NULL) == -EINVAL, "exit(NULL)");
		CHECK(uring_active_ops(NULL) == 0 && uring_sqe_ready(NULL) == 0 && uring_queue_depth(NULL) == 0,
		      "counters of NULL");
		CHECK(uring_read(NULL, 0, m->mem, 1, 0, NULL) == -EINVAL, "read(NULL)");
		CHECK(uring_cancel(NULL, 1, NULL) == -EINVAL, "cancel(NULL)");
		CHECK(uring_timeout(NULL, URING_CLOCK_MONOTONIC, 1, false, NULL) == -EINVAL, "timeout(NULL)");
		CHECK(uring_openat2(NULL, AT_FDCWD, "a", 0, 0, 0, NULL) == -EINVAL, "openat2(NULL)");
		CHECK(uring_set_fixed_buffer(NULL, m->fixed, 1) == -EINVAL, "set_fixed_buffer(NULL)");
		CHECK(uring_register_eventfd(NULL, 0) == -EINVAL, "register_eventfd(NULL)");
		CHECK(uring_op_supported(NULL, URING_OP_NOP) == 0, "op_supported(NULL)");
		/* buffer table, wait tuning, resize, control: NULL handles */
		CHECK(uring_register_buffers(NULL, NULL, 1, NULL) == -EINVAL, "register_buffers(NULL)");
		CHECK(uring_register_buffers_update(NULL, 0, NULL, 0) == -EINVAL, "buffers_update(NULL)");
		CHECK(uring_unregister_buffers(NULL) == -EINVAL, "unregister_buffers(NULL)");
		CHECK(uring_clone_buffers(NULL, m->t) == -EINVAL && uring_clone_buffers(m->t, NULL) == -EINVAL,
		      "clone_buffers(NULL)");
		CHECK(uring_read_registered(NULL, 0, 0, m->mem, 1, 0, NULL) == -EINVAL, "read_registered(NULL)");
		CHECK(uring_send_zc_registered(NULL, 0, 0, m->mem, 1, 0, NULL) == -EINVAL, "send_zc_registered(NULL)");
		CHECK(uring_wait_many2(NULL, &c, 1, 1, &(uring_wait_options){ .timeout_ns = 1 }) == -EINVAL,
		      "wait_many2(NULL)");
		CHECK(uring_register_clock(NULL, URING_CLOCK_MONOTONIC) == -EINVAL, "register_clock(NULL)");
		CHECK(uring_resize(NULL, 8, 0) == -EINVAL, "resize(NULL)");
		CHECK(uring_iowq_affinity(NULL, NULL, 0) == -EINVAL, "iowq_affinity(NULL)");
		CHECK(uring_register_personality(NULL) == -EINVAL, "register_personality(NULL)");
		CHECK(uring_job_set_personality(NULL, 1, 0) == -EINVAL, "job_set_personality(NULL)");
		CHECK(uring_mem_size(0, NULL) == 0, "mem_size(0)");
		errno = 0;
		CHECK(!uring_create(8, &(uring_options){ .setup_flags = URING_SETUP_NO_MMAP }) && errno == EINVAL,
		      "NO_MMAP without memory");
		break;
	case 1: {
		int s = uring_op_supported(m->t, a * 2u);
		CHECK(s == 0 || s == 1, "op_supported %d", s);
		CHECK(uring_op_supported(m->t, URING_OP_NOP) == 1, "NOP unsupported");
		CHECK(uring_op_supported(m->t, 256u + a) == 0, "op %u supported", 256u + a);
		break;
	}
	case 2: {
		CHECK(strcmp(uring_error_name((int)a), "OK") == 0, "error_name(%u)", a);
		CHECK(strcmp(uring_error_name(-ECANCELED), "ECANCELED") == 0, "error_name(-ECANCELED)");
		CHECK(uring_error_name(-(int)a) != NULL, "error_name(-%u)", a);
		uring_stats st;
		uring_get_debug_stats(m->t, &st);
		CHECK(st.active_ops == m->live, "stats active_ops");
		char line[URING_STATS_LINE_MAX], want[32];
		size_t size = a % 2 ? sizeof(line) : a % sizeof(line);   /* truncated too */
		int len = uring_stats_format(line, size, &st);
		CHECK(len > 0 && len < URING_STATS_LINE_MAX, "stats_format %d", len);
		snprintf(want, sizeof(want), " active_ops=%u ", m->live);
		CHECK(size < sizeof(line) || strstr(line, want), "stats line %s", line);
		break;
	}
	default:
		if (a & 1) {
			CHECK(uring_register_eventfd(m->t, -1) == -EBADF, "register_eventfd(-1)");
			break;
		}
		if (register_may_block(m))
			break;
		if (m->eventfd < 0) {
			m->eventfd = eventfd(0, EFD_CLOEXEC | EFD_NONBLOCK);
			CHECK(m->eventfd >= 0, "eventfd");
			CHECK(uring_register_eventfd(m->t, m->eventfd) == 0, "register_eventfd");
		} else {
			CHECK(uring_register_eventfd(m->t, m->eventfd) == -EBUSY, "second eventfd");
		}
		break;
	}
	(void)w;
}

static void op_rings(struct world *w, struct input *in)
{
	uint8_t what = u8(in), a = u8(in), b = u8(in);
	switch (what % 4) {
	case 0:
		if (!w->r[1].t)
			ring_open(w, &w->r[1], a, b);
		else
			ring_try_exit(w, 1);
		break;
	case 1:
		ring_try_exit(w, 0);
		if (!w->r[0].t)
			ring_open(w, &w->r[0], a, b);
		break;
	default: {
		/* refused creates leave nothing behind */
		uring_options o = { 0 };
		unsigned depth = 8;
		switch (a % 4) {
		case 0: depth = 0; break;
		case 1: depth = 32769; break;
		case 2: o.setup_flags = 1u << 31; break;
		default: o.cq_entries = 4; break;   /* smaller than the SQ */
		}
		errno = 0;
		uring *t = uring_create(depth, &o);
		CHECK(!t && errno == EINVAL, "uring_create refused with %s", strerror(errno));
		break;
	}
	}
}

/* ------------------------------------------------------------------ */
/* per input                                                            */
/* ------------------------------------------------------------------ */

static int rm_entry(const char *path, const struct stat *st, int kind, struct FTW *ftw)
{
	(void)st;
	(void)kind;
	if (ftw->level == 0)
		return 0;
	return remove(path);
}

static void clean_base(void)
{
	nftw(base_dir, rm_entry, 16, FTW_DEPTH | FTW_PHYS);
}

static void remove_base(void)
{
	if (getpid() != owner_pid || !base_dir[0])
		return;
	clean_base();
	rmdir(base_dir);
}

static void once(void)
{
	static bool done;
	if (done)
		return;
	done = true;
	signal(SIGPIPE, SIG_IGN);
	owner_pid = getpid();
	const char *tmp = getenv("TMPDIR");
	snprintf(base_dir, sizeof(base_dir), "%s/curing-fuzz-XXXXXX",
		 tmp && strlen(tmp) < 30 ? tmp : "/tmp");
	if (!mkdtemp(base_dir))
		FAIL("mkdtemp %s: %s", base_dir, strerror(errno));
	atexit(remove_base);
}

/* The kernel's view of every ring in the process (fdinfo), for a report. */
static void dump_fdinfo(void)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *e;
	while (d && (e = readdir(d)) != NULL) {
		char link[300], target[64] = "";
		snprintf(link, sizeof(link), "/proc/self/fd/%s", e->d_name);
		ssize_t n = readlink(link, target, sizeof(target) - 1);
		if (n <= 0 || !strstr(target, "io_uring"))
			continue;
		snprintf(link, sizeof(link), "/proc/self/fdinfo/%s", e->d_name);
		FILE *f = fopen(link, "r");
		char line[256];
		fprintf(stderr, "fdinfo of fd %s:\n", e->d_name);
		for (int i = 0; f && i < 40 && fgets(line, sizeof(line), f); i++)
			fputs(line, stderr);
		if (f)
			fclose(f);
	}
	if (d)
		closedir(d);
}

static void dump_live(const struct ring_model *m)
{
	unsigned per_kind[K_OTHER + 1] = { 0 };
	for (unsigned i = 0; i < MAX_JOBS; i++)
		if (m->jobs[i].live)
			per_kind[m->jobs[i].kind]++;
	fprintf(stderr, "ring %u (depth %u, flags %x, sqpoll %d): live by kind:", m->serial, m->depth,
		m->create_flags, m->sqpoll);
	for (unsigned k = 0; k <= K_OTHER; k++)
		if (per_kind[k])
			fprintf(stderr, " %u:%u", k, per_kind[k]);
	fprintf(stderr, "; sqe_ready %u, sure %u\n", uring_sqe_ready(m->t), m->sure_live);
	for (unsigned i = 0; i < MAX_JOBS; i++)
		if (m->jobs[i].live && m->jobs[i].kind != K_CANCEL)
			fprintf(stderr, "  job %llx kind %u sure %d linked %d fixed %d\n",
				(unsigned long long)m->jobs[i].id, m->jobs[i].kind, m->jobs[i].sure,
				m->jobs[i].linked, m->jobs[i].fixed_file);
}

/* Cancels every live job and collects until the model is empty; a job that
 * never completes is a bug (or a hang), so there is a deadline. */
static void drain(struct world *w, struct ring_model *m)
{
	if (!m->t)
		return;
	uint64_t start = now_ns(CLOCK_MONOTONIC);
	uint64_t last_cancel = 0;
	uring_completion c[16];
	while (m->live) {
		uint64_t now = now_ns(CLOCK_MONOTONIC);
		if (now - start > 10ull * 1000000000u) {
			dump_live(m);
			dump_fdinfo();
			FAIL("drain: %u jobs still live after 10 s", m->live);
		}
		if (now - last_cancel > 50000000u) {
			last_cancel = now;
			uring_job ids[MAX_JOBS];
			unsigned n = 0;
			for (unsigned i = 0; i < MAX_JOBS; i++)
				if (m->jobs[i].live && m->jobs[i].kind != K_CANCEL)
					ids[n++] = m->jobs[i].id;
			for (unsigned i = 0; i < n && m->live + 2 < MAX_JOBS; i++) {
				/* the target may complete while we go */
				if (!find_live(m, ids[i]))
					continue;
				uint64_t tok = ++w->token;
				unsigned before = uring_sqe_ready(m->t);
				uring_job r = uring_cancel(m->t, ids[i], (void *)(uintptr_t)tok);
				if (r == 0) {
					CHECK(uring_submit(m->t) >= 0, "submit in drain");
					published(m);
					before = uring_sqe_ready(m->t);
					r = uring_cancel(m->t, ids[i], (void *)(uintptr_t)tok);
				}
				queued(w, m, r, 0, before, K_CANCEL, true, tok, "drain cancel");
			}
		}
		int n = uring_wait_timeout(m->t, 1000000, c);
		published(m);
		CHECK(n == 0 || n == 1, "wait_timeout in drain %d", n);
		take(w, m, c, n);
		n = uring_reap(m->t, c, 16);
		CHECK(n >= 0, "reap in drain %d", n);
		take(w, m, c, n);
	}
	sync_counts(m, "drain");
	/* Under SQPOLL the poll thread may post a CQE before it publishes the
	 * SQ head that consumed the SQE: give the head a moment. */
	unsigned ready = uring_sqe_ready(m->t);
	for (int i = 0; ready && m->sqpoll && i < 1000; i++) {
		usleep(100);
		ready = uring_sqe_ready(m->t);
	}
	CHECK(ready == 0, "drained with %u SQEs ready", ready);
}

/* Messages posted to a ring appear once each. */
static void collect_messages(struct world *w, struct ring_model *m)
{
	if (!m->t)
		return;
	uring_completion c[16];
	for (int i = 0; i < 200 && m->msgs_got < m->msgs_sent_ok; i++) {
		int n = uring_wait_timeout(m->t, 1000000, c);
		CHECK(n >= 0, "wait for messages %d", n);
		take(w, m, c, n);
	}
	int n = uring_reap(m->t, c, 16);
	take(w, m, c, n);
	CHECK(m->msgs_got == m->msgs_sent_ok, "ring %u: %u messages arrived, %u sent", m->serial, m->msgs_got,
	      m->msgs_sent_ok);
}

static bool world_open(struct world *w, uint8_t depth_sel, uint8_t flag_sel)
{
	memset(w, 0, sizeof(*w));
	clean_base();
	char path[128];
	snprintf(path, sizeof(path), "%s/r", base_dir);
	CHECK(mkdir(path, 0700) == 0, "mkdir %s: %s", path, strerror(errno));
	snprintf(path, sizeof(path), "%s/r/w", base_dir);
	CHECK(mkdir(path, 0700) == 0, "mkdir %s: %s", path, strerror(errno));
	w->dir = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	CHECK(w->dir >= 0, "open dir");
	w->file = openat(w->dir, "data", O_RDWR | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	CHECK(w->file >= 0, "open data");
	CHECK(pwrite(w->file, "0123456789abcdef", 16, 0) == 16, "pwrite");
	CHECK(pipe2(w->pipe, O_CLOEXEC) == 0, "pipe");
	CHECK(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, w->sp) == 0, "socketpair");
	static char long_path[PATH_MAX + 1];
	memset(long_path, 'p', PATH_MAX);
	long_path[PATH_MAX] = '\0';
	w->long_path = long_path;
	w->r[1].eventfd = -1;
	return ring_open(w, &w->r[0], depth_sel, flag_sel);
}

static void world_close(struct world *w)
{
	/* ring 0 may hold msg_ring jobs to ring 1 and the other way round:
	 * drain both before either exits */
	drain(w, &w->r[0]);
	drain(w, &w->r[1]);
	collect_messages(w, &w->r[0]);
	collect_messages(w, &w->r[1]);
	for (int i = 1; i >= 0; i--) {
		struct ring_model *m = &w->r[i];
		if (!m->t)
			continue;
		CHECK(m->msgs_live == 0, "msg_ring jobs live after drain");
		CHECK(uring_exit(m->t) == 0, "exit after drain");
		m->t = NULL;
		ring_free_memory(m);
	}
	for (unsigned i = 0; i < w->n_owned; i++)
		close(w->owned[i]);
	close(w->pipe[0]);
	close(w->pipe[1]);
	close(w->sp[0]);
	close(w->sp[1]);
	close(w->file);
	close(w->dir);
}

static struct ring_model *pick_ring(struct world *w, uint8_t sel)
{
	if ((sel & 0x80) && w->r[1].t)
		return &w->r[1];
	return &w->r[0];
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static struct world storage;
	struct world *w = &storage;
	struct input in = { data, size };
	once();
	if (tracing < 0)
		tracing = getenv("FUZZ_TRACE") != NULL;
	int fds_before = count_fds();
	uint8_t d = u8(&in), f = u8(&in);
	world_open(w, d, f);
	for (unsigned step = 0; in.n > 0 && step < 4096; step++) {
		uint8_t op = u8(&in);
		struct ring_model *m = pick_ring(w, op);
		if (!m->t)
			continue;

		if (op % 32 < 24 && !room(m)) {
			do_wait(w, m, 3, 15);   /* too many live: collect instead */
			continue;
		}
		switch (op % 32) {
		case 0: case 1:
			QUEUE(m, uring_noop(m->t, data_), 0, K_NOOP, true, "noop");
			break;
		case 2:
			/* No flag set here makes SQE_MIXED or SQE128 rings (this
			 * host's kernel lacks the first): a 128-byte op is refused. */
			if (op & 0x20)
				QUEUE(m, uring_nop128(m->t, data_), -EINVAL, K_NOOP, true, "nop128");
			else
				QUEUE(m, uring_noop(m->t, data_), 0, K_NOOP, true, "noop");
			break;
		case 3: case 4:
			op_timeout(w, m, &in);
			break;
		case 5:
			op_cancel(w, m, &in);
			break;
		case 6:
			op_cancel_match(w, m, &in);
			break;
		case 7: case 8: case 9:
			op_rw(w, m, &in);
			break;
		case 10:
			op_open(w, m, &in);
			break;
		case 11:
			op_close(w, m, &in);
			break;
		case 12: case 13:
			op_path(w, m, &in);
			break;
		case 14:
			if (op & 0x40)
				op_poll_ms(w, m, &in);
			else
				op_splice_poll(w, m, &in);
			break;
		case 15: case 16:
			op_fixed(w, m, &in);
			break;
		case 17:
			if (op & 0x40)
				op_sockcmd(w, m, &in);
			else
				op_socket(w, m, &in);
			break;
		case 18: case 19:
			op_net(w, m, &in);
			break;
		case 20:
			op_flags(w, m, &in);
			break;
		case 21:
			if (op & 0x40)
				op_direct(w, m, &in);
			else
				op_files(w, m, &in);
			break;
		case 22:
			op_msg_ring(w, m, &in);
			break;
		case 23:
			op_misc(w, m, &in);
			break;
		case 24: case 25: case 26: case 27: case 28: case 29: {
			uint8_t a = u8(&in);
			do_wait(w, m, (uint8_t)(op % 32 - 24), a);
			break;
		}
		case 30:
			do_wait(w, m, 5, 0);
			break;
		default:
			op_rings(w, &in);
			break;
		}
		if (w->r[0].t)
			sync_counts(&w->r[0], "step");
		if (w->r[1].t)
			sync_counts(&w->r[1], "step");
	}
	world_close(w);
	int fds_after = count_fds();
	CHECK(fds_after == fds_before, "fds: %d before the input, %d after", fds_before, fds_after);
	return 0;
}
