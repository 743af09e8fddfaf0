#ifndef PARA_CHILD_H
#define PARA_CHILD_H

#include <sys/types.h>

/*
 * Supervising task processes (Linux).  Each task is started in a session
 * and process group of its own, stdin from /dev/null, output to a log
 * file or a pipe.  Its leader is watched through a pidfd and left
 * unreaped until its group has been dealt with, so that the group id
 * cannot be reused under us.  The supervisor is a child subreaper:
 * descendants that escape the group (`setsid cmd &`, double forks) come
 * back to it as children, to be found and killed.
 */

struct para_spawn {
	const char *const *argv;	/* run with execvp(), no shell */
	const char *const *env;		/* the whole environment */
	const char *dir;		/* chdir here first */
	int out_fd;			/* stdout and stderr; -1: a pipe */
	int gated;			/* wait for para_child_release() */
	const char *path;		/* argv[0]'s file, as para_child_find()
					   found it once; NULL: look for it */
	int cgroup_fd;			/* a cgroup v2 directory to start it
					   in, or -1 (see para_child_spawn) */
	int gate_unborn;		/* gated after all when it cannot be
					   born in cgroup_fd */
};

struct para_child {
	pid_t pid;		/* leader and process group id; 0 when none */
	int pidfd;		/* readable once the leader exited */
	int out;		/* read end of the output pipe, or -1 */
	int gate;		/* write end of the start gate, or -1 */
	int exited;		/* the status below is known */
	int code;		/* exit code, or -1 when killed */
	int signal;		/* terminating signal, or 0 */
	int in_cgroup;		/* it was born in spawn->cgroup_fd */
	void *mem;		/* what it may read of ours until it execs */
};

/* Makes this process a child subreaper; call once before spawning. */
int para_runner_init(void);

/*
 * Stops (0) or resumes (1) being a subreaper: around starting a daemon
 * (a tmux server) that must not become our child.
 */
int para_runner_subreaper(int on);

/*
 * Blocks SIGINT, SIGTERM, SIGHUP, SIGCHLD and SIGUSR1 and returns a signalfd that
 * reports them (restoring default dispositions first: a shell starts
 * background jobs with SIGINT ignored).  Children get the old mask back.
 */
int para_runner_signalfd(int *out);

/*
 * The file execvp() would run for `name` (malloc'd), to look for it once
 * for many children; NULL where that may change from child to child:
 * `name` has a '/', or is not found, or a directory of PATH before it
 * is relative (a child's own directory).
 */
char *para_child_find(const char *name);

/*
 * Starts a child as described; see struct para_spawn.  With a
 * `cgroup_fd`, the child is born in that cgroup where the kernel can
 * do that (clone3() with CLONE_INTO_CGROUP, Linux 5.7), so that it
 * need not be moved there (`in_cgroup` says whether it was); else it
 * is forked where we are, and with `gate_unborn` gated until it has
 * been moved (para_child_release() lets it go).  Where the kernel can,
 * a child is started as posix_spawn() would, without a copy of our
 * memory: an ungated one before this returns, a gated one sharing our
 * memory while it waits (it makes raw system calls only).
 */
int para_child_spawn(struct para_child *out, const struct para_spawn *spawn);

/*
 * The same with the terminal `tty` (a descriptor of a pseudo-terminal's
 * slave side) as the controlling terminal of the child's session and
 * as its stdin, stdout and stderr; `spawn->out_fd` is not used.
 */
int para_child_spawn_tty(struct para_child *out,
			 const struct para_spawn *spawn, int tty);

/*
 * Lets a gated child go on to exec its program.  A gated child whose
 * supervisor dies before this never runs anything.
 */
int para_child_release(struct para_child *child);

/*
 * Checks, without reaping, whether the leader exited; returns 1 (and
 * fills in `exited`, `code`, `signal`) or 0.
 */
int para_child_poll(struct para_child *child);

/* Sends `sig` to the child's whole process group (while unreaped). */
void para_child_signal(const struct para_child *child, int sig);

/*
 * Reaps the leader and closes its descriptors; a gated child not yet
 * released is let go to exit, never waited on while it waits on us.
 */
void para_child_reap(struct para_child *child);

/* Our direct children, living or zombie (malloc'd array in `*out`). */
int para_runner_children(pid_t **out, size_t *nr);

/*
 * Signals a process of ours that is not a task leader: the process and,
 * when it leads a group, that group.  Reaps it if it has exited; returns
 * 1 if it is gone.
 */
int para_runner_hit(pid_t pid, int sig);

/*
 * Kills every descendant left: SIGTERM now, SIGKILL once `kill_at`
 * (monotonic ms) has passed, until none is left.
 */
void para_runner_sweep(long long kill_at);

#endif
