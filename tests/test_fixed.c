/* SPDX-License-Identifier: ISC */
/* The registered buffer against the real kernel: registration, fixed and
 * vectored-fixed I/O, chunk ops, bounds, -EBUSY, and -ENOMEM under a low
 * RLIMIT_MEMLOCK in a child process. */
#include "file_helpers.h"
#include "ring.h"
#include "syscall.h"

#include <linux/capability.h>
#include <sys/mman.h>
#include <sys/resource.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#define BUF_LEN (64 * 1024)

struct fx {
	char *dir;
	int fd;                 /* O_RDWR, holding `pattern` */
	uint8_t *buf;           /* page-aligned, BUF_LEN */
};

static uint8_t pattern[16384];

static int setup(void **state)
{
	struct fx *f = calloc(1, sizeof(*f));
	for (size_t i = 0; i < sizeof(pattern); i++)
		pattern[i] = (uint8_t)(i * 31 + (i >> 8));
	f->dir = scratch_dir();
	char path[PATH_MAX];
	write_file(in_dir(path, sizeof(path), f->dir, "data"), pattern, sizeof(pattern));
	f->fd = open(path, O_RDWR | O_CLOEXEC);
	assert_true(f->fd >= 0);
	f->buf = aligned_alloc(4096, BUF_LEN);
	memset(f->buf, 0xEE, BUF_LEN);
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fx *f = *state;
	close(f->fd);
	free(f->buf);
	rm_tree(f->dir);
	free(f);
	return 0;
}

static void register_replace_and_unregister(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	size_t len = 1;
	assert_null(uring_fixed_buffer(t, &len));
	assert_int_equal(len, 0);
	assert_int_equal(uring_set_fixed_buffer(t, NULL, 0), 0);   /* nothing to drop */
	assert_int_equal(uring_set_fixed_buffer(t, f->buf, BUF_LEN), 0);
	assert_ptr_equal(uring_fixed_buffer(t, &len), f->buf);
	assert_int_equal(len, BUF_LEN);
	/* Replacing: the kernel holds one table, so the old one goes first. */
	assert_int_equal(uring_set_fixed_buffer(t, f->buf + 4096, 8192), 0);
	assert_ptr_equal(uring_fixed_buffer(t, &len), f->buf + 4096);
	assert_int_equal(len, 8192);
	assert_int_equal(complete(t, uring_read_fixed(t, f->fd, 0, 100, 0, NULL)), 100);
	assert_memory_equal(f->buf + 4096, pattern, 100);
	assert_int_equal(uring_set_fixed_buffer(t, NULL, 0), 0);
	assert_null(uring_fixed_buffer(t, &len));
	assert_int_equal(len, 0);
	assert_null(uring_fixed_buffer(NULL, &len));
	assert_int_equal(uring_set_fixed_buffer(NULL, f->buf, 10), -EINVAL);
	assert_int_equal(uring_set_fixed_buffer(t, NULL, 10), -EFAULT);
	assert_int_equal(uring_exit(t), 0);
}

static void busy_ring_refuses_registration(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	uring_job j = uring_noop(t, NULL);
	assert_true(j > 0);
	assert_int_equal(uring_set_fixed_buffer(t, f->buf, BUF_LEN), -EBUSY);   /* queued */
	assert_int_equal(uring_submit(t), 1);
	assert_int_equal(uring_set_fixed_buffer(t, f->buf, BUF_LEN), -EBUSY);   /* uncollected */
	assert_null(uring_fixed_buffer(t, NULL));
	assert_int_equal(complete(t, j), 0);
	assert_int_equal(uring_set_fixed_buffer(t, f->buf, BUF_LEN), 0);
	j = uring_noop(t, NULL);
	assert_int_equal(uring_set_fixed_buffer(t, NULL, 0), -EBUSY);   /* unregistering too */
	assert_int_equal(complete(t, j), 0);
	assert_int_equal(uring_set_fixed_buffer(t, NULL, 0), 0);
	assert_int_equal(uring_exit(t), 0);
}

static void fixed_read_at_an_offset_inside_the_buffer(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	assert_int_equal(uring_set_fixed_buffer(t, f->buf, BUF_LEN), 0);
	assert_int_equal(complete(t, uring_read_fixed(t, f->fd, 1000, 500, 3, NULL)), 500);
	assert_memory_equal(f->buf + 1000, pattern + 3, 500);
	assert_int_equal(f->buf[999], 0xEE);
	assert_int_equal(f->buf[1500], 0xEE);
	/* The very end of the buffer. */
	assert_int_equal(complete(t, uring_read_fixed(t, f->fd, BUF_LEN - 10, 10, 100, NULL)), 10);
	assert_memory_equal(f->buf + BUF_LEN - 10, pattern + 100, 10);
	/* At the file position, twice: it is used and advanced. */
	assert_int_equal(lseek(f->fd, 7, SEEK_SET), 7);
	assert_int_equal(complete(t, uring_read_fixed(t, f->fd, 0, 4, -1, NULL)), 4);
	assert_int_equal(complete(t, uring_read_fixed(t, f->fd, 4, 4, -1, NULL)), 4);
	assert_memory_equal(f->buf, pattern + 7, 8);
	assert_int_equal(lseek(f->fd, 0, SEEK_CUR), 15);
	assert_int_equal(uring_set_fixed_buffer(t, NULL, 0), 0);
	assert_int_equal(uring_exit(t), 0);
}

static void fixed_write_then_read_back(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	assert_int_equal(uring_set_fixed_buffer(t, f->buf, BUF_LEN), 0);
	memcpy(f->buf + 20000, "fixed write", 11);
	assert_int_equal(complete(t, uring_write_fixed(t, f->fd, 20000, 11, 300, NULL)), 11);
	char back[11];
	assert_int_equal(pread(f->fd, back, 11, 300), 11);
	assert_memory_equal(back, "fixed write", 11);
	/* A bad fd is the kernel's -EBADF, as for any read. */
	assert_int_equal(complete(t, uring_write_fixed(t, -1, 0, 1, 0, NULL)), -EBADF);
	assert_int_equal(uring_exit(t), 0);
}

static void ranges_outside_the_buffer_queue_nothing(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	/* No buffer: nothing is inside it. */
	assert_rejected(t, uring_read_fixed(t, f->fd, 0, 1, 0, NULL), EINVAL);
	assert_int_equal(uring_set_fixed_buffer(t, f->buf, BUF_LEN), 0);
	assert_rejected(t, uring_read_fixed(t, f->fd, BUF_LEN, 1, 0, NULL), EINVAL);
	assert_rejected(t, uring_read_fixed(t, f->fd, BUF_LEN - 10, 11, 0, NULL), EINVAL);
	assert_rejected(t, uring_write_fixed(t, f->fd, SIZE_MAX, 2, 0, NULL), EINVAL);
	assert_rejected(t, uring_write_fixed(t, f->fd, 1, UINT32_MAX, 0, NULL), EINVAL);
	assert_rejected(t, uring_read_fixed(t, f->fd, 0, 1, -2, NULL), EINVAL);
	assert_int_equal(uring_read_fixed(NULL, f->fd, 0, 1, 0, NULL), -EINVAL);
	/* Zero bytes at the very end is inside. */
	assert_int_equal(complete(t, uring_read_fixed(t, f->fd, BUF_LEN, 0, 0, NULL)), 0);
	assert_int_equal(uring_exit(t), 0);
}

static void vectored_fixed_io(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	struct iovec iov[2] = { { f->buf + 100, 10 }, { f->buf + 5000, 20 } };
	REQUIRE_OP(t, READV_FIXED, "6.15");
	REQUIRE_OP(t, WRITEV_FIXED, "6.15");
	assert_rejected(t, uring_readv_fixed(t, f->fd, iov, 2, 0, NULL), EINVAL);   /* no buffer yet */
	assert_int_equal(uring_set_fixed_buffer(t, f->buf, BUF_LEN), 0);
	assert_int_equal(complete(t, uring_readv_fixed(t, f->fd, iov, 2, 40, NULL)), 30);
	assert_memory_equal(f->buf + 100, pattern + 40, 10);
	assert_memory_equal(f->buf + 5000, pattern + 50, 20);
	assert_int_equal(f->buf[110], 0xEE);

	memcpy(f->buf + 60000, "vec", 3);
	memcpy(f->buf + 200, "tored", 5);
	struct iovec w[2] = { { f->buf + 60000, 3 }, { f->buf + 200, 5 } };
	assert_int_equal(complete(t, uring_writev_fixed(t, f->fd, w, 2, 10, NULL)), 8);
	char back[8];
	assert_int_equal(pread(f->fd, back, 8, 10), 8);
	assert_memory_equal(back, "vectored", 8);

	/* Any piece outside the buffer, even an empty one: -EINVAL. */
	uint8_t outside[16];
	struct iovec bad1[2] = { { f->buf, 10 }, { outside, 16 } };
	struct iovec bad2[1] = { { f->buf + BUF_LEN - 4, 5 } };
	struct iovec bad3[1] = { { outside, 0 } };
	assert_rejected(t, uring_readv_fixed(t, f->fd, bad1, 2, 0, NULL), EINVAL);
	assert_rejected(t, uring_writev_fixed(t, f->fd, bad2, 1, 0, NULL), EINVAL);
	assert_rejected(t, uring_readv_fixed(t, f->fd, bad3, 1, 0, NULL), EINVAL);
	assert_rejected(t, uring_readv_fixed(t, f->fd, NULL, 1, 0, NULL), EFAULT);
	assert_rejected(t, uring_readv_fixed(t, f->fd, iov, 1025, 0, NULL), EINVAL);
	assert_rejected(t, uring_readv_fixed(t, f->fd, iov, 2, -3, NULL), EINVAL);

	/* The caller's array may be scribbled on and freed at once. */
	struct iovec *heap_iov = malloc(sizeof(*heap_iov));
	heap_iov[0] = (struct iovec){ f->buf + 300, 6 };
	uring_job j = uring_readv_fixed(t, f->fd, heap_iov, 1, 1000, NULL);
	scribble_and_free(heap_iov, sizeof(*heap_iov));
	assert_int_equal(complete(t, j), 6);
	assert_memory_equal(f->buf + 300, pattern + 1000, 6);
	assert_int_equal(uring_exit(t), 0);
}

static void vectored_fixed_is_eopnotsupp_without_the_opcode(void **state)
{
	struct fx *f = *state;
	/* A 6.14 kernel: the last without READV_FIXED / WRITEV_FIXED. */
	struct uring__fault_kernel k;
	uring__fault_kernel_as(&k, 614);
	uring__fault_kernel(&k);
	uring *t = ring_or_skip(8, NULL);
	uring__fault_kernel(NULL);
	assert_int_equal(uring_set_fixed_buffer(t, f->buf, BUF_LEN), 0);
	struct iovec iov = { f->buf, 10 };
	assert_rejected(t, uring_readv_fixed(t, f->fd, &iov, 1, 0, NULL), EOPNOTSUPP);
	assert_rejected(t, uring_writev_fixed(t, f->fd, &iov, 1, 0, NULL), EOPNOTSUPP);
	/* Argument errors come first, the same on every kernel. */
	assert_rejected(t, uring_readv_fixed(t, f->fd, &iov, 1, -3, NULL), EINVAL);
	assert_int_equal(uring_exit(t), 0);
}

static void chunks_read_and_write_through_the_fixed_buffer(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	assert_int_equal(uring_set_fixed_buffer(t, f->buf, BUF_LEN), 0);
	/* A region over the second half of the fixed buffer. */
	uring_region *r = uring_region_create(f->buf + BUF_LEN / 2, BUF_LEN / 2, 4096);
	assert_non_null(r);
	uring_chunk a, b;
	assert_int_equal(uring_region_alloc(r, &a), 0);
	assert_int_equal(uring_region_alloc(r, &b), 0);
	assert_int_equal(complete(t, uring_read_chunk(t, f->fd, a, 4096, 8192, NULL)), 4096);
	assert_memory_equal(uring_chunk_ptr(a), pattern + 8192, 4096);
	memcpy(uring_chunk_ptr(b), "chunk!", 6);
	assert_int_equal(complete(t, uring_write_chunk(t, f->fd, b, 6, 17, NULL)), 6);
	char back[6];
	assert_int_equal(pread(f->fd, back, 6, 17), 6);
	assert_memory_equal(back, "chunk!", 6);

	/* Longer than a block; a freed chunk; a bogus chunk. */
	assert_rejected(t, uring_read_chunk(t, f->fd, a, 4097, 0, NULL), EINVAL);
	assert_int_equal(uring_region_free(b), 0);
	assert_rejected(t, uring_write_chunk(t, f->fd, b, 6, 0, NULL), EINVAL);
	uring_chunk bogus = { r, 5 }, orphan = { NULL, 0 };
	assert_rejected(t, uring_read_chunk(t, f->fd, bogus, 1, 0, NULL), EINVAL);
	assert_rejected(t, uring_read_chunk(t, f->fd, orphan, 1, 0, NULL), EINVAL);
	assert_rejected(t, uring_read_chunk(t, f->fd, a, 1, -2, NULL), EINVAL);

	/* A region over memory that is not this ring's fixed buffer. */
	uint8_t *other = aligned_alloc(4096, 8192);
	uring_region *elsewhere = uring_region_create(other, 8192, 4096);
	uring_chunk e;
	assert_int_equal(uring_region_alloc(elsewhere, &e), 0);
	assert_rejected(t, uring_read_chunk(t, f->fd, e, 10, 0, NULL), EINVAL);
	/* ... or another ring's. */
	uring *t2 = ring_or_skip(8, NULL);
	assert_int_equal(uring_set_fixed_buffer(t2, other, 8192), 0);
	assert_int_equal(complete(t2, uring_read_chunk(t2, f->fd, e, 10, 0, NULL)), 10);
	assert_rejected(t, uring_read_chunk(t, f->fd, e, 10, 0, NULL), EINVAL);
	assert_rejected(t2, uring_read_chunk(t2, f->fd, a, 10, 0, NULL), EINVAL);
	/* A region that runs past the fixed buffer's end. */
	uring_region *over = uring_region_create(f->buf + BUF_LEN - 4096, 8192, 4096);
	uring_chunk o;
	assert_int_equal(uring_region_alloc(over, &o), 0);
	assert_rejected(t, uring_read_chunk(t, f->fd, o, 10, 0, NULL), EINVAL);

	assert_int_equal(uring_exit(t2), 0);
	uring_region_destroy(over);
	uring_region_destroy(elsewhere);
	uring_region_destroy(r);
	free(other);
	assert_int_equal(uring_exit(t), 0);
}

/* ---- RWF_* flags on the fixed-buffer ops ---- */

#define RWF_NOWAIT_BIT 0x08   /* RWF_NOWAIT, 4.14 */
#define RWF_APPEND_BIT 0x10   /* RWF_APPEND, 4.16 */
#define RWF_UNKNOWN    (1 << 30)

/* One fixed-buffer op family: a read and a write of buf[off, off+len). */
struct fixed_rw {
	const char *name;
	uring_job (*read)(uring *t, struct fx *f, int fd, size_t off, unsigned len, int64_t pos, int rwf);
	uring_job (*write)(uring *t, struct fx *f, int fd, size_t off, unsigned len, int64_t pos, int rwf);
};

static uring_job fx_read_fixed(uring *t, struct fx *f, int fd, size_t off, unsigned len, int64_t pos, int rwf)
{
	(void)f;
	return uring_read_fixed2(t, fd, off, len, pos, rwf, NULL);
}

static uring_job fx_write_fixed(uring *t, struct fx *f, int fd, size_t off, unsigned len, int64_t pos, int rwf)
{
	(void)f;
	return uring_write_fixed2(t, fd, off, len, pos, rwf, NULL);
}

static uring_job fx_readv_fixed(uring *t, struct fx *f, int fd, size_t off, unsigned len, int64_t pos, int rwf)
{
	struct iovec iov = { f->buf + off, len };
	return uring_readv_fixed2(t, fd, &iov, 1, pos, rwf, NULL);
}

static uring_job fx_writev_fixed(uring *t, struct fx *f, int fd, size_t off, unsigned len, int64_t pos, int rwf)
{
	struct iovec iov = { f->buf + off, len };
	return uring_writev_fixed2(t, fd, &iov, 1, pos, rwf, NULL);
}

/* The chunk ops over a region of blocks of 4096 covering the whole buffer:
 * off must be a block boundary (the tests below use 0 and 4096). */
static uring_region *chunk_region;

static uring_chunk fx_chunk(size_t off)
{
	return (uring_chunk){ chunk_region, off };
}

static uring_job fx_read_chunk(uring *t, struct fx *f, int fd, size_t off, unsigned len, int64_t pos, int rwf)
{
	(void)f;
	return uring_read_chunk2(t, fd, fx_chunk(off), len, pos, rwf, NULL);
}

static uring_job fx_write_chunk(uring *t, struct fx *f, int fd, size_t off, unsigned len, int64_t pos, int rwf)
{
	(void)f;
	return uring_write_chunk2(t, fd, fx_chunk(off), len, pos, rwf, NULL);
}

static const struct fixed_rw fixed_families[] = {
	{ "fixed", fx_read_fixed, fx_write_fixed },
	{ "vectored fixed", fx_readv_fixed, fx_writev_fixed },
	{ "chunk", fx_read_chunk, fx_write_chunk },
};

/* NOWAIT on an empty pipe, APPEND on a file, an unknown bit: each the
 * kernel's answer, so the flags reached the SQE. */
static void fixed_family_takes_rw_flags(uring *t, struct fx *f, const struct fixed_rw *op)
{
	fprintf(stderr, "rw_flags: %s\n", op->name);
	/* First, so flags that never reach the SQE fail here rather than
	 * leaving the NOWAIT read below blocked on its pipe. */
	assert_int_equal(complete(t, op->read(t, f, f->fd, 0, 8, 0, RWF_UNKNOWN)), -EOPNOTSUPP);
	assert_int_equal(complete(t, op->write(t, f, f->fd, 0, 8, 0, RWF_UNKNOWN)), -EOPNOTSUPP);
	int p[2];
	assert_int_equal(pipe2(p, O_CLOEXEC), 0);
	/* As preadv2(2) answers: -EAGAIN, or -EOPNOTSUPP on kernels whose
	 * pipes lack FMODE_NOWAIT (6.1 and older). */
	char probe[4];
	struct iovec one = { probe, sizeof(probe) };
	assert_int_equal(preadv2(p[0], &one, 1, -1, RWF_NOWAIT_BIT), -1);
	int nowait = -errno;
	assert_int_equal(complete(t, op->read(t, f, p[0], 0, 16, -1, RWF_NOWAIT_BIT)), nowait);
	assert_int_equal(write(p[1], "pipe", 4), 4);
	assert_int_equal(complete(t, op->read(t, f, p[0], 0, 16, -1, RWF_NOWAIT_BIT)),
			 nowait == -EAGAIN ? 4 : nowait);
	if (nowait == -EAGAIN)
		assert_memory_equal(f->buf, "pipe", 4);
	close(p[0]);
	close(p[1]);

	struct stat st;
	assert_int_equal(fstat(f->fd, &st), 0);
	memcpy(f->buf + 4096, "appended", 8);
	assert_int_equal(complete(t, op->write(t, f, f->fd, 4096, 8, 0, RWF_APPEND_BIT)), 8);
	char back[8];
	assert_int_equal(pread(f->fd, back, 8, st.st_size), 8);
	assert_memory_equal(back, "appended", 8);
	assert_int_equal(pread(f->fd, back, 8, 0), 8);
	assert_memory_equal(back, pattern, 8);

	/* Argument checks come first, flags or not. */
	assert_rejected(t, op->read(t, f, f->fd, 0, 8, -2, RWF_NOWAIT_BIT), EINVAL);
}

static void fixed_ops_take_rw_flags(void **state)
{
	struct fx *f = *state;
	uring *t = ring_or_skip(8, NULL);
	assert_int_equal(uring_set_fixed_buffer(t, f->buf, BUF_LEN), 0);
	chunk_region = uring_region_create(f->buf, BUF_LEN, 4096);
	assert_non_null(chunk_region);
	uring_chunk c0, c1;
	assert_int_equal(uring_region_alloc(chunk_region, &c0), 0);
	assert_int_equal(uring_region_alloc(chunk_region, &c1), 0);
	assert_true(c0.offset == 0 && c1.offset == 4096);
	bool vectored = uring_op_supported(t, URING_OP_READV_FIXED);
	for (size_t i = 0; i < sizeof(fixed_families) / sizeof(fixed_families[0]); i++) {
		if (fixed_families[i].read == fx_readv_fixed && !vectored) {
			fprintf(stderr, "skip part: READV_FIXED / WRITEV_FIXED need Linux 6.15\n");
			continue;
		}
		fixed_family_takes_rw_flags(t, f, &fixed_families[i]);
	}
	uring_region_destroy(chunk_region);
	chunk_region = NULL;
	assert_int_equal(uring_exit(t), 0);
}

/* ---- RLIMIT_MEMLOCK, in a child so the parent keeps its limits ---- */

/* Drops CAP_IPC_LOCK, which exempts pinned pages from RLIMIT_MEMLOCK. */
static int drop_ipc_lock(void)
{
	struct __user_cap_header_struct hdr = { .version = _LINUX_CAPABILITY_VERSION_3 };
	struct __user_cap_data_struct data[2];
	if (syscall(SYS_capget, &hdr, data) != 0)
		return -1;
	data[CAP_IPC_LOCK / 32].effective &= ~(1u << (CAP_IPC_LOCK % 32));
	data[CAP_IPC_LOCK / 32].permitted &= ~(1u << (CAP_IPC_LOCK % 32));
	data[CAP_IPC_LOCK / 32].inheritable &= ~(1u << (CAP_IPC_LOCK % 32));
	return (int)syscall(SYS_capset, &hdr, data);
}

enum { CHILD_OK = 0, CHILD_SKIP = 77, CHILD_SETUP = 10, CHILD_NOT_ENOMEM, CHILD_SMALL_FAILED,
       CHILD_RING_BROKEN, CHILD_STATE };

static int memlock_child(void)
{
	struct rlimit lim = { 64 * 1024, 64 * 1024 };
	if (drop_ipc_lock() != 0 || setrlimit(RLIMIT_MEMLOCK, &lim) != 0)
		return CHILD_SETUP;
	uring *t = uring_create(4, NULL);   /* after the drop: the ring charges its user */
	if (!t)
		return CHILD_SKIP;
	size_t big_len = 4u << 20;
	void *big = mmap(NULL, big_len, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	if (big == MAP_FAILED)
		return CHILD_SETUP;
	/* The kernel charges a pinned huge page whole (2 MiB) against the
	 * limit: where transparent huge pages are "always" (Debian's kernels),
	 * the failed 4 MiB attempt would leave huge pages behind and the
	 * 8 KiB registration below would fail too.  Small pages keep the
	 * arithmetic the same on every kernel. */
	if (madvise(big, big_len, MADV_NOHUGEPAGE) != 0)
		return CHILD_SETUP;
	int r = uring_set_fixed_buffer(t, big, big_len);
	if (r != -ENOMEM)
		return CHILD_NOT_ENOMEM;
	size_t len = 1;
	if (uring_fixed_buffer(t, &len) != NULL || len != 0 || uring_active_ops(t) != 0)
		return CHILD_STATE;
	/* The ring is unharmed: a job completes, and a buffer within the
	 * limit registers. */
	uring_completion c;
	if (uring_noop(t, NULL) <= 0 || uring_wait(t, &c) != 1 || c.result != 0)
		return CHILD_RING_BROKEN;
	if (uring_set_fixed_buffer(t, big, 8192) != 0)
		return CHILD_SMALL_FAILED;
	if (uring_set_fixed_buffer(t, NULL, 0) != 0 || uring_exit(t) != 0)
		return CHILD_RING_BROKEN;
	return CHILD_OK;
}

static void low_memlock_gives_enomem_in_a_child(void **state)
{
	(void)state;
	pid_t pid = fork();
	assert_true(pid >= 0);
	if (pid == 0)
		_exit(memlock_child());
	int status;
	assert_int_equal(waitpid(pid, &status, 0), pid);
	assert_true(WIFEXITED(status));
	int code = WEXITSTATUS(status);
	if (code == CHILD_SKIP) {
		fprintf(stderr, "skip: no io_uring in the child\n");
		skip();
	}
	if (code != CHILD_OK)
		fail_msg("memlock child failed at step %d", code);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test_setup_teardown(register_replace_and_unregister, setup, teardown),
		cmocka_unit_test_setup_teardown(busy_ring_refuses_registration, setup, teardown),
		cmocka_unit_test_setup_teardown(fixed_read_at_an_offset_inside_the_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(fixed_write_then_read_back, setup, teardown),
		cmocka_unit_test_setup_teardown(ranges_outside_the_buffer_queue_nothing, setup, teardown),
		cmocka_unit_test_setup_teardown(vectored_fixed_io, setup, teardown),
		cmocka_unit_test_setup_teardown(vectored_fixed_is_eopnotsupp_without_the_opcode, setup, teardown),
		cmocka_unit_test_setup_teardown(chunks_read_and_write_through_the_fixed_buffer, setup, teardown),
		cmocka_unit_test_setup_teardown(fixed_ops_take_rw_flags, setup, teardown),
		cmocka_unit_test(low_memlock_gives_enomem_in_a_child),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
