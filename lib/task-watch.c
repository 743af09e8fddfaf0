#include <errno.h>
#include <poll.h>
#include <stdlib.h>
#include <string.h>
#include <sys/inotify.h>
#include <sys/pidfd.h>
#include <unistd.h>

#include "error.h"
#include "strbuf.h"
#include "task-state.h"
#include "task-watch.h"

/* Without inotify: how often the task files are read again. */
#define FALLBACK_POLL_MS 2000

struct para_task_watch {
	int inotify;		/* -1 when not available */
	long long poll_ms;	/* fallback interval */
	int *pidfds;
	size_t nr, alloc;
	int now;		/* a watched process is gone already */
};

static long long fallback_interval(void)
{
	const char *env = getenv("GIT_TEST_PARA_WATCH_POLL_MS");
	long long ms = env ? atoll(env) : 0;

	return ms > 0 ? ms : FALLBACK_POLL_MS;
}

int para_task_watch_open(struct para_task_watch **out, struct para_repo *repo)
{
	struct para_task_watch *w = para_calloc(1, sizeof(*w));
	const char *off = getenv("GIT_TEST_PARA_NO_INOTIFY");
	char *dir = NULL;
	int error;

	w->inotify = -1;
	w->poll_ms = fallback_interval();
	if ((error = para_repo_state_path(&dir, repo, PARA_STATE_TASKS)) < 0) {
		free(w);
		return error;
	}
	if (!(off && *off))
		w->inotify = inotify_init1(IN_NONBLOCK | IN_CLOEXEC);
	if (w->inotify >= 0 &&
	    inotify_add_watch(w->inotify, dir, IN_CLOSE_WRITE | IN_MOVED_TO |
			      IN_MOVED_FROM | IN_CREATE | IN_DELETE) < 0) {
		close(w->inotify);
		w->inotify = -1;
	}
	free(dir);
	*out = w;
	return 0;
}

int para_task_watch_logs(struct para_task_watch *w, struct para_repo *repo)
{
	char *dir = NULL;
	int error = para_repo_state_path(&dir, repo, PARA_STATE_LOGS);

	/* without inotify the fallback poll reads the logs again too */
	if (!error && w->inotify >= 0 &&
	    inotify_add_watch(w->inotify, dir, IN_MODIFY | IN_CLOSE_WRITE |
			      IN_CREATE | IN_MOVED_TO | IN_MOVED_FROM |
			      IN_DELETE) < 0)
		error = para_error_errno(PARA_ERROR, "cannot watch '%s'", dir);
	free(dir);
	return error;
}

static void forget_procs(struct para_task_watch *w)
{
	size_t i;

	for (i = 0; i < w->nr; i++)
		close(w->pidfds[i]);
	w->nr = 0;
	w->now = 0;
}

void para_task_watch_free(struct para_task_watch *w)
{
	if (!w)
		return;
	forget_procs(w);
	if (w->inotify >= 0)
		close(w->inotify);
	free(w->pidfds);
	free(w);
}

void para_task_watch_proc(struct para_task_watch *w,
			  const struct para_proc *proc)
{
	int fd = proc->pid > 0 ? pidfd_open(proc->pid, 0) : -1;

	/* opened first, checked second: the pid cannot be reused between */
	if (fd < 0 || !para_proc_alive(proc)) {
		if (fd >= 0)
			close(fd);
		w->now = 1;
		return;
	}
	w->pidfds = para_grow(w->pidfds, &w->alloc, w->nr + 1,
			      sizeof(*w->pidfds));
	w->pidfds[w->nr++] = fd;
}

static void drain(int fd)
{
	char buf[4096];

	while (read(fd, buf, sizeof(buf)) > 0 || errno == EINTR)
		;
}

int para_task_watch_wait(struct para_task_watch *w, long long timeout_ms)
{
	struct pollfd *pfd = para_calloc(w->nr + 1, sizeof(*pfd));
	size_t n = 0, i;
	int ms, ready, error = 0;

	if (w->now) {
		forget_procs(w);
		free(pfd);
		return 1;
	}
	if (w->inotify >= 0) {
		pfd[n].fd = w->inotify;
		pfd[n++].events = POLLIN;
	} else if (timeout_ms < 0 || timeout_ms > w->poll_ms) {
		timeout_ms = w->poll_ms;
	}
	for (i = 0; i < w->nr; i++) {
		pfd[n].fd = w->pidfds[i];
		pfd[n++].events = POLLIN;
	}
	ms = timeout_ms < 0 ? -1 : timeout_ms > 1 << 30 ? 1 << 30
							 : (int)timeout_ms;
	ready = poll(pfd, n, ms);
	if (ready < 0 && errno != EINTR)
		error = para_error_errno(PARA_ERROR, "cannot wait for tasks");
	else if (ready < 0 || ready > 0 || w->inotify < 0)
		error = 1;
	if (w->inotify >= 0 && n && pfd[0].revents)
		drain(w->inotify);
	forget_procs(w);
	free(pfd);
	return error;
}
