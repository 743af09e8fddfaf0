#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strbuf.h"
#include "task.h"
#include "uuid.h"

static const char *const state_names[PARA_STATE__COUNT] = {
	[PARA_STATE_NEW] = "new",
	[PARA_STATE_QUEUED] = "queued",
	[PARA_STATE_RUNNING] = "running",
	[PARA_STATE_SUCCEEDED] = "succeeded",
	[PARA_STATE_EMPTY] = "empty",
	[PARA_STATE_FAILED] = "failed",
	[PARA_STATE_TIMED_OUT] = "timed-out",
	[PARA_STATE_STALLED] = "stalled",
	[PARA_STATE_UNVERIFIED] = "unverified",
	[PARA_STATE_CANCELLED] = "cancelled",
	[PARA_STATE_PREEMPTED] = "preempted",
	[PARA_STATE_RATE_LIMITED] = "rate-limited",
	[PARA_STATE_OVER_BUDGET] = "over-budget",
	[PARA_STATE_OOM] = "oom",
	[PARA_STATE_SKIPPED] = "skipped",
	[PARA_STATE_ORPHANED] = "orphaned",
	[PARA_STATE_LOST] = "lost",
	[PARA_STATE_UNKNOWN] = "unknown",
	[PARA_STATE_CREATING] = "creating",
	[PARA_STATE_INCOMPLETE] = "incomplete",
	[PARA_STATE_MERGED] = "merged",
	[PARA_STATE_PUSHED] = "pushed",
	[PARA_STATE_PR_OPEN] = "pr-open",
	[PARA_STATE_CONFLICT] = "conflict",
	[PARA_STATE_REJECTED] = "rejected",
};

void para_task_init(struct para_task *task)
{
	memset(task, 0, sizeof(*task));
	task->exit_code = -1;
	task->slot = -1;
}

int para_task_session_ensure(struct para_task *task)
{
	char id[PARA_UUID_SIZE];

	if (task->session_id)
		return 0;
	if (para_uuid_make(id) < 0)
		return -1;
	task->session_id = para_strdup(id);
	return 0;
}

const char *para_task_agent_session(const struct para_task *task)
{
	return task->agent_session ? task->agent_session : task->session_id;
}

static void proc_dispose(struct para_proc *proc)
{
	free(proc->boot_id);
	memset(proc, 0, sizeof(*proc));
}

void para_task_dispose(struct para_task *task)
{
	free(task->name);
	free(task->branch);
	free(task->worktree);
	free(task->base);
	free(task->base_ref);
	free(task->issue);
	free(task->title);
	free(task->prompt);
	free(task->command);
	free(task->verify);
	para_strvec_dispose(&task->paths);
	para_strvec_dispose(&task->after);
	para_strvec_dispose(&task->locks);
	para_strvec_dispose(&task->ports);
	proc_dispose(&task->proc);
	proc_dispose(&task->runner);
	proc_dispose(&task->creator);
	free(task->agent_state);
	free(task->agent_message);
	free(task->start_commit);
	free(task->pr_url);
	free(task->pr_state);
	free(task->pr_checks);
	free(task->pr_merged_at);
	free(task->merged_into);
	free(task->pushed_to);
	para_strvec_dispose(&task->conflicts);
	para_strvec_dispose(&task->results);
	para_strvec_dispose(&task->cgroups);
	free(task->conflict_with);
	free(task->conflict_branch);
	free(task->resolving);
	free(task->cluster);
	free(task->job_id);
	free(task->session_id);
	free(task->agent_session);
	free(task->tmux_socket);
	free(task->tmux_pane);
	para_task_init(task);
}

const char *para_task_state_name(enum para_task_state state)
{
	if ((int)state < 0 || state >= PARA_STATE__COUNT)
		return "unknown";
	return state_names[state];
}

int para_task_state_parse(const char *name)
{
	int i;

	for (i = 0; i < PARA_STATE__COUNT; i++)
		if (!strcmp(state_names[i], name))
			return i;
	return -1;
}

int para_task_state_succeeded(enum para_task_state state)
{
	return state == PARA_STATE_SUCCEEDED || state == PARA_STATE_MERGED ||
	       state == PARA_STATE_PUSHED || state == PARA_STATE_PR_OPEN;
}

int para_task_state_done(enum para_task_state state)
{
	/* a task collect set aside or rejected ran to its end all the same */
	return state == PARA_STATE_SUCCEEDED || state == PARA_STATE_EMPTY ||
	       state == PARA_STATE_MERGED || state == PARA_STATE_PUSHED ||
	       state == PARA_STATE_PR_OPEN || state == PARA_STATE_CONFLICT ||
	       state == PARA_STATE_REJECTED;
}

int para_task_state_ok(enum para_task_state state)
{
	return state == PARA_STATE_SUCCEEDED || state == PARA_STATE_EMPTY;
}

static int name_error(const char *name, const char *rule)
{
	return para_error_set(PARA_EINVALID, "invalid task name '%s': %s",
			      name, rule);
}

int para_task_name_validate(const char *name)
{
	size_t len = strlen(name);
	const char *p;

	if (!len)
		return para_error_set(PARA_EINVALID,
				      "invalid task name '': it is empty");
	if (len > PARA_TASK_NAME_MAX)
		return name_error(name, "it is longer than 64 bytes");
	if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789", name[0]))
		return name_error(name,
			"it must start with a lower-case letter or a digit");
	for (p = name; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz0123456789._-", *p))
			return name_error(name,
				"only lower-case letters, digits, '.', '_' and '-' are allowed");
	if (strstr(name, ".."))
		return name_error(name, "it must not contain '..'");
	if (name[len - 1] == '.')
		return name_error(name, "it must not end with '.'");
	if (len >= 5 && !strcmp(name + len - 5, ".lock"))
		return name_error(name, "it must not end with '.lock'");
	/* its log would be logs/hooks.log (task-state.h) */
	if (!strcmp(name, "hooks"))
		return name_error(name, "it is reserved for the hooks' log");
	return 0;
}

int para_task_cpus_parse(int *out, const char *text)
{
	size_t n = strspn(text, "0123456789");
	long v;

	if (!n || text[n] || n > 4 || text[0] == '0' ||
	    (v = strtol(text, NULL, 10)) > PARA_TASK_CPUS_MAX)
		return para_error_set(PARA_EINVALID,
			"invalid number of CPUs '%s': expected a whole number from 1 to %d",
			text, PARA_TASK_CPUS_MAX);
	*out = (int)v;
	return 0;
}

char *para_task_issue_parse(const char *text)
{
	const char *digits = text[0] == '#' ? text + 1 : text;
	size_t n = strspn(digits, "0123456789");

	if (!n || digits[n] || n > 18 || digits[0] == '0') {
		para_error_set(PARA_EINVALID,
			"invalid issue '%s': expected a number like 42 or #42",
			text);
		return NULL;
	}
	return para_strdup(digits);
}

enum para_task_state para_task_live_state(const struct para_task *task)
{
	if (task->creating)
		return para_proc_alive(&task->creator) ? PARA_STATE_CREATING
						       : PARA_STATE_INCOMPLETE;
	if (task->state != PARA_STATE_RUNNING &&
	    task->state != PARA_STATE_QUEUED)
		return task->state;
	if (para_proc_alive(&task->runner))
		return task->state;
	if (task->state == PARA_STATE_QUEUED)
		return PARA_STATE_LOST;
	return para_proc_session_alive(&task->proc) ? PARA_STATE_ORPHANED
					    : PARA_STATE_LOST;
}

int para_task_retrying(const struct para_task *task)
{
	return task->retrying && para_proc_alive(&task->runner);
}
