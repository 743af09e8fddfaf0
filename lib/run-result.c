/*
 * PARA_RESULT and PARA_INPUTS: the files through which a command says
 * what its attempt cost and found, and learns what the tasks it runs
 * after found.  Both live under the state directory, never in a
 * worktree, so that nothing of them is ever committed.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "fs.h"
#include "json.h"
#include "run-internal.h"
#include "task-state.h"

/* One dependency of the task, as PARA_INPUTS lists it. */
static void add_input(struct para_json *j, struct para_run *run,
		      const char *name)
{
	struct para_task dep;
	struct para_result r = PARA_RESULT_INIT;
	char *path = NULL;
	int loaded = para_state_load(&dep, run->repo, name) == 0;

	para_json_object_open(j, NULL);
	para_json_string(j, "name", name);
	if (!loaded) {
		para_error_clear();
		para_json_null(j, "state");
		para_json_object_close(j);
		return;
	}
	para_json_string(j, "state", para_task_state_name(dep.state));
	para_json_string(j, "branch", dep.branch);
	if (!para_result_latest(&r, &dep)) {
		if (para_result_path(&path, run->repo, name, r.attempt, 0) == 0 &&
		    access(path, F_OK) < 0) {
			free(path);
			path = NULL;
		}
	}
	para_error_clear();
	para_json_string(j, "summary", r.summary);
	para_json_string(j, "result", path);
	para_json_object_close(j);
	free(path);
	para_result_dispose(&r);
	para_task_dispose(&dep);
}

/* Writes PARA_INPUTS for a task with dependencies; its path, or NULL. */
static char *write_inputs(struct para_run *run, const struct para_run_job *job)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	struct para_json j;
	char *path = para_state_result_path(run->repo, job->task.name,
					    "inputs.json");
	size_t i;

	para_json_init(&j, &sb);
	para_json_object_open(&j, NULL);
	para_json_int(&j, "version", 1);
	para_json_array_open(&j, "inputs");
	for (i = 0; i < job->task.after.nr; i++)
		add_input(&j, run, job->task.after.v[i]);
	para_json_array_close(&j);
	para_json_object_close(&j);
	para_strbuf_addch(&sb, '\n');
	if (para_write_file_atomic(path, sb.buf, sb.len) < 0) {
		para_run_say(run, job, 1, "warning: %s", para_error_last());
		free(path);
		path = NULL;
	}
	para_strbuf_dispose(&sb);
	return path;
}

void para_run_result_reset(struct para_run_job *job)
{
	free(job->result_path);
	job->result_path = NULL;
	free(job->record);
	job->record = NULL;
	para_result_dispose(&job->result);
	job->result_mtime = 0;
	job->result_size = -1;
}

void para_run_result_prepare(struct para_strvec *env, struct para_run *run,
			     struct para_run_job *job)
{
	char *inputs;

	para_run_result_reset(job);
	if (para_result_path(&job->result_path, run->repo, job->task.name,
			     job->task.attempts, 1) < 0) {
		para_run_say(run, job, 1, "warning: %s", para_error_last());
		return;
	}
	para_strvec_pushf(env, "PARA_RESULT=%s", job->result_path);
	if (!job->task.after.nr)
		return;
	if ((inputs = write_inputs(run, job)))
		para_strvec_pushf(env, "PARA_INPUTS=%s", inputs);
	free(inputs);
}

void para_run_result_take(struct para_run *run, struct para_run_job *job)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	struct para_result r = PARA_RESULT_INIT;
	int error;

	if (!job->result_path || job->record)
		return;
	error = para_result_read(&r, job->result_path, para_now_ms());
	if (error == PARA_ENOTFOUND) {
		para_error_clear();
		return;
	}
	if (error < 0) {
		para_run_say(run, job, 1, "warning: ignoring the result in '%s': %s",
			     job->result_path, para_error_last());
		para_error_clear();
		return;
	}
	r.attempt = job->task.attempts;
	r.state = job->last.state;
	para_result_format(&sb, &r);
	job->record = para_strbuf_detach(&sb);
	para_result_dispose(&job->result);
	job->result = r;
	/* the session the next attempt of this run resumes */
	if (r.has & PARA_RESULT_SESSION) {
		free(job->task.agent_session);
		job->task.agent_session = para_strdup(r.session_id);
	}
}
