#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "fs.h"
#include "command.h"
#include "config-keys.h"
#include "task-base.h"
#include "error.h"
#include "strbuf.h"
#include "strvec.h"

const char *para_base_remote(struct para_config *config)
{
	const char *remote = NULL;

	/* a bad value is reported where the remote is used */
	if (para_config_string(&remote, config, "para.remote") < 0) {
		para_error_clear();
		remote = para_config_key_find("para.remote")->def;
	}
	return remote;
}

/* Full ref name for `rev` if it names a ref, else NULL. */
static char *ref_of(struct para_repo *repo, const char *rev)
{
	git_reference *ref = NULL, *resolved = NULL;
	char *name = NULL;

	if (git_reference_dwim(&ref, repo->git, rev) < 0)
		return NULL;
	if (git_reference_resolve(&resolved, ref) == 0)
		name = para_strdup(git_reference_name(resolved));
	git_reference_free(resolved);
	git_reference_free(ref);
	return name;
}

static int remote_default(char **ref_out, struct para_repo *repo,
			  struct para_config *config)
{
	char *head = para_xstrfmt("refs/remotes/%s/HEAD",
				  para_base_remote(config));
	git_reference *ref = NULL, *resolved = NULL;
	int error = PARA_ENOTFOUND;

	if (git_reference_lookup(&ref, repo->git, head) == 0 &&
	    git_reference_resolve(&resolved, ref) == 0) {
		*ref_out = para_strdup(git_reference_name(resolved));
		error = 0;
	}
	git_reference_free(resolved);
	git_reference_free(ref);
	free(head);
	return error;
}

int para_base_resolve(char **ref_out, git_oid *oid_out, struct para_repo *repo,
		      struct para_config *config, const char *rev)
{
	char *ref = NULL;
	int error;

	*ref_out = NULL;
	if (!rev && para_config_get_string(&rev, config, "para.base") < 0)
		rev = NULL;
	if (!rev && remote_default(&ref, repo, config) == 0)
		rev = ref;
	if (!rev)
		rev = "HEAD";
	if ((error = para_repo_resolve_commit(oid_out, repo, rev)) < 0) {
		free(ref);
		return error;
	}
	if (!ref)
		ref = ref_of(repo, rev);
	if (!ref) {
		char hex[GIT_OID_HEXSZ + 1];

		git_oid_tostr(hex, sizeof(hex), oid_out);
		ref = para_strdup(hex);
	}
	*ref_out = ref;
	return 0;
}

/*
 * A worktree inside the main worktree is fine only where git ignores
 * it there (`.worktrees/` in .gitignore): else every task's files show
 * as untracked in the main worktree, and `git add -A` there takes them.
 */
static int check_inside(const char *path, struct para_repo *repo,
			const char *name)
{
	const char *top = para_repo_top(repo), *below;
	char *real_top, *rel;
	int error = 0;

	if (!top)
		return 0;
	real_top = para_path_resolve(top);
	if (!(below = para_path_below(path, real_top)) || !*below)
		goto out;
	rel = para_xstrfmt("%s/", below);
	if (para_git(NULL, NULL, top, "check-ignore", "-q", "--no-index",
		     rel, NULL))
		error = para_error_set(PARA_EINVALID, "the worktree of task "
				       "'%s' would be '%s', inside the main "
				       "worktree where git does not ignore it; "
				       "ignore its para.worktreeDir there (e.g. "
				       "in .gitignore) or choose one outside",
				       name, path);
	free(rel);
out:
	free(real_top);
	return error;
}

int para_worktree_path(char **out, struct para_repo *repo,
		       struct para_config *config, const char *name)
{
	const char *top = para_repo_git_cwd(repo);
	const char *dir = NULL;
	char *joined;

	if (para_config_get_string(&dir, config, "para.worktreeDir") < 0 ||
	    !*dir)
		dir = NULL;
	if (dir && dir[0] == '/')
		joined = para_xstrfmt("%s/%s", dir, name);
	else if (dir)
		joined = para_xstrfmt("%s/%s/%s", top, dir, name);
	else
		joined = para_xstrfmt("%s/../%s-worktrees/%s", top, repo->name,
				      name);
	/* as git records it: a symlinked para.worktreeDir resolved */
	*out = para_path_resolve(joined);
	free(joined);
	return check_inside(*out, repo, name);
}
