#include <signal.h>
#include <stdlib.h>

#include "run-internal.h"

/*
 * The local backend: the attempt is a child of ours in a process group
 * of its own (lib/util/child.c), gated until its start is on record.
 */

static int local_start(struct para_run *run, struct para_run_job *job,
		       const struct para_spawn *spawn)
{
	(void)run;
	if (para_child_spawn(&job->child, spawn) < 0)
		return -1;
	job->leader = job->child.pid;
	para_proc_identify(&job->task.proc, job->child.pid);
	/* not a batch job, whatever an earlier run left on record */
	free(job->task.cluster);
	free(job->task.job_id);
	job->task.cluster = job->task.job_id = NULL;
	return 0;
}

static int local_release(struct para_run *run, struct para_run_job *job)
{
	(void)run;
	return para_child_release(&job->child);
}

static int local_poll(struct para_run *run, struct para_run_job *job)
{
	(void)run;
	if (!para_child_poll(&job->child))
		return 0;
	job->last.code = job->child.code;
	job->last.signal = job->child.signal;
	return 1;
}

static void local_signal(struct para_run *run, struct para_run_job *job,
			 int sig)
{
	(void)run;
	para_child_signal(&job->child, sig);
}

static void local_reap(struct para_run *run, struct para_run_job *job)
{
	(void)run;
	para_child_reap(&job->child);
}

static int local_fd(const struct para_run_job *job)
{
	return job->child.pidfd;
}

const struct para_run_backend para_run_local = {
	.name = "local",
	.start = local_start,
	.release = local_release,
	.poll = local_poll,
	.signal = local_signal,
	.reap = local_reap,
	.fd = local_fd,
};
