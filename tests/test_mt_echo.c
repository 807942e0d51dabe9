/* SPDX-License-Identifier: ISC */
/*
 * docs/examples/mt-echo, run as a program: 200 concurrent clients, each
 * sending several messages, get every byte back in order from 4 worker
 * threads, each of which served its share; on every handover path the
 * kernel has (direct descriptors, msg_ring messages, pipes); SIGINT stops
 * it with exit status 0 and no fd leaked; bad usage exits 2.
 * argv[1]: the server binary.
 */
#include "example_helpers.h"
#include "net_helpers.h"

#include <poll.h>
#include <sys/wait.h>

static const char *server_path;
static pid_t running;   /* a server to kill should a test fail */

enum { WORKERS = 4, CLIENTS = 200, MESSAGES = 6, MAX_MSG = 2000 };

struct server {
	pid_t pid;
	FILE *out;               /* its stdout */
	uint16_t port;
	int base_fds;            /* its open fds before any client */
	char handover[128], receive[128];
};

/* Runs mt-echo with `args` (up to 4, NULL-terminated) and port 0; on
 * stdout it sends the port, then how it hands over and receives. */
static struct server server_start(const char *const *args)
{
	const char *argv[8] = { server_path };
	int n = 1;
	for (; args[n - 1]; n++)
		argv[n] = args[n - 1];
	argv[n] = "0";
	struct server s = { 0 };
	s.out = example_start(argv, NULL, &s.pid);
	running = s.pid;
	unsigned port = 0;
	if (fscanf(s.out, "%u handover: %127[^\n] receive: %127[^\n]", &port, s.handover, s.receive) != 3)
		fail_msg("no port and path lines from %s", server_path);
	assert_true(port > 0 && port < 65536);
	s.port = (uint16_t)port;
	s.base_fds = proc_fds(s.pid);
	printf("handover: %s; receive: %s\n", s.handover, s.receive);
	return s;
}

/* SIGINT, then its exit status and its report: each worker's count of
 * connections, which must add up to `clients`, in equal shares.  Returns
 * how many receives ran out of buffers. */
static unsigned long server_stop(struct server *s, unsigned clients)
{
	unsigned long starved = 0;
	example_interrupt(s->pid);
	running = 0;
	for (unsigned i = 0; i < WORKERS; i++) {
		unsigned index, served;
		unsigned long n;
		assert_int_equal(fscanf(s->out, " worker %u: %u connections, %lu starved receives",
					&index, &served, &n), 3);
		starved += n;
		assert_int_equal(index, i);
		assert_int_equal(served, clients / WORKERS);   /* handed out in turn */
	}
	int leaked = -1;
	assert_int_equal(fscanf(s->out, " leaked fds: %d", &leaked), 1);
	assert_int_equal(leaked, 0);
	fclose(s->out);
	return starved;
}

struct client {
	int fd;
	size_t sent, got;
	size_t end[MESSAGES];    /* where each message ends in out */
	unsigned char out[MESSAGES * MAX_MSG], in[MESSAGES * MAX_MSG];
};

static void client_init(struct client *c, int i, uint16_t port)
{
	c->fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(c->fd >= 0);
	struct sockaddr_in a = loopback(port);
	int r = connect(c->fd, (struct sockaddr *)&a, sizeof(a));
	assert_true(r == 0 || errno == EINPROGRESS);
	size_t at = 0;
	for (int k = 0; k < MESSAGES; k++) {
		at += 1 + (size_t)(i * 131 + k * 977) % MAX_MSG;
		c->end[k] = at;
	}
	for (size_t k = 0; k < at; k++)
		c->out[k] = (unsigned char)(i * 31 + k * 7 + k / 251);
}

/* A message goes out once the one before it has come back whole. */
static size_t may_send(const struct client *c)
{
	for (int k = 0; k < MESSAGES; k++)
		if (c->got < c->end[k])
			return c->end[k] - c->sent;
	return 0;
}

static void client_step(struct client *c, int i, short revents)
{
	size_t n = may_send(c);
	if ((revents & POLLOUT) && n > 0) {
		ssize_t w = send(c->fd, c->out + c->sent, n, MSG_NOSIGNAL);
		if (w > 0)
			c->sent += (size_t)w;
	}
	if (revents & (POLLIN | POLLHUP | POLLERR)) {
		ssize_t r = recv(c->fd, c->in + c->got, sizeof(c->in) - c->got, 0);
		if (r == 0)
			fail_msg("client %d: server closed after %zu bytes", i, c->got);
		if (r > 0) {
			if (c->got + (size_t)r > c->sent)
				fail_msg("client %d: %zu bytes back, %zu sent", i, c->got + (size_t)r, c->sent);
			/* every byte echoed in order */
			assert_memory_equal(c->in + c->got, c->out + c->got, (size_t)r);
			c->got += (size_t)r;
		}
	}
}

/* All clients at once, driven by poll. */
static void echo_all(struct client *cl, int n)
{
	static struct pollfd pfd[CLIENTS];
	/* Generous: the kernel matrix runs this under emulation. */
	uint64_t deadline = now_ns(CLOCK_MONOTONIC) + 150ull * 1000000000u;
	for (;;) {
		int live = 0;
		for (int i = 0; i < n; i++) {
			int done = cl[i].got == cl[i].end[MESSAGES - 1];
			pfd[i].fd = done ? -1 : cl[i].fd;
			pfd[i].events = POLLIN | (may_send(&cl[i]) > 0 ? POLLOUT : 0);
			live += !done;
		}
		if (!live)
			return;
		assert_true(now_ns(CLOCK_MONOTONIC) < deadline);
		assert_true(poll(pfd, (nfds_t)n, 1000) >= 0);
		for (int i = 0; i < n; i++)
			if (pfd[i].fd >= 0)
				client_step(&cl[i], i, pfd[i].revents);
	}
}

/* The best handover this kernel has, as mt-echo chooses it. */
static const char *best_handover(void)
{
	uring *t = uring_create(1, NULL);
	assert_non_null(t);
	const char *best = uring_op_supported(t, URING_OP_SEND_ZC) ? "direct"
		: uring_op_supported(t, URING_OP_MSG_RING) ? "message" : "pipe";
	uring_exit(t);
	return best;
}

static void skip_unless_kernel_has(const char *handover)
{
	const char *best = best_handover();
	if (strcmp(handover, "message") == 0 && strcmp(best, "pipe") == 0) {
		printf("skip: uring_msg_ring needs Linux 5.18\n");
		skip();
	}
	if (strcmp(handover, "direct") == 0 && strcmp(best, "direct") != 0) {
		printf("skip: uring_msg_ring_fd needs Linux 6.0\n");
		skip();
	}
}

/* `handover`: the path the server must say it takes; `receive`: likewise,
 * or NULL where it depends on the kernel. */
static unsigned long clients_get_their_bytes_back(const char *const *args, const char *handover,
						  const char *receive)
{
	struct server s = server_start(args);
	assert_true(strncmp(s.handover, handover, strlen(handover)) == 0);
	if (receive)
		assert_string_equal(s.receive, receive);
	struct client *cl = calloc(CLIENTS, sizeof(*cl));
	assert_non_null(cl);
	for (int i = 0; i < CLIENTS; i++)
		client_init(&cl[i], i, s.port);
	echo_all(cl, CLIENTS);
	for (int i = 0; i < CLIENTS; i++)
		assert_int_equal(cl[i].sent, cl[i].end[MESSAGES - 1]);
	/* One fd per connection while they are open; none for a direct one. */
	int direct = strcmp(handover, "direct") == 0;
	assert_int_equal(proc_fds(s.pid), s.base_fds + (direct ? 0 : CLIENTS));
	for (int i = 0; i < CLIENTS; i++)
		close(cl[i].fd);
	wait_for_fds(s.pid, s.base_fds);
	free(cl);
	return server_stop(&s, CLIENTS);
}

static void echo_200_clients(void **state)
{
	(void)state;
	const char *args[] = { NULL };
	clients_get_their_bytes_back(args, best_handover(), NULL);
}

static void echo_200_clients_direct_oneshot(void **state)
{
	(void)state;
	skip_unless_kernel_has("direct");
	const char *args[] = { "-m", "direct", "-1", NULL };
	clients_get_their_bytes_back(args, "direct", "one-shot accept and recv");
}

static void echo_200_clients_message(void **state)
{
	(void)state;
	skip_unless_kernel_has("message");
	const char *args[] = { "-m", "message", NULL };
	clients_get_their_bytes_back(args, "message", NULL);
}

/* One buffer per worker for 50 connections each: receives run dry
 * (-ENOBUFS) all the time and are armed again as sends give buffers back;
 * no byte is lost. */
static void echo_200_clients_starved_of_buffers(void **state)
{
	(void)state;
	uring *t = uring_create(1, NULL);
	assert_non_null(t);
	int multishot = uring_feature_supported(t, URING_FEATURE_RECV_MULTISHOT);
	uring_exit(t);
	if (!multishot) {
		printf("skip: multishot recv needs Linux 6.0\n");
		skip();
	}
	/* Whether a receive runs dry is the scheduler's doing: a few tries. */
	const char *args[] = { "-b", "1", NULL };
	unsigned long starved = 0;
	for (int i = 0; i < 5 && starved == 0; i++)
		starved = clients_get_their_bytes_back(args, best_handover(),
			"multishot accept, multishot recv over a buffer ring");
	printf("starved receives: %lu\n", starved);
	assert_true(starved > 0);
}

/* What a 5.10 kernel runs: a pipe to each worker, one-shot accept and recv. */
static void echo_200_clients_pipe_oneshot(void **state)
{
	(void)state;
	const char *args[] = { "-w", "4", "-m", "pipe", "-1", NULL };
	clients_get_their_bytes_back(args, "pipe", "one-shot accept and recv");
}

/* SIGINT with clients connected and receives armed: everything is
 * cancelled and closed, the clients see the end of the stream. */
static void sigint_with_clients_connected(void **state)
{
	(void)state;
	const char *args[] = { NULL };
	struct server s = server_start(args);
	enum { N = 2 * WORKERS };
	struct client *cl = calloc(N, sizeof(*cl));
	assert_non_null(cl);
	for (int i = 0; i < N; i++)
		client_init(&cl[i], i, s.port);
	echo_all(cl, N);
	server_stop(&s, N);
	for (int i = 0; i < N; i++) {
		char b;
		int fl = fcntl(cl[i].fd, F_GETFL);
		fcntl(cl[i].fd, F_SETFL, fl & ~O_NONBLOCK);
		assert_int_equal(recv(cl[i].fd, &b, 1, 0), 0);
		close(cl[i].fd);
	}
	free(cl);
}

static void bad_usage_exits_2(void **state)
{
	(void)state;
	const char *bad[][4] = {
		{ "70000" }, { "-x", "1" }, { "12ab" }, { NULL }, { "-w", "0", "0" },
		{ "-w", "65", "0" }, { "-w", "4x", "0" }, { "-m", "carrier-pigeon", "0" }, { "-m", "0" }, { "-b", "3", "0" },
	};
	for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
		pid_t pid = fork();
		assert_true(pid >= 0);
		if (pid == 0) {
			int null = open("/dev/null", O_WRONLY);
			dup2(null, STDERR_FILENO);
			execl(server_path, server_path, bad[i][0], bad[i][1], bad[i][2], (char *)NULL);
			_exit(127);
		}
		int status;
		assert_int_equal(waitpid(pid, &status, 0), pid);
		assert_true(WIFEXITED(status));
		assert_int_equal(WEXITSTATUS(status), 2);
	}
}

/* A failed test leaves its server running, holding the test's stderr. */
static int kill_server(void **state)
{
	(void)state;
	if (running > 0) {
		kill(running, SIGKILL);
		waitpid(running, NULL, 0);
		running = 0;
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_mt_echo PATH-TO-mt-echo\n");
		return 2;
	}
	server_path = argv[1];
	signal(SIGPIPE, SIG_IGN);
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_teardown(echo_200_clients, kill_server),
		cmocka_unit_test_teardown(echo_200_clients_direct_oneshot, kill_server),
		cmocka_unit_test_teardown(echo_200_clients_message, kill_server),
		cmocka_unit_test_teardown(echo_200_clients_pipe_oneshot, kill_server),
		cmocka_unit_test_teardown(echo_200_clients_starved_of_buffers, kill_server),
		cmocka_unit_test_teardown(sigint_with_clients_connected, kill_server),
		cmocka_unit_test_teardown(bad_usage_exits_2, kill_server),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
