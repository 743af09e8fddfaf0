#ifndef PARA_WORKTREE_H
#define PARA_WORKTREE_H

#include "strbuf.h"
#include "strvec.h"

/*
 * What `git para run` does to a task's worktree with the git CLI (see
 * t/perf/p1001-add.sh: the CLI is the fast and complete way to touch
 * worktrees, and it runs hooks, filters and sparse checkout).
 */

/*
 * Merges `branches` one after the other into the branch checked out in
 * `worktree`.  On a conflict the merge is aborted and PARA_ERROR is
 * returned with a message naming the branch and the conflicting files.
 * git's own output goes to `log` (a file descriptor, -1 for none).
 */
int para_taskgit_merge(const char *worktree, const struct para_strvec *branches,
		       int log);

/*
 * Commits whatever is left uncommitted in `worktree` (new files too)
 * with `message`.  Sets `*committed` to 1 when there was something.
 */
int para_taskgit_commit_leftovers(int *committed, const char *worktree,
				  const char *message, int log);

/* Commits everything in `worktree`, known to be dirty, with `message`. */
int para_taskgit_commit_all(const char *worktree, const char *message,
			    int log);

/*
 * 1 if `path` is a worktree of the repository whose common directory is
 * `commondir`, as git registered it: a directory (not a symlink) whose
 * `.git` file names a `worktrees/<id>` of that repository, whose record
 * names this directory back.  Only there may git-para commit or remove.
 */
int para_worktree_registered(const char *commondir, const char *path);

/* Whether a worktree is clean: worktree-status.h. */

#endif
