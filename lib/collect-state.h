#ifndef PARA_COLLECT_STATE_H
#define PARA_COLLECT_STATE_H

#include "repo.h"
#include "task.h"

/* What `git para collect` records in the tasks' state files. */

/* 1 for the states collect works on when no task is named. */
int para_collect_selected_by_default(enum para_task_state state);

/*
 * Why collect leaves out a task in `state` even when it is named, or
 * NULL: an empty task has nothing to collect, an unverified one failed
 * its verify (and is refused).
 */
const char *para_collect_skip_reason(enum para_task_state state);

/*
 * 1 for the states `--push` and `--pr` take without `--force`: succeeded
 * or merged (or pushed already).  A task in another state that is pushed
 * anyway keeps its state: it never becomes `pushed` or `pr-open`.
 */
int para_collect_may_push(enum para_task_state state);

/*
 * Records, under the task's lock, that it was merged into `branch`; a
 * succeeded task becomes `merged`, others keep their state.
 */
int para_collect_mark_merged(struct para_repo *repo, const char *name,
			     const char *branch);

/*
 * Records that the task was set aside: its merge conflicts in `files`
 * with `with` (tasks, ", "-joined, or a branch) when merged into
 * `branch`.  A succeeded (or
 * rejected) task becomes `conflict`; others keep their state.
 */
int para_collect_mark_conflict(struct para_repo *repo, const char *name,
			       const struct para_strvec *files,
			       const char *with, const char *branch);

/* Forgets the task's last conflict and any resolve of it. */
void para_collect_clear_conflict(struct para_task *task);

/* Records that the merge with the task failed verify: `rejected`. */
int para_collect_mark_rejected(struct para_repo *repo, const char *name);

/* Records, under the task's lock, that it was pushed to `remote`. */
int para_collect_mark_pushed(struct para_repo *repo, const char *name,
			     const char *remote);

/*
 * Records the pull request `url` in `task` (saved by the caller), and
 * makes it `pr-open` when para_collect_may_push() allows.
 */
void para_collect_set_pr(struct para_task *task, const char *url);

#endif
