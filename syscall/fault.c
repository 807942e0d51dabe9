/* SPDX-License-Identifier: ISC */
/*
 * The fault-injection seam, compiled into the test build of the library
 * only (the installed library calls the kernel directly, see syscall.h).
 * State is per thread so that a test's fault never fires in another thread.
 */
#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include "syscall.h"

struct uring__fault {
	int armed;
	enum uring__sys_kind kind;
	unsigned skip;
	int err;
	unsigned short_by;
};

static _Thread_local struct uring__fault fault;
static _Thread_local uint64_t calls[URING__SYS_KINDS];

void uring__fault_arm(enum uring__sys_kind kind, unsigned skip, int err, unsigned short_by)
{
	fault = (struct uring__fault){ 1, kind, skip, err, short_by };
}

void uring__fault_clear(void)
{
	fault.armed = 0;
}

uint64_t uring__sys_calls(enum uring__sys_kind kind)
{
	return calls[kind];
}

/* Returns 1 when this call is the armed one (and disarms it). */
static int fault_fires(enum uring__sys_kind kind)
{
	calls[kind]++;
	if (!fault.armed || fault.kind != kind)
		return 0;
	if (fault.skip > 0) {
		fault.skip--;
		return 0;
	}
	fault.armed = 0;
	return 1;
}

/* ---- the emulated older kernel ---- */

static _Thread_local struct uring__fault_kernel old_kernel;
static _Thread_local int old_kernel_on;

/* URING_FAULT_KERNEL=510 in the environment: every thread's default, so
 * that the whole suite can run as on an older kernel. */
static const struct uring__fault_kernel *env_kernel(void)
{
	static struct uring__fault_kernel k;
	static int state;   /* 0 unread, 1 none, 2 set; a race computes the same */
	if (state == 0) {
		const char *v = getenv("URING_FAULT_KERNEL");
		if (v && atoi(v) > 0)
			uring__fault_kernel_as(&k, (unsigned)atoi(v));
		state = v && atoi(v) > 0 ? 2 : 1;
	}
	return state == 2 ? &k : NULL;
}

/* The kernel in force in this thread, or NULL for the real one. */
static const struct uring__fault_kernel *emulated(void)
{
	return old_kernel_on ? &old_kernel : env_kernel();
}

/* Under URING_FAULT_KERNEL, k can only take more away: a test's older
 * kernel is never newer than the one the whole run emulates. */
void uring__fault_kernel(const struct uring__fault_kernel *k)
{
	old_kernel_on = k != NULL;
	if (!k)
		return;
	old_kernel = *k;
	const struct uring__fault_kernel *env = env_kernel();
	if (!env)
		return;
	for (size_t i = 0; i < sizeof(old_kernel.ops_absent); i++)
		old_kernel.ops_absent[i] |= env->ops_absent[i];
	old_kernel.features_absent |= env->features_absent;
	old_kernel.setup_absent |= env->setup_absent;
	old_kernel.enter_absent |= env->enter_absent;
	old_kernel.register_absent |= env->register_absent;
}

/* When each value arrived: ranges of values that share a release, each
 * entry being the first value of its range (so opcodes, feature bits,
 * setup and enter flag bits, which the kernel numbers in order). */
struct since {
	unsigned first, version;
};

static const struct since ops_since[] = {
	{ 0, 501 }, { 8, 502 }, { 9, 503 }, { 11, 504 }, { 12, 505 }, { 17, 506 },
	{ 30, 507 }, { 33, 508 }, { 34, 511 }, { 37, 515 }, { 40, 518 }, { 41, 519 },
	{ 47, 600 }, { 48, 601 }, { 49, 607 }, { 54, 608 }, { 55, 609 }, { 56, 611 },
	{ 58, 615 }, { 62, 616 }, { 63, 619 }, { 65, 9999 },
};
static const struct since feats_since[] = {   /* IORING_FEAT_* bit numbers */
	{ 0, 504 }, { 1, 505 }, { 3, 506 }, { 5, 507 }, { 6, 509 }, { 7, 511 },
	{ 9, 512 }, { 10, 513 }, { 11, 517 }, { 13, 603 }, { 14, 610 }, { 15, 612 },
	{ 16, 615 }, { 18, 9999 },
};
static const struct since setup_since[] = {   /* IORING_SETUP_* bit numbers */
	{ 0, 501 }, { 3, 505 }, { 4, 506 }, { 6, 510 }, { 7, 518 }, { 8, 519 },
	{ 12, 600 }, { 13, 601 }, { 14, 605 }, { 16, 606 }, { 17, 613 }, { 18, 618 },
	{ 19, 619 }, { 20, 9999 },
};
static const struct since enter_since[] = {   /* IORING_ENTER_* bit numbers */
	{ 0, 501 }, { 2, 510 }, { 3, 511 }, { 4, 518 }, { 5, 612 }, { 6, 613 },
	{ 7, 615 }, { 8, 9999 },
};
static const struct since register_since[] = {   /* not in release order */
	{ 0, 501 }, { 4, 502 }, { 6, 505 }, { 7, 506 }, { 11, 510 }, { 13, 513 },
	{ 17, 514 }, { 19, 515 }, { 20, 518 }, { 22, 519 }, { 24, 600 }, { 26, 608 },
	{ 27, 609 }, { 29, 612 }, { 31, 613 }, { 32, 615 }, { 33, 613 }, { 35, 9999 },
};
#define SINCE(table, value) since_lookup(table, sizeof(table) / sizeof(table[0]), value)

static unsigned since_lookup(const struct since *t, size_t n, unsigned value)
{
	unsigned version = t[0].version;
	for (size_t i = 0; i < n && t[i].first <= value; i++)
		version = t[i].version;
	return version;
}

unsigned uring__fault_op_since(unsigned op)
{
	return SINCE(ops_since, op);
}

void uring__fault_kernel_as(struct uring__fault_kernel *k, unsigned version)
{
	*k = (struct uring__fault_kernel){ 0 };
	for (unsigned op = 0; op < 256; op++)
		if (SINCE(ops_since, op) > version)
			k->ops_absent[op / 8] |= (uint8_t)(1u << (op % 8));
	for (unsigned bit = 0; bit < 32; bit++) {
		if (SINCE(feats_since, bit) > version)
			k->features_absent |= 1u << bit;
		if (SINCE(setup_since, bit) > version)
			k->setup_absent |= 1u << bit;
		if (SINCE(enter_since, bit) > version)
			k->enter_absent |= 1u << bit;
	}
	for (unsigned op = 0; op < 64; op++)
		if (SINCE(register_since, op) > version)
			k->register_absent |= UINT64_C(1) << op;
}

static void probe_filter(const struct uring__fault_kernel *k, struct uring__probe *p)
{
	for (unsigned i = 0; i < p->ops_len && i < 256; i++) {
		uint8_t op = p->ops[i].op;
		if (k->ops_absent[op / 8] & (1u << (op % 8)))
			p->ops[i].flags &= (uint16_t)~IO_URING_OP_SUPPORTED;
	}
}

static int register_absent(const struct uring__fault_kernel *k, unsigned opcode)
{
	opcode &= ~IORING_REGISTER_USE_REGISTERED_RING;
	return opcode >= 64 || (k->register_absent >> opcode) & 1;
}

/* ---- the three calls ---- */

int uring__sys_setup(unsigned entries, struct uring__params *p)
{
	if (fault_fires(URING__SYS_SETUP) && fault.err)
		return -fault.err;
	const struct uring__fault_kernel *k = emulated();
	if (k && (p->flags & k->setup_absent))
		return -EINVAL;
	int ret = (int)uring__syscall6(URING__NR_SETUP, (long)entries, (long)p, 0, 0, 0, 0);
	if (k && ret >= 0)
		p->features &= ~k->features_absent;
	return ret;
}

int uring__sys_enter(int fd, unsigned to_submit, unsigned min_complete,
		     unsigned flags, const void *arg, size_t argsz)
{
	const struct uring__fault_kernel *k = emulated();
	if (k && (flags & k->enter_absent))
		return -EINVAL;
	if (fault_fires(URING__SYS_ENTER)) {
		if (fault.err)
			return -fault.err;
		to_submit = fault.short_by < to_submit ? to_submit - fault.short_by : 0;
	}
	return (int)uring__syscall6(URING__NR_ENTER, fd, (long)to_submit, (long)min_complete,
				    (long)flags, (long)arg, (long)argsz);
}

int uring__sys_register(int fd, unsigned opcode, const void *arg, unsigned nr)
{
	if (fault_fires(URING__SYS_REGISTER) && fault.err)
		return -fault.err;
	const struct uring__fault_kernel *k = emulated();
	if (k && register_absent(k, opcode))
		return -EINVAL;
	int ret = (int)uring__syscall6(URING__NR_REGISTER, fd, (long)opcode, (long)arg, (long)nr, 0, 0);
	if (k && ret >= 0 && opcode == IORING_REGISTER_PROBE)
		probe_filter(k, (struct uring__probe *)(uintptr_t)arg);
	return ret;
}
