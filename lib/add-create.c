#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "add-internal.h"
#include "clock.h"
#include "command.h"
#include "du.h"
#include "error.h"
#include "fs.h"
#include "strbuf.h"
#include "task-env.h"
#include "task-ports.h"
#include "task-state.h"
#include "testpoint.h"
#include "worktree-provision.h"
#include "worktree-sparse.h"

static int interrupted(struct para_add *add, const struct para_add_entry *e)
{
	if (!add->opts.interrupted || !*add->opts.interrupted)
		return 0;
	add->interrupted = 1;
	return para_error_set(PARA_ERROR, "interrupted; task '%s' was not "
			      "created", e->task.name);
}

static void rollback_task(struct para_add *add, struct para_add_entry *e)
{
	struct para_strbuf err = PARA_STRBUF_INIT;
	const char *top = para_repo_git_cwd(add->repo);

	if (e->made_worktree &&
	    para_git(&err, &err, top, "worktree", "remove", "--force", "--force",
		     e->task.worktree, NULL)) {
		para_remove_tree(e->task.worktree);
		para_git(&err, &err, top, "worktree", "prune", NULL);
	}
	if (e->made_branch)
		para_git(&err, &err, top, "branch", "-D", e->task.branch, NULL);
	if (e->made_state)
		para_state_remove(add->repo, e->task.name);
	if (e->made_provision)
		para_provision_remove(add->repo, e->task.name);
	e->made_worktree = e->made_branch = e->made_state = 0;
	e->made_provision = 0;
	para_strbuf_dispose(&err);
}

void para_add_rollback(struct para_add *add)
{
	char *message = para_strdup(para_error_last());
	size_t i = add->nr;

	while (i-- > 0)
		rollback_task(add, &add->v[i]);
	/* what went wrong, not what the undoing said */
	para_error_set(PARA_ERROR, "%s", message);
	free(message);
}

void para_add_notice_unmatched(struct para_add *add,
			       const struct para_add_entry *e,
			       const char *pattern)
{
	para_strvec_pushf(&add->warnings, "task '%s': path '%s' matches "
			  "nothing in its base", e->task.name, pattern);
}

/* para.sparseContext, each pattern normalised. */
static int sparse_context(struct para_strvec *out, struct para_config *config)
{
	size_t i;
	int error;

	if ((error = para_config_get_all(out, config, "para.sparseContext")) < 0)
		return error;
	for (i = 0; i < out->nr; i++) {
		char *p = para_pattern_normalize(out->v[i]);

		if (!p)
			return para_error_set(PARA_EINVALID, "bad "
					      "para.sparseContext '%s'",
					      out->v[i]);
		free(out->v[i]);
		out->v[i] = p;
	}
	return 0;
}

/*
 * Sets and checks out the sparse patterns; returns git's status.  A
 * wildcard that matches nothing in the base is noticed.
 */
static int make_sparse(struct para_add *add, const struct para_add_entry *e,
		       const struct para_strvec *context,
		       struct para_strbuf *err)
{
	struct para_sparse sparse = PARA_SPARSE_INIT;
	size_t i;
	int status;

	para_sparse_plan(&sparse, add->repo->git, e->task.base,
			 &e->task.paths, context);
	for (i = 0; i < sparse.unmatched.nr; i++)
		para_add_notice_unmatched(add, e, sparse.unmatched.v[i]);
	status = para_sparse_apply(&sparse, e->task.worktree, err);
	para_sparse_dispose(&sparse);
	return status;
}

/* Runs `git worktree add`, noting what it made; returns git's status. */
static int make_worktree(struct para_add *add, struct para_add_entry *e,
			 struct para_strbuf *err)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_task *t = &e->task;
	int status;

	para_git_command_quiet(&cmd, err, para_repo_git_cwd(add->repo),
			       "worktree");
	para_strvec_pushv(&cmd.args,
			  (const char *const[]){ "add", "--quiet", NULL });
	if (t->sparse)
		para_strvec_push(&cmd.args, "--no-checkout");
	if (!t->reused_branch)
		para_strvec_pushv(&cmd.args,
				  (const char *const[]){ "-b", t->branch, NULL });
	para_strvec_push(&cmd.args, t->worktree);
	para_strvec_push(&cmd.args, t->reused_branch ? t->branch : t->base);
	status = para_command_run(&cmd);
	if (!t->reused_branch) {
		char *ref = para_xstrfmt("refs/heads/%s", t->branch);

		e->made_branch = para_repo_ref_exists(add->repo, ref);
		free(ref);
	}
	if (access(t->worktree, F_OK) == 0)
		e->made_worktree = 1;
	return status;
}

/* The worktree, sparse if asked. */
static int checkout(struct para_add *add, struct para_add_entry *e)
{
	struct para_strvec context = PARA_STRVEC_INIT;
	struct para_strbuf err = PARA_STRBUF_INIT;
	int error = 0, status;

	status = make_worktree(add, e, &err);
	if (!status && e->task.sparse) {
		if ((error = sparse_context(&context, add->config)) < 0)
			goto out;
		status = make_sparse(add, e, &context, &err);
	}
	if ((error = interrupted(add, e)) < 0)
		goto out;
	if (status) {
		para_strbuf_rtrim(&err);
		error = para_error_set(PARA_ERROR, "cannot create the worktree "
				       "of task '%s':\n%s", e->task.name,
				       err.buf);
	}
out:
	para_strvec_dispose(&context);
	para_strbuf_dispose(&err);
	return error;
}

/*
 * What the main worktree gives every new worktree (worktree-include.h),
 * listed once per transaction.
 */
static int copy_files(struct para_add *add, struct para_add_entry *e)
{
	const char *top = para_repo_top(add->repo);
	struct para_include *inc = &add->include;
	size_t i;
	int error = 0, link;

	if (add->opts.no_copy || !top)
		return 0;
	if (!add->include_listed &&
	    (error = para_include_plan(inc, add->repo, add->config,
				       &add->warnings)) < 0)
		return error;
	add->include_listed = 1;
	for (link = 0; link < 2 && !error; link++) {
		const struct para_strvec *list = link ? &inc->link : &inc->copy;

		for (i = 0; i < list->nr && !error; i++)
			if ((error = para_include_apply(&e->provision, inc, top,
							e->task.worktree,
							list->v[i], link)) < 0)
				error = para_add_error_prefix(error, "cannot %s "
					"'%s' into task '%s'", link ? "link" :
					"copy", list->v[i], e->task.name);
	}
	return error;
}

/*
 * What para.setup created (untracked or ignored, before the task ever
 * ran) is provisioned; a tracked file it changed stays visible, as the
 * task's work, with a warning.
 */
static int record_setup(struct para_add *add, struct para_add_entry *e,
			const struct para_strvec *before)
{
	struct para_strvec after = PARA_STRVEC_INIT, changed = PARA_STRVEC_INIT;
	size_t i;
	int error;

	if ((error = para_provision_scan(&after, &changed,
					 e->task.worktree)) < 0)
		goto out;
	for (i = 0; i < after.nr && !error; i++)
		if (!para_strvec_contains(before, after.v[i]) &&
		    !para_provision_covers(&e->provision, after.v[i]))
			error = para_provision_add(&e->provision,
						   e->task.worktree, after.v[i],
						   PARA_PROVISION_SETUP);
	for (i = 0; i < changed.nr; i++)
		para_strvec_pushf(&add->warnings, "task '%s': para.setup "
				  "changed the tracked file '%s'; that change "
				  "counts as the task's work", e->task.name,
				  changed.v[i]);
out:
	para_strvec_dispose(&after);
	para_strvec_dispose(&changed);
	return error;
}

/* para.setup, in the new worktree; its output goes to our stderr. */
static int run_setup(struct para_add *add, struct para_add_entry *e)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strvec before = PARA_STRVEC_INIT;
	const char *setup = NULL;
	int error, status;

	if (add->opts.no_setup)
		return 0;
	error = para_config_get_string(&setup, add->config, "para.setup");
	if (error == PARA_ENOTFOUND || (!error && !*setup))
		return 0;
	if (error < 0 ||
	    (error = para_provision_scan(&before, NULL, e->task.worktree)) < 0)
		goto out;
	para_strvec_pushv(&cmd.args, (const char *const[]){ "/bin/sh", "-c",
		setup, NULL });
	para_task_env_build(&cmd.env, &e->task,
			    PARA_TASK_ENV_DOMAIN | PARA_TASK_ENV_UNSET, NULL);
	cmd.dir = e->task.worktree;
	cmd.stdin_null = 1;
	cmd.out_to_err = 1;
	status = para_command_run(&cmd);
	if ((error = interrupted(add, e)) < 0)
		goto out;
	if (status)
		error = para_error_set(PARA_ERROR, "para.setup failed in '%s' "
				       "(exit code %d); task '%s' was not "
				       "created", e->task.worktree, status,
				       e->task.name);
	else
		error = record_setup(add, e, &before);
out:
	para_strvec_dispose(&before);
	return error;
}

/* What the new worktree takes, for status (not known: not recorded). */
static void measure_disk_use(struct para_add_entry *e)
{
	unsigned long long bytes;

	if (para_disk_usage(&bytes, e->task.worktree) < 0)
		para_error_clear();
	else
		e->task.disk_use = (long long)bytes;
}

/* Under the tasks lock: the ports of every other task are known. */
static int lease_ports(struct para_add *add, struct para_add_entry *e)
{
	size_t n = add->existing.nr + add->nr, i, k = 0;
	const struct para_task **others = para_calloc(n + 1, sizeof(*others));
	int error;

	for (i = 0; i < add->existing.nr; i++)
		others[k++] = &add->existing.v[i];
	for (i = 0; i < add->nr && &add->v[i] != e; i++)
		others[k++] = &add->v[i].task;
	error = para_ports_lease(&e->task, add->config, others, k);
	free(others);
	return error;
}

/*
 * The task is on record before anything of it is made, marked as being
 * created by this process: a kill at any step leaves a task that status
 * shows as `incomplete` and that prune or a second add can undo
 * (add-undo.c), never a branch and worktree nobody knows of.
 */
static int record_intent(struct para_add *add, struct para_add_entry *e)
{
	int error;

	e->task.created = para_now_ms();
	e->task.creating = 1;
	if ((error = para_task_session_ensure(&e->task)) < 0 ||
	    (error = lease_ports(add, e)) < 0 ||
	    (error = para_proc_identify(&e->task.creator, 0)) < 0 ||
	    (error = para_state_save(add->repo, &e->task)) < 0)
		return error;
	e->made_state = 1;
	return 0;
}

int para_add_create_task(struct para_add *add, struct para_add_entry *e)
{
	int error;

	if ((error = interrupted(add, e)) < 0 ||
	    (error = record_intent(add, e)) < 0)
		return error;
	para_test_crash("add-before-worktree");
	if ((error = checkout(add, e)) < 0)
		return error;
	para_test_crash("add-after-worktree");
	if ((error = copy_files(add, e)) < 0 ||
	    (error = interrupted(add, e)) < 0 ||
	    (error = run_setup(add, e)) < 0)
		return error;
	para_test_crash("add-after-setup");
	if (e->provision.nr) {
		e->made_provision = 1;
		if ((error = para_provision_save(add->repo, e->task.name,
						 e->task.worktree,
						 &e->provision)) < 0)
			return error;
	}
	measure_disk_use(e);
	para_test_crash("add-before-state");
	e->task.creating = 0;
	return para_state_save(add->repo, &e->task);
}

int para_add_sparse_update(struct para_add *add,
			   const struct para_add_entry *e)
{
	struct para_strvec context = PARA_STRVEC_INIT;
	struct para_strbuf err = PARA_STRBUF_INIT;
	int error;

	if ((error = sparse_context(&context, add->config)) >= 0 &&
	    make_sparse(add, e, &context, &err)) {
		para_strbuf_rtrim(&err);
		error = para_error_set(PARA_ERROR, "cannot check out the new "
				       "domain of task '%s':\n%s",
				       e->task.name, err.buf);
	}
	para_strvec_dispose(&context);
	para_strbuf_dispose(&err);
	return error < 0 ? error : 0;
}
