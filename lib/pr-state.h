#ifndef PARA_PR_STATE_H
#define PARA_PR_STATE_H

#include "config.h"
#include "repo.h"
#include "task.h"

/*
 * What became of a task's pull request after `git para collect --pr`:
 * para.prStateCommand (by default `gh pr view "$PARA_PR_URL" --json
 * state,mergedAt,statusCheckRollup`) prints it as JSON, and the task
 * records it (collect.prState, collect.prChecks, collect.prMergedAt,
 * collect.prRefreshed):
 *
 *   state    "open", "closed" or "merged"
 *   checks   "passing" (every check succeeded, was neutral or skipped),
 *            "failing" (one failed, errored, was cancelled or timed
 *            out), "pending" (the others), "none" (no checks)
 */
struct para_pr_state {
	char *state;
	char *checks;
	char *merged_at;	/* NULL when not merged */
};

#define PARA_PR_STATE_INIT { NULL, NULL, NULL }

void para_pr_state_dispose(struct para_pr_state *st);

/* Reads a state command's output (exposed for the unit tests). */
int para_pr_state_parse(struct para_pr_state *out, const char *json,
			size_t len);

/*
 * Runs para.prStateCommand for task `name`'s recorded pull request
 * (PARA_PR_URL and the task's environment), then records what it says
 * under the task's lock; `out` (may be NULL) gets it too.  A task
 * without a pull request is PARA_ENOTFOUND.  A command that fails is an
 * error naming it, its exit status and its stderr; nothing is recorded
 * then.
 */
int para_pr_state_refresh(struct para_pr_state *out, struct para_repo *repo,
			  struct para_config *config, const char *name);

/* 1 when the task's pull request was last seen merged. */
int para_pr_state_merged(const struct para_task *task);

#endif
