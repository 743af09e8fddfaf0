/*
 * --idle-timeout: an attempt whose log stays still (run-internal.h).
 * The log is what the command writes, whichever backend runs it, so
 * its size is the one sign of life every command gives.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "clock.h"
#include "duration.h"
#include "run-internal.h"

/* How often the log of a stalled attempt is looked at. */
#define STALLED_LOOK_MS 250

void para_run_idle_start(struct para_run_job *job)
{
	job->idle_since = para_now_ms();
	job->idle_size = job->idle_mtime = -1;
	job->stalled = job->stall_stopped = 0;
	free(job->stall_why);
	job->stall_why = NULL;
}

/* A batch job waiting for its node has not begun to write. */
static int waiting_for_node(const struct para_run_job *job)
{
	return job->backend->queues && !job->remote.running;
}

/* The log's size and mtime (ns since the epoch); 0 when unknown. */
static void log_stat(const struct para_run_job *job, long long *size,
		     long long *mtime)
{
	struct stat st;

	*size = *mtime = 0;
	if (job->log >= 0 && !fstat(job->log, &st)) {
		*size = (long long)st.st_size;
		*mtime = (long long)st.st_mtim.tv_sec * 1000000000LL +
			 st.st_mtim.tv_nsec;
	}
}

/* The attempts the idle timeout looks at: commands and verifies. */
static int watched(const struct para_run_job *job)
{
	return job->active && !job->checking && !job->child.exited &&
	       !waiting_for_node(job);
}

static void set_stalled(struct para_task *task, const struct para_run *run,
			const struct para_run_job *job)
{
	if (task->state != PARA_STATE_RUNNING ||
	    task->runner.pid != run->self.pid)
		return;
	task->stalled = job->stalled ? para_now_ms() : 0;
}

static void stall(struct para_run *run, struct para_run_job *job)
{
	long long now = para_monotonic_ms();
	char limit[32], *what;

	para_duration_format(limit, sizeof(limit), run->opts.idle_timeout);
	job->stalled = 1;
	job->stall_why = para_xstrfmt("no output for %s", limit);
	para_run_update_state(run, job, set_stalled);
	if (run->opts.idle_stop && !job->cancelled && !job->timed_out) {
		job->stall_stopped = 1;
		job->backend->signal(run, job, SIGTERM);
		if (!job->kill_at || job->kill_at > now + run->opts.grace)
			job->kill_at = now + run->opts.grace;
		para_run_say(run, job, 1, "stalled: %s; stopping it",
			     job->stall_why);
	} else {
		para_run_say(run, job, 0, "stalled: %s (it goes on running)",
			     job->stall_why);
	}
	what = para_xstrfmt("stalled: %s", job->stall_why);
	para_run_notify(run, job, PARA_NOTIFY_STALL, what);
	free(what);
}

static void unstall(struct para_run *run, struct para_run_job *job)
{
	job->stalled = 0;
	para_run_update_state(run, job, set_stalled);
	para_run_say(run, job, 0, "running again: its log grew");
}

/*
 * The runner looks at the log only now and then, so a write is dated
 * by the log's mtime, not by when it was seen: the idle time is the
 * command's own.
 */
void para_run_idle_poll(struct para_run *run)
{
	long long now, size, mtime, wrote;
	size_t i;

	if (!run->opts.idle_timeout)
		return;
	now = para_now_ms();
	for (i = 0; i < run->nr; i++) {
		struct para_run_job *job = &run->jobs[i];

		if (job->active && waiting_for_node(job))
			job->idle_since = now;
		if (!watched(job))
			continue;
		log_stat(job, &size, &mtime);
		if (size != job->idle_size || mtime != job->idle_mtime) {
			int first = job->idle_mtime < 0;

			job->idle_size = size;
			job->idle_mtime = mtime;
			/* never before the attempt began, nor in the future */
			wrote = mtime / 1000000;
			if (wrote > job->idle_since)
				job->idle_since = wrote < now ? wrote : now;
			if (!first && job->stalled && !job->stall_stopped)
				unstall(run, job);
		}
		if (!job->stalled &&
		    now - job->idle_since >= run->opts.idle_timeout)
			stall(run, job);
	}
}

long long para_run_idle_due(const struct para_run *run)
{
	long long now = para_now_ms(), next = -1, at;
	size_t i;

	if (!run->opts.idle_timeout)
		return -1;
	for (i = 0; i < run->nr; i++) {
		const struct para_run_job *job = &run->jobs[i];

		if (!watched(job) || job->stall_stopped)
			continue;
		/* a stalled one is looked at often: it may write again */
		at = job->stalled ? STALLED_LOOK_MS
			: job->idle_since + run->opts.idle_timeout - now;
		if (at < 0)
			at = 0;
		if (next < 0 || at < next)
			next = at;
	}
	return next;
}
