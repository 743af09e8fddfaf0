#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "strbuf.h"
#include "task-env.h"
#include "task-ports.h"
#include "task-state.h"

extern char **environ;

/*
 * What would mislead git or a task in a program started for a task:
 * PWD too, which names our directory, not the program's.
 */
static const char *const drop[] = {
	"GIT_DIR=", "GIT_WORK_TREE=", "GIT_INDEX_FILE=",
	"GIT_COMMON_DIR=", "GIT_PREFIX=", "GIT_OBJECT_DIRECTORY=",
	"GIT_NAMESPACE=", "PARA_", "PWD=", NULL
};

void para_task_env_base(struct para_strvec *out)
{
	char **e;
	size_t i;

	for (e = environ; *e; e++) {
		int keep = 1;

		for (i = 0; drop[i] && keep; i++)
			keep = strncmp(*e, drop[i], strlen(drop[i])) != 0;
		if (keep)
			para_strvec_push(out, *e);
	}
}

/*
 * Linux holds one environment string ("K=V" and its NUL) to 32 pages
 * (MAX_ARG_STRLEN): a longer one makes exec fail with E2BIG.
 */
#define ENV_STRING_MAX (32 * 4096)

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

/* What a task that `git para resolve` sent back to run is asked to do. */
static void resolve_prompt(struct para_strbuf *out, const struct para_task *task)
{
	size_t i;

	para_strbuf_addf(out, "Resolve the merge conflicts in this worktree: "
			 "'%s' was merged into the branch '%s' of task '%s' "
			 "and these files conflict:\n", task->resolving,
			 task->branch, task->name);
	for (i = 0; i < task->conflicts.nr; i++)
		para_strbuf_addf(out, "\t%s\n", task->conflicts.v[i]);
	para_strbuf_addstr(out, "Edit them so that the changes of both sides "
			   "work together and no conflict markers are left; "
			   "the merge is committed when you are done.\n");
	if (task->prompt && *task->prompt)
		para_strbuf_addf(out, "\nThe task was:\n%s", task->prompt);
}

/*
 * "K" entries that unset every PARA_* variable of our caller, and with
 * `git` the repository variables.
 */
static void unset_callers(struct para_strvec *out, int git)
{
	char **e;
	size_t i;

	for (e = environ; *e; e++)
		if (!strncmp(*e, "PARA_", 5) && strchr(*e, '='))
			para_strvec_pushf(out, "%.*s",
					  (int)(strchr(*e, '=') - *e), *e);
	for (i = 0; git && drop[i + 1]; i++)
		para_strvec_pushf(out, "%.*s", (int)strlen(drop[i]) - 1,
				  drop[i]);
}

int para_task_env_check(const struct para_task *task)
{
	size_t len = strlen("PARA_PROMPT=") + strlen(or_empty(task->prompt)) + 1;

	if (len > ENV_STRING_MAX)
		return para_error_set(PARA_EINVALID, "the prompt of task '%s' "
			"is %zu bytes, more than the %zu that PARA_PROMPT can "
			"hold (an environment variable is limited to %d KiB)",
			or_empty(task->name), strlen(task->prompt),
			(size_t)ENV_STRING_MAX - strlen("PARA_PROMPT=") - 1,
			ENV_STRING_MAX / 1024);
	return 0;
}

static void push_resources(struct para_strvec *out,
			   const struct para_task *task)
{
	/* megabytes, rounded up: what `srun --mem` and most tools take */
	if (task->mem)
		para_strvec_pushf(out, "PARA_MEM=%lldM",
				  (task->mem + (1 << 20) - 1) >> 20);
	else
		para_strvec_push(out, "PARA_MEM=");
	if (task->cpus)
		para_strvec_pushf(out, "PARA_CPUS=%d", task->cpus);
	else
		para_strvec_push(out, "PARA_CPUS=");
}

/* PARA_ID always; PARA_PORT (the first) and PARA_PORTS with a lease */
static void add_ports(struct para_strvec *out, const struct para_task *task)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *id = para_ports_id(or_empty(task->name));
	size_t i;

	para_strvec_pushf(out, "PARA_ID=%s", id);
	free(id);
	if (!task->ports.nr)
		return;
	for (i = 0; i < task->ports.nr; i++)
		para_strbuf_addf(&sb, "%s%s", i ? " " : "", task->ports.v[i]);
	para_strvec_pushf(out, "PARA_PORT=%s", task->ports.v[0]);
	para_strvec_pushf(out, "PARA_PORTS=%s", sb.buf);
	para_strbuf_dispose(&sb);
}

void para_task_env_build(struct para_strvec *out, const struct para_task *task,
			 unsigned int flags, const char *const *extra)
{
	para_task_env_build_in(out, NULL, task, flags, extra);
}

void para_task_env_build_in(struct para_strvec *out,
			    const struct para_repo *repo,
			    const struct para_task *task, unsigned int flags,
			    const char *const *extra)
{
	struct para_strbuf domain = PARA_STRBUF_INIT;
	size_t i;

	if (flags & (PARA_TASK_ENV_UNSET | PARA_TASK_ENV_UNSET_GIT))
		unset_callers(out, !!(flags & PARA_TASK_ENV_UNSET_GIT));
	para_strvec_pushf(out, "PARA_TASK=%s", task->name);
	para_strvec_pushf(out, "PARA_ISSUE=%s", or_empty(task->issue));
	if (task->resolving) {
		struct para_strbuf sb = PARA_STRBUF_INIT;

		resolve_prompt(&sb, task);
		para_strvec_pushf(out, "PARA_PROMPT=%s", sb.buf);
		para_strbuf_reset(&sb);
		for (i = 0; i < task->conflicts.nr; i++)
			para_strbuf_addf(&sb, "%s\n", task->conflicts.v[i]);
		para_strvec_pushf(out, "PARA_CONFLICTS=%s", sb.buf ? sb.buf : "");
		para_strbuf_dispose(&sb);
	} else {
		para_strvec_pushf(out, "PARA_PROMPT=%s", or_empty(task->prompt));
	}
	para_strvec_pushf(out, "PARA_BRANCH=%s", or_empty(task->branch));
	para_strvec_pushf(out, "PARA_BASE=%s", or_empty(task->base));
	para_strvec_pushf(out, "PARA_WORKTREE=%s", or_empty(task->worktree));
	para_strvec_pushf(out, "PARA_SESSION_ID=%s", or_empty(task->session_id));
	para_strvec_pushf(out, "PARA_AGENT_SESSION_ID=%s",
			  or_empty(para_task_agent_session(task)));
	add_ports(out, task);
	if (repo) {
		char *context = para_state_context_path(repo);

		para_strvec_pushf(out, "PARA_CONTEXT=%s", context);
		free(context);
	}
	if (flags & PARA_TASK_ENV_DOMAIN) {
		for (i = 0; i < task->paths.nr; i++)
			para_strbuf_addf(&domain, "%s\n", task->paths.v[i]);
		para_strvec_pushf(out, "PARA_DOMAIN=%s", domain.buf);
	}
	if (flags & PARA_TASK_ENV_RESOURCES)
		push_resources(out, task);
	if (extra)
		para_strvec_pushv(out, extra);
	para_strbuf_dispose(&domain);
}
