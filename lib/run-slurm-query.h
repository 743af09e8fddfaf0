#ifndef PARA_RUN_SLURM_QUERY_H
#define PARA_RUN_SLURM_QUERY_H

#include "strvec.h"
#include "task.h"

/*
 * Asking Slurm about batch jobs, with its own commands (`squeue`,
 * `scontrol`) so that every Slurm release and site setting works.  The
 * run's backend (run-slurm.c) and `git para status` alike learn what
 * became of a task's job here, with one `squeue` for all the jobs.
 */

/* What Slurm says about one job. */
struct para_slurm_job {
	char *id;
	char *state;		/* PENDING, RUNNING, COMPLETED, ... */
	char *reason;		/* why it is pending, or "None" */
	char *node;		/* where it runs, or "" */
	long long submitted;	/* ms since the epoch, 0 when unknown */
};

struct para_slurm_jobs {
	struct para_slurm_job *v;
	size_t nr;
};

#define PARA_SLURM_JOBS_INIT { NULL, 0 }

/*
 * One `squeue` for every job of `ids` (any state Slurm still knows);
 * jobs Slurm has forgotten are absent.  Negative, with the reason, when
 * Slurm could not be asked (its controller is down, say).
 */
int para_slurm_query(struct para_slurm_jobs *out,
		     const struct para_strvec *ids);
const struct para_slurm_job *para_slurm_find(const struct para_slurm_jobs *jobs,
					     const char *id);
void para_slurm_jobs_dispose(struct para_slurm_jobs *jobs);

/* Is Slurm done with a job in `state` (COMPLETED, FAILED, ...)? */
int para_slurm_state_ended(const char *state);

/*
 * Is a job pending for `reason` one that can never start (it asks for
 * more than any node or its partition has, ...)?
 */
int para_slurm_reason_hopeless(const char *reason);

/* `ExitCode=<code>:<signal>` of `scontrol show job`. */
int para_slurm_exit_status(int *code, int *sig, const char *id);

/* The cluster's name (ClusterName of `scontrol show config`). */
int para_slurm_cluster(char **out);

/* What the job script recorded (run-slurm.c writes the script). */
struct para_slurm_record {
	long long started;	/* ms since the epoch, 0 when it did not */
	int done;		/* it finished: the status below is known */
	int code;		/* exit code, -1 for a death by signal */
	int sig;		/* an exit status above 128, as in a shell */
	int missing;		/* the worktree was missing on the node */
};

/* Reads the record of job `id` at `path`; a missing one or another job's is empty. */
void para_slurm_record_read(struct para_slurm_record *out, const char *path,
			    const char *id);

/* Is `job` the one submitted at `submitted` (ids restart on a new cluster)? */
int para_slurm_same_job(const struct para_slurm_job *job,
			long long submitted);

/*
 * What became of a task recorded as a batch job (`job_id` set, state
 * running or queued), as `git para status` shows it and as a later
 * `git para run` takes it over.
 */
struct para_slurm_view {
	int asked;		/* the task is such a job */
	enum para_task_state state;	/* what to show */
	char *text;		/* Slurm's view, for people, or NULL */
	char *job_state;	/* Slurm's word: PENDING, RUNNING, ...; NULL
				   when Slurm has no such job or was not asked */
	char *reason, *node;	/* why it pends, where it runs, or NULL */
	int pending, live;	/* Slurm still has it pending / at all */
	int held;		/* held, never released */
	int code, sig;		/* its result, once `state` is one */
	long long started, finished;
};

struct para_repo;

/*
 * Fills `views[i]` for each of `tasks[i]` with one `squeue` for all:
 * while its `git para run` lives, the task keeps its recorded state;
 * once that run is gone it is `orphaned` while Slurm has the job, its
 * real result once the job ended (from the job script's record, else
 * from Slurm), `lost` when neither knows it, and `unknown` when Slurm
 * cannot be asked.
 */
void para_slurm_views(struct para_slurm_view *views,
		      const struct para_repo *repo,
		      const struct para_task *const *tasks, size_t nr);
void para_slurm_view_dispose(struct para_slurm_view *view);

#endif
