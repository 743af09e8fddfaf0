/*
 * Changing a task that is not running: the same rules as add (add.c's
 * setters, add-check.c's dependency, cycle and overlap checks) and the
 * same warnings about a domain, under the tasks lock, all or nothing.
 */
#include <stdlib.h>
#include <string.h>

#include "add-internal.h"
#include "error.h"
#include "strbuf.h"
#include "task-state.h"

/* A task that runs, waits its turn or lives on after its run: busy. */
static int refuse_busy(const struct para_task *t)
{
	enum para_task_state live = para_task_live_state(t);

	if (live != PARA_STATE_RUNNING && live != PARA_STATE_QUEUED &&
	    live != PARA_STATE_ORPHANED)
		return 0;
	return para_error_set(PARA_ELOCKED, "task '%s' is %s; a task can be "
			      "changed only while it is not running (git para "
			      "stop %s)", t->name, para_task_state_name(live),
			      t->name);
}

/*
 * A damaged record of the task itself is the error, said before the
 * other tasks are loaded: there it would be only a warning.
 */
static int refuse_damaged(struct para_add *add, const char *name)
{
	struct para_task t;
	int error;

	if ((error = para_state_load(&t, add->repo, name)) < 0)
		return error;
	para_task_dispose(&t);
	return 0;
}

/* Moves the task out of the existing ones into the plan, alone. */
static int take_task(struct para_add *add, const char *name)
{
	struct para_add_existing *ex = &add->existing;
	size_t i;

	for (i = 0; i < ex->nr && strcmp(ex->v[i].name, name); i++)
		;
	if (i == ex->nr)
		return para_error_set(PARA_ENOTFOUND, "task '%s' vanished",
				      name);
	add->v = para_calloc(1, sizeof(*add->v));
	add->v[0].task = ex->v[i];
	ex->v[i] = ex->v[--ex->nr];
	add->nr = 1;
	return 0;
}

static int apply_lists(struct para_add *add, struct para_add_entry *e,
		       const struct para_add_edit *in)
{
	int require = 0, error;

	if (in->set_paths) {
		if ((error = para_config_bool(&require, add->config,
					      "para.requireDomain")) < 0)
			return error;
		para_strvec_dispose(&e->task.paths);
		if ((error = para_add_set_domain(e, in->paths, require)) < 0)
			return error;
		if (e->task.sparse && !e->task.paths.nr)
			return para_error_set(PARA_EINVALID, "task '%s' has a "
					      "sparse worktree: it needs a "
					      "domain", e->task.name);
		para_add_notice_domain(add, e);
	} else if ((error = para_domain_new(&e->domain,
				(const char *const *)e->task.paths.v,
				e->task.paths.nr)) < 0) {
		return error;
	}
	if (in->set_after) {
		para_strvec_dispose(&e->task.after);
		para_add_set_after(e, in->after);
	}
	if (in->set_locks) {
		para_strvec_dispose(&e->task.locks);
		if ((error = para_add_set_locks(e, in->locks, NULL)) < 0)
			return error;
	}
	return 0;
}

/* The new values, each by the rule add follows. */
static int apply(struct para_add *add, struct para_add_entry *e,
		 const struct para_add_edit *in)
{
	struct para_add_input pin;
	int error;

	if (in->prompt || in->prompt_file) {
		memset(&pin, 0, sizeof(pin));
		pin.prompt = in->prompt;
		pin.prompt_file = in->prompt_file;
		free(e->task.prompt);
		e->task.prompt = NULL;
		if ((error = para_add_set_prompt(e, &pin, NULL)) < 0)
			return error;
	}
	if ((in->set_command &&
	     (error = para_add_set_command(e, in->command)) < 0) ||
	    (in->set_verify &&
	     (error = para_add_set_verify(e, in->verify)) < 0))
		return error;
	return apply_lists(add, e, in);
}

/* The checks add makes, for what changed. */
static int check(struct para_add *add, const struct para_add_edit *in)
{
	int error;

	if (in->set_after && (error = para_add_check_graph(add)) < 0)
		return error;
	if (!in->set_paths)
		return 0;
	if ((error = para_add_check_links(add)) < 0)
		return error;
	return add->opts.allow_overlap ? 0 : para_add_check_overlaps(add);
}

static void copy_str(char **to, const char *from)
{
	free(*to);
	*to = from ? para_strdup(from) : NULL;
}

static void copy_list(struct para_strvec *to, const struct para_strvec *from)
{
	para_strvec_dispose(to);
	if (from->nr)
		para_strvec_pushv(to, (const char *const *)from->v);
}

/*
 * All or nothing: the worktree as its record says again.  What checking
 * the old domain out notices is not about this edit, and is not kept.
 */
static void restore_sparse(struct para_add *add, struct para_add_entry *e,
			   const struct para_strvec *old, int error)
{
	struct para_strvec said = add->warnings;
	char *why = para_strdup(para_error_last());

	copy_list(&e->task.paths, old);
	memset(&add->warnings, 0, sizeof(add->warnings));
	para_add_sparse_update(add, e);
	para_strvec_dispose(&add->warnings);
	add->warnings = said;
	para_error_set(error, "%s", why);
	free(why);
}

/* Under the task's lock: busy now after all, or the new values. */
static int store(struct para_task *task, void *data)
{
	const struct para_task *edited = data;
	int error;

	if ((error = refuse_busy(task)) < 0)
		return error;
	copy_str(&task->prompt, edited->prompt);
	copy_str(&task->command, edited->command);
	copy_str(&task->verify, edited->verify);
	copy_list(&task->paths, &edited->paths);
	copy_list(&task->after, &edited->after);
	copy_list(&task->locks, &edited->locks);
	return 0;
}

int para_add_edit(struct para_add *add, const char *name,
		  const struct para_add_edit *in)
{
	struct para_strvec old = PARA_STRVEC_INIT;
	struct para_add_entry *e;
	int error, sparse = 0;

	if ((error = para_state_lock(&add->lock, add->repo, "tasks",
				     PARA_LOCK_WAIT)) < 0)
		return error;
	if ((error = refuse_damaged(add, name)) < 0 ||
	    (error = para_add_load_existing(add)) < 0 ||
	    (error = take_task(add, name)) < 0)
		goto out;
	e = &add->v[0];
	copy_list(&old, &e->task.paths);
	if ((error = refuse_busy(&e->task)) < 0 ||
	    (error = apply(add, e, in)) < 0 ||
	    (error = check(add, in)) < 0)
		goto out;
	sparse = in->set_paths && e->task.sparse;
	if (sparse && (error = para_add_sparse_update(add, e)) < 0)
		goto out;
	if ((error = para_state_update(add->repo, name, store, &e->task)) < 0 &&
	    sparse)
		restore_sparse(add, e, &old, error);
out:
	para_strvec_dispose(&old);
	para_lock_release(&add->lock);
	return error;
}
