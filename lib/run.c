#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "hook.h"
#include "run-internal.h"
#include "task-context.h"
#include "run-tmux.h"
#include "task-state.h"

const struct para_run_backend *para_run_backend_find(const char *name)
{
	if (!name || !strcmp(name, "local"))
		return &para_run_local;
	if (!strcmp(name, "slurm"))
		return &para_run_slurm;
	return NULL;
}

/* --tmux: the local backend, in windows of a tmux session */
static int tmux_check(struct para_run *run, const struct para_run_options *opts)
{
	/* srun's job is stopped through Slurm, which a window cannot do */
	if (run->backend == &para_run_srun)
		return para_error_set(PARA_EINVALID, "--tmux cannot be used "
				      "with an 'srun' launcher "
				      "(para.launcher): its tasks are "
				      "stopped through Slurm");
	if (run->backend != &para_run_local)
		return para_error_set(PARA_EINVALID, "--tmux cannot be used "
				      "with the '%s' backend",
				      run->backend->name);
	if (opts->exec_argv)
		return para_error_set(PARA_EINVALID, "--tmux cannot run a "
				      "command given after '--': it runs "
				      "the tasks' own commands");
	if (para_run_tmux_check() < 0)
		return PARA_EINVALID;
	run->backend = &para_run_tmux;
	return 0;
}

int para_run_new(struct para_run **out, struct para_repo *repo,
		 const struct para_run_options *opts,
		 const struct para_run_output *output)
{
	struct para_run *run = para_calloc(1, sizeof(*run));

	run->repo = repo;
	run->opts = *opts;
	run->out = *output;
	run->sigfd = -1;
	run->backend = para_run_backend_find(opts->backend);
	if (!run->backend) {
		free(run);
		return para_error_set(PARA_EINVALID,
			"unknown backend '%s': expected 'local' or 'slurm'",
			opts->backend);
	}
	if (run->backend == &para_run_slurm && para_run_slurm_check(opts) < 0) {
		free(run);
		return PARA_EINVALID;
	}
	if (run->backend == &para_run_local &&
	    para_run_launcher_is_srun(opts->launcher)) {
		if (para_run_srun_check(opts) < 0) {
			free(run);
			return PARA_EINVALID;
		}
		run->backend = &para_run_srun;
	}
	if (opts->tmux && tmux_check(run, opts) < 0) {
		free(run);
		return PARA_EINVALID;
	}
	if (para_proc_identify(&run->self, 0) < 0) {
		free(run);
		return -1;
	}
	run->base_env = (struct para_strvec)PARA_STRVEC_INIT;
	para_run_base_environment(&run->base_env);
	para_sched_init(&run->sched, opts->jobs);
	para_run_admit_init(run);
	if (opts->exec_argv && opts->exec_argv[0])
		run->exec_path = para_child_find(opts->exec_argv[0]);
	*out = run;
	return 0;
}

void para_run_free(struct para_run *run)
{
	size_t i;

	if (!run)
		return;
	for (i = 0; i < run->nr; i++) {
		struct para_run_job *job = &run->jobs[i];

		para_lock_release(&job->running);
		if (job->log >= 0)
			close(job->log);
		para_task_dispose(&job->task);
		para_strbuf_dispose(&job->partial);
		para_strbuf_dispose(&job->check);
		para_strbuf_dispose(&job->verify_out);
		free(job->log_path);
		free(job->note);
		free(job->pwd);
		free(job->pwd_of);
		free(job->verdict);
		free(job->stall_why);
		free(job->result_path);
		free(job->record);
		para_result_dispose(&job->result);
		if (job->remote.id)
			job->backend->reap(run, job);
	}
	para_run_cgroup_finish(run);
	free(run->cluster);
	free(run->exec_path);
	para_worktree_proof_dispose(&run->proof);
	free(run->plain_word);
	free(run->plain_path);
	if (run->sigfd >= 0)
		close(run->sigfd);
	free(run->jobs);
	para_sched_dispose(&run->sched);
	para_strvec_dispose(&run->base_env);
	free(run->self.boot_id);
	free(run);
}

void para_run_add(struct para_run *run, struct para_task *task)
{
	struct para_run_job *job;

	run->jobs = para_realloc(run->jobs, (run->nr + 1) * sizeof(*job));
	job = &run->jobs[run->nr++];
	memset(job, 0, sizeof(*job));
	job->task = *task;
	job->partial = (struct para_strbuf)PARA_STRBUF_INIT;
	job->check = (struct para_strbuf)PARA_STRBUF_INIT;
	job->verify_out = (struct para_strbuf)PARA_STRBUF_INIT;
	job->running.fd = -1;
	job->disk_use = -1;
	job->proven_use = -1;
	job->log = -1;
	job->backend = run->backend;
	job->child.pidfd = job->child.out = job->child.gate = -1;
	job->index = para_sched_add(&run->sched, task->name,
				    (const char *const *)task->locks.v,
				    task->locks.nr, task->exclusive);
	/* a cluster's scheduler places the memory of its jobs itself */
	if (!run->backend->queues) {
		para_sched_set_mem(&run->sched, job->index, task->mem);
		run->mem_declared |= task->mem > 0;
	}
}

static struct para_run_job *find_job(struct para_run *run, const char *name)
{
	size_t i;

	for (i = 0; i < run->nr; i++)
		if (!strcmp(run->jobs[i].task.name, name))
			return &run->jobs[i];
	return NULL;
}

/* Has `name`, not selected, succeeded already? */
static int done_before(struct para_run *run, const char *name)
{
	struct para_task t;
	int done;

	if (para_state_load(&t, run->repo, name) < 0)
		return 0;
	done = para_task_state_done(t.state);
	para_task_dispose(&t);
	return done;
}

/* Dependencies: among the selected, or already succeeded. */
static void plan(struct para_run *run)
{
	size_t i, k;

	for (i = 0; i < run->nr; i++) {
		struct para_run_job *job = &run->jobs[i];

		for (k = 0; k < job->task.after.nr; k++) {
			const char *dep = job->task.after.v[k];
			struct para_run_job *other = find_job(run, dep);

			if (other) {
				para_sched_depend(&run->sched, i, other->index);
				continue;
			}
			if (run->opts.exec_argv || done_before(run, dep) ||
			    job->reported)
				continue;
			para_run_say(run, job, 1,
				     "not started: dependency '%s' has not succeeded",
				     dep);
			job->reported = 1;
			run->failed = 1;
			para_sched_drop(&run->sched, i);
		}
	}
	para_run_report_skipped(run);
	for (i = 0; i < run->nr; i++)
		if (run->sched.jobs[i].state == PARA_SCHED_WAITING)
			para_run_mark_queued(run, &run->jobs[i]);
}

/* A retry that never began: the task's last attempt is its end. */
static void set_not_retrying(struct para_task *task, const struct para_run *run,
			     const struct para_run_job *job)
{
	(void)run;
	(void)job;
	task->retrying = 0;
}

int para_run_execute(struct para_run *run)
{
	size_t i;
	int error;

	run->started_mono = para_monotonic_ms();
	para_state_sweep(run->repo);
	if (para_runner_init() < 0 || para_runner_signalfd(&run->sigfd) < 0)
		return -1;
	/* the queued marks too: the context is written once for them all */
	para_context_defer(run->repo, 1);
	/* one look for hooks serves all the queued marks (hook.h) */
	para_hook_turn(run->repo);
	if (!run->opts.exec_argv)
		para_run_slurm_plan(run);
	plan(run);
	error = para_run_loop(run);
	for (i = 0; i < run->nr; i++) {
		para_run_unqueue(run, &run->jobs[i]);
		if (run->jobs[i].retrying && !run->jobs[i].active) {
			run->jobs[i].retrying = 0;
			para_run_update_state(run, &run->jobs[i],
					      set_not_retrying);
		}
	}
	para_hook_turn(NULL);
	para_context_defer(run->repo, 0);
	return error;
}

int para_run_interrupted(const struct para_run *run)
{
	return run->interrupted;
}

int para_run_limit_stopped(const struct para_run *run)
{
	return run->limit_stopped;
}

int para_run_budget_reached(const struct para_run *run)
{
	return run->budget_reached;
}

int para_run_failed(const struct para_run *run)
{
	return run->failed;
}

void para_run_set_failed(struct para_run *run)
{
	run->failed = 1;
}
