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
 * Beside a ref, <slot>.info says when it was kept, from which branch and
 * base ("kept <ms>", "branch <name>", "base <commit>" lines).  The work
 * of failed attempts that `git para run --retry-fresh` put aside goes to
 * refs/para/attic/<task>-attempt-<n>.
 */

/*
 * The first free slot for `task` (malloc'd): neither its ref nor its
 * log exists yet.
 */
int para_prune_attic_next(char **out, struct para_repo *repo,
			  const char *task);

/*
 * The first free slot for attempt `n` of `task` that a fresh retry
 * keeps (malloc'd): <task>-attempt-<n>, else <task>-attempt-<n>-2, ...
 */
int para_prune_attic_attempt_slot(char **out, struct para_repo *repo,
				  const char *task, int n);

/*
 * Commits everything uncommitted in `worktree` onto its HEAD (files
 * outside sparse patterns too, and the ignored files `ignored` names,
 * which may be NULL), then checks that nothing is left.
 */
int para_prune_attic_commit(const char *worktree, const char *task,
			    const struct para_strvec *ignored);

/* Points refs/para/attic/`slot` at commit `hex`, the work of task `t`. */
int para_prune_attic_keep(struct para_repo *repo, const char *slot,
			  const char *hex, const struct para_task *t);

/* Moves the logs of `task`, if any, to the attic slot `slot`. */
int para_prune_attic_keep_log(struct para_repo *repo, const char *task,
			      const char *slot);

/*
 * One line per attic ref, tab-separated: slot, the date it was kept
 * ("2026-12-02 14:05", local time; the commit's date for a ref kept
 * without notes), short commit id, size of the change since the task's
 * base ("3 files +10 -2", "-" when the base is not known), the original
 * branch ("-" when not known), the commit's subject.
 */
int para_prune_attic_list(struct para_strbuf *out, struct para_repo *repo);

/*
 * Removes the attic slot `slot`: its ref, its notes and its logs.
 * PARA_ENOTFOUND when there is none of these.
 */
int para_prune_attic_drop(struct para_repo *repo, const char *slot);

/*
 * The slots kept before `cutoff_ms` (since the epoch): refs by the time
 * they were kept, logs without a ref by their files' time; sorted, into
 * `out`.
 */
int para_prune_attic_expired(struct para_strvec *out, struct para_repo *repo,
			     long long cutoff_ms);

/*
 * Parses an age for --expire-attic: a duration (lib/util/duration.h) or
 * a whole number of days or weeks ("30d", "2w"), into milliseconds.
 */
int para_prune_attic_age_parse(long long *out, const char *text);

#endif
