#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "command.h"
#include "error.h"
#include "error-git.h"
#include "prune-attic.h"
#include "run-internal.h"
#include "task-context.h"
#include "task-env.h"
#include "task-state.h"
#include "testpoint.h"
#include "worktree.h"
#include "worktree-status.h"

/* Our environment for the tasks, without what would mislead git in them. */
void para_run_base_environment(struct para_strvec *out)
{
	para_task_env_base(out);
}

/* The header line of an attempt, before anything of it reaches the log. */
static void write_header(const struct para_run *run,
			 const struct para_run_job *job)
{
	struct para_strvec argv = PARA_STRVEC_INIT;
	struct para_strbuf what = PARA_STRBUF_INIT;
	size_t i;

	if (run->opts.exec_argv) {
		para_run_build_argv(&argv, run, job, NULL);
		for (i = 0; i < argv.nr; i++)
			para_strbuf_addf(&what, "%s%s", i ? " " : "",
					 argv.v[i]);
	}
	para_runlog_header(job->log, job->task.name, &job->last,
			   run->opts.exec_argv ? what.buf
					       : para_run_task_command(run, job),
			   run->sched.jobs[job->index].slot);
	para_strvec_dispose(&argv);
	para_strbuf_dispose(&what);
}

static int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Fails the attempt before anything ran. */
static void fail_early(struct para_run_job *job, const char *why)
{
	job->last.number = job->attempt;
	job->last.state = PARA_STATE_FAILED;
	job->last.code = -1;
	job->last.signal = 0;
	job->last.finished = para_now_ms();
	free(job->note);
	job->note = para_strdup(why);
	job->last.note = job->note;
}

static int merge_dependencies(struct para_run *run, struct para_run_job *job)
{
	struct para_strvec branches = PARA_STRVEC_INIT;
	size_t i;
	int error;

	for (i = 0; i < job->task.after.nr; i++) {
		struct para_task dep;

		if (para_state_load(&dep, run->repo, job->task.after.v[i]) < 0) {
			para_strvec_dispose(&branches);
			return -1;
		}
		para_strvec_push(&branches, dep.branch);
		para_task_dispose(&dep);
	}
	error = para_taskgit_merge(job->task.worktree, &branches, job->log);
	para_strvec_dispose(&branches);
	return error;
}

/* Where the attempt's command begins: the tip of the task's branch. */
static void note_start_commit(struct para_run *run, struct para_run_job *job)
{
	char *ref = para_xstrfmt("refs/heads/%s", job->task.branch);
	char hex[GIT_OID_HEXSZ + 1];
	git_oid oid;

	free(job->task.start_commit);
	job->task.start_commit = NULL;
	if (!git_reference_name_to_id(&oid, run->repo->git, ref))
		job->task.start_commit = para_strdup(git_oid_tostr(hex,
							sizeof(hex), &oid));
	git_error_clear();
	free(ref);
}

/*
 * Recorded before the command may run: a crash never hides it, and the
 * shared context the command may read at once shows it running.
 */
static int record_running(struct para_run *run, struct para_run_job *job)
{
	int error;

	if ((error = para_test_fail("run-running")) < 0 ||
	    (error = para_run_update_state(run, job,
					   para_run_set_running)) < 0)
		goto fail;
	para_context_flush(run->repo);
	para_test_crash("run-before-release");
	if ((error = job->backend->release(run, job)) < 0)
		goto fail;
	para_test_crash("run-after-release");
	return 0;
fail:
	job->backend->signal(run, job, SIGKILL);
	job->backend->reap(run, job);
	return error;
}

static int spawn_attempt(struct para_run *run, struct para_run_job *job)
{
	/*
	 * The attempt starts now, for its record and for its timeout
	 * alike: what follows (the state written and synced before the
	 * command may go on) counts against the timeout, so that the
	 * duration recorded for a timed-out attempt is its timeout.
	 */
	job->last.started = para_now_ms();
	job->started_mono = para_monotonic_ms();
	if (para_run_spawn(run, job, NULL, run->opts.tag ? -1 : job->log,
			   !run->opts.exec_argv) < 0)
		return -1;
	if (!run->opts.exec_argv)
		return record_running(run, job);
	return 0;
}

/*
 * Is this attempt a retry, of one that did not succeed?  In this run,
 * or after a run whose last attempt failed (a task still recorded
 * `running` when claimed is one whose run died: lost).
 */
static int is_retry(const struct para_run_job *job)
{
	if (job->tries > 1)
		return 1;
	switch (job->task.state) {
	case PARA_STATE_FAILED:
	case PARA_STATE_TIMED_OUT:
	case PARA_STATE_STALLED:
	case PARA_STATE_UNVERIFIED:
	case PARA_STATE_CANCELLED:
	case PARA_STATE_RUNNING:
		return 1;
	default:
		return 0;
	}
}

static int branch_tip(char *hex, struct para_run *run,
		      const struct para_run_job *job)
{
	char *ref = para_xstrfmt("refs/heads/%s", job->task.branch);
	git_oid oid;
	int error = git_reference_name_to_id(&oid, run->repo->git, ref);

	if (error < 0)
		error = para_error_git(PARA_ERROR, "cannot read branch '%s'",
				       job->task.branch);
	else
		git_oid_tostr(hex, GIT_OID_HEXSZ + 1, &oid);
	free(ref);
	return error;
}

/*
 * --retry-fresh: what the failed attempt left, committed or not, goes
 * to the attic, and the worktree back to where that attempt began.
 */
static int fresh_start(struct para_run *run, struct para_run_job *job)
{
	const char *start = job->task.start_commit;
	const char *wt = job->task.worktree;
	struct para_strbuf err = PARA_STRBUF_INIT;
	char tip[GIT_OID_HEXSZ + 1], *slot = NULL;
	int error = 0, failed = job->task.attempts - 1;

	if (!run->opts.retry_fresh || run->opts.exec_argv || !start ||
	    !is_retry(job))
		return 0;
	/* the conflicts `git para resolve` left are the task, not its work */
	if (!para_git(NULL, NULL, wt, "rev-parse", "-q", "--verify",
		      "MERGE_HEAD", NULL)) {
		para_runlog_note(job->log, "a merge is in progress: attempt "
				 "%d goes on from what it left", job->attempt);
		return 0;
	}
	if ((para_worktree_is_dirty(wt, NULL) &&
	     (error = para_prune_attic_commit(wt, job->task.name,
						  NULL)) < 0) ||
	    (error = branch_tip(tip, run, job)) < 0 || !strcmp(tip, start))
		goto out;
	if ((error = para_prune_attic_attempt_slot(&slot, run->repo,
						   job->task.name,
						   failed)) < 0 ||
	    (error = para_prune_attic_keep(run->repo, slot, tip,
						&job->task)) < 0)
		goto out;
	if (para_git(NULL, &err, wt, "reset", "-q", "--hard", start, NULL)) {
		para_strbuf_rtrim(&err);
		error = para_error_set(PARA_ERROR, "cannot reset to %.12s: %s",
				       start, err.buf);
		goto out;
	}
	para_runlog_note(job->log, "attempt %d kept as refs/para/attic/%s; "
			 "starting again from %.12s", failed, slot, start);
out:
	para_strbuf_dispose(&err);
	free(slot);
	return error;
}

static int start_attempt(struct para_run *run, struct para_run_job *job)
{
	job->backend = run->backend;
	/* numbered within this run; the lifetime count is kept apart */
	job->attempt = ++job->tries;
	job->task.attempt = job->attempt;
	job->task.attempts++;
	memset(&job->last, 0, sizeof(job->last));
	job->last.number = job->attempt;
	job->last.started = para_now_ms();
	job->last.code = -1;
	job->timed_out = job->cancelled = job->preempted = 0;
	job->retrying = 0;
	para_run_idle_start(job);
	para_run_result_reset(job);
	job->kill_at = 0;
	/* a retry, or a resolve, goes on in the agent's session */
	job->resuming = run->opts.resume_command && !run->opts.exec_argv &&
			(is_retry(job) || job->task.resolving);
	if (!run->opts.exec_argv && para_task_session_ensure(&job->task) < 0) {
		write_header(run, job);
		fail_early(job, para_error_last());
		return -1;
	}
	write_header(run, job);
	if (!is_dir(job->task.worktree)) {
		char *why = para_xstrfmt("worktree '%s' is missing",
					 job->task.worktree);

		fail_early(job, why);
		free(why);
		return -1;
	}
	if (fresh_start(run, job) < 0 ||
	    (!run->opts.exec_argv && job->task.after.nr &&
	     merge_dependencies(run, job) < 0)) {
		fail_early(job, para_error_last());
		return -1;
	}
	if (!run->opts.exec_argv)
		note_start_commit(run, job);
	if (spawn_attempt(run, job) < 0) {
		fail_early(job, para_error_last());
		return -1;
	}
	job->active = 1;
	job->deadline = run->opts.timeout && !job->backend->queues ?
			job->started_mono + run->opts.timeout : 0;
	job->timeout_at = job->deadline;
	return 0;
}

/* A job that will not start: say why, and skip what depends on it. */
static void refuse(struct para_run *run, struct para_run_job *job,
		   const char *why)
{
	para_run_say(run, job, 1, "not started: %s", why);
	job->reported = 1;
	run->failed = 1;
	para_sched_drop(&run->sched, job->index);
	para_run_report_skipped(run);
}

/* Returns 0 when the job is ours to run now. */
static int take(struct para_run *run, struct para_run_job *job)
{
	switch (para_run_claim(run, job)) {
	case PARA_RUN_CLAIM_DONE:
		para_run_say(run, job, 0,
			     "succeeded in another 'git para run'");
		para_sched_start(&run->sched, job->index);
		para_run_finish_job(run, job, 1);
		return -1;
	case PARA_RUN_CLAIM_BUSY:
		refuse(run, job, job->note);
		return -1;
	default:
		return 0;
	}
}

static int open_log(struct para_run *run, struct para_run_job *job)
{
	if (para_runlog_path(&job->log_path, run->repo, job->task.name,
			     !!run->opts.exec_argv) < 0 ||
	    para_runlog_open(&job->log, job->log_path) < 0) {
		refuse(run, job, para_error_last());
		para_lock_release(&job->running);
		return -1;
	}
	return 0;
}

/* A job the scheduler handed out: claim it, then start it. */
static void start_job(struct para_run *run, struct para_run_job *job)
{
	int first = !job->tries, error;

	if (first && !run->opts.exec_argv && take(run, job) < 0)
		return;
	if (first && open_log(run, job) < 0)
		return;
	para_sched_start(&run->sched, job->index);
	/* a batch job a run that died left is taken over, not run again */
	error = job->remote.adopted ? para_run_slurm_adopt(run, job)
				    : start_attempt(run, job);
	if (error < 0) {
		para_runlog_result(job->log, &job->last);
		para_run_measure_disk(run, job);
		para_run_update_state(run, job, para_run_set_result);
		para_run_report_attempt(run, job, NULL);
		para_run_notify_end(run, job);
		para_run_finish_job(run, job, 0);
	}
}

void para_run_start_ready(struct para_run *run)
{
	size_t i;

	while (!run->interrupted && !para_run_budget_check(run) &&
	       para_sched_next(&i, &run->sched)) {
		start_job(run, &run->jobs[i]);
		para_run_admit_started(run);
	}
	if (!para_sched_stuck(&run->sched))
		return;
	for (i = 0; i < run->nr; i++) {
		if (run->sched.jobs[i].state != PARA_SCHED_WAITING)
			continue;
		para_run_say(run, &run->jobs[i], 1,
			     "not started: it waits on itself (dependency cycle)");
		run->jobs[i].reported = 1;
		run->failed = 1;
		para_sched_drop(&run->sched, i);
	}
}
