/* SPDX-License-Identifier: ISC */
/*
 * Needs: Linux 5.11+ (the statx op), and _GNU_SOURCE for glibc's struct
 * statx and STATX_*, defined below.
 *
 * urstat: stat(1)-style output from IORING_OP_STATX.  Symlinks are shown
 * as themselves (AT_SYMLINK_NOFOLLOW) unless -L is given, as stat(1).
 * Usage: urstat [-L] FILE...
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <pwd.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>

#include <uring.h>

static const char *kind(mode_t m)
{
	switch (m & S_IFMT) {
	case S_IFREG: return "regular file";
	case S_IFDIR: return "directory";
	case S_IFLNK: return "symbolic link";
	case S_IFCHR: return "character special file";
	case S_IFBLK: return "block special file";
	case S_IFIFO: return "fifo";
	case S_IFSOCK: return "socket";
	}
	return "unknown";
}

static void mode_string(mode_t m, char out[11])
{
	static const char types[] = "?pc?d?b?-?l?s???";
	out[0] = types[(m & S_IFMT) >> 12];
	const char *rwx = "rwxrwxrwx";
	for (int i = 0; i < 9; i++)
		out[1 + i] = (m & (1u << (8 - i))) ? rwx[i] : '-';
	if (m & S_ISUID) out[3] = (m & S_IXUSR) ? 's' : 'S';
	if (m & S_ISGID) out[6] = (m & S_IXGRP) ? 's' : 'S';
	if (m & S_ISVTX) out[9] = (m & S_IXOTH) ? 't' : 'T';
	out[10] = 0;
}

/* stat(1)'s "%y" format: local time with nanoseconds and the zone offset. */
static void print_time(const char *label, const struct statx_timestamp *ts, int valid)
{
	if (!valid) {
		printf("%s: -\n", label);
		return;
	}
	time_t sec = (time_t)ts->tv_sec;
	struct tm tm;
	char when[64], zone[8];
	localtime_r(&sec, &tm);
	strftime(when, sizeof(when), "%Y-%m-%d %H:%M:%S", &tm);
	strftime(zone, sizeof(zone), "%z", &tm);
	printf("%s: %s.%09u %s\n", label, when, ts->tv_nsec, zone);
}

static void print_statx(const char *name, const struct statx *sx)
{
	char mode[11];
	mode_string(sx->stx_mode, mode);
	struct passwd *pw = getpwuid(sx->stx_uid);
	struct group *gr = getgrgid(sx->stx_gid);
	printf("  File: %s\n", name);
	printf("  Size: %-15llu Blocks: %-10llu IO Block: %-6u %s\n", (unsigned long long)sx->stx_size,
	       (unsigned long long)sx->stx_blocks, sx->stx_blksize, kind(sx->stx_mode));
	printf("Device: %u,%u\tInode: %-11llu Links: %u\n", sx->stx_dev_major, sx->stx_dev_minor,
	       (unsigned long long)sx->stx_ino, sx->stx_nlink);
	printf("Access: (%04o/%s)  Uid: (%5u/%8s)   Gid: (%5u/%8s)\n", sx->stx_mode & 07777, mode,
	       sx->stx_uid, pw ? pw->pw_name : "UNKNOWN", sx->stx_gid, gr ? gr->gr_name : "UNKNOWN");
	print_time("Access", &sx->stx_atime, sx->stx_mask & STATX_ATIME);
	print_time("Modify", &sx->stx_mtime, sx->stx_mask & STATX_MTIME);
	print_time("Change", &sx->stx_ctime, sx->stx_mask & STATX_CTIME);
	print_time(" Birth", &sx->stx_btime, sx->stx_mask & STATX_BTIME);
}

int main(int argc, char **argv)
{
	int follow = argc > 1 && strcmp(argv[1], "-L") == 0;
	int first = 1 + follow;
	if (first >= argc) {
		fprintf(stderr, "usage: %s [-L] FILE...\n", argv[0]);
		return 2;
	}
	int n = argc - first;
	uring *ring = uring_create((unsigned)n < 64 ? (unsigned)n : 64, NULL);
	if (!ring) {
		fprintf(stderr, "urstat: uring_create: %s\n", strerror(errno));
		return 1;
	}
	struct statx *sx = calloc((size_t)n, sizeof(*sx));
	int32_t *result = calloc((size_t)n, sizeof(*result));
	if (!sx || !result)
		return 1;
	/* All the statx jobs at once; the index rides in the user data. */
	int queued = 0, done = 0, status = 0;
	while (done < n) {
		while (queued < n) {
			uring_job j = uring_statx(ring, AT_FDCWD, argv[first + queued],
						  follow ? 0 : AT_SYMLINK_NOFOLLOW,
						  STATX_BASIC_STATS | STATX_BTIME, &sx[queued], (void *)(intptr_t)queued);
			if (j == 0)
				break;   /* SQ full: wait for room */
			if (j < 0) {   /* refused (a path too long): reported below */
				result[queued++] = (int32_t)j;
				done++;
				continue;
			}
			queued++;
		}
		if (done == n)
			break;
		uring_completion c;
		int ret = uring_wait(ring, &c);
		if (ret < 0) {
			fprintf(stderr, "urstat: wait: %s\n", strerror(-ret));
			return 1;
		}
		if (ret == 1) {
			result[(intptr_t)c.data] = c.result;
			done++;
		}
	}
	for (int i = 0; i < n; i++) {
		if (result[i] < 0) {
			fprintf(stderr, "urstat: cannot statx '%s': %s\n", argv[first + i], strerror(-result[i]));
			status = 1;
			continue;
		}
		print_statx(argv[first + i], &sx[i]);
	}
	free(sx);
	free(result);
	uring_exit(ring);
	return status;
}
