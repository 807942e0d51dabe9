/* SPDX-License-Identifier: ISC */
/*
 * HTTP/1.1 keep-alive responder on curing, in the tuned style of
 * echo_curing_tuned: multishot accept, multishot recv into a provided-
 * buffer ring, SINGLE_ISSUER | DEFER_TASKRUN, registered files, batched
 * completions.  A received buffer is scanned for complete requests and
 * recycled at once; the responses owed are sent from one static buffer
 * (no copy), one send in flight per connection.
 *
 *   http_curing [-p port] [-S]
 *
 * Runs until SIGTERM / SIGINT, then prints one line:
 *
 *   server=http_curing requests=R waits=.. reaps=.. user_us=U sys_us=S vcsw=.. ivcsw=.. sc_...=..
 */
#include "http_common.h"
#include "tuned_common.h"

#define BATCH 512

enum kind { K_ACCEPT, K_RECV, K_SEND };

/* The send job's data is &c->send_tag, the recv job's is c itself. */
struct conn {
	enum kind kind;            /* K_RECV */
	enum kind send_tag;        /* K_SEND */
	int fd;
	int fixed;
	int recv_armed, sending;
	unsigned char state;       /* request matcher */
	size_t out_left, out_pos;  /* response bytes owed, offset in the response */
};

static uring_buf_ring *br;
static uint64_t requests, n_wait, n_reap, n_enobufs;
static enum kind accept_tag = K_ACCEPT;

static struct conn *conn_of_send(enum kind *tag)
{
	return (struct conn *)((char *)tag - offsetof(struct conn, send_tag));
}

static void arm_recv(struct conn *c)
{
	TUNED_QUEUE(c->fixed, uring_recv_multishot(ring, c->fd, br, 0, c));
	c->recv_armed = 1;
}

static void send_owed(struct conn *c)
{
	size_t n = sizeof(http_responses) - c->out_pos;
	if (n > c->out_left)
		n = c->out_left;
	c->sending = 1;
	TUNED_QUEUE(c->fixed, uring_send(ring, c->fd, http_responses + c->out_pos, n, 0, &c->send_tag));
}

static void conn_maybe_close(struct conn *c)
{
	if (c->recv_armed || c->sending)
		return;
	if (c->fixed)
		tuned_file_del(c->fd);
	close(c->fd);
	free(c);
}

static void on_accept(const uring_completion *cp, int lfd)
{
	if (cp->result >= 0) {
		int fd = cp->result, one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		struct conn *c = calloc(1, sizeof(*c));
		if (!c) {
			perror("calloc");
			exit(1);
		}
		c->kind = K_RECV;
		c->send_tag = K_SEND;
		c->fd = fd;
		c->fixed = tuned_file_add(fd) == 0;
		arm_recv(c);
	}
	if (!(cp->flags & URING_CQE_F_MORE))
		TUNED_QUEUE(0, uring_accept_multishot(ring, lfd, &accept_tag));
}

static void on_recv(const uring_completion *cp, struct conn *c)
{
	if (cp->result > 0) {
		int bid = uring_completion_buffer_id(cp);
		const char *p = uring_buf_ring_buffer(br, (unsigned)bid, NULL);
		unsigned done = http_count(&c->state, p, (size_t)cp->result);
		uring_buf_ring_recycle(br, (unsigned)bid);
		requests += done;
		c->out_left += (size_t)done * HTTP_RESPONSE_LEN;
		if (c->out_left && !c->sending)
			send_owed(c);
	}
	if (cp->flags & URING_CQE_F_MORE)
		return;
	c->recv_armed = 0;
	if (cp->result == -ENOBUFS || cp->result > 0) {
		if (cp->result == -ENOBUFS)
			n_enobufs++;
		arm_recv(c);
		return;
	}
	conn_maybe_close(c);
}

static void on_send(const uring_completion *cp, struct conn *c)
{
	c->sending = 0;
	if (cp->result < 0) {
		c->out_left = 0;   /* the peer is gone; the recv ends too */
		conn_maybe_close(c);
		return;
	}
	c->out_left -= (size_t)cp->result;
	c->out_pos = (c->out_pos + (size_t)cp->result) % HTTP_RESPONSE_LEN;
	if (c->out_left)
		send_owed(c);
	else
		conn_maybe_close(c);
}

int main(int argc, char **argv)
{
	int port = 8080, count_sc = 0, opt;
	while ((opt = getopt(argc, argv, "p:S")) != -1) {
		switch (opt) {
		case 'p': port = (int)bench_arg_long(optarg, "port"); break;
		case 'S': count_sc = 1; break;
		default:
			fprintf(stderr, "usage: %s [-p port] [-S]\n", argv[0]);
			return 2;
		}
	}
	bench_install_stop();
	bench_raise_nofile();
	http_init();
	if (count_sc)
		bench_sc_open();

	int lfd = bench_listen(port, 0);
	tuned_ring(1024, 8192);
	tuned_files();
	br = uring_buf_ring_create(ring, 0, 512, 4096);
	if (!br) {
		perror("uring_buf_ring_create");
		return 1;
	}
	TUNED_QUEUE(0, uring_accept_multishot(ring, lfd, &accept_tag));

	static uring_completion cs[BATCH];
	bench_mark_rss_base();
	while (!bench_stop) {
		int n = uring_wait(ring, &cs[0]);
		n_wait++;
		if (n < 0)
			tuned_fail("uring_wait", n);
		int m = uring_reap(ring, cs + n, BATCH - (unsigned)n);
		n_reap++;
		if (m < 0)
			tuned_fail("uring_reap", m);
		n += m;
		for (int k = 0; k < n; k++) {
			enum kind *tag = cs[k].data;
			switch (*tag) {
			case K_ACCEPT: on_accept(&cs[k], lfd); break;
			case K_RECV: on_recv(&cs[k], (struct conn *)tag); break;
			case K_SEND: on_send(&cs[k], conn_of_send(tag)); break;
			}
		}
	}

	printf("server=http_curing requests=%llu waits=%llu reaps=%llu "
	       "enobufs=%llu fixed_files=%d",
	       (unsigned long long)requests,
	       (unsigned long long)n_wait, (unsigned long long)n_reap,
	       (unsigned long long)n_enobufs, use_fixed);
	bench_print_rusage(stdout);
	bench_sc_print(stdout);
	printf("\n");
	return 0;
}
