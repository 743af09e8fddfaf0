#ifndef PARA_PRUNE_ATTIC_H
#define PARA_PRUNE_ATTIC_H

#include "repo.h"
#include "strbuf.h"
#include "strvec.h"
#include "task.h"

/*
 * The attic keeps the work of tasks removed by force: refs under
 * refs/para/attic/<slot>, and the logs of removed tasks as
 * <state_dir>/attic/<slot>.log, where a slot is <task> or <task>-<n>.
 */

/*
 * The first free slot for `task` (malloc'd): neither its ref nor its
 * log exists yet.
 */
int para_prune_attic_next(char **out, struct para_repo *repo,
			  const char *task);

/*
 * Commits everything uncommitted in `worktree` onto its HEAD (files
 * outside sparse patterns too, and the ignored files `ignored` names,
 * which may be NULL), then checks that nothing is left.
 */
int para_prune_attic_commit(const char *worktree, const char *task,
			    const struct para_strvec *ignored);

/* Points refs/para/attic/`slot` at commit `hex`. */
int para_prune_attic_keep(struct para_repo *repo, const char *slot,
			  const char *hex);

/* Moves the logs of `task`, if any, to the attic slot `slot`. */
int para_prune_attic_keep_log(struct para_repo *repo, const char *task,
			      const char *slot);

/* One line per attic ref: slot, short id, subject, tab-separated. */
int para_prune_attic_list(struct para_strbuf *out, struct para_repo *repo);

#endif
