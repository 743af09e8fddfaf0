#ifndef PARA_CLONE_VM_H
#define PARA_CLONE_VM_H

/*
 * clone3() of a child that shares our memory (CLONE_VM is added to
 * args->flags) and runs `fn(arg)` on the stack that `args` gives
 * (args->stack, args->stack_size), as posix_spawn() starts its
 * children: nothing of our address space is copied.  With CLONE_VFORK
 * the kernel suspends us until the child has exec'd or exited; without
 * it the child runs beside us, in our memory.  `fn` must not return,
 * and may only make raw system calls (para_raw_syscall(): glibc's
 * wrappers write our errno, which would be the child's too).
 *
 * Returns the child's pid, or -errno (-ENOSYS where this architecture
 * has no such entry here, or the kernel has no clone3()).
 */
struct clone_args;
long para_clone_vm(struct clone_args *args, void (*fn)(void *), void *arg);

/* The system call `nr`: its result, or -errno; errno is left alone. */
long para_raw_syscall(long nr, long a1, long a2, long a3, long a4, long a5,
		      long a6);

#endif
