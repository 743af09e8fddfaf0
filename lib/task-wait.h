#ifndef PARA_TASK_WAIT_H
#define PARA_TASK_WAIT_H

#include "repo.h"
#include "strvec.h"
#include "task.h"

/*
 * Waiting for tasks to end, as `git para wait` and `git para stop` do:
 * without polling (task-watch.h).  A task has ended once its state, as
 * `status` shows it, is none of new, queued, running and orphaned, and
 * no live run is about to try it again (a failed attempt it retries).
 */

/* 1 while task `t`, whose state status shows as `live`, has not ended. */
int para_task_wait_pending(const struct para_task *t,
			   enum para_task_state live);

/*
 * Watches with `w` the process whose end changes the state of task `t`
 * (seen as `live`) without a write to the task store.
 */
struct para_task_watch;
void para_task_wait_watch(struct para_task_watch *w, const struct para_task *t,
			  enum para_task_state live);

/*
 * Called once for each task as it is seen to have ended: `task` is NULL
 * when it was removed (then `live` is PARA_STATE__COUNT) or its state
 * file cannot be read (the error is set).
 */
typedef void (*para_task_wait_fn)(const char *name, const struct para_task *task,
				  enum para_task_state live, void *data);

/*
 * Waits until every task named in `names` (or, with `any`, one of them)
 * has ended, for at most `timeout_ms` (negative: no limit).  Returns 0
 * when they have, 1 on the timeout (the names still waited for are
 * appended to `pending`, which may be NULL), negative on error.
 */
int para_task_wait(struct para_strvec *pending, struct para_repo *repo,
		   const struct para_strvec *names, int any,
		   long long timeout_ms, para_task_wait_fn fn, void *data);

#endif
