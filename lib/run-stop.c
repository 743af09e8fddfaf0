#include <signal.h>
#include <stdlib.h>

#include "clock.h"
#include "strbuf.h"
#include "run-internal.h"
#include "task-state.h"

/* Was the stop asked for this attempt of the job's task? */
static int stop_asked(struct para_run *run, const struct para_run_job *job)
{
	struct para_task t;
	int asked;

	if (para_state_load(&t, run->repo, job->task.name) < 0)
		return 0;
	asked = t.stop_requested && t.runner.pid == run->self.pid &&
		t.runner.start == run->self.start;
	para_task_dispose(&t);
	return asked;
}

void para_run_take_stops(struct para_run *run)
{
	long long now = para_monotonic_ms();
	size_t i;

	if (run->opts.exec_argv)
		return;
	for (i = 0; i < run->nr; i++) {
		struct para_run_job *job = &run->jobs[i];

		if (!job->active || job->cancelled || !stop_asked(run, job))
			continue;
		run->backend->signal(run, job, SIGTERM);
		job->cancelled = 1;
		/* said in the log and the report; and no retry */
		free(job->note);
		job->note = para_strdup("stopped by 'git para stop'");
		job->last.note = job->note;
		if (!job->kill_at || job->kill_at > now + run->opts.grace)
			job->kill_at = now + run->opts.grace;
	}
}
