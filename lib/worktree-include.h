#ifndef PARA_WORKTREE_INCLUDE_H
#define PARA_WORKTREE_INCLUDE_H

#include "config.h"
#include "domain.h"
#include "fs-copy.h"
#include "repo.h"
#include "strvec.h"
#include "worktree-provision.h"

/*
 * What a new worktree gets from the main worktree besides its checkout:
 * the untracked files that para.copy (domain patterns) or the
 * repository's .worktreeinclude (gitignore syntax, negations included)
 * name, copied with para.copyMode, and the paths of the multi-valued
 * para.symlink, linked to the main worktree's.  Nothing of it is ever
 * executed, nor the task's work (it is provisioned: worktree-provision.h).
 */
struct para_include {
	struct para_strvec copy;	/* files, and directories ending in '/' */
	struct para_strvec link;	/* paths */
	enum para_copy_mode mode;
};

#define PARA_INCLUDE_INIT { PARA_STRVEC_INIT, PARA_STRVEC_INIT, \
			    PARA_COPY_REFLINK }

void para_include_dispose(struct para_include *inc);

/*
 * Lists what the main worktree has to give; what cannot be given (a
 * para.copy pattern that matches nothing, a para.symlink that is
 * missing or tracked) is a message in `warnings`.  A bare repository
 * gives nothing.
 */
int para_include_plan(struct para_include *out, struct para_repo *repo,
		      struct para_config *config, struct para_strvec *warnings);

/*
 * Fails (PARA_EINVALID, naming both) when a para.symlink path and the
 * task's `domain` (may be NULL: no domain, nothing to check) have a
 * path in common: the task's changes there would be the main
 * worktree's.
 */
int para_include_check_domain(const struct para_strvec *links,
			      const struct para_domain *domain,
			      const char *task);

/* para.symlink, normalised; a bad one fails naming it. */
int para_include_links(struct para_strvec *out, struct para_config *config);

/*
 * Brings `path` (an entry of `inc`) from the main worktree `top` into
 * `worktree` and records it in `p`.  `link` says which list it is of.
 */
int para_include_apply(struct para_provision *p, const struct para_include *inc,
		       const char *top, const char *worktree, const char *path,
		       int link);

#endif
