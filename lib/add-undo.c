#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "add.h"
#include "command.h"
#include "error.h"
#include "fs.h"
#include "strbuf.h"
#include "task-state.h"
#include "worktree.h"
#include "worktree-provision.h"

/*
 * The worktree.  Its path was checked to be free under the tasks lock
 * before the task was recorded, so whatever is there now was made by
 * the `git worktree add` that was cut short: a registered worktree
 * (perhaps with a HEAD that was never written), or a directory git had
 * not yet registered.
 */
static int undo_worktree(struct para_add_undone *out, struct para_repo *repo,
			 const struct para_task *t)
{
	struct para_strbuf err = PARA_STRBUF_INIT;
	const char *top = para_repo_git_cwd(repo);
	struct stat st;
	int error = 0;

	if (lstat(t->worktree, &st) < 0) {
		/* git may still hold a record of it */
		para_git(NULL, NULL, top, "worktree", "prune", NULL);
		return 0;
	}
	if (!S_ISDIR(st.st_mode))
		return para_error_set(PARA_ERROR, "'%s' is no longer the "
				      "directory 'git para add' made for task "
				      "'%s'; remove it by hand", t->worktree,
				      t->name);
	if (!para_worktree_registered(repo->commondir, t->worktree) ||
	    para_git(NULL, &err, top, "worktree", "remove", "--force",
		     "--force", t->worktree, NULL)) {
		if (para_remove_tree(t->worktree) < 0) {
			para_strbuf_dispose(&err);
			return para_error_set(PARA_ERROR, "cannot remove '%s'",
					      t->worktree);
		}
		para_git(NULL, NULL, top, "worktree", "prune", NULL);
	}
	out->worktree = 1;
	para_strbuf_dispose(&err);
	return error;
}

/* The branch, when the add made it and nothing moved it since. */
static void undo_branch(struct para_add_undone *out, struct para_repo *repo,
			const struct para_task *t)
{
	struct para_strbuf tip = PARA_STRBUF_INIT;
	char *ref = para_xstrfmt("refs/heads/%s", t->branch);

	if (t->reused_branch ||
	    para_git(&tip, NULL, para_repo_git_cwd(repo), "rev-parse",
		     "--verify", "-q", ref, NULL))
		goto out;
	para_strbuf_rtrim(&tip);
	if (t->base && strcmp(tip.buf, t->base)) {
		out->branch_kept = 1;
		goto out;
	}
	if (!para_git(NULL, NULL, para_repo_git_cwd(repo), "branch", "-D",
		      "-q", t->branch, NULL))
		out->branch = 1;
out:
	para_strbuf_dispose(&tip);
	free(ref);
}

int para_add_undo(struct para_add_undone *out, struct para_repo *repo,
		  const struct para_task *t)
{
	int error;

	memset(out, 0, sizeof(*out));
	if ((error = undo_worktree(out, repo, t)) < 0)
		return error;
	undo_branch(out, repo, t);
	para_provision_remove(repo, t->name);
	return para_state_remove(repo, t->name);
}
