/* SPDX-License-Identifier: ISC */
/*
 * Runs docs/api.md's echo loop (section 8.2), which doc_fragments.py
 * extracts into ECHO_LOOP_SOURCE: a server process runs echo_loop() with
 * its 64 buffers; 16 clients each send 3 MiB in odd-sized pieces while
 * reading the echo, then close their sending side.  Each must get its
 * bytes back, in order, and then end of file: the loop closed the
 * connection after echoing everything.  16 clients on 64 buffers make
 * receives run out (-ENOBUFS) and sends come up short.
 */
#include <arpa/inet.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include ECHO_LOOP_SOURCE

#define CLIENTS 16
#define BYTES   (3u << 20)

static unsigned char pattern(size_t i, int id)
{
	return (unsigned char)(i * 7 + (size_t)id + i / 4093);
}

static int client(int port, int id)
{
	int s = socket(AF_INET, SOCK_STREAM, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) != 0)
		return 10;
	unsigned char *out = malloc(BYTES), *in = malloc(BYTES + 1);
	if (!out || !in)
		return 11;
	for (size_t i = 0; i < BYTES; i++)
		out[i] = pattern(i, id);
	pid_t writer = fork();
	if (writer == 0) {
		size_t piece = 1000 + (size_t)id * 37;
		for (size_t o = 0; o < BYTES;) {
			ssize_t r = send(s, out + o, BYTES - o < piece ? BYTES - o : piece, 0);
			if (r <= 0)
				_exit(1);
			o += (size_t)r;
		}
		shutdown(s, SHUT_WR);
		_exit(0);
	}
	size_t got = 0;
	ssize_t r;
	while (got <= BYTES && (r = recv(s, in + got, BYTES + 1 - got, 0)) > 0)
		got += (size_t)r;
	int status;
	waitpid(writer, &status, 0);
	if (got != BYTES) {
		fprintf(stderr, "client %d: %zu of %u bytes came back\n", id, got, BYTES);
		return 12;
	}
	if (memcmp(in, out, BYTES) != 0) {
		fprintf(stderr, "client %d: the echo differs from what was sent\n", id);
		return 13;
	}
	return WIFEXITED(status) && WEXITSTATUS(status) == 0 ? 0 : 14;
}

int main(void)
{
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t alen = sizeof(a);
	if (l < 0 || bind(l, (struct sockaddr *)&a, sizeof(a)) != 0 || listen(l, 64) != 0 ||
	    getsockname(l, (struct sockaddr *)&a, &alen) != 0) {
		perror("listener");
		return 1;
	}
	pid_t server = fork();
	if (server == 0) {
		uring *ring = uring_create(64, NULL);
		if (!ring)
			_exit(2);
		echo_loop(ring, l);
		_exit(3);   /* it returns only when waiting fails */
	}
	pid_t kids[CLIENTS];
	for (int i = 0; i < CLIENTS; i++)
		if ((kids[i] = fork()) == 0)
			_exit(client(ntohs(a.sin_port), i));
	int failed = 0;
	for (int i = 0; i < CLIENTS; i++) {
		int st;
		waitpid(kids[i], &st, 0);
		failed += !WIFEXITED(st) || WEXITSTATUS(st) != 0;
	}
	int st;
	if (waitpid(server, &st, WNOHANG) != 0) {
		fprintf(stderr, "the echo loop ended early\n");
		return 1;
	}
	kill(server, SIGKILL);
	waitpid(server, &st, 0);
	printf("echo loop: %d of %d clients got their %u bytes back, then end of file\n",
	       CLIENTS - failed, CLIENTS, BYTES);
	return failed != 0;
}
