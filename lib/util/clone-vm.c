#include <errno.h>
#include <linux/sched.h>
#include <sys/syscall.h>

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
	".size para_clone_vm_entry, .-para_clone_vm_entry\n");
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
	".size para_clone_vm_entry, .-para_clone_vm_entry\n");
#define HAVE_ENTRY 1
#endif

long para_clone_vm(struct clone_args *args, void (*fn)(void *), void *arg)
{
#ifdef HAVE_ENTRY
	args->flags |= CLONE_VM | CLONE_VFORK;
	return para_clone_vm_entry(args, sizeof(*args), fn, arg);
#else
	(void)args;
	(void)fn;
	(void)arg;
	return -ENOSYS;
#endif
}
