#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect-resolve.h"
#include "collect-state.h"
#include "command.h"
#include "error.h"
#include "task-state.h"
#include "worktree-status.h"

void para_resolve_dispose(struct para_resolve *r)
{
	struct para_resolve init = PARA_RESOLVE_INIT;

	free(r->with);
	free(r->worktree);
	para_strvec_dispose(&r->conflicts);
	*r = init;
}

static int git_failed(const char *what, struct para_strbuf *err)
{
	para_strbuf_rtrim(err);
	return para_error_set(PARA_ERROR, "%s failed%s%s", what,
			      err->len ? ": " : "", err->buf);
}

/* The branch to merge: `with_task`'s, the one it conflicted in, ... */
static int pick_branch(struct para_resolve *out, struct para_repo *repo,
		       const struct para_task *task, const char *with_task,
		       const char *fallback)
{
	struct para_task other;
	char *ref;
	int error = 0;

	if (with_task) {
		if (!strcmp(with_task, task->name))
			return para_error_set(PARA_EINVALID, "task '%s' cannot "
					      "be resolved with itself",
					      task->name);
		if ((error = para_state_load(&other, repo, with_task)) < 0)
			return error;
		out->with = para_strdup(other.branch);
		para_task_dispose(&other);
	} else {
		out->with = para_strdup(task->conflict_branch ?
					task->conflict_branch : fallback);
	}
	ref = para_xstrfmt("refs/heads/%s", out->with);
	if (!para_repo_ref_exists(repo, ref))
		error = para_error_set(PARA_ENOTFOUND, "branch '%s' does not "
				       "exist", out->with);
	free(ref);
	return error;
}

static int check_task(const struct para_task *task)
{
	struct stat st;

	if (task->state != PARA_STATE_CONFLICT)
		return para_error_set(PARA_EINVALID, "task '%s' is %s, not set "
				      "aside by a conflict: only a task in "
				      "state 'conflict' is resolved",
				      task->name,
				      para_task_state_name(task->state));
	if (!task->worktree || stat(task->worktree, &st) < 0)
		return para_error_set(PARA_ENOTFOUND, "the worktree of task "
				      "'%s' is gone", task->name);
	if (para_worktree_is_dirty(task->worktree, NULL))
		return para_error_set(PARA_EINVALID, "task '%s' has "
				      "uncommitted changes in '%s': commit or "
				      "stash them first", task->name,
				      task->worktree);
	return 0;
}

/* The files the merge left conflicting. */
static int list_conflicts(struct para_resolve *out)
{
	struct para_strbuf sb = PARA_STRBUF_INIT, err = PARA_STRBUF_INIT;
	size_t pos;
	int error = 0;

	if (para_git(&sb, &err, out->worktree, "diff", "--name-only", "-z",
		     "--diff-filter=U", NULL) != 0)
		error = git_failed("listing the conflicts", &err);
	for (pos = 0; !error && pos < sb.len; pos += strlen(sb.buf + pos) + 1)
		if (sb.buf[pos])
			para_strvec_push(&out->conflicts, sb.buf + pos);
	para_strbuf_dispose(&sb);
	para_strbuf_dispose(&err);
	return error;
}

/* A merge that went through, or had nothing to do: commit it, if any. */
static int complete(struct para_resolve *out, const char *msg)
{
	struct para_strbuf sb = PARA_STRBUF_INIT, err = PARA_STRBUF_INIT;
	int error = 0;

	if (para_git(NULL, NULL, out->worktree, "rev-parse", "-q", "--verify",
		     "MERGE_HEAD", NULL) != 0) {
		out->already = 1;
	} else if (para_git(NULL, &err, out->worktree, "commit", "-q",
			    "--no-verify", "-m", msg, NULL) != 0) {
		error = git_failed("committing the merge", &err);
	}
	if (!error && para_git(&sb, &err, out->worktree, "rev-parse", "HEAD",
			       NULL) == 0) {
		para_strbuf_rtrim(&sb);
		snprintf(out->commit, sizeof(out->commit), "%s", sb.buf);
	}
	out->clean = 1;
	para_strbuf_dispose(&sb);
	para_strbuf_dispose(&err);
	return error;
}

static int merge(struct para_resolve *out, const char *name)
{
	struct para_strbuf err = PARA_STRBUF_INIT;
	char *msg = para_xstrfmt("Merge branch '%s' into task '%s'", out->with,
				 name);
	int status, error = 0;

	status = para_git(&err, &err, out->worktree, "merge", "-q", "--no-ff",
			  "--no-commit", "--no-verify", "-m", msg, out->with,
			  NULL);
	if (status == 0)
		error = complete(out, msg);
	else if ((error = list_conflicts(out)) < 0 || !out->conflicts.nr) {
		/* it stopped before merging (a file in the way...): undo */
		if (!error)
			error = git_failed("merging", &err);
		para_git(NULL, NULL, out->worktree, "merge", "--abort", NULL);
	}
	para_strbuf_dispose(&err);
	free(msg);
	return error;
}

static int set_resolving(struct para_task *task, void *payload)
{
	const struct para_resolve *r = payload;

	if (task->state != PARA_STATE_CONFLICT)
		return para_error_set(PARA_ELOCKED, "task '%s' changed while "
				      "it was resolved", task->name);
	if (r->clean) {
		para_collect_clear_conflict(task);
		task->state = PARA_STATE_SUCCEEDED;
		return 0;
	}
	para_strvec_dispose(&task->conflicts);
	para_strvec_pushv(&task->conflicts,
			  (const char *const *)r->conflicts.v);
	free(task->resolving);
	task->resolving = para_strdup(r->with);
	task->state = PARA_STATE_NEW;
	return 0;
}

static int has_marker(const char *path)
{
	static const char *const marks[] = { "<<<<<<< ", ">>>>>>> ", NULL };
	struct para_strbuf sb = PARA_STRBUF_INIT;
	const char *line;
	int found = 0, i;

	if (para_strbuf_read_file(&sb, path) < 0) {
		para_error_clear();	/* a file the task deleted is resolved */
		return 0;
	}
	for (line = sb.buf; line && !found; line = strchr(line, '\n')) {
		line += *line == '\n';
		for (i = 0; marks[i] && !found; i++)
			found = !strncmp(line, marks[i], strlen(marks[i]));
	}
	para_strbuf_dispose(&sb);
	return found;
}

int para_resolve_markers_left(char **file_out, const struct para_task *t)
{
	size_t i;

	*file_out = NULL;
	for (i = 0; t->resolving && i < t->conflicts.nr; i++) {
		char *path = para_xstrfmt("%s/%s", t->worktree,
					  t->conflicts.v[i]);
		int found = has_marker(path);

		free(path);
		if (found) {
			*file_out = para_strdup(t->conflicts.v[i]);
			return 1;
		}
	}
	return 0;
}

int para_collect_resolve(struct para_resolve *out, struct para_repo *repo,
			 const char *name, const char *with_task,
			 const char *fallback)
{
	struct para_resolve init = PARA_RESOLVE_INIT;
	struct para_task task;
	int error;

	*out = init;
	if ((error = para_state_load(&task, repo, name)) < 0)
		return error;
	out->worktree = para_strdup(task.worktree ? task.worktree : "");
	if ((error = check_task(&task)) < 0 ||
	    (error = pick_branch(out, repo, &task, with_task, fallback)) < 0 ||
	    (error = merge(out, name)) < 0)
		goto out;
	error = para_state_update(repo, name, set_resolving, out);
out:
	para_task_dispose(&task);
	return error;
}
