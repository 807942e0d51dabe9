/* SPDX-License-Identifier: ISC */
/*
 * The epoll echo server, the baseline: level-triggered, non-blocking,
 * read then write back at once (frevib's and rust_echo_bench's design).
 *
 *   echo_epoll [-p port] [-l len] [-S]
 *
 * -l is the client's message length, used only to turn echoed bytes into
 * round trips in the report; -S opens the kernel syscall counters
 * (bench_common.h).  Runs until SIGTERM / SIGINT, then prints one line:
 *
 *   server=epoll bytes=B rt=R epoll_wait=.. read=.. write=.. user_us=U sys_us=S vcsw=.. ivcsw=.. sc_...=..
 *
 * The epoll_wait / read / write / accept / epoll_ctl figures are this
 * program's own counts of the calls it made.
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "bench_common.h"

/* Bytes read but not yet written back (the socket was full). */
struct conn {
	int fd;
	unsigned char *pend;
	size_t pend_off, pend_len, pend_cap;
};

static uint64_t n_epoll_wait, n_read, n_write, n_accept, n_epoll_ctl, n_close;
static uint64_t bytes_echoed;

static void conn_close(int ep, struct conn *c)
{
	(void)ep;   /* close removes the fd from the epoll set */
	close(c->fd);
	n_close++;
	free(c->pend);
	free(c);
}

static void set_events(int ep, struct conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
	n_epoll_ctl++;
}

/* Writes the pending bytes; 1 when all written, 0 when the socket is full, -1 on error. */
static int flush_pending(struct conn *c)
{
	while (c->pend_off < c->pend_len) {
		ssize_t w = write(c->fd, c->pend + c->pend_off, c->pend_len - c->pend_off);
		n_write++;
		if (w < 0)
			return errno == EAGAIN ? 0 : -1;
		c->pend_off += (size_t)w;
		bytes_echoed += (uint64_t)w;
	}
	c->pend_off = c->pend_len = 0;
	return 1;
}

static void keep_rest(struct conn *c, const unsigned char *p, size_t n)
{
	if (n > c->pend_cap) {
		unsigned char *np = realloc(c->pend, n);
		if (!np) {
			perror("realloc");
			exit(1);
		}
		c->pend = np;
		c->pend_cap = n;
	}
	memcpy(c->pend, p, n);
	c->pend_off = 0;
	c->pend_len = n;
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

	static unsigned char buf[65536];
	int lfd = bench_listen(port, SOCK_NONBLOCK);
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event lev = { .events = EPOLLIN, .data.ptr = NULL };
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev);
	struct epoll_event evs[512];

	bench_mark_rss_base();
	while (!bench_stop) {
		int n = epoll_wait(ep, evs, 512, -1);
		n_epoll_wait++;
		if (n < 0) {
			if (errno == EINTR)
				continue;
			perror("epoll_wait");
			return 1;
		}
		for (int k = 0; k < n; k++) {
			struct conn *c = evs[k].data.ptr;
			if (!c) {
				for (;;) {
					int fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC);
					n_accept++;
					if (fd < 0)
						break;
					int one = 1;
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					c = calloc(1, sizeof(*c));
					c->fd = fd;
					struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
					n_epoll_ctl++;
				}
				continue;
			}
			if (evs[k].events & EPOLLOUT) {
				int r = flush_pending(c);
				if (r < 0) {
					conn_close(ep, c);
					continue;
				}
				if (r == 1)
					set_events(ep, c, EPOLLIN);
				continue;
			}
			ssize_t r = read(c->fd, buf, sizeof(buf));
			n_read++;
			if (r <= 0) {
				if (r < 0 && errno == EAGAIN)
					continue;
				conn_close(ep, c);
				continue;
			}
			ssize_t w = write(c->fd, buf, (size_t)r);
			n_write++;
			if (w < 0) {
				if (errno != EAGAIN) {
					conn_close(ep, c);
					continue;
				}
				w = 0;
			}
			bytes_echoed += (uint64_t)w;
			if (w < r) {
				/* Socket full: stop reading until the rest is out. */
				keep_rest(c, buf + w, (size_t)(r - w));
				set_events(ep, c, EPOLLOUT);
			}
		}
	}

	printf("server=epoll bytes=%llu rt=%llu epoll_wait=%llu read=%llu "
	       "write=%llu accept=%llu epoll_ctl=%llu close=%llu",
	       (unsigned long long)bytes_echoed,
	       (unsigned long long)(msg_len ? bytes_echoed / (uint64_t)msg_len : 0),
	       (unsigned long long)n_epoll_wait, (unsigned long long)n_read,
	       (unsigned long long)n_write, (unsigned long long)n_accept,
	       (unsigned long long)n_epoll_ctl, (unsigned long long)n_close);
	bench_print_rusage(stdout);
	bench_sc_print(stdout);
	printf("\n");
	return 0;
}
