#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "error.h"
#include "fs.h"
#include "clock.h"
#include "prune-attic.h"
#include "task-state.h"

static char *log_path(struct para_repo *repo, const char *slot,
		      const char *suffix)
{
	return para_state_attic_path(repo, slot, suffix);
}

int para_prune_attic_next(char **out, struct para_repo *repo,
			  const char *task)
{
	char *slot, *ref, *log, *info;
	int n, taken;

	for (n = 1;; n++) {
		slot = n == 1 ? para_strdup(task) :
			para_xstrfmt("%s-%d", task, n);
		ref = para_xstrfmt("refs/para/attic/%s", slot);
		log = log_path(repo, slot, ".log");
		info = log_path(repo, slot, ".info");
		taken = para_repo_ref_exists(repo, ref) || !access(log, F_OK) ||
			!access(info, F_OK);
		free(ref);
		free(log);
		free(info);
		if (!taken)
			break;
		free(slot);
	}
	*out = slot;
	return 0;
}

/* `git add -f` of ignored files, in one go */
static int add_ignored(struct para_strbuf *err, const char *worktree,
		       const struct para_strvec *ignored)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	size_t i;

	if (!ignored || !ignored->nr)
		return 0;
	cmd.git = 1;
	cmd.dir = worktree;
	cmd.stdin_null = 1;
	cmd.err = err;
	para_strvec_pushv(&cmd.args, (const char *[]){ "--literal-pathspecs",
			  "add", "-f", "--sparse", "--", NULL });
	for (i = 0; i < ignored->nr; i++)
		para_strvec_push(&cmd.args, ignored->v[i]);
	return para_command_run(&cmd) ? -1 : 0;
}

int para_prune_attic_attempt_slot(char **out, struct para_repo *repo,
				  const char *task, int n)
{
	char *slot, *ref;
	int k, taken;

	for (k = 1;; k++) {
		slot = k == 1 ? para_xstrfmt("%s-attempt-%d", task, n) :
			para_xstrfmt("%s-attempt-%d-%d", task, n, k);
		ref = para_xstrfmt("refs/para/attic/%s", slot);
		taken = para_repo_ref_exists(repo, ref);
		free(ref);
		if (!taken)
			break;
		free(slot);
	}
	*out = slot;
	return 0;
}

/* `git add -A` leaves files outside the sparse patterns out: --sparse */
static int commit_all(struct para_strbuf *err, const char *worktree,
		      const char *msg, const struct para_strvec *ignored)
{
	if (para_git(NULL, err, worktree, "add", "-A", "--sparse", NULL) ||
	    add_ignored(err, worktree, ignored))
		return -1;
	if (!para_git(NULL, err, worktree, "commit", "-q", "--no-verify",
		      "-m", msg, NULL))
		return 0;
	/* no identity configured: still keep the work */
	para_strbuf_reset(err);
	return para_git(NULL, err, worktree, "-c", "user.name=git para",
			"-c", "user.email=para@localhost", "commit", "-q",
			"--no-verify", "-m", msg, NULL) ? -1 : 0;
}

int para_prune_attic_commit(const char *worktree, const char *task,
			    const struct para_strvec *ignored)
{
	struct para_strbuf err = PARA_STRBUF_INIT, left = PARA_STRBUF_INIT;
	char *msg = para_xstrfmt("para: save uncommitted work of task '%s'",
				 task);
	int error = 0;

	if (commit_all(&err, worktree, msg, ignored) < 0) {
		para_strbuf_rtrim(&err);
		error = para_error_set(PARA_ERROR,
			"cannot commit the leftovers of task '%s': %s", task,
			err.buf);
		goto out;
	}
	if (para_git(&left, NULL, worktree, "status", "--porcelain",
		     "--untracked-files=all", NULL) || left.len) {
		para_strbuf_rtrim(&left);
		error = para_error_set(PARA_ERROR,
			"cannot commit the leftovers of task '%s': still "
			"uncommitted: %s", task, left.buf);
	}
out:
	para_strbuf_dispose(&left);
	para_strbuf_dispose(&err);
	free(msg);
	return error;
}

/* What --list-attic shows besides the commit: see prune-attic.h. */
static int write_info(struct para_repo *repo, const char *slot,
		      const struct para_task *t)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *dir = para_state_attic_path(repo, NULL, NULL);
	char *path = para_state_attic_path(repo, slot, ".info");
	int error;

	para_strbuf_addf(&sb, "kept %lld\n", para_now_ms());
	if (t && t->branch)
		para_strbuf_addf(&sb, "branch %s\n", t->branch);
	if (t && t->base)
		para_strbuf_addf(&sb, "base %s\n", t->base);
	if ((error = para_mkdir_p(dir)) < 0 ||
	    (error = para_write_file_atomic(path, sb.buf, sb.len)) < 0)
		error = para_error_errno(PARA_ERROR, "cannot write '%s'", path);
	para_strbuf_dispose(&sb);
	free(path);
	free(dir);
	return error;
}

int para_prune_attic_keep(struct para_repo *repo, const char *slot,
			  const char *hex, const struct para_task *t)
{
	char *ref = para_xstrfmt("refs/para/attic/%s", slot);
	int error = 0;

	/* the empty old value: never overwrite an attic ref */
	if (para_git(NULL, NULL, para_repo_commondir(repo), "--git-dir=.",
		     "update-ref", ref, hex, "", NULL))
		error = para_error_set(PARA_ERROR, "cannot write '%s'", ref);
	/* without its notes the work is still kept: not an error */
	else if (write_info(repo, slot, t) < 0)
		para_error_clear();
	free(ref);
	return error;
}

static int move_log(struct para_repo *repo, const char *task,
		    const char *slot, int kind)
{
	const char *suffix = para_state_log_suffix(kind);
	char *from = para_state_log_path(repo, task, kind);
	char *to = log_path(repo, slot, suffix);
	int error = 0;

	if (rename(from, to) < 0 && errno != ENOENT)
		error = para_error_errno(PARA_ERROR, "cannot move '%s' to '%s'",
					 from, to);
	free(from);
	free(to);
	return error;
}

int para_prune_attic_keep_log(struct para_repo *repo, const char *task,
			      const char *slot)
{
	char *dir = para_xstrfmt("%s/attic", para_repo_state_dir(repo));
	int error = para_mkdir_p(dir);

	if (error < 0)
		error = para_error_errno(PARA_ERROR, "cannot create '%s'", dir);
	if (!error)
		error = move_log(repo, task, slot, PARA_STATE_LOG_TASK);
	if (!error)
		error = move_log(repo, task, slot, PARA_STATE_LOG_EXEC);
	if (!error)
		error = move_log(repo, task, slot, PARA_STATE_LOG_VERIFY);
	free(dir);
	return error;
}
