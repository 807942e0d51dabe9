/* SPDX-License-Identifier: ISC */
/*
 * What the running kernel has, learnt once by uring_create so that an op
 * pays one bit test in a cached array (uring__sqe_commit, ring.h): the
 * opcodes, from IORING_REGISTER_PROBE (5.6), and the features that are not
 * opcodes, each by the rule written next to it.
 *
 * A rule reads a feature bit where the kernel has one.  Otherwise it reads
 * the probe for an opcode that entered the kernel in the same release, or
 * asks a register opcode of that release that changes nothing.  Whole
 * releases are what stable kernels import, not single features: 5.10.162
 * and later carry 5.15's io_uring, minus MKDIRAT, SYMLINKAT and LINKAT
 * (which is why no rule leans on those three).  Setup
 * flags are asked of the kernel itself: io_uring_setup answers a flag it
 * does not know with EINVAL, so a throwaway ring with that flag alone (and
 * the flags it requires) tells exactly, and only when it matters.
 */
#include <stdlib.h>
#include <unistd.h>

#include "ring.h"
#include "zc_report.h"
#include "../syscall/syscall.h"

/*
 * The floor is 5.10.  What the library relies on that has a feature bit:
 * NODROP (5.5: a full CQ is backlogged, never lost silently),
 * SUBMIT_STABLE (5.5: copies may be released once submitted, sketch.c),
 * RW_CUR_POS (5.6: file_offset -1), POLL_32BITS (5.9: poll_add's mask).
 * A kernel without them is refused at creation rather than misused.
 */
#define FEATS_FLOOR (IORING_FEAT_NODROP | IORING_FEAT_SUBMIT_STABLE | \
		     IORING_FEAT_RW_CUR_POS | IORING_FEAT_POLL_32BITS)

#define BIT(feature) (1u << (feature))
_Static_assert(URING_FEATURE_SETUP_SQE_MIXED < 32 && URING_FEATURE_BLOCK_DISCARD < 32 && URING_FEATURE_SEND_BUNDLE < 32,
	       "ring features are bits of t->supported");

static void features_from_probe(uring *t)
{
	uint32_t s = 0;
	/* IORING_FEAT_EXT_ARG (5.11) is the timed wait itself. */
	if (t->features & IORING_FEAT_EXT_ARG)
		s |= BIT(URING_FEATURE_WAIT_TIMEOUT);
	/* IORING_TIMEOUT_BOOTTIME / _REALTIME: 5.15, with IORING_REGISTER_
	 * IOWQ_MAX_WORKERS, which with two zeros only reads the limits. */
	uint32_t workers[2] = { 0, 0 };
	if (uring__register(t, IORING_REGISTER_IOWQ_MAX_WORKERS, workers, 2) >= 0)
		s |= BIT(URING_FEATURE_TIMEOUT_CLOCKS);
	/* IORING_REGISTER_PBUF_RING and IORING_ACCEPT_MULTISHOT: 5.19, with
	 * IORING_OP_SOCKET.  (Registering a buffer ring is no test: its
	 * -EINVAL also means bad arguments.) */
	if (uring__op_ok(t, IORING_OP_SOCKET))
		s |= BIT(URING_FEATURE_BUF_RING) | BIT(URING_FEATURE_ACCEPT_MULTISHOT);
	/* IORING_RECV_MULTISHOT: 6.0, with IORING_OP_SEND_ZC. */
	if (uring__op_ok(t, IORING_OP_SEND_ZC))
		s |= BIT(URING_FEATURE_RECV_MULTISHOT);
	/* Receive and send bundles: their own bit (6.10). */
	if (t->features & IORING_FEAT_RECVSEND_BUNDLE)
		s |= BIT(URING_FEATURE_RECV_BUNDLE) | BIT(URING_FEATURE_SEND_BUNDLE);
	/* IOU_PBUF_RING_INC: 6.12, with IORING_FEAT_MIN_TIMEOUT (no opcode
	 * came in that release, and the register call's EINVAL is ambiguous). */
	if ((s & BIT(URING_FEATURE_BUF_RING)) && (t->features & IORING_FEAT_MIN_TIMEOUT))
		s |= BIT(URING_FEATURE_BUF_RING_INC);
	/* Socket commands: 6.7, with IORING_OP_READ_MULTISHOT.  The opcode
	 * URING_CMD itself is 5.19 (NVMe), and a 5.19..6.6 kernel completes a
	 * socket command with -EOPNOTSUPP, so the opcode says nothing here.
	 * (FUTEX_WAIT, also 6.7, depends on CONFIG_FUTEX: not leaned on.) */
	if (uring__op_ok(t, IORING_OP_READ_MULTISHOT))
		s |= BIT(URING_FEATURE_SOCKET_CMD);
	/* SOCKET_URING_OP_GETSOCKNAME: 6.19, with IORING_OP_NOP128.  A
	 * release mark, no more: a kernel with socket commands but without
	 * this one completes it with -EOPNOTSUPP (docs/api.md 8.16). */
	if (uring__op_ok(t, IORING_OP_NOP128) && (s & BIT(URING_FEATURE_SOCKET_CMD)))
		s |= BIT(URING_FEATURE_GETSOCKNAME);
	/* IORING_REGISTER_NAPI: 6.9, with IORING_OP_FTRUNCATE.  (A kernel
	 * built without CONFIG_NET_RX_BUSY_POLL answers -EOPNOTSUPP itself.) */
	if (uring__op_ok(t, IORING_OP_FTRUNCATE))
		s |= BIT(URING_FEATURE_NAPI);
	/* BLOCK_URING_CMD_DISCARD: 6.12, with IORING_FEAT_MIN_TIMEOUT.  Before
	 * it a block device has no uring_cmd handler, and the op would come
	 * back as an -EOPNOTSUPP completion that also means "no discard". */
	if ((t->features & IORING_FEAT_MIN_TIMEOUT) && uring__op_ok(t, IORING_OP_URING_CMD))
		s |= BIT(URING_FEATURE_BLOCK_DISCARD);
	t->supported = s;
}

int uring__probe_load(uring *t)
{
	if ((t->features & FEATS_FLOOR) != FEATS_FLOOR)
		return -EOPNOTSUPP;
	struct uring__probe *p = calloc(1, sizeof(*p));
	if (!p)
		return -ENOMEM;
	int ret = uring__register(t, IORING_REGISTER_PROBE, p, 256);
	if (ret >= 0)
		for (unsigned i = 0; i < p->ops_len && i < 256; i++)
			if (p->ops[i].flags & IO_URING_OP_SUPPORTED)
				t->probe_bits[p->ops[i].op / 8] |= (uint8_t)(1u << (p->ops[i].op % 8));
	free(p);
	if (ret < 0)
		return ret;
	features_from_probe(t);
	return 0;
}

int uring_op_supported(uring *t, unsigned op)
{
	if (!t || op > 255)
		return 0;
	return uring__op_ok(t, (uint8_t)op);
}

/* The setup flags newer than the floor, with the flags the kernel
 * requires beside each (else it answers EINVAL for the combination). */
static const struct setup_rule {
	unsigned feature;
	uint32_t flag, needs;
} setup_rules[] = {
	{ URING_FEATURE_SETUP_SUBMIT_ALL, IORING_SETUP_SUBMIT_ALL, 0 },
	{ URING_FEATURE_SETUP_COOP_TASKRUN, IORING_SETUP_COOP_TASKRUN, 0 },
	{ URING_FEATURE_SETUP_TASKRUN_FLAG, IORING_SETUP_TASKRUN_FLAG, IORING_SETUP_COOP_TASKRUN },
	{ URING_FEATURE_SETUP_SQE128, IORING_SETUP_SQE128, 0 },
	{ URING_FEATURE_SETUP_CQE32, IORING_SETUP_CQE32, 0 },
	{ URING_FEATURE_SETUP_SINGLE_ISSUER, IORING_SETUP_SINGLE_ISSUER, 0 },
	{ URING_FEATURE_SETUP_DEFER_TASKRUN, IORING_SETUP_DEFER_TASKRUN, IORING_SETUP_SINGLE_ISSUER },
	{ URING_FEATURE_SETUP_HYBRID_IOPOLL, IORING_SETUP_HYBRID_IOPOLL, IORING_SETUP_IOPOLL },
	/* Without the caller's memory a kernel that has NO_MMAP answers
	 * EFAULT, one that lacks it EINVAL: enough to tell them apart. */
	{ URING_FEATURE_SETUP_NO_MMAP, IORING_SETUP_NO_MMAP, 0 },
	{ URING_FEATURE_SETUP_CQE_MIXED, IORING_SETUP_CQE_MIXED, 0 },
	{ URING_FEATURE_SETUP_SQE_MIXED, IORING_SETUP_SQE_MIXED, 0 },
};
#define N_SETUP_RULES (sizeof(setup_rules) / sizeof(setup_rules[0]))

/* 0 only when the kernel refuses the flags with EINVAL; any other failure
 * (memory, limits) says nothing about them. */
static int setup_accepts(const struct setup_rule *r)
{
	struct uring__params p;
	memset(&p, 0, sizeof(p));
	p.flags = r->flag | r->needs;
	/* Two entries: a mixed SQ refuses fewer (rings_size). */
	int fd = uring__sys_setup(2, &p);
	if (fd >= 0)
		close(fd);
	return fd != -EINVAL;
}

int uring__setup_flags_lacking(uint32_t flags)
{
	for (size_t i = 0; i < N_SETUP_RULES; i++)
		if ((flags & setup_rules[i].flag) && !setup_accepts(&setup_rules[i]))
			return 1;
	return 0;
}

int uring_feature_supported(uring *t, unsigned feature)
{
	if (!t)
		return 0;
	for (size_t i = 0; i < N_SETUP_RULES; i++)
		if (setup_rules[i].feature == feature)
			return setup_accepts(&setup_rules[i]);
	if (feature == URING_FEATURE_SEND_ZC_REPORT_USAGE)
		return uring_op_supported(t, URING_OP_SEND_ZC) && uring__zc_report_supported();
	return feature < 32 && uring__has(t, feature);
}
