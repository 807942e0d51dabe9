/* SPDX-License-Identifier: ISC */
/*
 * Needs: Linux 5.10+, and uses what later kernels add where the library
 * reports them; POSIX.1-2008 declarations (sigset_t calls), asked for below.
 *
 * echo-server: a TCP echo server on one curing ring.
 *
 *   echo-server [-f] [-b NBUFS] PORT      (PORT 0: an ephemeral port)
 *
 * Prints the port it listens on as its first line and the paths it takes
 * as its second ("echo-server: accept=multishot-direct
 * recv=bundle+incremental"), echoes every byte back to its sender, in
 * order, and on SIGINT or SIGTERM shuts down gracefully: it stops
 * accepting, cancels every receive, lets the sends in flight finish,
 * closes everything and exits 0.  Its last lines count the receives that
 * ran out of buffers, those that spanned several buffers (bundles), those
 * that left the rest of a buffer to the next receive (incremental), and
 * the fds it leaked.
 *
 * Each path is the best the library reports (uring_feature_supported,
 * uring_op_supported, or the call itself refusing with EOPNOTSUPP), never
 * chosen by kernel version; an environment variable set to 1 forces each
 * fallback, which is how the test runs them all on one kernel:
 *  - accept: one multishot accept job for every connection (5.19), else
 *    (ECHO_SERVER_ONESHOT_ACCEPT) one accept at a time, queued again as
 *    each completes.  -f: on a registered listening socket.
 *  - direct descriptors (5.19): connections are accepted into slots of the
 *    registered file table, never get an fd, are used with
 *    URING_FIXED_FILE and closed with uring_close_direct; else
 *    (ECHO_SERVER_PLAIN) plain fds and close(2).  Shown as "-direct".
 *  - recv, from best to simplest:
 *     bundle+incremental (6.12): a multishot receive whose completions
 *       may span several buffers of an incremental ring, a few large
 *       buffers each shared by many receives, piece after piece;
 *     bundle (6.10; ECHO_SERVER_NO_INC): bundles over a ring of small
 *       buffers, each used whole;
 *     multishot+incremental (ECHO_SERVER_NO_BUNDLE): one buffer, or the
 *       rest of one, per completion;
 *     multishot (6.0; both variables): one small buffer per completion;
 *     oneshot (ECHO_SERVER_ONESHOT_RECV, or no multishot recv or buffer
 *       rings): one recv at a time into the connection's own buffer,
 *       queued again once its bytes have gone back.
 *    With a ring, the bytes of a buffer go back by sends straight from it,
 *    and the buffer goes back to the ring once every send from it is done
 *    and the kernel has finished filling it.  A receive that runs out of
 *    buffers (-ENOBUFS) waits for one, then is armed again.  -b: the
 *    number of buffers (a power of two; with a few, receives starve).
 *  - one send in flight per connection, the others queued behind it, so
 *    the rest of a short send goes out before later bytes;
 *  - SINGLE_ISSUER | DEFER_TASKRUN when the kernel has them (6.1);
 *  - signals as completions: SIGINT is read from a signalfd by the ring.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "uring.h"

#define MAX_CONNS     4096
#define BUF_SIZE      4096          /* a plain ring's buffer, a conn's own */
#define INC_BUF_SIZE  (32 * 1024)   /* an incremental ring's: fewer, larger */
#define BUF_GROUP     0

enum kind { K_ACCEPT, K_RECV, K_SEND, K_SIGNAL, K_IGNORE };

struct chunk {                   /* received bytes on their way back */
	enum kind kind;          /* K_SEND: the data of its send job */
	struct conn *c;
	char *p;
	size_t len, off;
	int bid;                 /* its ring buffer, or -1: the conn's own */
	struct chunk *next;
};

struct conn {
	enum kind kind;          /* K_RECV: the data of the conn's recv job */
	int fd;                  /* its fd, or its slot with direct descriptors */
	uring_job recv;          /* the armed recv, or 0 */
	struct chunk *head, *tail;   /* the queue: only its head is in flight */
	int closing;             /* no more receives: close once nothing is sent */
	int starving;            /* its recv ended with -ENOBUFS */
	struct conn *next_starved;
	char buf[];              /* BUF_SIZE bytes with one-shot recv */
};

/* What a ring buffer owes before it may go back to the ring. */
struct buf_state {
	unsigned sends;          /* chunks still to send from it */
	int filled;              /* the kernel has finished filling it */
};

/* The paths taken, from what the library reports and the environment. */
static struct {
	int direct;              /* connections in registered slots */
	int accept_multishot;
	int recv_multishot;      /* over a buffer ring; else one-shot recv */
	int bundle, inc;
} path;

static uring *ring;
static uring_buf_ring *br;
static struct buf_state *bufs;   /* one per buffer of br */
static uring_buf_piece *pieces;  /* a bundle's, at most one per buffer */
static unsigned nbufs;           /* -b; by default 512 small or 64 large */
static unsigned held;            /* buffers filled, not yet given back */
static struct conn *conns[MAX_CONNS];
static struct conn *starved;     /* conns whose recv ended with -ENOBUFS */
static int stopping;
static unsigned long starvations;   /* receives ended by -ENOBUFS */
static unsigned long bundles;       /* completions over several buffers */
static unsigned long partials;      /* completions leaving a buffer's rest */
static int lfd, fixed_listener;
static uring_job accept_job;
static enum kind accept_tag = K_ACCEPT, signal_tag = K_SIGNAL, ignore_tag = K_IGNORE;
static struct signalfd_siginfo siginfo;

static void die(const char *what, int err)
{
	fprintf(stderr, "echo-server: %s: %s\n", what, strerror(err));
	exit(1);
}

/* Queues with `expr` into `job`, submitting and retrying while the SQ is
 * full (the op returns 0 and has queued nothing). */
#define QUEUE(job, expr)                                                \
	do {                                                            \
		while (((job) = (expr)) == 0)                           \
			uring_submit(ring);                             \
		if ((job) < 0)                                          \
			die(#expr, (int)-(job));                        \
	} while (0)

static int count_fds(void)
{
	DIR *d = opendir("/proc/self/fd");
	if (!d)
		return -1;
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n - 1;   /* the DIR's own fd */
}

/* A job on a connection: with direct descriptors its fd is a slot. */
static uring_job on_conn(uring_job job)
{
	if (job > 0 && path.direct) {
		int ret = uring_job_set_flags(ring, job, URING_FIXED_FILE);
		if (ret < 0)
			die("uring_job_set_flags", -ret);
	}
	return job;
}

static void arm_accept(void)
{
	int fd = fixed_listener ? 0 : lfd;
	if (path.accept_multishot && path.direct)
		QUEUE(accept_job, uring_accept_multishot_direct(ring, fd, &accept_tag));
	else if (path.accept_multishot)
		QUEUE(accept_job, uring_accept_multishot(ring, fd, &accept_tag));
	else if (path.direct)
		QUEUE(accept_job, uring_accept_direct(ring, fd, NULL, URING_FILE_INDEX_ALLOC, &accept_tag));
	else
		QUEUE(accept_job, uring_accept(ring, fd, NULL, &accept_tag));
	if (fixed_listener) {
		int ret = uring_job_set_flags(ring, accept_job, URING_FIXED_FILE);
		if (ret < 0)
			die("uring_job_set_flags", -ret);
	}
}

static void arm_recv(struct conn *c)
{
	if (path.bundle)
		QUEUE(c->recv, on_conn(uring_recv_multishot_bundle(ring, c->fd, br, 0, c)));
	else if (path.recv_multishot)
		QUEUE(c->recv, on_conn(uring_recv_multishot(ring, c->fd, br, 0, c)));
	else
		QUEUE(c->recv, on_conn(uring_recv(ring, c->fd, c->buf, BUF_SIZE, 0, c)));
}

static void send_head(struct conn *c)
{
	struct chunk *k = c->head;
	uring_job job;
	QUEUE(job, on_conn(uring_send(ring, c->fd, k->p + k->off, k->len - k->off, MSG_NOSIGNAL, k)));
}

/* Closes a connection's fd or slot.  A slot is free for the next accept
 * once its close has completed: the kernel allocates only empty slots, so
 * nothing waits for it. */
static void close_conn_fd(int fd)
{
	if (path.direct) {
		uring_job job;
		QUEUE(job, uring_close_direct(ring, (unsigned)fd, &ignore_tag));
	} else {
		close(fd);
	}
}

/* Done with a conn once it receives no more and sends nothing. */
static void conn_maybe_close(struct conn *c)
{
	if (c->closing && !c->recv && !c->head && !c->starving) {
		close_conn_fd(c->fd);
		conns[c->fd] = NULL;
		free(c);
	}
}

/* A buffer is back in the ring: every starved conn may receive again.
 * Not just one per buffer: on an incremental ring the one woken may take
 * only part of the buffer, and the others would wait for a buffer that
 * nothing finishes.  Those that find the ring empty again wait again.  It
 * may close the conns it takes, so callers call it last. */
static void wake_starved(void)
{
	struct conn *list = starved;
	starved = NULL;
	for (struct conn *c = list, *next; c; c = next) {
		next = c->next_starved;
		c->starving = 0;
		if (c->closing || stopping) {
			c->closing = 1;
			conn_maybe_close(c);
		} else {
			arm_recv(c);
		}
	}
}

/* Gives buffer bid back to the ring if nothing owes it any more; returns
 * whether it did.  An incremental buffer serves several receives, of any
 * connection: it goes back only once the kernel has filled it to the end
 * and every send from it is done. */
static int buf_release(unsigned bid)
{
	struct buf_state *b = &bufs[bid];
	if (!b->filled || b->sends > 0)
		return 0;
	b->filled = 0;
	held--;
	int ret = uring_buf_ring_recycle(br, bid);
	if (ret < 0)
		die("uring_buf_ring_recycle", -ret);
	return 1;
}

/* Queues bytes to go back, behind those already queued. */
static void echo(struct conn *c, char *p, size_t len, int bid)
{
	struct chunk *k = malloc(sizeof(*k));
	if (!k)
		die("malloc", ENOMEM);
	*k = (struct chunk){ .kind = K_SEND, .c = c, .p = p, .len = len, .bid = bid };
	if (c->tail)
		c->tail->next = k;
	else
		c->head = k;
	c->tail = k;
	if (c->head == k)
		send_head(c);   /* nothing was in flight */
}

/*
 * A completion's bytes, piece by piece: one piece for a plain multishot
 * receive, several for a bundle; on an incremental ring a piece starts
 * where the previous receive into that buffer ended, so this must run for
 * each completion in the order they are collected.  Returns how many
 * buffers went back to the ring.
 */
static int take_pieces(struct conn *c, const uring_completion *cqe)
{
	int n = uring_buf_ring_pieces(br, cqe, pieces, nbufs);
	if (n < 0)
		die("uring_buf_ring_pieces", -n);
	bundles += n > 1;
	partials += (cqe->flags & URING_CQE_F_BUF_MORE) != 0;
	int returned = 0;
	for (int i = 0; i < n; i++) {
		struct buf_state *b = &bufs[pieces[i].bid];
		if (pieces[i].done) {   /* the kernel is done filling it */
			b->filled = 1;
			held++;
		}
		if (!c->closing) {
			b->sends++;
			echo(c, pieces[i].ptr, pieces[i].len, (int)pieces[i].bid);
		} else {
			returned += buf_release(pieces[i].bid);   /* nowhere to echo */
		}
	}
	return returned;
}

/* A receive job ended (no URING_CQE_F_MORE): arm another, wait for a
 * buffer, or close. */
static void recv_ended(struct conn *c, int result)
{
	c->recv = 0;
	if (result == -ENOBUFS && !stopping && !c->closing) {
		starvations++;
		if (held < nbufs) {
			arm_recv(c);   /* given back since the kernel ran out */
		} else {
			c->starving = 1;   /* until a send gives a buffer back */
			c->next_starved = starved;
			starved = c;
		}
	} else if (result <= 0 || stopping || c->closing) {
		c->closing = 1;   /* peer closed (0), an error, or cancelled */
		conn_maybe_close(c);
	} else if (br) {
		arm_recv(c);      /* a multishot recv ended with data: again */
	}
	/* one-shot: the next recv is armed once these bytes have gone back */
}

static void on_recv(struct conn *c, const uring_completion *cqe)
{
	int returned = 0;
	if (cqe->result > 0 && br)
		returned = take_pieces(c, cqe);
	else if (cqe->result > 0)
		echo(c, c->buf, (size_t)cqe->result, -1);
	if (!(cqe->flags & URING_CQE_F_MORE))
		recv_ended(c, cqe->result);   /* c may be gone from here on */
	if (returned)
		wake_starved();
}

/* Drops the chunk sent; returns whether its buffer went back to the ring. */
static int chunk_done(struct conn *c)
{
	struct chunk *k = c->head;
	c->head = k->next;
	if (!c->head)
		c->tail = NULL;
	int bid = k->bid;
	free(k);
	if (bid < 0)
		return 0;
	bufs[bid].sends--;
	return buf_release((unsigned)bid);
}

/* Cancels a live job; one already finished (-ENOENT) needs nothing. */
static void cancel(uring_job job)
{
	uring_job j;
	while ((j = uring_cancel(ring, job, &ignore_tag)) == 0)
		uring_submit(ring);
	if (j < 0 && j != -ENOENT)
		die("uring_cancel", (int)-j);
}

static void on_send(struct chunk *k, const uring_completion *cqe)
{
	struct conn *c = k->c;
	if (cqe->result > 0 && k->off + (size_t)cqe->result < k->len) {
		k->off += (size_t)cqe->result;   /* a short send: the rest */
		send_head(c);
		return;
	}
	int returned = 0;
	if (cqe->result < 0) {   /* the peer is gone: drop what is left */
		c->closing = 1;
		if (c->recv)
			cancel(c->recv);
		while (c->head)
			returned += chunk_done(c);
	} else {
		returned = chunk_done(c);
	}
	if (stopping)
		c->closing = 1;
	if (c->head)
		send_head(c);
	else if (!br && !c->closing)
		arm_recv(c);   /* one-shot: its buffer is free again */
	conn_maybe_close(c);   /* c may be gone from here on */
	if (returned)
		wake_starved();
}

static void on_accept(const uring_completion *cqe)
{
	if (cqe->result >= 0) {
		int fd = cqe->result;
		size_t size = sizeof(struct conn) + (br ? 0 : BUF_SIZE);
		struct conn *c = fd < MAX_CONNS && !stopping ? calloc(1, size) : NULL;
		if (!c) {
			close_conn_fd(fd);
		} else {
			*c = (struct conn){ .kind = K_RECV, .fd = fd };
			conns[fd] = c;
			arm_recv(c);
		}
	} else if (cqe->result != -ECANCELED) {
		fprintf(stderr, "echo-server: accept: %s\n", strerror(-cqe->result));
	}
	if (!(cqe->flags & URING_CQE_F_MORE) && !stopping)
		arm_accept();   /* one-shot, or ended without being cancelled */
}

/* SIGINT: no new connections, no new receives; sends in flight finish. */
static void start_stopping(void)
{
	stopping = 1;
	cancel(accept_job);
	wake_starved();   /* closes them */
	for (int fd = 0; fd < MAX_CONNS; fd++)
		if (conns[fd] && conns[fd]->recv)
			cancel(conns[fd]->recv);
}

static void dispatch(const uring_completion *cqe)
{
	switch (*(enum kind *)cqe->data) {
	case K_ACCEPT: on_accept(cqe); break;
	case K_RECV: on_recv(cqe->data, cqe); break;
	case K_SEND: on_send(cqe->data, cqe); break;
	case K_SIGNAL: start_stopping(); break;
	case K_IGNORE: break;   /* cancels and closes: their target reports */
	}
}

/* SINGLE_ISSUER | DEFER_TASKRUN (6.1): completions are produced only when
 * this thread enters the kernel, with no interrupting task work. */
static uring *ring_create(void)
{
	uring_options o = { .setup_flags = URING_SETUP_SINGLE_ISSUER | URING_SETUP_DEFER_TASKRUN };
	uring *t = uring_create(256, &o);
	if (!t && errno == EOPNOTSUPP)
		t = uring_create(256, NULL);   /* a kernel without them */
	if (!t)
		die("uring_create", errno);
	return t;
}

/* Waits for one job's completion, before the event loop runs (the SQ is
 * empty then, so queueing cannot find it full: 0 too is a failure). */
static int run(uring_job job)
{
	if (job <= 0)
		die("setup", job ? (int)-job : EBUSY);
	uring_completion c;
	int ret;
	while ((ret = uring_wait(ring, &c)) == 0)
		;
	if (ret < 0)
		die("uring_wait", -ret);
	if (c.job != job)
		die("setup: unexpected completion", EPROTO);
	return c.result;
}

/* socket, bind and listen through the ring where the kernel has them
 * (SOCKET is 5.19, BIND and LISTEN 6.11), with the syscalls otherwise. */
static int listener(uint16_t port)
{
	int fd, ret;
	if (uring_op_supported(ring, URING_OP_SOCKET))
		fd = run(uring_socket(ring, AF_INET, SOCK_STREAM, 0, NULL));
	else if ((fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0)) < 0)
		fd = -errno;
	if (fd < 0)
		die("socket", -fd);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (uring_op_supported(ring, URING_OP_BIND))
		ret = run(uring_bind(ring, fd, (struct sockaddr *)&a, sizeof(a), NULL));
	else
		ret = bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ? -errno : 0;
	if (ret < 0)
		die("bind", -ret);
	if (uring_op_supported(ring, URING_OP_LISTEN))
		ret = run(uring_listen(ring, fd, SOMAXCONN, NULL));
	else
		ret = listen(fd, SOMAXCONN) < 0 ? -errno : 0;
	if (ret < 0)
		die("listen", -ret);
	return fd;
}

static int signal_fd(void)
{
	sigset_t set;
	sigemptyset(&set);
	sigaddset(&set, SIGINT);
	sigaddset(&set, SIGTERM);
	if (sigprocmask(SIG_BLOCK, &set, NULL) < 0)
		die("sigprocmask", errno);
	int fd = signalfd(-1, &set, SFD_CLOEXEC);
	if (fd < 0)
		die("signalfd", errno);
	return fd;
}

/* With direct descriptors: a sparse table of MAX_CONNS slots for the
 * accepted connections (5.19: before, the call fails with EOPNOTSUPP and
 * connections are fds), the listener in slot 0 with -f (the kernel
 * allocates only empty slots).  Without: the listener alone, with -f. */
static void register_files(void)
{
	/* The kernel refuses a table larger than RLIMIT_NOFILE (-EMFILE), and
	 * many systems start processes at 1024 of a 4096 hard limit: raise the
	 * soft limit, as servers do, before asking for the table. */
	struct rlimit nofile;
	if (getrlimit(RLIMIT_NOFILE, &nofile) == 0 && nofile.rlim_cur < MAX_CONNS &&
	    nofile.rlim_max >= MAX_CONNS) {
		nofile.rlim_cur = MAX_CONNS;
		setrlimit(RLIMIT_NOFILE, &nofile);
	}
	path.direct = !getenv("ECHO_SERVER_PLAIN") && uring_register_files_sparse(ring, MAX_CONNS) == 0;
	int ret = 0;
	if (path.direct && fixed_listener)
		ret = uring_register_files_update(ring, 0, &lfd, 1) == 1 ? 0 : -EBADF;
	else if (fixed_listener)
		ret = uring_register_files(ring, &lfd, 1);
	if (ret < 0)
		die("uring_register_files", -ret);
}

/* A fallback is forced by its variable set to 1. */
static int forced(const char *name)
{
	const char *v = getenv(name);
	return v && strcmp(v, "1") == 0;
}

static int has(unsigned feature)
{
	return uring_feature_supported(ring, feature);
}

/* Each path the library reports and the environment does not forbid. */
static void choose_paths(void)
{
	path.accept_multishot = has(URING_FEATURE_ACCEPT_MULTISHOT) &&
				!forced("ECHO_SERVER_ONESHOT_ACCEPT");
	path.recv_multishot = has(URING_FEATURE_BUF_RING) && has(URING_FEATURE_RECV_MULTISHOT) &&
			      !forced("ECHO_SERVER_ONESHOT_RECV");
	path.bundle = path.recv_multishot && has(URING_FEATURE_RECV_BUNDLE) &&
		      !forced("ECHO_SERVER_NO_BUNDLE");
	path.inc = path.recv_multishot && has(URING_FEATURE_BUF_RING_INC) &&
		   !forced("ECHO_SERVER_NO_INC");
}

/* The receive buffers: an incremental ring of fewer, larger buffers, each
 * shared by the receives that fit, or a ring of small ones used whole. */
static void buffers_create(void)
{
	if (!path.recv_multishot)
		return;   /* each conn receives into its own buffer */
	if (!nbufs)
		nbufs = path.inc ? 64 : 512;
	br = uring_buf_ring_create2(ring, BUF_GROUP, nbufs, path.inc ? INC_BUF_SIZE : BUF_SIZE,
				    path.inc ? URING_BUF_RING_INC : 0);
	bufs = calloc(nbufs, sizeof(*bufs));
	pieces = calloc(nbufs, sizeof(*pieces));
	if (!br)
		die("uring_buf_ring_create2", errno);
	if (!bufs || !pieces)
		die("calloc", ENOMEM);
}

static void print_paths(void)
{
	const char *recv = path.bundle && path.inc ? "bundle+incremental"
			   : path.bundle ? "bundle"
			   : path.inc ? "multishot+incremental"
			   : path.recv_multishot ? "multishot" : "oneshot";
	printf("echo-server: accept=%s%s recv=%s\n", path.accept_multishot ? "multishot" : "oneshot",
	       path.direct ? "-direct" : "", recv);
}

static uint16_t bound_port(int fd)
{
	struct sockaddr_in a;
	socklen_t len = sizeof(a);
	if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		die("getsockname", errno);
	return ntohs(a.sin_port);
}

static void event_loop(void)
{
	while (!stopping || uring_active_ops(ring) > 0) {
		uring_completion c;
		int ret = uring_wait(ring, &c);
		if (ret < 0)
			die("uring_wait", -ret);
		if (ret == 1)
			dispatch(&c);
	}
}

static int parse_args(int argc, char **argv, uint16_t *port)
{
	int i = 1;
	for (; i < argc - 1 && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-f") == 0) {
			fixed_listener = 1;
		} else if (strcmp(argv[i], "-b") == 0 && i + 1 < argc - 1) {
			nbufs = (unsigned)strtoul(argv[++i], NULL, 10);
			if (nbufs == 0 || nbufs > 32768 || (nbufs & (nbufs - 1)))
				return -1;
		} else {
			return -1;
		}
	}
	char *end = NULL;
	long p = i < argc ? strtol(argv[i], &end, 10) : -1;
	if (i + 1 != argc || !end || *end || p < 0 || p > 65535)
		return -1;
	*port = (uint16_t)p;
	return 0;
}

/* Everything has completed: the ring owns nothing in flight.  Slots still
 * filled are closed by uring_unregister_files. */
static int shut_down(void)
{
	for (int fd = 0; fd < MAX_CONNS; fd++) {
		if (conns[fd] && !path.direct)
			close(fd);
		free(conns[fd]);
	}
	free(bufs);
	free(pieces);
	int ret = br ? uring_buf_ring_destroy(ring, br) : 0;
	if (ret == 0 && (fixed_listener || path.direct))
		ret = uring_unregister_files(ring);
	if (ret == 0)
		ret = uring_exit(ring);
	return ret;
}

int main(int argc, char **argv)
{
	uint16_t port;
	if (parse_args(argc, argv, &port) < 0) {
		fprintf(stderr, "usage: echo-server [-f] [-b NBUFS] PORT\n");
		return 2;
	}
	int fds_at_start = count_fds();
	int sfd = signal_fd();
	ring = ring_create();
	lfd = listener(port);
	register_files();
	choose_paths();
	buffers_create();
	printf("%u\n", bound_port(lfd));
	print_paths();
	fflush(stdout);

	arm_accept();
	uring_job sig;
	QUEUE(sig, uring_read(ring, sfd, &siginfo, sizeof(siginfo), -1, &signal_tag));
	event_loop();

	int ret = shut_down();
	close(lfd);
	close(sfd);
	int leaked = count_fds() - fds_at_start;
	printf("starved receives: %lu\nbundles: %lu\npartial buffers: %lu\nleaked fds: %d\n",
	       starvations, bundles, partials, leaked);
	if (ret < 0)
		fprintf(stderr, "echo-server: shutdown: %s\n", strerror(-ret));
	return ret == 0 && leaked == 0 ? 0 : 1;
}
