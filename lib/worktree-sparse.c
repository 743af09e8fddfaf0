/*
 * A task's sparse checkout: cone mode where the base tree allows it
 * (worktree-sparse.h), else non-cone patterns.
 */
#include <string.h>

#include "command.h"
#include "domain.h"
#include "error.h"
#include "worktree-sparse.h"

/*
 * Past this many directories a cone is no longer small, and its list
 * would crowd the command line: non-cone mode then.
 */
#define MAX_CONE_DIRS 10000

struct expand {
	git_repository *repo;
	const struct para_domain *domain;
	size_t pattern;
	struct para_strvec *dirs;
	int matched;		/* the pattern covers some path */
	int cone;		/* so far every covered path fits a cone */
};

/*
 * Cone mode trims spaces and reads '\\', '*', '?' and '[' as a pattern
 * would: a directory whose name holds one stays out of the cone.
 */
static int cone_name(const char *path)
{
	return !strpbrk(path, "*?[\\ \t\n");
}

/*
 * Walks `tree` (at `path`) down to what the pattern covers, only into
 * the directories that may hold some of it.  Once cone mode is out (a
 * file or a submodule is covered, or too many directories), only
 * whether the pattern matches at all is left to learn: the walk stops
 * at its first match.
 */
static int expand_tree(struct expand *x, git_tree *tree,
		       struct para_strbuf *path)
{
	size_t i, n = git_tree_entrycount(tree), len = path->len;
	int error = 0;

	for (i = 0; i < n && (x->cone || !x->matched) && !error; i++) {
		const git_tree_entry *entry = git_tree_entry_byindex(tree, i);
		int dir = git_tree_entry_type(entry) == GIT_OBJECT_TREE;
		enum para_reach reach;
		git_tree *sub;

		para_strbuf_addf(path, "%s%s", len ? "/" : "",
				 git_tree_entry_name(entry));
		reach = para_domain_reach(x->domain, x->pattern, path->buf);
		if (reach == PARA_REACH_COVERS) {
			x->matched = 1;
			x->cone = x->cone && dir && cone_name(path->buf) &&
				  x->dirs->nr < MAX_CONE_DIRS;
			if (x->cone)
				para_strvec_push(x->dirs, path->buf);
		} else if (reach == PARA_REACH_BELOW && dir) {
			if (git_tree_lookup(&sub, x->repo,
					    git_tree_entry_id(entry)) < 0) {
				error = -1;
			} else {
				error = expand_tree(x, sub, path);
				git_tree_free(sub);
			}
		}
		para_strbuf_setlen(path, len);
	}
	return error;
}

/* 1 when `path` is a directory of `tree` or not in it at all. */
static int dir_or_absent(git_tree *tree, const char *path)
{
	git_tree_entry *entry = NULL;
	int ok = 1;

	if (!git_tree_entry_bypath(&entry, tree, path))
		ok = git_tree_entry_type(entry) == GIT_OBJECT_TREE;
	git_tree_entry_free(entry);
	git_error_clear();
	return ok;
}

/*
 * The cone of pattern `x->pattern`, appended to `x->dirs`; clears
 * `x->cone` when there is none.  A wildcard that matches nothing goes
 * to `unmatched`, whether cone mode was out before it or not.
 */
static int expand_pattern(struct expand *x, git_tree *tree,
			  const char *pattern, struct para_strvec *unmatched)
{
	struct para_strbuf path = PARA_STRBUF_INIT;
	int error;

	if (para_pattern_is_literal(pattern)) {
		if (x->cone && cone_name(pattern) &&
		    dir_or_absent(tree, pattern))
			para_strvec_push(x->dirs, pattern);
		else
			x->cone = 0;
		return 0;
	}
	x->matched = 0;
	error = expand_tree(x, tree, &path);
	if (!error && !x->matched)
		para_strvec_push(unmatched, pattern);
	para_strbuf_dispose(&path);
	return error;
}

/*
 * Adds a pattern in non-cone mode: as a gitignore pattern anchored at
 * the top.  A domain's backslash is literal, and gitignore syntax drops
 * trailing spaces: both are escaped.  The leading '/' already keeps '!'
 * and '#' literal.
 */
static void push_no_cone(struct para_strvec *args, const char *pattern)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	size_t len = strlen(pattern), i;

	para_strbuf_addch(&sb, '/');
	for (i = 0; i < len; i++) {
		int trailing = pattern[i + strspn(pattern + i, " ")] == '\0';

		if (pattern[i] == '\\' || (pattern[i] == ' ' && trailing))
			para_strbuf_addch(&sb, '\\');
		para_strbuf_addch(&sb, pattern[i]);
	}
	para_strvec_push(args, sb.buf);
	para_strbuf_dispose(&sb);
}

/*
 * The cone of every pattern, or `x->cone` cleared; every pattern is
 * looked at either way, for the wildcards that match nothing.
 */
static int expand_all(struct expand *x, git_tree *tree,
		      const struct para_strvec *all,
		      struct para_strvec *unmatched)
{
	struct para_domain *domain = NULL;
	size_t i;
	int error;

	if ((error = para_domain_new(&domain, (const char *const *)all->v,
				     all->nr)) < 0)
		return error;
	x->domain = domain;
	for (i = 0; i < all->nr && !error; i++) {
		x->pattern = i;
		error = expand_pattern(x, tree, all->v[i], unmatched);
	}
	x->domain = NULL;
	para_domain_free(domain);
	return error;
}

int para_sparse_plan(struct para_sparse *out, git_repository *repo,
		     const char *base, const struct para_strvec *paths,
		     const struct para_strvec *context)
{
	struct para_strvec all = PARA_STRVEC_INIT, dirs = PARA_STRVEC_INIT;
	struct expand x = { repo, NULL, 0, &dirs, 0, 1 };
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_oid oid;
	size_t i;

	para_strvec_pushv(&all, (const char *const *)paths->v);
	para_strvec_pushv(&all, (const char *const *)context->v);
	if (git_oid_fromstr(&oid, base) < 0 ||
	    git_commit_lookup(&commit, repo, &oid) < 0 ||
	    git_commit_tree(&tree, commit) < 0 ||
	    expand_all(&x, tree, &all, &out->unmatched) < 0)
		x.cone = 0;
	git_error_clear();
	para_error_clear();
	out->cone = x.cone;
	if (x.cone)
		para_strvec_pushv(&out->patterns, (const char *const *)dirs.v);
	else
		for (i = 0; i < all.nr; i++)
			push_no_cone(&out->patterns, all.v[i]);
	git_tree_free(tree);
	git_commit_free(commit);
	para_strvec_dispose(&dirs);
	para_strvec_dispose(&all);
	return 0;
}

int para_sparse_apply(const struct para_sparse *sparse, const char *worktree,
		      struct para_strbuf *err)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	int status;

	para_git_command_quiet(&cmd, err, worktree, "sparse-checkout");
	para_strvec_push(&cmd.args, "set");
	para_strvec_pushv(&cmd.args, sparse->cone ?
		(const char *const[]){ "--cone", "--sparse-index", "--", NULL } :
		(const char *const[]){ "--no-cone", "--", NULL });
	para_strvec_pushv(&cmd.args, (const char *const *)sparse->patterns.v);
	status = para_command_run(&cmd);
	if (!status)
		status = para_git(err, err, worktree, "checkout", "-q", NULL);
	return status;
}

void para_sparse_dispose(struct para_sparse *sparse)
{
	para_strvec_dispose(&sparse->patterns);
	para_strvec_dispose(&sparse->unmatched);
	sparse->cone = 0;
}
