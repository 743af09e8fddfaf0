#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "batch.h"
#include "command.h"
#include "error.h"
#include "sysinfo.h"

/* One running job: its process and the read ends of its two pipes. */
struct slot {
	struct para_batch_job *job;
	pid_t pid;
	int fd[2];
};

static pid_t child(struct para_batch_job *job, int out, int err)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	pid_t pid;

	cmd.git = 1;
	cmd.stdin_null = 1;
	cmd.env = job->env;
	para_strvec_push(&cmd.args, "git");
	para_strvec_pushv(&cmd.args, (const char *const *)job->args.v);
	pid = para_command_start(&cmd, -1, out, err);
	para_strvec_dispose(&cmd.args);	/* cmd.env is the job's */
	return pid;
}

static int start(struct slot *slot, struct para_batch_job *job)
{
	int out[2], err[2];

	if (pipe2(out, O_CLOEXEC) < 0)
		return para_error_errno(PARA_ERROR, "cannot create a pipe");
	if (pipe2(err, O_CLOEXEC) < 0) {
		close(out[0]);
		close(out[1]);
		return para_error_errno(PARA_ERROR, "cannot create a pipe");
	}
	slot->pid = child(job, out[1], err[1]);
	close(out[1]);
	close(err[1]);
	if (slot->pid < 0) {
		close(out[0]);
		close(err[0]);
		return para_error_errno(PARA_ERROR, "cannot fork");
	}
	slot->job = job;
	slot->fd[0] = out[0];
	slot->fd[1] = err[0];
	return 0;
}

/* Reads what is there; returns 1 once both pipes are closed. */
static int drain(struct slot *slot, const struct pollfd *pfd)
{
	char buf[65536];
	int i;

	for (i = 0; i < 2; i++) {
		struct para_strbuf *sb = i ? &slot->job->err : &slot->job->out;
		ssize_t n;

		if (slot->fd[i] < 0 || !pfd[i].revents)
			continue;
		n = read(slot->fd[i], buf, sizeof(buf));
		if (n > 0) {
			para_strbuf_add(sb, buf, (size_t)n);
		} else if (n == 0 || errno != EINTR) {
			close(slot->fd[i]);
			slot->fd[i] = -1;
		}
	}
	return slot->fd[0] < 0 && slot->fd[1] < 0;
}

static void finish(struct slot *slot)
{
	int status;

	while (waitpid(slot->pid, &status, 0) < 0 && errno == EINTR)
		;
	slot->job->status = WIFEXITED(status) ? WEXITSTATUS(status)
					      : 128 + WTERMSIG(status);
	slot->job = NULL;
}

static void wait_some(struct slot *slots, struct pollfd *pfd, unsigned nr)
{
	unsigned i;

	for (i = 0; i < nr; i++) {
		int k;

		for (k = 0; k < 2; k++) {
			pfd[2 * i + k].fd = slots[i].job ? slots[i].fd[k] : -1;
			pfd[2 * i + k].events = POLLIN;
			pfd[2 * i + k].revents = 0;
		}
	}
	if (poll(pfd, 2 * nr, -1) < 0)
		return;
	for (i = 0; i < nr; i++)
		if (slots[i].job && drain(&slots[i], &pfd[2 * i]))
			finish(&slots[i]);
}

int para_batch_run(struct para_batch_job *jobs, size_t nr, unsigned max)
{
	struct slot *slots;
	struct pollfd *pfd;
	size_t next = 0;
	unsigned i, running = 0;
	int error = 0;

	if (!max)
		max = (unsigned)para_sysinfo_cpus();
	if (max > nr)
		max = nr ? (unsigned)nr : 1;
	slots = para_calloc(max, sizeof(*slots));
	pfd = para_calloc(2 * (size_t)max, sizeof(*pfd));
	while (next < nr || running) {
		for (i = 0; i < max && next < nr && !error; i++)
			if (!slots[i].job)
				error = start(&slots[i], &jobs[next++]);
		if (error && !running)
			break;
		wait_some(slots, pfd, max);
		for (running = 0, i = 0; i < max; i++)
			running += !!slots[i].job;
		if (error)
			next = nr;
	}
	free(slots);
	free(pfd);
	return error;
}

void para_batch_job_dispose(struct para_batch_job *job)
{
	para_strvec_dispose(&job->args);
	para_strvec_dispose(&job->env);
	para_strbuf_dispose(&job->out);
	para_strbuf_dispose(&job->err);
	job->status = -1;
}
