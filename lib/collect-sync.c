#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect-sync.h"
#include "command.h"
#include "error-git.h"
#include "lock.h"
#include "merge.h"
#include "prune-attic.h"
#include "task-state.h"
#include "worktree-status.h"

void para_collect_sync_dispose(struct para_collect_sync *s)
{
	struct para_collect_sync init = PARA_COLLECT_SYNC_INIT;

	free(s->onto_ref);
	para_strvec_dispose(&s->conflicts);
	free(s->conflict_subject);
	free(s->attic);
	*s = init;
}

static int git_failed(const char *what, struct para_strbuf *err)
{
	para_strbuf_rtrim(err);
	return para_error_set(PARA_ERROR, "%s failed%s%s", what,
			      err->len ? ": " : "", err->buf);
}

static int check_idle(const struct para_task *t)
{
	enum para_task_state live = para_task_live_state(t);
	struct stat st;

	if (live == PARA_STATE_RUNNING || live == PARA_STATE_QUEUED ||
	    live == PARA_STATE_ORPHANED)
		return para_error_set(PARA_ELOCKED, "task '%s' is %s: not "
				      "synced", t->name,
				      para_task_state_name(live));
	if (!t->worktree || stat(t->worktree, &st) < 0)
		return para_error_set(PARA_ENOTFOUND, "the worktree of task "
				      "'%s' is gone: not synced", t->name);
	if (para_worktree_is_dirty(t->worktree, NULL))
		return para_error_set(PARA_EINVALID, "task '%s' has "
				      "uncommitted changes in '%s': not synced",
				      t->name, t->worktree);
	if (!t->base_ref || !*t->base_ref)
		return para_error_set(PARA_EINVALID, "task '%s' records no "
				      "base ref to follow: not synced",
				      t->name);
	return 0;
}

static int resolve(char *hex, struct para_repo *repo, const char *rev)
{
	git_object *obj = NULL;
	char *spec = para_xstrfmt("%s^{commit}", rev);
	int error = 0;

	if (git_revparse_single(&obj, repo->git, spec) < 0) {
		git_error_clear();
		error = para_error_set(PARA_ENOTFOUND, "'%s' does not name a "
				       "commit", rev);
	} else {
		git_oid_tostr(hex, GIT_OID_HEXSZ + 1, git_object_id(obj));
	}
	git_object_free(obj);
	free(spec);
	return error;
}

/* The paths of the conflicts in an in-memory rebase's index. */
static int index_conflicts(struct para_strvec *out, git_index *index)
{
	git_index_conflict_iterator *it = NULL;
	const git_index_entry *a, *o, *t;
	int error;

	if (git_index_conflict_iterator_new(&it, index) < 0)
		return para_error_git(PARA_ERROR, "cannot read the conflicts");
	while ((error = git_index_conflict_next(&a, &o, &t, it)) == 0) {
		const char *path = o ? o->path : a ? a->path : t->path;

		if (!para_strvec_contains(out, path))
			para_strvec_push(out, path);
	}
	git_index_conflict_iterator_free(it);
	return error == GIT_ITEROVER ? 0 :
	       para_error_git(PARA_ERROR, "cannot read the conflicts");
}

static int sig_for(git_signature **out, struct para_repo *repo,
		   const git_commit *c)
{
	if (git_signature_default(out, repo->git) == 0)
		return 0;
	git_error_clear();
	return git_signature_dup(out, git_commit_committer(c));
}

/* One replayed commit of the rebase: 1 when it conflicts. */
static int rebase_step(struct para_collect_sync *out, struct para_repo *repo,
		       git_rebase *rebase, git_rebase_operation *op)
{
	git_commit *c = NULL;
	git_index *index = NULL;
	git_signature *sig = NULL;
	git_oid id;
	int error;

	if ((error = git_commit_lookup(&c, repo->git, &op->id)) < 0 ||
	    (error = git_rebase_inmemory_index(&index, rebase)) < 0) {
		error = para_error_git(PARA_ERROR, "cannot replay a commit");
		goto out;
	}
	if (git_index_has_conflicts(index)) {
		out->conflict_subject = para_strdup(git_commit_summary(c));
		error = index_conflicts(&out->conflicts, index);
		error = error < 0 ? error : 1;
		goto out;
	}
	if ((error = sig_for(&sig, repo, c)) < 0 ||
	    ((error = git_rebase_commit(&id, rebase, git_commit_author(c), sig,
					NULL, NULL)) < 0 &&
	     error != GIT_EAPPLIED)) {
		error = para_error_git(PARA_ERROR, "cannot replay a commit");
		goto out;
	}
	git_error_clear();
	if (error != GIT_EAPPLIED)
		git_oid_tostr(out->new_tip, sizeof(out->new_tip), &id);
	error = 0;
out:
	git_signature_free(sig);
	git_index_free(index);
	git_commit_free(c);
	return error;
}

/* The task's commits replayed onto `out->onto`, in the object store. */
static int rebase_in_memory(struct para_collect_sync *out, struct para_repo *repo)
{
	git_rebase_options opts;
	git_annotated_commit *branch = NULL, *onto = NULL;
	git_rebase *rebase = NULL;
	git_rebase_operation *op;
	git_oid a, b;
	int error;

	git_rebase_options_init(&opts, GIT_REBASE_OPTIONS_VERSION);
	opts.inmemory = 1;
	snprintf(out->new_tip, sizeof(out->new_tip), "%s", out->onto);
	if (git_oid_fromstr(&a, out->old_tip) < 0 ||
	    git_oid_fromstr(&b, out->onto) < 0 ||
	    git_annotated_commit_lookup(&branch, repo->git, &a) < 0 ||
	    git_annotated_commit_lookup(&onto, repo->git, &b) < 0 ||
	    git_rebase_init(&rebase, repo->git, branch, onto, NULL,
			    &opts) < 0) {
		error = para_error_git(PARA_ERROR, "cannot start the rebase");
		goto out;
	}
	while ((error = git_rebase_next(&op, rebase)) == 0)
		if ((error = rebase_step(out, repo, rebase, op)) != 0)
			break;
	if (error == GIT_ITEROVER)
		error = 0;
	else if (error < 0 && !para_error_last()[0])
		error = para_error_git(PARA_ERROR, "cannot replay a commit");
out:
	if (rebase)
		git_rebase_abort(rebase);
	git_rebase_free(rebase);
	git_annotated_commit_free(branch);
	git_annotated_commit_free(onto);
	return error;
}

static int merge_in_memory(struct para_collect_sync *out, struct para_repo *repo,
			   const struct para_task *t)
{
	struct para_merge_result res = PARA_MERGE_RESULT_INIT;
	char *msg = para_xstrfmt("Merge '%s' into task '%s'", out->onto_ref,
				 t->name);
	int error = para_merge_commit(&res, repo, out->old_tip, out->onto, msg);

	if (!error && res.conflicts.nr) {
		para_strvec_pushv(&out->conflicts,
				  (const char *const *)res.conflicts.v);
		error = 1;
	} else if (!error) {
		snprintf(out->new_tip, sizeof(out->new_tip), "%s", res.commit);
	}
	para_merge_result_dispose(&res);
	free(msg);
	return error;
}

/* The worktree and branch to the result, the old tip to the attic. */
static int move(struct para_collect_sync *out, struct para_repo *repo,
		const struct para_task *t)
{
	struct para_strbuf err = PARA_STRBUF_INIT;
	int error = 0;

	if (out->result == PARA_COLLECT_SYNC_REBASED &&
	    ((error = para_prune_attic_next(&out->attic, repo, t->name)) < 0 ||
	     (error = para_prune_attic_keep(repo, out->attic, out->old_tip,
					    t)) < 0))
		goto out;
	/* --keep: a file changed meanwhile stops it rather than being lost */
	if (para_git(NULL, &err, t->worktree, "reset", "-q", "--keep",
		     out->new_tip, NULL) != 0)
		error = git_failed("moving the worktree", &err);
out:
	para_strbuf_dispose(&err);
	return error;
}

static int set_base(struct para_task *task, void *payload)
{
	const struct para_collect_sync *s = payload;

	free(task->base);
	task->base = para_strdup(s->onto);
	return 0;
}

static int sync_task(struct para_collect_sync *out, struct para_repo *repo,
		     const struct para_task *t, int rebase)
{
	git_oid tip, onto;
	int error;

	out->onto_ref = para_strdup(t->base_ref);
	if ((error = resolve(out->onto, repo, t->base_ref)) < 0 ||
	    (error = para_merge_tip(out->old_tip, repo, t->branch)) < 0)
		return error;
	git_oid_fromstr(&tip, out->old_tip);
	git_oid_fromstr(&onto, out->onto);
	if ((error = para_repo_is_ancestor(repo, &onto, &tip)) != 0)
		return error < 0 ? error : 0;
	out->result = rebase ? PARA_COLLECT_SYNC_REBASED : PARA_COLLECT_SYNC_MERGED;
	error = rebase ? rebase_in_memory(out, repo) :
			 merge_in_memory(out, repo, t);
	if (error) {
		if (error > 0)
			out->result = PARA_COLLECT_SYNC_CONFLICT;
		return error < 0 ? error : 0;
	}
	if ((error = move(out, repo, t)) < 0)
		return error;
	return para_state_update(repo, t->name, set_base, out);
}

int para_collect_sync_task(struct para_collect_sync *out, struct para_repo *repo,
		      const char *name, int rebase)
{
	struct para_collect_sync init = PARA_COLLECT_SYNC_INIT;
	struct para_lock lock = PARA_LOCK_INIT;
	struct para_task task;
	char *what = para_xstrfmt("running/%s", name);
	int error;

	*out = init;
	if ((error = para_state_load(&task, repo, name)) < 0)
		goto out_free;
	/* the lock a run holds while the task runs: none starts meanwhile */
	if ((error = para_state_lock(&lock, repo, what, 0)) < 0) {
		if (error == PARA_ELOCKED)
			error = para_error_set(PARA_ELOCKED, "task '%s' is "
					       "running: not synced", name);
		goto out;
	}
	if ((error = check_idle(&task)) == 0)
		error = sync_task(out, repo, &task, rebase);
	para_lock_release(&lock);
out:
	para_task_dispose(&task);
out_free:
	free(what);
	return error;
}
