#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "run-cgroup.h"
#include "run-log.h"
#include "stop.h"
#include "strbuf.h"
#include "task-state.h"
#include "task-watch.h"

/* How long a live run gets to act on the request, beyond the grace. */
#define RUNNER_SLACK_MS 10000

int para_stop_possible(enum para_task_state live)
{
	return live == PARA_STATE_RUNNING || live == PARA_STATE_ORPHANED;
}

static int same_proc(const struct para_proc *a, const struct para_proc *b)
{
	return a->pid == b->pid && a->start == b->start;
}

struct request {
	const struct para_task *seen;	/* as loaded before */
	int cancel;			/* record it cancelled (an orphan) */
};

/* Only the attempt we looked at, and only while it runs. */
static int record(struct para_task *task, void *data)
{
	struct request *r = data;

	if (task->state != PARA_STATE_RUNNING ||
	    !same_proc(&task->proc, &r->seen->proc) ||
	    !same_proc(&task->runner, &r->seen->runner))
		return 1;
	if (!r->cancel) {
		task->stop_requested = para_now_ms();
		return 0;
	}
	task->state = PARA_STATE_CANCELLED;
	task->finished = para_now_ms();
	task->exit_code = -1;
	task->signal = 0;
	task->slot = -1;
	/* kept: a run that wakes up late still takes it as a stop */
	task->stop_requested = para_now_ms();
	return 0;
}

static long long runner_slack(void)
{
	const char *env = getenv("GIT_TEST_PARA_STOP_SLACK_MS");

	return env && *env ? atoll(env) : RUNNER_SLACK_MS;
}

/*
 * Waits, at most `timeout_ms`, until the task is no longer running under
 * a live run; `*out` is its state then, as `status` shows it.
 */
static int wait_end(enum para_task_state *out, struct para_repo *repo,
		    const char *name, long long timeout_ms)
{
	struct para_task_watch *w = NULL;
	long long deadline = para_monotonic_ms() + timeout_ms, left;
	struct para_task t;
	int error;

	if ((error = para_task_watch_open(&w, repo)) < 0)
		return error;
	for (;;) {
		if ((error = para_state_load(&t, repo, name)) < 0)
			break;
		*out = para_task_live_state(&t);
		if (*out == PARA_STATE_RUNNING)
			para_task_watch_proc(w, &t.runner);
		para_task_dispose(&t);
		if (*out != PARA_STATE_RUNNING)
			break;
		if ((left = deadline - para_monotonic_ms()) <= 0)
			break;
		if ((error = para_task_watch_wait(w, left)) < 0)
			break;
	}
	para_task_watch_free(w);
	return error < 0 ? error : 0;
}

/* The run that owns the task is asked to stop it. */
static int ask_runner(struct para_repo *repo, const struct para_task *t)
{
	struct request r = { t, 0 };
	int error;

	if ((error = para_state_update(repo, t->name, record, &r)) < 0)
		return error;
	if (!para_proc_alive(&t->runner) || kill(t->runner.pid, SIGUSR1) < 0)
		return para_error_errno(PARA_ERROR, "cannot reach the 'git para run' "
					"(pid %ld) of task '%s'",
					(long)t->runner.pid, t->name);
	return 0;
}

static void note_in_log(struct para_repo *repo, const struct para_task *t)
{
	para_runlog_end(repo, t, PARA_STATE_CANCELLED,
			"stopped by 'git para stop'");
}

/* Nobody supervises it: its group and its escaped processes go here. */
static int stop_orphan(struct para_repo *repo, const struct para_task *t,
		       long long grace_ms)
{
	struct request r = { t, 1 };
	char *marks[3];

	/* its cgroup holds all of it, whatever left its session */
	para_run_cgroup_stop_task(t, grace_ms);
	if (para_proc_alive(&t->proc))
		para_proc_kill_group(t->proc.pid, grace_ms);
	marks[0] = para_xstrfmt("PARA_TASK=%s", t->name);
	marks[1] = para_xstrfmt("PARA_WORKTREE=%s", t->worktree);
	marks[2] = NULL;
	para_proc_kill_marked((const char *const *)marks, grace_ms);
	free(marks[0]);
	free(marks[1]);
	note_in_log(repo, t);
	return para_state_update(repo, t->name, record, &r);
}

static int not_running(const struct para_task *t, enum para_task_state live)
{
	if (live == PARA_STATE_QUEUED)
		return para_error_set(PARA_EINVALID,
			"task '%s' is not running: it waits its turn in the "
			"'git para run' with pid %ld", t->name,
			(long)t->runner.pid);
	return para_error_set(PARA_EINVALID, "task '%s' is not running (%s)",
			      t->name, para_task_state_name(live));
}

int para_stop_task(enum para_task_state *out, struct para_repo *repo,
		   const char *name, long long grace_ms)
{
	struct para_task t;
	enum para_task_state live;
	int error;

	if ((error = para_state_load(&t, repo, name)) < 0)
		return error;
	live = para_task_live_state(&t);
	if (!para_stop_possible(live)) {
		error = not_running(&t, live);
		goto out;
	}
	if (live == PARA_STATE_RUNNING) {
		if ((error = ask_runner(repo, &t)) < 0 ||
		    (error = wait_end(out, repo, name,
				      grace_ms + runner_slack())) < 0 ||
		    (*out != PARA_STATE_RUNNING &&
		     *out != PARA_STATE_ORPHANED))
			goto out;
		/* the run did not act, or died meanwhile: do it ourselves */
	}
	if ((error = stop_orphan(repo, &t, grace_ms)) < 0 ||
	    (error = wait_end(out, repo, name, 0)) < 0)
		goto out;
out:
	para_task_dispose(&t);
	return error;
}
