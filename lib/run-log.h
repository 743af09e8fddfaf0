#ifndef PARA_RUN_LOG_H
#define PARA_RUN_LOG_H

#include "repo.h"
#include "task.h"

/*
 * Task logs: `<state_dir>/logs/<task>.log` for the task's command and
 * `<task>..exec.log` for `git para run -- <command>`.  Appended to, with
 * one header line when an attempt starts and one result line when it
 * ends, so that no attempt is ever lost from the record.
 */

/* The outcome of one attempt. */
struct para_attempt {
	int number;
	enum para_task_state state;	/* succeeded, empty, failed, ... */
	int code;			/* exit code, or -1 */
	int signal;			/* terminating signal, or 0 */
	long long started;		/* ms since the epoch */
	long long finished;
	const char *note;		/* why, when the command did not say */
};

/* Creates the logs directory and returns the log's path (malloc'd). */
int para_runlog_path(char **out, struct para_repo *repo, const char *name,
		     int exec);

/* Opens a log for appending (O_CLOEXEC). */
int para_runlog_open(int *out, const char *path);

/* Appends the header line of an attempt. */
void para_runlog_header(int fd, const char *name, const struct para_attempt *a,
			const char *command, int slot);

/*
 * The attempt number of a header line para_runlog_header() wrote (`line`,
 * `len` bytes without the newline), 0 for any other line.
 */
int para_runlog_header_attempt(const char *line, size_t len);

/* Appends the header of an attempt's verify, before its output. */
void para_runlog_verify_header(int fd, const char *name, int number,
			       const char *command);

/* Appends a line of ours: "=== git para run: " and the text. */
void para_runlog_note(int fd, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Appends the result line of an attempt. */
void para_runlog_result(int fd, const struct para_attempt *a);

/*
 * Appends to the log of `task` the result line of its current attempt,
 * ended now in `state` without an exit code, for `note`: what a process
 * other than the attempt's own run learnt of its end.
 */
void para_runlog_end(struct para_repo *repo, const struct para_task *task,
		     enum para_task_state state, const char *note);

/*
 * Describes an outcome for people: "failed with exit code 2",
 * "timed-out (killed by signal 15)", "succeeded" ...
 */
void para_attempt_describe(char *buf, unsigned long size,
			   const struct para_attempt *a);

/* "2024-05-01T12:00:00Z" */
void para_format_time(char *buf, unsigned long size, long long ms);

#endif
