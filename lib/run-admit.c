/*
 * Admission: the run starts a task only while the machine has room for
 * it (--memfree, --load, --delay), and when memory runs short it stops
 * the youngest task to let the others finish; that one is queued again.
 * The decisions are the scheduler's (run-sched.c); this file feeds it
 * readings and carries out what it decides.
 */
#include <signal.h>

#include "clock.h"
#include "size.h"
#include "run-internal.h"
#include "sysinfo.h"

/* How often the machine is looked at while it holds something back. */
#define ADMIT_POLL_MS 200

void para_run_admit_init(struct para_run *run)
{
	struct para_sched_limits limits;

	limits.memfree = run->opts.memfree;
	limits.load = run->opts.load;
	limits.delay = run->opts.delay;
	para_sched_set_limits(&run->sched, &limits);
}

static unsigned int readings(const struct para_run *run)
{
	unsigned int want = 0;

	if (run->opts.memfree || run->mem_declared)
		want |= PARA_SYSINFO_MEMORY;
	if (run->opts.load > 0)
		want |= PARA_SYSINFO_LOAD;
	return want;
}

/* Says once why ready tasks wait (not for --delay: that is asked for). */
static void say_hold(struct para_run *run)
{
	enum para_sched_hold hold = run->sched.hold;
	char avail[32], limit[32];
	size_t i;

	if ((int)hold == run->hold_said || hold == PARA_SCHED_HOLD_DELAY ||
	    hold == PARA_SCHED_HOLD_PAUSE)
		return;
	run->hold_said = (int)hold;
	for (i = 0; i < run->nr; i++)
		if (run->sched.jobs[i].state == PARA_SCHED_WAITING)
			break;
	if (i == run->nr || !para_run_admit_holding(run))
		return;
	para_size_format(avail, sizeof(avail), run->sched.mem_available);
	para_size_format(limit, sizeof(limit), run->opts.memfree);
	if (hold == PARA_SCHED_HOLD_MEMORY)
		para_run_say(run, &run->jobs[i], 0, "waiting: %s of memory "
			     "available, not more than --memfree %s", avail,
			     limit);
	else if (hold == PARA_SCHED_HOLD_LOAD)
		para_run_say(run, &run->jobs[i], 0, "waiting: the load %.2f "
			     "is above --load %.2f", run->sched.load,
			     run->opts.load);
}

void para_run_observe(struct para_run *run)
{
	struct para_sysinfo si;
	unsigned int want = readings(run);

	say_hold(run);
	if (!want && !run->opts.delay && !run->sched.pause_until)
		return;
	para_sysinfo_read(&si, want);
	para_sched_observe(&run->sched, si.mem_available, si.load,
			   para_monotonic_ms());
}

void para_run_admit_started(struct para_run *run)
{
	if (run->opts.delay)
		para_sched_restamp(&run->sched, para_monotonic_ms());
}

void para_run_preempt(struct para_run *run)
{
	struct para_run_job *job;
	size_t i;

	if (run->interrupted || !para_sched_victim(&i, &run->sched))
		return;
	job = &run->jobs[i];
	/* its command is over: what is left (the leftovers check) is short */
	if (!job->active || job->checking || job->cancelled)
		return;
	para_sched_stopping(&run->sched, i);
	job->preempted = 1;
	job->preempted_at = run->sched.mem_available;
	job->backend->signal(run, job, SIGTERM);
	job->kill_at = para_monotonic_ms() + run->opts.grace;
}

char *para_run_preempted_why(const struct para_run *run,
			     const struct para_run_job *job)
{
	char avail[32], limit[32];

	para_size_format(avail, sizeof(avail), job->preempted_at);
	para_size_format(limit, sizeof(limit), run->opts.memfree);
	return para_xstrfmt(" to free memory (%s available, less than half of "
			    "--memfree %s); it starts again when there is room",
			    avail, limit);
}

int para_run_admit_holding(const struct para_run *run)
{
	return !run->interrupted && !run->sched.halted &&
	       run->sched.hold != PARA_SCHED_GO;
}

long long para_run_admit_due(const struct para_run *run)
{
	long long left;

	if (para_run_admit_holding(run)) {
		left = para_sched_delay_left(&run->sched);
		return left ? left : ADMIT_POLL_MS;
	}
	/* memory is watched while tasks run, to preempt in time */
	if (run->opts.memfree && run->sched.running)
		return ADMIT_POLL_MS;
	return -1;
}
