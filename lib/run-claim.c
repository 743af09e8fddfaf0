#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "du.h"
#include "error.h"
#include "run-internal.h"
#include "task-state.h"

struct run_update {
	struct para_run *run;
	struct para_run_job *job;
	para_run_update_fn fn;
};

static int apply_update(struct para_task *task, void *data)
{
	struct run_update *u = data;

	u->fn(task, u->run, u->job);
	return 0;
}

/* State updates: always load-modify-save under the task's state lock. */
int para_run_update_state(struct para_run *run, struct para_run_job *job,
			  para_run_update_fn fn)
{
	struct run_update u = { run, job, fn };

	if (run->opts.exec_argv)
		return 0;
	return para_state_update(run->repo, job->task.name, apply_update, &u);
}

static void set_string(char **to, const char *from)
{
	free(*to);
	*to = from ? para_strdup(from) : NULL;
}

static void copy_proc(struct para_proc *to, const struct para_proc *from)
{
	free(to->boot_id);
	to->pid = from->pid;
	to->start = from->start;
	to->boot_id = from->boot_id ? para_strdup(from->boot_id) : NULL;
}

void para_run_copy_cgroups(struct para_task *task,
			   const struct para_run_job *job)
{
	size_t i;

	para_strvec_dispose(&task->cgroups);
	for (i = 0; i < job->task.cgroups.nr; i++)
		para_strvec_push(&task->cgroups, job->task.cgroups.v[i]);
}

void para_run_set_running(struct para_task *task, const struct para_run *run,
			  const struct para_run_job *job)
{
	task->state = PARA_STATE_RUNNING;
	task->attempt = job->attempt;
	task->attempts = job->task.attempts;
	copy_proc(&task->proc, &job->task.proc);
	copy_proc(&task->runner, &run->self);
	para_run_copy_cgroups(task, job);
	task->started = job->last.started;
	task->finished = 0;
	task->exit_code = -1;
	task->signal = 0;
	task->slot = run->sched.jobs[job->index].slot;
	free(task->start_commit);
	task->start_commit = job->task.start_commit ?
		para_strdup(job->task.start_commit) : NULL;
	task->stop_requested = 0;
	task->stalled = 0;
	task->retrying = 0;
	free(task->agent_state);
	free(task->agent_message);
	task->agent_state = task->agent_message = NULL;
	free(task->cluster);
	free(task->job_id);
	task->cluster = job->task.cluster ? para_strdup(job->task.cluster)
					  : NULL;
	task->job_id = job->task.job_id ? para_strdup(job->task.job_id) : NULL;
	task->submitted = job->task.job_id ? job->task.submitted : 0;
	if (!task->session_id && job->task.session_id)
		task->session_id = para_strdup(job->task.session_id);
	set_string(&task->tmux_socket, job->task.tmux_socket);
	set_string(&task->tmux_pane, job->task.tmux_pane);
}

void para_run_measure_disk(const struct para_run *run,
			   struct para_run_job *job)
{
	unsigned long long bytes;

	job->disk_use = -1;
	/* kept only in the task's state, which exec mode does not write */
	if (run->opts.exec_argv)
		return;
	/* the clean proof looked at every file: no second walk */
	if (job->proven_use >= 0) {
		job->disk_use = job->proven_use;
		job->proven_use = -1;
		return;
	}
	if (job->task.worktree && !para_disk_usage(&bytes, job->task.worktree))
		job->disk_use = (long long)bytes;
	para_error_clear();
}

void para_run_set_result(struct para_task *task, const struct para_run *run,
			 const struct para_run_job *job)
{
	(void)run;
	task->state = job->last.state;
	task->attempt = job->attempt;
	task->attempts = job->task.attempts;
	task->finished = job->last.finished;
	task->exit_code = job->last.code;
	task->signal = job->last.signal;
	task->slot = -1;
	task->stalled = 0;
	task->retrying = job->retrying;
	if (job->record)
		para_strvec_push(&task->results, job->record);
	if (job->task.agent_session)
		set_string(&task->agent_session, job->task.agent_session);
	/* the attempt's window closed with it */
	set_string(&task->tmux_socket, NULL);
	set_string(&task->tmux_pane, NULL);
	/* what the worktree takes now, for status (unknown: as it was) */
	if (job->disk_use >= 0)
		task->disk_use = job->disk_use;
	/* a resolve that succeeded is over: the next run is the task's own */
	if (task->state == PARA_STATE_SUCCEEDED) {
		free(task->resolving);
		task->resolving = NULL;
	}
}

static void set_skipped(struct para_task *task, const struct para_run *run,
			const struct para_run_job *job)
{
	(void)run;
	(void)job;
	task->state = PARA_STATE_SKIPPED;
	task->slot = -1;
}

/* The lock a run holds on each task it runs. */
static int lock_running(struct para_run *run, struct para_run_job *job)
{
	char *what = para_xstrfmt("running/%s", job->task.name);
	int error = para_state_lock(&job->running, run->repo, what, 0);

	free(what);
	return error;
}

void para_run_mark_skipped(struct para_run *run, struct para_run_job *job)
{
	if (lock_running(run, job) < 0)
		return;
	para_run_update_state(run, job, set_skipped);
	para_lock_release(&job->running);
}

static void note_lost(struct para_run *run, const struct para_task *task);

/* Held by a live run other than this one? */
static int held_elsewhere(const struct para_task *task,
			  const struct para_run *run)
{
	enum para_task_state live = para_task_live_state(task);

	if (live == PARA_STATE_ORPHANED)
		return 1;
	return (live == PARA_STATE_RUNNING || live == PARA_STATE_QUEUED) &&
	       !(task->runner.pid == run->self.pid &&
		 task->runner.start == run->self.start);
}

static int set_queued(struct para_task *task, void *data)
{
	struct run_update *u = data;

	if (held_elsewhere(task, u->run))
		return 1;	/* not ours: leave it as it is */
	if (u->job->remote.adopted || u->job->remote.unknown)
		return 1;	/* its batch job is still on record */
	if (para_task_live_state(task) == PARA_STATE_LOST)
		note_lost(u->run, task);
	task->state = PARA_STATE_QUEUED;
	copy_proc(&task->runner, &u->run->self);
	u->job->queued = 1;
	return 0;
}

void para_run_mark_queued(struct para_run *run, struct para_run_job *job)
{
	struct run_update u = { run, job, NULL };

	if (!run->opts.exec_argv)
		para_state_update(run->repo, job->task.name, set_queued, &u);
}

static int set_unqueued(struct para_task *task, void *data)
{
	struct run_update *u = data;

	if (task->state != PARA_STATE_QUEUED ||
	    task->runner.pid != u->run->self.pid ||
	    task->runner.start != u->run->self.start)
		return 1;
	task->state = u->job->task.state;
	return 0;
}

void para_run_unqueue(struct para_run *run, struct para_run_job *job)
{
	struct run_update u = { run, job, NULL };

	if (job->queued && !job->tries)
		para_state_update(run->repo, job->task.name, set_unqueued, &u);
	job->queued = 0;
}

/* An attempt whose run died with it: say so in the log. */
static void note_lost(struct para_run *run, const struct para_task *task)
{
	if (task->state == PARA_STATE_RUNNING)
		para_runlog_end(run->repo, task, PARA_STATE_LOST,
				"its 'git para run' died; the end is unknown");
}

struct claim {
	struct para_run *run;
	struct para_run_job *job;
	enum para_run_claim result;
};

/* What the task's state lets us do with it, its running lock ours. */
static void judge(struct para_task *task, struct claim *c)
{
	enum para_task_state live = para_task_live_state(task);

	if (c->job->remote.adopted &&
	    (live != PARA_STATE_LOST || !task->job_id ||
	     strcmp(task->job_id, c->job->remote.id)))
		c->job->remote.adopted = 0;	/* it changed meanwhile */
	if (live == PARA_STATE_LOST && !c->job->remote.adopted &&
	    !c->job->remote.unknown)
		note_lost(c->run, task);
	/* counted on from what the last run left */
	c->job->task.attempts = task->attempts;
	if (c->job->remote.unknown) {
		c->job->note = para_xstrfmt(
			"Slurm cannot say what became of its job %s (submitted by a 'git para run' that died)",
			task->job_id);
		c->result = PARA_RUN_CLAIM_BUSY;
	} else if (c->job->remote.adopted) {
		c->result = PARA_RUN_CLAIM_OK;
	} else if (live == PARA_STATE_ORPHANED) {
		c->job->note = para_xstrfmt(
			"still running as pid %ld, orphaned by a 'git para run' that died",
			(long)task->proc.pid);
		c->result = PARA_RUN_CLAIM_BUSY;
	} else if (!c->run->opts.rerun &&
		   para_task_state_done(task->state) &&
		   !para_task_state_done(c->job->task.state)) {
		c->result = PARA_RUN_CLAIM_DONE;
	} else {
		c->result = PARA_RUN_CLAIM_OK;
	}
}

static int claim_read(struct para_run *run, struct para_run_job *job,
		      struct claim *c)
{
	struct para_task task;

	if (para_state_load(&task, run->repo, job->task.name) < 0)
		return -1;
	judge(&task, c);
	para_task_dispose(&task);
	return 0;
}

/* No two runs ever run the same task. */
enum para_run_claim para_run_claim(struct para_run *run,
				   struct para_run_job *job)
{
	struct claim c = { run, job, PARA_RUN_CLAIM_BUSY };
	int error;

	error = lock_running(run, job);
	if (error == PARA_ELOCKED) {
		job->note = para_strdup("running in another 'git para run'");
		return PARA_RUN_CLAIM_BUSY;
	}
	/*
	 * Read without the state's lock: the judgement writes nothing, and
	 * every write replaces the file whole, so that the read sees one
	 * state or the next, as a read under the lock would.
	 */
	if (error < 0 || claim_read(run, job, &c) < 0)
		job->note = para_strdup(para_error_last());
	if (c.result != PARA_RUN_CLAIM_OK)
		para_lock_release(&job->running);
	return c.result;
}
