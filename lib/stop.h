#ifndef PARA_STOP_H
#define PARA_STOP_H

#include "repo.h"
#include "task.h"

/*
 * `git para stop`: ends a running or orphaned task from anywhere.  A task
 * whose `git para run` lives is that run's to stop: it is asked (the
 * state's stopRequested, then SIGUSR1 to the run, identified by pid,
 * start time and boot id), and stops the task as on an interrupt
 * (process group, then escaped processes; state `cancelled`).  An
 * orphan's process group and the processes that escaped it (found by
 * their PARA_TASK and PARA_WORKTREE) are terminated here, SIGTERM then
 * SIGKILL after `grace_ms`, and the task is recorded `cancelled`.
 */

/*
 * Stops task `name` and waits until it has ended; `*out` is its state
 * then (`cancelled`, or what it ended with on its own meanwhile).
 * PARA_EINVALID, naming the task and its state, when it is not running.
 */
int para_stop_task(enum para_task_state *out, struct para_repo *repo,
		   const char *name, long long grace_ms);

/* 1 for the states para_stop_task() acts on. */
int para_stop_possible(enum para_task_state live);

#endif
