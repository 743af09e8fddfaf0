#ifndef PARA_COLLECT_PR_H
#define PARA_COLLECT_PR_H

#include "collect.h"
#include "strbuf.h"

/*
 * `git para collect --push` and `--pr`: task branches pushed to the
 * remote, one pull request opened per task by a configurable command.
 */

/*
 * Fails unless `remote` can be a remote (a name or URL): never an option
 * of `git push`.
 */
int para_collect_remote_check(const char *remote);

/*
 * Pushes the item's branch to `remote` with git, which runs where git
 * would run for the user (relative remote URLs resolve from there).
 * On failure `output` holds what git printed.  Record success with
 * para_collect_mark_pushed().
 */
int para_collect_push(struct para_strbuf *output, struct para_repo *repo,
		      const struct para_collect_item *item,
		      const char *remote);

struct para_collect_pr {
	char *url;			/* of the pull request */
	int existed;			/* it was opened before */
	struct para_strbuf output;	/* the command's, when it failed */
};

#define PARA_COLLECT_PR_INIT { NULL, 0, PARA_STRBUF_INIT }

void para_collect_pr_dispose(struct para_collect_pr *pr);

struct para_collect_pr_options {
	const char *remote;
	const char *command;	/* para.prCommand */
	const char *title;	/* para.prTitle, or NULL */
	size_t log_lines;	/* para.prLogLines */
	int closes;		/* para.prCloses: "Fixes #<issue>" */
	int draft;		/* --draft: PARA_DRAFT=1 */
	int stack;		/* --stack: see para_collect_pr_stacked_on() */
};

/*
 * Opens the pull request of item `i` with the shell command
 * `opts->command` (its environment: PARA_TASK, PARA_BRANCH,
 * PARA_BASE_BRANCH, PARA_BASE, PARA_TITLE, PARA_BODY_FILE, PARA_REMOTE,
 * PARA_WORKTREE, PARA_PROMPT, PARA_ISSUE, PARA_DRAFT), whose output's
 * last URL is the pull request's, and records it.  The title is
 * para_collect_pr_title()'s with `opts->title`.  The body says "Fixes
 * #<issue>" for a task of an issue when `opts->closes`, and ends with
 * the last `log_lines` lines of the task's log (none for 0), local paths
 * replaced.  Stacked, the pull request goes into the branch of the task
 * it depends on, and its body says so.  The task's lock is held
 * throughout, so that two collects never open two; a task that has one
 * already is left alone, with `out->existed` set.
 */
int para_collect_open_pr(struct para_collect_pr *out, struct para_repo *repo,
			 const struct para_collect *collect, size_t i,
			 const struct para_collect_pr_options *opts);

/*
 * The task a stacked pull request of item `i` is based on: its only
 * dependency, when that has a branch on the remote (it is among the
 * items, or was pushed before).  Returns the dependency's name
 * (borrowed from the item's task), or NULL to go into the base branch.
 */
const char *para_collect_pr_stacked_on(struct para_repo *repo,
				       const struct para_collect *collect,
				       size_t i);

/*
 * The files git-para provisioned into task `t`'s worktree (a copied
 * .env, say) that its branch commits unchanged (an agent's `git add -f`):
 * pushing them would publish what was never the task's work.
 */
int para_collect_provisioned_in_branch(struct para_strvec *out,
				       struct para_repo *repo,
				       const struct para_task *t);

#endif
