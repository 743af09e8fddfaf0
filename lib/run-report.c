/*
 * What the runner tells its caller: one line per finished or refused
 * task through the output callbacks, and the progress line.  Below the
 * loop, start and end files, which report through it.
 */
#include <stdarg.h>
#include <string.h>

#include "clock.h"
#include "duration.h"
#include "run-internal.h"

void para_run_say(struct para_run *run, const struct para_run_job *job,
		  int failure, const char *fmt, ...)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	para_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	run->out.report(run->out.data, job->task.name, failure, sb.buf);
	para_strbuf_dispose(&sb);
}

void para_run_report_attempt(struct para_run *run,
			     const struct para_run_job *job, const char *then)
{
	char what[512], took[32];
	const struct para_attempt *a = &job->last;

	para_attempt_describe(what, sizeof(what), a);
	para_duration_format(took, sizeof(took), a->finished - a->started);
	para_run_say(run, job, !para_task_state_ok(a->state),
		     "%s in %s (log: %s)%s", what, took, job->log_path,
		     then ? then : "");
}

void para_run_progress(struct para_strbuf *out, const struct para_run *run,
		       size_t width)
{
	size_t i, done = 0, shown = 0;
	char took[32];

	for (i = 0; i < run->nr; i++) {
		enum para_sched_state s = run->sched.jobs[i].state;

		done += s != PARA_SCHED_WAITING && s != PARA_SCHED_RUNNING;
	}
	para_strbuf_addf(out, "[%zu/%zu] running: ", done, run->nr);
	for (i = 0; i < run->nr; i++) {
		const struct para_run_job *job = &run->jobs[i];

		if (!job->active)
			continue;
		para_strbuf_addf(out, "%s%s", shown++ ? ", " : "",
				 job->task.name);
	}
	if (!shown)
		para_strbuf_addstr(out, "-");
	para_duration_format(took, sizeof(took),
			     para_monotonic_ms() - run->started_mono);
	para_strbuf_addf(out, " (elapsed %s)", took);
	if (width > 4 && out->len >= width) {
		para_strbuf_setlen(out, width - 4);
		para_strbuf_addstr(out, "...");
	}
}

void para_run_report_held(struct para_run *run, const char *why)
{
	size_t i;

	for (i = 0; i < run->nr; i++) {
		struct para_run_job *job = &run->jobs[i];

		if (job->reported ||
		    run->sched.jobs[i].state != PARA_SCHED_DROPPED)
			continue;
		job->reported = 1;
		para_run_say(run, job, 1, "not started: %s", why);
	}
}

size_t para_run_selected(const struct para_run *run)
{
	return run->nr;
}

/* The summary's words, in the order they are shown. */
enum outcome { SUCCEEDED, EMPTY, FAILED, UNVERIFIED, TIMED_OUT, STALLED,
	       CANCELLED, OVER_BUDGET, OOM, RATE_LIMITED, SKIPPED, NOT_STARTED,
	       OUTCOMES };

static enum outcome outcome_of(const struct para_run *run, size_t i)
{
	switch (run->sched.jobs[i].state) {
	case PARA_SCHED_SUCCEEDED:
		return run->jobs[i].last.state == PARA_STATE_EMPTY ? EMPTY
								   : SUCCEEDED;
	case PARA_SCHED_SKIPPED:
		return SKIPPED;
	case PARA_SCHED_FAILED:
		break;
	default:
		return NOT_STARTED;
	}
	switch (run->jobs[i].last.state) {
	case PARA_STATE_TIMED_OUT:
		return TIMED_OUT;
	case PARA_STATE_STALLED:
		return STALLED;
	case PARA_STATE_CANCELLED:
		return CANCELLED;
	case PARA_STATE_UNVERIFIED:
		return UNVERIFIED;
	case PARA_STATE_OVER_BUDGET:
		return OVER_BUDGET;
	case PARA_STATE_OOM:
		return OOM;
	case PARA_STATE_RATE_LIMITED:
		return RATE_LIMITED;
	default:
		return FAILED;
	}
}

/* "; 1.20usd of the 2.00usd budget spent" */
static void add_spent(struct para_strbuf *out, const struct para_run *run)
{
	char spent[64], budget[64];

	if (!run->opts.budget.unit || run->opts.exec_argv)
		return;
	para_budget_format(spent, sizeof(spent), run->opts.budget.unit,
			   run->spent);
	para_budget_format(budget, sizeof(budget), run->opts.budget.unit,
			   run->opts.budget.amount);
	para_strbuf_addf(out, "; %s of the %s budget spent%s", spent, budget,
			 run->budget_reached ? ": no task started after it "
			 "ran out" : "");
}

void para_run_summary(struct para_strbuf *out, const struct para_run *run)
{
	static const char *const words[OUTCOMES] = {
		"succeeded", "empty", "failed", "unverified", "timed out",
		"stalled", "cancelled", "over budget", "out of memory",
		"rate-limited",
		"skipped", "not started"
	};
	size_t count[OUTCOMES] = { 0 }, i;
	char took[32];
	int k, shown = 0;

	for (i = 0; i < run->nr; i++)
		count[outcome_of(run, i)]++;
	for (k = 0; k < OUTCOMES; k++)
		if (count[k])
			para_strbuf_addf(out, "%s%zu %s", shown++ ? ", " : "",
					 count[k], words[k]);
	para_duration_format(took, sizeof(took),
			     para_monotonic_ms() - run->started_mono);
	para_strbuf_addf(out, " in %s", took);
	add_spent(out, run);
}
