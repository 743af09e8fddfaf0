#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "command.h"
#include "error.h"
#include "run-slurm-query.h"
#include "task-state.h"
#include "strbuf.h"

static void job_dispose(struct para_slurm_job *job)
{
	free(job->id);
	free(job->state);
	free(job->reason);
	free(job->node);
}

void para_slurm_jobs_dispose(struct para_slurm_jobs *jobs)
{
	size_t i;

	for (i = 0; i < jobs->nr; i++)
		job_dispose(&jobs->v[i]);
	free(jobs->v);
	jobs->v = NULL;
	jobs->nr = 0;
}

const struct para_slurm_job *para_slurm_find(const struct para_slurm_jobs *jobs,
					     const char *id)
{
	size_t i;

	for (i = 0; id && i < jobs->nr; i++)
		if (!strcmp(jobs->v[i].id, id))
			return &jobs->v[i];
	return NULL;
}

/* "2026-12-01T10:00:00", local time as Slurm prints it. */
static long long parse_time(const char *text)
{
	struct tm tm;
	const char *end;
	time_t t;

	memset(&tm, 0, sizeof(tm));
	end = strptime(text, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!end || *end)
		return 0;
	tm.tm_isdst = -1;
	t = mktime(&tm);
	return t < 0 ? 0 : (long long)t * 1000;
}

static char *field(char **p)
{
	char *start = *p, *bar = strchr(start, '|');

	if (bar) {
		*bar = '\0';
		*p = bar + 1;
	} else {
		*p = start + strlen(start);
	}
	return para_strdup(start);
}

static void parse_line(struct para_slurm_jobs *out, char *line)
{
	struct para_slurm_job *job;
	char *p = line, *when;

	if (!*line)
		return;
	out->v = para_realloc(out->v, (out->nr + 1) * sizeof(*out->v));
	job = &out->v[out->nr++];
	job->id = field(&p);
	job->state = field(&p);
	job->reason = field(&p);
	job->node = field(&p);
	when = field(&p);
	job->submitted = parse_time(when);
	free(when);
}

/* Runs a Slurm command, its output in `out`; a message names it. */
static int slurm_command(struct para_strbuf *out, struct para_strvec *args,
			 int missing_ok)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf err = PARA_STRBUF_INIT;
	char *what = para_strdup(args->v[0]);
	int status;

	para_strvec_pushv(&cmd.args, (const char *const *)args->v);
	cmd.stdin_null = 1;
	cmd.out = out;
	cmd.err = &err;
	status = para_command_run(&cmd);
	if (status && missing_ok && strstr(err.buf ? err.buf : "",
					   "Invalid job id"))
		status = 0;
	if (status) {
		para_strbuf_rtrim(&err);
		status = para_error_set(PARA_ERROR, "cannot ask Slurm ('%s' %s): %s",
			what, status < 0 ? "did not start" : "failed",
			status < 0 ? para_error_last() :
			err.len ? err.buf : "no message");
	}
	free(what);
	para_strbuf_dispose(&err);
	return status;
}

int para_slurm_query(struct para_slurm_jobs *out, const struct para_strvec *ids)
{
	struct para_strvec args = PARA_STRVEC_INIT;
	struct para_strbuf list = PARA_STRBUF_INIT, sb = PARA_STRBUF_INIT;
	char *line, *next;
	size_t i;
	int error;

	if (!ids->nr)
		return 0;
	for (i = 0; i < ids->nr; i++)
		para_strbuf_addf(&list, "%s%s", i ? "," : "", ids->v[i]);
	para_strvec_push(&args, "squeue");
	para_strvec_push(&args, "--noheader");
	para_strvec_push(&args, "--states=all");
	para_strvec_pushf(&args, "--jobs=%s", list.buf);
	para_strvec_push(&args, "--format=%i|%T|%r|%N|%V");
	error = slurm_command(&sb, &args, 1);
	for (line = sb.buf; !error && line && *line; line = next) {
		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		parse_line(out, line);
	}
	para_strvec_dispose(&args);
	para_strbuf_dispose(&list);
	para_strbuf_dispose(&sb);
	return error;
}

int para_slurm_state_ended(const char *state)
{
	static const char *const live[] = {
		"PENDING", "CONFIGURING", "RUNNING", "COMPLETING", "SUSPENDED",
		"REQUEUED", "REQUEUE_HOLD", "REQUEUE_FED", "RESIZING",
		"SIGNALING", "STAGE_OUT", "STOPPED", "RESV_DEL_HOLD", NULL
	};
	size_t i;

	for (i = 0; live[i]; i++)
		if (!strcmp(state, live[i]))
			return 0;
	return 1;
}

int para_slurm_reason_hopeless(const char *reason)
{
	/*
	 * Reasons that only a change of the cluster's configuration or
	 * of the job would clear: the job would pend forever.
	 */
	static const char *const never[] = {
		"BadConstraints", "PartitionNodeLimit", "PartitionTimeLimit",
		"PartitionConfig", "DependencyNeverSatisfied",
		"InvalidAccount", "InvalidQOS", NULL
	};
	size_t i;

	for (i = 0; reason && never[i]; i++)
		if (!strcmp(reason, never[i]))
			return 1;
	return 0;
}

/* The value of `key=` in `scontrol`'s one-line output. */
static char *scontrol_value(const char *text, const char *key)
{
	size_t len = strlen(key);
	const char *p = text;

	while ((p = strstr(p, key))) {
		if ((p == text || p[-1] == ' ' || p[-1] == '\n') &&
		    p[len] == '=')
			return para_strndup(p + len + 1,
					    strcspn(p + len + 1, " \n"));
		p += len;
	}
	return NULL;
}

int para_slurm_exit_status(int *code, int *sig, const char *id)
{
	struct para_strvec args = PARA_STRVEC_INIT;
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *value = NULL;
	int error;

	para_strvec_push(&args, "scontrol");
	para_strvec_push(&args, "--oneliner");
	para_strvec_push(&args, "show");
	para_strvec_push(&args, "job");
	para_strvec_push(&args, id);
	if ((error = slurm_command(&sb, &args, 0)) < 0)
		goto out;
	value = scontrol_value(sb.buf ? sb.buf : "", "ExitCode");
	if (!value || sscanf(value, "%d:%d", code, sig) != 2) {
		error = para_error_set(PARA_ERROR,
				       "Slurm has no exit code for job %s", id);
		goto out;
	}
	if (*sig)
		*code = -1;
out:
	free(value);
	para_strvec_dispose(&args);
	para_strbuf_dispose(&sb);
	return error;
}

int para_slurm_cluster(char **out)
{
	struct para_strvec args = PARA_STRVEC_INIT;
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *line;
	int error;

	*out = NULL;
	para_strvec_push(&args, "scontrol");
	para_strvec_push(&args, "show");
	para_strvec_push(&args, "config");
	if ((error = slurm_command(&sb, &args, 0)) < 0)
		goto out;
	for (line = sb.buf; line && *line; line = strchr(line, '\n')) {
		char name[256];

		while (*line == '\n')
			line++;
		if (sscanf(line, "ClusterName = %255s", name) == 1) {
			*out = para_strdup(name);
			break;
		}
	}
	if (!*out)
		*out = para_strdup("");
out:
	para_strvec_dispose(&args);
	para_strbuf_dispose(&sb);
	return error;
}

void para_slurm_record_read(struct para_slurm_record *out, const char *path,
			    const char *id)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *line, *next;
	int ours = 0;

	memset(out, 0, sizeof(*out));
	out->code = -1;
	if (para_strbuf_read_file(&sb, path) < 0) {
		para_error_clear();
		goto out;
	}
	for (line = sb.buf; line && *line; line = next) {
		long long n = -1;
		char word[16];

		next = strchr(line, '\n');
		if (next)
			*next++ = '\0';
		if (!strncmp(line, "job ", 4)) {
			ours = !strcmp(line + 4, id);
			continue;
		}
		if (!ours || sscanf(line, "%15s %lld", word, &n) < 1)
			continue;
		if (!strcmp(word, "started") && n > 0) {
			out->started = n;
		} else if (!strcmp(word, "missing")) {
			out->missing = 1;
		} else if (!strcmp(word, "exit") && n >= 0 && n < 256) {
			out->done = 1;
			out->code = n > 128 ? -1 : (int)n;
			out->sig = n > 128 ? (int)n - 128 : 0;
		}
	}
out:
	para_strbuf_dispose(&sb);
}

int para_slurm_same_job(const struct para_slurm_job *job, long long submitted)
{
	long long d = job->submitted - submitted;

	/* Slurm keeps whole seconds; the id is asked for just before */
	return !job->submitted || !submitted || (d > -2000 && d < 10000);
}

void para_slurm_view_dispose(struct para_slurm_view *view)
{
	free(view->text);
	free(view->job_state);
	free(view->reason);
	free(view->node);
	memset(view, 0, sizeof(*view));
}

static int is_job(const struct para_task *task)
{
	return task->job_id && (task->state == PARA_STATE_RUNNING ||
				task->state == PARA_STATE_QUEUED);
}

/* Its result, from the record or from Slurm. */
static void settle(struct para_slurm_view *v, const struct para_repo *repo,
		   const struct para_task *task, const struct para_slurm_job *sj)
{
	struct para_slurm_record rec;
	char *path = para_state_job_path(repo, task->name, ".record");

	para_slurm_record_read(&rec, path, task->job_id);
	free(path);
	v->started = rec.started ? rec.started : task->started;
	if (rec.done) {
		v->code = rec.code;
		v->sig = rec.sig;
	} else if (!sj || para_slurm_exit_status(&v->code, &v->sig,
						 task->job_id) < 0) {
		para_error_clear();
		v->state = PARA_STATE_LOST;
		v->text = para_xstrfmt("Slurm job %s: no record of its end",
				       task->job_id);
		return;
	}
	v->state = v->code == 0 ? PARA_STATE_SUCCEEDED : PARA_STATE_FAILED;
	v->text = para_xstrfmt("Slurm job %s ended: %s", task->job_id,
			       sj ? sj->state : "exit recorded");
}

static void view_one(struct para_slurm_view *v, const struct para_repo *repo,
		     const struct para_task *task,
		     const struct para_slurm_jobs *jobs, int failed)
{
	const struct para_slurm_job *sj = para_slurm_find(jobs, task->job_id);
	int runner = para_proc_alive(&task->runner);

	v->asked = 1;
	v->state = task->state;
	v->code = task->exit_code;
	v->sig = task->signal;
	if (failed) {
		if (!runner)
			v->state = PARA_STATE_UNKNOWN;
		v->text = para_xstrfmt("Slurm job %s: Slurm cannot be asked",
				       task->job_id);
		return;
	}
	if (sj && !para_slurm_same_job(sj, task->submitted))
		sj = NULL;
	if (sj) {
		v->job_state = para_strdup(sj->state);
		if (*sj->reason && strcmp(sj->reason, "None"))
			v->reason = para_strdup(sj->reason);
		if (*sj->node)
			v->node = para_strdup(sj->node);
	}
	if (sj && !para_slurm_state_ended(sj->state)) {
		v->live = 1;
		v->pending = !strcmp(sj->state, "PENDING");
		v->held = v->pending && strstr(sj->reason, "Held");
		v->text = v->pending ?
			para_xstrfmt("Slurm job %s pending (%s)", sj->id,
				     sj->reason) :
			para_xstrfmt("Slurm job %s %s on %s", sj->id,
				     sj->state, sj->node);
		if (!runner)
			v->state = PARA_STATE_ORPHANED;
		return;
	}
	if (runner) {
		v->text = para_xstrfmt("Slurm job %s ended", task->job_id);
		return;
	}
	settle(v, repo, task, sj);
}

void para_slurm_views(struct para_slurm_view *views,
		      const struct para_repo *repo,
		      const struct para_task *const *tasks, size_t nr)
{
	struct para_strvec ids = PARA_STRVEC_INIT;
	struct para_slurm_jobs jobs = PARA_SLURM_JOBS_INIT;
	size_t i;
	int failed;

	memset(views, 0, nr * sizeof(*views));
	for (i = 0; i < nr; i++)
		if (is_job(tasks[i]))
			para_strvec_push(&ids, tasks[i]->job_id);
	if (!ids.nr)
		return;
	failed = para_slurm_query(&jobs, &ids) < 0;
	para_error_clear();
	for (i = 0; i < nr; i++)
		if (is_job(tasks[i]))
			view_one(&views[i], repo, tasks[i], &jobs, failed);
	para_slurm_jobs_dispose(&jobs);
	para_strvec_dispose(&ids);
}
