#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <termios.h>
#include <unistd.h>

#include "error.h"
#include "fs.h"
#include "run-tmux.h"

/*
 * The window's side of run-tmux.c: the pane's process, a relay between
 * the pane's terminal (ours: fd 0 and 1) and the task's pseudo-terminal
 * (its master side, received from the run).  A copy of the output goes
 * to the run, for the task's log, with the terminal's "\r\n" as "\n".
 */

struct relay {
	int master;		/* the task's terminal */
	int run;		/* the run, or -1 once it is gone */
	int cr;			/* a '\r' held back from the run's copy */
	struct termios saved;
	int raw;
};

static int call_run(const char *name)
{
	struct sockaddr_un addr;
	socklen_t len;
	int fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (fd < 0 || strlen(name) >= sizeof(addr.sun_path) - 1)
		goto fail;
	memset(&addr, 0, sizeof(addr));
	addr.sun_family = AF_UNIX;
	memcpy(addr.sun_path + 1, name, strlen(name));
	len = (socklen_t)(offsetof(struct sockaddr_un, sun_path) + 1 +
			  strlen(name));
	if (connect(fd, (struct sockaddr *)&addr, len) < 0)
		goto fail;
	return fd;
fail:
	if (fd >= 0)
		close(fd);
	return para_error_errno(PARA_ERROR, "cannot reach 'git para run'");
}

static int receive_fd(int sock)
{
	char byte, control[CMSG_SPACE(sizeof(int))];
	struct iovec iov = { &byte, 1 };
	struct msghdr msg;
	struct cmsghdr *c;
	int fd = -1;

	memset(&msg, 0, sizeof(msg));
	msg.msg_iov = &iov;
	msg.msg_iovlen = 1;
	msg.msg_control = control;
	msg.msg_controllen = sizeof(control);
	while (recvmsg(sock, &msg, MSG_CMSG_CLOEXEC) < 0)
		if (errno != EINTR)
			return -1;
	c = CMSG_FIRSTHDR(&msg);
	if (c && c->cmsg_level == SOL_SOCKET && c->cmsg_type == SCM_RIGHTS)
		memcpy(&fd, CMSG_DATA(c), sizeof(int));
	return fd;
}

/* Our terminal passes every key on; the task's terminal echoes them. */
static void make_raw(struct relay *r)
{
	struct termios t;

	if (tcgetattr(0, &r->saved) < 0)
		return;
	t = r->saved;
	cfmakeraw(&t);
	r->raw = !tcsetattr(0, TCSANOW, &t);
}

static void copy_size(const struct relay *r)
{
	struct winsize size;

	if (!ioctl(0, TIOCGWINSZ, &size))
		ioctl(r->master, TIOCSWINSZ, &size);
}

/* The run's copy: "\r\n" as "\n"; the run may be gone (then no copy). */
static void to_run(struct relay *r, const char *buf, size_t len)
{
	char out[2 * 4096 + 1];
	size_t i, n = 0;

	if (r->run < 0)
		return;
	for (i = 0; i < len; i++) {
		if (r->cr && buf[i] != '\n')
			out[n++] = '\r';
		r->cr = buf[i] == '\r';
		if (!r->cr)
			out[n++] = buf[i];
	}
	if (n && para_write_full(r->run, out, n) < 0) {
		close(r->run);
		r->run = -1;
	}
}

/* One turn: 0 to go on, 1 once the task's terminal is closed by all. */
static int relay_once(struct relay *r, int sigfd)
{
	struct pollfd pfd[3] = { { r->master, POLLIN, 0 }, { 0, POLLIN, 0 },
				 { sigfd, POLLIN, 0 } };
	char buf[4096];
	ssize_t n;

	if (poll(pfd, 3, -1) < 0)
		return errno == EINTR ? 0 : 1;
	if (pfd[2].revents) {
		struct signalfd_siginfo si;

		while (read(sigfd, &si, sizeof(si)) == sizeof(si))
			;
		copy_size(r);
	}
	if (pfd[1].revents) {
		n = read(0, buf, sizeof(buf));
		if (n > 0)
			para_write_full(r->master, buf, (size_t)n);
		else if (n == 0 || errno != EINTR)
			return 1;	/* the pane is gone */
	}
	if (pfd[0].revents) {
		n = read(r->master, buf, sizeof(buf));
		if (n <= 0)
			return n < 0 && errno == EINTR ? 0 : 1;
		para_write_full(1, buf, (size_t)n);
		to_run(r, buf, (size_t)n);
	}
	return 0;
}

int para_run_tmux_pane(const char *name)
{
	struct relay r = { -1, -1, 0, { 0 }, 0 };
	struct winsize size;
	sigset_t set;
	int sigfd;

	memset(&size, 0, sizeof(size));
	ioctl(0, TIOCGWINSZ, &size);
	signal(SIGPIPE, SIG_IGN);
	if ((r.run = call_run(name)) < 0 ||
	    para_write_full(r.run, &size, sizeof(size)) < 0 ||
	    (r.master = receive_fd(r.run)) < 0) {
		fprintf(stderr, "git-para: the task did not start here\n");
		return 1;
	}
	sigemptyset(&set);
	sigaddset(&set, SIGWINCH);
	sigprocmask(SIG_BLOCK, &set, NULL);
	sigfd = signalfd(-1, &set, SFD_CLOEXEC | SFD_NONBLOCK);
	make_raw(&r);
	copy_size(&r);
	while (!relay_once(&r, sigfd))
		;
	if (r.cr && r.run >= 0)
		para_write_full(r.run, "\r", 1);
	if (r.raw)
		tcsetattr(0, TCSANOW, &r.saved);
	if (r.run >= 0)
		close(r.run);
	close(r.master);
	return 0;
}
