#include <errno.h>
#include <linux/sched.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "clone-vm.h"

/*
 * The child begins where the system call returns, on its own stack: it
 * cannot return through C frames that are ours, so the entry is written
 * in the machine's own terms.  The kernel keeps every register but the
 * result (and, on x86-64, rcx and r11) in the child, so `fn` and `arg`
 * are still where we put them.
 */
#if defined(SYS_clone3) && defined(__x86_64__)
long para_clone_vm_entry(struct clone_args *args, unsigned long size,
			 void (*fn)(void *), void *arg);
__asm__(".text\n"
	".globl para_clone_vm_entry\n"
	".type para_clone_vm_entry, @function\n"
	"para_clone_vm_entry:\n"
	"	movq %rdx, %r8\n"		/* fn */
	"	movq %rcx, %r9\n"		/* arg */
	"	movl $435, %eax\n"		/* SYS_clone3 */
	"	syscall\n"
	"	testq %rax, %rax\n"
	"	jz 1f\n"
	"	ret\n"				/* us: pid or -errno */
	"1:	xorl %ebp, %ebp\n"		/* the child: no frame above */
	"	movq %r9, %rdi\n"
	"	call *%r8\n"
	"	movl $127, %edi\n"		/* fn returned: never */
	"	movl $60, %eax\n"		/* SYS_exit */
	"	syscall\n"
	"	hlt\n"
	".size para_clone_vm_entry, .-para_clone_vm_entry\n"
	".globl para_raw_syscall\n"
	".type para_raw_syscall, @function\n"
	"para_raw_syscall:\n"
	"	movq %rdi, %rax\n"
	"	movq %rsi, %rdi\n"
	"	movq %rdx, %rsi\n"
	"	movq %rcx, %rdx\n"
	"	movq %r8, %r10\n"
	"	movq %r9, %r8\n"
	"	movq 8(%rsp), %r9\n"
	"	syscall\n"
	"	ret\n"
	".size para_raw_syscall, .-para_raw_syscall\n");
#define HAVE_ENTRY 1
#elif defined(SYS_clone3) && defined(__aarch64__)
long para_clone_vm_entry(struct clone_args *args, unsigned long size,
			 void (*fn)(void *), void *arg);
__asm__(".text\n"
	".globl para_clone_vm_entry\n"
	".type para_clone_vm_entry, %function\n"
	"para_clone_vm_entry:\n"
	"	mov x8, #435\n"			/* SYS_clone3 */
	"	svc #0\n"
	"	cbz x0, 1f\n"
	"	ret\n"
	"1:	mov x29, xzr\n"
	"	mov x30, xzr\n"
	"	mov x0, x3\n"
	"	blr x2\n"
	"	mov x0, #127\n"
	"	mov x8, #93\n"			/* SYS_exit */
	"	svc #0\n"
	".size para_clone_vm_entry, .-para_clone_vm_entry\n"
	".globl para_raw_syscall\n"
	".type para_raw_syscall, %function\n"
	"para_raw_syscall:\n"
	"	mov x8, x0\n"
	"	mov x0, x1\n"
	"	mov x1, x2\n"
	"	mov x2, x3\n"
	"	mov x3, x4\n"
	"	mov x4, x5\n"
	"	mov x5, x6\n"
	"	svc #0\n"
	"	ret\n"
	".size para_raw_syscall, .-para_raw_syscall\n");
#define HAVE_ENTRY 1
#endif

#ifndef HAVE_ENTRY
/* Only a forked child calls it here: errno is its own. */
long para_raw_syscall(long nr, long a1, long a2, long a3, long a4, long a5,
		      long a6)
{
	long r = syscall(nr, a1, a2, a3, a4, a5, a6);

	return r < 0 ? -errno : r;
}
#endif

long para_clone_vm(struct clone_args *args, void (*fn)(void *), void *arg)
{
#ifdef HAVE_ENTRY
	args->flags |= CLONE_VM;
	return para_clone_vm_entry(args, sizeof(*args), fn, arg);
#else
	(void)args;
	(void)fn;
	(void)arg;
	return -ENOSYS;
#endif
}
