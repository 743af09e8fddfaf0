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
 * In the child: `tty` (or -1) becomes the controlling terminal of the
 * new session, and stdin, stdout and stderr.
 */
IN_CHILD static int take_terminal(int tty)
{
	return ioctl(tty, TIOCSCTTY, 0) < 0 || dup2(tty, 0) < 0 ||
	       dup2(tty, 1) < 0 || dup2(tty, 2) < 0 ? -1 : 0;
}

/* In the child: never returns. */
IN_CHILD static void child_exec(const struct para_spawn *spawn, int out_fd,
		       int gate_fd, int tty)
{
	int devnull = tty < 0 ? open("/dev/null", O_RDONLY) : -1;
	char c;

	setsid();
	if (gate_fd >= 0) {
		/* EOF: the supervisor died before it recorded us */
		while (read(gate_fd, &c, 1) < 0 && errno == EINTR)
			;
		if (c != 'g')
			_exit(125);
	}
	if (tty >= 0 ? take_terminal(tty) < 0 :
	    devnull < 0 || dup2(devnull, 0) < 0 || dup2(out_fd, 1) < 0 ||
	    dup2(out_fd, 2) < 0)
		_exit(125);
	signal(SIGPIPE, SIG_DFL);
	sigprocmask(SIG_SETMASK, &saved_mask, NULL);
	if (spawn->dir && chdir(spawn->dir) < 0) {
		dprintf(2, "fatal: cannot change to '%s': %s\n", spawn->dir,
			strerror(errno));
		_exit(126);
	}
	if (spawn->path)
		execve(spawn->path, (char *const *)spawn->argv,
		       (char *const *)spawn->env);
	/* not there any more, or a script without #!: as execvp() does */
	execvpe(spawn->argv[0], (char *const *)spawn->argv,
		(char *const *)spawn->env);
	dprintf(2, "fatal: cannot run '%s': %s\n", spawn->argv[0],
		strerror(errno));
	_exit(127);
}

char *para_child_find(const char *name)
{
	const char *p = getenv("PATH");
	struct stat st;

	if (strchr(name, '/'))
		return NULL;
	/* execvp()'s default when PATH is unset */
	if (!p)
		p = "/bin:/usr/bin";
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

		memset(&args, 0, sizeof(args));
		args.flags = CLONE_INTO_CGROUP | CLONE_PIDFD;
		args.pidfd = (uint64_t)(uintptr_t)pidfd;
		args.exit_signal = SIGCHLD;
		args.cgroup = (uint64_t)cgroup_fd;
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

/* What a child that shares our memory needs to exec (vm_child()). */
struct vm_start {
	const struct para_spawn *spawn;
	int out_fd;
	int tty;
	sigset_t mask;		/* ours, to go back to after the clone */
};

/* Its stack: the child is done with it once clone3() returns to us. */
static char vm_stack[256 * 1024] __attribute__((aligned(64)));

/*
 * The child of vm_spawn(), in our memory while we wait: no handler of
 * ours may run in it, so each is reset before signals are let in.
 */
IN_CHILD static void vm_child(void *arg)
{
	struct vm_start *start = arg;
	struct sigaction sa;
	int sig;

	for (sig = 1; sig < NSIG; sig++) {
		if (sig == SIGKILL || sig == SIGSTOP ||
		    sigaction(sig, NULL, &sa) < 0)
			continue;
		if (sa.sa_handler != SIG_DFL && sa.sa_handler != SIG_IGN) {
			sa.sa_handler = SIG_DFL;
			sa.sa_flags = 0;
			sigaction(sig, &sa, NULL);
		}
	}
	child_exec(start->spawn, start->out_fd, -1, start->tty);
}

/*
 * An ungated child needs nothing of our memory but what it execs, so it
 * is started as posix_spawn() starts one (clone-vm.h): no copy of our
 * page tables, whose cost grows with what we have loaded.  Returns the
 * pid, or -1 with errno ENOSYS where fork_into() must do it.
 */
static pid_t vm_spawn(const struct para_spawn *spawn, int out_fd, int tty,
		      int *born_in, int *pidfd)
{
	struct vm_start start;
	struct clone_args args;
	sigset_t all;
	long pid;
	int saved;

	*born_in = 0;
	*pidfd = -1;
	start.spawn = spawn;
	start.out_fd = out_fd;
	start.tty = tty;
	sigfillset(&all);
	sigprocmask(SIG_SETMASK, &all, &start.mask);
	memset(&args, 0, sizeof(args));
	args.flags = CLONE_PIDFD;
	args.pidfd = (uint64_t)(uintptr_t)pidfd;
	args.exit_signal = SIGCHLD;
	args.stack = (uint64_t)(uintptr_t)vm_stack;
	args.stack_size = sizeof(vm_stack);
#ifdef CLONE_INTO_CGROUP
	if (spawn->cgroup_fd >= 0) {
		args.flags |= CLONE_INTO_CGROUP;
		args.cgroup = (uint64_t)spawn->cgroup_fd;
	}
#endif
	pid = para_clone_vm(&args, vm_child, &start);
	saved = pid < 0 ? (int)-pid : errno;
	sigprocmask(SIG_SETMASK, &start.mask, NULL);
	if (pid < 0) {
		*pidfd = -1;	/* the kernel may have written one it closed */
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
	pid_t pid;

	memset(out, 0, sizeof(*out));
	out->pidfd = out->out = out->gate = -1;
	out->code = -1;
	if (out_fd < 0 && pipe2(pipe_fds, O_CLOEXEC) < 0)
		goto fail;
	if (out_fd < 0) {
		/* a reader that never blocks: strays may hold the pipe open */
		fcntl(pipe_fds[0], F_SETFL, O_NONBLOCK);
		out_fd = pipe_fds[1];
	}
	pid = -1;
	if (!spawn->gated)
		pid = vm_spawn(spawn, out_fd, tty, &out->in_cgroup,
			       &out->pidfd);
	/* else, or where the kernel cannot: forked, and gated as asked */
	if (pid < 0 && (spawn->gated || (spawn->gate_unborn &&
					 spawn->cgroup_fd >= 0)) &&
	    pipe2(gate, O_CLOEXEC) < 0)
		goto fail;
	if (pid < 0)
		pid = fork_into(spawn->cgroup_fd, &out->in_cgroup,
				&out->pidfd);
	if (pid < 0)
		goto fail;
	if (!pid) {
		if (gate[1] >= 0)
			close(gate[1]);
		child_exec(spawn, out_fd, gate[0], tty);
	}
	out->pid = pid;
	if (out->pidfd < 0)
		out->pidfd = pidfd_open(pid, 0);
	if (out->pidfd < 0) {
		int saved = errno;

		kill(pid, SIGKILL);
		waitpid(pid, NULL, 0);
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
	if (para_strbuf_read_file(&sb, path) < 0)
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
