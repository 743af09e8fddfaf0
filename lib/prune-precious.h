#ifndef PARA_PRUNE_PRECIOUS_H
#define PARA_PRUNE_PRECIOUS_H

#include "repo.h"
#include "strvec.h"
#include "task.h"

/*
 * Ignored files are caches (build output, node_modules) that prune
 * removes with the worktree, except those the multi-valued
 * para.precious marks as work (databases, notes: `*.sqlite`, `notes/`,
 * gitignore syntax).  Files git-para provisioned (lib/worktree-provision.h)
 * are not the task's work, unless the task changed them.
 */

/*
 * The untracked files of task `t`'s worktree that one of `patterns`
 * matches, sorted, into `out` (nothing when `patterns` is empty or the
 * worktree is gone).
 */
int para_prune_precious(struct para_strvec *out, const struct para_repo *repo,
			const struct para_task *t,
			const struct para_strvec *patterns);

#endif
