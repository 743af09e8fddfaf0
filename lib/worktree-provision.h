#ifndef PARA_WORKTREE_PROVISION_H
#define PARA_WORKTREE_PROVISION_H

#include "repo.h"
#include "strvec.h"

/*
 * What git-para itself put into a task's worktree: files copied from the
 * main worktree (para.copy) and whatever para.setup created before the
 * task ever ran.  None of it is the task's work.  It is recorded under
 * <common-dir>/para/provision/<task> (how, blob id, path) and kept out of
 * git's sight in that worktree by a per-worktree core.excludesFile, so
 * that neither autoCommit nor an agent's own `git add -A` commits it,
 * whether or not the repository's .gitignore lists it.  A provisioned
 * file the task changes afterwards becomes its work.
 */

enum para_provision_how {
	PARA_PROVISION_COPY = 0,	/* copied by git-para */
	PARA_PROVISION_SETUP,		/* created by para.setup */
	PARA_PROVISION_LINK		/* a symbolic link to the main
					   worktree's (para.symlink) */
};

struct para_provision_entry {
	char *path;		/* relative to the worktree's top; a
				   directory ends in '/' */
	enum para_provision_how how;
	char hash[41];		/* blob id of a file's content; "" for a
				   directory (its content is not followed) */
};

struct para_provision {
	struct para_provision_entry *v;
	size_t nr, alloc;
};

#define PARA_PROVISION_INIT { NULL, 0, 0 }

void para_provision_dispose(struct para_provision *p);

/* "copy", "setup" or "link". */
const char *para_provision_how_name(enum para_provision_how how);

/*
 * Adds `path` (a file, or a directory ending in '/') found in `worktree`,
 * hashing a file's content.  A path already recorded keeps its first
 * entry.
 */
int para_provision_add(struct para_provision *p, const char *worktree,
		       const char *path, enum para_provision_how how);

/*
 * The untracked and ignored paths of `worktree` as git sees them
 * (untracked directories collapsed to "dir/"), sorted, into `out`; and
 * the tracked files that differ from HEAD into `modified` (may be NULL).
 */
int para_provision_scan(struct para_strvec *out, struct para_strvec *modified,
			const char *worktree);

/*
 * Records `p` for task `name` and hides its paths from git in `worktree`
 * (turning on extensions.worktreeConfig in the repository if it is not
 * on, as `git sparse-checkout` does).  The exclude file starts with the
 * user's own core.excludesFile, which a per-worktree setting replaces.
 */
int para_provision_save(struct para_repo *repo, const char *name,
			const char *worktree, const struct para_provision *p);

/* Reads the record of task `name`; none recorded is an empty record. */
int para_provision_load(struct para_provision *out,
			const struct para_repo *repo, const char *name);

/* Removes the record and exclude file of task `name` (if any). */
void para_provision_remove(const struct para_repo *repo, const char *name);

/*
 * The recorded files whose content in `worktree` now differs from what
 * was provisioned (the task changed them), into `out`.  A file that is
 * gone counts as unchanged: deleting a copy loses nothing of the task's.
 */
int para_provision_changed(struct para_strvec *out,
			   const struct para_provision *p, const char *worktree);

/*
 * The blob id of the file (or symbolic link: of its target) at `full`,
 * or "" when there is none there or it is something else.
 */
int para_provision_hash(char hash[41], const char *full);

/* As para_provision_add(), but a recorded path is hashed anew. */
int para_provision_update(struct para_provision *p, const char *worktree,
			  const char *path, enum para_provision_how how);

/* The entry recorded for `path`, or NULL. */
const struct para_provision_entry *para_provision_find(
	const struct para_provision *p, const char *path);

/* 1 if `path` is recorded, or lies under a recorded directory. */
int para_provision_covers(const struct para_provision *p, const char *path);

#endif
