/* SPDX-License-Identifier: ISC */
/*
 * The one echo client every echo server is measured with.
 *
 *   echo_client [-h host] [-p port] [-n conns] [-P depth] [-l len] [-d secs] [-w warmup_ms]
 *               [-r rate] [-s sources]
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
 * With -r, latency mode (latency.h): rate messages per second across all
 * connections on a fixed schedule instead of as fast as the window allows
 * (-P is ignored), and the line adds the round-trip percentiles:
 *
 *   client mode=rate conns=N len=L rate=R secs=S rt=.. rt_per_s=.. p50_us=.. p99_us=.. p999_us=.. ...
 *
 * -s spreads the connections over that many source addresses (127.0.0.2..),
 * for thousands of connections.  Exits 1 if any byte differed or a
 * connection broke early.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/prctl.h>
#include <sys/socket.h>

#include "bench_common.h"
#include "latency.h"

struct conn {
	int fd;
	unsigned id;
	uint64_t sent;        /* bytes written */
	uint64_t target;      /* bytes that may be written: (returned messages + P) * L */
	uint64_t recvd;       /* bytes read back and checked */
	int want_out;         /* EPOLLOUT armed */
	struct lat_fifo *due; /* latency mode: the scheduled send times in flight */
};

static int opt_conns = 1, opt_depth = 1, opt_len = 64, opt_sources = 1;
static double opt_secs = 2.0, opt_rate;
static long opt_warmup_ms = 200;

/* Connection i binds to source address 127.0.0.(2 + i mod -s): one source
 * has about 28,000 ephemeral ports to a given server port, and runs one
 * after another leave theirs in TIME_WAIT. */
static void bind_source(int fd, int i)
{
	if (opt_sources <= 1)
		return;
	struct sockaddr_in src = { .sin_family = AF_INET,
				   .sin_addr.s_addr = htonl(0x7f000002u + (uint32_t)(i % opt_sources)) };
	if (bind(fd, (const struct sockaddr *)&src, sizeof(src)) < 0) {
		perror("bind source");
		exit(1);
	}
}

static int connect_one(const struct sockaddr_in *sa, int i)
{
	/* The server may still be starting: retry refused connects for 3 s. */
	uint64_t deadline = bench_now_ns() + 3000000000u;
	for (;;) {
		int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (fd < 0) {
			perror("socket");
			exit(1);
		}
		bind_source(fd, i);
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
		if (n > BENCH_PAT_LEN)
			n = BENCH_PAT_LEN;   /* the pattern is contiguous for this much */
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

/* Reads what c has; checks it against the pattern.  Returns the messages
 * this read completed (0 also when there was nothing), or -1 when the
 * connection broke or a byte differed (reported). */
static int64_t read_back(struct conn *c, unsigned char *rbuf, size_t rbuf_len)
{
	ssize_t r = read(c->fd, rbuf, rbuf_len);
	if (r <= 0) {
		if (r < 0 && (errno == EAGAIN || errno == EINTR))
			return 0;
		fprintf(stderr, "connection %u: %s\n", c->id,
			r == 0 ? "closed by the server" : strerror(errno));
		return -1;
	}
	if (c->recvd + (uint64_t)r > c->sent ||
	    memcmp(rbuf, bench_pat_at(c->id, c->recvd), (size_t)r) != 0) {
		fprintf(stderr, "connection %u: wrong bytes at offset %llu\n", c->id,
			(unsigned long long)c->recvd);
		return -1;
	}
	uint64_t len = (uint64_t)opt_len, before = c->recvd / len;
	c->recvd += (uint64_t)r;
	return (int64_t)(c->recvd / len - before);
}

/*
 * Latency mode.  Message k (k = 0, 1, ...) is due at t0 + k / rate and goes
 * to connection k mod n.  Its latency is measured from that due time, not
 * from when the write happened: a client that measured from the write
 * would, whenever the server stalls, send late and so leave the stall's
 * worst cases out of its sample (coordinated omission).  Messages due
 * during the warm-up are sent but not counted; after the last due time
 * the loop waits up to a second for the replies still out.  Between due
 * times less than 2 ms apart the loop polls (epoll_wait with timeout 0)
 * rather than sleeps, so that a timer's slack is not added to every
 * sample; the client core is its own.
 */
static int run_rate(int ep, struct conn *conns, unsigned char *rbuf, size_t rbuf_len)
{
	const uint64_t len = (uint64_t)opt_len, n = (uint64_t)opt_conns;
	for (int i = 0; i < opt_conns; i++) {
		conns[i].due = lat_fifo_new();
		conns[i].target = 0;   /* nothing goes before its due time */
	}
	struct lat_samples smp = { 0 };
	prctl(PR_SET_TIMERSLACK, 1000UL);   /* wake within 1 µs of the due time, not 50 */
	uint64_t t0 = bench_now_ns();
	uint64_t t_start = t0 + (uint64_t)opt_warmup_ms * 1000000u;
	uint64_t t_end = t_start + (uint64_t)(opt_secs * 1e9);
	uint64_t k = 0, next = t0, missed = 0, late = 0, outstanding = 0;
	double period = 1e9 / opt_rate;
	int max_ev = opt_conns < 1024 ? opt_conns : 1024;
	struct epoll_event *evs = calloc((size_t)max_ev, sizeof(*evs));
	for (;;) {
		uint64_t now = bench_now_ns();
		/* Release every message now due, each to its connection. */
		while (next < t_end && next <= now) {
			struct conn *c = &conns[k % n];
			if (lat_fifo_push(c->due, next) < 0) {
				missed++;   /* this connection has LAT_FIFO messages out: overload */
			} else {
				outstanding++;
				late += now - next > LAT_LATE_NS;
				c->target += len;
				if (pump_out(ep, c) < 0) {
					fprintf(stderr, "connection %u: write: %s\n", c->id, strerror(errno));
					return 1;
				}
			}
			k++;
			next = t0 + (uint64_t)((double)k * period);
		}
		if (next >= t_end && (outstanding == 0 || now >= t_end + 1000000000u))
			break;
		uint64_t wake = next < t_end ? next : t_end + 1000000000u;
		uint64_t wait_ns = wake > now ? wake - now : 0;
		struct timespec ts = { .tv_sec = (time_t)(wait_ns / 1000000000u),
				       .tv_nsec = (long)(wait_ns % 1000000000u) };
		int m = epoll_pwait2(ep, evs, max_ev, &ts, NULL);
		if (m < 0 && errno != EINTR) {
			perror("epoll_wait");
			return 1;
		}
		uint64_t t_recv = bench_now_ns();
		for (int e = 0; e < m; e++) {
			struct conn *c = evs[e].data.ptr;
			if (evs[e].events & EPOLLIN) {
				int64_t got = read_back(c, rbuf, rbuf_len);
				if (got < 0)
					return 1;
				for (; got > 0; got--, outstanding--) {
					uint64_t due = lat_fifo_pop(c->due);
					if (due >= t_start)
						lat_add(&smp, t_recv - due);
				}
			}
			if (pump_out(ep, c) < 0) {
				fprintf(stderr, "connection %u: write: %s\n", c->id, strerror(errno));
				return 1;
			}
		}
	}
	double secs = (double)(t_end - t_start) / 1e9;
	printf("client mode=rate conns=%d len=%d rate=%.0f secs=%.3f rt=%zu rt_per_s=%.1f", opt_conns,
	       opt_len, opt_rate, secs, smp.n, (double)smp.n / secs);
	lat_print(&smp, stdout);
	printf(" lost=%llu missed=%llu late_sends=%llu errors=0\n", (unsigned long long)outstanding,
	       (unsigned long long)missed, (unsigned long long)late);
	return 0;
}

int main(int argc, char **argv)
{
	const char *host = "127.0.0.1";
	int port = 7000, opt;
	while ((opt = getopt(argc, argv, "h:p:n:P:l:d:w:r:s:")) != -1) {
		switch (opt) {
		case 'h': host = optarg; break;
		case 'p': port = (int)bench_arg_long(optarg, "port"); break;
		case 'n': opt_conns = (int)bench_arg_long(optarg, "conns"); break;
		case 'P': opt_depth = (int)bench_arg_long(optarg, "depth"); break;
		case 'l': opt_len = (int)bench_arg_long(optarg, "len"); break;
		case 'd': opt_secs = atof(optarg); break;
		case 'w': opt_warmup_ms = bench_arg_long(optarg, "warmup"); break;
		case 'r': opt_rate = (double)bench_arg_long(optarg, "rate"); break;
		case 's': opt_sources = (int)bench_arg_long(optarg, "sources"); break;
		default:
			fprintf(stderr, "usage: %s [-h host] [-p port] [-n conns] [-P depth] [-l len] "
					"[-d secs] [-w warmup_ms] [-r rate] [-s sources]\n", argv[0]);
			return 2;
		}
	}
	if (opt_rate > 0)
		opt_depth = 1;   /* the schedule, not a window, decides what is sent */
	if (opt_sources < 1 || opt_sources > 250) {
		fprintf(stderr, "need 1 <= sources <= 250\n");
		return 2;
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
		c->fd = connect_one(&sa, i);
		c->id = (unsigned)i;
		c->target = (uint64_t)opt_depth * (uint64_t)opt_len;
		struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
		epoll_ctl(ep, EPOLL_CTL_ADD, c->fd, &ev);
	}
	if (opt_rate > 0)
		return run_rate(ep, conns, rbuf, rbuf_len);
	for (int i = 0; i < opt_conns; i++)
		if (pump_out(ep, &conns[i]) < 0) {
			perror("write");
			return 1;
		}

	uint64_t t0 = bench_now_ns();
	uint64_t t_start = t0 + (uint64_t)opt_warmup_ms * 1000000u;
	uint64_t t_end = t_start + (uint64_t)(opt_secs * 1e9);
	uint64_t msgs = 0, msgs_at_start = 0;
	int started = 0, errors = 0;   /* a wrong byte exits at once: errors stays 0 */
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
				int64_t got = read_back(c, rbuf, rbuf_len);
				if (got < 0)
					return 1;
				if (got > 0) {
					msgs += (uint64_t)got;
					c->target = c->recvd / len * len + window;
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
