/* SPDX-License-Identifier: ISC */
/*
 * x86_64 system call by inline asm: number in rax, arguments in rdi, rsi,
 * rdx, r10, r8, r9 (r10, not rcx: the `syscall` instruction overwrites rcx
 * with the return address and r11 with rflags, hence the clobbers).  The
 * kernel returns -errno in rax; errno is never touched, which is why every
 * wrapper above this returns -errno.  The "memory" clobber makes the call a
 * compiler barrier: ring stores written before it are emitted before it.
 */
#ifndef CURING_SYSCALL_X86_64_H
#define CURING_SYSCALL_X86_64_H

static inline long uring__syscall6(long nr, long a1, long a2, long a3,
				   long a4, long a5, long a6)
{
	long ret;
	register long r10 __asm__("r10") = a4;
	register long r8 __asm__("r8") = a5;
	register long r9 __asm__("r9") = a6;

	__asm__ volatile("syscall"
			 : "=a"(ret)
			 : "a"(nr), "D"(a1), "S"(a2), "d"(a3), "r"(r10), "r"(r8), "r"(r9)
			 : "rcx", "r11", "memory");
	return ret;
}

#endif
