#include <errno.h>
#include <fcntl.h>
#include <stddef.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "clock.h"
#include "command.h"
#include "error.h"
#include "fs.h"
#include "run-internal.h"
#include "run-tmux.h"

/*
 * The tmux backend (`git para run --tmux`): the attempt is a child of
 * ours as with the local backend (run-local.c: its own session and
 * process group, watched through a pidfd), whose controlling terminal
 * is a pseudo-terminal of ours.  A window of the tmux session
 * para-<repo> runs `git-para-run --tmux-pane <socket>`
 * (run-tmux-pane.c), which receives the pseudo-terminal's master side
 * over that socket and relays between it and the pane: what a person
 * types reaches the command, what the command writes is shown there and
 * sent back to us for the log.  The window closes when the command's
 * terminal is closed by all (the command and what it left behind).
 */

/* How long a window has to say it is there. */
#define PANE_WAIT_MS 10000
/* How long the output may trail the end of the command. */
#define OUTPUT_GRACE_MS 2000

int para_run_tmux_check(void)
{
	const char *path = getenv("PATH");
	char *dirs, *dir, *save = NULL;
	int found = 0;

	dirs = para_strdup(path ? path : "/usr/bin:/bin");
	for (dir = strtok_r(dirs, ":", &save); dir && !found;
	     dir = strtok_r(NULL, ":", &save)) {
		char *file = para_xstrfmt("%s/tmux", *dir ? dir : ".");

		found = !access(file, X_OK);
		free(file);
	}
	free(dirs);
	if (!found)
		return para_error_set(PARA_EINVALID, "'tmux' not found on PATH: "
				      "--tmux (para.runner=tmux) needs it");
	return 0;
}

void para_run_tmux_session(struct para_strbuf *out, const char *top)
{
	const char *base = strrchr(top, '/');
	const char *p;

	base = base && base[1] ? base + 1 : top;
	para_strbuf_addstr(out, "para-");
	/* tmux takes neither '.' nor ':' in a session's name */
	for (p = base; *p; p++) {
		char c = *p;
		int keep = (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
			   (c >= '0' && c <= '9') || c == '-' || c == '_';

		para_strbuf_addch(out, keep ? c : '_');
	}
}

/*
 * Runs `tmux <args>`, stdout kept in `out`.  Not as a subreaper: a
 * server it starts must not become our child, to be hunted down.
 */
static int tmux(struct para_strbuf *out, struct para_strbuf *err,
		struct para_strvec *args)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	int status;

	para_strvec_push(&cmd.args, "tmux");
	para_strvec_pushv(&cmd.args, (const char *const *)args->v);
	para_strvec_dispose(args);
	cmd.stdin_null = 1;
	cmd.out = out;
	cmd.err = err;
	cmd.timeout = 10000;
	para_runner_subreaper(0);
	status = para_command_run(&cmd);
	para_runner_subreaper(1);
	if (err)
		para_strbuf_rtrim(err);
	return status;
}

/* A new window for the job, running the pane's side (`pane_argv`). */
static int open_window(struct para_strbuf *out, struct para_run *run,
		       const struct para_run_job *job, const char *socket_name)
{
	struct para_strbuf session = PARA_STRBUF_INIT, err = PARA_STRBUF_INIT;
	struct para_strvec args = PARA_STRVEC_INIT;
	char *self = para_fs_readlink("/proc/self/exe");
	int tries, status = -1;

	para_run_tmux_session(&session, para_repo_top(run->repo));
	/* a window of the session, else the session; one may race us */
	for (tries = 0; tries < 3 && status; tries++) {
		para_strbuf_reset(out);
		para_strbuf_reset(&err);
		if (tries % 2 == 0) {
			para_strvec_push(&args, "new-window");
			para_strvec_pushf(&args, "-t=%s:", session.buf);
		} else {
			para_strvec_push(&args, "new-session");
			para_strvec_pushf(&args, "-s%s", session.buf);
		}
		para_strvec_push(&args, "-d");
		para_strvec_push(&args, "-P");
		para_strvec_push(&args, "-F#{pane_id} #{socket_path}");
		para_strvec_pushf(&args, "-n%s", job->task.name);
		para_strvec_pushf(&args, "-c%s", job->task.worktree);
		para_strvec_push(&args, self ? self : "git-para-run");
		para_strvec_push(&args, "--tmux-pane");
		para_strvec_push(&args, socket_name);
		status = tmux(out, &err, &args);
	}
	if (status)
		para_error_set(PARA_ERROR, "cannot open a tmux window for "
			       "task '%s'%s%s", job->task.name,
			       err.len ? ": " : "", err.buf ? err.buf : "");
	para_strbuf_dispose(&session);
	para_strbuf_dispose(&err);
	free(self);
	return status ? -1 : 0;
}

static void close_window(const char *socket_path, const char *pane)
{
	struct para_strvec args = PARA_STRVEC_INIT;

	para_strvec_pushf(&args, "-S%s", socket_path);
	para_strvec_push(&args, "kill-pane");
	para_strvec_pushf(&args, "-t%s", pane);
	tmux(NULL, NULL, &args);
}

/* An abstract socket: nothing on disk, gone with us. */
static int listen_socket(char **name)
{
	static unsigned counter;
	struct sockaddr_un addr;
	socklen_t len;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	*name = para_xstrfmt("git-para-%ld-%u-%lld", (long)getpid(),
			     counter++, para_monotonic_ms());
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	memcpy(addr.sun_path + 1, *name, strlen(*name));
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			  strlen(*name));
	if (fd < 0 || bind(fd, (struct sockaddr *)&addr, len) < 0 ||
	    listen(fd, 1) < 0) {
		if (fd >= 0)
			close(fd);
		return para_error_errno(PARA_ERROR, "cannot make a socket "
					"for a tmux window");
	}
	return fd;
}

/* The pane's side, once it calls, with the size of its terminal. */
static int accept_pane(struct winsize *size, int listener)
{
	struct pollfd pfd = { listener, POLLIN, 0 };
	long long until = para_monotonic_ms() + PANE_WAIT_MS;
	struct ucred cred;
	socklen_t len = sizeof(cred);
	int fd;

	for (;;) {
		long long left = until - para_monotonic_ms();
		int n;

		if (left <= 0)
			return para_error_set(PARA_ERROR, "the tmux window did "
					      "not answer");
		n = poll(&pfd, 1, (int)left);
		if (n > 0)
			break;
		if (n < 0 && errno != EINTR)
			return para_error_errno(PARA_ERROR, "poll failed");
	}
	fd = accept4(listener, NULL, NULL, SOCK_CLOEXEC);
	if (fd < 0)
		return para_error_errno(PARA_ERROR, "cannot accept the tmux "
					"window's call");
	/* only a process of ours gets the terminal */
	if (getsockopt(fd, SOL_SOCKET, SO_PEERCRED, &cred, &len) < 0 ||
	    cred.uid != getuid() ||
	    para_read_full(fd, size, sizeof(*size)) != sizeof(*size)) {
		close(fd);
		return para_error_set(PARA_ERROR, "the tmux window did not "
				      "answer");
	}
	return fd;
}

static int send_fd(int sock, int fd)
{
	char byte = 'm', control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr msg;
	struct cmsghdr *c;

	memset(&msg, 0, sizeof(msg));
	memset(control, 0, sizeof(control));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control;
	msg.msg_controllen = sizeof(control);
	c = CMSG_FIRSTHDR(&msg);
	c->cmsg_level = SOL_SOCKET;
	c->cmsg_type = SCM_RIGHTS;
	c->cmsg_len = CMSG_LEN(sizeof(int));
	memcpy(CMSG_DATA(c), &fd, sizeof(int));
	if (sendmsg(sock, &msg, MSG_NOSIGNAL) != 1)
		return para_error_errno(PARA_ERROR, "cannot hand the terminal "
					"to the tmux window");
	return 0;
}

/* A new pseudo-terminal of `size`: its master and slave sides. */
static int open_pty(int *master, int *slave, const struct winsize *size)
{
	char name[128];

	*slave = -1;
	*master = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC);
	if (*master < 0 || grantpt(*master) < 0 || unlockpt(*master) < 0 ||
	    ptsname_r(*master, name, sizeof(name)) ||
	    (*slave = open(name, O_RDWR | O_NOCTTY | O_CLOEXEC)) < 0) {
		int saved = errno;

		if (*master >= 0)
			close(*master);
		errno = saved;
		return para_error_errno(PARA_ERROR, "cannot open a terminal");
	}
	if (size->ws_row && size->ws_col)
		ioctl(*master, TIOCSWINSZ, size);
	return 0;
}

/* The command, on a new terminal whose master goes to the pane. */
static int spawn_on_pane(struct para_run_job *job, int pane,
			 const struct winsize *size,
			 const struct para_spawn *spawn)
{
	int master, slave, error;

	if ((error = open_pty(&master, &slave, size)) < 0)
		return error;
	error = para_child_spawn_tty(&job->child, spawn, slave);
	close(slave);
	if (!error && (error = send_fd(pane, master)) < 0) {
		para_child_signal(&job->child, SIGKILL);
		para_child_reap(&job->child);
	}
	close(master);
	return error;
}

static void set_str(char **to, const char *from)
{
	free(*to);
	*to = from ? para_strdup(from) : NULL;
}

/* "%12 /tmp/tmux-1000/default" as tmux printed it */
static int note_window(struct para_run_job *job, struct para_strbuf *out)
{
	char *space;

	para_strbuf_rtrim(out);
	space = strchr(out->buf, ' ');
	if (!space || out->buf[0] != '%')
		return para_error_set(PARA_ERROR, "tmux said '%s', not which "
				      "window it opened", out->buf);
	*space = '\0';
	set_str(&job->task.tmux_pane, out->buf);
	set_str(&job->task.tmux_socket, space + 1);
	return 0;
}

static int tmux_start(struct para_run *run, struct para_run_job *job,
		      const struct para_spawn *spawn)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	struct winsize size;
	char *name = NULL;
	int listener, pane = -1, error;

	if ((listener = listen_socket(&name)) < 0) {
		free(name);
		return -1;
	}
	set_str(&job->task.tmux_pane, NULL);
	if ((error = open_window(&out, run, job, name)) < 0 ||
	    (error = note_window(job, &out)) < 0 ||
	    (error = pane = accept_pane(&size, listener)) < 0 ||
	    (error = spawn_on_pane(job, pane, &size, spawn)) < 0)
		goto out;
	fcntl(pane, F_SETFL, O_NONBLOCK);
	/* what the pane relays of the command's output is read from here */
	job->child.out = pane;
	pane = -1;
	job->exited_mono = 0;
	job->leader = job->child.pid;
	para_proc_identify(&job->task.proc, job->child.pid);
	set_str(&job->task.cluster, NULL);
	set_str(&job->task.job_id, NULL);
out:
	if (error < 0 && job->task.tmux_pane) {
		close_window(job->task.tmux_socket, job->task.tmux_pane);
		set_str(&job->task.tmux_pane, NULL);
		set_str(&job->task.tmux_socket, NULL);
	}
	if (pane >= 0)
		close(pane);
	close(listener);
	para_strbuf_dispose(&out);
	free(name);
	return error < 0 ? -1 : 0;
}

static int tmux_release(struct para_run *run, struct para_run_job *job)
{
	(void)run;
	return para_child_release(&job->child);
}

/*
 * Ended once the command has and the pane has passed on all it showed
 * (it hangs up when the terminal is closed by all), or a little after.
 */
static int tmux_poll(struct para_run *run, struct para_run_job *job)
{
	long long now = para_monotonic_ms();

	(void)run;
	if (!para_child_poll(&job->child))
		return 0;
	if (!job->exited_mono)
		job->exited_mono = now;
	if (job->child.out >= 0 && now - job->exited_mono < OUTPUT_GRACE_MS)
		return 0;
	job->last.code = job->child.code;
	job->last.signal = job->child.signal;
	return 1;
}

static void tmux_signal(struct para_run *run, struct para_run_job *job,
			int sig)
{
	(void)run;
	para_child_signal(&job->child, sig);
}

static void tmux_reap(struct para_run *run, struct para_run_job *job)
{
	(void)run;
	para_child_reap(&job->child);
	job->exited_mono = 0;
}

/* The pidfd, once the output is over; until then tmux_poll() decides. */
static int tmux_fd(const struct para_run_job *job)
{
	return job->child.out < 0 ? job->child.pidfd : -1;
}

const struct para_run_backend para_run_tmux = {
	.name = "tmux",
	.start = tmux_start,
	.release = tmux_release,
	.poll = tmux_poll,
	.signal = tmux_signal,
	.reap = tmux_reap,
	.fd = tmux_fd,
	.interval = 100,
};
