#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <spawn.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <unistd.h>

#include "error.h"
#include "parallel.h"

extern char **environ;

static const char *const repo_env[] = {
	"GIT_DIR=", "GIT_WORK_TREE=", "GIT_INDEX_FILE=", "GIT_COMMON_DIR=",
	"GIT_PREFIX=", "GIT_OBJECT_DIRECTORY=", "GIT_NAMESPACE=", NULL
};

void para_gitjob_init(struct para_gitjob *job)
{
	memset(job, 0, sizeof(*job));
	job->out.buf = para_strbuf_empty;
	job->status = -1;
	job->fd = -1;
}

void para_gitjob_dispose(struct para_gitjob *job)
{
	para_strvec_dispose(&job->args);
	para_strvec_dispose(&job->env);
	para_strbuf_dispose(&job->out);
	if (job->fd >= 0)
		close(job->fd);
	job->fd = -1;
}

static int repo_variable(const char *entry)
{
	size_t i;

	for (i = 0; repo_env[i]; i++)
		if (!strncmp(entry, repo_env[i], strlen(repo_env[i])))
			return 1;
	return 0;
}

/* Our environment without the repository variables (borrowed strings). */
static char **child_env(void)
{
	size_t n = 0, i, j = 0;
	char **env;

	while (environ[n])
		n++;
	env = para_calloc(n + 1, sizeof(*env));
	for (i = 0; i < n; i++)
		if (!repo_variable(environ[i]))
			env[j++] = environ[i];
	return env;
}

static int start(struct para_gitjob *job, char **base_env)
{
	posix_spawn_file_actions_t fa;
	struct para_strvec argv = PARA_STRVEC_INIT;
	char **env = base_env;
	int fds[2], error;
	size_t n = 0, i;

	if (job->env.nr) {
		while (base_env[n])
			n++;
		env = para_calloc(n + job->env.nr + 1, sizeof(*env));
		memcpy(env, base_env, n * sizeof(*env));
		for (i = 0; i < job->env.nr; i++)
			env[n + i] = job->env.v[i];
	}

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -1;
	para_strvec_push(&argv, "git");
	para_strvec_pushv(&argv, (const char *const *)job->args.v);
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_addopen(&fa, 0, "/dev/null", O_RDONLY, 0);
	posix_spawn_file_actions_adddup2(&fa, fds[1], 1);
	posix_spawn_file_actions_addopen(&fa, 2, "/dev/null", O_WRONLY, 0);
	error = posix_spawnp(&job->pid, "git", &fa, NULL, argv.v, env);
	posix_spawn_file_actions_destroy(&fa);
	para_strvec_dispose(&argv);
	if (env != base_env)
		free(env);
	close(fds[1]);
	if (error) {
		close(fds[0]);
		return -1;
	}
	job->fd = fds[0];
	return 0;
}

static void finish(struct para_gitjob *job)
{
	int status;

	close(job->fd);
	job->fd = -1;
	while (waitpid(job->pid, &status, 0) < 0)
		if (errno != EINTR)
			return;
	job->status = WIFEXITED(status) ? WEXITSTATUS(status)
					: 128 + WTERMSIG(status);
}

/* Reads what is there; returns 1 at end of file. */
static int drain(struct para_gitjob *job)
{
	char buf[65536];
	ssize_t n = read(job->fd, buf, sizeof(buf));

	if (n > 0) {
		para_strbuf_add(&job->out, buf, (size_t)n);
		return 0;
	}
	return !(n < 0 && (errno == EINTR || errno == EAGAIN));
}

int para_gitjob_run_all(struct para_gitjob **jobs, size_t nr, int max)
{
	struct para_gitjob **running;
	struct pollfd *pfd;
	char **env = child_env();
	size_t next = 0, nrun = 0, i;

	if (max <= 0) {
		long cpus = sysconf(_SC_NPROCESSORS_ONLN);

		max = cpus > 0 ? (int)cpus : 1;
	}
	running = para_calloc((size_t)max, sizeof(*running));
	pfd = para_calloc((size_t)max, sizeof(*pfd));
	while (next < nr || nrun) {
		while (next < nr && nrun < (size_t)max) {
			struct para_gitjob *job = jobs[next++];

			if (!start(job, env))
				running[nrun++] = job;
		}
		if (!nrun)
			break;
		for (i = 0; i < nrun; i++) {
			pfd[i].fd = running[i]->fd;
			pfd[i].events = POLLIN;
			pfd[i].revents = 0;
		}
		if (poll(pfd, nrun, -1) < 0 && errno != EINTR)
			break;
		for (i = nrun; i-- > 0;) {
			if (!pfd[i].revents || !drain(running[i]))
				continue;
			finish(running[i]);
			running[i] = running[--nrun];
		}
	}
	free(running);
	free(pfd);
	free(env);
	return 0;
}
