#include <stdlib.h>
#include <string.h>

#include "changes.h"
#include "error-git.h"
#include "task-state.h"

static int commit_tree(git_tree **out, git_repository *git, const char *hex)
{
	git_commit *commit = NULL;
	git_oid oid;
	int error;

	if ((error = git_oid_fromstr(&oid, hex)) < 0 ||
	    (error = git_commit_lookup(&commit, git, &oid)) < 0 ||
	    (error = git_commit_tree(out, commit)) < 0)
		error = para_error_git(PARA_ERROR, "cannot read commit '%s'",
				       hex);
	git_commit_free(commit);
	return error;
}

/* The entry at `path`, or NULL when the tree has none there. */
static int entry_at(git_tree_entry **out, git_tree *tree, const char *path)
{
	int error = git_tree_entry_bypath(out, tree, path);

	if (error == GIT_ENOTFOUND) {
		git_error_clear();
		*out = NULL;
		return 0;
	}
	if (error < 0)
		return para_error_git(PARA_ERROR, "cannot read '%s'", path);
	return 0;
}

/* 1 if `path` differs in the trees (content, mode or presence), 0 if not. */
static int path_differs(git_tree *a, git_tree *b, const char *path)
{
	git_tree_entry *ea = NULL, *eb = NULL;
	int error;

	if ((error = entry_at(&ea, a, path)) < 0 ||
	    (error = entry_at(&eb, b, path)) < 0)
		goto out;
	if (!ea || !eb)
		error = !ea != !eb;
	else
		error = !git_oid_equal(git_tree_entry_id(ea),
				       git_tree_entry_id(eb)) ||
			git_tree_entry_filemode(ea) !=
			git_tree_entry_filemode(eb);
out:
	git_tree_entry_free(ea);
	git_tree_entry_free(eb);
	return error;
}

int para_changes_keep_differing(struct para_strvec *changed,
				git_repository *git, const char *tip,
				const char *other)
{
	git_tree *a = NULL, *b = NULL;
	size_t i, kept = 0;
	int error = 0, differs;

	if (!changed->nr || !strcmp(tip, other))
		goto out;
	if ((error = commit_tree(&a, git, tip)) < 0 ||
	    (error = commit_tree(&b, git, other)) < 0)
		goto out;
	for (i = 0; i < changed->nr; i++) {
		if ((differs = path_differs(a, b, changed->v[i])) < 0)
			error = differs;
		if (differs)
			changed->v[kept++] = changed->v[i];
		else
			free(changed->v[i]);
	}
	changed->nr = kept;
	changed->v[kept] = NULL;
out:
	git_tree_free(a);
	git_tree_free(b);
	return error;
}

/* The tip of the branch of task `name`; PARA_ENOTFOUND if there is none. */
static int dep_tip(char *hex, struct para_repo *repo, const char *name)
{
	struct para_task task;
	git_oid oid;
	char *ref;
	int error;

	if (para_state_load(&task, repo, name) < 0)
		return PARA_ENOTFOUND;
	ref = para_xstrfmt("refs/heads/%s", task.branch);
	if ((error = git_reference_name_to_id(&oid, repo->git, ref)) < 0) {
		git_error_clear();
		error = PARA_ENOTFOUND;
	} else {
		git_oid_tostr(hex, GIT_OID_HEXSZ + 1, &oid);
	}
	free(ref);
	para_task_dispose(&task);
	return error;
}

int para_changes_own(struct para_strvec *changed, struct para_repo *repo,
		     const struct para_task *task, const char *tip)
{
	char hex[GIT_OID_HEXSZ + 1];
	size_t i;
	int error = 0;

	for (i = 0; i < task->after.nr && changed->nr && !error; i++) {
		if (dep_tip(hex, repo, task->after.v[i]) < 0)
			continue;
		error = para_changes_keep_differing(changed, repo->git, tip,
						    hex);
	}
	if (!error)
		para_error_clear();	/* of a dependency that was skipped */
	return error;
}
