#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "error-git.h"
#include "merge.h"
#include "strbuf.h"

void para_merge_result_dispose(struct para_merge_result *result)
{
	para_strvec_dispose(&result->conflicts);
	result->already = 0;
	result->commit[0] = '\0';
}

/* Runs `git --git-dir=<common> <args>`; fails with git's message. */
static int run_git(struct para_strbuf *out, struct para_repo *repo,
		   int ok_status, const char *const *args)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf err = PARA_STRBUF_INIT;
	int status;

	cmd.git = 1;
	cmd.stdin_null = 1;
	cmd.out = out;
	cmd.err = &err;
	para_strvec_pushf(&cmd.args, "--git-dir=%s", repo->commondir);
	para_strvec_pushv(&cmd.args, args);
	status = para_command_run(&cmd);
	if (status >= 0 && status != 0 && status != ok_status) {
		para_strbuf_rtrim(&err);
		status = para_error_set(PARA_ERROR, "git %s failed%s%s",
					args[0], err.len ? ": " : "", err.buf);
	}
	para_strbuf_dispose(&err);
	return status;
}

int para_merge_checked_out(char **worktree_out, struct para_repo *repo,
			   const char *branch)
{
	static const char *const args[] = { "worktree", "list", "--porcelain",
					    "-z", NULL };
	struct para_strbuf out = PARA_STRBUF_INIT;
	char *want = para_xstrfmt("branch refs/heads/%s", branch);
	const char *worktree = NULL;
	size_t pos;
	int error;

	*worktree_out = NULL;
	if ((error = run_git(&out, repo, 0, args)) < 0)
		goto out;
	for (pos = 0; pos < out.len; pos += strlen(out.buf + pos) + 1) {
		const char *line = out.buf + pos;

		if (!strncmp(line, "worktree ", 9))
			worktree = line + 9;
		else if (!strcmp(line, want) && worktree) {
			*worktree_out = para_strdup(worktree);
			error = 1;
			break;
		}
	}
out:
	para_strbuf_dispose(&out);
	free(want);
	return error;
}

int para_merge_create_branch(struct para_repo *repo, const char *branch,
			     const char *start)
{
	char *ref = para_xstrfmt("refs/heads/%s", branch);
	const char *args[] = { "update-ref", "-m", "para collect: create",
			       ref, start,
			       "0000000000000000000000000000000000000000",
			       NULL };
	int error = 0;

	if (!para_repo_ref_exists(repo, ref))
		error = run_git(NULL, repo, 0, args) < 0 ? -1 : 1;
	free(ref);
	return error;
}

static int contains(struct para_repo *repo, const git_oid *tip,
		    const char *commit)
{
	git_oid oid;

	if (git_oid_fromstr(&oid, commit) < 0)
		return para_error_set(PARA_EINVALID, "bad commit id '%s'",
				      commit);
	return para_repo_is_ancestor(repo, &oid, tip);
}

/* `merge-tree` output with -z --name-only --no-messages: tree, files. */
static void parse_merge(struct para_merge_result *out, char *tree,
			const struct para_strbuf *sb)
{
	size_t pos = strlen(sb->buf) + 1;

	snprintf(tree, GIT_OID_HEXSZ + 1, "%s", sb->buf);
	while (pos < sb->len && sb->buf[pos]) {
		para_strvec_push(&out->conflicts, sb->buf + pos);
		pos += strlen(sb->buf + pos) + 1;
	}
}

static int make_commit(char *hex, struct para_repo *repo, const char *tree,
		       const char *old, const char *commit,
		       const char *message)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	const char *args[] = { "commit-tree", tree, "-p", old, "-p", commit,
			       "-m", message, NULL };
	int error;

	if ((error = run_git(&out, repo, 0, args)) >= 0) {
		para_strbuf_rtrim(&out);
		snprintf(hex, GIT_OID_HEXSZ + 1, "%s", out.buf);
	}
	para_strbuf_dispose(&out);
	return error;
}

int para_merge_commit(struct para_merge_result *out, struct para_repo *repo,
		      const char *onto, const char *commit,
		      const char *message)
{
	char tree[GIT_OID_HEXSZ + 1];
	struct para_strbuf sb = PARA_STRBUF_INIT;
	const char *args[] = { "merge-tree", "--write-tree", "--name-only",
			       "--no-messages", "-z", onto, commit, NULL };
	git_oid tip;
	int error;

	if (git_oid_fromstr(&tip, onto) < 0) {
		error = para_error_set(PARA_EINVALID, "bad commit id '%s'",
				       onto);
		goto out;
	}
	if ((error = contains(repo, &tip, commit)) != 0) {
		out->already = error > 0;
		error = error > 0 ? 0 : error;
		goto out;
	}
	if ((error = run_git(&sb, repo, 1, args)) < 0)
		goto out;
	parse_merge(out, tree, &sb);
	if (error == 1) {
		error = 0;
		goto out;
	}
	error = make_commit(out->commit, repo, tree, onto, commit, message);
out:
	para_strbuf_dispose(&sb);
	return error;
}

int para_merge_move(struct para_repo *repo, const char *branch,
		    const char *commit, const char *old, const char *message)
{
	char *ref = para_xstrfmt("refs/heads/%s", branch);
	const char *args[] = { "update-ref", "-m", message, ref, commit, old,
			       NULL };
	int error = 0;

	if (run_git(NULL, repo, 0, args) < 0)
		error = para_error_set(PARA_ELOCKED,
				       "branch '%s' moved while merging",
				       branch);
	free(ref);
	return error;
}

int para_merge_tip(char *hex, struct para_repo *repo, const char *branch)
{
	char *ref = para_xstrfmt("refs/heads/%s", branch);
	git_oid tip;
	int error = 0;

	if (git_reference_name_to_id(&tip, repo->git, ref) < 0) {
		git_error_clear();
		error = para_error_set(PARA_ENOTFOUND,
				       "branch '%s' does not exist", branch);
	} else {
		git_oid_tostr(hex, GIT_OID_HEXSZ + 1, &tip);
	}
	free(ref);
	return error;
}

int para_merge_into(struct para_merge_result *out, struct para_repo *repo,
		    const char *branch, const char *commit,
		    const char *message)
{
	char old[GIT_OID_HEXSZ + 1];
	int error;

	if ((error = para_merge_tip(old, repo, branch)) < 0 ||
	    (error = para_merge_commit(out, repo, old, commit, message)) < 0)
		return error;
	if (out->already || out->conflicts.nr)
		return 0;
	return para_merge_move(repo, branch, out->commit, old, message);
}
