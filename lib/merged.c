#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "error-git.h"
#include "merged.h"
#include "strvec.h"

/* Beyond this many changed files the walk is not limited to them. */
#define PATHSPEC_MAX 256

struct target {
	const char *ref;
	git_oid tip;
	git_oid base;		/* the merge base with the branch */
	int usable;		/* it has one, and the branch changed something */
};

/*
 * Runs `git --git-dir=<common> <args>` with `in` on its stdin (NULL:
 * none); returns git's exit status or a negative error.
 */
static int run_git(struct para_strbuf *out, struct para_repo *repo,
		   const char *in, struct para_strvec *args)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf err = PARA_STRBUF_INIT;
	size_t i;
	int status;

	/* a failed test is a "no", so git's complaints are not shown */
	cmd.git = 1;
	cmd.stdin_null = !in;
	cmd.in = in;
	cmd.out = out;
	cmd.err = &err;
	para_strvec_pushf(&cmd.args, "--git-dir=%s",
			  para_repo_commondir(repo));
	for (i = 0; i < args->nr; i++)
		para_strvec_push(&cmd.args, args->v[i]);
	para_strvec_dispose(args);
	status = para_command_run(&cmd);
	para_strbuf_dispose(&err);
	return status;
}

static void oid_hex(char *hex, const git_oid *oid)
{
	git_oid_tostr(hex, GIT_OID_HEXSZ + 1, oid);
}

static int tree_of(git_oid *out, struct para_repo *repo, const git_oid *id)
{
	git_commit *c;

	if (git_commit_lookup(&c, repo->git, id) < 0)
		return para_error_git(PARA_ERROR, "cannot read a commit");
	git_oid_cpy(out, git_commit_tree_id(c));
	git_commit_free(c);
	return 0;
}

/* Resolves the target and its merge base with `tip`; 1 when merged. */
static int prepare(struct target *tg, struct para_repo *repo,
		   const git_oid *tip, const git_oid *tip_tree)
{
	git_oid base_tree;
	int ret;

	if (para_repo_resolve_commit(&tg->tip, repo, tg->ref) < 0) {
		para_error_clear();
		return 0;
	}
	if ((ret = para_repo_is_ancestor(repo, tip, &tg->tip)) != 0)
		return ret;
	if (git_merge_base(&tg->base, repo->git, tip, &tg->tip) < 0) {
		git_error_clear();
		return 0;
	}
	if (tree_of(&base_tree, repo, &tg->base) < 0)
		return -1;
	tg->usable = !git_oid_equal(&base_tree, tip_tree);
	return 0;
}

/* A commit of the target, after the merge base, whose tree is `tree`. */
static int tree_on(char *hex, struct para_repo *repo, const struct target *tg,
		   const git_oid *tree)
{
	git_revwalk *walk = NULL;
	git_commit *c;
	git_oid id;
	int n, found = 0;

	if (git_revwalk_new(&walk, repo->git) < 0 ||
	    git_revwalk_sorting(walk, GIT_SORT_TIME) < 0 ||
	    git_revwalk_push(walk, &tg->tip) < 0 ||
	    git_revwalk_hide(walk, &tg->base) < 0) {
		found = para_error_git(PARA_ERROR, "cannot walk '%s'", tg->ref);
		goto out;
	}
	for (n = 0; n < PARA_MERGED_WALK && !found &&
	     !git_revwalk_next(&id, walk); n++) {
		if (git_commit_lookup(&c, repo->git, &id) < 0)
			continue;
		if (git_oid_equal(git_commit_tree_id(c), tree)) {
			oid_hex(hex, &id);
			found = 1;
		}
		git_commit_free(c);
	}
	git_error_clear();
out:
	git_revwalk_free(walk);
	return found;
}

/* 1 when merging `tip` into the target leaves the target's tree as is. */
static int merge_changes_nothing(struct para_repo *repo,
				 const struct target *tg, const git_oid *tip)
{
	struct para_strvec args = PARA_STRVEC_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;
	char a[GIT_OID_HEXSZ + 1], b[GIT_OID_HEXSZ + 1];
	git_oid merged, tree;
	int same = 0;

	oid_hex(a, &tg->tip);
	oid_hex(b, tip);
	para_strvec_pushv(&args, (const char *[]){ "merge-tree",
			  "--write-tree", "--no-messages", a, b, NULL });
	if (run_git(&out, repo, NULL, &args) == 0 && out.len >= GIT_OID_HEXSZ &&
	    !git_oid_fromstrn(&merged, out.buf, GIT_OID_HEXSZ) &&
	    !tree_of(&tree, repo, &tg->tip))
		same = git_oid_equal(&merged, &tree);
	para_strbuf_dispose(&out);
	return same;
}

/*
 * The options that make `git diff` and `git log -p` print the same
 * patch for the same change, whatever the user's diff settings.
 */
static void push_diff_options(struct para_strvec *args)
{
	para_strvec_pushv(args, (const char *[]){ "--no-color",
			  "--no-ext-diff", "--no-textconv", "--no-renames",
			  "--full-index", "--binary", "-U3",
			  "--diff-algorithm=myers", "--src-prefix=a/",
			  "--dst-prefix=b/", NULL });
}

/* Runs `git patch-id --stable` on `patch`, output in `out`. */
static int patch_ids(struct para_strbuf *out, struct para_repo *repo,
		     const char *patch)
{
	struct para_strvec args = PARA_STRVEC_INIT;

	para_strvec_pushv(&args, (const char *[]){ "patch-id", "--stable",
			  NULL });
	return run_git(out, repo, patch, &args) == 0 ? 0 : -1;
}

/* The patch id of base..tip, and the files it changes. */
static int change_id(char *pid, struct para_strvec *files,
		     struct para_repo *repo, const char *base, const char *tip)
{
	struct para_strvec args = PARA_STRVEC_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT, ids = PARA_STRBUF_INIT;
	int error = -1;
	size_t pos;

	para_strvec_pushv(&args, (const char *[]){ "diff", "--name-only",
			  "-z", "--no-renames", base, tip, NULL });
	if (run_git(&out, repo, NULL, &args) != 0)
		goto out;
	for (pos = 0; pos < out.len; pos += strlen(out.buf + pos) + 1)
		para_strvec_push(files, out.buf + pos);
	para_strbuf_reset(&out);
	para_strvec_push(&args, "diff");
	push_diff_options(&args);
	para_strvec_pushv(&args, (const char *[]){ base, tip, NULL });
	if (run_git(&out, repo, NULL, &args) != 0 ||
	    patch_ids(&ids, repo, out.buf) < 0 || ids.len < GIT_OID_HEXSZ)
		goto out;
	snprintf(pid, GIT_OID_HEXSZ + 1, "%s", ids.buf);
	error = 0;
out:
	para_strbuf_dispose(&ids);
	para_strbuf_dispose(&out);
	return error;
}

/* Finds the commit whose patch id is `pid` in the "<id> <commit>" lines. */
static int find_id(char *hex, const char *lines, const char *pid)
{
	const char *p = lines;

	while (p && *p) {
		if (!strncmp(p, pid, GIT_OID_HEXSZ) && p[GIT_OID_HEXSZ] == ' ' &&
		    strlen(p) > 2 * GIT_OID_HEXSZ) {
			snprintf(hex, GIT_OID_HEXSZ + 1, "%s",
				 p + GIT_OID_HEXSZ + 1);
			return 1;
		}
		p = strchr(p, '\n');
		p = p ? p + 1 : NULL;
	}
	return 0;
}

/* A commit of the target, after the merge base, with patch id `pid`. */
static int patch_on(char *hex, struct para_repo *repo, const struct target *tg,
		    const char *pid, const struct para_strvec *files)
{
	struct para_strvec args = PARA_STRVEC_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT, ids = PARA_STRBUF_INIT;
	char tip[GIT_OID_HEXSZ + 1], base[GIT_OID_HEXSZ + 1];
	int found = 0;
	size_t i;

	oid_hex(tip, &tg->tip);
	oid_hex(base, &tg->base);
	para_strvec_pushv(&args, (const char *[]){ "--literal-pathspecs",
			  "log", "-p", "--no-merges", "--full-diff",
			  "--format=commit %H", NULL });
	push_diff_options(&args);
	para_strvec_pushf(&args, "-n%d", PARA_MERGED_WALK);
	para_strvec_push(&args, tip);
	para_strvec_pushf(&args, "^%s", base);
	/* a squash commit touches every file the change touches */
	if (files->nr && files->nr <= PATHSPEC_MAX) {
		para_strvec_push(&args, "--");
		for (i = 0; i < files->nr; i++)
			para_strvec_push(&args, files->v[i]);
	}
	if (run_git(&out, repo, NULL, &args) == 0 && out.len &&
	    !patch_ids(&ids, repo, out.buf))
		found = find_id(hex, ids.buf, pid);
	para_strbuf_dispose(&ids);
	para_strbuf_dispose(&out);
	return found;
}

static void matched(struct para_merged *out, enum para_merged_how how,
		    const struct target *tg, const char *hex)
{
	out->how = how;
	out->target = tg->ref;
	snprintf(out->commit, sizeof(out->commit), "%s", hex);
}

static int by_content(struct para_merged *out, struct para_repo *repo,
		      const git_oid *tip, const git_oid *tip_tree,
		      struct target *tg, size_t n)
{
	struct para_strvec files = PARA_STRVEC_INIT;
	char hex[GIT_OID_HEXSZ + 1], base[GIT_OID_HEXSZ + 1];
	char tiphex[GIT_OID_HEXSZ + 1], pid[GIT_OID_HEXSZ + 1];
	size_t i;
	int ret = 0;

	for (i = 0; i < n; i++)
		if (tg[i].usable && tree_on(hex, repo, &tg[i], tip_tree) == 1) {
			matched(out, PARA_MERGED_TREE, &tg[i], hex);
			return 1;
		}
	for (i = 0; i < n; i++)
		if (tg[i].usable && merge_changes_nothing(repo, &tg[i], tip)) {
			oid_hex(hex, &tg[i].tip);
			matched(out, PARA_MERGED_MERGE, &tg[i], hex);
			return 1;
		}
	oid_hex(tiphex, tip);
	for (i = 0; i < n && !ret; i++) {
		if (!tg[i].usable)
			continue;
		oid_hex(base, &tg[i].base);
		para_strvec_dispose(&files);
		if (change_id(pid, &files, repo, base, tiphex) < 0)
			continue;
		if ((ret = patch_on(hex, repo, &tg[i], pid, &files)) == 1)
			matched(out, PARA_MERGED_PATCH, &tg[i], hex);
	}
	para_strvec_dispose(&files);
	return ret;
}

int para_merged_check(struct para_merged *out, struct para_repo *repo,
		      const git_oid *tip, const char *const *targets,
		      size_t n)
{
	struct target *tg = calloc(n ? n : 1, sizeof(*tg));
	git_oid tip_tree;
	char hex[GIT_OID_HEXSZ + 1];
	size_t i;
	int ret = 0;

	memset(out, 0, sizeof(*out));
	if (!tg)
		return para_error_set(PARA_ERROR, "out of memory");
	if ((ret = tree_of(&tip_tree, repo, tip)) < 0)
		goto out;
	for (i = 0; i < n && !ret; i++) {
		if (!(tg[i].ref = targets[i]))
			continue;
		if ((ret = prepare(&tg[i], repo, tip, &tip_tree)) == 1) {
			oid_hex(hex, tip);
			matched(out, PARA_MERGED_ANCESTRY, &tg[i], hex);
		}
	}
	if (!ret)
		ret = by_content(out, repo, tip, &tip_tree, tg, n);
out:
	free(tg);
	return ret;
}

/* "refs/heads/main" -> "main", "refs/remotes/origin/main" -> "origin/main" */
static const char *short_ref(const char *ref)
{
	static const char *const prefixes[] = { "refs/heads/",
		"refs/remotes/", "refs/tags/", "refs/", NULL };
	size_t i, len;

	for (i = 0; prefixes[i]; i++) {
		len = strlen(prefixes[i]);
		if (!strncmp(ref, prefixes[i], len))
			return ref + len;
	}
	return ref;
}

void para_merged_describe(struct para_strbuf *out,
			  const struct para_merged *m)
{
	const char *target = m->target ? short_ref(m->target) : "";

	switch (m->how) {
	case PARA_MERGED_ANCESTRY:
		para_strbuf_addf(out, "merged into %s", target);
		break;
	case PARA_MERGED_TREE:
		para_strbuf_addf(out, "same tree as %.7s on %s", m->commit,
				 target);
		break;
	case PARA_MERGED_MERGE:
		para_strbuf_addf(out, "merging into %s changes nothing",
				 target);
		break;
	case PARA_MERGED_PATCH:
		para_strbuf_addf(out, "squash-merged as %.7s on %s", m->commit,
				 target);
		break;
	default:
		para_strbuf_addstr(out, "not merged");
		break;
	}
}
