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

	if (!changed->nr)
		goto out;
	/* the same commit: nothing differs */
	if (strcmp(tip, other) &&
	    ((error = commit_tree(&a, git, tip)) < 0 ||
	     (error = commit_tree(&b, git, other)) < 0))
		goto out;
	for (i = 0; i < changed->nr; i++) {
		differs = a ? path_differs(a, b, changed->v[i]) : 0;
		if (differs < 0)
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

/*
 * 1 if `path` in `tree` (of commit `c`) differs from every parent but
 * the first: the merge itself wrote it rather than took it from one.
 */
static int merge_wrote(git_commit *c, git_tree *tree, const char *path)
{
	unsigned int p, n = git_commit_parentcount(c);
	int differs = 1;

	for (p = 1; p < n && differs > 0; p++) {
		git_commit *parent = NULL;
		git_tree *ptree = NULL;

		if (git_commit_parent(&parent, c, p) < 0 ||
		    git_commit_tree(&ptree, parent) < 0)
			differs = para_error_git(PARA_ERROR, "cannot read a "
						 "parent of a merge");
		else
			differs = path_differs(tree, ptree, path);
		git_tree_free(ptree);
		git_commit_free(parent);
	}
	return differs;
}

/*
 * Adds to `own` the paths commit `id` changed against its first parent;
 * of a merge, only those it wrote itself (merge_wrote()).
 */
static int add_commit_paths(struct para_strvec *own, git_repository *git,
			    const git_oid *id)
{
	git_commit *c = NULL, *first = NULL;
	git_tree *tree = NULL, *ptree = NULL;
	git_diff *diff = NULL;
	size_t i;
	int error, wrote = 1;

	if ((error = git_commit_lookup(&c, git, id)) < 0 ||
	    (error = git_commit_tree(&tree, c)) < 0 ||
	    (error = git_commit_parent(&first, c, 0)) < 0 ||
	    (error = git_commit_tree(&ptree, first)) < 0 ||
	    (error = git_diff_tree_to_tree(&diff, git, ptree, tree, NULL)) < 0) {
		error = para_error_git(PARA_ERROR, "cannot compare commit "
				       "'%s'", git_oid_tostr_s(id));
		goto out;
	}
	for (i = 0; i < git_diff_num_deltas(diff); i++) {
		const char *path = git_diff_get_delta(diff, i)->new_file.path;

		if (git_commit_parentcount(c) > 1 &&
		    (wrote = merge_wrote(c, tree, path)) < 0) {
			error = wrote;
			goto out;
		}
		if (wrote)
			para_strvec_push(own, path);
	}
out:
	git_diff_free(diff);
	git_tree_free(ptree);
	git_tree_free(tree);
	git_commit_free(first);
	git_commit_free(c);
	return error;
}

/*
 * The commits from `tip` back to `base` along first parents, the task's
 * own line, into `*out` (`*nr` of them); `*merges` counts the merges.
 */
static int first_parent_line(git_oid **out, size_t *nr, size_t *merges,
			     git_repository *git, const char *base,
			     const char *tip)
{
	git_revwalk *walk = NULL;
	git_commit *c = NULL;
	git_oid oid;
	int error;

	*out = NULL;
	*nr = *merges = 0;
	if ((error = git_revwalk_new(&walk, git)) < 0 ||
	    (error = git_revwalk_simplify_first_parent(walk)) < 0 ||
	    (error = git_oid_fromstr(&oid, tip)) < 0 ||
	    (error = git_revwalk_push(walk, &oid)) < 0 ||
	    (error = git_oid_fromstr(&oid, base)) < 0 ||
	    (error = git_revwalk_hide(walk, &oid)) < 0)
		goto out;
	while (!(error = git_revwalk_next(&oid, walk))) {
		if ((error = git_commit_lookup(&c, git, &oid)) < 0)
			goto out;
		*merges += git_commit_parentcount(c) > 1;
		/* a root commit has no first parent to compare with */
		if (git_commit_parentcount(c)) {
			*out = para_realloc(*out, (*nr + 1) * sizeof(**out));
			git_oid_cpy(&(*out)[(*nr)++], &oid);
		}
		git_commit_free(c);
		c = NULL;
	}
	if (error == GIT_ITEROVER)
		error = 0;
out:
	if (error < 0)
		error = para_error_git(PARA_ERROR, "cannot walk the history "
				       "of '%s'", tip);
	git_revwalk_free(walk);
	return error;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int para_changes_keep_written(struct para_strvec *changed,
			      git_repository *git, const char *base,
			      const char *tip)
{
	struct para_strvec own = PARA_STRVEC_INIT;
	git_oid *line = NULL;
	size_t i, nr, merges, kept = 0;
	int error = 0;

	if (!changed->nr || !base ||
	    (error = first_parent_line(&line, &nr, &merges, git, base,
				       tip)) < 0 || !merges)
		goto out;
	for (i = 0; i < nr && !error; i++)
		error = add_commit_paths(&own, git, &line[i]);
	if (error < 0)
		goto out;
	para_strvec_sort(&own);
	for (i = 0; i < changed->nr; i++) {
		if (own.nr && bsearch(&changed->v[i], own.v, own.nr,
				      sizeof(*own.v), cmp_str))
			changed->v[kept++] = changed->v[i];
		else
			free(changed->v[i]);
	}
	changed->nr = kept;
	changed->v[kept] = NULL;
out:
	para_strvec_dispose(&own);
	free(line);
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
	if (!error)
		error = para_changes_keep_written(changed, repo->git,
						  task->base, tip);
	return error;
}

/* The paths that differ between commits `a` and `b`, into `out`. */
static int differing_paths(struct para_strvec *out, git_repository *git,
			   const char *a, const char *b)
{
	git_tree *ta = NULL, *tb = NULL;
	git_diff *diff = NULL;
	size_t i;
	int error;

	if ((error = commit_tree(&ta, git, a)) < 0 ||
	    (error = commit_tree(&tb, git, b)) < 0)
		goto out;
	if ((error = git_diff_tree_to_tree(&diff, git, ta, tb, NULL)) < 0) {
		error = para_error_git(PARA_ERROR, "cannot compare '%s' with "
				       "'%s'", a, b);
		goto out;
	}
	for (i = 0; i < git_diff_num_deltas(diff); i++)
		para_strvec_push(out, git_diff_get_delta(diff, i)->new_file.path);
out:
	git_diff_free(diff);
	git_tree_free(ta);
	git_tree_free(tb);
	return error;
}

int para_changes_task_has_own(int *out, struct para_repo *repo,
			      const struct para_task *task)
{
	struct para_strvec changed = PARA_STRVEC_INIT;
	char tip[GIT_OID_HEXSZ + 1];
	char *ref = para_xstrfmt("refs/heads/%s", task->branch);
	git_oid oid;
	int error;

	*out = 0;
	if ((error = git_reference_name_to_id(&oid, repo->git, ref)) < 0) {
		error = para_error_git(PARA_ENOTFOUND, "cannot read branch "
				       "'%s'", task->branch);
		goto out;
	}
	git_oid_tostr(tip, sizeof(tip), &oid);
	if (!strcmp(tip, task->base))
		goto out;
	if ((error = differing_paths(&changed, repo->git, task->base,
				     tip)) < 0 ||
	    (error = para_changes_own(&changed, repo, task, tip)) < 0)
		goto out;
	*out = changed.nr > 0;
out:
	para_strvec_dispose(&changed);
	free(ref);
	return error;
}
