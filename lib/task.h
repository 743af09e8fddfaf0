#ifndef PARA_TASK_H
#define PARA_TASK_H

#include <sys/types.h>
#include "proc.h"
#include "strvec.h"

/* Run states of a task (Documentation/git-para-run.adoc). */
enum para_task_state {
	PARA_STATE_NEW = 0,
	PARA_STATE_QUEUED,
	PARA_STATE_RUNNING,
	PARA_STATE_SUCCEEDED,
	PARA_STATE_EMPTY,
	PARA_STATE_FAILED,
	PARA_STATE_TIMED_OUT,
	PARA_STATE_STALLED,	/* stopped by para.idleAction=stop */
	PARA_STATE_UNVERIFIED,
	PARA_STATE_CANCELLED,
	PARA_STATE_PREEMPTED,
	PARA_STATE_RATE_LIMITED,
	PARA_STATE_OVER_BUDGET,
	PARA_STATE_OOM,
	PARA_STATE_SKIPPED,
	PARA_STATE_ORPHANED,
	PARA_STATE_LOST,
	PARA_STATE_UNKNOWN,	/* shown only: the scheduler cannot be asked */
	PARA_STATE_CREATING,	/* shown only: its `git para add` is at work */
	PARA_STATE_INCOMPLETE,	/* shown only: ... and died before the end */
	PARA_STATE_MERGED,
	PARA_STATE_PUSHED,
	PARA_STATE_PR_OPEN,
	PARA_STATE_CONFLICT,
	PARA_STATE_REJECTED,
	PARA_STATE__COUNT
};

/*
 * A task as recorded in `<common-dir>/para/tasks/<name>`.  Every string
 * is owned (malloc'd) or NULL.
 */
struct para_task {
	char *name;
	char *branch;		/* full branch name, e.g. solve/issue-42 */
	char *worktree;		/* absolute path */
	char *base;		/* commit id, hex */
	char *base_ref;		/* what the base was resolved from */
	char *issue;		/* digits, or NULL */
	char *title;		/* the issue's title, or NULL */
	char *prompt;
	char *command;		/* --command, or NULL for para.command */
	char *verify;		/* --verify, or NULL for para.verify */
	struct para_strvec paths;	/* domain patterns, normalised */
	struct para_strvec after;	/* dependencies */
	struct para_strvec locks;
	int exclusive;
	long long mem;		/* declared memory, bytes, 0 none */
	int cpus;		/* declared CPUs, 0 none */
	int sparse;
	int reused_branch;	/* the branch existed before the task */
	int creating;		/* recorded before its worktree was made,
				   until its `git para add` finished */
	struct para_proc creator;	/* that `git para add` */
	long long created;	/* ms since the epoch */
	struct para_strvec ports;	/* leased TCP ports (lib/task-ports.h) */
	long long disk_use;	/* bytes its worktree took when last
				   measured, 0 when never */

	enum para_task_state state;
	int attempt;		/* of its last run: 1 first, 2 for a retry */
	int attempts;		/* attempts started in all runs together */
	struct para_proc proc;	/* the task's process group leader */
	struct para_proc runner;	/* the `git para run` supervising it */
	long long started;	/* ms since the epoch, 0 when never */
	long long finished;
	int exit_code;		/* -1 when none */
	int signal;		/* terminating signal, 0 when none */
	int slot;		/* PARA_SLOT of the current attempt, -1 when none */
	long long stop_requested;	/* `git para stop` asked, ms; 0 */
	char *agent_state;	/* the word the command reported, or NULL */
	char *agent_message;	/* what it said with it, or NULL */
	long long stalled;	/* running, its log still since --idle-timeout:
				   when it was seen so, ms; 0 when not */
	int retrying;		/* failed, and its run tries it again */
	char *start_commit;	/* HEAD when the last attempt's command began */
	char *cluster;		/* batch job of a cluster scheduler: the */
	char *job_id;		/* cluster's name, the job's id and when it */
	long long submitted;	/* was submitted (ids restart on a new one) */
	char *session_id;	/* PARA_SESSION_ID: ours, the same for every
				   attempt (a UUID) */
	char *agent_session;	/* the sessionId the command last reported */
	char *tmux_socket;	/* the tmux server and pane of the running */
	char *tmux_pane;	/* attempt's window (run --tmux), or NULL */
	struct para_strvec results;	/* what attempts reported, one record
					   each (lib/task-result.h) */
	struct para_strvec cgroups;	/* the cgroup of its last attempt, as
					   para_cgroup_record() writes it */

	char *pr_url;
	char *pr_state;		/* open, closed, merged (lib/pr-state.h) */
	char *pr_checks;	/* passing, failing, pending, none */
	char *pr_merged_at;	/* as the forge said it, or NULL */
	long long pr_refreshed;	/* ms since the epoch, 0 when never */
	char *merged_into;	/* integration branch it was merged into */
	char *pushed_to;	/* remote it was pushed to */
	struct para_strvec conflicts;	/* files of its last merge conflict */
	char *conflict_with;	/* what it conflicted with: a task or branch */
	char *conflict_branch;	/* the branch it did not merge into */
	char *resolving;	/* what `git para resolve` merged, for run */
};

#define PARA_TASK_NAME_MAX 64

/*
 * Gives a task that has none its PARA_SESSION_ID, a new UUID that then
 * stays the task's for every attempt (the caller records it).
 */
int para_task_session_ensure(struct para_task *task);

/*
 * The session an agent resumes (PARA_AGENT_SESSION_ID): the sessionId
 * the command last reported in PARA_RESULT, else PARA_SESSION_ID.
 */
const char *para_task_agent_session(const struct para_task *task);

void para_task_init(struct para_task *task);
void para_task_dispose(struct para_task *task);

/* "timed-out" etc.; and back (returns -1 for an unknown name). */
const char *para_task_state_name(enum para_task_state state);
int para_task_state_parse(const char *name);

/*
 * 1 for states after which `run` does not select the task by default:
 * succeeded, empty (succeeded with nothing of its own) and what collect
 * made of them.
 */
int para_task_state_done(enum para_task_state state);

/* Done, and what it did was kept: succeeded, merged, pushed, in a PR. */
int para_task_state_succeeded(enum para_task_state state);

/*
 * 1 for the outcomes of `run` after which the task's dependents may
 * start: succeeded and empty.
 */
int para_task_state_ok(enum para_task_state state);

/*
 * Checks a task name against the rule of Documentation/git-para-add.adoc: [a-z0-9][a-z0-9._-]*, at most
 * 64 bytes, not ending in ".lock" or ".", no "..", not "hooks".  Returns 0 or
 * PARA_EINVALID with a message naming the rule.
 */
int para_task_name_validate(const char *name);

/*
 * Parses a task's declared CPUs: a whole number from 1 to
 * PARA_TASK_CPUS_MAX.  Returns 0, or PARA_EINVALID.
 */
#define PARA_TASK_CPUS_MAX 4096
int para_task_cpus_parse(int *out, const char *text);

/*
 * Parses an issue reference ("42" or "#42") into digits; returns a
 * malloc'd string, or NULL with the error set.
 */
char *para_task_issue_parse(const char *text);

/*
 * The state to show for a task: a recorded `running` or `queued` task
 * whose supervising `git para run` is gone is `orphaned` while its
 * process lives and `lost` once it is gone.  A task whose `git para add`
 * has not finished is `creating` while that add lives and `incomplete`
 * once it is gone.
 */
enum para_task_state para_task_live_state(const struct para_task *task);

/*
 * 1 when the task's last attempt did not succeed and the live run that
 * made it is to try it again: not an end, whatever its state says.
 */
int para_task_retrying(const struct para_task *task);

#endif
