#ifndef PARA_HOOK_H
#define PARA_HOOK_H

#include "repo.h"
#include "strbuf.h"
#include "task.h"

/*
 * The hooks of Documentation/git-para.adoc (HOOKS): shell commands from
 * the multi-valued `para.hook.<event>` (git config only), run for a task
 * with its PARA_* environment, one after the other, each within
 * `para.hookTimeout`, their output appended to the hooks' log.  A hook
 * that fails or hangs is a warning: it never changes what git-para does.
 */
enum para_hook_event {
	PARA_HOOK_STATE,	/* a task's state changed */
	PARA_HOOK_ADD,		/* a task was created (after para.setup) */
	PARA_HOOK_MERGE,	/* collect merged a task */
	PARA_HOOK_PRUNE,	/* a task's worktree is about to go */
	PARA_HOOK__COUNT
};

/* "state", "add", ... */
const char *para_hook_event_name(enum para_hook_event event);

/*
 * Where warnings about hooks go (the library never prints): `fn` gets
 * the message without a "warning: " prefix.  NULL, the default, drops
 * them (the hooks' log still has them).
 */
void para_hook_set_warning(void (*fn)(const char *msg));

/*
 * Runs the hooks of `event` for `task`, in the task's worktree (or, when
 * it is gone, where git commands about the repository run).  For
 * PARA_HOOK_STATE, `old_state` is the state before the change
 * (PARA_OLD_STATE); other events ignore it.
 */
void para_hook_run(struct para_repo *repo, enum para_hook_event event,
		   const struct para_task *task, enum para_task_state old_state);

/* Has `event` any hook (a cheap look before preparing for it)? */
int para_hook_configured(struct para_repo *repo, enum para_hook_event event);

/*
 * A runner asks para_hook_configured() at every change of every task.
 * Called each time it wakes up, this makes the answers for `repo` hold
 * until the next call: a hook configured while the runner waited counts
 * for what woke it.  NULL asks the configuration every time again, as
 * without any call.
 */
void para_hook_turn(struct para_repo *repo);

/*
 * How a hook runs, for other short programs the runner must never wait
 * on for long (notify-send): `argv` (execvp) with `env` in `dir`, in a
 * process group of its own, its output kept (the first 64 KiB; the rest
 * counted in `dropped`), killed with its whole group once `timeout` ms
 * (0: none) have passed.  Negative only when it could not be started.
 */
struct para_hook_exec {
	struct para_strbuf out;
	size_t dropped;
	int timed_out;
	int code;		/* exit code, or -1 when killed */
	int signal;
};

int para_hook_exec(struct para_hook_exec *out, const char *const *argv,
		   const char *const *env, const char *dir, long long timeout);
void para_hook_exec_dispose(struct para_hook_exec *r);

#endif
