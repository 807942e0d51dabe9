/* SPDX-License-Identifier: ISC */
/*
 * The three io_uring system calls, each returning a result >= 0 or -errno.
 *
 * In test builds (URING_FAULT_INJECTION) the calls go through a seam that can
 * make the next call of a kind fail with a chosen errno, or shorten the
 * submission count of the next enter, and that counts every call so tests
 * can assert how many syscalls a library function made.
 */
#ifndef CURING_SYSCALL_SYSCALL_H
#define CURING_SYSCALL_SYSCALL_H

#include <stdint.h>
#include "abi.h"

#if defined(__x86_64__)
#include "x86_64.h"
#elif defined(__aarch64__)
#include "aarch64.h"
#else
#include "generic.h"
#endif

enum uring__sys_kind { URING__SYS_SETUP, URING__SYS_ENTER, URING__SYS_REGISTER, URING__SYS_KINDS };

#ifdef URING_FAULT_INJECTION
int uring__sys_setup(unsigned entries, struct uring__params *p);
int uring__sys_enter(int fd, unsigned to_submit, unsigned min_complete,
		     unsigned flags, const void *arg, size_t argsz);
int uring__sys_register(int fd, unsigned opcode, const void *arg, unsigned nr);

/*
 * Arms one fault: the (skip+1)-th next call of `kind` returns -err without
 * reaching the kernel; or, when err is 0 and kind is ENTER, it reaches the
 * kernel with to_submit reduced by short_by (a real short submission).
 */
void uring__fault_arm(enum uring__sys_kind kind, unsigned skip, int err, unsigned short_by);
void uring__fault_clear(void);
uint64_t uring__sys_calls(enum uring__sys_kind kind);

/*
 * An older kernel, emulated over the real one, as such a kernel answers:
 * the probe reports the opcodes in ops_absent unsupported, setup drops the
 * bits of features_absent from the features it reports, and a setup flag,
 * enter flag or register opcode listed absent is refused with EINVAL
 * before the kernel is reached.  In force in this thread until
 * uring__fault_kernel(NULL), which returns to the real kernel, or to the
 * one URING_FAULT_KERNEL=version in the environment names for every thread
 * (so the whole suite can run as on an older kernel).
 */
struct uring__fault_kernel {
	uint8_t ops_absent[32];       /* bit per opcode */
	uint32_t features_absent;     /* IORING_FEAT_* */
	uint32_t setup_absent;        /* IORING_SETUP_* */
	uint32_t enter_absent;        /* IORING_ENTER_* */
	uint64_t register_absent;     /* bit per register opcode */
};
void uring__fault_kernel(const struct uring__fault_kernel *k);
/* Fills k with what Linux major.minor (version: major * 100 + minor, e.g.
 * 510) lacks of what abi.h knows. */
void uring__fault_kernel_as(struct uring__fault_kernel *k, unsigned version);
/* The release that added opcode op, as major * 100 + minor. */
unsigned uring__fault_op_since(unsigned op);
#else
static inline int uring__sys_setup(unsigned entries, struct uring__params *p)
{
	return (int)uring__syscall6(URING__NR_SETUP, (long)entries, (long)p, 0, 0, 0, 0);
}

static inline int uring__sys_enter(int fd, unsigned to_submit, unsigned min_complete,
				   unsigned flags, const void *arg, size_t argsz)
{
	return (int)uring__syscall6(URING__NR_ENTER, fd, (long)to_submit, (long)min_complete,
				    (long)flags, (long)arg, (long)argsz);
}

static inline int uring__sys_register(int fd, unsigned opcode, const void *arg, unsigned nr)
{
	return (int)uring__syscall6(URING__NR_REGISTER, fd, (long)opcode, (long)arg, (long)nr, 0, 0);
}
#endif

#endif
