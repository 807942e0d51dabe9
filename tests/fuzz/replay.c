/* SPDX-License-Identifier: ISC */
/*
 * Runs the fuzz harness over files and directories of inputs, once each,
 * without libFuzzer: the corpus regression test in every build (gcc
 * included), and a way to replay a crash input under a debugger.
 */
#include <dirent.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "uring.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static int run_file(const char *path)
{
	FILE *f = fopen(path, "rb");
	if (!f) {
		perror(path);
		return -1;
	}
	static uint8_t buf[1 << 20];
	size_t n = fread(buf, 1, sizeof(buf), f);
	int err = ferror(f);
	fclose(f);
	if (err) {
		perror(path);
		return -1;
	}
	/* a copy of exactly n bytes, so that a read past the input is caught */
	if (getenv("FUZZ_REPLAY_VERBOSE"))
		fprintf(stderr, "%s\n", path);
	uint8_t *copy = malloc(n ? n : 1);
	if (!copy)
		return -1;
	memcpy(copy, buf, n);
	LLVMFuzzerTestOneInput(copy, n);
	free(copy);
	return 0;
}

static int by_name(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

static int run_dir(const char *dir, unsigned *count)
{
	DIR *d = opendir(dir);
	if (!d) {
		perror(dir);
		return -1;
	}
	char **names = NULL;
	size_t n = 0, cap = 0;
	struct dirent *e;
	while ((e = readdir(d)) != NULL) {
		if (e->d_name[0] == '.')
			continue;
		if (n == cap) {
			cap = cap ? cap * 2 : 64;
			char **grown = realloc(names, cap * sizeof(*names));
			if (!grown)
				return -1;
			names = grown;
		}
		names[n++] = strdup(e->d_name);
	}
	closedir(d);
	qsort(names, n, sizeof(*names), by_name);
	int ret = 0;
	for (size_t i = 0; i < n; i++) {
		char path[4096];
		snprintf(path, sizeof(path), "%s/%s", dir, names[i]);
		if (ret == 0 && run_file(path) < 0)
			ret = -1;
		else if (ret == 0)
			(*count)++;
		free(names[i]);
	}
	free(names);
	return ret;
}

/* The harness drains rings with timed waits: where the library reports
 * them unsupported (5.10), the replay skips.  (URING_FAULT_KERNEL=version
 * replays as on an older kernel: syscall/fault.c.) */
static int kernel_or_skip(void)
{
	uring *t = uring_create(1, NULL);
	if (!t) {
		perror("uring_create");
		return 1;
	}
	int timed = uring_feature_supported(t, URING_FEATURE_WAIT_TIMEOUT);
	uring_exit(t);
	if (!timed) {
		printf("skip: URING_FEATURE_WAIT_TIMEOUT needs Linux 5.11 (library reports unsupported)\n");
		return 77;   /* meson's skip */
	}
	return 0;
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		fprintf(stderr, "usage: %s FILE|DIR...\n", argv[0]);
		return 2;
	}
	int skip = kernel_or_skip();
	if (skip)
		return skip;
	unsigned count = 0;
	for (int i = 1; i < argc; i++) {
		struct stat st;
		if (stat(argv[i], &st) < 0) {
			perror(argv[i]);
			return 1;
		}
		int ret = S_ISDIR(st.st_mode) ? run_dir(argv[i], &count) : run_file(argv[i]);
		if (ret == 0 && !S_ISDIR(st.st_mode))
			count++;
		if (ret < 0)
			return 1;
	}
	if (count == 0) {
		fprintf(stderr, "no inputs\n");
		return 1;
	}
	printf("%u inputs ran, every model check held\n", count);
	return 0;
}
