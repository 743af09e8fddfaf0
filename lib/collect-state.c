#include <stdlib.h>

#include "collect-state.h"
#include "lock.h"
#include "state.h"

int para_collect_selected_by_default(enum para_task_state state)
{
	return state == PARA_STATE_SUCCEEDED || state == PARA_STATE_MERGED ||
	       state == PARA_STATE_PUSHED || state == PARA_STATE_PR_OPEN;
}

typedef void (*update_fn)(struct para_task *task, const char *value);

/* Loads, changes and saves a task's state under its lock. */
static int update_task(struct para_repo *repo, const char *name,
		       update_fn fn, const char *value)
{
	struct para_lock lock = PARA_LOCK_INIT;
	struct para_task task;
	int error;

	if ((error = para_state_lock(&lock, repo, name, PARA_LOCK_WAIT)) < 0)
		return error;
	if ((error = para_state_load(&task, repo, name)) >= 0) {
		fn(&task, value);
		error = para_state_save(repo, &task);
		para_task_dispose(&task);
	}
	para_lock_release(&lock);
	return error;
}

static void set_merged(struct para_task *task, const char *branch)
{
	free(task->merged_into);
	task->merged_into = para_strdup(branch);
	if (!para_collect_selected_by_default(task->state) ||
	    task->state == PARA_STATE_SUCCEEDED)
		task->state = PARA_STATE_MERGED;
}

static void set_pushed(struct para_task *task, const char *remote)
{
	free(task->pushed_to);
	task->pushed_to = para_strdup(remote);
	if (task->state != PARA_STATE_PR_OPEN)
		task->state = PARA_STATE_PUSHED;
}

void para_collect_set_pr(struct para_task *task, const char *url)
{
	free(task->pr_url);
	task->pr_url = para_strdup(url);
	task->state = PARA_STATE_PR_OPEN;
}

int para_collect_mark_merged(struct para_repo *repo, const char *name,
			     const char *branch)
{
	return update_task(repo, name, set_merged, branch);
}

int para_collect_mark_pushed(struct para_repo *repo, const char *name,
			     const char *remote)
{
	return update_task(repo, name, set_pushed, remote);
}
