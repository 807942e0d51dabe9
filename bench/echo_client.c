/* SPDX-License-Identifier: ISC */
/*
 * The one echo client every echo server is measured with.
 *
 *   echo_client [-h host] [-p port] [-n conns] [-P depth] [-l len] [-d secs] [-w warmup_ms]
 *
 * Opens n connections; on each keeps P messages of len bytes in flight
 * (pipelining: a new message is sent as soon as one has fully come back);
 * checks every echoed byte against the connection's pattern stream; after
 * a warm-up, counts the messages that came back within d seconds.  One
 * thread, epoll, level-triggered: its cost per round trip is the same
 * whatever server it talks to.  Prints one line:
 *
 *   client conns=N depth=P len=L secs=S rt=R rt_per_s=X errors=0
 *
 * and exits 1 if any byte differed or a connection broke early.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "bench_common.h"

struct conn {
	int fd;
	unsigned id;
	uint64_t sent;        /* bytes written */
	uint64_t target;      /* bytes that may be written: (returned messages + P) * L */
	uint64_t recvd;       /* bytes read back and checked */
	int want_out;         /* EPOLLOUT armed */
};

static int opt_conns = 1, opt_depth = 1, opt_len = 64;
static double opt_secs = 2.0;
static long opt_warmup_ms = 200;

static int connect_one(const struct sockaddr_in *sa)
{
	/* The server may still be starting: retry refused connects for 3 s. */
	uint64_t deadline = bench_now_ns() + 3000000000u;
	for (;;) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			perror("socket");
			exit(1);
		}
		if (connect(fd, (const struct sockaddr *)sa, sizeof(*sa)) == 0) {
			int one = 1;
			setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
			fcntl(fd, F_SETFL, O_NONBLOCK);
			return fd;
		}
		int e = errno;
		close(fd);
		if ((e != ECONNREFUSED && e != EAGAIN) || bench_now_ns() > deadline) {
			fprintf(stderr, "connect: %s\n", strerror(e));
			exit(1);
		}
		usleep(10000);
	}
}

static void set_out(int ep, struct conn *c, int on)
{
	if (c->want_out == on)
		return;
	struct epoll_event ev = { .events = EPOLLIN | (on ? EPOLLOUT : 0), .data.ptr = c };
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
	c->want_out = on;
}

/* Writes what the window allows; arms EPOLLOUT only on a full socket. */
static int pump_out(int ep, struct conn *c)
{
	while (c->sent < c->target) {
		uint64_t n = c->target - c->sent;
		ssize_t w = write(c->fd, bench_pat_at(c->id, c->sent), n);
		if (w < 0) {
			if (errno == EAGAIN) {
				set_out(ep, c, 1);
				return 0;
			}
			if (errno == EINTR)
				continue;
			return -1;
		}
		c->sent += (uint64_t)w;
	}
	set_out(ep, c, 0);
	return 0;
}

int main(int argc, char **argv)
{
	const char *host = "127.0.0.1";
	int port = 7000, opt;
	while ((opt = getopt(argc, argv, "h:p:n:P:l:d:w:")) != -1) {
		switch (opt) {
		case 'h': host = optarg; break;
		case 'p': port = (int)bench_arg_long(optarg, "port"); break;
		case 'n': opt_conns = (int)bench_arg_long(optarg, "conns"); break;
		case 'P': opt_depth = (int)bench_arg_long(optarg, "depth"); break;
		case 'l': opt_len = (int)bench_arg_long(optarg, "len"); break;
		case 'd': opt_secs = atof(optarg); break;
		case 'w': opt_warmup_ms = bench_arg_long(optarg, "warmup"); break;
		default:
			fprintf(stderr, "usage: %s [-h host] [-p port] [-n conns] [-P depth] [-l len] "
					"[-d secs] [-w warmup_ms]\n", argv[0]);
			return 2;
		}
	}
	if (opt_conns < 1 || opt_depth < 1 || opt_len < 1 ||
	    (uint64_t)opt_depth * (uint64_t)opt_len > BENCH_PAT_LEN || opt_secs <= 0) {
		fprintf(stderr, "need conns >= 1, depth >= 1, len >= 1, depth*len <= %u, secs > 0\n",
			BENCH_PAT_LEN);
		return 2;
	}
	bench_raise_nofile();
	bench_pat_init();
	signal(SIGPIPE, SIG_IGN);

	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	if (inet_pton(AF_INET, host, &sa.sin_addr) != 1) {
		fprintf(stderr, "bad host %s\n", host);
		return 2;
	}
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct conn *conns = calloc((size_t)opt_conns, sizeof(*conns));
	size_t rbuf_len = 65536;
	unsigned char *rbuf = malloc(rbuf_len);
	if (ep < 0 || !conns || !rbuf) {
		perror("setup");
		return 1;
	}
	for (int i = 0; i < opt_conns; i++) {
		struct conn *c = &conns[i];
		c->fd = connect_one(&sa);
		c->id = (unsigned)i;
		c->target = (uint64_t)opt_depth * (uint64_t)opt_len;
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
		epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
	}
	for (int i = 0; i < opt_conns; i++)
		if (pump_out(ep, &conns[i]) < 0) {
			perror("write");
			return 1;
		}

	uint64_t t0 = bench_now_ns();
	uint64_t t_start = t0 + (uint64_t)opt_warmup_ms * 1000000u;
	uint64_t t_end = t_start + (uint64_t)(opt_secs * 1e9);
	uint64_t msgs = 0, msgs_at_start = 0;
	int started = 0, errors = 0;
	int max_ev = opt_conns < 1024 ? opt_conns : 1024;
	struct epoll_event *evs = calloc((size_t)max_ev, sizeof(*evs));
	const uint64_t len = (uint64_t)opt_len, window = (uint64_t)opt_depth * len;

	for (;;) {
		uint64_t now = bench_now_ns();
		if (!started && now >= t_start) {
			started = 1;
			msgs_at_start = msgs;
			t_start = now;
			t_end = now + (uint64_t)(opt_secs * 1e9);
		}
		if (started && now >= t_end)
			break;
		int timeout_ms = (int)(((started ? t_end : t_start) - now) / 1000000u) + 1;
		int n = epoll_wait(ep, evs, max_ev, timeout_ms);
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("epoll_wait");
			return 1;
		}
		for (int k = 0; k < n; k++) {
			struct conn *c = evs[k].data.ptr;
			if (evs[k].events & EPOLLIN) {
				ssize_t r = read(c->fd, rbuf, rbuf_len);
				if (r <= 0) {
					if (r < 0 && (errno == EAGAIN || errno == EINTR))
						continue;
					fprintf(stderr, "connection %u: %s\n", c->id,
						r == 0 ? "closed by the server" : strerror(errno));
					return 1;
				}
				if (c->recvd + (uint64_t)r > c->sent ||
				    memcmp(rbuf, bench_pat_at(c->id, c->recvd), (size_t)r) != 0) {
					errors++;
					fprintf(stderr, "connection %u: wrong bytes at offset %llu\n",
						c->id, (unsigned long long)c->recvd);
					return 1;
				}
				uint64_t before = c->recvd / len;
				c->recvd += (uint64_t)r;
				uint64_t done = c->recvd / len;
				if (done != before) {
					msgs += done - before;
					c->target = done * len + window;
				}
			}
			if (pump_out(ep, c) < 0) {
				fprintf(stderr, "connection %u: write: %s\n", c->id, strerror(errno));
				return 1;
			}
		}
	}
	uint64_t t_stop = bench_now_ns();
	double secs = (double)(t_stop - t_start) / 1e9;
	uint64_t rt = msgs - msgs_at_start;
	printf("client conns=%d depth=%d len=%d secs=%.3f rt=%llu rt_per_s=%.1f errors=%d\n",
	       opt_conns, opt_depth, opt_len, secs, (unsigned long long)rt, (double)rt / secs, errors);
	fflush(stdout);
	for (int i = 0; i < opt_conns; i++)
		close(conns[i].fd);
	free(evs);
	free(rbuf);
	free(conns);
	close(ep);
	return 0;
}
