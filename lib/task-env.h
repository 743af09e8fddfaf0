#ifndef PARA_TASK_ENV_H
#define PARA_TASK_ENV_H

#include "repo.h"
#include "strvec.h"
#include "task.h"

/*
 * The environment of a program started for a task (the task's command,
 * para.setup, para.prCommand): its data reaches the program only through
 * these variables, never spliced into a command string.
 */
enum para_task_env_flags {
	PARA_TASK_ENV_DOMAIN = 1 << 0,	/* add PARA_DOMAIN */
	/*
	 * start with a "K" entry (unset, for para_command) for each PARA_*
	 * variable of our own environment: a program started for a task
	 * sees the task's values, never our caller's
	 */
	PARA_TASK_ENV_UNSET = 1 << 1,
	/* add PARA_MEM ("4096M", rounded up) and PARA_CPUS, empty if none */
	PARA_TASK_ENV_RESOURCES = 1 << 2,
	/* as UNSET, and also GIT_DIR and the other repository variables */
	PARA_TASK_ENV_UNSET_GIT = 1 << 3
};

/*
 * Fails, naming the limit, when the task's values cannot all reach its
 * programs (an environment variable holds at most 128 KiB on Linux).
 */
int para_task_env_check(const struct para_task *task);

/*
 * Appends "K=V" entries to `out`: PARA_TASK, PARA_ISSUE and PARA_PROMPT
 * (empty when the task has none), PARA_BRANCH, PARA_BASE, PARA_WORKTREE,
 * PARA_SESSION_ID and PARA_AGENT_SESSION_ID (lib/task.h; empty when
 * none), PARA_ID (the name as [a-z0-9_]), with leased ports PARA_PORT (the
 * first) and PARA_PORTS (all, space-separated),
 * for a task `git para resolve` sent back PARA_CONFLICTS (the files,
 * one a line) and a PARA_PROMPT that asks to resolve them,
 * with PARA_TASK_ENV_DOMAIN also PARA_DOMAIN (the patterns, one a line),
 * and then the caller's own `extra` entries ("K=V", NULL-terminated; may
 * be NULL), which must not repeat a name.
 */
void para_task_env_build(struct para_strvec *out, const struct para_task *task,
			 unsigned int flags, const char *const *extra);

/*
 * The same for a program of a task of `repo` (the task's command, its
 * verify, the hooks): also PARA_CONTEXT, the path of the shared context
 * (task-context.h), after PARA_ID and the ports.
 */
void para_task_env_build_in(struct para_strvec *out,
			    const struct para_repo *repo,
			    const struct para_task *task, unsigned int flags,
			    const char *const *extra);

/*
 * Appends this process's environment without what would mislead git or
 * a task in a program started for a task: GIT_DIR and the other
 * repository variables, and every PARA_* variable.
 */
void para_task_env_base(struct para_strvec *out);

#endif
