/* SPDX-License-Identifier: ISC */
/*
 * Classic BPF filters on a ring's requests (IORING_REGISTER_BPF_FILTER,
 * 7.x): a program per opcode, run on each request at submission, that
 * returns 0 to refuse it (the request completes with -EACCES) or non-zero
 * to let it run.  Filters only add: a later one for the same opcode runs
 * too, and every one must allow.  The kernel's checker admits loads of
 * 32-bit words of the context (uring_bpf_ctx offsets, 4-aligned), ALU,
 * jumps and returns.
 *
 * Whether the kernel has the register opcode is asked of IORING_REGISTER_
 * QUERY (6.18), which counts the register opcodes: without the query the
 * kernel is older than the filters.  A kernel that has the opcode but was
 * built without CONFIG_IO_URING_BPF answers -EINVAL, as it does to a
 * program its checker refuses.
 */
#include <stdlib.h>

#include "ring.h"
#include "../syscall/syscall.h"

#define BPF_MAX_INSNS 4096u   /* BPF_MAXINSNS */
#define FILTER_FLAGS  URING_BPF_DENY_REST

_Static_assert(URING_BPF_DENY_REST == IO_URING_BPF_FILTER_DENY_REST, "deny-rest flag");

/* 1: the kernel counts IORING_REGISTER_BPF_FILTER among its register
 * opcodes.  No ring needed: the query is a blind register call (fd -1). */
static int kernel_has_bpf_filter(void)
{
	struct uring__query_opcode ops = { 0 };
	struct uring__query_hdr hdr = {
		.query_data = uring__ptr(&ops),
		.query_op = IO_URING_QUERY_OPCODES,
		.size = sizeof(ops),
	};
	/* nr_args 0: the query chain is walked through next_entry instead. */
	if (uring__sys_register(-1, IORING_REGISTER_QUERY, &hdr, 0) < 0 || hdr.result < 0)
		return 0;   /* no query: before 6.18, so before the filters */
	return ops.nr_register_opcodes > IORING_REGISTER_BPF_FILTER;
}

int uring_register_bpf_filter(uring *t, unsigned op, const uring_bpf_insn *prog, unsigned len,
			      unsigned flags)
{
	if (!t || op > 255 || len == 0 || len > BPF_MAX_INSNS || (flags & ~FILTER_FLAGS))
		return -EINVAL;
	if (!prog)
		return -EFAULT;
	if (!kernel_has_bpf_filter())
		return -EOPNOTSUPP;
	/* pdu_size 0: the program reads no more of the context than the
	 * common part and what the kernel fills for op, which it allows. */
	struct uring__bpf reg = {
		.cmd_type = IO_URING_BPF_CMD_FILTER,
		.filter = {
			.opcode = op,
			.flags = flags,
			.filter_len = len,
			.filter_ptr = uring__ptr(prog),
		},
	};
	int ret = uring__register(t, IORING_REGISTER_BPF_FILTER, &reg, 1);
	return ret < 0 ? ret : 0;
}
