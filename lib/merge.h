#ifndef PARA_MERGE_H
#define PARA_MERGE_H

#include <git2.h>
#include "repo.h"
#include "strvec.h"

/*
 * Merging task branches into a branch without touching any worktree:
 * `git merge-tree --write-tree` computes the result in the object store,
 * `git commit-tree` records it, and `git update-ref <ref> <new> <old>`
 * moves the branch only if nobody moved it in the meantime.
 */

struct para_merge_result {
	int already;			/* the commit was merged before */
	struct para_strvec conflicts;	/* files that did not merge */
	char commit[GIT_OID_HEXSZ + 1];	/* the branch's new tip */
};

#define PARA_MERGE_RESULT_INIT { 0, PARA_STRVEC_INIT, "" }

void para_merge_result_dispose(struct para_merge_result *result);

/*
 * Finds a worktree that has `branch` (a short name) checked out: 1 with
 * its path in `*worktree_out` (malloc'd), 0 when there is none.
 */
int para_merge_checked_out(char **worktree_out, struct para_repo *repo,
			   const char *branch);

/*
 * Creates branch `branch` at `start` unless it exists.  Returns 1 when
 * it was created, 0 when it existed.
 */
int para_merge_create_branch(struct para_repo *repo, const char *branch,
			     const char *start);

/*
 * Merges `commit` into `branch` with a merge commit whose message is
 * `message`.  Returns 0 with `out->already` set when the branch contains
 * the commit already, with `out->conflicts` filled (and the branch
 * unchanged) when it does not merge cleanly, and with `out->commit` the
 * new tip otherwise.  Fails with PARA_ELOCKED when the branch moved
 * while the merge was made.
 */
/*
 * Merges `commit` into commit `onto` in the object store only: as
 * para_merge_into(), but no branch moves; `out->commit` is the merge.
 */
int para_merge_commit(struct para_merge_result *out, struct para_repo *repo,
		      const char *onto, const char *commit,
		      const char *message);

/*
 * Moves `branch` from `old` to `commit`, compare-and-swap: PARA_ELOCKED
 * when it is no longer at `old`.
 */
int para_merge_move(struct para_repo *repo, const char *branch,
		    const char *commit, const char *old, const char *message);

/* The commit `branch` (a short name) points at, in hex. */
int para_merge_tip(char *hex, struct para_repo *repo, const char *branch);

int para_merge_into(struct para_merge_result *out, struct para_repo *repo,
		    const char *branch, const char *commit,
		    const char *message);

#endif
