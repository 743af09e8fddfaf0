#ifndef PARA_RUN_H
#define PARA_RUN_H

#include <stddef.h>

#include "budget.h"
#include "config.h"
#include "repo.h"
#include "strbuf.h"
#include "task.h"

/*
 * The run engine behind `git para run`: claims the selected tasks so
 * that no two runs ever run the same one, starts their commands in
 * dependency order (at most `jobs` at a time), supervises them (timeouts,
 * interrupts, escaped processes), records every attempt in the task's
 * state and log, and retries what failed.  With `exec_argv` it runs one
 * command in the tasks' worktrees instead and records nothing.
 *
 * The engine never prints: what it has to say goes through the
 * callbacks of `struct para_run_output`.
 */

struct para_run_options {
	int jobs;			/* at most this many at a time */
	int retries;			/* attempts after the first */
	int halt;			/* start nothing new after a failure */
	int rerun;			/* run tasks that succeeded already */
	int tag;			/* pass the output on, line by line */
	int autocommit;			/* commit what a task left behind */
	int retry_fresh;		/* a retry starts where the attempt did */
	long long timeout;		/* ms, 0 for none */
	long long grace;		/* ms between SIGTERM and SIGKILL */
	long long memfree;		/* bytes of MemAvailable to keep, 0 off */
	double load;			/* most 1-minute load for a start, 0 off */
	long long delay;		/* ms between two starts, 0 off */
	const char *command;		/* para.command, or NULL */
	const char *launcher;		/* para.launcher, or NULL */
	const char *verify;		/* para.verify, or NULL */
	const char *backend;		/* "local" (NULL) or "slurm" */
	const char *slurm_options;	/* para.slurmOptions, or NULL */
	const char *resume_command;	/* para.resumeCommand, or NULL */
	int tmux;			/* each task in a tmux window */
	const char *const *exec_argv;	/* `-- <command>`, or NULL */
	struct para_budget budget;	/* --budget; unit NONE for none */
	struct para_budget task_budget;	/* para.taskBudget; NONE for none */
	int budget_stop;		/* stop a task past its share */
	int limit_stop;			/* --on-limit=stop */
	long long limit_wait;		/* ms a rate limit holds without
					   retryAfter */
	long long idle_timeout;		/* ms of a still log for `stalled`,
					   0 off */
	int idle_stop;			/* para.idleAction=stop */
	unsigned int notify;		/* enum para_notify_event, or'ed */
};

/* What --notify tells of (Documentation/git-para-run.adoc). */
enum para_notify_event {
	PARA_NOTIFY_END = 1 << 0,	/* a task ended, whatever its state */
	PARA_NOTIFY_FAIL = 1 << 1,	/* a task ended without succeeding */
	PARA_NOTIFY_STALL = 1 << 2,	/* a task stalled (--idle-timeout) */
	PARA_NOTIFY_WAITING = 1 << 3	/* its command reported `waiting` */
};

/* What a bare --notify (or para.notify=true) tells of. */
#define PARA_NOTIFY_DEFAULT \
	(PARA_NOTIFY_END | PARA_NOTIFY_STALL | PARA_NOTIFY_WAITING)

/*
 * Parses a comma-separated list of events ("end,stall"), or "none";
 * PARA_EINVALID naming an unknown event.
 */
int para_run_notify_parse(unsigned int *out, const char *text);

struct para_run;

struct para_run_output {
	/*
	 * One outcome about a task, for people: `what` completes
	 * "<task>: ".  `failure` is set for what went wrong.
	 */
	void (*report)(void *data, const char *task, int failure,
		       const char *what);
	/* A whole line of a task's output (`tag` only), without its newline. */
	void (*line)(void *data, const char *task, const char *text,
		     size_t len);
	/* A problem of ours that does not stop the run. */
	void (*error)(void *data, const char *msg);
	/* Something the user should know, said once (may be NULL). */
	void (*warning)(void *data, const char *msg);
	/*
	 * A notification (--notify) when there is no notify-send: ring
	 * the terminal's bell and say `what` of `task`.  May be NULL.
	 */
	void (*notice)(void *data, const char *task, const char *what);
	/*
	 * Called each time the engine is about to wait, and at least once a
	 * second while it waits: the moment to redraw a progress line.
	 * May be NULL.
	 */
	void (*tick)(void *data, const struct para_run *run);
	void *data;
};

/*
 * A new run of nothing yet; the options are copied (strings borrowed).
 * PARA_EINVALID for options that do not go together (an unknown
 * backend, Slurm options that take over what git-para owns, ...).
 */
int para_run_new(struct para_run **out, struct para_repo *repo,
		 const struct para_run_options *opts,
		 const struct para_run_output *output);
void para_run_free(struct para_run *run);

/* Selects a task; the run takes over `task` (and disposes of it). */
void para_run_add(struct para_run *run, struct para_task *task);

/*
 * Runs the selected tasks until all are done, or until an interrupt
 * (SIGINT, SIGTERM, SIGHUP) has stopped them.  A second interrupt cuts
 * the grace short.  Negative only when the supervision itself failed.
 */
int para_run_execute(struct para_run *run);

/* After para_run_execute(): was it interrupted, did some task not succeed? */
int para_run_interrupted(const struct para_run *run);
/* Did it end because a task was rate-limited (--on-limit=stop)? */
int para_run_limit_stopped(const struct para_run *run);
/* Did it end because the budget was spent? */
int para_run_budget_reached(const struct para_run *run);
int para_run_failed(const struct para_run *run);

/* Marks the run failed (a task the caller could not select, ...). */
void para_run_set_failed(struct para_run *run);

/* The number of tasks selected. */
size_t para_run_selected(const struct para_run *run);

/*
 * After para_run_execute(), what became of the selected tasks, counts
 * that are not zero only, and the run's duration:
 * "8 succeeded, 2 failed, 1 timed out in 4m12s", and with a budget
 * what of it was spent: "; 1.20usd of the 2.00usd budget spent".
 */
void para_run_summary(struct para_strbuf *out, const struct para_run *run);

/*
 * The progress line, cut to `width` columns, with the time since the
 * run began: "[3/10] running: a, b (elapsed 1m20s)".
 */
void para_run_progress(struct para_strbuf *out, const struct para_run *run,
		       size_t width);

#endif
