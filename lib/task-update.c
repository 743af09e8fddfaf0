#include <stdlib.h>
#include <string.h>

#include "hook.h"
#include "lock.h"
#include "error.h"
#include "strbuf.h"
#include "task-context.h"
#include "task-state.h"

/*
 * The one place where a task's state changes, above both the store and
 * the hooks (which read the store's paths): no call circle.  What it
 * changes of what the shared context shows rewrites that file (at once,
 * or at the end of the runner's turn: task-context.h), and always before
 * the hooks run, so that a hook reading PARA_CONTEXT sees the change.
 */

static int same(const char *a, const char *b)
{
	return a == b || (a && b && !strcmp(a, b));
}

int para_state_update(const struct para_repo *repo, const char *name,
		      para_state_update_fn fn, void *data)
{
	struct para_lock lock = PARA_LOCK_INIT;
	struct para_task task;
	enum para_task_state old_state;
	struct para_strbuf before = PARA_STRBUF_INIT, after = PARA_STRBUF_INIT;
	char *old_agent = NULL;
	int error, changed = 0, shown = 0, old_stalled;

	if ((error = para_state_lock(&lock, repo, name, PARA_LOCK_WAIT)) < 0)
		return error;
	if ((error = para_state_load(&task, repo, name)) < 0) {
		para_lock_release(&lock);
		return error;
	}
	old_state = task.state;
	old_agent = task.agent_state ? para_strdup(task.agent_state) : NULL;
	old_stalled = !!task.stalled;
	para_context_format_task(&before, &task);
	error = fn(&task, data);
	if (!error && !(error = para_state_save(repo, &task))) {
		changed = task.state != old_state ||
			  !same(task.agent_state, old_agent) ||
			  !!task.stalled != old_stalled;
		para_context_format_task(&after, &task);
		shown = strcmp(before.buf, after.buf) != 0;
	}
	para_lock_release(&lock);
	if (shown)
		para_context_changed(repo, task.name, after.buf);
	/* outside the lock: a slow hook never holds up the task's writers */
	if (changed && para_hook_configured((struct para_repo *)repo,
					    PARA_HOOK_STATE)) {
		para_context_flush(repo);
		para_hook_run((struct para_repo *)repo, PARA_HOOK_STATE, &task,
			      old_state);
	}
	para_task_dispose(&task);
	para_strbuf_dispose(&before);
	para_strbuf_dispose(&after);
	free(old_agent);
	return error < 0 ? error : 0;
}
