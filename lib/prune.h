#ifndef PARA_PRUNE_H
#define PARA_PRUNE_H

#include <git2.h>
#include "merged.h"
#include "repo.h"
#include "strvec.h"
#include "task.h"

/*
 * Whether a task can go without losing work, decided here so that the
 * command only asks and reports.  The verdict is data: what was found,
 * from which the rules below derive "finished with" and the refusal.
 */
struct para_prune_verdict {
	int incomplete;		/* its `git para add` died before the end:
				   what is there is that add's, undone as
				   a whole (para_add_undo()) */
	int reused_branch;	/* its branch was there before the task */
	int running;		/* its process group is alive */
	int worktree_gone;	/* deleted by hand */
	int not_worktree;	/* its .git was removed: git would look above */
	int dirty;		/* uncommitted or untracked files */
	struct para_strvec precious;	/* ignored files para.precious
					   marks as work */
	struct para_strvec nested;	/* untracked directories that are git
					   repositories of their own: their
					   commits cannot be kept, so never
					   removed */
	int locked;		/* `git worktree lock`ed: never removed */
	char *lock_reason;	/* the lock's reason, or NULL */
	int branch_gone;
	int own_commits;	/* tip differs from the recorded base */
	int merged;		/* its work is in its base ref or the
				   integration branch */
	struct para_merged how;	/* how, when it has commits of its own */
	int pr;			/* pushed with a PR recorded */
	int pr_merged;		/* ... last seen merged (lib/pr-state.h) */
	int pr_closed;		/* ... last seen closed unmerged */
	int pr_open;		/* ... last seen open */
	int closed_ok;		/* the caller counts closed ones as done
				   (their tips kept in the attic) */
	int tip_elsewhere;	/* the tip is in another ref (pushed) */
	int elsewhere;		/* tip reachable from another ref */
	int head_unique;	/* worktree HEAD off the branch, in no ref */
	int cwd_inside;		/* the current directory is inside its worktree */
	char tip[GIT_OID_HEXSZ + 1];
};

/*
 * Forgets what the task's pull request was last seen as: its state
 * could not be read now, and an old one is no ground for removal.
 */
void para_prune_pr_unknown(struct para_prune_verdict *v);

/*
 * Judges task `t`; `integration` is the full name of the integration
 * branch (may be NULL), `precious` the para.precious patterns (may be
 * NULL).  Whether a 'git para run' holds the task is the caller's to add
 * (it holds the lock that says so).  The verdict is disposed of with
 * para_prune_verdict_dispose().
 */
int para_prune_judge(struct para_prune_verdict *out, struct para_repo *repo,
		     const struct para_task *t, const char *integration,
		     const struct para_strvec *precious);
void para_prune_verdict_dispose(struct para_prune_verdict *v);

/* 1 when a task not named is finished with and may go. */
int para_prune_finished_with(const struct para_prune_verdict *v);

/*
 * Why a named task cannot go without --force, or NULL: a phrase that
 * follows "task '<name>' ".  A locked worktree or one that is no longer
 * a git worktree cannot go even with --force.
 */
const char *para_prune_refusal(const struct para_prune_verdict *v);

/*
 * 1 when not even --force may remove the task: its worktree is locked,
 * no longer a git worktree, or holds nested repositories.
 */
int para_prune_never(const struct para_prune_verdict *v);

/* 1 when removing the task must keep its work in the attic first. */
int para_prune_keeps_work(const struct para_prune_verdict *v);

/* 1 when removing the task deletes its branch. */
int para_prune_deletes_branch(const struct para_prune_verdict *v);

/* What removing a task did. */
struct para_prune_result {
	char *attic;		/* the attic refs written ("a and b"), or NULL */
	int branch_deleted;
};

/*
 * Removes task `t` judged `v`: stops its process group (waiting up to
 * `grace_ms`), keeps its work in the attic when it must, removes its
 * worktree, its branch when merged, its record, and moves its log into
 * the attic.  Nothing is removed when the work cannot be kept.
 */
int para_prune_remove(struct para_prune_result *out, struct para_repo *repo,
		      const struct para_task *t,
		      const struct para_prune_verdict *v, long long grace_ms);
void para_prune_result_dispose(struct para_prune_result *r);

#endif
