#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "command.h"
#include "error.h"
#include "proc.h"

extern char **environ;

/*
 * Variables that would point a child git at the repository we were
 * started in rather than the one we name with -C.
 */
static const char *const repo_env[] = {
	"GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_COMMON_DIR",
	"GIT_PREFIX", "GIT_OBJECT_DIRECTORY", "GIT_NAMESPACE", NULL
};

/*
 * The child's half of para_command_start() where it forks, with the
 * environment child_env() made: never returns.
 */
static void __attribute__((noreturn)) exec_child(struct para_command *cmd,
						 char **env, int in, int out,
						 int err)
{
	int devnull;

	signal(SIGPIPE, SIG_DFL);
	if (cmd->timeout)
		setpgid(0, 0);
	if (in >= 0) {
		dup2(in, 0);
	} else if (cmd->stdin_null &&
		   (devnull = open("/dev/null", O_RDONLY)) >= 0) {
		dup2(devnull, 0);
	}
	if (out >= 0)
		dup2(out, 1);
	else if (cmd->out_to_err)
		dup2(2, 1);
	if (cmd->err_to_out)
		dup2(1, 2);
	else if (err >= 0)
		dup2(err, 2);
	if (cmd->dir && chdir(cmd->dir) < 0) {
		dprintf(2, "fatal: cannot change to '%s': %s\n", cmd->dir,
			strerror(errno));
		_exit(128);
	}
	environ = env;	/* execvp() looks in the child's PATH */
	execvp(cmd->args.v[0], cmd->args.v);
	dprintf(2, "fatal: cannot run '%s': %s\n", cmd->args.v[0],
		strerror(errno));
	_exit(127);
}

/* Does "K=V" (or "K") `entry` set or unset `key` (up to '=' or NUL)? */
static int same_key(const char *entry, const char *key)
{
	size_t len = strcspn(key, "=");

	return !strncmp(entry, key, len) &&
	       (entry[len] == '=' || entry[len] == '\0');
}

static int overridden(const struct para_strvec *env, size_t from,
		      const char *key)
{
	size_t i;

	for (i = from; i < env->nr; i++)
		if (same_key(env->v[i], key))
			return 1;
	return 0;
}

/*
 * The child's environment: ours, less the repository variables for
 * git, with cmd->env's sets and unsets done in order.
 */
static void child_env(struct para_strvec *out, const struct para_command *cmd)
{
	char **e;
	size_t i;

	for (e = environ; *e; e++) {
		int skip = overridden(&cmd->env, 0, *e);

		for (i = 0; cmd->git && !skip && repo_env[i]; i++)
			skip = same_key(*e, repo_env[i]);
		if (!skip)
			para_strvec_push(out, *e);
	}
	for (i = 0; i < cmd->env.nr; i++)
		if (strchr(cmd->env.v[i], '=') &&
		    !overridden(&cmd->env, i + 1, cmd->env.v[i]))
			para_strvec_push(out, cmd->env.v[i]);
}

/*
 * posix_spawn() does what exec_child() does, without
 * copying our address space (vfork): forking a process costs what its
 * page tables do, and status forks one git per task.
 */
static int spawn_child(pid_t *pid, const struct para_command *cmd,
		       char **env, int in, int out, int err)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t attr;
	short flags = POSIX_SPAWN_SETSIGDEF;
	sigset_t def;
	int error;

	/* posix_spawnp() looks in our PATH, execvp() in the child's */
	if (overridden(&cmd->env, 0, "PATH"))
		return -1;
	posix_spawn_file_actions_init(&fa);
	posix_spawnattr_init(&attr);
	sigemptyset(&def);
	sigaddset(&def, SIGPIPE);
	posix_spawnattr_setsigdefault(&attr, &def);
	if (cmd->timeout) {
		flags |= POSIX_SPAWN_SETPGROUP;
		posix_spawnattr_setpgroup(&attr, 0);
	}
	posix_spawnattr_setflags(&attr, flags);
	if (in >= 0)
		posix_spawn_file_actions_adddup2(&fa, in, 0);
	else if (cmd->stdin_null)
		posix_spawn_file_actions_addopen(&fa, 0, "/dev/null",
						 O_RDONLY, 0);
	if (out >= 0)
		posix_spawn_file_actions_adddup2(&fa, out, 1);
	else if (cmd->out_to_err)
		posix_spawn_file_actions_adddup2(&fa, 2, 1);
	if (cmd->err_to_out)
		posix_spawn_file_actions_adddup2(&fa, 1, 2);
	else if (err >= 0)
		posix_spawn_file_actions_adddup2(&fa, err, 2);
	if (cmd->dir)
		posix_spawn_file_actions_addchdir_np(&fa, cmd->dir);
	error = posix_spawnp(pid, cmd->args.v[0], &fa, &attr, cmd->args.v,
			     env);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&attr);
	return error ? -1 : 0;
}

pid_t para_command_start(struct para_command *cmd, int in, int out, int err)
{
	struct para_strvec env = PARA_STRVEC_INIT;
	char *none[] = { NULL }, **envp;
	pid_t pid;
	int saved;

	child_env(&env, cmd);
	envp = env.v ? env.v : none;
	if (spawn_child(&pid, cmd, envp, in, out, err) < 0) {
		/* it cannot: a child of our own says why, as it exits */
		pid = fork();
		if (!pid)
			exec_child(cmd, envp, in, out, err);
	}
	saved = errno;
	para_strvec_dispose(&env);
	errno = saved;
	return pid;
}

static void close_pair(int fds[2])
{
	if (fds[0] >= 0)
		close(fds[0]);
	if (fds[1] >= 0)
		close(fds[1]);
	fds[0] = fds[1] = -1;
}

/* Time is up: the child's whole group goes, and we stop listening. */
static int expired(struct para_command *cmd, pid_t pid, long long deadline)
{
	if (!deadline || para_monotonic_ms() < deadline)
		return 0;
	kill(-pid, SIGKILL);
	cmd->timed_out = 1;
	return 1;
}

static int poll_timeout(long long deadline)
{
	long long left;

	if (!deadline)
		return -1;
	left = deadline - para_monotonic_ms();
	return left <= 0 ? 0 : left > 1000 ? 1000 : (int)left;
}

/*
 * Moves data between us and the child until its pipes close, or until
 * `deadline` (monotonic ms, 0 for none).
 */
static void pump(struct para_command *cmd, pid_t pid, long long deadline,
		 int in, int out, int err)
{
	const char *feed = cmd->in;
	size_t left = feed ? strlen(feed) : 0;
	char buf[65536];

	while (in >= 0 || out >= 0 || err >= 0) {
		struct pollfd pfd[3] = { { in, POLLOUT, 0 }, { out, POLLIN, 0 },
					 { err, POLLIN, 0 } };
		int i;

		if (expired(cmd, pid, deadline))
			break;
		if (poll(pfd, 3, poll_timeout(deadline)) < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (in >= 0 && pfd[0].revents) {
			ssize_t n = left ? write(in, feed, left) : 0;

			if (n > 0) {
				feed += n;
				left -= (size_t)n;
			}
			if (n <= 0 || !left) {
				close(in);
				in = -1;
			}
		}
		for (i = 1; i < 3; i++) {
			int *fd = i == 1 ? &out : &err;
			struct para_strbuf *sb = i == 1 ? cmd->out : cmd->err;
			ssize_t n;

			if (*fd < 0 || !pfd[i].revents)
				continue;
			n = read(*fd, buf, sizeof(buf));
			if (n > 0) {
				para_strbuf_add(sb, buf, (size_t)n);
			} else if (n == 0 || errno != EINTR) {
				close(*fd);
				*fd = -1;
			}
		}
	}
	if (in >= 0)
		close(in);
	if (out >= 0)
		close(out);
	if (err >= 0)
		close(err);
}

/* Waits for the child; with a deadline, kills its group once it passes. */
static void wait_child(struct para_command *cmd, pid_t pid, long long deadline,
		       int *status)
{
	const struct timespec tick = { 0, 10 * 1000 * 1000 };
	pid_t got;

	while ((got = waitpid(pid, status, deadline && !cmd->timed_out ?
			      WNOHANG : 0)) <= 0) {
		if (got < 0 && errno != EINTR)
			return;
		if (got == 0 && !expired(cmd, pid, deadline))
			nanosleep(&tick, NULL);
	}
}

/*
 * git says "Unable to create '<path>.lock': File exists." when another
 * git holds a lock, or when a git that was killed left it.  Left it is
 * what we can tell: no process has the file open and it is older than
 * any git would hold it for.  Then the output gets a hint saying so.
 */
#define STALE_LOCK_SECONDS 10

static void lock_hint(struct para_strbuf *buf)
{
	const char *start, *end, *open_q = "Unable to create '";
	struct stat st;
	char *path;

	if (!buf || !(start = strstr(buf->buf, open_q)))
		return;
	start += strlen(open_q);
	if (!(end = strstr(start, "': File exists")))
		return;
	path = para_strndup(start, (size_t)(end - start));
	if (strlen(path) > 5 && !strcmp(path + strlen(path) - 5, ".lock") &&
	    !lstat(path, &st) && S_ISREG(st.st_mode) &&
	    time(NULL) - st.st_mtime >= STALE_LOCK_SECONDS &&
	    !para_proc_file_open(path)) {
		para_strbuf_rtrim(buf);
		para_strbuf_addf(buf, "\nhint: no process has '%s' open and "
				 "it is %lld seconds old: a git that was killed "
				 "left it; remove it if no git command is "
				 "running in this repository\n", path,
				 (long long)(time(NULL) - st.st_mtime));
	}
	free(path);
}

int para_command_run(struct para_command *cmd)
{
	int in[2] = { -1, -1 }, out[2] = { -1, -1 }, err[2] = { -1, -1 };
	int status, result;
	long long deadline = 0;
	pid_t pid;

	cmd->timed_out = 0;
	if (cmd->git) {
		struct para_strvec argv = PARA_STRVEC_INIT;

		para_strvec_push(&argv, "git");
		para_strvec_pushv(&argv, (const char *const *)cmd->args.v);
		para_strvec_dispose(&cmd->args);
		cmd->args = argv;
	}
	if ((cmd->in && pipe2(in, O_CLOEXEC) < 0) ||
	    (cmd->out && pipe2(out, O_CLOEXEC) < 0) ||
	    (cmd->err && !cmd->err_to_out && pipe2(err, O_CLOEXEC) < 0)) {
		result = para_error_errno(PARA_ERROR, "cannot create a pipe");
		goto out;
	}
	pid = para_command_start(cmd, cmd->in ? in[0] : -1,
				 cmd->out ? out[1] : -1,
				 cmd->err ? err[1] : -1);
	if (pid < 0) {
		result = para_error_errno(PARA_ERROR, "cannot fork");
		goto out;
	}
	if (cmd->timeout) {
		setpgid(pid, pid);	/* the child does too: no race */
		deadline = para_monotonic_ms() + cmd->timeout;
	}
	if (in[0] >= 0)
		close(in[0]);
	if (out[1] >= 0)
		close(out[1]);
	if (err[1] >= 0)
		close(err[1]);
	in[0] = out[1] = err[1] = -1;
	pump(cmd, pid, deadline, in[1], out[0], err[0]);
	in[1] = out[0] = err[0] = -1;
	status = 0;
	wait_child(cmd, pid, deadline, &status);
	result = WIFEXITED(status) ? WEXITSTATUS(status)
				   : 128 + WTERMSIG(status);
	if (cmd->git && result)
		lock_hint(cmd->err && !cmd->err_to_out ? cmd->err : cmd->out);
out:
	close_pair(in);
	close_pair(out);
	close_pair(err);
	para_strvec_dispose(&cmd->args);
	para_strvec_dispose(&cmd->env);
	return result;
}

void para_git_command_quiet(struct para_command *cmd, struct para_strbuf *out,
			    const char *dir, const char *sub)
{
	cmd->git = 1;
	cmd->stdin_null = 1;
	cmd->out = out;
	cmd->err_to_out = 1;
	para_strvec_pushv(&cmd->args,
			  (const char *const[]){ "-C", dir, sub, NULL });
}

int para_git(struct para_strbuf *out, struct para_strbuf *err,
	     const char *dir, ...)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	const char *arg;
	va_list ap;

	cmd.git = 1;
	cmd.stdin_null = 1;
	cmd.out = out;
	cmd.err = err;
	if (dir) {
		para_strvec_push(&cmd.args, "-C");
		para_strvec_push(&cmd.args, dir);
	}
	va_start(ap, dir);
	while ((arg = va_arg(ap, const char *)))
		para_strvec_push(&cmd.args, arg);
	va_end(ap);
	return para_command_run(&cmd);
}
