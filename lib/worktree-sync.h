#ifndef PARA_WORKTREE_SYNC_H
#define PARA_WORKTREE_SYNC_H

#include "worktree-include.h"

/*
 * `git para sync-files`: what the main worktree gives new worktrees
 * (worktree-include.h), brought again into an existing one: what is
 * missing is copied or linked, a provisioned file the main worktree has
 * changed (a new .env) is copied again, and what the task changed, or
 * what git-para did not put there, is left alone.  A directory that is
 * there already is kept as it is.
 */

enum para_sync_action {
	PARA_SYNC_COPY,		/* missing: copied */
	PARA_SYNC_UPDATE,	/* changed in the main worktree: copied again */
	PARA_SYNC_LINK,		/* missing: linked */
	PARA_SYNC_CHANGED,	/* the task changed it: kept */
	PARA_SYNC_FOREIGN	/* not put there by git-para: kept */
};

struct para_sync_item {
	char *path;
	enum para_sync_action action;
	int link;		/* of the para.symlink list */
};

struct para_sync {
	struct para_sync_item *v;
	size_t nr, alloc;
};

#define PARA_SYNC_INIT { NULL, 0, 0 }

void para_sync_dispose(struct para_sync *s);

/* What bringing `inc` into `worktree` (provisioned as `p`) would do. */
int para_sync_plan(struct para_sync *out, const struct para_include *inc,
		   const struct para_provision *p, const char *top,
		   const char *worktree);

/* Does it, recording what it brought in `p`. */
int para_sync_apply(struct para_provision *p, const struct para_sync *s,
		    const struct para_include *inc, const char *top,
		    const char *worktree);

/* "copied", "updated", "linked", "kept (the task changed it)", ... */
const char *para_sync_action_name(enum para_sync_action action);

#endif
