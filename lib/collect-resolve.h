#ifndef PARA_COLLECT_RESOLVE_H
#define PARA_COLLECT_RESOLVE_H

#include "repo.h"
#include "strvec.h"

/*
 * `git para resolve`: a task collect set aside by a conflict gets, in
 * its worktree, the merge of what it conflicted with, the conflicts
 * left in place, and goes back to `git para run`, whose next attempt
 * gets PARA_CONFLICTS and a prompt to resolve them (task-env.h); its
 * autoCommit then completes the merge.
 */

struct para_resolve {
	char *with;			/* the branch merged */
	char *worktree;
	struct para_strvec conflicts;	/* files left conflicting */
	int clean;			/* it merged cleanly: committed */
	int already;			/* the branch was in the task already */
	char commit[GIT_OID_HEXSZ + 1];	/* clean: the merge commit */
};

#define PARA_RESOLVE_INIT { NULL, NULL, PARA_STRVEC_INIT, 0, 0, "" }

/*
 * Merges into task `name`'s worktree the branch of task `with_task`, or
 * (NULL) the branch it did not merge into, or `fallback`.  Refuses
 * (PARA_EINVALID) a task not in state `conflict` and a worktree with
 * uncommitted files.  With conflicts the task becomes `new`, to run;
 * merged cleanly (or nothing to merge) it becomes `succeeded`, to be
 * collected again.
 */
int para_collect_resolve(struct para_resolve *out, struct para_repo *repo,
			 const char *name, const char *with_task,
			 const char *fallback);

/*
 * For the end of an attempt of a task being resolved: 1 with the first
 * of its conflicting files that still holds a conflict marker line in
 * `*file_out` (malloc'd), 0 when none does.
 */
struct para_task;
int para_resolve_markers_left(char **file_out, const struct para_task *task);

void para_resolve_dispose(struct para_resolve *resolve);

#endif
