#include <stdlib.h>

#include "collect-state.h"
#include "hook.h"
#include "task-state.h"

int para_collect_selected_by_default(enum para_task_state state)
{
	return para_task_state_succeeded(state);
}

const char *para_collect_skip_reason(enum para_task_state state)
{
	if (state == PARA_STATE_EMPTY)
		return "it is empty: its branch has no work of its own";
	if (state == PARA_STATE_UNVERIFIED)
		return "it is unverified: its verify command failed";
	return NULL;
}

int para_collect_may_push(enum para_task_state state)
{
	/* the tasks collect selects by default are the finished, good ones */
	return para_collect_selected_by_default(state);
}

static int set_merged(struct para_task *task, void *payload)
{
	const char *branch = payload;

	free(task->merged_into);
	task->merged_into = para_strdup(branch);
	/* a failed task merged by name stays failed, so is never pushed */
	if (task->state == PARA_STATE_SUCCEEDED ||
	    task->state == PARA_STATE_CONFLICT ||
	    task->state == PARA_STATE_REJECTED)
		task->state = PARA_STATE_MERGED;
	para_collect_clear_conflict(task);
	return 0;
}

void para_collect_clear_conflict(struct para_task *task)
{
	para_strvec_dispose(&task->conflicts);
	free(task->conflict_with);
	free(task->conflict_branch);
	free(task->resolving);
	task->conflict_with = task->conflict_branch = task->resolving = NULL;
}

/* The states collect may turn into `conflict` or `rejected`. */
static int may_set_aside(enum para_task_state state)
{
	return state == PARA_STATE_SUCCEEDED || state == PARA_STATE_CONFLICT ||
	       state == PARA_STATE_REJECTED;
}

struct conflict {
	const struct para_strvec *files;
	const char *with, *branch;
};

static int set_conflict(struct para_task *task, void *payload)
{
	const struct conflict *cf = payload;

	para_collect_clear_conflict(task);
	para_strvec_pushv(&task->conflicts, (const char *const *)cf->files->v);
	task->conflict_with = para_strdup(cf->with);
	task->conflict_branch = para_strdup(cf->branch);
	if (may_set_aside(task->state))
		task->state = PARA_STATE_CONFLICT;
	return 0;
}

static int set_rejected(struct para_task *task, void *payload)
{
	(void)payload;
	if (may_set_aside(task->state))
		task->state = PARA_STATE_REJECTED;
	return 0;
}

int para_collect_mark_conflict(struct para_repo *repo, const char *name,
			       const struct para_strvec *files,
			       const char *with, const char *branch)
{
	struct conflict cf = { files, with, branch };

	return para_state_update(repo, name, set_conflict, &cf);
}

int para_collect_mark_rejected(struct para_repo *repo, const char *name)
{
	return para_state_update(repo, name, set_rejected, NULL);
}

static int set_pushed(struct para_task *task, void *payload)
{
	const char *remote = payload;

	free(task->pushed_to);
	task->pushed_to = para_strdup(remote);
	/* a task pushed with --force keeps its failure for `run` to see */
	if (para_collect_may_push(task->state) &&
	    task->state != PARA_STATE_PR_OPEN)
		task->state = PARA_STATE_PUSHED;
	return 0;
}

void para_collect_set_pr(struct para_task *task, const char *url)
{
	free(task->pr_url);
	task->pr_url = para_strdup(url);
	if (para_collect_may_push(task->state))
		task->state = PARA_STATE_PR_OPEN;
}

int para_collect_mark_merged(struct para_repo *repo, const char *name,
			     const char *branch)
{
	struct para_task task;
	int error = para_state_update(repo, name, set_merged, (void *)branch);

	if (!error && !para_state_load(&task, repo, name)) {
		para_hook_run(repo, PARA_HOOK_MERGE, &task, task.state);
		para_task_dispose(&task);
	}
	return error;
}

int para_collect_mark_pushed(struct para_repo *repo, const char *name,
			     const char *remote)
{
	return para_state_update(repo, name, set_pushed, (void *)remote);
}
