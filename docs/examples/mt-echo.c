/* SPDX-License-Identifier: ISC */
/*
 * Needs: Linux 5.10+, and uses what later kernels add where they have it;
 * glibc's declarations (pipe2, asked for below) and POSIX threads.
 *
 * mt-echo: a TCP echo server on several threads, each with its own ring.
 *
 *   mt-echo [-w WORKERS] [-m direct|message|pipe] [-1] [-b NBUFS] PORT
 *                                             (PORT 0: an ephemeral port)
 *
 * The main thread's ring accepts connections and hands each to the next of
 * WORKERS worker threads (4 by default, at most 64) in turn; a worker's ring
 * echoes every byte back on the connections it was given.  Prints the port
 * as its first line, then how connections are handed over and received.
 * On SIGINT or SIGTERM it stops accepting and tells every worker to stop;
 * a worker cancels its receives, lets its sends finish and closes its
 * connections.  The last lines are each worker's count of connections and
 * of receives that ran out of buffers, and the fds leaked; exit status 0,
 * 1 on an error, 2 on bad usage.
 *
 * Handing a connection over (-m: one of these; by default the first the
 * kernel has):
 *  - direct (6.0): connections are direct descriptors.  The accept puts
 *    each into a slot of the main ring's registered file table,
 *    uring_msg_ring_fd copies it into a free slot of a worker ring's table
 *    and the main ring closes its own slot.  The worker's message
 *    completion names the slot.  No fd exists for a connection;
 *  - message (5.18): the accepted fd is the result of a uring_msg_ring
 *    message to the worker's ring;
 *  - pipe (any kernel): the fd is written into the worker's pipe, which the
 *    worker's ring reads.
 * Receiving: multishot accept (5.19) and multishot recv over a
 * provided-buffer ring (6.0) where the kernel has them and -1 is not given,
 * else one-shot accept and recv into the connection's own buffer.  -b: the
 * buffers in each worker's ring (256; with a few, receives run out of them
 * and wait for a send to give one back).  Either way a connection has at
 * most one send in flight: with two, the rest of a short send would go out
 * after the next, so bytes would not go back in the order they came.
 */
#define _GNU_SOURCE 1
#include <arpa/inet.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "uring.h"

#define MAX_WORKERS   64
/* A registered table may not be larger than RLIMIT_NOFILE, often 1024. */
#define MAX_CONNS     1024   /* per worker: fds or slots below this */
#define ACCEPT_SLOTS  1024   /* the main ring's table (direct) */
#define BUF_SIZE      4096

enum mode { M_PIPE, M_MESSAGE, M_DIRECT };   /* in the order kernels got them */
static const char *const mode_names[] = { "pipe", "message", "direct" };
static const char *const mode_words[] = {
	"pipe (fds written into each worker's pipe)",
	"message (fds as the result of uring_msg_ring)",
	"direct (slots passed by uring_msg_ring_fd)",
};

enum { MSG_CONN = 1, MSG_STOP = 2 };   /* message values to a worker's ring */

/* The first member of each job's data, so a completion finds its handler. */
enum kind { K_ACCEPT, K_SIGNAL, K_HANDOFF, K_PIPE, K_RECV, K_SEND, K_IGNORE };

struct chunk {                 /* received bytes on their way back */
	enum kind kind;        /* K_SEND: the data of its send job */
	struct conn *c;
	char *p;
	size_t len, off;
	int bid;               /* its buffer in the ring, or -1: the conn's own */
	struct chunk *next;
};

struct conn {
	enum kind kind;        /* K_RECV: the data of its recv job */
	struct worker *w;
	int id;                /* an fd, or (direct) a slot of the worker's table */
	uring_job recv;        /* the armed recv, or 0 */
	struct chunk *head, *tail;   /* head: being sent */
	int closing;           /* no more receives: close once nothing is sent */
	int starving;          /* its multishot recv ended with -ENOBUFS */
	struct conn *next_starved;
	char buf[BUF_SIZE];    /* one-shot recv only */
};

struct worker {
	pthread_t thread;
	uring *ring;
	uring_buf_ring *br;    /* NULL: one-shot recvs */
	int pipe[2];           /* pipe mode */
	int pipe_in[64];       /* fds read from it */
	struct conn *conns[MAX_CONNS];
	struct conn *starved;
	int stopping;
	unsigned served;
	unsigned held;         /* ring buffers in chunks, not yet given back */
	unsigned long starvations;   /* receives ended by -ENOBUFS */
};

struct handoff {               /* a connection on its way to a worker */
	enum kind kind;        /* K_HANDOFF */
	int id;                /* the main ring's fd or slot */
	struct worker *to;
};

static enum mode mode;
static int oneshot;            /* -1, or a kernel without multishot */
static unsigned nworkers = 4;
static unsigned nbufs = 256;   /* in each worker's buffer ring */
static struct worker *workers;
static pthread_barrier_t ready;
static enum kind accept_tag = K_ACCEPT, signal_tag = K_SIGNAL, pipe_tag = K_PIPE,
		 ignore_tag = K_IGNORE;

static void die(const char *what, int err)
{
	fprintf(stderr, "mt-echo: %s: %s\n", what, strerror(err));
	exit(1);
}

/* Queues on `ring` with `expr` into `job`, submitting and retrying while the
 * SQ is full (the op returns 0 and has queued nothing). */
#define QUEUE(ring, job, expr)                                          \
	do {                                                            \
		while (((job) = (expr)) == 0)                           \
			uring_submit(ring);                             \
		if ((job) < 0)                                          \
			die(#expr, (int)-(job));                        \
	} while (0)

/* A job on a connection: with direct descriptors its fd is a slot. */
static uring_job on_conn(uring *ring, uring_job job)
{
	if (job > 0 && mode == M_DIRECT) {
		int ret = uring_job_set_flags(ring, job, URING_FIXED_FILE);
		if (ret < 0)
			die("uring_job_set_flags", -ret);
	}
	return job;
}

/* Cancels a live job; one already finished (-ENOENT) needs nothing. */
static void cancel(uring *ring, uring_job job)
{
	uring_job j;
	while ((j = uring_cancel(ring, job, &ignore_tag)) == 0)
		uring_submit(ring);
	if (j < 0 && j != -ENOENT)
		die("uring_cancel", (int)-j);
}

/* SINGLE_ISSUER | DEFER_TASKRUN (6.1) where the kernel has them: the ring
 * is then this thread's alone, which is how every ring here is used. */
static uring *ring_create(unsigned cq_entries)
{
	uring_options o = { .setup_flags = URING_SETUP_SINGLE_ISSUER | URING_SETUP_DEFER_TASKRUN,
			    .cq_entries = cq_entries };
	uring *t = uring_create(256, &o);
	if (!t && errno == EOPNOTSUPP) {
		o.setup_flags = 0;
		t = uring_create(256, &o);
	}
	if (!t)
		die("uring_create", errno);
	return t;
}

/* ---- a worker: echoes on the connections it is given ---- */

static void arm_recv(struct conn *c)
{
	struct worker *w = c->w;
	if (w->br)
		QUEUE(w->ring, c->recv, on_conn(w->ring, uring_recv_multishot(w->ring, c->id, w->br, 0, c)));
	else
		QUEUE(w->ring, c->recv, on_conn(w->ring, uring_recv(w->ring, c->id, c->buf, BUF_SIZE, 0, c)));
}

static void send_head(struct conn *c)
{
	struct chunk *k = c->head;
	uring_job job;
	QUEUE(c->w->ring, job, on_conn(c->w->ring, uring_send(c->w->ring, c->id, k->p + k->off,
							     k->len - k->off, MSG_NOSIGNAL, k)));
}

static void conn_close(struct conn *c)
{
	struct worker *w = c->w;
	if (mode == M_DIRECT) {
		uring_job job;
		QUEUE(w->ring, job, uring_close_direct(w->ring, (unsigned)c->id, &ignore_tag));
	} else {
		close(c->id);
	}
	w->conns[c->id] = NULL;
	free(c);
}

/* Done with a conn once it receives no more and sends nothing. */
static void conn_maybe_close(struct conn *c)
{
	if (c->closing && !c->recv && !c->head && !c->starving)
		conn_close(c);
}

/*
 * A buffer is back in the ring: every starved conn may receive again.  One
 * is not enough: on 6.1 a receive that takes the last buffer ends with
 * -ENOBUFS though its client may have nothing more to send, and if that
 * conn were the only one woken, the buffer would wait in the ring while
 * conns with data starve.  A conn becomes starved only while every buffer
 * is held here, so a buffer coming back wakes each of them.  It may close
 * the conns it wakes: no caller uses those afterwards.
 */
static void wake_starved(struct worker *w)
{
	struct conn *c = w->starved;
	w->starved = NULL;   /* those that starve again are listed anew */
	while (c) {
		struct conn *next = c->next_starved;
		c->starving = 0;
		if (c->closing || w->stopping) {
			c->closing = 1;
			conn_maybe_close(c);
		} else {
			arm_recv(c);
		}
		c = next;
	}
}

static void give_back(struct worker *w, int bid)
{
	uring_buf_ring_recycle(w->br, (unsigned)bid);
	w->held--;
}

/* Drops the chunk being sent; returns whether a ring buffer came back. */
static int chunk_done(struct conn *c)
{
	struct chunk *k = c->head;
	c->head = k->next;
	if (!c->head)
		c->tail = NULL;
	int bid = k->bid;
	free(k);
	if (bid >= 0)
		give_back(c->w, bid);
	return bid >= 0;
}

static void on_data(struct conn *c, char *p, size_t len, int bid)
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

static void on_recv(struct conn *c, const uring_completion *cqe)
{
	struct worker *w = c->w;
	if (cqe->result > 0) {
		int bid = w->br ? uring_completion_buffer_id(cqe) : -1;
		char *p = w->br ? uring_buf_ring_buffer(w->br, (unsigned)bid, NULL) : c->buf;
		w->held += bid >= 0;
		if (!c->closing) {
			on_data(c, p, (size_t)cqe->result, bid);
		} else if (bid >= 0) {   /* its sends failed: nowhere to echo */
			give_back(w, bid);
			wake_starved(w);   /* c is not starved: its recv is armed */
		}
	}
	if (cqe->flags & URING_CQE_F_MORE)
		return;   /* a multishot recv still armed */
	c->recv = 0;
	if (cqe->result == -ENOBUFS && !w->stopping && !c->closing) {
		w->starvations++;
		if (w->held < nbufs) {
			arm_recv(c);   /* given back since the kernel ran out */
			return;
		}
		c->starving = 1;   /* until a send gives a buffer back */
		c->next_starved = w->starved;
		w->starved = c;
	} else if (cqe->result <= 0 || w->stopping || c->closing) {
		c->closing = 1;   /* peer closed (0), an error, or cancelled */
		conn_maybe_close(c);
	} else if (w->br) {
		arm_recv(c);      /* a multishot recv ended with data: again */
	}
	/* one-shot: the next recv is armed once this data went back */
}

static void on_send(struct chunk *k, const uring_completion *cqe)
{
	struct conn *c = k->c;
	struct worker *w = c->w;
	if (cqe->result > 0 && k->off + (size_t)cqe->result < k->len) {
		k->off += (size_t)cqe->result;   /* a short send: the rest */
		send_head(c);
		return;
	}
	int returned = 0;
	if (cqe->result < 0) {   /* the peer is gone: drop what is left */
		c->closing = 1;
		if (c->recv)
			cancel(w->ring, c->recv);
		while (c->head)
			returned += chunk_done(c);
	} else {
		returned = chunk_done(c);
	}
	if (w->stopping)
		c->closing = 1;
	if (c->head)
		send_head(c);
	else if (!w->br && !c->closing)
		arm_recv(c);
	conn_maybe_close(c);   /* c may be gone from here on */
	if (returned)
		wake_starved(w);
}

static void new_conn(struct worker *w, int id)
{
	struct conn *c = id >= 0 && id < MAX_CONNS && !w->stopping ? calloc(1, sizeof(*c)) : NULL;
	if (!c) {
		fprintf(stderr, "mt-echo: connection %d refused\n", id);
		if (id >= 0 && mode != M_DIRECT)
			close(id);   /* a slot stays in the table until uring_exit */
		return;
	}
	*c = (struct conn){ .kind = K_RECV, .w = w, .id = id };
	w->conns[id] = c;
	w->served++;
	arm_recv(c);
}

static void worker_stop(struct worker *w)
{
	w->stopping = 1;
	wake_starved(w);   /* closes them */
	for (int id = 0; id < MAX_CONNS; id++)
		if (w->conns[id] && w->conns[id]->recv)
			cancel(w->ring, w->conns[id]->recv);
}

static void arm_pipe_read(struct worker *w)
{
	uring_job job;
	QUEUE(w->ring, job, uring_read(w->ring, w->pipe[0], w->pipe_in, sizeof(w->pipe_in), -1, &pipe_tag));
}

/* Each write into the pipe is one whole int (atomic: under PIPE_BUF), so a
 * read returns whole ints; 0 is the end: the main thread closed it. */
static void on_pipe(struct worker *w, const uring_completion *cqe)
{
	if (cqe->result <= 0) {
		worker_stop(w);
		return;
	}
	for (int i = 0; i < cqe->result / (int)sizeof(int); i++)
		new_conn(w, w->pipe_in[i]);
	arm_pipe_read(w);
}

static void worker_dispatch(struct worker *w, const uring_completion *cqe)
{
	if (uring_job_is_message(cqe->job)) {   /* from the main thread's ring */
		if (uring_message_value(cqe->job) == MSG_STOP)
			worker_stop(w);
		else
			new_conn(w, cqe->result);
		return;
	}
	switch (*(enum kind *)cqe->data) {
	case K_PIPE: on_pipe(w, cqe); break;
	case K_RECV: on_recv(cqe->data, cqe); break;
	case K_SEND: on_send(cqe->data, cqe); break;
	default: break;   /* cancels and closes */
	}
}

/* The ring is made here, not by the main thread: with SINGLE_ISSUER only
 * the thread that created it may submit. */
static void *worker_main(void *arg)
{
	struct worker *w = arg;
	w->ring = ring_create(4096);
	int ret = mode == M_DIRECT ? uring_register_files_sparse(w->ring, MAX_CONNS) : 0;
	if (ret < 0)
		die("uring_register_files_sparse", -ret);
	if (!oneshot && !(w->br = uring_buf_ring_create(w->ring, 0, nbufs, BUF_SIZE)))
		die("uring_buf_ring_create", errno);
	if (mode == M_PIPE)
		arm_pipe_read(w);
	pthread_barrier_wait(&ready);   /* the main thread may now send to w->ring */

	while (!w->stopping || uring_active_ops(w->ring) > 0) {
		uring_completion c;
		ret = uring_wait(w->ring, &c);
		if (ret < 0)
			die("uring_wait", -ret);
		if (ret == 1)
			worker_dispatch(w, &c);
	}
	/* Nothing in flight: every conn has closed. */
	if (w->br && (ret = uring_buf_ring_destroy(w->ring, w->br)) < 0)
		die("uring_buf_ring_destroy", -ret);
	if ((ret = uring_exit(w->ring)) < 0)
		die("uring_exit", -ret);
	if (mode == M_PIPE)
		close(w->pipe[0]);
	return NULL;
}

/* ---- the main thread: accepts and hands connections over ---- */

static uring *ring;
static int lfd, stopping;
static uring_job accept_job;
static unsigned next_worker;
static struct signalfd_siginfo siginfo;

static void arm_accept(void)
{
	if (mode == M_DIRECT)
		QUEUE(ring, accept_job, oneshot
		      ? uring_accept_direct(ring, lfd, NULL, URING_FILE_INDEX_ALLOC, &accept_tag)
		      : uring_accept_multishot_direct(ring, lfd, &accept_tag));
	else
		QUEUE(ring, accept_job, oneshot ? uring_accept(ring, lfd, NULL, &accept_tag)
						: uring_accept_multishot(ring, lfd, &accept_tag));
}

static void queue_handoff(struct handoff *h)
{
	uring_job job;
	if (mode == M_DIRECT)
		QUEUE(ring, job, uring_msg_ring_fd(ring, h->to->ring, (unsigned)h->id,
						   URING_FILE_INDEX_ALLOC, MSG_CONN, h));
	else
		QUEUE(ring, job, uring_msg_ring(ring, h->to->ring, h->id, MSG_CONN, h));
}

static void hand_off(int id)
{
	struct worker *to = &workers[next_worker++ % nworkers];
	if (mode == M_PIPE) {
		if (write(to->pipe[1], &id, sizeof(id)) != (ssize_t)sizeof(id))
			die("write to a worker's pipe", errno);
		return;
	}
	struct handoff *h = malloc(sizeof(*h));
	if (!h)
		die("malloc", ENOMEM);
	*h = (struct handoff){ K_HANDOFF, id, to };
	queue_handoff(h);
}

/* The worker has its copy (direct) or the fd (message), or nothing. */
static void on_handoff(struct handoff *h, const uring_completion *cqe)
{
	if (cqe->result == -EOVERFLOW) {   /* the worker's CQ is full: again */
		queue_handoff(h);
		return;
	}
	if (cqe->result < 0)
		fprintf(stderr, "mt-echo: handing a connection over: %s\n", strerror(-cqe->result));
	if (mode == M_DIRECT) {
		uring_job job;
		QUEUE(ring, job, uring_close_direct(ring, (unsigned)h->id, &ignore_tag));
	} else if (cqe->result < 0) {
		close(h->id);
	}
	free(h);
}

static void on_accept(const uring_completion *cqe)
{
	if (cqe->result >= 0)
		hand_off(cqe->result);
	else if (cqe->result != -ECANCELED)
		fprintf(stderr, "mt-echo: accept: %s\n", strerror(-cqe->result));
	if (!(cqe->flags & URING_CQE_F_MORE) && !stopping)
		arm_accept();   /* one-shot, or a multishot accept the kernel ended */
}

static void event_loop(void)
{
	while (!stopping || uring_active_ops(ring) > 0) {
		uring_completion c;
		int ret = uring_wait(ring, &c);
		if (ret < 0)
			die("uring_wait", -ret);
		if (ret != 1)
			continue;
		switch (*(enum kind *)c.data) {
		case K_ACCEPT: on_accept(&c); break;
		case K_HANDOFF: on_handoff(c.data, &c); break;
		case K_SIGNAL: stopping = 1; cancel(ring, accept_job); break;
		default: break;
		}
	}
}

/* Once the main ring is idle every connection has reached its worker, so
 * the stop, sent after them, is the last thing each worker gets. */
static void stop_worker(struct worker *w)
{
	if (mode == M_PIPE) {
		close(w->pipe[1]);
		return;
	}
	uring_completion c = { .result = -EOVERFLOW };
	while (c.result == -EOVERFLOW) {
		uring_job job;
		QUEUE(ring, job, uring_msg_ring(ring, w->ring, 0, MSG_STOP, &ignore_tag));
		int ret;
		while ((ret = uring_wait(ring, &c)) == 0)
			;
		if (ret < 0)
			die("uring_wait", -ret);
	}
	if (c.result < 0)
		die("stopping a worker", -c.result);
}

/* The best the kernel has: IORING_MSG_SEND_FD came in 6.0 with
 * IORING_OP_SEND_ZC, which stands in for it (the probe has no entry of
 * its own for it); the sparse table and multishot accept are 5.19. */
static enum mode best_mode(void)
{
	if (uring_op_supported(ring, URING_OP_SEND_ZC))
		return M_DIRECT;
	return uring_op_supported(ring, URING_OP_MSG_RING) ? M_MESSAGE : M_PIPE;
}

static int listener(uint16_t *port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket", errno);
	int one = 1;
	setsockopt(fd, SOL_SOCKET, SO_REUSEADDR, &one, sizeof(one));
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons(*port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0)
		die("bind", errno);
	if (listen(fd, SOMAXCONN) < 0)
		die("listen", errno);
	socklen_t len = sizeof(a);
	if (getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		die("getsockname", errno);
	*port = ntohs(a.sin_port);
	return fd;
}

/* Blocked in every thread (they inherit the mask): the main ring reads
 * SIGINT and SIGTERM from a signalfd. */
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

/* Returns the mode asked for with -m (-1: none) or -2 on bad usage. */
static int parse_args(int argc, char **argv, uint16_t *port)
{
	int asked = -1, i = 1;
	for (; i < argc - 1 && argv[i][0] == '-'; i++) {
		if (strcmp(argv[i], "-1") == 0) {
			oneshot = 1;
		} else if (strcmp(argv[i], "-w") == 0 && i + 1 < argc - 1) {
			char *end;
			unsigned long n = strtoul(argv[++i], &end, 10);
			if (*end || n == 0 || n > MAX_WORKERS)
				return -2;
			nworkers = (unsigned)n;
		} else if (strcmp(argv[i], "-b") == 0 && i + 1 < argc - 1) {
			char *end;
			unsigned long n = strtoul(argv[++i], &end, 10);
			if (*end || n == 0 || n > 32768 || (n & (n - 1)))
				return -2;
			nbufs = (unsigned)n;
		} else if (strcmp(argv[i], "-m") == 0 && i + 1 < argc - 1) {
			i++;
			for (asked = M_DIRECT; asked >= 0 && strcmp(argv[i], mode_names[asked]); asked--)
				;
			if (asked < 0)
				return -2;
		} else {
			return -2;
		}
	}
	char *end = NULL;
	long p = i < argc ? strtol(argv[i], &end, 10) : -1;
	if (i + 1 != argc || !end || *end || p < 0 || p > 65535)
		return -2;
	*port = (uint16_t)p;
	return asked;
}

static void start_workers(void)
{
	workers = calloc(nworkers, sizeof(*workers));
	if (!workers)
		die("calloc", ENOMEM);
	if ((errno = pthread_barrier_init(&ready, NULL, nworkers + 1)) != 0)
		die("pthread_barrier_init", errno);
	for (unsigned i = 0; i < nworkers; i++) {
		if (mode == M_PIPE && pipe2(workers[i].pipe, O_CLOEXEC) < 0)
			die("pipe2", errno);
		if ((errno = pthread_create(&workers[i].thread, NULL, worker_main, &workers[i])) != 0)
			die("pthread_create", errno);
	}
	pthread_barrier_wait(&ready);
}

int main(int argc, char **argv)
{
	uint16_t port;
	int asked = parse_args(argc, argv, &port);
	if (asked == -2) {
		fprintf(stderr, "usage: mt-echo [-w WORKERS] [-m direct|message|pipe] [-1] [-b NBUFS] PORT\n");
		return 2;
	}
	int fds_at_start = count_fds();
	int sfd = signal_fd();
	ring = ring_create(0);
	enum mode best = best_mode();
	if (asked > (int)best) {
		fprintf(stderr, "mt-echo: -m %s: this kernel lacks it\n", mode_names[asked]);
		return 1;
	}
	mode = asked >= 0 ? (enum mode)asked : best;
	oneshot |= !uring_feature_supported(ring, URING_FEATURE_ACCEPT_MULTISHOT) ||
		   !uring_feature_supported(ring, URING_FEATURE_BUF_RING) ||
		   !uring_feature_supported(ring, URING_FEATURE_RECV_MULTISHOT);
	int ret = mode == M_DIRECT ? uring_register_files_sparse(ring, ACCEPT_SLOTS) : 0;
	if (ret < 0)
		die("uring_register_files_sparse", -ret);
	lfd = listener(&port);
	start_workers();
	printf("%u\nhandover: %s\nreceive: %s\n", port, mode_words[mode],
	       oneshot ? "one-shot accept and recv" : "multishot accept, multishot recv over a buffer ring");
	fflush(stdout);

	arm_accept();
	uring_job sig;
	QUEUE(ring, sig, uring_read(ring, sfd, &siginfo, sizeof(siginfo), -1, &signal_tag));
	event_loop();
	for (unsigned i = 0; i < nworkers; i++)
		stop_worker(&workers[i]);
	for (unsigned i = 0; i < nworkers; i++) {
		pthread_join(workers[i].thread, NULL);
		printf("worker %u: %u connections, %lu starved receives\n", i, workers[i].served,
		       workers[i].starvations);
	}
	if ((ret = uring_exit(ring)) < 0)
		die("uring_exit", -ret);
	close(lfd);
	close(sfd);
	free(workers);
	pthread_barrier_destroy(&ready);
	int leaked = count_fds() - fds_at_start;
	printf("leaked fds: %d\n", leaked);
	return leaked == 0 ? 0 : 1;
}
