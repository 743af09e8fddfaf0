#ifndef PARA_COLLECT_SYNC_H
#define PARA_COLLECT_SYNC_H

#include "repo.h"
#include "strvec.h"

/*
 * `git para sync`: moves an idle task with a clean worktree onto the
 * current tip of the ref its base was taken from (`task.baseRef`), by a
 * merge or, with `rebase`, by replaying its commits there.  The result
 * is computed in the object store first; a conflict is reported with
 * its files and nothing is touched.  Otherwise the task's worktree and
 * branch move to that result, and its base becomes the new tip.
 */

enum para_collect_sync_result {
	PARA_COLLECT_SYNC_UP_TO_DATE = 0,	/* the branch has the tip already */
	PARA_COLLECT_SYNC_MERGED,
	PARA_COLLECT_SYNC_REBASED,
	PARA_COLLECT_SYNC_CONFLICT		/* nothing was changed */
};

struct para_collect_sync {
	enum para_collect_sync_result result;
	char *onto_ref;			/* the base ref followed */
	char onto[GIT_OID_HEXSZ + 1];	/* its tip */
	char old_tip[GIT_OID_HEXSZ + 1];
	char new_tip[GIT_OID_HEXSZ + 1];
	struct para_strvec conflicts;	/* CONFLICT: the files */
	char *conflict_subject;		/* CONFLICT by rebase: of the commit */
	char *attic;			/* REBASED: where the old tip is kept */
};

#define PARA_COLLECT_SYNC_INIT { PARA_COLLECT_SYNC_UP_TO_DATE, NULL, "", "", "", \
			 PARA_STRVEC_INIT, NULL, NULL }

/*
 * Syncs task `name`.  Refuses with PARA_ELOCKED a task that runs, with
 * PARA_EINVALID one whose worktree has uncommitted or untracked files
 * or that records no base ref.
 */
int para_collect_sync_task(struct para_collect_sync *out, struct para_repo *repo,
		      const char *name, int rebase);

void para_collect_sync_dispose(struct para_collect_sync *sync);

#endif
