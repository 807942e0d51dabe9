/* SPDX-License-Identifier: ISC */
/*
 * HTTP/1.1 keep-alive responder on epoll (level-triggered, non-blocking):
 * every request, whatever it asks, gets the same small response.
 *
 *   http_epoll [-p port] [-S]
 *
 * Runs until SIGTERM / SIGINT, then prints one line:
 *
 *   server=http_epoll requests=R epoll_wait=.. read=.. write=.. user_us=U sys_us=S vcsw=.. ivcsw=.. sc_...=..
 */
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <sys/epoll.h>
#include <sys/socket.h>

#include "bench_common.h"
#include "http_common.h"

struct conn {
	int fd;
	unsigned char state;     /* request matcher */
	size_t out_left;         /* response bytes not yet written */
	size_t out_pos;          /* offset in the response of the next byte */
};

static uint64_t n_epoll_wait, n_read, n_write, n_epoll_ctl, requests;

/* Writes what is owed; 1 when done, 0 when the socket is full, -1 on error. */
static int flush_out(struct conn *c)
{
	while (c->out_left) {
		size_t n = sizeof(http_responses) - c->out_pos;
		if (n > c->out_left)
			n = c->out_left;
		ssize_t w = write(c->fd, http_responses + c->out_pos, n);
		n_write++;
		if (w < 0)
			return errno == EAGAIN ? 0 : -1;
		c->out_left -= (size_t)w;
		c->out_pos = (c->out_pos + (size_t)w) % HTTP_RESPONSE_LEN;
	}
	return 1;
}

static void set_events(int ep, struct conn *c, uint32_t events)
{
	struct epoll_event ev = { .events = events, .data.ptr = c };
	epoll_ctl(ep, EPOLL_CTL_MOD, c->fd, &ev);
	n_epoll_ctl++;
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

	int lfd = bench_listen(port, SOCK_NONBLOCK);
	int one = 1;
	int ep = epoll_create1(EPOLL_CLOEXEC);
	struct epoll_event lev = { .events = EPOLLIN, .data.ptr = NULL };
	epoll_ctl(ep, EPOLL_CTL_ADD, lfd, &lev);
	static char buf[65536];
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
				int fd;
				while ((fd = accept4(lfd, NULL, NULL, SOCK_NONBLOCK | SOCK_CLOEXEC)) >= 0) {
					setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof(one));
					c = calloc(1, sizeof(*c));
					c->fd = fd;
					struct epoll_event ev = { .events = EPOLLIN, .data.ptr = c };
					epoll_ctl(ep, EPOLL_CTL_ADD, fd, &ev);
					n_epoll_ctl++;
				}
				continue;
			}
			int r;
			if (evs[k].events & EPOLLOUT) {
				r = flush_out(c);
				if (r == 1)
					set_events(ep, c, EPOLLIN);
			} else {
				ssize_t got = read(c->fd, buf, sizeof(buf));
				n_read++;
				if (got < 0 && errno == EAGAIN)
					continue;
				if (got <= 0) {
					r = -1;
				} else {
					unsigned done = http_count(&c->state, buf, (size_t)got);
					requests += done;
					c->out_left += (size_t)done * HTTP_RESPONSE_LEN;
					r = flush_out(c);
					if (r == 0)
						set_events(ep, c, EPOLLOUT);
				}
			}
			if (r < 0) {
				close(c->fd);
				free(c);
			}
		}
	}

	printf("server=http_epoll requests=%llu epoll_wait=%llu read=%llu "
	       "write=%llu epoll_ctl=%llu",
	       (unsigned long long)requests,
	       (unsigned long long)n_epoll_wait,
	       (unsigned long long)n_read, (unsigned long long)n_write,
	       (unsigned long long)n_epoll_ctl);
	bench_print_rusage(stdout);
	bench_sc_print(stdout);
	printf("\n");
	return 0;
}
