/* SPDX-License-Identifier: ISC */
/*
 * The tuned curing echo server: what io_uring offers for this workload.
 *  - one multishot accept job for all connections;
 *  - one multishot recv job per connection, into a provided-buffer ring
 *    shared by every connection (the kernel picks the buffer: no buffer
 *    per connection, no re-arming per message);
 *  - each received buffer is sent back as it is (no copy) and recycled
 *    when its send completes; one send in flight per connection keeps the
 *    byte order, the rest wait in the connection's FIFO of buffers;
 *  - a SINGLE_ISSUER | DEFER_TASKRUN ring, and every connection in a
 *    registered file table (jobs carry URING_FIXED_FILE);
 *  - completions in batches: one uring_wait (submit everything queued and
 *    wait, one io_uring_enter) then one uring_reap of up to BATCH.
 *
 *   echo_curing_tuned [-p port] [-l len] [-S] [-b buf_size] [-n nbufs]
 *
 * Runs until SIGTERM / SIGINT, then prints one line:
 *
 *   server=curing_tuned bytes=B rt=R waits=.. reaps=.. completions=.. enobufs=.. user_us=U sys_us=S vcsw=.. ivcsw=.. sc_...=..
 */
#include "tuned_common.h"

#define BATCH 512

enum kind { K_ACCEPT, K_CONN, K_SEND };

struct conn {
	enum kind kind;
	int fd;
	int fixed;                 /* fd is also its registered slot */
	int recv_armed;            /* the multishot recv is active */
	int sending;               /* buffer id being sent, -1 when none */
	int q_head, q_tail;        /* FIFO of buffer ids waiting to be sent, -1 when empty */
	int dead;                  /* a send failed: drop what comes */
};

/* One per buffer id: a buffer is sent at most once at a time. */
struct send_ctx {
	enum kind kind;
	struct conn *c;
	unsigned len, off;
	int next;                  /* FIFO link */
};

static uring_buf_ring *br;
static struct send_ctx *sends;
static unsigned buf_size = 32768, nbufs = 512;
static unsigned sq_depth = 1024, cq_depth = 8192;
static uint64_t bytes_echoed, n_wait, n_reap, n_cqe, n_enobufs;
static enum kind accept_tag = K_ACCEPT;

static void arm_recv(struct conn *c)
{
	TUNED_QUEUE(c->fixed, uring_recv_multishot(ring, c->fd, br, 0, c));
	c->recv_armed = 1;
}

static void send_bid(struct conn *c, int bid)
{
	struct send_ctx *s = &sends[bid];
	unsigned char *p = uring_buf_ring_buffer(br, (unsigned)bid, NULL);
	c->sending = bid;
	TUNED_QUEUE(c->fixed, uring_send(ring, c->fd, p + s->off, s->len - s->off, 0, s));
}

static void conn_maybe_close(struct conn *c)
{
	if (c->recv_armed || c->sending >= 0)
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
		*c = (struct conn){ .kind = K_CONN, .fd = fd, .sending = -1, .q_head = -1, .q_tail = -1 };
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
		if (bid < 0) {
			fprintf(stderr, "recv without a buffer\n");
			exit(1);
		}
		if (c->dead) {
			uring_buf_ring_recycle(br, (unsigned)bid);
		} else {
			sends[bid] = (struct send_ctx){ .kind = K_SEND, .c = c, .len = (unsigned)cp->result,
							.next = -1 };
			if (c->sending < 0) {
				send_bid(c, bid);
			} else if (c->q_tail < 0) {
				c->q_head = c->q_tail = bid;
			} else {
				sends[c->q_tail].next = bid;
				c->q_tail = bid;
			}
		}
	}
	if (cp->flags & URING_CQE_F_MORE)
		return;
	c->recv_armed = 0;
	if (cp->result == -ENOBUFS && !c->dead) {
		/* Every buffer is out: the sends in flight give them back.
		 * Nothing was lost; arm again (the next enter runs after them). */
		n_enobufs++;
		arm_recv(c);
		return;
	}
	if (cp->result > 0 && !c->dead) {
		arm_recv(c);   /* ended for another reason (CQ overflow): data kept */
		return;
	}
	conn_maybe_close(c);
}

static void on_send(const uring_completion *cp, struct send_ctx *s)
{
	struct conn *c = s->c;
	int bid = (int)(s - sends);
	if (cp->result < 0) {
		/* The peer is gone: drop this buffer and everything queued. */
		c->dead = 1;
		uring_buf_ring_recycle(br, (unsigned)bid);
		for (int b = c->q_head; b >= 0; b = sends[b].next)
			uring_buf_ring_recycle(br, (unsigned)b);
		c->q_head = c->q_tail = -1;
		c->sending = -1;
		conn_maybe_close(c);
		return;
	}
	bytes_echoed += (uint64_t)cp->result;
	s->off += (unsigned)cp->result;
	if (s->off < s->len) {
		send_bid(c, bid);   /* short send: the rest first, order kept */
		return;
	}
	uring_buf_ring_recycle(br, (unsigned)bid);
	c->sending = -1;
	int next = c->q_head;
	if (next >= 0) {
		c->q_head = sends[next].next;
		if (c->q_head < 0)
			c->q_tail = -1;
		send_bid(c, next);
		return;
	}
	conn_maybe_close(c);
}

int main(int argc, char **argv)
{
	int port = 7000, count_sc = 0, opt;
	long msg_len = 0;
	while ((opt = getopt(argc, argv, "p:l:Sb:n:q:c:T:F")) != -1) {
		switch (opt) {
		case 'p': port = (int)bench_arg_long(optarg, "port"); break;
		case 'l': msg_len = bench_arg_long(optarg, "len"); break;
		case 'S': count_sc = 1; break;
		case 'b': buf_size = (unsigned)bench_arg_long(optarg, "buf_size"); break;
		case 'n': nbufs = (unsigned)bench_arg_long(optarg, "nbufs"); break;
		case 'q': sq_depth = (unsigned)bench_arg_long(optarg, "sq depth"); break;
		case 'c': cq_depth = (unsigned)bench_arg_long(optarg, "cq depth"); break;
		case 'T': tuned_setup_flags = (uint32_t)bench_arg_long(optarg, "setup flags"); break;
		case 'F': tuned_no_files = 1; break;
		default:
			fprintf(stderr, "usage: %s [-p port] [-l len] [-S] [-b buf_size] [-n nbufs] [-q sq] [-c cq] [-T setup_flags] [-F]\n",
				argv[0]);
			return 2;
		}
	}
	bench_install_stop();
	bench_raise_nofile();
	if (count_sc)
		bench_sc_open();

	int lfd = bench_listen(port, 0);
	tuned_ring(sq_depth, cq_depth);
	tuned_files();
	br = uring_buf_ring_create(ring, 0, nbufs, buf_size);
	sends = calloc(nbufs, sizeof(*sends));
	if (!br || !sends) {
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
		n_cqe += (uint64_t)n;
		for (int k = 0; k < n; k++) {
			const uring_completion *cp = &cs[k];
			switch (*(const enum kind *)cp->data) {
			case K_ACCEPT: on_accept(cp, lfd); break;
			case K_CONN: on_recv(cp, cp->data); break;
			case K_SEND: on_send(cp, cp->data); break;
			}
		}
	}

	printf("server=curing_tuned bytes=%llu rt=%llu waits=%llu reaps=%llu "
	       "completions=%llu enobufs=%llu fixed_files=%d",
	       (unsigned long long)bytes_echoed,
	       (unsigned long long)(msg_len ? bytes_echoed / (uint64_t)msg_len : 0),
	       (unsigned long long)n_wait, (unsigned long long)n_reap,
	       (unsigned long long)n_cqe, (unsigned long long)n_enobufs, use_fixed);
	bench_print_rusage(stdout);
	bench_sc_print(stdout);
	printf("\n");
	/* Jobs are still armed (accept, recvs): the process exit ends them. */
	return 0;
}
