#ifndef PARA_MERGED_H
#define PARA_MERGED_H

#include <git2.h>
#include "repo.h"
#include "strbuf.h"

/*
 * Whether a branch's work is on a target branch, however it got there.
 * Hosting services merge by squash or rebase, so ancestry alone misses
 * most merges.  The tests, cheapest first, each on every target before
 * the next:
 *
 *  1. ancestry: the tip is the target's tip or one of its ancestors;
 *  2. tree: a commit on the target has the tip's tree (a rebase merge,
 *     or a squash, with nothing else on the target after it);
 *  3. merge: merging the tip into the target, in memory, gives the
 *     target's tree (a rebase merge with other work on the target,
 *     later changes to the same files included);
 *  4. patch: a commit on the target has the patch id of the branch's
 *     whole change since the merge base (a squash merge whose files the
 *     target changed again afterwards).
 *
 * Tests 2 and 4 walk at most PARA_MERGED_WALK commits of the target
 * back from its tip.  A branch whose change since the merge base is
 * empty is merged by ancestry only.
 */
#define PARA_MERGED_WALK 1000

enum para_merged_how {
	PARA_MERGED_NO = 0,
	PARA_MERGED_ANCESTRY,
	PARA_MERGED_TREE,
	PARA_MERGED_MERGE,
	PARA_MERGED_PATCH
};

struct para_merged {
	enum para_merged_how how;
	const char *target;		/* the target that holds it (borrowed) */
	char commit[GIT_OID_HEXSZ + 1];	/* the target's commit that holds it */
};

/*
 * Checks commit `tip` against the `n` targets (full ref names; NULL or
 * missing ones are skipped).  Returns 1 when merged (with `out` saying
 * how), 0 when not, negative when the history cannot be read.
 */
int para_merged_check(struct para_merged *out, struct para_repo *repo,
		      const git_oid *tip, const char *const *targets,
		      size_t n);

/*
 * How a merged branch got there, for people: "merged into main",
 * "squash-merged as 3f2a1c9 on main", ...
 */
void para_merged_describe(struct para_strbuf *out,
			  const struct para_merged *m);

#endif
