#ifndef PARA_CHANGES_H
#define PARA_CHANGES_H

#include "repo.h"
#include "strvec.h"
#include "task.h"

/*
 * A task that runs after others starts from their results, merged into
 * its branch: the files it changed itself are those that differ from
 * its base and also from the tip of every task it depends on.  What a
 * merge into its branch brought in (of the integration branch, of a
 * newer tip of its base, of another task's branch) is not its change
 * either, unless a commit of its own wrote it.  Both `git para status`
 * and `git para collect` count changes this way.
 */

/*
 * Keeps in `changed` (paths that differ between the task's base and
 * `tip`) only those that also differ between `tip` and the branch tip
 * of each task `task` runs after, and (para_changes_keep_written())
 * that the task's own commits wrote.  A dependency whose state or branch
 * is gone is ignored.  Compares trees in process: no git is started.
 */
int para_changes_own(struct para_strvec *changed, struct para_repo *repo,
		     const struct para_task *task, const char *tip);

/*
 * Keeps in `changed` the paths written by the commits on the first-parent
 * line from `tip` back to `base`: by a commit against its first parent,
 * or by a merge where the result differs from every parent it merged in
 * (a conflict resolved, an edit folded in).  Paths a merge only took
 * from a merged branch go.  Without merges on that line, keeps all.
 */
int para_changes_keep_written(struct para_strvec *changed,
			      git_repository *git, const char *base,
			      const char *tip);

/*
 * Whether the branch of `task` holds work of its own: `*out` is 1 when
 * some path differs between the task's base and its branch tip and the
 * task changed it itself (para_changes_own()); 0 when the tip is the
 * base, or brings only what its dependencies or merges brought.
 */
int para_changes_task_has_own(int *out, struct para_repo *repo,
			      const struct para_task *task);

/* Keeps in `changed` the paths whose entries differ in the two commits. */
int para_changes_keep_differing(struct para_strvec *changed,
				git_repository *git, const char *tip,
				const char *other);

#endif
