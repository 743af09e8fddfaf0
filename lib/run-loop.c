#include <errno.h>
#include <poll.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/signalfd.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "hook.h"
#include "run-internal.h"
#include "task-context.h"

/*
 * One Ctrl-C on a terminal arrives twice: from the terminal (we are in
 * its foreground process group) and forwarded by git, which runs us.
 * A second interrupt counts only once this long has passed.
 */
#define REPEAT_WINDOW_MS 1000

/* How often a job asked to die is asked again while it lives. */
#define KILL_REPEAT_MS 100

/* SIGINT and the like: stop everything, after a grace; twice: at once. */
static void interrupt(struct para_run *run)
{
	long long now = para_monotonic_ms();
	size_t i;

	if (run->interrupted && now - run->interrupted_at < REPEAT_WINDOW_MS)
		return;
	if (run->interrupted) {
		run->global_kill_at = now;
	} else {
		run->interrupted = 1;
		run->interrupted_at = now;
		run->global_kill_at = now + run->opts.grace;
		para_sched_halt(&run->sched);
		para_run_report_held(run, "the run was interrupted");
	}
	for (i = 0; i < run->nr; i++) {
		struct para_run_job *job = &run->jobs[i];

		if (!job->active)
			continue;
		if (!job->cancelled)
			job->backend->signal(run, job, SIGTERM);
		job->cancelled = 1;
		if (!job->kill_at || job->kill_at > run->global_kill_at)
			job->kill_at = run->global_kill_at;
	}
}

static void check_deadlines(struct para_run *run)
{
	long long now = para_monotonic_ms();
	size_t i;

	for (i = 0; i < run->nr; i++) {
		struct para_run_job *job = &run->jobs[i];

		if (!job->active || job->child.exited)
			continue;
		if (job->deadline && now >= job->deadline && !job->timed_out &&
		    !job->cancelled) {
			job->timed_out = 1;
			job->backend->signal(run, job, SIGTERM);
			job->kill_at = now + run->opts.grace;
		}
		if (job->kill_at && now >= job->kill_at) {
			job->backend->signal(run, job, SIGKILL);
			/* asked again while it lives, not in a busy loop */
			job->kill_at = now + KILL_REPEAT_MS;
		}
	}
}

/* What tells of a job's end: its backend's descriptor, or -1. */
static int end_fd(const struct para_run *run, const struct para_run_job *job)
{
	return job->checking ? job->child.pidfd : job->backend->fd(job);
}

/* A job without such a descriptor is asked, when its backend is due. */
static int polled(const struct para_run *run, const struct para_run_job *job)
{
	return job->active && end_fd(run, job) < 0;
}

/* The next deadline or kill of a job, monotonic ms, or 0 for none. */
static long long next_due(const struct para_run_job *job)
{
	long long at = 0;

	if (job->deadline && !job->timed_out && !job->cancelled)
		at = job->deadline;
	if (job->kill_at && (!at || job->kill_at < at))
		at = job->kill_at;
	return at;
}

static int poll_timeout(struct para_run *run)
{
	long long now = para_monotonic_ms(), next = -1,
		  admit = para_run_admit_due(run),
		  idle = para_run_idle_due(run);
	size_t i;

	for (i = 0; i < run->nr; i++) {
		long long at;

		if (!run->jobs[i].active || !(at = next_due(&run->jobs[i])))
			continue;
		if (next < 0 || at - now < next)
			next = at > now ? at - now : 0;
	}
	if ((run->interrupted || para_run_hunting(run)) &&
	    (next < 0 || next > 50))
		next = 50;
	if (next < 0 || next > 1000)	/* ticks; PARA_STATUS_FILE */
		next = 1000;
	for (i = 0; i < run->nr; i++) {
		long long at = run->backend_due > now ? run->backend_due - now
						      : 0;

		if (!polled(run, &run->jobs[i]))
			continue;
		if (next < 0 || next > at)
			next = at;
		break;
	}
	if (admit >= 0 && (next < 0 || admit < next))
		next = admit;
	if (idle >= 0 && (next < 0 || idle < next))
		next = idle;
	return (int)next;
}

static void read_signals(struct para_run *run, int *chld)
{
	struct signalfd_siginfo si;

	while (read(run->sigfd, &si, sizeof(si)) == sizeof(si)) {
		if (si.ssi_signo == SIGCHLD)
			*chld = 1;
		else if (si.ssi_signo == SIGUSR1)
			para_run_take_stops(run);
		else
			interrupt(run);
	}
}

static void poll_backend(struct para_run *run)
{
	const struct para_run_backend *asked[4];
	long long now = para_monotonic_ms();
	size_t i, k, nr = 0;

	if (now < run->backend_due)
		return;
	run->backend_due = 0;
	/* each backend learns about all of its attempts at once */
	for (i = 0; i < run->nr; i++) {
		const struct para_run_backend *b = run->jobs[i].backend;

		if (!polled(run, &run->jobs[i]))
			continue;
		for (k = 0; k < nr && asked[k] != b; k++)
			;
		if (k < nr || nr == sizeof(asked) / sizeof(*asked))
			continue;
		asked[nr++] = b;
		if (!run->backend_due || now + b->interval < run->backend_due)
			run->backend_due = now + b->interval;
		if (b->refresh)
			b->refresh(run);
	}
	for (i = 0; i < run->nr; i++)
		if (polled(run, &run->jobs[i]) &&
		    run->jobs[i].backend->poll(run, &run->jobs[i]))
			para_run_end_attempt(run, &run->jobs[i]);
}

/* What to poll: our signals, then each active job's end and output. */
static size_t watch(struct pollfd *pfd, struct para_run_job **owner,
		    struct para_run *run)
{
	size_t n = 1, i;

	pfd[0].fd = run->sigfd;
	pfd[0].events = POLLIN;
	for (i = 0; i < run->nr; i++) {
		struct para_run_job *job = &run->jobs[i];

		if (!job->active)
			continue;
		if (end_fd(run, job) >= 0) {
			owner[n] = job;
			pfd[n].fd = end_fd(run, job);
			pfd[n++].events = POLLIN;
		}
		if (job->child.out >= 0) {
			owner[n] = job;
			pfd[n].fd = job->child.out;
			pfd[n++].events = POLLIN;
		}
	}
	return n;
}

static int wait_for_events(struct para_run *run)
{
	struct pollfd *pfd = para_calloc(2 * run->nr + 1, sizeof(*pfd));
	struct para_run_job **owner = para_calloc(2 * run->nr + 1,
						  sizeof(*owner));
	size_t n = watch(pfd, owner, run), i;
	int chld = 0, error = 0;

	if (poll(pfd, n, poll_timeout(run)) < 0 && errno != EINTR) {
		error = para_error_set(PARA_ERROR, "poll failed: %s",
				       strerror(errno));
		goto out;
	}
	/* a hook configured while we waited counts for what woke us */
	para_hook_turn(run->repo);
	if (pfd[0].revents)
		read_signals(run, &chld);
	for (i = 1; i < n; i++)
		if (pfd[i].revents && pfd[i].fd == owner[i]->child.out)
			para_run_pump_output(run, owner[i], 0);
	for (i = 1; i < n; i++)
		if (pfd[i].revents && owner[i]->active &&
		    pfd[i].fd == end_fd(run, owner[i]))
			para_run_end_attempt(run, owner[i]);
	poll_backend(run);
	check_deadlines(run);
	para_run_agent_poll(run);
	para_run_idle_poll(run);
	para_run_budget_poll(run);
	if (chld || run->interrupted || para_run_hunting(run))
		para_run_hunt(run);
out:
	free(pfd);
	free(owner);
	return error;
}

static int any_active(struct para_run *run)
{
	size_t i;

	for (i = 0; i < run->nr; i++)
		if (run->jobs[i].active)
			return 1;
	return 0;
}

int para_run_loop(struct para_run *run)
{
	int error = 0;

	for (;;) {
		para_run_observe(run);
		para_run_preempt(run);
		para_run_start_ready(run);
		if (!any_active(run) && !para_run_hunting(run) &&
		    !para_run_admit_holding(run))
			break;
		if (run->out.tick)
			run->out.tick(run->out.data, run);
		/* what this turn changed is in the context before we sleep */
		para_context_flush(run->repo);
		if ((error = wait_for_events(run)) < 0)
			break;
	}
	/* whatever is left of any task dies now, or after the grace */
	if (para_run_has_strays(run))
		para_runner_sweep(run->interrupted ? run->global_kill_at
				  : para_monotonic_ms() + run->opts.grace);
	para_run_cgroup_finish(run);
	return error;
}
