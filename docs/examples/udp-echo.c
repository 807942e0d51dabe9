/* SPDX-License-Identifier: ISC */
/*
 * Needs: Linux 6.0+ (multishot recvmsg over a provided-buffer ring), and
 * POSIX.1-2008 declarations (sigset_t calls), asked for below.
 *
 * udp-echo: a UDP echo server on one curing ring.
 *
 *   udp-echo [-b NBUFS] PORT      (PORT 0: an ephemeral port)
 *
 * Prints the port it listens on (127.0.0.1) as its first line and sends
 * every datagram back to the address it came from.  On SIGINT or SIGTERM
 * it cancels its receive, lets the replies in flight finish and exits 0,
 * after a line with how many datagrams it echoed and how often the receive
 * ran out of buffers.
 *
 * What it shows:
 *  - one multishot recvmsg job for every datagram from every source, each
 *    landing in a buffer of a provided-buffer ring with its source address
 *    (uring_recv_msg_multishot, uring_recv_msg_parse);
 *  - the reply is sent from that buffer itself with the source as its
 *    destination (uring_send_msg), and the buffer goes back to the ring
 *    once the send is done;
 *  - -b: the number of buffers (64); when the receive runs out of them
 *    (-ENOBUFS) it is armed again as soon as a send gives one back: the
 *    datagrams that arrived meanwhile wait in the socket, none is lost;
 *  - signals as completions: SIGINT is read from a signalfd by the ring.
 */
#define _POSIX_C_SOURCE 200809L
#include <arpa/inet.h>
#include <errno.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <unistd.h>

#include "uring.h"

#define BUF_SIZE  2048
#define BUF_GROUP 0
#define NBUFS_MAX 4096

enum kind { K_RECV, K_SEND, K_SIGNAL, K_CANCEL };

struct send {                /* the data of a reply: which buffer it is sent from */
	enum kind kind;
	unsigned bid;
};

static uring *ring;
static uring_buf_ring *br;
static int sock;
static unsigned nbufs = 64;
static struct send sends[NBUFS_MAX];
static uring_job recv_job;   /* the armed receive, or 0 */
static unsigned lent;        /* buffers out of the ring: datagrams being echoed */
static int starved;          /* the receive ended with -ENOBUFS: arm after a send */
static int stopping;
static unsigned long echoed, starvations;
static enum kind recv_tag = K_RECV, signal_tag = K_SIGNAL, cancel_tag = K_CANCEL;
static struct signalfd_siginfo siginfo;
/* Only the source address is wanted: no control messages. */
static const struct msghdr tmpl = { .msg_namelen = sizeof(struct sockaddr_storage) };

static void die(const char *what, int err)
{
	fprintf(stderr, "udp-echo: %s: %s\n", what, strerror(err));
	exit(1);
}

static void arm_recv(void)
{
	uring_job j = uring_recv_msg_multishot(ring, sock, br, &tmpl, 0, &recv_tag);
	if (j <= 0)
		die("uring_recv_msg_multishot", j == -EOPNOTSUPP ? EOPNOTSUPP : (int)-j);
	recv_job = j;
	starved = 0;
}

static void recycle(unsigned bid)
{
	if (uring_buf_ring_recycle(br, bid) < 0)
		die("uring_buf_ring_recycle", EINVAL);
	lent--;
	if (starved && !stopping)
		arm_recv();
}

/* One datagram: sent back from its own buffer to its source. */
static void on_datagram(const uring_completion *c)
{
	unsigned bid = (unsigned)uring_completion_buffer_id(c);
	lent++;
	uring_recv_msg_parts m;
	if (uring_recv_msg_parse(br, &tmpl, c, &m) < 0 || (m.flags & MSG_TRUNC) || !m.name) {
		recycle(bid);   /* cut to the buffer, or no source: not echoed */
		return;
	}
	struct iovec iov = { (void *)m.payload, m.payload_len };
	sends[bid] = (struct send){ K_SEND, bid };
	if (uring_send_msg(ring, sock, &iov, 1, NULL, 0, m.name, m.name_len, &sends[bid]) <= 0)
		die("uring_send_msg", EAGAIN);
}

/* The receive's completions: a datagram while F_MORE is set; else its end. */
static void on_recv(const uring_completion *c)
{
	if (c->result >= 0 && uring_completion_buffer_id(c) >= 0)
		on_datagram(c);
	if (c->flags & URING_CQE_F_MORE)
		return;
	recv_job = 0;
	if (stopping)
		return;
	if (c->result == -ENOBUFS) {
		starvations++;
		/* Armed again by the next recycle; at once if a recycle came
		 * between the kernel finding the ring empty and this. */
		if (lent < nbufs)
			arm_recv();
		else
			starved = 1;
	} else if (c->result < 0) {
		die("receive", -c->result);
	} else {
		arm_recv();
	}
}

static void stop(void)
{
	stopping = 1;
	if (recv_job && uring_cancel(ring, recv_job, &cancel_tag) <= 0)
		die("uring_cancel", EAGAIN);
}

static void dispatch(const uring_completion *c)
{
	enum kind k = *(const enum kind *)c->data;
	switch (k) {
	case K_RECV:
		on_recv(c);
		break;
	case K_SEND:
		if (c->result < 0 && c->result != -ECONNREFUSED)
			fprintf(stderr, "udp-echo: reply: %s\n", strerror(-c->result));
		echoed += c->result >= 0;
		recycle(((const struct send *)c->data)->bid);
		break;
	case K_SIGNAL:
		stop();
		break;
	case K_CANCEL:
		break;
	}
}

static int bind_socket(unsigned port)
{
	int fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd < 0)
		die("socket", errno);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	a.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	socklen_t len = sizeof(a);
	if (bind(fd, (struct sockaddr *)&a, sizeof(a)) < 0 ||
	    getsockname(fd, (struct sockaddr *)&a, &len) < 0)
		die("bind", errno);
	printf("%u\n", ntohs(a.sin_port));
	fflush(stdout);
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

static unsigned parse_args(int argc, char **argv)
{
	int i = 1;
	if (argc > 2 && strcmp(argv[1], "-b") == 0) {
		nbufs = (unsigned)strtoul(argv[2], NULL, 10);
		i = 3;
	}
	if (argc != i + 1 || nbufs == 0 || nbufs > NBUFS_MAX || (nbufs & (nbufs - 1))) {
		fprintf(stderr, "usage: udp-echo [-b NBUFS (a power of two <= %d)] PORT\n", NBUFS_MAX);
		exit(2);
	}
	return (unsigned)strtoul(argv[i], NULL, 10);
}

int main(int argc, char **argv)
{
	unsigned port = parse_args(argc, argv);
	ring = uring_create(64, NULL);
	if (!ring)
		die("uring_create", errno);
	if (!uring_feature_supported(ring, URING_FEATURE_RECV_MULTISHOT)) {
		fprintf(stderr, "udp-echo: multishot recvmsg needs Linux 6.0\n");
		return 3;
	}
	br = uring_buf_ring_create(ring, BUF_GROUP, nbufs, BUF_SIZE);
	if (!br)
		die("uring_buf_ring_create", errno);
	int sfd = signal_fd();
	sock = bind_socket(port);
	if (uring_read(ring, sfd, &siginfo, sizeof(siginfo), -1, &signal_tag) <= 0)
		die("uring_read", EAGAIN);
	arm_recv();
	while (!stopping || uring_active_ops(ring) > 0) {
		uring_completion c;
		int n = uring_wait(ring, &c);
		if (n < 0)
			die("uring_wait", -n);
		if (n == 1)
			dispatch(&c);
	}
	printf("echoed %lu datagrams, %lu starvations\n", echoed, starvations);
	close(sock);
	close(sfd);
	return uring_exit(ring) == 0 ? 0 : 1;
}
