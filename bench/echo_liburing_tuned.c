/* SPDX-License-Identifier: ISC */
/*
 * The peer of echo_curing_tuned written on liburing: the same techniques,
 * so that the comparison measures the two libraries, not two designs.
 *  - one multishot accept for all connections;
 *  - one multishot recv per connection into a provided-buffer ring shared
 *    by every connection;
 *  - each received buffer is sent back as it is and recycled when its send
 *    completes; one send in flight per connection keeps the byte order,
 *    the rest wait in the connection's FIFO of buffer ids;
 *  - a SINGLE_ISSUER | DEFER_TASKRUN ring with its fd registered
 *    (io_uring_register_ring_fd, as curing does by itself), and every
 *    connection in a sparse registered file table at the slot of its fd
 *    number (IOSQE_FIXED_FILE);
 *  - completions in batches: one io_uring_submit_and_wait(1) (one enter),
 *    then every CQE there, then one io_uring_cq_advance.
 * Only the benchmark links liburing; it is built when liburing is found.
 *
 *   echo_liburing_tuned [-p port] [-l len] [-S] [-b buf_size] [-n nbufs]
 *
 * Runs until SIGTERM / SIGINT, then prints one line:
 *
 *   server=liburing_tuned bytes=B rt=R waits=.. completions=.. enobufs=.. user_us=U sys_us=S vcsw=.. ivcsw=.. sc_...=..
 */
#include <liburing.h>
#include <netinet/tcp.h>

#include "bench_common.h"

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

#define BGID 0

static struct io_uring ring;
static struct io_uring_buf_ring *br;
static unsigned char *buf_base;
static struct send_ctx *sends;
static unsigned buf_size = 32768, nbufs = 512;
static unsigned sq_depth = 1024, cq_depth = 8192, file_slots;
static int use_fixed;
static uint64_t bytes_echoed, n_wait, n_cqe, n_enobufs;
static enum kind accept_tag = K_ACCEPT;

static void fail(const char *what, int err)
{
	fprintf(stderr, "%s: %s\n", what, strerror(err < 0 ? -err : err));
	exit(1);
}

/* An SQE, submitting first when the SQ is full (as TUNED_QUEUE does). */
static struct io_uring_sqe *sqe_get(void)
{
	struct io_uring_sqe *sqe;
	while (!(sqe = io_uring_get_sqe(&ring)))
		io_uring_submit(&ring);
	return sqe;
}

static void buf_recycle(unsigned bid)
{
	io_uring_buf_ring_add(br, buf_base + (size_t)bid * buf_size, buf_size, (unsigned short)bid,
			      io_uring_buf_ring_mask(nbufs), 0);
	io_uring_buf_ring_advance(br, 1);
}

static void setup_buf_ring(void)
{
	size_t ring_bytes = nbufs * sizeof(struct io_uring_buf);
	void *mem;
	if (posix_memalign(&mem, 4096, ring_bytes) || posix_memalign((void **)&buf_base, 4096,
								      (size_t)nbufs * buf_size))
		fail("posix_memalign", ENOMEM);
	br = mem;
	io_uring_buf_ring_init(br);
	struct io_uring_buf_reg reg = { .ring_addr = (uint64_t)(uintptr_t)br, .ring_entries = nbufs,
					.bgid = BGID };
	int r = io_uring_register_buf_ring(&ring, &reg, 0);
	if (r < 0)
		fail("io_uring_register_buf_ring", r);
	for (unsigned b = 0; b < nbufs; b++)
		io_uring_buf_ring_add(br, buf_base + (size_t)b * buf_size, buf_size, (unsigned short)b,
				      io_uring_buf_ring_mask(nbufs), (int)b);
	io_uring_buf_ring_advance(br, (int)nbufs);
}

static void setup_ring(void)
{
	struct io_uring_params p = { .flags = IORING_SETUP_SINGLE_ISSUER | IORING_SETUP_DEFER_TASKRUN |
					      IORING_SETUP_CQSIZE,
				     .cq_entries = cq_depth };
	int r = io_uring_queue_init_params(sq_depth, &ring, &p);
	if (r == -EINVAL) {
		/* before 6.1: cooperative task running is the nearest */
		p = (struct io_uring_params){ .flags = IORING_SETUP_COOP_TASKRUN | IORING_SETUP_CQSIZE,
					      .cq_entries = cq_depth };
		r = io_uring_queue_init_params(sq_depth, &ring, &p);
	}
	if (r < 0)
		fail("io_uring_queue_init_params", r);
	if (io_uring_register_ring_fd(&ring) < 0)
		fprintf(stderr, "registered ring fd unavailable: plain fd\n");
	/* A sparse table as large as the fd limit allows (up to 65536 slots). */
	struct rlimit rl;
	getrlimit(RLIMIT_NOFILE, &rl);
	file_slots = rl.rlim_cur < 65536 ? (unsigned)rl.rlim_cur : 65536u;
	r = io_uring_register_files_sparse(&ring, file_slots);
	use_fixed = r == 0;
	if (!use_fixed)
		fprintf(stderr, "registered files unavailable (%s): plain fds\n", strerror(-r));
}

static int file_add(int fd)
{
	if (!use_fixed || (unsigned)fd >= file_slots)
		return 0;
	return io_uring_register_files_update(&ring, (unsigned)fd, &fd, 1) == 1;
}

static void file_del(int fd)
{
	int none = -1;
	if (use_fixed && (unsigned)fd < file_slots)
		io_uring_register_files_update(&ring, (unsigned)fd, &none, 1);
}

static void arm_accept(int lfd)
{
	struct io_uring_sqe *sqe = sqe_get();
	io_uring_prep_multishot_accept(sqe, lfd, NULL, NULL, SOCK_CLOEXEC);
	io_uring_sqe_set_data(sqe, &accept_tag);
}

static void arm_recv(struct conn *c)
{
	struct io_uring_sqe *sqe = sqe_get();
	io_uring_prep_recv_multishot(sqe, c->fd, NULL, 0, 0);
	sqe->flags |= IOSQE_BUFFER_SELECT | (c->fixed ? IOSQE_FIXED_FILE : 0);
	sqe->buf_group = BGID;
	io_uring_sqe_set_data(sqe, c);
	c->recv_armed = 1;
}

static void send_bid(struct conn *c, int bid)
{
	struct send_ctx *s = &sends[bid];
	struct io_uring_sqe *sqe = sqe_get();
	io_uring_prep_send(sqe, c->fd, buf_base + (size_t)bid * buf_size + s->off, s->len - s->off, 0);
	if (c->fixed)
		sqe->flags |= IOSQE_FIXED_FILE;
	io_uring_sqe_set_data(sqe, s);
	c->sending = bid;
}

static void conn_maybe_close(struct conn *c)
{
	if (c->recv_armed || c->sending >= 0)
		return;
	if (c->fixed)
		file_del(c->fd);
	close(c->fd);
	free(c);
}

static void on_accept(const struct io_uring_cqe *cqe, int lfd)
{
	if (cqe->res >= 0) {
		int fd = cqe->res, one = 1;
		setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
		struct conn *c = calloc(1, sizeof(*c));
		if (!c)
			fail("calloc", ENOMEM);
		*c = (struct conn){ .kind = K_CONN, .fd = fd, .sending = -1, .q_head = -1, .q_tail = -1 };
		c->fixed = file_add(fd);
		arm_recv(c);
	}
	if (cqe->res == -EINVAL || cqe->res == -EOPNOTSUPP)
		fail("multishot accept (5.19)", cqe->res);   /* re-arming would spin */
	if (!(cqe->flags & IORING_CQE_F_MORE))
		arm_accept(lfd);
}

static void on_recv(const struct io_uring_cqe *cqe, struct conn *c)
{
	if (cqe->res > 0) {
		if (!(cqe->flags & IORING_CQE_F_BUFFER)) {
			fprintf(stderr, "recv without a buffer\n");
			exit(1);
		}
		int bid = (int)(cqe->flags >> IORING_CQE_BUFFER_SHIFT);
		if (c->dead) {
			buf_recycle((unsigned)bid);
		} else {
			sends[bid] = (struct send_ctx){ .kind = K_SEND, .c = c, .len = (unsigned)cqe->res,
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
	if (cqe->flags & IORING_CQE_F_MORE)
		return;
	c->recv_armed = 0;
	if (cqe->res == -ENOBUFS && !c->dead) {
		n_enobufs++;   /* the sends in flight give buffers back: arm again */
		arm_recv(c);
		return;
	}
	if (cqe->res > 0 && !c->dead) {
		arm_recv(c);   /* ended for another reason (CQ overflow): data kept */
		return;
	}
	conn_maybe_close(c);
}

static void on_send(const struct io_uring_cqe *cqe, struct send_ctx *s)
{
	struct conn *c = s->c;
	int bid = (int)(s - sends);
	if (cqe->res < 0) {
		/* The peer is gone: drop this buffer and everything queued. */
		c->dead = 1;
		buf_recycle((unsigned)bid);
		for (int b = c->q_head; b >= 0; b = sends[b].next)
			buf_recycle((unsigned)b);
		c->q_head = c->q_tail = -1;
		c->sending = -1;
		conn_maybe_close(c);
		return;
	}
	bytes_echoed += (uint64_t)cqe->res;
	s->off += (unsigned)cqe->res;
	if (s->off < s->len) {
		send_bid(c, bid);   /* short send: the rest first, order kept */
		return;
	}
	buf_recycle((unsigned)bid);
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
	while ((opt = getopt(argc, argv, "p:l:Sb:n:q:c:")) != -1) {
		switch (opt) {
		case 'p': port = (int)bench_arg_long(optarg, "port"); break;
		case 'l': msg_len = bench_arg_long(optarg, "len"); break;
		case 'S': count_sc = 1; break;
		case 'b': buf_size = (unsigned)bench_arg_long(optarg, "buf_size"); break;
		case 'n': nbufs = (unsigned)bench_arg_long(optarg, "nbufs"); break;
		case 'q': sq_depth = (unsigned)bench_arg_long(optarg, "sq depth"); break;
		case 'c': cq_depth = (unsigned)bench_arg_long(optarg, "cq depth"); break;
		default:
			fprintf(stderr, "usage: %s [-p port] [-l len] [-S] [-b buf_size] [-n nbufs] [-q sq] [-c cq]\n",
				argv[0]);
			return 2;
		}
	}
	if (nbufs == 0 || nbufs > 32768 || (nbufs & (nbufs - 1)) || buf_size == 0) {
		fprintf(stderr, "nbufs must be a power of two up to 32768, buf_size > 0\n");
		return 2;
	}
	bench_install_stop();
	bench_raise_nofile();
	if (count_sc)
		bench_sc_open();

	int lfd = bench_listen(port, 0);
	setup_ring();
	setup_buf_ring();
	sends = calloc(nbufs, sizeof(*sends));
	if (!sends)
		fail("calloc", ENOMEM);
	arm_accept(lfd);

	bench_mark_rss_base();
	while (!bench_stop) {
		int r = io_uring_submit_and_wait(&ring, 1);
		n_wait++;
		if (r < 0 && r != -EINTR)
			fail("io_uring_submit_and_wait", r);
		struct io_uring_cqe *cqe;
		unsigned head, seen = 0;
		io_uring_for_each_cqe(&ring, head, cqe) {
			seen++;
			switch (*(const enum kind *)io_uring_cqe_get_data(cqe)) {
			case K_ACCEPT: on_accept(cqe, lfd); break;
			case K_CONN: on_recv(cqe, io_uring_cqe_get_data(cqe)); break;
			case K_SEND: on_send(cqe, io_uring_cqe_get_data(cqe)); break;
			}
		}
		io_uring_cq_advance(&ring, seen);
		n_cqe += seen;
	}

	printf("server=liburing_tuned bytes=%llu rt=%llu waits=%llu completions=%llu enobufs=%llu "
	       "fixed_files=%d",
	       (unsigned long long)bytes_echoed,
	       (unsigned long long)(msg_len ? bytes_echoed / (uint64_t)msg_len : 0),
	       (unsigned long long)n_wait, (unsigned long long)n_cqe, (unsigned long long)n_enobufs,
	       use_fixed);
	bench_print_rusage(stdout);
	bench_sc_print(stdout);
	printf("\n");
	/* The accept and recvs are still armed: the process exit ends them. */
	return 0;
}
