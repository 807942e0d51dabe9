/* SPDX-License-Identifier: ISC */
/*
 * Needs: Linux 5.11+ (openat2, statx, read, write and fixed-buffer ops),
 * RLIMIT_MEMLOCK above the copy buffer for --fixed (else it says so and
 * copies without), and _GNU_SOURCE for struct statx, defined below.
 *
 * urcp: copy a file with up to queue-depth reads in flight.  Each block is
 * one slot: a read at its offset, and when the read has filled the block,
 * a write of it at the same offset.  A short read or write is resubmitted
 * for the remainder; -EAGAIN and -EINTR are retried; any other error stops
 * the copy.  With --fixed the blocks are chunks of a Region over the
 * ring's registered buffer (read_chunk / write_fixed); if the kernel
 * refuses to pin that buffer (RLIMIT_MEMLOCK) the copy says so and goes on
 * with ordinary buffers.
 *
 * A source larger than the reads in flight (depth x block size) is first
 * advised POSIX_FADV_SEQUENTIAL, which doubles the kernel's readahead
 * window for it; docs/benchmarks-files.md has what that gives.
 * --no-fadvise leaves it out, to measure it.
 *
 * Usage: urcp [--fixed] [--no-fadvise] [--depth N] [--block-size BYTES] SRC DST
 */
#define _GNU_SOURCE 1
#include <errno.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include <uring.h>

struct slot {
	uint8_t *buf;          /* plain mode: this slot's own block */
	uring_chunk chunk;     /* fixed mode: a Region chunk, held while busy */
	uint64_t off;          /* the block's file offset, in both files */
	uint32_t len;          /* the block's length */
	uint32_t done;         /* bytes of the current read or write finished */
	int writing;
};

struct copy {
	uring *ring;
	int in, out;
	uint64_t size, next_off;
	uint32_t block;
	unsigned depth, busy;
	struct slot *slots;
	uring_region *region;  /* non-NULL: fixed mode */
	uint8_t *fixed;
};

static void die(const char *what, int err)
{
	fprintf(stderr, "urcp: %s: %s\n", what, strerror(err));
	exit(1);
}

/* Runs one job alone to completion (setup and teardown steps). */
static int32_t run(uring *ring, uring_job job, const char *what)
{
	if (job <= 0)
		die(what, job < 0 ? (int)-job : EBUSY);
	uring_completion c;
	int ret;
	while ((ret = uring_wait(ring, &c)) == 0)
		;
	if (ret < 0)
		die("wait", -ret);
	return c.result;
}

/* Queues the slot's next read or write for what remains of its block. */
static void queue_io(struct copy *cp, struct slot *s)
{
	uint32_t left = s->len - s->done;
	int64_t file_off = (int64_t)(s->off + s->done);
	uring_job job;
	for (;;) {
		if (cp->region) {
			size_t at = (size_t)((uint8_t *)uring_chunk_ptr(s->chunk) - cp->fixed) + s->done;
			if (!s->writing && s->done == 0)
				job = uring_read_chunk(cp->ring, cp->in, s->chunk, left, file_off, s);
			else if (!s->writing)
				job = uring_read_fixed(cp->ring, cp->in, at, left, file_off, s);
			else
				job = uring_write_fixed(cp->ring, cp->out, at, left, file_off, s);
		} else if (!s->writing) {
			job = uring_read(cp->ring, cp->in, s->buf + s->done, left, file_off, s);
		} else {
			job = uring_write(cp->ring, cp->out, s->buf + s->done, left, file_off, s);
		}
		if (job != 0)
			break;
		int ret = uring_submit(cp->ring);   /* SQ full: make room */
		if (ret < 0 && ret != -EINTR && ret != -EAGAIN && ret != -EBUSY)
			die("submit", -ret);
	}
	if (job < 0)
		die(s->writing ? "queue write" : "queue read", (int)-job);
}

/* Starts the read of the next block into a free slot, if any remain. */
static void start_block(struct copy *cp, struct slot *s)
{
	if (cp->next_off >= cp->size)
		return;
	if (cp->region) {
		int ret = uring_region_alloc(cp->region, &s->chunk);
		if (ret < 0)
			die("region", -ret);   /* one chunk per slot: cannot run out */
	}
	s->off = cp->next_off;
	s->len = (uint32_t)(cp->size - s->off < cp->block ? cp->size - s->off : cp->block);
	s->done = 0;
	s->writing = 0;
	cp->next_off += s->len;
	cp->busy++;
	queue_io(cp, s);
}

static void finish(struct copy *cp, struct slot *s, int32_t res)
{
	if (res == -EAGAIN || res == -EINTR) {
		queue_io(cp, s);
		return;
	}
	if (res < 0)
		die(s->writing ? "write" : "read", -res);
	if (res == 0) {
		fprintf(stderr, "urcp: %s\n", s->writing ? "write: no progress" : "read: the source shrank during the copy");
		exit(1);
	}
	s->done += (uint32_t)res;
	if (s->done < s->len) {
		queue_io(cp, s);   /* short: the remainder */
		return;
	}
	if (!s->writing) {
		s->writing = 1;
		s->done = 0;
		queue_io(cp, s);
		return;
	}
	cp->busy--;
	if (cp->region && uring_region_free(s->chunk) < 0)
		die("region free", EINVAL);
	start_block(cp, s);
}

static void copy_blocks(struct copy *cp)
{
	for (unsigned i = 0; i < cp->depth; i++)
		start_block(cp, &cp->slots[i]);
	uring_completion done[64];
	while (cp->busy > 0) {
		int n = uring_wait(cp->ring, &done[0]);
		if (n < 0)
			die("wait", -n);
		if (n == 0)
			continue;   /* interrupted */
		int more = uring_reap(cp->ring, &done[1], 63);
		if (more < 0)
			die("reap", -more);
		for (int i = 0; i < 1 + more; i++)
			finish(cp, done[i].data, done[i].result);
	}
}

static void setup_fixed(struct copy *cp)
{
	size_t len = (size_t)cp->depth * cp->block;
	cp->fixed = aligned_alloc(4096, (len + 4095) & ~(size_t)4095);
	if (!cp->fixed)
		die("fixed buffer", ENOMEM);
	int ret = uring_set_fixed_buffer(cp->ring, cp->fixed, len);
	if (ret == -ENOMEM) {
		fprintf(stderr, "urcp: --fixed: the kernel will not pin %zu bytes (RLIMIT_MEMLOCK too low); "
				"copying with ordinary buffers\n", len);
		free(cp->fixed);
		cp->fixed = NULL;
		return;
	}
	if (ret < 0)
		die("register fixed buffer", -ret);
	cp->region = uring_region_create(cp->fixed, len, cp->block);
	if (!cp->region)
		die("region", errno);
}

static unsigned long parse_size(const char *s, const char *what)
{
	char *end;
	errno = 0;
	unsigned long v = strtoul(s, &end, 10);
	if (errno || *end || v == 0) {
		fprintf(stderr, "urcp: bad %s: %s\n", what, s);
		exit(2);
	}
	return v;
}

int main(int argc, char **argv)
{
	struct copy cp = { .depth = 32, .block = 128 * 1024 };
	int fixed = 0, advise = 1, i = 1;
	for (; i < argc && strncmp(argv[i], "--", 2) == 0; i++) {
		if (strcmp(argv[i], "--fixed") == 0)
			fixed = 1;
		else if (strcmp(argv[i], "--no-fadvise") == 0)
			advise = 0;
		else if (strcmp(argv[i], "--depth") == 0 && i + 1 < argc)
			cp.depth = (unsigned)parse_size(argv[++i], "depth");
		else if (strcmp(argv[i], "--block-size") == 0 && i + 1 < argc)
			cp.block = (uint32_t)parse_size(argv[++i], "block size");
		else
			break;
	}
	if (argc - i != 2 || cp.depth > 4096 || cp.block > (1u << 30)) {
		fprintf(stderr, "usage: %s [--fixed] [--no-fadvise] [--depth N<=4096] [--block-size BYTES<=1GiB] SRC DST\n",
			argv[0]);
		return 2;
	}
	const char *src = argv[i], *dst = argv[i + 1];

	cp.ring = uring_create(cp.depth, NULL);
	if (!cp.ring)
		die("uring_create", errno);
	cp.in = run(cp.ring, uring_openat2(cp.ring, AT_FDCWD, src, O_RDONLY | O_CLOEXEC, 0, 0, NULL), "open");
	if (cp.in < 0)
		die(src, -cp.in);
	struct statx sx;
	int32_t r = run(cp.ring, uring_statx(cp.ring, cp.in, "", AT_EMPTY_PATH, STATX_SIZE | STATX_MODE, &sx, NULL),
			"statx");
	if (r < 0)
		die(src, -r);
	if (!S_ISREG(sx.stx_mode)) {
		fprintf(stderr, "urcp: %s: not a regular file\n", src);
		run(cp.ring, uring_close(cp.ring, cp.in, NULL), "close");
		uring_exit(cp.ring);
		return 1;
	}
	cp.size = sx.stx_size;
	/* Advice only: a failure (a kernel before 5.6) changes nothing. */
	if (advise && cp.size > (uint64_t)cp.depth * cp.block)
		run(cp.ring, uring_fadvise(cp.ring, cp.in, 0, 0, POSIX_FADV_SEQUENTIAL, NULL), "fadvise");
	cp.out = run(cp.ring, uring_openat2(cp.ring, AT_FDCWD, dst, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC,
					    sx.stx_mode & 07777, 0, NULL), "open");
	if (cp.out < 0)
		die(dst, -cp.out);

	cp.slots = calloc(cp.depth, sizeof(*cp.slots));
	if (!cp.slots)
		die("slots", ENOMEM);
	if (fixed)
		setup_fixed(&cp);
	if (!cp.region)
		for (unsigned s = 0; s < cp.depth; s++)
			if (!(cp.slots[s].buf = malloc(cp.block)))
				die("buffers", ENOMEM);

	copy_blocks(&cp);

	if ((r = run(cp.ring, uring_close(cp.ring, cp.out, NULL), "close")) < 0)
		die(dst, -r);
	run(cp.ring, uring_close(cp.ring, cp.in, NULL), "close");
	if (cp.region) {
		uring_region_destroy(cp.region);
		uring_set_fixed_buffer(cp.ring, NULL, 0);
		free(cp.fixed);
	}
	for (unsigned s = 0; s < cp.depth; s++)
		free(cp.slots[s].buf);
	free(cp.slots);
	return uring_exit(cp.ring) == 0 ? 0 : 1;
}
