#ifndef PARA_WORKTREE_SPARSE_H
#define PARA_WORKTREE_SPARSE_H

#include <git2.h>

#include "strbuf.h"
#include "strvec.h"

/*
 * The sparse checkout of a task's worktree: its domain and the
 * para.sparseContext patterns, checked out with `git sparse-checkout`.
 *
 * Cone mode, with a sparse index, keeps the index of a large repository
 * small; it holds whole directories only.  So the patterns are looked up
 * in the base tree: a literal path that is a directory there (or is not
 * there yet) is one directory of the cone, and a wildcard every match of
 * which in the base tree is a directory becomes those directories (only
 * the trees a match may lie in are read).  When
 * some pattern covers a file, or a directory name cone mode would not
 * keep exactly, every pattern is given as it is in non-cone mode, which
 * checks out exactly what the domain covers.
 *
 * Either way what the task writes outside the patterns stays in the
 * worktree (git never removes untracked files), and is committed with
 * `git add --sparse` like the rest of its work.
 */

struct para_sparse {
	int cone;			/* cone mode and a sparse index */
	struct para_strvec patterns;	/* for `git sparse-checkout set` */
	struct para_strvec unmatched;	/* wildcards that match nothing */
};

#define PARA_SPARSE_INIT { 0, PARA_STRVEC_INIT, PARA_STRVEC_INIT }

void para_sparse_dispose(struct para_sparse *sparse);

/*
 * Plans the sparse checkout of `paths` and then `context` (valid,
 * normalised patterns) against the tree of the commit `base` (hex).
 * When the base cannot be read, the plan is non-cone.  Each wildcard
 * that matches nothing in that tree is in `out->unmatched`, whichever
 * the mode.
 */
int para_sparse_plan(struct para_sparse *out, git_repository *repo,
		     const char *base, const struct para_strvec *paths,
		     const struct para_strvec *context);

/*
 * Sets the patterns of `sparse` in `worktree` and checks it out.
 * Returns git's exit status (0 when all went well), git's output in
 * `err`, or a negative error when git could not be run.
 */
int para_sparse_apply(const struct para_sparse *sparse, const char *worktree,
		      struct para_strbuf *err);

#endif
