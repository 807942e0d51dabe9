/* SPDX-License-Identifier: ISC */
/*
 * Security properties: path resolution cannot escape a directory when the
 * caller says so, every fd the library makes is close-on-exec, and the ring
 * fd does not survive exec.
 */
#include "helpers.h"

#include <fcntl.h>
#include <linux/openat2.h>
#include <arpa/inet.h>
#include <netinet/in.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>

struct jail {
	char root[64];
	int dirfd;     /* the directory resolution must stay inside */
};

/* root/inside/ holds the jail; root/secret is outside it; inside/ has a
 * symlink to the secret (absolute and relative) and one that stays inside. */
static void jail_make(struct jail *j)
{
	strcpy(j->root, "/tmp/curing-sec-XXXXXX");
	assert_non_null(mkdtemp(j->root));
	char p[256], target[256];
	snprintf(p, sizeof(p), "%s/secret", j->root);
	int fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	snprintf(p, sizeof(p), "%s/inside", j->root);
	assert_int_equal(mkdir(p, 0700), 0);
	snprintf(p, sizeof(p), "%s/inside/own", j->root);
	fd = open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	assert_true(fd >= 0);
	close(fd);
	snprintf(target, sizeof(target), "%s/secret", j->root);
	snprintf(p, sizeof(p), "%s/inside/abs-escape", j->root);
	assert_int_equal(symlink(target, p), 0);
	snprintf(p, sizeof(p), "%s/inside/rel-escape", j->root);
	assert_int_equal(symlink("../secret", p), 0);
	snprintf(p, sizeof(p), "%s/inside/own-link", j->root);
	assert_int_equal(symlink("own", p), 0);
	snprintf(p, sizeof(p), "%s/inside", j->root);
	j->dirfd = open(p, O_PATH | O_DIRECTORY | O_CLOEXEC);
	assert_true(j->dirfd >= 0);
}

static void jail_remove(struct jail *j)
{
	char cmd[128];
	close(j->dirfd);
	snprintf(cmd, sizeof(cmd), "rm -rf %s", j->root);
	assert_int_equal(system(cmd), 0);
}

static int open_in(uring *t, struct jail *j, const char *path, uint64_t resolve)
{
	assert_true(uring_openat2(t, j->dirfd, path, O_RDONLY | O_CLOEXEC, 0, resolve, NULL) > 0);
	int fd = wait_one(t).result;
	if (fd >= 0)
		close(fd);
	return fd >= 0 ? 0 : fd;
}

static void resolve_beneath_refuses_every_escape(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	struct jail j;
	jail_make(&j);
	assert_int_equal(open_in(t, &j, "own", RESOLVE_BENEATH), 0);
	assert_int_equal(open_in(t, &j, "own-link", RESOLVE_BENEATH), 0);
	assert_int_equal(open_in(t, &j, "../secret", RESOLVE_BENEATH), -EXDEV);
	assert_int_equal(open_in(t, &j, "rel-escape", RESOLVE_BENEATH), -EXDEV);
	assert_int_equal(open_in(t, &j, "abs-escape", RESOLVE_BENEATH), -EXDEV);
	assert_int_equal(open_in(t, &j, j.root, RESOLVE_BENEATH), -EXDEV);   /* absolute path */
	/* Without the flag the same escapes succeed: the refusals above are
	 * the flag's doing, not a broken fixture. */
	assert_int_equal(open_in(t, &j, "../secret", 0), 0);
	assert_int_equal(open_in(t, &j, "abs-escape", 0), 0);
	jail_remove(&j);
	assert_int_equal(uring_exit(t), 0);
}

static void resolve_no_symlinks_refuses_every_link(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	struct jail j;
	jail_make(&j);
	assert_int_equal(open_in(t, &j, "own", RESOLVE_NO_SYMLINKS), 0);
	assert_int_equal(open_in(t, &j, "own-link", RESOLVE_NO_SYMLINKS), -ELOOP);
	assert_int_equal(open_in(t, &j, "rel-escape", RESOLVE_NO_SYMLINKS), -ELOOP);
	assert_int_equal(open_in(t, &j, "abs-escape", RESOLVE_NO_SYMLINKS | RESOLVE_BENEATH), -ELOOP);
	/* RESOLVE_IN_ROOT: ".." and absolute links are clamped to the jail. */
	assert_int_equal(open_in(t, &j, "rel-escape", RESOLVE_IN_ROOT), -ENOENT);
	jail_remove(&j);
	assert_int_equal(uring_exit(t), 0);
}

/* The close-on-exec bit as the kernel reports it in /proc/self/fdinfo. */
static int fdinfo_cloexec(int fd)
{
	char p[64], line[128];
	snprintf(p, sizeof(p), "/proc/self/fdinfo/%d", fd);
	FILE *f = fopen(p, "r");
	assert_non_null(f);
	unsigned flags = 0;
	int found = 0;
	while (fgets(line, sizeof(line), f))
		if (sscanf(line, "flags: %o", &flags) == 1)
			found = 1;
	fclose(f);
	assert_true(found);
	return (flags & O_CLOEXEC) != 0;
}

static void every_fd_the_library_makes_is_close_on_exec(void **state)
{
	(void)state;
	uring *t = ring_or_skip(8, NULL);
	/* socket, without asking for SOCK_CLOEXEC (5.19: before, the library
	 * refuses it and the listener comes from socket(2)) */
	int s;
	if (uring_op_supported(t, URING_OP_SOCKET)) {
		assert_true(uring_socket(t, AF_INET, SOCK_STREAM, 0, NULL) > 0);
		s = wait_one(t).result;
		assert_true(s >= 0);
		assert_true(fdinfo_cloexec(s));
	} else {
		assert_int_equal(uring_socket(t, AF_INET, SOCK_STREAM, 0, NULL), -EOPNOTSUPP);
		s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		assert_true(s >= 0);
	}
	/* accept */
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t len = sizeof(sin);
	assert_int_equal(bind(s, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_int_equal(listen(s, 4), 0);
	assert_int_equal(getsockname(s, (struct sockaddr *)&sin, &len), 0);
	int client = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	assert_int_equal(connect(client, (struct sockaddr *)&sin, sizeof(sin)), 0);
	assert_true(uring_accept(t, s, NULL, NULL) > 0);
	int accepted = wait_one(t).result;
	assert_true(accepted >= 0);
	assert_true(fdinfo_cloexec(accepted));
	/* received by recv_msg: a pipe end sent over a socketpair */
	int sp[2], p[2];
	assert_int_equal(socketpair(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0, sp), 0);
	assert_int_equal(pipe(p), 0);   /* not close-on-exec here */
	char byte = 'x', rbyte = 0;
	struct iovec iov = { &byte, 1 }, riov = { &rbyte, 1 };
	assert_true(uring_send_msg(t, sp[0], &iov, 1, &p[0], 1, NULL, 0, NULL) > 0);
	assert_int_equal(wait_one(t).result, 1);
	uring_msghdr *m = uring_msghdr_create(1, &riov, 1, NULL);
	assert_non_null(m);
	assert_true(uring_recv_msg(t, sp[1], m, NULL) > 0);
	assert_int_equal(wait_one(t).result, 1);
	int got = -1;
	assert_int_equal(uring_msghdr_fds(m, &got, 1), 1);
	assert_true(got >= 0);
	assert_true(fdinfo_cloexec(got));
	assert_false(fdinfo_cloexec(p[0]));   /* the sender's own copy is untouched */
	uring_msghdr_destroy(m);
	int fds[] = { s, client, accepted, sp[0], sp[1], p[0], p[1], got };
	for (size_t i = 0; i < sizeof(fds) / sizeof(fds[0]); i++)
		close(fds[i]);
	assert_int_equal(uring_exit(t), 0);
}

static void ring_fd_is_not_inherited_across_exec(void **state)
{
	(void)state;
	uring *t = ring_or_skip(4, NULL);
	/* Find the ring's fd from /proc, as an outsider would. */
	int ring_fd = -1;
	for (int fd = 0; fd < 1024 && ring_fd < 0; fd++) {
		char p[64], link[128];
		snprintf(p, sizeof(p), "/proc/self/fd/%d", fd);
		ssize_t n = readlink(p, link, sizeof(link) - 1);
		if (n > 0) {
			link[n] = 0;
			if (strstr(link, "io_uring"))
				ring_fd = fd;
		}
	}
	assert_true(ring_fd >= 0);
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0) {
		char script[64];
		snprintf(script, sizeof(script), "test ! -e /proc/self/fd/%d", ring_fd);
		execl("/bin/sh", "sh", "-c", script, (char *)NULL);
		_exit(127);
	}
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(resolve_beneath_refuses_every_escape),
		cmocka_unit_test(resolve_no_symlinks_refuses_every_link),
		cmocka_unit_test(every_fd_the_library_makes_is_close_on_exec),
		cmocka_unit_test(ring_fd_is_not_inherited_across_exec),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
