/* SPDX-License-Identifier: ISC */
/*
 * docs/examples/udp-echo, run as a program: 8 sources send 400 datagrams
 * each, every reply reaches the source it echoes and no other, few
 * buffers included; SIGINT then ends it with status 0.
 * argv[1]: the server binary.
 */
#include "example_helpers.h"
#include "net_helpers.h"

#include <poll.h>
#include <sys/wait.h>

static const char *server_path;

struct server {
	pid_t pid;
	FILE *out;
	uint16_t port;
};

/* The server with -b nbufs, or the test skipped where the kernel lacks
 * multishot recvmsg (the server says so and exits 3). */
static struct server server_start(const char *nbufs)
{
	uring *t = ring_or_skip(2, NULL);
	REQUIRE_FEATURE(t, RECV_MULTISHOT, "6.0");
	uring_exit(t);
	const char *argv[] = { server_path, "-b", nbufs, "0", NULL };
	struct server s = { 0 };
	s.out = example_start(argv, NULL, &s.pid);
	unsigned port = 0;
	if (fscanf(s.out, "%u", &port) != 1)
		fail_msg("no port line from %s", server_path);
	assert_true(port > 0 && port < 65536);
	s.port = (uint16_t)port;
	return s;
}

/* SIGINT: exit status 0 and the count of datagrams it echoed. */
static unsigned long server_stop(struct server *s)
{
	example_interrupt(s->pid);
	unsigned long echoed = 0, starved = 0;
	assert_int_equal(fscanf(s->out, " echoed %lu datagrams, %lu starvations", &echoed, &starved), 2);
	fclose(s->out);
	fprintf(stderr, "udp-echo: %lu datagrams echoed, %lu starvations\n", echoed, starved);
	return echoed;
}

enum { SOURCES = 8, ROUNDS = 40, WINDOW = 10 };

static int recv_timed(int fd, char *buf, size_t len)
{
	struct pollfd p = { .fd = fd, .events = POLLIN };
	if (poll(&p, 1, 5000) != 1)
		fail_msg("no reply within 5 s");
	return (int)recv(fd, buf, len, 0);
}

/* Each round: every source sends WINDOW datagrams naming itself, then
 * reads WINDOW replies, each of which must be one of its own, once. */
static void echo_from_many_sources(const char *nbufs)
{
	struct server s = server_start(nbufs);
	int cl[SOURCES];
	for (int k = 0; k < SOURCES; k++) {
		cl[k] = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
		assert_true(cl[k] >= 0);
		struct sockaddr_in a = loopback(0);
		assert_int_equal(bind(cl[k], (struct sockaddr *)&a, sizeof(a)), 0);
	}
	struct sockaddr_in to = loopback(s.port);
	static unsigned char seen[SOURCES][ROUNDS * WINDOW];
	memset(seen, 0, sizeof(seen));
	for (int r = 0; r < ROUNDS; r++) {
		for (int k = 0; k < SOURCES; k++)
			for (int i = 0; i < WINDOW; i++) {
				char msg[64];
				int n = snprintf(msg, sizeof(msg), "source %d seq %d", k, r * WINDOW + i);
				assert_int_equal(sendto(cl[k], msg, (size_t)n, 0, (struct sockaddr *)&to,
							sizeof(to)), n);
			}
		for (int k = 0; k < SOURCES; k++)
			for (int i = 0; i < WINDOW; i++) {
				char in[64] = { 0 };
				int n = recv_timed(cl[k], in, sizeof(in) - 1);
				int src = -1, seq = -1, used = 0;
				assert_int_equal(sscanf(in, "source %d seq %d%n", &src, &seq, &used), 2);
				assert_int_equal(used, n);                  /* exactly the datagram */
				assert_int_equal(src, k);                   /* its own source's */
				assert_true(seq >= r * WINDOW && seq < (r + 1) * WINDOW);
				assert_int_equal(seen[k][seq]++, 0);        /* once */
			}
	}
	assert_int_equal(server_stop(&s), SOURCES * ROUNDS * WINDOW);
	for (int k = 0; k < SOURCES; k++)
		close(cl[k]);
}

static void echo_with_plenty_of_buffers(void **state)
{
	(void)state;
	echo_from_many_sources("128");
}

/* 4 buffers for 80 datagrams in flight: the receive starves and is
 * armed again, and still every datagram comes back. */
static void echo_with_four_buffers(void **state)
{
	(void)state;
	echo_from_many_sources("4");
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: %s UDP_ECHO_BINARY\n", argv[0]);
		return 2;
	}
	server_path = argv[1];
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(echo_with_plenty_of_buffers),
		cmocka_unit_test(echo_with_four_buffers),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
