#ifndef PARA_RUN_BACKEND_H
#define PARA_RUN_BACKEND_H

/*
 * Where an attempt's command runs: local processes (run-local.c), the
 * same in tmux windows (run-tmux.c) or batch jobs of a cluster
 * scheduler (run-slurm.c).  The scheduler, the
 * state and the logs never know which: they start, release, poll,
 * signal and reap an attempt through these operations only.
 */

#include "child.h"

struct para_run;
struct para_run_job;

struct para_run_backend {
	const char *name;

	/*
	 * Starts the attempt described by `spawn` (its command, whole
	 * environment and worktree; the output goes to the job's log),
	 * held back: nothing of the command runs before release().
	 */
	int (*start)(struct para_run *run, struct para_run_job *job,
		     const struct para_spawn *spawn);

	/* Lets a started attempt go on, once its start is on record. */
	int (*release)(struct para_run *run, struct para_run_job *job);

	/*
	 * Has the attempt ended?  1 with `job->last.code` and
	 * `job->last.signal` filled in, 0 while it runs.
	 */
	int (*poll)(struct para_run *run, struct para_run_job *job);

	/* SIGTERM: please stop; SIGKILL: stop now.  Fine after the end. */
	void (*signal)(struct para_run *run, struct para_run_job *job,
		       int sig);

	/* Releases what an ended (or never released) attempt holds. */
	void (*reap)(struct para_run *run, struct para_run_job *job);

	/*
	 * A descriptor that becomes readable when the attempt ends, or -1:
	 * then the run asks poll() every `interval` ms, after refresh()
	 * (when not NULL) has learnt about every attempt at once.
	 */
	int (*fd)(const struct para_run_job *job);
	int interval;
	void (*refresh)(struct para_run *run);

	/*
	 * The attempt may wait in a queue after its release: its timeout
	 * counts from when poll() first sees it run, not from its start.
	 */
	int queues;
};

extern const struct para_run_backend para_run_local;
extern const struct para_run_backend para_run_slurm;
/* local, under a para.launcher that is `srun`: stopped through Slurm */
extern const struct para_run_backend para_run_srun;
extern const struct para_run_backend para_run_tmux;

/* "local" or "slurm" (NULL: local); NULL for an unknown name. */
const struct para_run_backend *para_run_backend_find(const char *name);

#endif
