/* SPDX-License-Identifier: ISC */
/* For the tests of the example servers: start one with its stdout on a
 * pipe, count its open fds, stop it with SIGINT. */
#ifndef CURING_TESTS_EXAMPLE_HELPERS_H
#define CURING_TESTS_EXAMPLE_HELPERS_H

#include <dirent.h>
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <sys/wait.h>
#include <unistd.h>

#include "helpers.h"

static inline int proc_fds(pid_t pid)
{
	char path[64];
	snprintf(path, sizeof(path), "/proc/%d/fd", (int)pid);
	DIR *d = opendir(path);
	assert_non_null(d);
	int n = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL)
		n += e->d_name[0] != '.';
	closedir(d);
	return n;
}

/* The server closes connections after the clients have gone: up to 5 s. */
static inline void wait_for_fds(pid_t pid, int want)
{
	for (int i = 0; i < 500 && proc_fds(pid) != want; i++)
		usleep(10000);
	assert_int_equal(proc_fds(pid), want);
}

/* Runs argv[0] with argv (NULL-terminated), each variable named in env
 * (NULL-terminated, or NULL) set to "1": *pid, and its stdout to read. */
static inline FILE *example_start(const char *const *argv, const char *const *env, pid_t *pid)
{
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	*pid = fork();
	assert_true(*pid >= 0);
	if (*pid == 0) {
		dup2(p[1], STDOUT_FILENO);   /* dup2 clears close-on-exec */
		for (int i = 0; env && env[i]; i++)
			setenv(env[i], "1", 1);
		execv(argv[0], (char *const *)argv);
		_exit(127);
	}
	close(p[1]);
	FILE *out = fdopen(p[0], "r");
	assert_non_null(out);
	return out;
}

/* SIGINT, then exit status 0. */
static inline void example_interrupt(pid_t pid)
{
	assert_int_equal(kill(pid, SIGINT), 0);
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	assert_int_equal(WEXITSTATUS(status), 0);
}

#endif
