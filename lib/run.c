#include <stdarg.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "duration.h"
#include "error.h"
#include "run-internal.h"
#include "task-state.h"

int para_run_new(struct para_run **out, struct para_repo *repo,
		 const struct para_run_options *opts,
		 const struct para_run_output *output)
{
	struct para_run *run = para_calloc(1, sizeof(*run));

	run->repo = repo;
	run->opts = *opts;
	run->out = *output;
	run->sigfd = -1;
	if (para_proc_identify(&run->self, 0) < 0) {
		free(run);
		return -1;
	}
	run->base_env = (struct para_strvec)PARA_STRVEC_INIT;
	para_run_base_environment(&run->base_env);
	para_sched_init(&run->sched, opts->jobs);
	*out = run;
	return 0;
}

void para_run_free(struct para_run *run)
{
	size_t i;

	if (!run)
		return;
	for (i = 0; i < run->nr; i++) {
		struct para_run_job *job = &run->jobs[i];

		para_lock_release(&job->running);
		if (job->log >= 0)
			close(job->log);
		para_task_dispose(&job->task);
		para_strbuf_dispose(&job->partial);
		para_strbuf_dispose(&job->check);
		free(job->log_path);
		free(job->note);
	}
	if (run->sigfd >= 0)
		close(run->sigfd);
	free(run->jobs);
	para_sched_dispose(&run->sched);
	para_strvec_dispose(&run->base_env);
	free(run->self.boot_id);
	free(run);
}

void para_run_add(struct para_run *run, struct para_task *task)
{
	struct para_run_job *job;

	run->jobs = para_realloc(run->jobs, (run->nr + 1) * sizeof(*job));
	job = &run->jobs[run->nr++];
	memset(job, 0, sizeof(*job));
	job->task = *task;
	job->partial = (struct para_strbuf)PARA_STRBUF_INIT;
	job->check = (struct para_strbuf)PARA_STRBUF_INIT;
	job->running.fd = -1;
	job->log = -1;
	job->child.pidfd = job->child.out = job->child.gate = -1;
	job->index = para_sched_add(&run->sched, task->name,
				    (const char *const *)task->locks.v,
				    task->locks.nr, task->exclusive);
}

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
	para_run_say(run, job, a->state != PARA_STATE_SUCCEEDED,
		     "%s in %s (log: %s)%s", what, took, job->log_path,
		     then ? then : "");
}

static struct para_run_job *find_job(struct para_run *run, const char *name)
{
	size_t i;

	for (i = 0; i < run->nr; i++)
		if (!strcmp(run->jobs[i].task.name, name))
			return &run->jobs[i];
	return NULL;
}

/* Has `name`, not selected, succeeded already? */
static int done_before(struct para_run *run, const char *name)
{
	struct para_task t;
	int done;

	if (para_state_load(&t, run->repo, name) < 0)
		return 0;
	done = para_task_state_done(t.state);
	para_task_dispose(&t);
	return done;
}

/* Dependencies: among the selected, or already succeeded. */
static void plan(struct para_run *run)
{
	size_t i, k;

	for (i = 0; i < run->nr; i++) {
		struct para_run_job *job = &run->jobs[i];

		for (k = 0; k < job->task.after.nr; k++) {
			const char *dep = job->task.after.v[k];
			struct para_run_job *other = find_job(run, dep);

			if (other) {
				para_sched_depend(&run->sched, i, other->index);
				continue;
			}
			if (run->opts.exec_argv || done_before(run, dep) ||
			    job->reported)
				continue;
			para_run_say(run, job, 1,
				     "not started: dependency '%s' has not succeeded",
				     dep);
			job->reported = 1;
			run->failed = 1;
			para_sched_drop(&run->sched, i);
		}
	}
	para_run_report_skipped(run);
}

int para_run_execute(struct para_run *run)
{
	if (para_runner_init() < 0 || para_runner_signalfd(&run->sigfd) < 0)
		return -1;
	plan(run);
	return para_run_loop(run);
}

int para_run_interrupted(const struct para_run *run)
{
	return run->interrupted;
}

int para_run_failed(const struct para_run *run)
{
	return run->failed;
}

void para_run_set_failed(struct para_run *run)
{
	run->failed = 1;
}

void para_run_progress(struct para_strbuf *out, const struct para_run *run,
		       size_t width)
{
	size_t i, done = 0, shown = 0;
	char took[32];
	long long oldest = 0;

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
		if (!oldest || job->started_mono < oldest)
			oldest = job->started_mono;
	}
	if (!shown)
		para_strbuf_addstr(out, "-");
	para_duration_format(took, sizeof(took),
			     oldest ? para_monotonic_ms() - oldest : 0);
	para_strbuf_addf(out, " (%s)", took);
	if (width > 4 && out->len >= width) {
		para_strbuf_setlen(out, width - 4);
		para_strbuf_addstr(out, "...");
	}
}
