#ifndef PARA_TASK_BASE_H
#define PARA_TASK_BASE_H

#include <git2.h>
#include "config.h"
#include "repo.h"

/*
 * Where a new task starts (Documentation/git-para-add.adoc, --base): `rev` if given, else
 * para.base, else the remote's default branch (refs/remotes/<remote>/HEAD),
 * else HEAD.  Sets `*oid_out` to the commit and `*ref_out` (malloc'd) to
 * the full name of the ref it came from, so that "merged into its base"
 * can later be judged against the ref's current tip; for a plain commit
 * id the id itself.
 */
int para_base_resolve(char **ref_out, git_oid *oid_out, struct para_repo *repo,
		      struct para_config *config, const char *rev);

/* para.remote, or its default (borrowed from the config). */
const char *para_base_remote(struct para_config *config);

/*
 * The worktree directory for task `name`: para.worktreeDir/<name>, the
 * directory taken relative to the main worktree's top; default
 * ../<repo>-worktrees.  Lexically normalised, absolute.
 */
int para_worktree_path(char **out, struct para_repo *repo,
		       struct para_config *config, const char *name);

#endif
