#ifndef PARA_RUN_INTERNAL_H
#define PARA_RUN_INTERNAL_H

/* Shared by the run engine's files (run*.c) only. */

#include "cgroup.h"
#include "lock.h"
#include "proc.h"
#include "run.h"
#include "run-backend.h"
#include "run-log.h"
#include "child.h"
#include "run-sched.h"
#include "task-result.h"
#include "strvec.h"
#include "worktree-status.h"

/* An attempt that runs as a cluster scheduler's batch job. */
struct para_run_remote {
	char *id;			/* the job's id, NULL when none */
	char *script, *record;		/* the job script and its record */
	char *state, *reason, *node;	/* Slurm's last word on it */
	int seen;			/* the last query answered for it */
	int running;			/* it was seen started */
	int killed;			/* SIGKILL was asked for */
	int adopted;			/* submitted by a run that died */
	int unknown;			/* Slurm could not say what became
					   of such a job */
};

/* One selected task and what this run does with it. */
struct para_run_job {
	struct para_task task;		/* as found when selected */
	size_t index;			/* in the scheduler */
	struct para_lock running;	/* held while the task is ours */
	struct para_child child;
	int active;			/* child is running (not yet reaped) */
	int checking;			/* child is the leftovers check */
	int proven_clean;		/* its worktree, as the attempt left
					   it and nothing committed since */
	long long disk_use;		/* what its worktree takes, -1 when
					   unknown (para_run_measure_disk) */
	long long proven_use;		/* what it took when proven clean,
					   found by the proof; -1: not
					   proven clean, not known, or
					   something ran in it since */
	struct para_strbuf check;	/* its output */
	int verifying;			/* child is the verify command */
	struct para_strbuf verify_out;	/* its output */
	char *verdict;			/* why the attempt is unverified */
	int command_code;		/* the command's, while it verifies */
	int command_signal;
	int attempt;			/* number of the current attempt */
	int tries;			/* attempts made by this run */
	struct para_attempt last;	/* outcome of the last attempt */
	long long started_mono;
	long long deadline;		/* timeout, monotonic ms, 0 for none */
	long long timeout_at;		/* the attempt's own deadline */
	long long kill_at;		/* SIGKILL due, monotonic ms, 0 for none */
	int timed_out, cancelled;
	int preempted;			/* stopped to free memory */
	long long preempted_at;		/* MemAvailable then, bytes */
	int free_tries;			/* attempts not counted as retries */
	int log;
	int log_failed;
	char *log_path;
	struct para_strbuf partial;	/* tag: an unfinished line */
	pid_t leader;			/* leader of the last attempt */
	int hunting;			/* its escaped processes are killed */
	long long hunt_kill_at;
	char *note;			/* why it did not run or failed */
	char *pwd, *pwd_of;		/* the real path of the worktree
					   pwd_of, for PWD (run-env.c) */
	int reported;
	int queued;			/* recorded as queued by this run */
	long long agent_mtime;		/* PARA_STATUS_FILE as last read, ns */
	long long agent_size;		/* -1: absent; -2: not looked at */
	const struct para_run_backend *backend;	/* where it runs */
	struct para_run_remote remote;	/* its batch job, if any */
	char *result_path;		/* PARA_RESULT of the attempt */
	char *record;			/* what it reported, for the state */
	struct para_result result;	/* the same, parsed */
	long long result_mtime;		/* PARA_RESULT as last read, ns */
	long long result_size;
	double share;			/* PARA_BUDGET of the attempt, 0 none */
	double live;			/* what it reported so far, in the
					   budget's unit */
	int over_budget;		/* stopped past its share */
	int rate_limited;		/* its last attempt exited 75 */
	int retrying;			/* its last attempt is tried again */
	long long idle_size;		/* its log's size and mtime (ns) as */
	long long idle_mtime;		/* last seen, -1: not yet */
	long long idle_since;		/* its last write, or its start, ms
					   since the epoch */
	int stalled;			/* marked stalled (--idle-timeout) */
	int stall_stopped;		/* and stopped for it */
	char *stall_why;		/* "no output for 2m" */
	int resuming;			/* the attempt runs para.resumeCommand */
	long long exited_mono;		/* tmux: when its command was seen
					   ended, 0 before */
	struct para_cgroup cgroup;	/* of the running program, if any */
	int oom;			/* the kernel killed some of it for
					   memory */
};

/* A cgroup whose attempt is over, until the last of it is gone. */
struct para_run_drain {
	struct para_cgroup cgroup;
	long long kill_at;		/* cgroup.kill due, monotonic ms */
	int killed;
};

/* The cgroups of a run's local attempts (run-cgroup.c). */
struct para_run_cgroups {
	int probed;
	int usable;			/* each attempt gets a cgroup */
	int limits;			/* with its --mem and --cpus */
	int warned;			/* "not enforced" was said */
	struct para_cgroup_root root;
	struct para_cgroup group;	/* the run's own */
	unsigned seq;			/* attempts' groups made so far */
	struct para_run_drain *drain;
	size_t drain_nr;
};

struct para_run {
	struct para_repo *repo;
	struct para_run_options opts;
	const struct para_run_backend *backend;
	struct para_run_output out;
	struct para_run_job *jobs;
	size_t nr;
	struct para_sched sched;
	struct para_strvec base_env;
	struct para_proc self;
	int sigfd;
	int interrupted;
	long long interrupted_at;	/* monotonic ms of the first interrupt */
	long long global_kill_at;
	long long backend_due;		/* when to poll the backend next */
	char *cluster;			/* the Slurm cluster's name, once asked */
	int query_failed;		/* the last backend query failed */
	int failed;			/* some task did not succeed */
	long long started_mono;		/* when the run began */
	int mem_declared;		/* some task declares its memory */
	double spent;			/* ended attempts' reported usage */
	int budget_reached;		/* no new start: the budget is spent */
	int limit_stopped;		/* --on-limit=stop ended the run */
	int hold_said;			/* the hold last reported */
	struct para_run_cgroups cgroups;
	char *exec_path;		/* the file of `-- <command>`, found
					   once (para_child_find()), or NULL */
	char *plain_word;		/* a command run without a shell, */
	char *plain_path;		/* and its file (run-env.c) */
	int proof_known;		/* proof and racy_cache are */
	struct para_worktree_proof proof;	/* of the worktrees' clean
						   proofs (run-end.c) */
	int racy_cache;			/* the status cache dir is there */
};

/* run.c: talking to the caller */
void para_run_say(struct para_run *run, const struct para_run_job *job,
		  int failure, const char *fmt, ...)
	__attribute__((format(printf, 4, 5)));
void para_run_report_attempt(struct para_run *run,
			     const struct para_run_job *job, const char *then);
/* One line for each waiting task the run will not start, and why. */
void para_run_report_held(struct para_run *run, const char *why);

/* run-claim.c: the task's state, always changed under its state lock */
typedef void (*para_run_update_fn)(struct para_task *task,
				   const struct para_run *run,
				   const struct para_run_job *job);
int para_run_update_state(struct para_run *run, struct para_run_job *job,
			  para_run_update_fn fn);
void para_run_set_running(struct para_task *task, const struct para_run *run,
			  const struct para_run_job *job);
/* The cgroup the job's program runs in, for stop and prune to find. */
void para_run_copy_cgroups(struct para_task *task,
			   const struct para_run_job *job);
/*
 * What the job's worktree takes, for its result to record: measured
 * before the task's lock is taken, since a big worktree takes a while.
 */
void para_run_measure_disk(const struct para_run *run,
			   struct para_run_job *job);
void para_run_set_result(struct para_task *task, const struct para_run *run,
			 const struct para_run_job *job);

enum para_run_claim { PARA_RUN_CLAIM_OK, PARA_RUN_CLAIM_DONE,
		      PARA_RUN_CLAIM_BUSY };
enum para_run_claim para_run_claim(struct para_run *run,
				   struct para_run_job *job);

/* Marks a skipped task, unless another run holds it. */
void para_run_mark_skipped(struct para_run *run, struct para_run_job *job);

/*
 * A task waiting its turn is recorded `queued`, unless another live run
 * holds it; one that never started gets its former state back.
 */
void para_run_mark_queued(struct para_run *run, struct para_run_job *job);
void para_run_unqueue(struct para_run *run, struct para_run_job *job);

/* run-start.c: claiming and starting what the scheduler hands out */
void para_run_start_ready(struct para_run *run);
void para_run_base_environment(struct para_strvec *out);

/* run-env.c: what a job's programs get */

/*
 * The task's own command, else para.command; para.resumeCommand for an
 * attempt that resumes (a retry, a resolve).
 */
const char *para_run_task_command(const struct para_run *run,
				  const struct para_run_job *job);

/*
 * The environment of a program run for a job's attempt: the task's
 * (lib/task-env.h) with PARA_SLOT, PARA_ATTEMPT and PARA_LOG; for the
 * task's command (`command` set) also PARA_VERIFY_LOG while its last
 * verify failed.
 */
void para_run_build_env(struct para_strvec *env, struct para_run *run,
			struct para_run_job *job, int command);

/*
 * The argv of `shell` (a shell command) as a job's program, under
 * para.launcher when there is one; `shell` NULL: the task's command.
 */
void para_run_build_argv(struct para_strvec *argv, const struct para_run *run,
			 const struct para_run_job *job, const char *shell);

/*
 * Starts a program of the job's attempt in the task's worktree through
 * the run's backend: `shell` (a shell command), or the task's command
 * when NULL, with the argv and environment above, its output to
 * `out_fd` (-1: a pipe), `gated` as in struct para_spawn.
 */
int para_run_spawn(struct para_run *run, struct para_run_job *job,
		   const char *shell, int out_fd, int gated);

/* run-end.c: output, the end of attempts and of jobs */
void para_run_pump_output(struct para_run *run, struct para_run_job *job,
			  int drain);
void para_run_end_attempt(struct para_run *run, struct para_run_job *job);
void para_run_finish_job(struct para_run *run, struct para_run_job *job,
			 int ok);
void para_run_report_skipped(struct para_run *run);

/* run-hunt.c: processes that escaped their task's group */
int para_run_has_strays(struct para_run *run);
void para_run_hunt(struct para_run *run);
int para_run_hunting(struct para_run *run);

/* run-admit.c: what the machine has to spare */
void para_run_admit_init(struct para_run *run);
void para_run_observe(struct para_run *run);
void para_run_preempt(struct para_run *run);
/* A start is over: --delay counts from now, not from before it. */
void para_run_admit_started(struct para_run *run);
/* Why a preempted task was stopped, to follow its result (malloc'd). */
char *para_run_preempted_why(const struct para_run *run,
			     const struct para_run_job *job);
/* ms until admission should be looked at again, or -1. */
long long para_run_admit_due(const struct para_run *run);
/* Are ready tasks held back by the machine (so the run goes on)? */
int para_run_admit_holding(const struct para_run *run);

/*
 * run-agent.c: PARA_STATUS_FILE, where a command reports a word and a
 * message ("waiting needs approval"), taken into its state when it
 * changes.  prepare() empties it for an attempt and adds the variable.
 */
void para_run_agent_prepare(struct para_strvec *env, struct para_run *run,
			    struct para_run_job *job);
void para_run_agent_poll(struct para_run *run);

/*
 * run-result.c: PARA_RESULT, what a command reports about its attempt,
 * and PARA_INPUTS, what the task's dependencies did.  prepare() adds
 * both to a command's environment; take() reads the result when the
 * attempt is over (a damaged one is a warning) into job->record for
 * para_run_set_result().
 */
void para_run_result_prepare(struct para_strvec *env, struct para_run *run,
			     struct para_run_job *job);
void para_run_result_take(struct para_run *run, struct para_run_job *job);
/* An attempt begins: nothing of the last one's result is its. */
void para_run_result_reset(struct para_run_job *job);

/*
 * run-budget.c: --budget, para.taskBudget, --budget-stop.  prepare()
 * gives the attempt its share (PARA_BUDGET); spent() adds what an ended
 * attempt reported; poll() reads the running attempts' PARA_RESULT and
 * stops one past its share; check() ends the starts once the budget is
 * spent.  The rate limits: limited() holds every start back until the
 * time the attempt's result asked for.
 */
int para_run_budget_on(const struct para_run *run);
void para_run_budget_prepare(struct para_strvec *env, struct para_run *run,
			     struct para_run_job *job);
void para_run_budget_spent(struct para_run *run, struct para_run_job *job);
void para_run_budget_poll(struct para_run *run);
int para_run_budget_check(struct para_run *run);
/* Pauses the starts for a rate-limited attempt; says until when. */
char *para_run_limited(struct para_run *run, struct para_run_job *job);

/*
 * run-stop.c: `git para stop` asked (state field stopRequested, then
 * SIGUSR1) to cancel some of our tasks: each goes as on an interrupt.
 */
void para_run_take_stops(struct para_run *run);

/*
 * run-idle.c: --idle-timeout.  A running attempt whose log has not grown
 * for that long is marked stalled (it runs on, and is running again once
 * its log grows), or with para.idleAction=stop is stopped as on an
 * interrupt and ends `stalled`.  start() is called as an attempt begins;
 * due() is the ms until the next attempt may stall, or -1.
 */
void para_run_idle_start(struct para_run_job *job);
void para_run_idle_poll(struct para_run *run);
long long para_run_idle_due(const struct para_run *run);

/*
 * run-notify.c: --notify.  Tells the user of an event of a task that is
 * among the run's notify events: through notify-send when it is on
 * PATH (time-limited as hooks are), else through the output's notice
 * callback (the terminal bell and a line).  `what` says what happened.
 */
void para_run_notify(struct para_run *run, const struct para_run_job *job,
		     unsigned int event, const char *what);
/* The job's last attempt ended it: `end`, and `fail` unless it succeeded. */
void para_run_notify_end(struct para_run *run, const struct para_run_job *job);

/*
 * run-cgroup.c: the cgroups of local attempts.  prepare(), before the
 * program is spawned, makes its new cgroup with the task's limits
 * (warning once per run where they cannot be enforced) and returns a
 * descriptor of it to be born in (para_spawn's cgroup_fd), or -1;
 * enter() puts the spawned, still gated program in what of it the
 * program was not born in (`born_in`: the v2 group); kill() is cgroup.kill;
 * leave(), once the program is reaped, notes an OOM kill and removes
 * the cgroup, or drains it: SIGTERM to what is left, cgroup.kill after
 * the grace.  drain() does that, for as long as draining() says; finish()
 * ends what is left and removes the run's group.
 */
int para_run_cgroup_prepare(struct para_run *run, struct para_run_job *job);
void para_run_cgroup_enter(struct para_run *run, struct para_run_job *job,
			   pid_t pid, int born_in);
void para_run_cgroup_kill(struct para_run *run, struct para_run_job *job);
void para_run_cgroup_leave(struct para_run *run, struct para_run_job *job);
void para_run_cgroup_drain(struct para_run *run);
int para_run_cgroup_draining(const struct para_run *run);
void para_run_cgroup_finish(struct para_run *run);

/* run-slurm.c: do the options suit the Slurm backend? */
int para_run_slurm_check(const struct para_run_options *opts);
/*
 * Tasks whose batch job a run that died submitted: one query for all;
 * the run takes over each job Slurm still has, or whose result is
 * known, instead of submitting it again.
 */
void para_run_slurm_plan(struct para_run *run);
/* Is para.launcher an `srun` (then the run's backend is para_run_srun)? */
int para_run_launcher_is_srun(const char *launcher);
/* Does such a launcher leave its job's name to git-para? */
int para_run_srun_check(const struct para_run_options *opts);
/* The name of a task's Slurm job: `para.<repo-id>.<task>`. */
char *para_run_slurm_job_name(const struct para_run *run, const char *task);
/*
 * `scancel` of the job an `srun` launcher holds for `job`, found by
 * its name: with `signal` ("TERM", "KILL") the signal to its steps,
 * else the job cancelled.
 */
void para_run_srun_cancel(struct para_run *run, struct para_run_job *job,
			  const char *signal);
/* Takes over a claimed job marked `adopted`; as start_attempt(). */
int para_run_slurm_adopt(struct para_run *run, struct para_run_job *job);

/* run-loop.c: waiting for and acting on events */
int para_run_loop(struct para_run *run);

#endif
