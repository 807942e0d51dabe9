/* SPDX-License-Identifier: ISC */
/*
 * Needs: Linux 6.0+ (multishot accept 5.19, multishot recv over a
 * provided-buffer ring 6.0; SINGLE_ISSUER | DEFER_TASKRUN 6.1, used when
 * there), and POSIX.1-2008 declarations (sigset_t calls), asked for below.
 *
 * echo-server: a TCP echo server on one curing ring.
 *
 *   echo-server [-f] [-b NBUFS] PORT      (PORT 0: an ephemeral port)
 *
 * Prints the port it listens on as its first line and the paths it takes
 * as its second ("paths: direct descriptors yes"), echoes every byte back
 * to its sender, and on SIGINT or SIGTERM shuts down gracefully: it stops
 * accepting, cancels every receive, lets the sends in flight finish, closes
 * everything and exits 0.  Its last lines report how often a receive ran
 * out of buffers and how many fds it leaked.
 *
 * What it shows:
 *  - SINGLE_ISSUER | DEFER_TASKRUN when the kernel has them (else defaults);
 *  - one multishot accept job for every connection (-f: on a registered
 *    listening socket, URING_FIXED_FILE);
 *  - direct descriptors where the kernel has them (5.19): connections are
 *    accepted into slots of the registered file table, never get an fd,
 *    are used with URING_FIXED_FILE and closed with uring_close_direct;
 *    otherwise (or with ECHO_SERVER_PLAIN=1 in the environment, which the
 *    test uses to run the fallback) plain fds and close(2);
 *  - -b: the number of receive buffers (512; a few make receives starve);
 *  - one multishot recv job per connection, into a provided-buffer ring:
 *    each buffer goes to a send and back to the ring once the send is
 *    done; a conn has one send in flight and queues the others, so a
 *    short send is finished before later bytes go out; a recv that runs out of buffers (-ENOBUFS) waits until a send
 *    gives one back, then is armed again;
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

#define MAX_CONNS   4096
#define BUF_SIZE    4096
#define BUF_GROUP   0

enum kind { K_ACCEPT, K_RECV, K_SEND, K_SIGNAL, K_CANCEL };

struct conn {
	enum kind kind;          /* K_RECV: the data of the conn's recv job */
	int fd;                  /* its fd, or its slot with direct descriptors */
	uring_job recv;          /* the armed multishot recv, or 0 */
	unsigned sends;          /* sends queued on the conn */
	struct send *head, *tail;   /* the queue: only its head is in flight */
	int closing;             /* no more receives: close once sends == 0 */
	struct conn *next_starved;
};

struct send {
	enum kind kind;          /* K_SEND */
	struct conn *c;
	unsigned bid;
	size_t off, len;
	struct send *next;
};

static uring *ring;
static uring_buf_ring *br;
static struct conn *conns[MAX_CONNS];
static struct conn *starved;     /* conns whose recv ended with -ENOBUFS */
static int stopping;
static unsigned long starvations;   /* receives ended by -ENOBUFS */
static unsigned nbufs = 512;     /* -b: buffers in the ring, a power of two */
static int lfd, fixed_listener;
static int direct;               /* connections live in registered slots */
static uring_job accept_job;
/* K_CANCEL also tags uring_close_direct: nothing waits for either. */
static enum kind accept_tag = K_ACCEPT, signal_tag = K_SIGNAL, cancel_tag = K_CANCEL;
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

/* A queued job's fd is a slot of the registered table. */
static void fixed_file(uring_job job)
{
	int ret = uring_job_set_flags(ring, job, URING_FIXED_FILE);
	if (ret < 0)
		die("uring_job_set_flags", -ret);
}

static void arm_accept(void)
{
	int fd = fixed_listener ? 0 : lfd;
	QUEUE(accept_job, direct ? uring_accept_multishot_direct(ring, fd, &accept_tag)
				 : uring_accept_multishot(ring, fd, &accept_tag));
	if (fixed_listener)
		fixed_file(accept_job);
}

static void arm_recv(struct conn *c)
{
	QUEUE(c->recv, uring_recv_multishot(ring, c->fd, br, 0, c));
	if (direct)
		fixed_file(c->recv);
}

/* A slot is free for the next accept once its close has completed: the
 * kernel allocates only empty slots, so nothing waits for it. */
static void conn_close(struct conn *c)
{
	if (direct) {
		uring_job job;
		QUEUE(job, uring_close_direct(ring, (unsigned)c->fd, &cancel_tag));
	} else {
		close(c->fd);
	}
	conns[c->fd] = NULL;
	free(c);
}

/* Done with a conn once it receives no more and sends nothing. */
static void conn_maybe_close(struct conn *c)
{
	if (c->closing && c->recv == 0 && c->sends == 0)
		conn_close(c);
}

static void queue_send(struct send *s)
{
	char *buf = uring_buf_ring_buffer(br, s->bid, NULL);
	uring_job job;
	QUEUE(job, uring_send(ring, s->c->fd, buf + s->off, s->len - s->off, 0, s));
	if (direct)
		fixed_file(job);
}

/* A buffer is back in the ring: one starved recv can run again. */
static void buffer_returned(unsigned bid)
{
	uring_buf_ring_recycle(br, bid);
	struct conn *c = starved;
	if (c && !stopping) {
		starved = c->next_starved;
		arm_recv(c);
	}
}

/* Cancels a live job; one already finished (-ENOENT) needs nothing. */
static void cancel(uring_job job)
{
	uring_job j;
	while ((j = uring_cancel(ring, job, &cancel_tag)) == 0)
		uring_submit(ring);
	if (j < 0 && j != -ENOENT)
		die("uring_cancel", (int)-j);
}

static void on_accept(const uring_completion *cqe)
{
	if (cqe->result >= 0) {
		int fd = cqe->result;
		struct conn *c = fd < MAX_CONNS && !stopping ? calloc(1, sizeof(*c)) : NULL;
		if (!c && direct) {
			uring_job job;
			QUEUE(job, uring_close_direct(ring, (unsigned)fd, &cancel_tag));
		} else if (!c) {
			close(fd);
		} else {
			*c = (struct conn){ .kind = K_RECV, .fd = fd };
			conns[fd] = c;
			arm_recv(c);
		}
	} else if (cqe->result != -ECANCELED) {
		fprintf(stderr, "echo-server: accept: %s\n", strerror(-cqe->result));
	}
	if (!(cqe->flags & URING_CQE_F_MORE) && !stopping)
		arm_accept();   /* ended without being cancelled: take it up again */
}

static void on_recv(struct conn *c, const uring_completion *cqe)
{
	if (cqe->result > 0) {
		struct send *s = malloc(sizeof(*s));
		if (!s)
			die("malloc", ENOMEM);
		*s = (struct send){ K_SEND, c, (unsigned)uring_completion_buffer_id(cqe), 0,
				    (size_t)cqe->result, NULL };
		c->sends++;
		if (c->tail) {
			c->tail->next = s;   /* behind the send in flight */
		} else {
			c->head = s;
			queue_send(s);
		}
		c->tail = s;
	}
	if (cqe->flags & URING_CQE_F_MORE)
		return;
	c->recv = 0;
	if (stopping || (cqe->result <= 0 && cqe->result != -ENOBUFS)) {
		c->closing = 1;   /* peer closed (0), an error, or cancelled */
		conn_maybe_close(c);
	} else if (cqe->result == -ENOBUFS) {
		starvations++;
		c->next_starved = starved;
		starved = c;
	} else {
		arm_recv(c);      /* ended with data: the kernel's choice, re-arm */
	}
}

static void on_send(struct send *s, const uring_completion *cqe)
{
	struct conn *c = s->c;
	if (cqe->result > 0 && s->off + (size_t)cqe->result < s->len) {
		s->off += (size_t)cqe->result;   /* short send: the rest */
		queue_send(s);
		return;
	}
	if (cqe->result < 0 && c->recv) {
		c->closing = 1;   /* the peer is gone: stop receiving too */
		cancel(c->recv);
	}
	/* After a failed send the queued ones are dropped, unsent. */
	struct send *next = cqe->result < 0 ? NULL : s->next;
	for (struct send *d = s, *dn; d != next; d = dn) {
		dn = d->next;
		c->sends--;
		unsigned bid = d->bid;
		free(d);
		buffer_returned(bid);
	}
	c->head = next;
	if (next)
		queue_send(next);
	else
		c->tail = NULL;
	conn_maybe_close(c);
}

/* SIGINT: no new connections, no new receives; sends in flight finish. */
static void start_stopping(void)
{
	stopping = 1;
	cancel(accept_job);
	for (struct conn *c = starved, *next; c; c = next) {
		next = c->next_starved;
		c->closing = 1;
		conn_maybe_close(c);
	}
	starved = NULL;
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
	case K_CANCEL: break;   /* its target reports the outcome */
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

/* Waits for one job's completion, before the event loop runs. */
static int run(uring_job job)
{
	if (job < 0)
		die("setup", (int)-job);
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
 * (BIND and LISTEN are 6.11), with the syscalls otherwise. */
static int listener(uint16_t port)
{
	uring_job job;
	QUEUE(job, uring_socket(ring, AF_INET, SOCK_STREAM, 0, NULL));
	int fd = run(job);
	if (fd < 0)
		die("socket", -fd);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	int ret;
	if (uring_op_supported(ring, URING_OP_BIND)) {
		QUEUE(job, uring_bind(ring, fd, (struct sockaddr *)&a, sizeof(a), NULL));
		ret = run(job);
	} else {
		ret = bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ? -errno : 0;
	}
	if (ret < 0)
		die("bind", -ret);
	if (uring_op_supported(ring, URING_OP_LISTEN)) {
		QUEUE(job, uring_listen(ring, fd, SOMAXCONN, NULL));
		ret = run(job);
	} else {
		ret = listen(fd, SOMAXCONN) < 0 ? -errno : 0;
	}
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
 * accepted connections (5.19), the listener in slot 0 with -f (the kernel
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
	direct = !getenv("ECHO_SERVER_PLAIN") && uring_register_files_sparse(ring, MAX_CONNS) == 0;
	int ret = 0;
	if (direct && fixed_listener)
		ret = uring_register_files_update(ring, 0, &lfd, 1) == 1 ? 0 : -EBADF;
	else if (fixed_listener)
		ret = uring_register_files(ring, &lfd, 1);
	if (ret < 0)
		die("uring_register_files", -ret);
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
	br = uring_buf_ring_create(ring, BUF_GROUP, nbufs, BUF_SIZE);
	if (!br)
		die("uring_buf_ring_create", errno);
	printf("%u\npaths: direct descriptors %s\n", bound_port(lfd), direct ? "yes" : "no");
	fflush(stdout);

	arm_accept();
	uring_job sig;
	QUEUE(sig, uring_read(ring, sfd, &siginfo, sizeof(siginfo), -1, &signal_tag));
	event_loop();

	/* Everything has completed: the ring owns nothing in flight.  Slots
	 * still filled are closed by uring_unregister_files. */
	for (int fd = 0; fd < MAX_CONNS; fd++) {
		if (conns[fd] && !direct)
			close(fd);
		free(conns[fd]);
	}
	int ret = uring_buf_ring_destroy(ring, br);
	if (ret == 0 && (fixed_listener || direct))
		ret = uring_unregister_files(ring);
	if (ret == 0)
		ret = uring_exit(ring);
	close(lfd);
	close(sfd);
	int leaked = count_fds() - fds_at_start;
	printf("starved receives: %lu\nleaked fds: %d\n", starvations, leaked);
	if (ret < 0)
		fprintf(stderr, "echo-server: shutdown: %s\n", strerror(-ret));
	return ret == 0 && leaked == 0 ? 0 : 1;
}
