/* SPDX-License-Identifier: ISC */
/*
 * The plain curing echo server: the OCaml-module style, no io_uring
 * extras.  One accept job at a time on the listening socket; per
 * connection one job at a time: recv into the connection's buffer, then
 * send what came (again for the rest after a short send), then recv again.
 * Each loop iteration makes one uring_wait (which submits everything
 * queued and waits, in one io_uring_enter) and then takes the completions
 * already there with one uring_reap.
 *
 *   echo_curing_plain [-p port] [-l len] [-S]
 *
 * Runs until SIGTERM / SIGINT, then prints one line:
 *
 *   server=curing_plain bytes=B rt=R waits=.. reaps=.. user_us=U sys_us=S vcsw=.. ivcsw=.. sc_...=..
 *
 * waits / reaps count this program's library calls (a wait that finds a
 * completion already there and nothing to submit makes no syscall); the
 * kernel's count of io_uring_enter is sc_io_uring_enter under -S.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/socket.h>

#include "bench_common.h"
#include "uring.h"

#define CONN_BUF 32768
#define BATCH 256

enum { OP_RECV, OP_SEND };

struct conn {
	int fd;
	int op;
	size_t len, off;         /* send: bytes in buf, bytes already sent */
	unsigned char buf[CONN_BUF];
};

static uring *ring;
static uint64_t bytes_echoed, n_wait, n_reap;
static char accept_tag;          /* the data of the accept job */

/* Queues through a full SQ: submit, then retry (the API's contract). */
#define QUEUE(call)                                                            \
	do {                                                                   \
		uring_job j_;                                                  \
		while ((j_ = (call)) == 0)                                     \
			uring_submit(ring);                                    \
		if (j_ < 0) {                                                  \
			fprintf(stderr, "%s: %s\n", #call, uring_error_name((int)j_)); \
			exit(1);                                               \
		}                                                              \
	} while (0)

static void queue_recv(struct conn *c)
{
	c->op = OP_RECV;
	QUEUE(uring_recv(ring, c->fd, c->buf, CONN_BUF, 0, c));
}

static void queue_send(struct conn *c)
{
	c->op = OP_SEND;
	QUEUE(uring_send(ring, c->fd, c->buf + c->off, c->len - c->off, 0, c));
}

static void on_completion(const uring_completion *cp, int lfd)
{
	if (cp->data == &accept_tag) {
		if (cp->result >= 0) {
			int one = 1;
			setsockopt(cp->result, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			struct conn *c = malloc(sizeof(*c));
			if (!c) {
				perror("malloc");
				exit(1);
			}
			c->fd = cp->result;
			queue_recv(c);
		}
		QUEUE(uring_accept(ring, lfd, NULL, &accept_tag));
		return;
	}
	struct conn *c = cp->data;
	if (cp->result <= 0) {
		close(c->fd);    /* EOF, reset, or a send error */
		free(c);
		return;
	}
	if (c->op == OP_RECV) {
		c->len = (size_t)cp->result;
		c->off = 0;
		queue_send(c);
		return;
	}
	c->off += (size_t)cp->result;
	bytes_echoed += (uint64_t)cp->result;
	if (c->off < c->len)
		queue_send(c);
	else
		queue_recv(c);
}

int main(int argc, char **argv)
{
	int port = 7000, count_sc = 0, opt;
	long msg_len = 0;
	while ((opt = getopt(argc, argv, "p:l:S")) != -1) {
		switch (opt) {
		case 'p': port = (int)bench_arg_long(optarg, "port"); break;
		case 'l': msg_len = bench_arg_long(optarg, "len"); break;
		case 'S': count_sc = 1; break;
		default:
			fprintf(stderr, "usage: %s [-p port] [-l len] [-S]\n", argv[0]);
			return 2;
		}
	}
	bench_install_stop();
	bench_raise_nofile();
	if (count_sc)
		bench_sc_open();

	int lfd = bench_listen(port, 0);
	/* A CQ big enough for one completion per connection at 1000+. */
	uring_options o = { .cq_entries = 8192 };
	ring = uring_create(1024, &o);
	if (!ring) {
		perror("uring_create");
		return 1;
	}
	QUEUE(uring_accept(ring, lfd, NULL, &accept_tag));

	uring_completion cs[BATCH];
	bench_mark_rss_base();
	while (!bench_stop) {
		int n = uring_wait(ring, &cs[0]);
		n_wait++;
		if (n < 0) {
			fprintf(stderr, "uring_wait: %s\n", uring_error_name(n));
			return 1;
		}
		int m = uring_reap(ring, cs + n, BATCH - (unsigned)n);
		n_reap++;
		if (m < 0) {
			fprintf(stderr, "uring_reap: %s\n", uring_error_name(m));
			return 1;
		}
		n += m;
		for (int k = 0; k < n; k++)
			on_completion(&cs[k], lfd);
	}

	printf("server=curing_plain bytes=%llu rt=%llu waits=%llu reaps=%llu",
	       (unsigned long long)bytes_echoed,
	       (unsigned long long)(msg_len ? bytes_echoed / (uint64_t)msg_len : 0),
	       (unsigned long long)n_wait, (unsigned long long)n_reap);
	bench_print_rusage(stdout);
	bench_sc_print(stdout);
	printf("\n");
	/* Jobs are still in flight (accept, recvs): the process exit ends them. */
	return 0;
}
