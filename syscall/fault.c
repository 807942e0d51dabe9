/* SPDX-License-Identifier: ISC */
/*
 * The fault-injection seam, compiled into the test build of the library
 * only (the installed library calls the kernel directly, see syscall.h).
 * State is per thread so that a test's fault never fires in another thread.
 */
#include <stdint.h>
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

int uring__sys_setup(unsigned entries, struct uring__params *p)
{
	if (fault_fires(URING__SYS_SETUP) && fault.err)
		return -fault.err;
	return (int)uring__syscall6(URING__NR_SETUP, (long)entries, (long)p, 0, 0, 0, 0);
}

int uring__sys_enter(int fd, unsigned to_submit, unsigned min_complete,
		     unsigned flags, const void *arg, size_t argsz)
{
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
	return (int)uring__syscall6(URING__NR_REGISTER, fd, (long)opcode, (long)arg, (long)nr, 0, 0);
}
