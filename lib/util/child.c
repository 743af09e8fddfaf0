#include <alloca.h>
#include <errno.h>
#include <fcntl.h>
#include <linux/sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/pidfd.h>
#include <sys/prctl.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "clone-vm.h"
#include "error.h"
#include "child.h"
#include "strbuf.h"

static sigset_t saved_mask;

static const int handled_signals[] = { SIGINT, SIGTERM, SIGHUP, SIGCHLD,
					SIGUSR1 };
#define HANDLED_NR (sizeof(handled_signals) / sizeof(*handled_signals))

int para_runner_init(void)
{
	return para_runner_subreaper(1);
}

int para_runner_subreaper(int on)
{
	if (prctl(PR_SET_CHILD_SUBREAPER, on ? 1 : 0) < 0)
		return para_error_errno(PARA_ERROR,
					"cannot become a child subreaper");
	return 0;
}

int para_runner_signalfd(int *out)
{
	sigset_t set;
	size_t i;
	int fd;

	sigemptyset(&set);
	for (i = 0; i < HANDLED_NR; i++) {
		signal(handled_signals[i], SIG_DFL);
		sigaddset(&set, handled_signals[i]);
	}
	if (sigprocmask(SIG_BLOCK, &set, &saved_mask) < 0)
		return para_error_errno(PARA_ERROR, "cannot block signals");
	fd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	if (fd < 0)
		return para_error_errno(PARA_ERROR, "cannot create a signalfd");
	*out = fd;
	return 0;
}

/*
 * What runs in a child before it execs is not instrumented: a child of
 * vm_spawn() is on a stack the sanitizers know nothing of.
 */
#if defined(__has_attribute)
#if __has_attribute(no_sanitize)
#define IN_CHILD __attribute__((no_sanitize("address", "undefined")))
#endif
#endif
#ifndef IN_CHILD
#define IN_CHILD
#endif

/*
 * Everything a child needs until it execs.  A child may share our
 * memory while we go on (a gated one from vm_spawn()): so it makes
 * system calls only, raw ones that leave our errno alone, and what it
 * reads is in memory that stays until it is reaped (plan_copy()).
 */
struct plan {
	char *const *argv;
	char *const *env;
	char **sh_argv;		/* room for "/bin/sh", the file, argv[1..] */
	const char *path;	/* argv[0]'s file, or NULL: look in search */
	const char *search;	/* our PATH */
	const char *dir;
	int out_fd, gate_rd, gate_wr, tty;
	unsigned long mask;	/* the mask to exec with, as the kernel has it */
};

/* execvp()'s search path when PATH is unset */
#define DEFAULT_PATH "/bin:/usr/bin"

/* The kernel's struct sigaction (x86-64 and aarch64 alike). */
struct ksigaction {
	void *handler;
	unsigned long flags;
	void *restorer;
	unsigned long mask;
};

#define L(x) ((long)(x))
#define SYS0(n) para_raw_syscall(n, 0, 0, 0, 0, 0, 0)
#define SYS1(n, a) para_raw_syscall(n, L(a), 0, 0, 0, 0, 0)
#define SYS2(n, a, b) para_raw_syscall(n, L(a), L(b), 0, 0, 0, 0)
#define SYS3(n, a, b, c) para_raw_syscall(n, L(a), L(b), L(c), 0, 0, 0)
#define SYS4(n, a, b, c, d) para_raw_syscall(n, L(a), L(b), L(c), L(d), 0, 0)

IN_CHILD static void child_exit(int code)
{
	for (;;)
		SYS1(SYS_exit_group, code);
}

IN_CHILD static int move_fd(int from, int to)
{
	if (from == to)
		return SYS3(SYS_fcntl, from, F_SETFD, 0) < 0 ? -1 : 0;
	return SYS3(SYS_dup3, from, to, 0) < 0 ? -1 : 0;
}

IN_CHILD static size_t child_strlen(const char *s)
{
	size_t n = 0;

	while (s[n])
		n++;
	return n;
}

/* "fatal: <what>'<name>': <why>\n" on stderr, in one write */
IN_CHILD static void child_say(const char *what, const char *name, int err)
{
	const char *part[] = { "fatal: ", what, "'", name, "': ",
			       strerrordesc_np(err), "\n" };
	char buf[1024];
	size_t n = 0, i, k;

	for (i = 0; i < sizeof(part) / sizeof(*part); i++)
		for (k = 0; part[i] && part[i][k] && n < sizeof(buf); k++)
			buf[n++] = part[i][k];
	SYS3(SYS_write, 2, buf, n);
}

/* Returns only when `file` cannot be run, with the error. */
IN_CHILD static int child_try(const struct plan *p, const char *file)
{
	long r = SYS3(SYS_execve, file, p->argv, p->env);
	size_t i;

	if (r != -ENOEXEC)
		return (int)-r;
	/* a script without #!: as execvp() does, the shell reads it */
	p->sh_argv[0] = (char *)"/bin/sh";
	p->sh_argv[1] = (char *)file;
	for (i = 1; p->argv[i - 1] && p->argv[i]; i++)
		p->sh_argv[i + 1] = p->argv[i];
	p->sh_argv[i + 1] = NULL;
	return (int)-SYS3(SYS_execve, "/bin/sh", p->sh_argv, p->env);
}

/* execvp()'s search: returns the error when nothing could be run. */
IN_CHILD static int child_search(const struct plan *p)
{
	const char *name = p->argv[0], *d = p->search ? p->search
						      : DEFAULT_PATH;
	size_t len = child_strlen(name), i;
	int err = ENOENT, denied = 0;
	char buf[4096];

	for (i = 0; i < len; i++)
		if (name[i] == '/')
			return child_try(p, name);
	while (1) {
		size_t n = 0;

		while (d[n] && d[n] != ':')
			n++;
		if (n + len + 2 <= sizeof(buf)) {
			size_t k = 0, j;

			for (j = 0; j < n; j++)
				buf[k++] = d[j];
			if (n)
				buf[k++] = '/';
			for (j = 0; j <= len; j++)
				buf[k++] = name[j];
			err = child_try(p, buf);
			if (err == EACCES)
				denied = 1;
			else if (err != ENOENT && err != ENOTDIR)
				return err;
		}
		if (!d[n])
			break;
		d += n + 1;
	}
	return denied ? EACCES : err;
}

/* In the child: never returns. */
IN_CHILD static void child_run(const struct plan *p)
{
	struct ksigaction sa, dfl = { SIG_DFL, 0, NULL, 0 };
	long r;
	int sig, err;
	char c;

	if (p->gate_wr >= 0)
		SYS1(SYS_close, p->gate_wr);
	SYS0(SYS_setsid);
	if (p->gate_rd >= 0) {
		/* EOF: the supervisor died before it recorded us */
		do
			r = SYS3(SYS_read, p->gate_rd, &c, 1);
		while (r == -EINTR);
		if (r != 1 || c != 'g')
			child_exit(125);
	}
	if (p->tty >= 0) {
		if (SYS3(SYS_ioctl, p->tty, TIOCSCTTY, 0) < 0 ||
		    move_fd(p->tty, 0) < 0 || move_fd(p->tty, 1) < 0 ||
		    move_fd(p->tty, 2) < 0)
			child_exit(125);
	} else {
		r = SYS3(SYS_openat, AT_FDCWD, "/dev/null",
			O_RDONLY | O_CLOEXEC);
		if (r < 0 || move_fd((int)r, 0) < 0 ||
		    move_fd(p->out_fd, 1) < 0 || move_fd(p->out_fd, 2) < 0)
			child_exit(125);
	}
	/* no handler of ours runs in it; SIGPIPE as a program expects */
	for (sig = 1; sig <= 64; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP ||
		    SYS4(SYS_rt_sigaction, sig, NULL, &sa, 8) < 0)
			continue;
		if ((sa.handler != SIG_DFL && sa.handler != SIG_IGN) ||
		    (sig == SIGPIPE && sa.handler == SIG_IGN))
			SYS4(SYS_rt_sigaction, sig, &dfl, NULL, 8);
	}
	SYS4(SYS_rt_sigprocmask, SIG_SETMASK, &p->mask, NULL, 8);
	if (p->dir && (r = SYS1(SYS_chdir, p->dir)) < 0) {
		child_say("cannot change to ", p->dir, (int)-r);
		child_exit(126);
	}
	err = p->path ? child_try(p, p->path) : ENOENT;
	/* not there any more: as execvp() would, in PATH */
	if (err == ENOENT)
		err = child_search(p);
	child_say("cannot run ", p->argv[0], err);
	child_exit(127);
}

static void plan_init(struct plan *p, const struct para_spawn *spawn,
		      char **sh_argv, int out_fd, int gate_rd, int gate_wr,
		      int tty)
{
	p->argv = (char *const *)spawn->argv;
	p->env = (char *const *)spawn->env;
	p->sh_argv = sh_argv;
	p->path = spawn->path;
	p->search = getenv("PATH");
	p->dir = spawn->dir;
	p->out_fd = out_fd;
	p->gate_rd = gate_rd;
	p->gate_wr = gate_wr;
	p->tty = tty;
	memcpy(&p->mask, &saved_mask, sizeof(p->mask));
}

static size_t vec_len(char *const *v)
{
	size_t n = 0;

	while (v[n])
		n++;
	return n;
}

/* Bytes of the strings of `v`, with their NULs. */
static size_t vec_bytes(char *const *v)
{
	size_t n = 0, i;

	for (i = 0; v[i]; i++)
		n += strlen(v[i]) + 1;
	return n;
}

static char *put_str(char **at, const char *s)
{
	size_t n;
	char *to = *at;

	if (!s)
		return NULL;
	n = strlen(s) + 1;
	memcpy(to, s, n);
	*at += n;
	return to;
}

static char **put_vec(char ***slots, char **at, char *const *v)
{
	char **to = *slots;
	size_t i;

	for (i = 0; v[i]; i++)
		to[i] = put_str(at, v[i]);
	to[i] = NULL;
	*slots += i + 1;
	return to;
}

#define CHILD_STACK (64 * 1024)

/*
 * The plan in memory of its own (returned, freed once the child is
 * reaped), after a stack for the child of CHILD_STACK bytes.
 */
static void *plan_copy(struct plan **out, const struct plan *from)
{
	size_t argc = vec_len(from->argv), envc = vec_len(from->env);
	size_t strings = vec_bytes(from->argv) + vec_bytes(from->env) +
		(from->path ? strlen(from->path) + 1 : 0) +
		(from->search ? strlen(from->search) + 1 : 0) +
		(from->dir ? strlen(from->dir) + 1 : 0);
	size_t slots = argc + 1 + envc + 1 + argc + 3;
	char *mem = para_malloc(CHILD_STACK + sizeof(struct plan) +
				slots * sizeof(char *) + strings);
	struct plan *p = (struct plan *)(mem + CHILD_STACK);
	char **slot = (char **)(p + 1);
	char *at = (char *)(slot + slots);

	*p = *from;
	p->argv = put_vec(&slot, &at, from->argv);
	p->env = put_vec(&slot, &at, from->env);
	p->sh_argv = slot;
	p->path = put_str(&at, from->path);
	p->search = put_str(&at, from->search);
	p->dir = put_str(&at, from->dir);
	*out = p;
	return mem;
}

char *para_child_find(const char *name)
{
	const char *p = getenv("PATH");
	struct stat st;

	if (strchr(name, '/'))
		return NULL;
	if (!p)
		p = DEFAULT_PATH;
	for (; *p; p += *p == ':') {
		size_t len = strcspn(p, ":");
		char *file;

		if (p[0] != '/')
			return NULL;
		file = para_xstrfmt("%.*s/%s", (int)len, p, name);
		if (!access(file, X_OK) && !stat(file, &st) &&
		    S_ISREG(st.st_mode))
			return file;
		free(file);
		p += len;
	}
	return NULL;
}

/* A child that exits with SIGCHLD, with its pidfd, in `cgroup_fd`. */
static void clone_args_init(struct clone_args *args, int cgroup_fd,
			    int *pidfd)
{
	memset(args, 0, sizeof(*args));
	args->flags = CLONE_PIDFD;
	args->pidfd = (uint64_t)(uintptr_t)pidfd;
	args->exit_signal = SIGCHLD;
#ifdef CLONE_INTO_CGROUP
	if (cgroup_fd >= 0) {
		args->flags |= CLONE_INTO_CGROUP;
		args->cgroup = (uint64_t)cgroup_fd;
	}
#else
	(void)cgroup_fd;
#endif
}

/*
 * fork(), into the cgroup `cgroup_fd` (unless -1) where the kernel can:
 * then `*born_in` is 1 and `*pidfd` the child's pidfd.  The child only
 * makes system calls until it execs (child_exec()), which is what makes
 * a raw clone3() safe where fork() would run glibc's fork handlers.
 */
static pid_t fork_into(int cgroup_fd, int *born_in, int *pidfd)
{
	*born_in = 0;
	*pidfd = -1;
#if defined(SYS_clone3) && defined(CLONE_INTO_CGROUP)
	if (cgroup_fd >= 0) {
		struct clone_args args;
		long pid;

		clone_args_init(&args, cgroup_fd, pidfd);
		pid = syscall(SYS_clone3, &args, sizeof(args));
		if (pid >= 0) {
			*born_in = pid > 0;
			return (pid_t)pid;
		}
		/* an older kernel, or no cgroup v2 directory: fork */
		*pidfd = -1;	/* the kernel may have written one it closed */
	}
#else
	(void)cgroup_fd;
#endif
	return fork();
}

/* Its stack: the child is done with it once clone3() returns to us. */
static char vm_stack[CHILD_STACK] __attribute__((aligned(64)));

IN_CHILD static void vm_child(void *arg)
{
	child_run(arg);
}

/*
 * A child is started as posix_spawn() starts one (clone-vm.h), with no
 * copy of our page tables, whose cost grows with what we have loaded.
 * An ungated one runs while we wait for its exec, on vm_stack; a gated
 * one waits at its gate while we go on, so it gets a copy of the plan
 * and a stack of its own, in `*mem` until it is reaped.  Returns the
 * pid, or -1 (with errno) where fork_into() must do it.
 */
static pid_t vm_spawn(const struct plan *plan, int cgroup_fd, int *born_in,
		      int *pidfd, void **mem)
{
	struct plan *p = (struct plan *)plan;
	struct clone_args args;
	sigset_t all, mask;
	long pid;
	int saved;

	*born_in = 0;
	*pidfd = -1;
	*mem = NULL;
	clone_args_init(&args, cgroup_fd, pidfd);
	if (plan->gate_rd >= 0) {
		*mem = plan_copy(&p, plan);
		args.stack = (uint64_t)(uintptr_t)*mem;
	} else {
		args.flags |= CLONE_VFORK;
		args.stack = (uint64_t)(uintptr_t)vm_stack;
	}
	args.stack_size = CHILD_STACK;
	/* nothing reaches it before it has reset our handlers */
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &mask);
	pid = para_clone_vm(&args, vm_child, p);
	saved = pid < 0 ? (int)-pid : errno;
	sigprocmask(SIG_SETMASK, &mask, NULL);
	if (pid < 0) {
		*pidfd = -1;	/* the kernel may have written one it closed */
		free(*mem);
		*mem = NULL;
		errno = saved;
		return -1;
	}
	*born_in = (args.flags & CLONE_INTO_CGROUP) != 0;
	errno = saved;
	return (pid_t)pid;
}

static void close_fd(int *fd)
{
	if (*fd >= 0)
		close(*fd);
	*fd = -1;
}

int para_child_spawn(struct para_child *out, const struct para_spawn *spawn)
{
	return para_child_spawn_tty(out, spawn, -1);
}

int para_child_spawn_tty(struct para_child *out,
			 const struct para_spawn *spawn, int tty)
{
	int pipe_fds[2] = { -1, -1 }, gate[2] = { -1, -1 };
	int out_fd = tty >= 0 ? tty : spawn->out_fd;
	size_t argc = 0;
	struct plan plan;
	char **sh_argv;
	pid_t pid;

	memset(out, 0, sizeof(*out));
	out->pidfd = out->out = out->gate = -1;
	out->code = -1;
	while (spawn->argv[argc])
		argc++;
	/* for a forked child; a gated child sharing our memory has a copy */
	sh_argv = alloca((argc + 3) * sizeof(*sh_argv));
	if (out_fd < 0 && pipe2(pipe_fds, O_CLOEXEC) < 0)
		goto fail;
	if (out_fd < 0) {
		/* a reader that never blocks: strays may hold the pipe open */
		fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
		out_fd = pipe_fds[1];
	}
	if (spawn->gated && pipe2(gate, O_CLOEXEC) < 0)
		goto fail;
	plan_init(&plan, spawn, sh_argv, out_fd, gate[0], gate[1], tty);
	pid = vm_spawn(&plan, spawn->cgroup_fd, &out->in_cgroup,
		       &out->pidfd, &out->mem);
	/* where the kernel cannot: forked, and gated where it must be */
	if (pid < 0 && !spawn->gated && spawn->gate_unborn &&
	    spawn->cgroup_fd >= 0) {
		if (pipe2(gate, O_CLOEXEC) < 0)
			goto fail;
		plan.gate_rd = gate[0];
		plan.gate_wr = gate[1];
	}
	if (pid < 0)
		pid = fork_into(spawn->cgroup_fd, &out->in_cgroup,
				&out->pidfd);
	if (pid < 0)
		goto fail;
	if (!pid)
		child_run(&plan);
	out->pid = pid;
	if (out->pidfd < 0)
		out->pidfd = pidfd_open(pid, 0);
	if (out->pidfd < 0) {
		int saved = errno;

		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
		free(out->mem);
		out->mem = NULL;
		errno = saved;
		out->pid = 0;
		goto fail;
	}
	close_fd(&pipe_fds[1]);
	close_fd(&gate[0]);
	out->out = pipe_fds[0];
	out->gate = gate[1];
	return 0;
fail:
	close_fd(&pipe_fds[0]);
	close_fd(&pipe_fds[1]);
	close_fd(&gate[0]);
	close_fd(&gate[1]);
	return para_error_errno(PARA_ERROR, "cannot start '%s'",
				spawn->argv[0]);
}

int para_child_release(struct para_child *child)
{
	int ok;

	if (child->gate < 0)
		return 0;
	ok = write(child->gate, "g", 1) == 1;
	close_fd(&child->gate);
	return ok ? 0 : para_error_errno(PARA_ERROR, "cannot start pid %ld",
					 (long)child->pid);
}

int para_child_poll(struct para_child *child)
{
	siginfo_t info;

	if (child->exited)
		return 1;
	memset(&info, 0, sizeof(info));
	if (waitid(P_PIDFD, (id_t)child->pidfd, &info,
		   WEXITED | WNOHANG | WNOWAIT) < 0 || !info.si_pid)
		return 0;
	child->exited = 1;
	if (info.si_code == CLD_EXITED) {
		child->code = info.si_status;
		child->signal = 0;
	} else {
		child->code = -1;
		child->signal = info.si_status;
	}
	return 1;
}

void para_child_signal(const struct para_child *child, int sig)
{
	if (child->pid <= 1)
		return;
	/* a child that has not made its group yet is reached by its pid */
	if (kill(-child->pid, sig) < 0 && errno == ESRCH)
		kill(child->pid, sig);
}

void para_child_reap(struct para_child *child)
{
	/* a gated child that reads EOF exits before it runs anything */
	close_fd(&child->gate);
	if (child->pid > 0)
		while (waitpid(child->pid, NULL, 0) < 0 && errno == EINTR)
			;
	child->pid = 0;
	/* gone: what it had of our memory goes too */
	free(child->mem);
	child->mem = NULL;
	close_fd(&child->pidfd);
	close_fd(&child->out);
	close_fd(&child->gate);
}

int para_runner_children(pid_t **out, size_t *nr)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char path[64];
	const char *p;
	size_t alloc = 0;
	char *end;

	*out = NULL;
	*nr = 0;
	snprintf(path, sizeof(path), "/proc/self/task/%ld/children",
		 (long)getpid());
	if (para_strbuf_read_whole(&sb, path) < 0)
		return para_error_errno(PARA_ERROR, "cannot read '%s'", path);
	for (p = sb.buf; *p; p = end) {
		long pid = strtol(p, &end, 10);

		if (end == p)
			break;
		*out = para_grow(*out, &alloc, *nr + 1, sizeof(**out));
		(*out)[(*nr)++] = (pid_t)pid;
	}
	para_strbuf_dispose(&sb);
	return 0;
}

int para_runner_hit(pid_t pid, int sig)
{
	siginfo_t info;

	memset(&info, 0, sizeof(info));
	if (waitid(P_PID, (id_t)pid, &info, WEXITED | WNOHANG | WNOWAIT) == 0 &&
	    info.si_pid == pid) {
		waitpid(pid, NULL, WNOHANG);
		return 1;
	}
	/* still our unreaped child: neither its pid nor its group is reused */
	if (getpgid(pid) == pid)
		kill(-pid, sig);
	kill(pid, sig);
	return 0;
}

void para_runner_sweep(long long kill_at)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	pid_t *seen = NULL, *kids;
	size_t seen_nr = 0, nr, i, k;

	while (para_runner_children(&kids, &nr) == 0 && nr) {
		int killing = para_monotonic_ms() >= kill_at;

		for (i = 0; i < nr; i++) {
			int known = 0;

			for (k = 0; k < seen_nr; k++)
				known |= seen[k] == kids[i];
			if (known && !killing) {
				para_runner_hit(kids[i], 0);
				continue;
			}
			if (!known) {
				seen = para_realloc(seen, (seen_nr + 1) *
						    sizeof(*seen));
				seen[seen_nr++] = kids[i];
			}
			para_runner_hit(kids[i], killing ? SIGKILL : SIGTERM);
		}
		free(kids);
		nanosleep(&tick, NULL);
	}
	free(seen);
}
