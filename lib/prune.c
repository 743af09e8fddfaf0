#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "add.h"
#include "command.h"
#include "error.h"
#include "fs.h"
#include "hook.h"
#include "merged.h"
#include "proc.h"
#include "prune.h"
#include "prune-attic.h"
#include "prune-precious.h"
#include "pr-state.h"
#include "run-cgroup.h"
#include "status-gather.h"
#include "task-context.h"
#include "task-state.h"
#include "testpoint.h"
#include "worktree.h"
#include "worktree-status.h"
#include "worktree-provision.h"

/* 1 if a ref other than `own` (and the attic) contains `tip`. */
static int found_elsewhere(struct para_repo *repo, const char *own,
			   const char *tip)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	struct para_strvec refs = PARA_STRVEC_INIT;
	char *contains = para_xstrfmt("--contains=%s", tip);
	size_t i;
	int found = 0;

	if (!para_git(&out, NULL, para_repo_git_cwd(repo), "for-each-ref",
		      "--format=%(refname)", contains, NULL))
		para_strvec_split_lines(&refs, out.buf);
	for (i = 0; i < refs.nr; i++)
		if ((!own || strcmp(refs.v[i], own)) &&
		    strncmp(refs.v[i], "refs/para/attic/", 16))
			found = 1;
	para_strvec_dispose(&refs);
	para_strbuf_dispose(&out);
	free(contains);
	return found;
}

static void judge_commits(struct para_prune_verdict *v,
			  struct para_repo *repo, const struct para_task *t,
			  const char *integration)
{
	char *ref = para_xstrfmt("refs/heads/%s", t->branch);
	const char *targets[2];
	git_oid tip, base;

	if (para_repo_resolve_commit(&tip, repo, ref) < 0) {
		v->branch_gone = 1;
		goto out;
	}
	git_oid_tostr(v->tip, sizeof(v->tip), &tip);
	v->own_commits = !t->base || git_oid_fromstr(&base, t->base) < 0 ||
			 !git_oid_equal(&base, &tip);
	targets[0] = t->base_ref;
	targets[1] = integration && (!t->base_ref ||
				     strcmp(integration, t->base_ref)) ?
		     integration : NULL;
	v->merged = !v->own_commits ||
		    para_merged_check(&v->how, repo, &tip, targets, 2) == 1;
	para_error_clear();
	v->pr = t->pr_url && *t->pr_url;
	v->tip_elsewhere = found_elsewhere(repo, ref, v->tip);
	v->elsewhere = v->merged || v->pr || v->tip_elsewhere;
	if (v->pr && t->pr_state) {
		v->pr_merged = para_pr_state_merged(t);
		v->pr_closed = !strcmp(t->pr_state, "closed");
		v->pr_open = !strcmp(t->pr_state, "open");
	}
out:
	free(ref);
}

/*
 * The worktree's HEAD may have left the branch (detached, or the branch
 * deleted by hand): its commits count as work too, unless a ref (the
 * task's branch included) or the base holds them.
 */
static void judge_head(struct para_prune_verdict *v, struct para_repo *repo,
		       const struct para_task *t)
{
	struct para_strbuf head = PARA_STRBUF_INIT;

	if (para_git(&head, NULL, t->worktree, "rev-parse", "--verify", "-q",
		     "HEAD", NULL))
		goto out;
	para_strbuf_rtrim(&head);
	if (!head.len || !strcmp(head.buf, v->tip) ||
	    (t->base && !strcmp(head.buf, t->base)))
		goto out;
	v->head_unique = !found_elsewhere(repo, NULL, head.buf);
out:
	para_strbuf_dispose(&head);
}

/* git's worktree record for the worktree at `path`, or NULL. */
static git_worktree *find_worktree(struct para_repo *repo, const char *path)
{
	git_strarray names = { NULL, 0 };
	git_worktree *wt = NULL;
	size_t i;

	if (git_worktree_list(&names, repo->git) < 0)
		return NULL;
	for (i = 0; i < names.count; i++) {
		if (git_worktree_lookup(&wt, repo->git, names.strings[i]) < 0) {
			wt = NULL;
			continue;
		}
		if (!strcmp(git_worktree_path(wt), path))
			break;
		git_worktree_free(wt);
		wt = NULL;
	}
	git_strarray_dispose(&names);
	return wt;
}

/* 1 if the current directory is `dir` or below it. */
static int cwd_inside(const char *dir)
{
	char cwd[PATH_MAX], top[PATH_MAX];

	return getcwd(cwd, sizeof(cwd)) && realpath(dir, top) &&
	       para_path_below(cwd, top);
}

/* `git worktree lock`: git itself will not prune it, nor do we. */
static void judge_lock(struct para_prune_verdict *v, struct para_repo *repo,
		       const struct para_task *t)
{
	git_worktree *wt = find_worktree(repo, t->worktree);
	git_buf reason = GIT_BUF_INIT;
	size_t len;

	if (wt && git_worktree_is_locked(&reason, wt) > 0) {
		v->locked = 1;
		len = reason.ptr ? strlen(reason.ptr) : 0;
		while (len && (reason.ptr[len - 1] == '\n' ||
			       reason.ptr[len - 1] == ' '))
			len--;
		if (len)
			v->lock_reason = para_xstrfmt("%.*s", (int)len,
						      reason.ptr);
	}
	git_error_clear();
	git_buf_dispose(&reason);
	git_worktree_free(wt);
}

/*
 * Untracked directories holding a repository of their own (`git clone`
 * or `git init` inside the worktree): git lists each as "dir/" and
 * never looks inside, and neither can an attic commit.
 */
static void judge_nested(struct para_prune_verdict *v,
			 const struct para_task *t)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	struct stat st;
	size_t pos;

	if (para_git(&sb, NULL, t->worktree, "ls-files", "-z", "--others",
		     "--directory", "--no-empty-directory", NULL))
		goto out;
	for (pos = 0; pos < sb.len; pos += strlen(sb.buf + pos) + 1) {
		const char *entry = sb.buf + pos;
		size_t len = strlen(entry);
		char *dotgit;

		if (!len || entry[len - 1] != '/')
			continue;
		dotgit = para_xstrfmt("%s/%s.git", t->worktree, entry);
		if (!lstat(dotgit, &st))
			para_strvec_push(&v->nested, entry);
		free(dotgit);
	}
out:
	para_strbuf_dispose(&sb);
}

static void judge_precious(struct para_prune_verdict *v,
			   struct para_repo *repo, const struct para_task *t,
			   const struct para_strvec *precious)
{
	/* what cannot be listed may be work */
	if (para_prune_precious(&v->precious, repo, t, precious) < 0)
		v->dirty = 1;
	para_error_clear();
}

int para_prune_judge(struct para_prune_verdict *out, struct para_repo *repo,
		     const struct para_task *t, const char *integration,
		     const struct para_strvec *precious)
{
	enum para_task_state live = para_task_live_state(t);
	struct stat st;
	char *dotgit;

	memset(out, 0, sizeof(*out));
	if (live == PARA_STATE_INCOMPLETE) {
		out->incomplete = 1;
		out->reused_branch = t->reused_branch;
		judge_commits(out, repo, t, integration);
		out->worktree_gone = stat(t->worktree, &st) < 0;
		out->cwd_inside = !out->worktree_gone &&
				  cwd_inside(t->worktree);
		judge_lock(out, repo, t);
		return 0;
	}
	out->running = live == PARA_STATE_RUNNING ||
		       live == PARA_STATE_QUEUED ||
		       live == PARA_STATE_ORPHANED;
	out->worktree_gone = stat(t->worktree, &st) < 0;
	if (!out->worktree_gone) {
		dotgit = para_xstrfmt("%s/.git", t->worktree);
		out->not_worktree = lstat(dotgit, &st) < 0 ||
			!para_worktree_registered(repo->commondir,
						  t->worktree);
		out->cwd_inside = cwd_inside(t->worktree);
		free(dotgit);
	}
	out->dirty = !out->worktree_gone && !out->not_worktree &&
		     para_worktree_is_dirty(t->worktree, NULL);
	judge_lock(out, repo, t);
	judge_commits(out, repo, t, integration);
	if (out->dirty)
		judge_nested(out, t);
	if (!out->worktree_gone && !out->not_worktree) {
		judge_head(out, repo, t);
		judge_precious(out, repo, t, precious);
	}
	return 0;
}

void para_prune_verdict_dispose(struct para_prune_verdict *v)
{
	para_strvec_dispose(&v->nested);
	para_strvec_dispose(&v->precious);
	free(v->lock_reason);
	v->lock_reason = NULL;
}

int para_prune_never(const struct para_prune_verdict *v)
{
	return v->not_worktree || v->locked || v->nested.nr;
}

int para_prune_finished_with(const struct para_prune_verdict *v)
{
	if (v->incomplete)
		return !v->cwd_inside && !v->locked && !v->own_commits;
	if (v->running || v->dirty || v->not_worktree || v->cwd_inside ||
	    v->locked || v->precious.nr)
		return 0;
	if (v->head_unique)
		return 0;
	if (v->worktree_gone)
		return !v->own_commits || v->elsewhere;
	/* a merged pull request holds the tip only if it was pushed */
	return v->own_commits &&
	       (v->merged || (v->pr_merged && v->tip_elsewhere) ||
		(v->pr_closed && v->closed_ok));
}

void para_prune_pr_unknown(struct para_prune_verdict *v)
{
	v->pr_merged = v->pr_closed = v->pr_open = 0;
}

int para_prune_keeps_work(const struct para_prune_verdict *v)
{
	if (v->incomplete)
		return 0;
	return v->dirty || v->precious.nr || v->head_unique ||
	       (v->pr_closed && v->closed_ok && !v->merged && !v->branch_gone) ||
	       (v->own_commits && !v->elsewhere && !v->branch_gone);
}

int para_prune_deletes_branch(const struct para_prune_verdict *v)
{
	if (v->incomplete)	/* as para_add_undo() decides */
		return !v->branch_gone && !v->own_commits && !v->reused_branch;
	return !v->branch_gone && (v->merged || para_prune_keeps_work(v) ||
				   (v->pr_merged && v->tip_elsewhere));
}

const char *para_prune_refusal(const struct para_prune_verdict *v)
{
	if (v->incomplete && v->locked)
		return "has a locked worktree";
	if (v->incomplete && v->own_commits && !v->reused_branch)
		return "was left incomplete by an interrupted 'git para add' "
		       "but has commits of its own since; its branch is kept";
	if (v->incomplete)
		return v->cwd_inside ? "has the current directory inside its "
				       "worktree" : NULL;
	if (v->not_worktree)
		return "is no longer a git worktree";
	if (v->locked)
		return "has a locked worktree";
	if (v->nested.nr)
		return "holds a repository of its own";
	if (v->running)
		return "is running";
	if (v->dirty)
		return "has uncommitted changes";
	if (v->precious.nr)
		return "holds ignored files that para.precious marks as work";
	if ((v->own_commits && !v->elsewhere && !v->branch_gone) ||
	    v->head_unique)
		return "has commits found nowhere else";
	if (v->cwd_inside)
		return "has the current directory inside its worktree";
	return NULL;
}

/* A new attic slot pointing at `hex`, appended to `refs`. */
static int keep_one(struct para_strbuf *refs, char **slot_out,
		    struct para_repo *repo, const struct para_task *t,
		    const char *hex)
{
	const char *task = t->name;
	char *slot;
	int error;

	para_prune_attic_next(&slot, repo, task);
	if ((error = para_prune_attic_keep(repo, slot, hex, t)) == 0)
		para_strbuf_addf(refs, "%srefs/para/attic/%s",
				 refs->len ? " and " : "", slot);
	if (!error && slot_out && !*slot_out)
		*slot_out = slot;
	else
		free(slot);
	return error;
}

/*
 * Keeps the worktree's HEAD in the attic, and the branch tip too when
 * HEAD has left the branch.  `slot` names the first slot written.
 */
static int keep_work(struct para_prune_result *out, char **slot,
		     struct para_repo *repo, const struct para_task *t,
		     const struct para_prune_verdict *v)
{
	struct para_strbuf head = PARA_STRBUF_INIT, refs = PARA_STRBUF_INIT;
	git_oid a, b;
	int error = 0;

	if ((v->dirty || v->precious.nr) &&
	    (error = para_prune_attic_commit(t->worktree, t->name,
					     &v->precious)) < 0)
		goto out;
	para_test_crash("prune-after-attic-commit");
	if (!v->worktree_gone &&
	    !para_git(&head, NULL, t->worktree, "rev-parse", "--verify", "-q",
		      "HEAD", NULL))
		para_strbuf_rtrim(&head);
	if (!head.len)
		para_strbuf_addstr(&head, v->tip);
	if (!head.len ||
	    keep_one(&refs, slot, repo, t, head.buf) < 0 ||
	    (*v->tip && !git_oid_fromstr(&a, v->tip) &&
	     !git_oid_fromstr(&b, head.buf) &&
	     para_repo_is_ancestor(repo, &a, &b) != 1 &&
	     keep_one(&refs, NULL, repo, t, v->tip) < 0)) {
		error = para_error_set(PARA_ERROR, "cannot keep the work of "
				       "task '%s' in refs/para/attic; nothing "
				       "removed", t->name);
		goto out;
	}
	out->attic = para_strbuf_detach(&refs);
out:
	para_strbuf_dispose(&refs);
	para_strbuf_dispose(&head);
	return error;
}

/* git's record of a worktree deleted by hand (only an invalid one goes). */
static void forget_worktree(struct para_repo *repo, const char *path)
{
	git_worktree *wt = find_worktree(repo, path);

	if (wt)
		git_worktree_prune(wt, NULL);
	git_error_clear();
	git_worktree_free(wt);
}

static int remove_worktree(struct para_repo *repo, const struct para_task *t,
			   int worktree_gone)
{
	struct para_strbuf err = PARA_STRBUF_INIT;
	int error = 0;

	if (worktree_gone) {
		forget_worktree(repo, t->worktree);
		return 0;
	}
	if (para_git(NULL, &err, para_repo_git_cwd(repo), "worktree", "remove",
		     "--force", "--force", t->worktree, NULL)) {
		para_strbuf_rtrim(&err);
		error = para_error_set(PARA_ERROR, "cannot remove the worktree "
				       "of task '%s': %s", t->name, err.buf);
	}
	para_strbuf_dispose(&err);
	return error;
}

/* Its record goes, its logs move into the attic slot `slot`. */
/* What status and the shared context show of a task that is gone. */
static void forget_shown(struct para_repo *repo, const char *name)
{
	para_status_forget(repo, name);
	if (para_context_refresh(repo) < 0)
		para_error_clear();
}

static void forget_task(struct para_repo *repo, const char *name,
			const char *slot)
{
	char *free_slot = NULL, *log, *results;

	if (!slot)
		para_prune_attic_next(&free_slot, repo, name);
	para_state_remove(repo, name);
	para_provision_remove(repo, name);
	results = para_state_result_path(repo, name, "");
	para_remove_tree(results);
	free(results);
	if (para_prune_attic_keep_log(repo, name, slot ? slot : free_slot) < 0) {
		/* what cannot be kept does not outlive the task */
		log = para_state_log_path(repo, name, 0);
		unlink(log);
		free(log);
		log = para_state_log_path(repo, name, 1);
		unlink(log);
		free(log);
		log = para_state_log_path(repo, name, PARA_STATE_LOG_VERIFY);
		unlink(log);
		free(log);
	}
	forget_shown(repo, name);
	free(free_slot);
}

/*
 * What escaped the task's session (`setsid cmd &`) and outlived the run
 * that would have hunted it: found by the task's name and worktree in
 * its environment, started no earlier than the task's last attempt.
 */
static void kill_escaped(const struct para_task *t, long long grace_ms)
{
	char *task = para_xstrfmt("PARA_TASK=%s", t->name);
	char *wt = para_xstrfmt("PARA_WORKTREE=%s", t->worktree);
	const char *pairs[] = { task, wt, NULL };

	/* a start time of another boot says nothing about this one */
	if (!para_proc_alive(&t->runner) && t->proc.boot_id &&
	    !strcmp(t->proc.boot_id, para_proc_boot_id()))
		para_proc_kill_by_env(pairs, t->proc.start, grace_ms);
	free(task);
	free(wt);
}

/* What an add that died left: its para.setup may have started services. */
static int remove_incomplete(struct para_prune_result *out,
			     struct para_repo *repo, const struct para_task *t)
{
	struct para_add_undone undone;
	int error;

	para_hook_run(repo, PARA_HOOK_PRUNE, t, PARA_STATE_INCOMPLETE);
	if ((error = para_add_undo(&undone, repo, t)) < 0)
		return error;
	out->branch_deleted = undone.branch;
	forget_shown(repo, t->name);
	return 0;
}

int para_prune_remove(struct para_prune_result *out, struct para_repo *repo,
		      const struct para_task *t,
		      const struct para_prune_verdict *v, long long grace_ms)
{
	char *slot = NULL;
	int error;

	memset(out, 0, sizeof(*out));
	if (v->incomplete)
		return remove_incomplete(out, repo, t);
	if (v->running)
		para_run_cgroup_stop_task(t, grace_ms);
	para_run_cgroup_tidy();
	if (v->running && t->proc.pid)
		para_proc_kill_group(t->proc.pid, grace_ms);
	if (t->proc.pid)
		kill_escaped(t, grace_ms);
	para_hook_run(repo, PARA_HOOK_PRUNE, t, t->state);
	if (para_prune_keeps_work(v) &&
	    (error = keep_work(out, &slot, repo, t, v)) < 0)
		goto out;
	para_test_crash("prune-before-remove");
	if ((error = remove_worktree(repo, t, v->worktree_gone)) < 0)
		goto out;
	para_test_crash("prune-after-remove");
	out->branch_deleted = para_prune_deletes_branch(v) &&
		!para_git(NULL, NULL, para_repo_git_cwd(repo), "branch", "-D",
			  "-q", t->branch, NULL);
	forget_task(repo, t->name, slot);
out:
	free(slot);
	return error;
}

void para_prune_result_dispose(struct para_prune_result *r)
{
	free(r->attic);
	r->attic = NULL;
}
