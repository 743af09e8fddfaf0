#ifndef PARA_CLONE_VM_H
#define PARA_CLONE_VM_H

/*
 * clone3() of a child that shares our memory and runs `fn(arg)` on the
 * stack that `args` gives (args->stack, args->stack_size), as
 * posix_spawn() starts its children: with CLONE_VM | CLONE_VFORK the
 * kernel suspends us until the child has exec'd or exited, so nothing
 * of our address space is copied.  `fn` must not return; it may only
 * make system calls (it runs beside nothing: we are suspended, but it
 * writes our errno).
 *
 * Returns the child's pid, or -errno (-ENOSYS where this architecture
 * has no such entry here, or the kernel has no clone3()).
 */
struct clone_args;
long para_clone_vm(struct clone_args *args, void (*fn)(void *), void *arg);

#endif
