#include <signal.h>
#include <stdlib.h>
#include <unistd.h>

#include "run-internal.h"

/*
 * The local backend: the attempt is a child of ours in a process group
 * of its own (lib/util/child.c), gated until its start is on record,
 * and in a cgroup of its own where there can be one (run-cgroup.c).
 */

static int local_start(struct para_run *run, struct para_run_job *job,
		       const struct para_spawn *spawn)
{
	struct para_spawn gated = *spawn;
	int error;

	gated.cgroup_fd = para_run_cgroup_prepare(run, job);
	/*
	 * Gated even when the caller does not wait to record the start
	 * (exec mode): nothing of it runs before it is in its cgroup.  It
	 * need not wait where it is born there, in all of it.
	 */
	if (job->cgroup.path && (gated.cgroup_fd < 0 || job->cgroup.memory ||
				 job->cgroup.cpu))
		gated.gated = 1;
	gated.gate_unborn = job->cgroup.path != NULL;
	error = para_child_spawn(&job->child, &gated);
	if (gated.cgroup_fd >= 0)
		close(gated.cgroup_fd);
	if (error < 0) {
		para_run_cgroup_leave(run, job);	/* empty: it goes */
		return -1;
	}
	job->leader = job->child.pid;
	/* what a record of it needs; exec mode keeps none */
	if (run->opts.exec_argv) {
		job->task.proc.pid = job->child.pid;
		job->task.proc.start = 0;
	} else
		para_proc_identify(&job->task.proc, job->child.pid);
	para_run_cgroup_enter(run, job, job->child.pid, job->child.in_cgroup);
	if (!spawn->gated && para_child_release(&job->child) < 0) {
		para_child_signal(&job->child, SIGKILL);
		para_child_reap(&job->child);
		para_run_cgroup_leave(run, job);
		return -1;
	}
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
	para_child_signal(&job->child, sig);
	/* past the grace: nothing of it escapes, not even a daemon */
	if (sig == SIGKILL)
		para_run_cgroup_kill(run, job);
}

static void local_reap(struct para_run *run, struct para_run_job *job)
{
	para_child_reap(&job->child);
	para_run_cgroup_leave(run, job);
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

/*
 * Under an `srun` launcher the command is a job step of a Slurm job
 * that `srun` holds.  srun turns a SIGTERM into an immediate SIGKILL
 * of the task, and a SIGKILL of srun leaves the job running: so the
 * job is signalled and cancelled through Slurm (it is found by the
 * name git-para gives it, SLURM_JOB_NAME), and srun is killed only
 * once Slurm has been told.
 */
static void srun_signal(struct para_run *run, struct para_run_job *job,
			int sig)
{
	if (sig != SIGKILL) {
		para_run_srun_cancel(run, job, "TERM");
		return;
	}
	if (job->remote.killed)
		return;
	/*
	 * The job is cancelled (Slurm sends its steps SIGTERM, then
	 * SIGKILL after its KillWait); once Slurm knows, srun may go.
	 */
	job->remote.killed = 1;
	para_run_srun_cancel(run, job, NULL);
	para_child_signal(&job->child, SIGKILL);
}

static void srun_reap(struct para_run *run, struct para_run_job *job)
{
	job->remote.killed = 0;
	local_reap(run, job);
}

const struct para_run_backend para_run_srun = {
	.name = "local",
	.start = local_start,
	.release = local_release,
	.poll = local_poll,
	.signal = srun_signal,
	.reap = srun_reap,
	.fd = local_fd,
};
