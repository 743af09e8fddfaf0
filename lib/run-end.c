#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "changes.h"
#include "config.h"
#include "clock.h"
#include "collect-resolve.h"
#include "error.h"
#include "fs.h"
#include "run-internal.h"
#include "size.h"
#include "worktree-provision.h"
#include "command.h"
#include "worktree.h"
#include "task-state.h"
#include "testpoint.h"
#include "worktree-status.h"

void para_run_report_skipped(struct para_run *run)
{
	size_t i;

	for (i = 0; i < run->nr; i++) {
		struct para_run_job *job = &run->jobs[i];
		struct para_sched_job *sj = &run->sched.jobs[i];

		if (job->reported || sj->state != PARA_SCHED_SKIPPED)
			continue;
		job->reported = 1;
		run->failed = 1;
		para_run_say(run, job, 1,
			     "skipped: dependency '%s' did not succeed",
			     run->sched.jobs[sj->cause].name);
		/* only a task no other run holds is ours to mark */
		if (!run->opts.exec_argv)
			para_run_mark_skipped(run, job);
	}
}

void para_run_finish_job(struct para_run *run, struct para_run_job *job,
			 int ok)
{
	job->reported = 1;
	if (!ok)
		run->failed = 1;
	if (job->log >= 0)
		close(job->log);
	job->log = -1;
	para_lock_release(&job->running);
	para_sched_finish(&run->sched, job->index, ok);
	if (!ok && run->opts.halt && !run->interrupted) {
		para_sched_halt(&run->sched);
		para_run_report_held(run, "held back by --halt-on-failure");
	}
	para_run_report_skipped(run);
}

/* Hands on the whole lines gathered so far; with `all`, the rest too. */
static void flush_tagged(struct para_run *run, struct para_run_job *job,
			 int all)
{
	char *start = job->partial.buf, *nl;
	size_t used;

	while ((nl = memchr(start, '\n', job->partial.len -
			    (size_t)(start - job->partial.buf)))) {
		run->out.line(run->out.data, job->task.name, start,
			      (size_t)(nl - start));
		start = nl + 1;
	}
	used = (size_t)(start - job->partial.buf);
	if (all && used < job->partial.len) {
		run->out.line(run->out.data, job->task.name, start,
			      job->partial.len - used);
		used = job->partial.len;
	}
	memmove(job->partial.buf, start, job->partial.len - used);
	para_strbuf_setlen(&job->partial, job->partial.len - used);
}

/* Moves the task's output to its log and, whole lines only, on. */
void para_run_pump_output(struct para_run *run, struct para_run_job *job,
			  int drain)
{
	char buf[65536];
	ssize_t n;

	if (job->child.out < 0)
		return;
	do {
		n = read(job->child.out, buf, sizeof(buf));
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		if (job->checking) {
			para_strbuf_add(&job->check, buf, (size_t)n);
			continue;
		}
		if (job->verifying)
			para_strbuf_add(&job->verify_out, buf, (size_t)n);
		/* the log is best effort; the output goes on */
		if (write(job->log, buf, (size_t)n) < 0)
			job->log_failed = 1;
		if (!run->opts.tag)
			continue;
		para_strbuf_add(&job->partial, buf, (size_t)n);
		flush_tagged(run, job, 0);
	} while (drain);
	if (n == 0 || drain) {
		if (!job->checking && run->opts.tag)
			flush_tagged(run, job, 1);
		close(job->child.out);
		job->child.out = -1;
	}
}

static void fail_commit(struct para_run_job *job, const char *why)
{
	job->last.state = PARA_STATE_FAILED;
	free(job->note);
	job->note = para_strdup(why);
	job->last.note = job->note;
}

/*
 * Looks for leftovers with `git status` run as a child like the task's
 * own, so that the checks of several tasks run side by side.
 */
static int start_check(struct para_run *run, struct para_run_job *job)
{
	static const char *const argv[] = {
		"git", "status", "--porcelain", "--untracked-files=all", NULL
	};
	struct para_spawn spawn;

	spawn.argv = argv;
	spawn.env = (const char *const *)run->base_env.v;
	spawn.dir = job->task.worktree;
	spawn.out_fd = -1;
	spawn.gated = 0;
	spawn.path = NULL;
	spawn.cgroup_fd = -1;
	spawn.gate_unborn = 0;
	if (para_child_spawn(&job->child, &spawn) < 0)
		return -1;
	job->checking = 1;
	job->active = 1;
	job->deadline = 0;
	para_strbuf_reset(&job->check);
	return 0;
}

#define SUBJECT_MAX 72

/*
 * "para: <task>: <first line of the prompt>", cut on a word (or at
 * least a character) boundary to fit a subject line; without a prompt,
 * a sentence saying where the commit came from.
 */
static char *commit_message(const struct para_task *task)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	const char *p = task->prompt;
	size_t len, room, cut;

	while (p && (*p == ' ' || *p == '\t' || *p == '\n' || *p == '\r'))
		p++;
	if (!p || !*p)
		return para_xstrfmt("git para run: commit what task '%s' left uncommitted",
				    task->name);
	para_strbuf_addf(&sb, "para: %s: ", task->name);
	len = strcspn(p, "\r\n");
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t'))
		len--;
	room = sb.len < SUBJECT_MAX - 10 ? SUBJECT_MAX - sb.len : 10;
	if (len <= room) {
		para_strbuf_add(&sb, p, len);
		return para_strbuf_detach(&sb);
	}
	cut = room - 3;
	while (cut && ((unsigned char)p[cut] & 0xc0) == 0x80)
		cut--;
	len = cut;
	while (len > cut / 2 && p[len] != ' ')
		len--;
	if (p[len] != ' ')
		len = cut;
	while (len && p[len - 1] == ' ')
		len--;
	para_strbuf_add(&sb, p, len);
	para_strbuf_addstr(&sb, "...");
	return para_strbuf_detach(&sb);
}

/*
 * A resolution may leave the tree as it was (the task's side kept
 * whole): a clean worktree, but the merge still wants its commit.
 */
static int resolved_as_it_was(const struct para_run_job *job)
{
	return job->task.resolving &&
	       !para_git(NULL, NULL, job->task.worktree, "rev-parse", "-q",
			 "--verify", "MERGE_HEAD", NULL);
}

/* The check ended: commit what it found, if anything. */
static void end_check(struct para_run *run, struct para_run_job *job)
{
	char *msg;
	int committed, error;

	para_child_poll(&job->child);
	para_run_pump_output(run, job, 1);
	para_child_reap(&job->child);
	job->checking = 0;
	job->active = 0;
	if (job->cancelled) {
		job->last.state = PARA_STATE_CANCELLED;
		return;
	}
	if (!job->check.len && job->child.code == 0 && !resolved_as_it_was(job))
		return;
	msg = commit_message(&job->task);
	/* A check that listed files needs no second `git status`. */
	if (job->child.code == 0)
		error = para_taskgit_commit_all(job->task.worktree, msg,
						job->log);
	else
		error = para_taskgit_commit_leftovers(&committed,
						      job->task.worktree, msg,
						      job->log);
	if (error < 0)
		fail_commit(job, para_error_last());
	free(msg);
}

/*
 * A file git-para provisioned (copied, or made by para.setup) is hidden
 * from git in the task's worktree and never committed, unless the task
 * changed it: then it is the task's work, staged here for autoCommit,
 * with a warning (it may hold a secret).
 */
static void stage_changed_provisioned(struct para_run *run,
				      struct para_run_job *job)
{
	struct para_provision p = PARA_PROVISION_INIT;
	struct para_strvec changed = PARA_STRVEC_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;
	size_t i;

	if (para_provision_load(&p, run->repo, job->task.name) < 0 ||
	    para_provision_changed(&changed, &p, job->task.worktree) < 0)
		goto out;
	for (i = 0; i < changed.nr; i++) {
		if (para_git(&out, &out, job->task.worktree, "add", "-f",
			     "--sparse", "--", changed.v[i], NULL))
			continue;
		para_run_say(run, job, 1, "warning: the task changed the "
			     "provisioned file '%s'; it is committed as the "
			     "task's work", changed.v[i]);
	}
out:
	para_error_clear();
	para_strbuf_dispose(&out);
	para_strvec_dispose(&changed);
	para_provision_dispose(&p);
}

/* The attempt is over: record it, then try again or finish. */
static void conclude(struct para_run *run, struct para_run_job *job)
{
	struct para_attempt *a = &job->last;
	int retry, limited;

	a->finished = para_now_ms();
	para_runlog_result(job->log, a);
	if (!run->opts.exec_argv) {
		para_run_result_take(run, job);
		para_run_budget_spent(run, job);
	}
	limited = a->state == PARA_STATE_RATE_LIMITED && !run->opts.limit_stop;
	/* a task stopped for the machine's sake is no failure of its own */
	if (a->state == PARA_STATE_PREEMPTED || limited)
		job->free_tries++;
	retry = (a->state == PARA_STATE_PREEMPTED || limited ||
		 ((a->state == PARA_STATE_FAILED ||
		   a->state == PARA_STATE_TIMED_OUT ||
		   a->state == PARA_STATE_STALLED ||
		   a->state == PARA_STATE_UNVERIFIED) &&
		  job->tries - job->free_tries <= run->opts.retries)) &&
		!run->interrupted && !job->note;
	job->retrying = retry;
	para_run_measure_disk(run, job);
	if (para_run_update_state(run, job, para_run_set_result) < 0) {
		char *msg = para_xstrfmt("cannot record the result of task '%s': %s",
					 job->task.name, para_error_last());

		run->out.error(run->out.data, msg);
		free(msg);
	}
	if (retry) {
		char *then = a->state == PARA_STATE_PREEMPTED
			? para_run_preempted_why(run, job)
			: limited ? para_run_limited(run, job)
			: para_xstrfmt("; trying again (%d of %d)",
				       job->tries - job->free_tries + 1,
				       run->opts.retries + 1);

		para_run_report_attempt(run, job, then);
		free(then);
		para_sched_retry(&run->sched, job->index);
		return;
	}
	para_run_report_attempt(run, job, NULL);
	para_run_notify_end(run, job);
	para_run_finish_job(run, job, para_task_state_ok(a->state));
	if (a->state == PARA_STATE_RATE_LIMITED && run->opts.limit_stop &&
	    !run->interrupted && !run->limit_stopped) {
		run->limit_stopped = 1;
		para_sched_halt(&run->sched);
		para_run_report_held(run, "held back: a task was rate-limited "
				     "(--on-limit=stop)");
	}
}

static enum para_task_state outcome(const struct para_run_job *job)
{
	if (job->cancelled)
		return PARA_STATE_CANCELLED;
	if (job->preempted)
		return PARA_STATE_PREEMPTED;
	if (job->over_budget)
		return PARA_STATE_OVER_BUDGET;
	if (job->timed_out)
		return PARA_STATE_TIMED_OUT;
	if (job->stall_stopped)
		return PARA_STATE_STALLED;
	/* the kernel killed some of it for memory, and it did not succeed */
	if (job->oom && (job->last.code != 0 || job->last.signal))
		return PARA_STATE_OOM;
	/* EX_TEMPFAIL: the command met a rate limit */
	if (job->last.code == 75 && !job->last.signal)
		return PARA_STATE_RATE_LIMITED;
	return job->last.code == 0 ? PARA_STATE_SUCCEEDED : PARA_STATE_FAILED;
}

/* Why an attempt is oom, in its report and log. */
static void note_oom(struct para_run_job *job)
{
	char mem[32];

	para_size_format(mem, sizeof(mem), job->task.mem);
	free(job->verdict);
	job->verdict = job->task.mem > 0 ?
		para_xstrfmt("the kernel killed it for memory past its --mem %s",
			     mem) :
		para_strdup("the kernel killed it for memory");
	job->last.note = job->verdict;
}

/*
 * The child of the attempt ended: reap it, after its output and any
 * process of its group left behind.
 */
static void reap(struct para_run *run, struct para_run_job *job)
{
	job->backend->poll(run, job);
	para_run_pump_output(run, job, 1);
	if (para_run_has_strays(run)) {
		/* leftovers of the group, or escaped: hunt them down */
		job->backend->signal(run, job, SIGTERM);
		job->hunting = 1;
		job->hunt_kill_at = job->kill_at ? job->kill_at
			: para_monotonic_ms() + run->opts.grace;
	}
	job->backend->reap(run, job);
	job->active = 0;
}

static void set_proc(struct para_task *task, const struct para_run *run,
		     const struct para_run_job *job)
{
	(void)run;
	task->proc.pid = job->task.proc.pid;
	task->proc.start = job->task.proc.start;
	para_run_copy_cgroups(task, job);
}

/*
 * Runs the task's verify command in its worktree, with the task's
 * environment, its output into the log and kept for PARA_VERIFY_LOG,
 * under the attempt's own deadline.
 */
static int start_verify(struct para_run *run, struct para_run_job *job,
			const char *verify)
{
	int error;

	para_runlog_verify_header(job->log, job->task.name, job->attempt,
				  verify);
	/* what the proof measured is not what verify leaves */
	job->proven_use = -1;
	/* here, whatever ran the command: its output is read back */
	job->backend = run->backend->queues ? &para_run_local : run->backend;
	if ((error = para_run_spawn(run, job, verify, -1, 1)) < 0)
		return error;
	/* a run that dies now leaves the verify to be found */
	para_run_update_state(run, job, set_proc);
	if ((error = job->backend->release(run, job)) < 0) {
		job->backend->signal(run, job, SIGKILL);
		job->backend->reap(run, job);
		return error;
	}
	job->verifying = 1;
	job->active = 1;
	job->deadline = job->timeout_at;
	job->command_code = job->last.code;
	job->command_signal = job->last.signal;
	para_strbuf_reset(&job->verify_out);
	return 0;
}

/* A failed verify's output is the next attempt's PARA_VERIFY_LOG. */
static void keep_verify_log(struct para_run *run, struct para_run_job *job,
			    int failed)
{
	char *path = para_state_log_path(run->repo, job->task.name,
					 PARA_STATE_LOG_VERIFY);

	if (!failed)
		unlink(path);
	else if (para_write_file_atomic(path, job->verify_out.buf,
					job->verify_out.len) < 0)
		para_run_say(run, job, 1, "warning: %s", para_error_last());
	free(path);
	para_strbuf_dispose(&job->verify_out);
}

static void end_verify(struct para_run *run, struct para_run_job *job)
{
	struct para_attempt *a = &job->last;
	int code, sig;

	reap(run, job);
	job->verifying = 0;
	/* the attempt's exit code stays the command's */
	code = a->code;
	sig = a->signal;
	a->code = job->command_code;
	a->signal = job->command_signal;
	if (job->cancelled) {
		a->state = PARA_STATE_CANCELLED;
		return;
	}
	if (job->timed_out) {
		free(job->verdict);
		job->verdict = para_strdup("its verify outlived the timeout");
		a->note = job->verdict;
		a->state = PARA_STATE_TIMED_OUT;
		return;
	}
	if (job->stall_stopped) {
		a->note = job->stall_why;
		a->state = PARA_STATE_STALLED;
		return;
	}
	if (code == 0 && !sig) {
		keep_verify_log(run, job, 0);
		return;
	}
	free(job->verdict);
	job->verdict = sig ?
		para_xstrfmt("verify killed by signal %d", sig) :
		para_xstrfmt("verify failed with exit code %d", code);
	a->note = job->verdict;
	a->state = PARA_STATE_UNVERIFIED;
	keep_verify_log(run, job, 1);
}

/*
 * Whether the job's worktree is clean, proven as `git para status`
 * proves it: racily clean files (a task's worktree is as new as its
 * index) hashed once, then remembered in status's own cache, so that a
 * command that changed nothing costs no full status.  With `in_process`,
 * 0 also when it cannot be proven without `git status`.
 */
static int job_clean(struct para_run *run, struct para_run_job *job,
		     int in_process)
{
	struct para_worktree_proof proof;
	struct para_config *config = NULL;
	char *cache = NULL;
	int clean;

	if (!run->proof_known) {
		run->proof_known = 1;
		if (para_config_open(&config, run->repo) < 0)
			config = NULL;
		para_worktree_proof_init(&run->proof,
					 para_repo_commondir(run->repo),
					 config);
		para_config_free(config);
		cache = para_state_status_cache_path(run->repo, NULL, NULL);
		run->racy_cache = !para_mkdir_p(cache);
		para_error_clear();
		free(cache);
		cache = NULL;
	}
	proof = run->proof;
	if (run->racy_cache)
		proof.racy_cache = cache = para_state_status_cache_path(
			run->repo, job->task.name, "racy");
	clean = in_process ?
		para_worktree_clean_in_process(job->task.worktree, &proof,
					       &job->proven_use) :
		!para_worktree_is_dirty(job->task.worktree, &proof);
	free(cache);
	return clean;
}

/*
 * A branch with nothing of its own, committed or not, is an `empty`
 * success (changes.h says what is the task's own).
 */
static int is_empty(struct para_run *run, struct para_run_job *job)
{
	int own = 1;

	if (para_changes_task_has_own(&own, run->repo, &job->task) < 0) {
		para_error_clear();
		return 0;
	}
	return !own && (job->proven_clean || job_clean(run, job, 0));
}

/* The command succeeded and autoCommit is done: judge the work. */
static void judge_work(struct para_run *run, struct para_run_job *job)
{
	struct para_attempt *a = &job->last;
	const char *verify = job->task.verify ? job->task.verify
					      : run->opts.verify;

	if (a->state != PARA_STATE_SUCCEEDED || run->opts.exec_argv ||
	    run->interrupted) {
		conclude(run, job);
		return;
	}
	if (is_empty(run, job)) {
		a->state = PARA_STATE_EMPTY;
		conclude(run, job);
		return;
	}
	if (verify) {
		if (start_verify(run, job, verify) == 0)
			return;
		fail_commit(job, para_error_last());
	}
	conclude(run, job);
}

/* A resolve that leaves conflict markers has not resolved anything. */
static void check_resolved(struct para_run_job *job)
{
	char *file = NULL, *why;

	if (para_resolve_markers_left(&file, &job->task) <= 0)
		return;
	why = para_xstrfmt("conflict markers are left in '%s'", file);
	fail_commit(job, why);
	free(why);
	free(file);
}

void para_run_end_attempt(struct para_run *run, struct para_run_job *job)
{
	struct para_attempt *a = &job->last;

	if (job->checking) {
		end_check(run, job);
		judge_work(run, job);
		return;
	}
	if (job->verifying) {
		end_verify(run, job);
		conclude(run, job);
		return;
	}
	para_test_crash("run-before-end");
	job->proven_clean = 0;
	job->proven_use = -1;
	reap(run, job);
	a->state = outcome(job);
	if (a->state == PARA_STATE_STALLED)
		a->note = job->stall_why;
	if (a->state == PARA_STATE_OOM)
		note_oom(job);
	if (a->state == PARA_STATE_RATE_LIMITED && run->opts.exec_argv)
		a->state = PARA_STATE_FAILED;
	if (a->state == PARA_STATE_SUCCEEDED && !run->opts.exec_argv)
		check_resolved(job);
	if (a->state == PARA_STATE_SUCCEEDED && !run->opts.exec_argv &&
	    run->opts.autocommit && !run->interrupted)
		stage_changed_provisioned(run, job);
	if (a->state == PARA_STATE_SUCCEEDED && !run->opts.exec_argv &&
	    run->opts.autocommit && !run->interrupted &&
	    (!(job->proven_clean = job_clean(run, job, 1)) ||
	     resolved_as_it_was(job))) {
		job->proven_clean = 0;
		job->proven_use = -1;
		if (start_check(run, job) == 0)
			return;
		fail_commit(job, para_error_last());
	}
	judge_work(run, job);
}
