/* SPDX-License-Identifier: ISC */
/* BPF filters on requests (7.x) against the real kernel: a filter on
 * socket that lets AF_UNIX through and refuses AF_INET, DENY_REST,
 * filters that add up, and what the kernel's checker refuses.  Skips
 * where the library reports the kernel lacks the filters. */
#include "helpers.h"

#include <linux/filter.h>
#include <sys/socket.h>

/* Allows a request when the context word at off equals value. */
#define ALLOW_IF_WORD(off, value)                                          \
	{ BPF_STMT(BPF_LD | BPF_W | BPF_ABS, (off)),                       \
	  BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (value), 0, 1),              \
	  BPF_STMT(BPF_RET | BPF_K, 1),                                    \
	  BPF_STMT(BPF_RET | BPF_K, 0) }

static const uring_bpf_insn allow_all[] = { BPF_STMT(BPF_RET | BPF_K, 1) };

static uring *ring_with_filters_or_skip(void)
{
	uring *t = ring_or_skip(8, NULL);
	int ret = uring_register_bpf_filter(t, URING_OP_NOP, allow_all, 1, 0);
	if (ret == -EOPNOTSUPP) {
		fprintf(stderr, "skip: BPF filters need a 7.x kernel with IORING_REGISTER_BPF_FILTER "
				"(library reports -EOPNOTSUPP)\n");
		uring_exit(t);
		skip();
	}
	assert_int_equal(ret, 0);
	return t;
}

static int32_t run(uring *t, uring_job j)
{
	assert_true(j > 0);
	uring_completion c = wait_one(t);
	assert_int_equal(c.job, j);
	return c.result;
}

static void a_socket_filter_by_family(void **state)
{
	(void)state;
	uring *t = ring_with_filters_or_skip();
	const uring_bpf_insn unix_only[] = ALLOW_IF_WORD(URING_BPF_CTX_SOCKET_FAMILY, AF_UNIX);
	assert_int_equal(uring_register_bpf_filter(t, URING_OP_SOCKET, unix_only, 4, 0), 0);
	int32_t fd = run(t, uring_socket(t, AF_UNIX, SOCK_STREAM, 0, NULL));
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(run(t, uring_socket(t, AF_INET, SOCK_STREAM, 0, NULL)), -EACCES);
	assert_int_equal(run(t, uring_noop(t, NULL)), 0);   /* other ops unaffected */

	/* Filters add up: a second one refusing datagrams.  The type word
	 * carries the SOCK_CLOEXEC the library adds: compare the type bits. */
	const uring_bpf_insn stream_only[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, URING_BPF_CTX_SOCKET_TYPE),
		BPF_STMT(BPF_ALU | BPF_AND | BPF_K, 0xf),   /* SOCK_TYPE_MASK */
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SOCK_STREAM, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, 1),
		BPF_STMT(BPF_RET | BPF_K, 0),
	};
	assert_int_equal(uring_register_bpf_filter(t, URING_OP_SOCKET, stream_only, 5, 0), 0);
	assert_int_equal(run(t, uring_socket(t, AF_UNIX, SOCK_DGRAM, 0, NULL)), -EACCES);
	fd = run(t, uring_socket(t, AF_UNIX, SOCK_STREAM, 0, NULL));
	assert_true(fd >= 0);
	close(fd);
	assert_int_equal(uring_exit(t), 0);
}

static void deny_rest_refuses_every_unfiltered_op(void **state)
{
	(void)state;
	uring *t = ring_with_filters_or_skip();
	int p[2];
	assert_int_equal(pipe(p), 0);
	assert_int_equal(write(p[1], "x", 1), 1);
	char b;
	assert_int_equal(run(t, uring_read(t, p[0], &b, 1, 0, NULL)), 1);
	assert_int_equal(uring_register_bpf_filter(t, URING_OP_WRITE, allow_all, 1, URING_BPF_DENY_REST), 0);
	assert_int_equal(run(t, uring_write(t, p[1], "y", 1, 0, NULL)), 1);   /* filtered: allowed */
	assert_int_equal(run(t, uring_noop(t, NULL)), 0);                   /* its filter from before */
	assert_int_equal(run(t, uring_read(t, p[0], &b, 1, 0, NULL)), -EACCES);
	char left;
	assert_int_equal(read(p[0], &left, 1), 1);   /* the refused read took nothing */
	assert_int_equal(left, 'y');
	close(p[0]);
	close(p[1]);
	assert_int_equal(uring_exit(t), 0);
}

/* The library's checks first, then the kernel's checker. */
static void refused_filters(void **state)
{
	(void)state;
	uring *t = ring_with_filters_or_skip();
	assert_int_equal(uring_register_bpf_filter(NULL, URING_OP_NOP, allow_all, 1, 0), -EINVAL);
	assert_int_equal(uring_register_bpf_filter(t, 256, allow_all, 1, 0), -EINVAL);
	assert_int_equal(uring_register_bpf_filter(t, URING_OP_NOP, allow_all, 0, 0), -EINVAL);
	assert_int_equal(uring_register_bpf_filter(t, URING_OP_NOP, allow_all, 4097, 0), -EINVAL);
	assert_int_equal(uring_register_bpf_filter(t, URING_OP_NOP, allow_all, 1, 0x80), -EINVAL);
	assert_int_equal(uring_register_bpf_filter(t, URING_OP_NOP, NULL, 1, 0), -EFAULT);
	/* a byte load (packet access) and a misaligned word: the checker's */
	const uring_bpf_insn byte_load[] = { BPF_STMT(BPF_LD | BPF_B | BPF_ABS, 8),
					      BPF_STMT(BPF_RET | BPF_A, 0) };
	assert_int_equal(uring_register_bpf_filter(t, URING_OP_NOP, byte_load, 2, 0), -EINVAL);
	const uring_bpf_insn misaligned[] = { BPF_STMT(BPF_LD | BPF_W | BPF_ABS, 9),
					       BPF_STMT(BPF_RET | BPF_A, 0) };
	assert_int_equal(uring_register_bpf_filter(t, URING_OP_NOP, misaligned, 2, 0), -EINVAL);
	assert_int_equal(run(t, uring_noop(t, NULL)), 0);   /* nothing was added */
	assert_int_equal(uring_exit(t), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(a_socket_filter_by_family),
		cmocka_unit_test(deny_rest_refuses_every_unfiltered_op),
		cmocka_unit_test(refused_filters),
	};
	return cmocka_run_group_tests(tests, NULL, NULL);
}
