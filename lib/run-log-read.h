#ifndef PARA_RUN_LOG_READ_H
#define PARA_RUN_LOG_READ_H

#include <signal.h>

#include "repo.h"
#include "strvec.h"

/*
 * Reading the task logs (run-log.h) for `git para logs`: whole lines of
 * each log, as they were written, all of them or one attempt's, and
 * following them as they grow, without polling (task-watch.h).
 */
struct para_logs_opts {
	int tail;		/* first only the last lines of each; -1 all */
	int attempt;		/* the n-th attempt of each log only; 0 all */
	int follow;		/* go on as the logs grow */
	int until_done;		/* with follow: end once the tasks ended */
	int every;		/* the names are all tasks: take new ones too */
	volatile sig_atomic_t *stop;	/* set by a signal: end now */
};

/*
 * A line of `task`'s log, without its newline.  A last line without
 * one is held back until it is complete, or until the end.
 */
typedef void (*para_logs_line_fn)(void *data, const char *task,
				  const char *text, size_t len);

/*
 * Passes the logs of the tasks in `names` to `fn`, one task after the
 * other, then (with `follow`) their new lines as they come, and with
 * `every` those of tasks created meanwhile (appended to `names`).
 * `*failed` is 1 when a task followed to its end (`until_done`) did
 * not succeed: one named, or one seen queued or running.
 */
int para_logs_read(int *failed, struct para_repo *repo,
		   struct para_strvec *names, const struct para_logs_opts *opts,
		   para_logs_line_fn fn, void *data);

/* How many attempts the log of task `name` holds (0 without a log). */
int para_logs_attempts(int *out, struct para_repo *repo, const char *name);

#endif
