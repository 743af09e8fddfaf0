#ifndef PARA_TASK_WATCH_H
#define PARA_TASK_WATCH_H

#include "proc.h"
#include "repo.h"

/*
 * Waiting for tasks to change without polling: inotify on the task
 * store (every state change replaces a file there), and pidfds for
 * recorded processes whose death changes a task's state without any
 * write (a `git para run` that dies leaves its tasks orphaned or lost).
 * Where inotify is not available it falls back to a slow poll.
 */
struct para_task_watch;

int para_task_watch_open(struct para_task_watch **out, struct para_repo *repo);
void para_task_watch_free(struct para_task_watch *watch);

/* Also wakes up para_task_watch_wait() when a task's log grows. */
int para_task_watch_logs(struct para_task_watch *watch,
			 struct para_repo *repo);

/*
 * Also wakes up the next para_task_watch_wait() when `proc` ends; a
 * process that is not the one recorded (or is gone) wakes it at once.
 * Forgotten by each para_task_watch_wait().
 */
void para_task_watch_proc(struct para_task_watch *watch,
			  const struct para_proc *proc);

/*
 * Blocks until a task file changes, a watched process ends, or
 * `timeout_ms` pass (negative: no limit).  Returns 1 when something
 * happened (or may have: the fallback poll), 0 on the timeout, negative
 * on error.
 */
int para_task_watch_wait(struct para_task_watch *watch, long long timeout_ms);

#endif
