/*
 * What the run may spend, and the rate limits of what the tasks call:
 * --budget counts what this run's attempts report in PARA_RESULT (ended
 * ones as recorded, running ones as last read); once that reaches the
 * budget no task starts.  Each attempt gets its share in PARA_BUDGET,
 * and with --budget-stop one that reports more than its share is
 * stopped.  A command that exits 75 was rate-limited: no task starts
 * until the time its result asked for, then it starts again.
 */
#include <signal.h>
#include <stdlib.h>
#include <sys/stat.h>

#include "clock.h"
#include "duration.h"
#include "error.h"
#include "run-internal.h"

/* Without retryAfter a rate limit holds this long at least. */
#define LIMIT_MIN_MS 1000

int para_run_budget_on(const struct para_run *run)
{
	return !run->opts.exec_argv &&
	       (run->opts.budget.unit || run->opts.task_budget.unit);
}

/* What `r` reports in `unit`. */
static double usage_in(enum para_budget_unit unit,
		       const struct para_result *r)
{
	if (unit == PARA_BUDGET_USD)
		return r->cost_usd;
	if (unit == PARA_BUDGET_TOKENS)
		return (double)(r->tokens_in + r->tokens_out);
	return 0;
}

/* The unit shares and live readings are counted in. */
static enum para_budget_unit unit_of(const struct para_run *run)
{
	return run->opts.task_budget.unit ? run->opts.task_budget.unit
					  : run->opts.budget.unit;
}

/* This run's spending so far, the running attempts included. */
static double spent_now(const struct para_run *run)
{
	double total = run->spent;
	size_t i;

	for (i = 0; i < run->nr; i++)
		if (run->jobs[i].active)
			total += run->jobs[i].live;
	return total;
}

void para_run_budget_prepare(struct para_strvec *env, struct para_run *run,
			     struct para_run_job *job)
{
	const struct para_budget *b = &run->opts.budget;
	char text[64];
	double left;
	size_t waiting;

	job->share = 0;
	job->live = 0;
	job->over_budget = 0;
	if (!para_run_budget_on(run))
		return;
	if (run->opts.task_budget.unit) {
		job->share = run->opts.task_budget.amount;
	} else {
		/* what is left, for this task and those not started yet */
		left = b->amount - spent_now(run);
		waiting = para_sched_count(&run->sched, PARA_SCHED_WAITING) + 1;
		job->share = left > 0 ? left / (double)waiting : 0;
	}
	para_budget_format(text, sizeof(text), unit_of(run), job->share);
	para_strvec_pushf(env, "PARA_BUDGET=%s", text);
}

void para_run_budget_spent(struct para_run *run, struct para_run_job *job)
{
	if (job->record && run->opts.budget.unit)
		run->spent += usage_in(run->opts.budget.unit, &job->result);
	job->live = 0;
}

/* Reads a running attempt's PARA_RESULT again when it changed. */
static void read_live(struct para_run *run, struct para_run_job *job)
{
	struct para_result r = PARA_RESULT_INIT;
	struct stat st;
	long long mtime;

	if (!job->result_path || stat(job->result_path, &st) < 0)
		return;
	mtime = (long long)st.st_mtim.tv_sec * 1000000000LL +
		st.st_mtim.tv_nsec;
	if (mtime == job->result_mtime && (long long)st.st_size ==
	    job->result_size)
		return;
	/* half written, perhaps: the next change is read again */
	if (para_result_read(&r, job->result_path, para_now_ms()) < 0) {
		para_error_clear();
		return;
	}
	job->result_mtime = mtime;
	job->result_size = (long long)st.st_size;
	job->live = usage_in(unit_of(run), &r);
	para_result_dispose(&r);
}

static void stop_over(struct para_run *run, struct para_run_job *job)
{
	char live[64], share[64];

	if (!run->opts.budget_stop || job->over_budget || job->cancelled ||
	    !job->share || job->live <= job->share)
		return;
	job->over_budget = 1;
	para_budget_format(live, sizeof(live), unit_of(run), job->live);
	para_budget_format(share, sizeof(share), unit_of(run), job->share);
	para_runlog_note(job->log, "stopped: it reported %s, more than its "
			 "share of the budget, %s", live, share);
	job->backend->signal(run, job, SIGTERM);
	job->kill_at = para_monotonic_ms() + run->opts.grace;
}

void para_run_budget_poll(struct para_run *run)
{
	size_t i;

	if (!para_run_budget_on(run))
		return;
	for (i = 0; i < run->nr; i++) {
		struct para_run_job *job = &run->jobs[i];

		if (!job->active || job->checking || job->verifying)
			continue;
		read_live(run, job);
		stop_over(run, job);
	}
}

int para_run_budget_check(struct para_run *run)
{
	char spent[64], budget[64], *why;

	if (run->budget_reached)
		return 1;
	if (!run->opts.budget.unit || run->opts.exec_argv ||
	    spent_now(run) < run->opts.budget.amount)
		return 0;
	run->budget_reached = 1;
	run->failed = 1;
	para_sched_halt(&run->sched);
	para_budget_format(spent, sizeof(spent), run->opts.budget.unit,
			   spent_now(run));
	para_budget_format(budget, sizeof(budget), run->opts.budget.unit,
			   run->opts.budget.amount);
	why = para_xstrfmt("the budget is spent (%s of %s)", spent, budget);
	para_run_report_held(run, why);
	free(why);
	return 1;
}

char *para_run_limited(struct para_run *run, struct para_run_job *job)
{
	long long now = para_now_ms(), wait, until;
	char when[32], took[32];

	if (job->record && (job->result.has & PARA_RESULT_RETRY))
		wait = job->result.retry_at - now;
	else
		wait = run->opts.limit_wait;
	if (wait < LIMIT_MIN_MS)
		wait = LIMIT_MIN_MS;
	until = now + wait;
	para_sched_pause(&run->sched, para_monotonic_ms() + wait);
	para_format_time(when, sizeof(when), until);
	para_duration_format(took, sizeof(took), wait);
	return para_xstrfmt("; no task starts until %s (in %s), then it "
			    "starts again", when, took);
}
