#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "error.h"
#include "task-state.h"
#include "task-wait.h"
#include "task-watch.h"

int para_task_wait_pending(const struct para_task *t,
			   enum para_task_state live)
{
	return live == PARA_STATE_NEW || live == PARA_STATE_QUEUED ||
	       live == PARA_STATE_RUNNING || live == PARA_STATE_ORPHANED ||
	       live == PARA_STATE_CREATING || para_task_retrying(t);
}

void para_task_wait_watch(struct para_task_watch *w, const struct para_task *t,
			  enum para_task_state live)
{
	if (live == PARA_STATE_ORPHANED)
		para_task_watch_proc(w, &t->proc);
	else if (live == PARA_STATE_RUNNING || live == PARA_STATE_QUEUED ||
		 para_task_retrying(t))
		para_task_watch_proc(w, &t->runner);
}

/*
 * Looks at each task still waited for once: reports those that ended
 * (clearing their `done` slot) and watches the others.  Returns how
 * many ended.
 */
static size_t look(struct para_task_watch *w, struct para_repo *repo,
		   const struct para_strvec *names, char *done,
		   para_task_wait_fn fn, void *data)
{
	struct para_task t;
	enum para_task_state live;
	size_t i, ended = 0;
	int error;

	for (i = 0; i < names->nr; i++) {
		if (done[i])
			continue;
		error = para_state_load(&t, repo, names->v[i]);
		if (error == PARA_ENOTFOUND) {
			fn(names->v[i], NULL, PARA_STATE__COUNT, data);
		} else if (error < 0) {
			fn(names->v[i], NULL, PARA_STATE_LOST, data);
		} else {
			live = para_task_live_state(&t);
			if (para_task_wait_pending(&t, live)) {
				para_task_wait_watch(w, &t, live);
				para_task_dispose(&t);
				continue;
			}
			fn(names->v[i], &t, live, data);
			para_task_dispose(&t);
		}
		done[i] = 1;
		ended++;
	}
	return ended;
}

int para_task_wait(struct para_strvec *pending, struct para_repo *repo,
		   const struct para_strvec *names, int any,
		   long long timeout_ms, para_task_wait_fn fn, void *data)
{
	struct para_task_watch *w = NULL;
	char *done = para_calloc(names->nr + 1, 1);
	long long deadline = timeout_ms < 0 ? -1
			     : para_monotonic_ms() + timeout_ms;
	size_t left = names->nr, i;
	int error;

	/* watching first, looking second: no change falls between */
	if ((error = para_task_watch_open(&w, repo)) < 0)
		goto out;
	for (;;) {
		long long wait_ms = -1;
		size_t ended = look(w, repo, names, done, fn, data);

		left -= ended;
		if (!left || (any && ended))
			break;
		if (deadline >= 0 &&
		    (wait_ms = deadline - para_monotonic_ms()) <= 0) {
			error = 1;
			break;
		}
		if ((error = para_task_watch_wait(w, wait_ms)) < 0)
			goto out;
		error = 0;
	}
	if (error == 1 && pending)
		for (i = 0; i < names->nr; i++)
			if (!done[i])
				para_strvec_push(pending, names->v[i]);
	if (error != 1)
		error = 0;
out:
	para_task_watch_free(w);
	free(done);
	return error;
}
