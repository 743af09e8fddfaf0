/*
 * git-para-run: run the tasks' commands in parallel, in dependency
 * order, each in its own worktree and process group, and record what
 * happened so that nothing is run twice and nothing is left behind.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/signalfd.h>
#include <sys/stat.h>
#include <unistd.h>

#include "config.h"
#include "duration.h"
#include "error.h"
#include "lock.h"
#include "parse-options.h"
#include "proc.h"
#include "repo.h"
#include "runlog.h"
#include "runner.h"
#include "scheduler.h"
#include "state.h"
#include "taskgit.h"
#include "usage.h"

extern char **environ;

static const char *const run_usage[] = {
	"git para run [<options>] [<task>...]",
	"git para run [<options>] [<task>...] -- <command> [<arg>...]",
	NULL
};

/* One selected task and what this run does with it. */
struct job {
	struct para_task task;		/* as found when selected */
	size_t index;			/* in the scheduler */
	struct para_lock running;	/* held while the task is ours */
	struct para_child child;
	int active;			/* child is running (not yet reaped) */
	int checking;			/* child is the leftovers check */
	struct para_strbuf check;	/* its output */
	int attempt;			/* number of the current attempt */
	int tries;			/* attempts made by this run */
	struct para_attempt last;	/* outcome of the last attempt */
	long long started_mono;
	long long deadline;		/* timeout, monotonic ms, 0 for none */
	long long kill_at;		/* SIGKILL due, monotonic ms, 0 for none */
	int timed_out, cancelled;
	int log;
	int log_failed;
	char *log_path;
	struct para_strbuf partial;	/* --tag: an unfinished line */
	pid_t leader;			/* leader of the last attempt */
	int hunting;			/* its escaped processes are killed */
	long long hunt_kill_at;
	char *note;			/* why it did not run or failed */
	int reported;
};

struct run {
	struct para_repo *repo;
	struct para_config *config;
	struct job *jobs;
	size_t nr;
	struct para_sched sched;
	int max_jobs, retries, halt, rerun, tag, quiet, autocommit;
	long long timeout, grace;
	const char *command;		/* para.command */
	const char *launcher;		/* para.launcher */
	const char **exec_argv;		/* `-- <command>`, or NULL */
	struct para_strvec base_env;
	struct para_proc self;
	int sigfd;
	int interrupted;
	long long global_kill_at;
	int progress;			/* draw the progress line */
	int progress_shown;
	int failed;			/* some task did not succeed */
};

/* Output. */

static void clear_progress(struct run *run)
{
	if (run->progress_shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		run->progress_shown = 0;
	}
}

static size_t terminal_width(void)
{
	struct winsize ws;

	if (!ioctl(2, TIOCGWINSZ, &ws) && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
}

static void draw_progress(struct run *run)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	size_t i, done = 0, shown = 0, width = terminal_width();
	char took[32];
	long long oldest = 0;

	if (!run->progress)
		return;
	for (i = 0; i < run->nr; i++) {
		enum para_sched_state s = run->sched.jobs[i].state;

		done += s != PARA_SCHED_WAITING && s != PARA_SCHED_RUNNING;
	}
	para_strbuf_addf(&sb, "[%zu/%zu] running: ", done, run->nr);
	for (i = 0; i < run->nr; i++) {
		struct job *job = &run->jobs[i];

		if (!job->active)
			continue;
		para_strbuf_addf(&sb, "%s%s", shown++ ? ", " : "",
				 job->task.name);
		if (!oldest || job->started_mono < oldest)
			oldest = job->started_mono;
	}
	if (!shown)
		para_strbuf_addstr(&sb, "-");
	para_duration_format(took, sizeof(took),
			     oldest ? para_monotonic_ms() - oldest : 0);
	para_strbuf_addf(&sb, " (%s)", took);
	if (sb.len >= width) {
		para_strbuf_setlen(&sb, width - 4);
		para_strbuf_addstr(&sb, "...");
	}
	fprintf(stderr, "\r%s\033[K", sb.buf);
	fflush(stderr);
	run->progress_shown = 1;
	para_strbuf_dispose(&sb);
}

static void say(struct run *run, int failure, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

static void say(struct run *run, int failure, const char *fmt, ...)
{
	va_list ap;

	if (run->quiet && !failure)
		return;
	clear_progress(run);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

static void report_attempt(struct run *run, struct job *job, const char *then)
{
	char what[512], took[32];
	const struct para_attempt *a = &job->last;

	para_attempt_describe(what, sizeof(what), a);
	para_duration_format(took, sizeof(took), a->finished - a->started);
	say(run, a->state != PARA_STATE_SUCCEEDED, "%s: %s in %s (log: %s)%s",
	    job->task.name, what, took, job->log_path, then ? then : "");
}

/* State updates, always load-modify-save under the task's state lock. */

typedef void (*update_fn)(struct para_task *task, struct job *job);

static int update_state(struct run *run, struct job *job, update_fn fn)
{
	struct para_lock lock = PARA_LOCK_INIT;
	struct para_task task;
	int error;

	if (run->exec_argv)
		return 0;
	if ((error = para_state_lock(&lock, run->repo, job->task.name,
				     PARA_LOCK_WAIT)) < 0)
		return error;
	if ((error = para_state_load(&task, run->repo, job->task.name)) == 0) {
		fn(&task, job);
		error = para_state_save(run->repo, &task);
		para_task_dispose(&task);
	}
	para_lock_release(&lock);
	return error;
}

static void copy_proc(struct para_proc *to, const struct para_proc *from)
{
	free(to->boot_id);
	to->pid = from->pid;
	to->start = from->start;
	to->boot_id = from->boot_id ? para_strdup(from->boot_id) : NULL;
}

static struct run *the_run;

static void set_running(struct para_task *task, struct job *job)
{
	task->state = PARA_STATE_RUNNING;
	task->attempt = job->attempt;
	copy_proc(&task->proc, &job->task.proc);
	copy_proc(&task->runner, &the_run->self);
	task->started = job->last.started;
	task->finished = 0;
	task->exit_code = -1;
	task->signal = 0;
	task->slot = the_run->sched.jobs[job->index].slot;
}

static void set_result(struct para_task *task, struct job *job)
{
	task->state = job->last.state;
	task->attempt = job->attempt;
	task->finished = job->last.finished;
	task->exit_code = job->last.code;
	task->signal = job->last.signal;
	task->slot = -1;
}

static void set_skipped(struct para_task *task, struct job *job)
{
	(void)job;
	task->state = PARA_STATE_SKIPPED;
	task->slot = -1;
}

/* Claiming a task: no two runs ever run the same task. */

enum claim { CLAIM_OK, CLAIM_DONE, CLAIM_BUSY };

/* An attempt whose run died with it: say so in the log. */
static void note_lost(struct run *run, const struct para_task *task)
{
	struct para_attempt a;
	char *path = NULL;
	int fd;

	if (task->state != PARA_STATE_RUNNING ||
	    para_runlog_path(&path, run->repo, task->name, 0) < 0 ||
	    para_runlog_open(&fd, path) < 0) {
		free(path);
		return;
	}
	memset(&a, 0, sizeof(a));
	a.number = task->attempt;
	a.state = PARA_STATE_LOST;
	a.code = -1;
	a.started = task->started;
	a.finished = para_now_ms();
	a.note = "its 'git para run' died; the end is unknown";
	para_runlog_result(fd, &a);
	close(fd);
	free(path);
}

static enum claim claim(struct run *run, struct job *job)
{
	struct para_lock lock = PARA_LOCK_INIT;
	struct para_task task;
	char *what = para_xstrfmt("running/%s", job->task.name);
	enum claim result = CLAIM_BUSY;
	int error;

	error = para_state_lock(&job->running, run->repo, what, 0);
	free(what);
	if (error == PARA_ELOCKED) {
		job->note = para_strdup("running in another 'git para run'");
		return CLAIM_BUSY;
	}
	if (error < 0 || para_state_lock(&lock, run->repo, job->task.name,
					 PARA_LOCK_WAIT) < 0) {
		job->note = para_strdup(para_error_last());
		para_lock_release(&job->running);
		return CLAIM_BUSY;
	}
	if (para_state_load(&task, run->repo, job->task.name) < 0) {
		job->note = para_strdup(para_error_last());
		goto out;
	}
	if (para_task_live_state(&task) == PARA_STATE_LOST)
		note_lost(run, &task);
	if (para_task_live_state(&task) == PARA_STATE_ORPHANED)
		job->note = para_xstrfmt(
			"still running as pid %ld, orphaned by a 'git para run' that died",
			(long)task.proc.pid);
	else if (!run->rerun && para_task_state_done(task.state) &&
		 !para_task_state_done(job->task.state))
		result = CLAIM_DONE;
	else
		result = CLAIM_OK;
	para_task_dispose(&task);
out:
	para_lock_release(&lock);
	if (result != CLAIM_OK)
		para_lock_release(&job->running);
	return result;
}

/* Starting an attempt. */

static void build_env(struct para_strvec *env, struct run *run,
		      struct job *job)
{
	struct para_strbuf domain = PARA_STRBUF_INIT;
	const struct para_task *t = &job->task;
	size_t i;

	para_strvec_pushv(env, (const char *const *)run->base_env.v);
	for (i = 0; i < t->paths.nr; i++)
		para_strbuf_addf(&domain, "%s\n", t->paths.v[i]);
	para_strvec_pushf(env, "PARA_TASK=%s", t->name);
	para_strvec_pushf(env, "PARA_ISSUE=%s", t->issue ? t->issue : "");
	para_strvec_pushf(env, "PARA_PROMPT=%s", t->prompt ? t->prompt : "");
	para_strvec_pushf(env, "PARA_BRANCH=%s", t->branch);
	para_strvec_pushf(env, "PARA_BASE=%s", t->base);
	para_strvec_pushf(env, "PARA_WORKTREE=%s", t->worktree);
	para_strvec_pushf(env, "PARA_DOMAIN=%s", domain.buf);
	para_strvec_pushf(env, "PARA_SLOT=%d",
			  run->sched.jobs[job->index].slot);
	para_strvec_pushf(env, "PARA_ATTEMPT=%d", job->attempt);
	para_strvec_pushf(env, "PARA_LOG=%s", job->log_path);
	para_strbuf_dispose(&domain);
}

static const char *task_command(struct run *run, const struct job *job)
{
	return job->task.command ? job->task.command : run->command;
}

static void build_argv(struct para_strvec *argv, struct run *run,
		       const struct job *job)
{
	if (run->launcher) {
		/* the launcher is a shell prefix: `srun --ntasks=1 --` */
		para_strvec_push(argv, "/bin/sh");
		para_strvec_push(argv, "-c");
		para_strvec_pushf(argv, "%s \"$@\"", run->launcher);
		para_strvec_push(argv, "para-launcher");
	}
	if (run->exec_argv) {
		para_strvec_pushv(argv, run->exec_argv);
	} else {
		para_strvec_push(argv, "/bin/sh");
		para_strvec_push(argv, "-c");
		para_strvec_push(argv, task_command(run, job));
	}
}

static void describe_argv(struct para_strbuf *out, const struct para_strvec *argv)
{
	size_t i;

	for (i = 0; i < argv->nr; i++)
		para_strbuf_addf(out, "%s%s", i ? " " : "", argv->v[i]);
}

static int is_dir(const char *path)
{
	struct stat st;

	return !stat(path, &st) && S_ISDIR(st.st_mode);
}

/* Fails the attempt before anything ran. */
static void fail_early(struct job *job, const char *why)
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

static int merge_dependencies(struct run *run, struct job *job)
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

static int spawn_attempt(struct run *run, struct job *job)
{
	struct para_strvec argv = PARA_STRVEC_INIT, env = PARA_STRVEC_INIT;
	struct para_strbuf what = PARA_STRBUF_INIT;
	struct para_spawn spawn;
	int error;

	build_argv(&argv, run, job);
	build_env(&env, run, job);
	describe_argv(&what, &argv);
	para_runlog_header(job->log, job->task.name, &job->last,
			   run->exec_argv ? what.buf : task_command(run, job),
			   run->sched.jobs[job->index].slot);
	spawn.argv = (const char *const *)argv.v;
	spawn.env = (const char *const *)env.v;
	spawn.dir = job->task.worktree;
	spawn.out_fd = run->tag ? -1 : job->log;
	spawn.gated = !run->exec_argv;
	error = para_child_spawn(&job->child, &spawn);
	para_strvec_dispose(&argv);
	para_strvec_dispose(&env);
	para_strbuf_dispose(&what);
	if (error < 0)
		return error;
	job->leader = job->child.pid;
	if (!run->exec_argv) {
		/* recorded before the command may run: a crash never hides it */
		para_proc_identify(&job->task.proc, job->child.pid);
		if ((error = update_state(run, job, set_running)) < 0 ||
		    (error = para_child_release(&job->child)) < 0) {
			para_child_signal(&job->child, SIGKILL);
			para_child_reap(&job->child);
			return error;
		}
	}
	return 0;
}

static int start_attempt(struct run *run, struct job *job)
{
	job->attempt = run->exec_argv ? job->tries + 1 : job->task.attempt + 1;
	job->task.attempt = job->attempt;
	job->tries++;
	memset(&job->last, 0, sizeof(job->last));
	job->last.number = job->attempt;
	job->last.started = para_now_ms();
	job->last.code = -1;
	job->timed_out = job->cancelled = 0;
	job->kill_at = 0;
	if (!is_dir(job->task.worktree)) {
		char *why = para_xstrfmt("worktree '%s' is missing",
					 job->task.worktree);

		fail_early(job, why);
		free(why);
		return -1;
	}
	if (!run->exec_argv && job->task.after.nr &&
	    merge_dependencies(run, job) < 0) {
		fail_early(job, para_error_last());
		return -1;
	}
	if (spawn_attempt(run, job) < 0) {
		fail_early(job, para_error_last());
		return -1;
	}
	job->active = 1;
	job->started_mono = para_monotonic_ms();
	job->deadline = run->timeout ? job->started_mono + run->timeout : 0;
	return 0;
}

/* Ending an attempt. */

static void report_skipped(struct run *run)
{
	size_t i;

	for (i = 0; i < run->nr; i++) {
		struct job *job = &run->jobs[i];
		struct para_sched_job *sj = &run->sched.jobs[i];
		char *what;

		if (job->reported || sj->state != PARA_SCHED_SKIPPED)
			continue;
		job->reported = 1;
		run->failed = 1;
		say(run, 1, "%s: skipped: dependency '%s' did not succeed",
		    job->task.name, run->sched.jobs[sj->cause].name);
		if (run->exec_argv)
			continue;
		/* only a task no other run holds is ours to mark */
		what = para_xstrfmt("running/%s", job->task.name);
		if (!para_state_lock(&job->running, run->repo, what, 0)) {
			update_state(run, job, set_skipped);
			para_lock_release(&job->running);
		}
		free(what);
	}
}

static void finish_job(struct run *run, struct job *job, int ok)
{
	job->reported = 1;
	if (!ok)
		run->failed = 1;
	if (job->log >= 0)
		close(job->log);
	job->log = -1;
	para_lock_release(&job->running);
	para_sched_finish(&run->sched, job->index, ok);
	if (!ok && run->halt && !run->interrupted)
		para_sched_halt(&run->sched);
	report_skipped(run);
}

static void flush_tagged(struct run *run, struct job *job, int all)
{
	char *start = job->partial.buf, *nl;
	size_t used;

	while ((nl = memchr(start, '\n', job->partial.len -
			    (size_t)(start - job->partial.buf)))) {
		clear_progress(run);
		printf("[%s] %.*s\n", job->task.name, (int)(nl - start), start);
		start = nl + 1;
	}
	used = (size_t)(start - job->partial.buf);
	if (all && used < job->partial.len) {
		clear_progress(run);
		printf("[%s] %s\n", job->task.name, start);
		used = job->partial.len;
	}
	fflush(stdout);
	memmove(job->partial.buf, start, job->partial.len - used);
	para_strbuf_setlen(&job->partial, job->partial.len - used);
}

/* Moves the task's output to its log and, whole lines only, to stdout. */
static void pump_output(struct run *run, struct job *job, int drain)
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
		/* the log is best effort; the output goes on */
		if (write(job->log, buf, (size_t)n) < 0)
			job->log_failed = 1;
		para_strbuf_add(&job->partial, buf, (size_t)n);
		flush_tagged(run, job, 0);
	} while (drain);
	if (n == 0 || drain) {
		if (!job->checking)
			flush_tagged(run, job, 1);
		close(job->child.out);
		job->child.out = -1;
	}
}

/* Does any process outside the running leaders remain? */
static int has_strays(struct run *run)
{
	pid_t *kids;
	size_t nr, i, k;
	int strays = 0;

	if (para_runner_children(&kids, &nr) < 0)
		return 1;
	for (i = 0; i < nr && !strays; i++) {
		int leader = 0;

		for (k = 0; k < run->nr; k++)
			leader |= run->jobs[k].active &&
				  run->jobs[k].child.pid == kids[i];
		strays = !leader;
	}
	free(kids);
	return strays;
}

static void fail_commit(struct job *job, const char *why)
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
static int start_check(struct run *run, struct job *job)
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
	if (para_child_spawn(&job->child, &spawn) < 0)
		return -1;
	job->checking = 1;
	job->active = 1;
	job->deadline = 0;
	para_strbuf_reset(&job->check);
	return 0;
}

/* The check ended: commit what it found, if anything. */
static void end_check(struct run *run, struct job *job)
{
	char *msg;
	int committed;

	para_child_poll(&job->child);
	pump_output(run, job, 1);
	para_child_reap(&job->child);
	job->checking = 0;
	job->active = 0;
	if (job->cancelled) {
		job->last.state = PARA_STATE_CANCELLED;
		return;
	}
	if (!job->check.len && job->child.code == 0)
		return;
	msg = para_xstrfmt("git para run: commit what task '%s' left uncommitted",
			   job->task.name);
	if (para_taskgit_commit_leftovers(&committed, job->task.worktree, msg,
					  job->log) < 0)
		fail_commit(job, para_error_last());
	free(msg);
}

/* The attempt is over: record it, then try again or finish. */
static void conclude(struct run *run, struct job *job)
{
	struct para_attempt *a = &job->last;
	int retry;

	a->finished = para_now_ms();
	para_runlog_result(job->log, a);
	retry = (a->state == PARA_STATE_FAILED ||
		 a->state == PARA_STATE_TIMED_OUT) &&
		job->tries <= run->retries && !run->interrupted &&
		!job->note;
	if (update_state(run, job, set_result) < 0)
		error("cannot record the result of task '%s': %s",
		      job->task.name, para_error_last());
	if (retry) {
		char *then = para_xstrfmt("; trying again (%d of %d)",
					  job->tries + 1, run->retries + 1);

		report_attempt(run, job, then);
		free(then);
		para_sched_retry(&run->sched, job->index);
		return;
	}
	report_attempt(run, job, NULL);
	finish_job(run, job, a->state == PARA_STATE_SUCCEEDED);
}

static void end_attempt(struct run *run, struct job *job)
{
	struct para_attempt *a = &job->last;

	if (job->checking) {
		end_check(run, job);
		conclude(run, job);
		return;
	}
	para_child_poll(&job->child);
	if (run->tag)
		pump_output(run, job, 1);
	if (has_strays(run)) {
		/* leftovers of the group, or escaped: hunt them down */
		para_child_signal(&job->child, SIGTERM);
		job->hunting = 1;
		job->hunt_kill_at = job->kill_at ? job->kill_at
			: para_monotonic_ms() + run->grace;
	}
	a->code = job->child.code;
	a->signal = job->child.signal;
	para_child_reap(&job->child);
	job->active = 0;
	if (job->cancelled)
		a->state = PARA_STATE_CANCELLED;
	else if (job->timed_out)
		a->state = PARA_STATE_TIMED_OUT;
	else if (a->code == 0)
		a->state = PARA_STATE_SUCCEEDED;
	else
		a->state = PARA_STATE_FAILED;
	if (a->state == PARA_STATE_SUCCEEDED && !run->exec_argv &&
	    run->autocommit && !run->interrupted) {
		if (start_check(run, job) == 0)
			return;
		fail_commit(job, para_error_last());
	}
	conclude(run, job);
}

/* A job the scheduler handed out: claim it, then start it. */
static void start_job(struct run *run, struct job *job)
{
	int first = !job->tries;

	if (first && !run->exec_argv) {
		enum claim c = claim(run, job);

		if (c == CLAIM_DONE) {
			say(run, 0, "%s: succeeded in another 'git para run'",
			    job->task.name);
			para_sched_start(&run->sched, job->index);
			finish_job(run, job, 1);
			return;
		}
		if (c == CLAIM_BUSY) {
			say(run, 1, "%s: not started: %s", job->task.name,
			    job->note);
			job->reported = 1;
			run->failed = 1;
			para_sched_drop(&run->sched, job->index);
			report_skipped(run);
			return;
		}
	}
	if (first && (para_runlog_path(&job->log_path, run->repo,
				       job->task.name, !!run->exec_argv) < 0 ||
		      para_runlog_open(&job->log, job->log_path) < 0)) {
		say(run, 1, "%s: not started: %s", job->task.name,
		    para_error_last());
		para_lock_release(&job->running);
		job->reported = 1;
		run->failed = 1;
		para_sched_drop(&run->sched, job->index);
		report_skipped(run);
		return;
	}
	para_sched_start(&run->sched, job->index);
	if (start_attempt(run, job) < 0) {
		para_runlog_header(job->log, job->task.name, &job->last,
				   task_command(run, job), -1);
		para_runlog_result(job->log, &job->last);
		update_state(run, job, set_result);
		report_attempt(run, job, NULL);
		finish_job(run, job, 0);
	}
}

static void start_ready(struct run *run)
{
	size_t i;

	while (!run->interrupted && para_sched_next(&i, &run->sched))
		start_job(run, &run->jobs[i]);
	if (para_sched_stuck(&run->sched)) {
		for (i = 0; i < run->nr; i++) {
			if (run->sched.jobs[i].state != PARA_SCHED_WAITING)
				continue;
			say(run, 1, "%s: not started: it waits on itself (dependency cycle)",
			    run->jobs[i].task.name);
			run->jobs[i].reported = 1;
			run->failed = 1;
			para_sched_drop(&run->sched, i);
		}
	}
}

/* Escaped processes: attribute each to its task, kill those of ended ones. */

static struct job *owner_of(struct run *run, pid_t pid)
{
	pid_t sid = getsid(pid);
	char *name;
	size_t i;

	for (i = 0; i < run->nr; i++)
		if (sid > 0 && run->jobs[i].leader == sid)
			return &run->jobs[i];
	name = para_proc_getenv(pid, "PARA_TASK");
	for (i = 0; name && i < run->nr; i++)
		if (!strcmp(run->jobs[i].task.name, name)) {
			free(name);
			return &run->jobs[i];
		}
	free(name);
	return NULL;
}

static void hunt(struct run *run)
{
	long long now = para_monotonic_ms();
	pid_t *kids;
	size_t nr, i, k;
	int *found = para_calloc(run->nr + 1, sizeof(int));

	if (para_runner_children(&kids, &nr) < 0) {
		free(found);
		return;
	}
	for (i = 0; i < nr; i++) {
		struct job *owner;
		int leader = 0, sig = 0;

		for (k = 0; k < run->nr; k++)
			leader |= run->jobs[k].active &&
				  run->jobs[k].child.pid == kids[i];
		if (leader)
			continue;
		owner = owner_of(run, kids[i]);
		if (run->interrupted)
			sig = now >= run->global_kill_at ? SIGKILL : SIGTERM;
		else if (owner && !owner->active && owner->hunting)
			sig = now >= owner->hunt_kill_at ? SIGKILL : SIGTERM;
		if (para_runner_hit(kids[i], sig))
			continue;
		if (owner)
			found[owner - run->jobs] = 1;
	}
	for (k = 0; k < run->nr; k++)
		if (run->jobs[k].hunting && !found[k])
			run->jobs[k].hunting = 0;
	free(kids);
	free(found);
}

static int hunting(struct run *run)
{
	size_t i;

	for (i = 0; i < run->nr; i++)
		if (run->jobs[i].hunting)
			return 1;
	return 0;
}

/* The event loop. */

static void interrupt(struct run *run)
{
	long long now = para_monotonic_ms();
	size_t i;

	if (run->interrupted) {
		/* a second interrupt: no more grace */
		run->global_kill_at = now;
	} else {
		run->interrupted = 1;
		run->global_kill_at = now + run->grace;
		para_sched_halt(&run->sched);
	}
	for (i = 0; i < run->nr; i++) {
		struct job *job = &run->jobs[i];

		if (!job->active)
			continue;
		if (!job->cancelled)
			para_child_signal(&job->child, SIGTERM);
		job->cancelled = 1;
		if (!job->kill_at || job->kill_at > run->global_kill_at)
			job->kill_at = run->global_kill_at;
	}
}

static void check_deadlines(struct run *run)
{
	long long now = para_monotonic_ms();
	size_t i;

	for (i = 0; i < run->nr; i++) {
		struct job *job = &run->jobs[i];

		if (!job->active || job->child.exited)
			continue;
		if (job->deadline && now >= job->deadline && !job->timed_out &&
		    !job->cancelled) {
			job->timed_out = 1;
			para_child_signal(&job->child, SIGTERM);
			job->kill_at = now + run->grace;
		}
		if (job->kill_at && now >= job->kill_at)
			para_child_signal(&job->child, SIGKILL);
	}
}

static int poll_timeout(struct run *run)
{
	long long now = para_monotonic_ms(), next = -1;
	size_t i;

	for (i = 0; i < run->nr; i++) {
		struct job *job = &run->jobs[i];
		long long at = 0;

		if (!job->active)
			continue;
		if (job->deadline && !job->timed_out && !job->cancelled)
			at = job->deadline;
		if (job->kill_at && (!at || job->kill_at < at))
			at = job->kill_at;
		if (at && (next < 0 || at - now < next))
			next = at > now ? at - now : 0;
	}
	if ((run->interrupted || hunting(run)) && (next < 0 || next > 50))
		next = 50;
	if (run->progress && (next < 0 || next > 1000))
		next = 1000;
	return (int)next;
}

static void read_signals(struct run *run, int *chld)
{
	struct signalfd_siginfo si;

	while (read(run->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			*chld = 1;
		else
			interrupt(run);
	}
}

static void wait_for_events(struct run *run)
{
	struct pollfd *pfd = para_calloc(2 * run->nr + 1, sizeof(*pfd));
	struct job **owner = para_calloc(2 * run->nr + 1, sizeof(*owner));
	size_t n = 1, i;
	int chld = 0;

	pfd[0].fd = run->sigfd;
	pfd[0].events = POLLIN;
	for (i = 0; i < run->nr; i++) {
		struct job *job = &run->jobs[i];

		if (!job->active)
			continue;
		owner[n] = job;
		pfd[n].fd = job->child.pidfd;
		pfd[n++].events = POLLIN;
		if (job->child.out >= 0) {
			owner[n] = job;
			pfd[n].fd = job->child.out;
			pfd[n++].events = POLLIN;
		}
	}
	if (poll(pfd, n, poll_timeout(run)) < 0 && errno != EINTR)
		die("poll failed: %s", strerror(errno));
	if (pfd[0].revents)
		read_signals(run, &chld);
	for (i = 1; i < n; i++)
		if (pfd[i].revents && pfd[i].fd == owner[i]->child.out)
			pump_output(run, owner[i], 0);
	for (i = 1; i < n; i++)
		if (pfd[i].revents && owner[i]->active &&
		    pfd[i].fd == owner[i]->child.pidfd)
			end_attempt(run, owner[i]);
	check_deadlines(run);
	if (chld || run->interrupted || hunting(run))
		hunt(run);
	free(pfd);
	free(owner);
}

static int any_active(struct run *run)
{
	size_t i;

	for (i = 0; i < run->nr; i++)
		if (run->jobs[i].active)
			return 1;
	return 0;
}

static void run_loop(struct run *run)
{
	for (;;) {
		start_ready(run);
		if (!any_active(run) && !hunting(run))
			break;
		draw_progress(run);
		wait_for_events(run);
	}
	clear_progress(run);
	/* whatever is left of any task dies now, or after the grace */
	if (has_strays(run))
		para_runner_sweep(run->interrupted ? run->global_kill_at
				  : para_monotonic_ms() + run->grace);
}

/* Setting up. */

static void load_settings(struct run *run, int jobs_opt, const char *timeout,
			  int retries_opt)
{
	long n;
	int error;

	run->max_jobs = jobs_opt;
	if (run->max_jobs < 0) {
		error = para_config_get_int(&n, run->config, "para.jobs", 1,
					    100000);
		if (error == PARA_ENOTFOUND)
			n = sysconf(_SC_NPROCESSORS_ONLN);
		else if (error < 0)
			die_lib();
		run->max_jobs = n > 0 ? (int)n : 1;
	} else if (!run->max_jobs) {
		run->max_jobs = (int)sysconf(_SC_NPROCESSORS_ONLN);
	}
	if (timeout) {
		if (para_duration_parse(&run->timeout, timeout) < 0)
			die("invalid duration '%s' for '--timeout': expected e.g. 90s, 30m or 2h",
			    timeout);
	} else if ((error = para_config_get_duration(&run->timeout,
				run->config, "para.timeout")) < 0 &&
		   error != PARA_ENOTFOUND) {
		die_lib();
	}
	run->grace = 10000;
	if ((error = para_config_get_duration(&run->grace, run->config,
					      "para.killgrace")) < 0 &&
	    error != PARA_ENOTFOUND)
		die_lib();
	run->retries = retries_opt;
	if (run->retries < 0) {
		n = 0;
		if ((error = para_config_get_int(&n, run->config,
				"para.retries", 0, 1000)) < 0 &&
		    error != PARA_ENOTFOUND)
			die_lib();
		run->retries = (int)n;
	}
	run->autocommit = 1;
	if ((error = para_config_get_bool(&run->autocommit, run->config,
					  "para.autocommit")) < 0 &&
	    error != PARA_ENOTFOUND)
		die_lib();
	if ((error = para_config_get_string(&run->command, run->config,
					    "para.command")) < 0 &&
	    error != PARA_ENOTFOUND)
		die_lib();
	if ((error = para_config_get_string(&run->launcher, run->config,
					    "para.launcher")) < 0 &&
	    error != PARA_ENOTFOUND)
		die_lib();
	if (run->command && !*run->command)
		run->command = NULL;
	if (run->launcher && !*run->launcher)
		run->launcher = NULL;
}

/* Our environment for the tasks, without what would mislead git in them. */
static void base_environment(struct para_strvec *out)
{
	static const char *const drop[] = {
		"GIT_DIR=", "GIT_WORK_TREE=", "GIT_INDEX_FILE=",
		"GIT_COMMON_DIR=", "GIT_PREFIX=", "GIT_OBJECT_DIRECTORY=",
		"GIT_NAMESPACE=", "PARA_", NULL
	};
	char **e;
	size_t i;

	for (e = environ; *e; e++) {
		int keep = 1;

		for (i = 0; drop[i] && keep; i++)
			keep = strncmp(*e, drop[i], strlen(drop[i])) != 0;
		if (keep)
			para_strvec_push(out, *e);
	}
}

static struct job *find_job(struct run *run, const char *name)
{
	size_t i;

	for (i = 0; i < run->nr; i++)
		if (!strcmp(run->jobs[i].task.name, name))
			return &run->jobs[i];
	return NULL;
}

static void add_job(struct run *run, struct para_task *task)
{
	struct job *job;

	run->jobs = para_realloc(run->jobs, (run->nr + 1) * sizeof(*job));
	job = &run->jobs[run->nr++];
	memset(job, 0, sizeof(*job));
	job->task = *task;
	job->partial = (struct para_strbuf)PARA_STRBUF_INIT;
	job->check = (struct para_strbuf)PARA_STRBUF_INIT;
	job->running.fd = -1;
	job->log = -1;
	job->child.pidfd = job->child.out = job->child.gate = -1;
}

/* Is a task that another run is busy with left out quietly? */
static int busy_elsewhere(struct run *run, const struct para_task *task)
{
	enum para_task_state live = para_task_live_state(task);

	if (live == PARA_STATE_RUNNING &&
	    task->runner.pid != run->self.pid) {
		warning("task '%s' is running in another 'git para run' (pid %ld)",
			task->name, (long)task->runner.pid);
		return 1;
	}
	return 0;
}

static void select_tasks(struct run *run, int argc, const char **argv)
{
	struct para_strvec names = PARA_STRVEC_INIT;
	int i, named = argc > 0;
	size_t k;

	if (named) {
		for (i = 0; i < argc; i++)
			if (!para_strvec_contains(&names, argv[i]))
				para_strvec_push(&names, argv[i]);
	} else if (para_state_list(&names, run->repo) < 0) {
		die_lib();
	}
	for (k = 0; k < names.nr; k++) {
		struct para_task task;

		if (para_state_load(&task, run->repo, names.v[k]) < 0) {
			if (named)
				die_lib();
			error_lib();
			run->failed = 1;
			continue;
		}
		if (!named && !run->exec_argv &&
		    ((!run->rerun && para_task_state_done(task.state)) ||
		     busy_elsewhere(run, &task))) {
			para_task_dispose(&task);
			continue;
		}
		if (!run->exec_argv && !task.command && !run->command)
			die("no command to run for task '%s': set 'para.command' or give '-- <command>'",
			    task.name);
		add_job(run, &task);
	}
	para_strvec_dispose(&names);
}

/* Dependencies: among the selected, or already succeeded. */
static void plan(struct run *run)
{
	size_t i, k;

	para_sched_init(&run->sched, run->max_jobs);
	for (i = 0; i < run->nr; i++) {
		struct para_task *t = &run->jobs[i].task;

		run->jobs[i].index = para_sched_add(&run->sched, t->name,
			(const char *const *)t->locks.v, t->locks.nr,
			t->exclusive);
	}
	for (i = 0; i < run->nr; i++) {
		struct job *job = &run->jobs[i];

		for (k = 0; k < job->task.after.nr; k++) {
			const char *dep = job->task.after.v[k];
			struct job *other = find_job(run, dep);
			struct para_task t;

			if (other) {
				para_sched_depend(&run->sched, i, other->index);
				continue;
			}
			if (run->exec_argv)
				continue;
			if (para_state_load(&t, run->repo, dep) == 0) {
				int done = para_task_state_done(t.state);

				para_task_dispose(&t);
				if (done)
					continue;
			}
			if (job->reported)
				continue;
			say(run, 1, "%s: not started: dependency '%s' has not succeeded",
			    job->task.name, dep);
			job->reported = 1;
			run->failed = 1;
			para_sched_drop(&run->sched, i);
		}
	}
	report_skipped(run);
}

static void setup_signals(struct run *run)
{
	if (para_runner_init() < 0 || para_runner_signalfd(&run->sigfd) < 0)
		die_lib();
}

static void dispose_run(struct run *run)
{
	size_t i;

	for (i = 0; i < run->nr; i++) {
		struct job *job = &run->jobs[i];

		para_lock_release(&job->running);
		if (job->log >= 0)
			close(job->log);
		para_task_dispose(&job->task);
		para_strbuf_dispose(&job->partial);
		para_strbuf_dispose(&job->check);
		free(job->log_path);
		free(job->note);
	}
	free(run->jobs);
	para_sched_dispose(&run->sched);
	para_strvec_dispose(&run->base_env);
	free(run->self.boot_id);
	para_config_free(run->config);
	para_repo_free(run->repo);
}

int cmd_main(int argc, const char **argv)
{
	struct run run;
	int jobs = -1, retries = -1, i, status;
	const char *timeout = NULL;
	struct option options[] = {
		OPT_INT('j', "jobs", &jobs, "<n>",
			"run at most <n> tasks at a time"),
		OPT_STRING(0, "timeout", &timeout, "<duration>",
			   "stop a task that runs longer (e.g. 90s, 30m, 2h)"),
		OPT_INT(0, "retries", &retries, "<n>",
			"try a failed task again up to <n> times"),
		OPT_BOOL(0, "halt-on-failure", &run.halt,
			 "start no new task after a failure"),
		OPT_BOOL(0, "rerun", &run.rerun,
			 "also run tasks that succeeded already"),
		OPT_BOOL(0, "tag", &run.tag,
			 "show the tasks' output, each line prefixed [<task>]"),
		OPT_BOOL('q', "quiet", &run.quiet, "report only failures"),
		OPT_END()
	};

	memset(&run, 0, sizeof(run));
	the_run = &run;
	argc = parse_options(argc, argv, options, run_usage,
			     PARSE_OPT_KEEP_DASHDASH);
	for (i = 0; i < argc; i++)
		if (!strcmp(argv[i], "--")) {
			if (i + 1 == argc)
				usage_msg_opt("'--' must be followed by a command",
					      run_usage, options);
			argv[argc] = NULL;
			run.exec_argv = argv + i + 1;
			argc = i;
			break;
		}
	if (para_lib_init() < 0 || para_repo_open(&run.repo) < 0 ||
	    para_config_open(&run.config, run.repo) < 0)
		die_lib();
	load_settings(&run, jobs, timeout, retries);
	if (para_proc_identify(&run.self, 0) < 0)
		die_lib();
	base_environment(&run.base_env);
	select_tasks(&run, argc, argv);
	run.progress = !run.quiet && isatty_fd(2);
	setup_signals(&run);
	plan(&run);
	run_loop(&run);
	status = run.interrupted ? 130 : run.failed ? 1 : 0;
	dispose_run(&run);
	return status;
}
