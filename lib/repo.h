#ifndef PARA_REPO_H
#define PARA_REPO_H

#include <git2.h>

/*
 * The repository git-para works on, found the way git finds it: from the
 * environment (GIT_DIR, GIT_WORK_TREE, ...) or by searching upwards from
 * the current directory, which may be the main worktree or any task
 * worktree.  Every task lives in the common dir.
 */
struct para_repo {
	git_repository *git;	/* the repository as opened (may be a worktree) */
	char *gitdir;		/* this worktree's git dir, no trailing '/' */
	char *commondir;	/* shared git dir, no trailing '/' */
	char *workdir;		/* this worktree's top, or NULL when bare */
	char *main_workdir;	/* the main worktree's top, or NULL when bare */
	char *name;		/* basename of the main worktree, or of the
				   bare repository without ".git" */
	char *state_dir;	/* <commondir>/para */
};

/*
 * What cmd/ may know of a repository (it never reads the struct's fields):
 * the main worktree's top (NULL when bare), this worktree's top (NULL when
 * bare), the common dir and the state dir, <common-dir>/para.  Borrowed.
 */
const char *para_repo_top(const struct para_repo *repo);
const char *para_repo_workdir(const struct para_repo *repo);
const char *para_repo_commondir(const struct para_repo *repo);
const char *para_repo_state_dir(const struct para_repo *repo);

/*
 * Where the current directory is in this worktree, as git's prefix:
 * "" at the top (or outside it), else "dir/sub/" (malloc'd).
 */
char *para_repo_prefix(const struct para_repo *repo);

/*
 * The directory git commands about the repository run in: the main
 * worktree's top, else the common dir (a bare repository).
 */
const char *para_repo_git_cwd(const struct para_repo *repo);

/* Library-wide initialisation; safe to call more than once. */
int para_lib_init(void);

/* Opens the repository of the current process (see above). */
int para_repo_open(struct para_repo **out);
void para_repo_free(struct para_repo *repo);

/*
 * Resolves a revision to a commit; fills `out` (may be NULL) with its id.
 * Fails with PARA_ENOTFOUND naming the revision.
 */
int para_repo_resolve_commit(git_oid *out, struct para_repo *repo,
			     const char *rev);

/* 1 if `refname` exists, 0 if not. */
int para_repo_ref_exists(struct para_repo *repo, const char *refname);

/*
 * 1 if commit `a` is commit `b` or one of its ancestors, 0 if not,
 * negative if the history cannot be read.
 */
int para_repo_is_ancestor(struct para_repo *repo, const git_oid *a,
			  const git_oid *b);

/* Creates `<state_dir>/<sub>` (and the state dir) if missing. */
int para_repo_state_path(char **out, struct para_repo *repo, const char *sub);

#endif
