/* SPDX-License-Identifier: ISC */
/*
 * docs/examples/echo-server, run as a program: 64 concurrent clients get
 * their bytes back, SIGINT shuts it down with exit status 0, and it holds
 * no fd it should not, neither after clients leave nor at exit.  Every
 * case runs on each set of paths the running kernel allows: the best, and
 * each fallback forced by its environment variable.  The paths the server
 * says it took are checked against what the library reports, and its
 * counters at exit against them: bundles happened where it bundles,
 * buffers were shared by receives where its ring is incremental, and
 * neither elsewhere.  argv[1]: the server binary.
 */
#include "example_helpers.h"
#include "net_helpers.h"

#include <poll.h>
#include <sys/resource.h>
#include <sys/wait.h>

static const char *server_path;

/* One set of paths: the fallbacks it forces, and what the server takes. */
struct variant {
	const char *name;
	const char *env[4];      /* variables set to 1, NULL-terminated */
	bool direct, accept_multishot, ring, bundle, inc;
	char line[96];           /* the paths line it must print */
};

static const struct variant *v;   /* the one running */

struct server {
	pid_t pid;
	FILE *out;               /* its stdout */
	uint16_t port;
	int base_fds;            /* its open fds before any client */
};

/* Its counters at exit. */
struct report {
	unsigned long starved, bundles, partials;
};

static struct server server_start(const char *flag, const char *arg)
{
	const char *argv[5] = { server_path };
	int n = 1;
	if (flag)
		argv[n++] = flag;
	if (flag && arg)
		argv[n++] = arg;
	argv[n] = "0";
	struct server s = { 0 };
	s.out = example_start(argv, v->env, &s.pid);
	unsigned port = 0;
	if (fscanf(s.out, "%u", &port) != 1)
		fail_msg("no port line from %s", server_path);
	assert_true(port > 0 && port < 65536);
	s.port = (uint16_t)port;
	char line[128];
	assert_non_null(fgets(line, sizeof(line), s.out));   /* the port line's end */
	assert_non_null(fgets(line, sizeof(line), s.out));
	assert_string_equal(line, v->line);
	s.base_fds = proc_fds(s.pid);
	return s;
}

/* SIGINT, then its exit status and its report. */
static struct report server_stop(struct server *s)
{
	example_interrupt(s->pid);
	int leaked = -1;
	struct report r;
	assert_int_equal(fscanf(s->out, " starved receives: %lu bundles: %lu partial buffers: %lu leaked fds: %d",
				&r.starved, &r.bundles, &r.partials, &leaked), 4);
	assert_int_equal(leaked, 0);
	fclose(s->out);
	/* Only a path that takes them makes them. */
	if (!v->bundle)
		assert_int_equal(r.bundles, 0);
	if (!v->inc)
		assert_int_equal(r.partials, 0);
	if (!v->ring)
		assert_int_equal(r.starved, 0);
	return r;
}

/* Payloads larger than a buffer of either ring: a path that bundles or
 * shares buffers did, so the counters prove the path was taken. */
static void assert_path_taken(struct report r)
{
	if (v->bundle)
		assert_true(r.bundles > 0);
	if (v->inc)
		assert_true(r.partials > 0);
}

static int client_connect(uint16_t port)
{
	int fd = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC | SOCK_NONBLOCK, 0);
	assert_true(fd >= 0);
	struct sockaddr_in a = loopback(port);
	int r = connect(fd, (struct sockaddr *)&a, sizeof(a));
	assert_true(r == 0 || errno == EINPROGRESS);
	return fd;
}

enum { CLIENTS = 64, PAYLOAD = 48 * 1024, LARGE = 1024 * 1024 };

struct client {
	int fd;
	size_t len, sent, got;   /* len: its payload, PAYLOAD unless set */
	unsigned char out[LARGE], in[LARGE];
};

/* All clients at once, driven by poll: each writes while the server echoes. */
static void echo_all(struct client *cl, int n)
{
	struct pollfd pfd[CLIENTS];
	/* Generous: under emulation (the kernel matrix) on a loaded machine
	 * 64 echoes took over 20 s; meson's limit is 120 s. */
	uint64_t deadline = now_ns(CLOCK_MONOTONIC) + 100ull * 1000000000u;
	for (;;) {
		int live = 0;
		for (int i = 0; i < n; i++) {
			if (!cl[i].len)
				cl[i].len = PAYLOAD;
			pfd[i].fd = cl[i].got < cl[i].len ? cl[i].fd : -1;
			pfd[i].events = POLLIN | (cl[i].sent < cl[i].len ? POLLOUT : 0);
			live += pfd[i].fd >= 0;
		}
		if (!live)
			return;
		assert_true(now_ns(CLOCK_MONOTONIC) < deadline);
		assert_true(poll(pfd, (nfds_t)n, 1000) >= 0);
		for (int i = 0; i < n; i++) {
			struct client *c = &cl[i];
			if ((pfd[i].revents & POLLOUT) && c->sent < c->len) {
				ssize_t w = send(c->fd, c->out + c->sent, c->len - c->sent, MSG_NOSIGNAL);
				if (w > 0)
					c->sent += (size_t)w;
			}
			if (pfd[i].revents & (POLLIN | POLLHUP | POLLERR)) {
				ssize_t r = recv(c->fd, c->in + c->got, c->len - c->got, 0);
				if (r == 0)
					fail_msg("client %d: server closed after %zu bytes", i, c->got);
				if (r > 0)
					c->got += (size_t)r;
			}
		}
	}
}


static struct report clients_get_their_bytes_back(const char *flag, const char *arg)
{
	struct server s = server_start(flag, arg);
	struct client *cl = calloc(CLIENTS, sizeof(*cl));
	assert_non_null(cl);
	for (int i = 0; i < CLIENTS; i++) {
		cl[i].fd = client_connect(s.port);
		for (size_t k = 0; k < PAYLOAD; k++)
			cl[i].out[k] = (unsigned char)(i * 31 + k * 7 + k / 4093);
	}
	echo_all(cl, CLIENTS);
	for (int i = 0; i < CLIENTS; i++)
		assert_memory_equal(cl[i].in, cl[i].out, PAYLOAD);
	/* One fd per connection while they are open (none with direct
	 * descriptors) ... */
	assert_int_equal(proc_fds(s.pid), s.base_fds + (v->direct ? 0 : CLIENTS));
	for (int i = 0; i < CLIENTS; i++)
		close(cl[i].fd);
	/* ... and none once they have gone. */
	wait_for_fds(s.pid, s.base_fds);
	free(cl);
	return server_stop(&s);
}

static void echo_64_clients(void **state)
{
	(void)state;
	assert_path_taken(clients_get_their_bytes_back(NULL, NULL));
}

static void echo_64_clients_fixed_listener(void **state)
{
	(void)state;
	assert_path_taken(clients_get_their_bytes_back("-f", NULL));
}

/* One buffer for 64 clients: receives run dry (-ENOBUFS) all the time and
 * are armed again as sends give the buffer back; no byte is lost.  On an
 * incremental ring a woken receive may take only part of the buffer, and
 * the rest must serve the others (with four buffers that ring was not
 * seen to run dry here).  Only where the server receives into a ring: see
 * run_variant. */
static void echo_64_clients_starved_of_buffers(void **state)
{
	(void)state;
	assert_true(clients_get_their_bytes_back("-b", "1").starved > 0);
}

/* SIGINT with clients connected and receives armed: everything is
 * cancelled and closed, the clients see the end of the stream. */
static void sigint_with_clients_connected(void **state)
{
	(void)state;
	struct server s = server_start(NULL, NULL);
	struct client *cl = calloc(8, sizeof(*cl));
	for (int i = 0; i < 8; i++) {
		cl[i].fd = client_connect(s.port);
		memset(cl[i].out, 'a' + i, PAYLOAD);
	}
	echo_all(cl, 8);
	assert_int_equal(proc_fds(s.pid), s.base_fds + (v->direct ? 0 : 8));
	server_stop(&s);
	for (int i = 0; i < 8; i++) {
		char b;
		int fl = fcntl(cl[i].fd, F_GETFL);
		fcntl(cl[i].fd, F_SETFL, fl & ~O_NONBLOCK);
		assert_int_equal(recv(cl[i].fd, &b, 1, 0), 0);
		close(cl[i].fd);
	}
	free(cl);
}

/* 1 MiB from each of 8 clients, written as fast as the socket takes it:
 * many receives per connection queue behind their sends, and every byte
 * comes back in the order sent.  (A send cut short with others in flight
 * would reorder; loopback has not been seen to cut one, so this checks
 * the queueing keeps order rather than proving it needed.) */
static void large_messages_come_back_in_order(void **state)
{
	(void)state;
	struct server s = server_start(NULL, NULL);
	struct client *cl = calloc(8, sizeof(*cl));
	assert_non_null(cl);
	for (int i = 0; i < 8; i++) {
		cl[i].fd = client_connect(s.port);
		cl[i].len = LARGE;
		for (size_t k = 0; k < LARGE; k++)
			cl[i].out[k] = (unsigned char)(i * 31 + k * 7 + k / 4093);
	}
	echo_all(cl, 8);
	for (int i = 0; i < 8; i++) {
		assert_memory_equal(cl[i].in, cl[i].out, LARGE);
		close(cl[i].fd);
	}
	free(cl);
	wait_for_fds(s.pid, s.base_fds);
	assert_path_taken(server_stop(&s));
}

static void bad_usage_exits_2(void **state)
{
	(void)state;
	const char *bad[][3] = { { "70000" }, { "-x", "1" }, { "12ab" }, { "-b", "3", "0" }, { NULL } };
	for (int i = 0; i < 5; i++) {
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

/* The variables each set of paths sets; the paths the library's answers
 * predict are worked out by variant_expect. */
static struct variant variants[] = {
	{ .name = "best", .env = { NULL } },
	{ .name = "plain", .env = { "ECHO_SERVER_PLAIN", NULL } },
	{ .name = "no-inc", .env = { "ECHO_SERVER_NO_INC", NULL } },
	{ .name = "no-bundle", .env = { "ECHO_SERVER_NO_BUNDLE", NULL } },
	{ .name = "multishot", .env = { "ECHO_SERVER_NO_BUNDLE", "ECHO_SERVER_NO_INC", NULL } },
	{ .name = "oneshot", .env = { "ECHO_SERVER_ONESHOT_ACCEPT", "ECHO_SERVER_ONESHOT_RECV", NULL } },
	{ .name = "oneshot-plain", .env = { "ECHO_SERVER_ONESHOT_ACCEPT", "ECHO_SERVER_ONESHOT_RECV",
			     "ECHO_SERVER_PLAIN", NULL } },
};

static bool sets(const struct variant *w, const char *name)
{
	for (int i = 0; w->env[i]; i++)
		if (strcmp(w->env[i], name) == 0)
			return true;
	return false;
}

/* What the server must take: what the library reports on a ring of ours,
 * less what the variant forces off.  Direct descriptors need a sparse
 * table (5.19) and an RLIMIT_NOFILE that reaches the server's 4096 slots
 * (the kernel refuses a table above it). */
static void variant_expect(struct variant *w, uring *t, bool sparse)
{
	struct rlimit nofile;
	assert_int_equal(getrlimit(RLIMIT_NOFILE, &nofile), 0);
	w->direct = sparse && nofile.rlim_max >= 4096 && !sets(w, "ECHO_SERVER_PLAIN");
	w->accept_multishot = uring_feature_supported(t, URING_FEATURE_ACCEPT_MULTISHOT) &&
			      !sets(w, "ECHO_SERVER_ONESHOT_ACCEPT");
	w->ring = uring_feature_supported(t, URING_FEATURE_BUF_RING) &&
		  uring_feature_supported(t, URING_FEATURE_RECV_MULTISHOT) &&
		  !sets(w, "ECHO_SERVER_ONESHOT_RECV");
	w->bundle = w->ring && uring_feature_supported(t, URING_FEATURE_RECV_BUNDLE) &&
		    !sets(w, "ECHO_SERVER_NO_BUNDLE");
	w->inc = w->ring && uring_feature_supported(t, URING_FEATURE_BUF_RING_INC) &&
		 !sets(w, "ECHO_SERVER_NO_INC");
	const char *recv = w->bundle && w->inc ? "bundle+incremental"
			   : w->bundle ? "bundle"
			   : w->inc ? "multishot+incremental"
			   : w->ring ? "multishot" : "oneshot";
	snprintf(w->line, sizeof(w->line), "echo-server: accept=%s%s recv=%s\n",
		 w->accept_multishot ? "multishot" : "oneshot", w->direct ? "-direct" : "", recv);
}

/* Runs every case on variant w, unless an earlier one took the same paths
 * (a fallback the kernel takes anyway). */
static int run_variant(const struct variant *w, int before)
{
	for (int i = 0; i < before; i++)
		if (strcmp(variants[i].line, w->line) == 0)
			return 0;
	v = w;
	printf("%s: %s", w->name, w->line);
	fflush(stdout);
	struct CMUnitTest tests[] = {
		cmocka_unit_test(echo_64_clients),
		cmocka_unit_test(echo_64_clients_fixed_listener),
		cmocka_unit_test(sigint_with_clients_connected),
		cmocka_unit_test(large_messages_come_back_in_order),
		cmocka_unit_test(bad_usage_exits_2),
		cmocka_unit_test(echo_64_clients_starved_of_buffers),   /* last: ring only */
	};
	size_t n = sizeof(tests) / sizeof(tests[0]) - !w->ring;
	return _cmocka_run_group_tests(w->name, tests, n, NULL, NULL);
}

int main(int argc, char **argv)
{
	if (argc != 2) {
		fprintf(stderr, "usage: test_echo_server PATH-TO-echo-server\n");
		return 2;
	}
	server_path = argv[1];
	signal(SIGPIPE, SIG_IGN);
	uring *t = uring_create(1, NULL);
	assert_non_null(t);
	bool sparse = uring_register_files_sparse(t, 1) == 0;
	int n = (int)(sizeof(variants) / sizeof(variants[0])), failed = 0;
	for (int i = 0; i < n; i++)
		variant_expect(&variants[i], t, sparse);
	uring_exit(t);
	for (int i = 0; i < n; i++)
		failed |= run_variant(&variants[i], i);
	return failed;
}
