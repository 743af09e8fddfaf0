#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "command.h"
#include "error.h"
#include "fs.h"
#include "run-internal.h"
#include "run-slurm-query.h"
#include "task-state.h"

/*
 * The Slurm backend: each attempt is a batch job (Documentation/
 * git-para-slurm.adoc).  git-para decides when a task may start
 * (dependencies, locks, -j) and submits it then, held, so that the job
 * is on record before anything of it can run; it learns of every job
 * with one `squeue` per poll, and stops one with `scancel`.
 */

extern char **environ;

/*
 * The job script: enters the worktree or fails loudly (Slurm itself
 * would run the job in /tmp), records its start and the command's exit
 * status where git-para reads them, and outlives a SIGTERM (which
 * `scancel --signal=TERM` sends the command as well) until the command
 * has ended.
 */
static const char job_script[] =
	"#!/bin/sh\n"
	"# git-para: the batch job of one attempt (git-para-slurm(1))\n"
	"record=%s\n"
	"worktree=%s\n"
	"trap 'term=1' TERM\n"
	"printf 'job %%s\\nstarted %%s\\n' \"$SLURM_JOB_ID\" "
	"\"$(date +%%s%%3N)\" >\"$record\"\n"
	"if ! cd \"$worktree\" 2>/dev/null; then\n"
	"\techo \"git-para: worktree '$worktree' is missing on" 
	" $(hostname)\" >&2\n"
	"\tprintf 'missing\\nexit 1\\n' >>\"$record\"\n"
	"\texit 1\n"
	"fi\n"
	"\"$@\"\n"
	"code=$?\n"
	"printf 'exit %%s\\n' \"$code\" >>\"$record\"\n"
	"exit $code\n";

static char *shell_quote(const char *s)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;

	para_strbuf_addch(&sb, '\'');
	for (; *s; s++) {
		if (*s == '\'')
			para_strbuf_addstr(&sb, "'\\''");
		else
			para_strbuf_addch(&sb, *s);
	}
	para_strbuf_addch(&sb, '\'');
	return para_strbuf_detach(&sb);
}

static int write_script(struct para_run_job *job)
{
	char *record = shell_quote(job->remote.record);
	char *worktree = shell_quote(job->task.worktree);
	char *text = para_xstrfmt(job_script, record, worktree);
	int error;

	error = para_write_file_atomic(job->remote.script, text, strlen(text));
	if (!error && chmod(job->remote.script, 0755) < 0)
		error = para_error_set(PARA_ERROR, "cannot make '%s' executable",
				       job->remote.script);
	free(record);
	free(worktree);
	free(text);
	return error;
}

/* A short, stable name for the repository: its state directory hashed. */
static unsigned long repo_id(const struct para_repo *repo)
{
	const unsigned char *p = (const unsigned char *)repo->state_dir;
	unsigned long h = 2166136261UL;

	for (; *p; p++)
		h = ((h ^ *p) * 16777619UL) & 0xffffffffUL;
	return h;
}

char *para_run_slurm_job_name(const struct para_run *run, const char *task)
{
	return para_xstrfmt("para.%08lx.%s", repo_id(run->repo), task);
}

static char *job_file(struct para_run *run, struct para_run_job *job,
		      const char *ext)
{
	char *suffix = para_xstrfmt("%s%s", run->opts.exec_argv ? ".exec" : "",
				    ext);
	char *path = para_state_job_path(run->repo, job->task.name, suffix);

	free(suffix);
	return path;
}

static int prepare_paths(struct para_run *run, struct para_run_job *job)
{
	char *dir = para_state_job_path(run->repo, NULL, NULL);
	int error = para_mkdir_p(dir);

	free(dir);
	if (error < 0)
		return error;
	free(job->remote.script);
	free(job->remote.record);
	job->remote.script = job_file(run, job, ".sh");
	job->remote.record = job_file(run, job, ".record");
	unlink(job->remote.record);
	return write_script(job);
}

/* The environment of sbatch: the task's, exactly (--export=ALL). */
static void sbatch_env(struct para_strvec *env, const char *const *want)
{
	char **e;
	size_t i;

	for (e = environ; *e; e++) {
		size_t len = strcspn(*e, "=");
		int kept = 0;

		for (i = 0; want[i] && !kept; i++)
			kept = !strncmp(want[i], *e, len + 1);
		if (!kept) {
			char *name = para_strndup(*e, len);

			para_strvec_push(env, name);
			free(name);
		}
	}
	para_strvec_pushv(env, want);
}

/* The option of `names` that `word` is, short or long, or NULL. */
static const char *option_of(const char *word, const char *const *names)
{
	size_t i, len;

	for (i = 0; names[i]; i++) {
		len = strlen(names[i]);
		if (strncmp(word, names[i], len))
			continue;
		/* "-o file", "-ofile", "--output=file"; not "--outputs" */
		if (!word[len] || word[len] == '=' || names[i][1] != '-')
			return names[i];
	}
	return NULL;
}

/* Does para.slurmOptions set one of `names`? */
static int sets_option(const char *options, const char *const *names)
{
	struct para_strvec words = PARA_STRVEC_INIT;
	size_t i;
	int found = 0;

	para_strvec_split(&words, options ? options : "");
	for (i = 0; i < words.nr && !found; i++)
		found = words.v[i][0] == '-' && option_of(words.v[i], names);
	para_strvec_dispose(&words);
	return found;
}

static const char *const mem_options[] = {
	"--mem", "--mem-per-cpu", "--mem-per-gpu", NULL
};
static const char *const cpu_options[] = { "-c", "--cpus-per-task", NULL };

/*
 * The task's declared resources, as Slurm's own request, unless
 * para.slurmOptions asks for them itself (it knows the site's ways).
 */
static void resource_args(struct para_strvec *args, const char *options,
			  const struct para_task *task)
{
	if (task->mem > 0 && !sets_option(options, mem_options))
		/* whole mebibytes, rounded up as PARA_MEM is */
		para_strvec_pushf(args, "--mem=%lldM",
				  (task->mem + (1LL << 20) - 1) >> 20);
	if (task->cpus > 0 && !sets_option(options, cpu_options))
		para_strvec_pushf(args, "--cpus-per-task=%d", task->cpus);
}

static void sbatch_args(struct para_strvec *args, struct para_run *run,
			struct para_run_job *job, const struct para_spawn *spawn)
{
	char *name;

	para_strvec_push(args, "sbatch");
	para_strvec_push(args, "--parsable");
	/* released at once when ungated: a release starts it quicker */
	para_strvec_push(args, "--hold");
	name = para_run_slurm_job_name(run, job->task.name);
	para_strvec_pushf(args, "--job-name=%s", name);
	free(name);
	para_strvec_pushf(args, "--output=%s", job->log_path);
	para_strvec_push(args, "--open-mode=append");
	para_strvec_pushf(args, "--chdir=%s", job->task.worktree);
	para_strvec_push(args, "--export=ALL");
	if (run->opts.timeout)
		/* a backstop only: git-para enforces the timeout itself */
		para_strvec_pushf(args, "--time=%lld",
				  (run->opts.timeout + run->opts.grace) / 60000 +
				  2);
	resource_args(args, run->opts.slurm_options, &job->task);
	if (run->opts.slurm_options)
		para_strvec_split(args, run->opts.slurm_options);
	para_strvec_push(args, job->remote.script);
	para_strvec_pushv(args, spawn->argv);
}

/* sbatch's messages on one line, without their "sbatch: error: ". */
static void one_line(struct para_strbuf *err)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	const char *p = err->buf ? err->buf : "", *end;

	while (*p) {
		end = p + strcspn(p, "\n");
		if (!strncmp(p, "sbatch: error: ", 15))
			p += 15;
		if (end > p)
			para_strbuf_addf(&sb, "%s%.*s", sb.len ? "; " : "",
					 (int)(end - p), p);
		p = *end ? end + 1 : end;
	}
	para_strbuf_dispose(err);
	*err = sb;
}

static int submit(struct para_run *run, struct para_run_job *job,
		  const struct para_spawn *spawn)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT, err = PARA_STRBUF_INIT;
	int status;

	sbatch_args(&cmd.args, run, job, spawn);
	sbatch_env(&cmd.env, spawn->env);
	cmd.stdin_null = 1;
	cmd.out = &out;
	cmd.err = &err;
	job->task.submitted = para_now_ms();
	status = para_command_run(&cmd);
	para_strbuf_rtrim(&out);
	one_line(&err);
	if (status || !out.len || strspn(out.buf, "0123456789") == 0)
		status = para_error_set(PARA_ERROR, "sbatch failed: %s",
					status < 0 ? para_error_last() :
					err.len ? err.buf : "no job id");
	else
		job->remote.id = para_strndup(out.buf,
					      strspn(out.buf, "0123456789"));
	para_strbuf_dispose(&out);
	para_strbuf_dispose(&err);
	return status;
}

static int scontrol_release(const char *id)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf err = PARA_STRBUF_INIT;
	int status;

	para_strvec_push(&cmd.args, "scontrol");
	para_strvec_push(&cmd.args, "release");
	para_strvec_push(&cmd.args, id);
	cmd.stdin_null = 1;
	cmd.err = &err;
	status = para_command_run(&cmd);
	/* its first line says it; the second repeats it */
	para_strbuf_setlen(&err, strcspn(err.buf, "\n"));
	if (status)
		status = para_error_set(PARA_ERROR, "cannot release Slurm job %s: %s",
					id, err.len ? err.buf : "scontrol failed");
	para_strbuf_dispose(&err);
	return status;
}

static void scancel(const char *id, const char *signal)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;

	para_strvec_push(&cmd.args, "scancel");
	if (signal) {
		para_strvec_push(&cmd.args, "--full");
		/*
		 * SIGKILL asked of the whole job is a cancel that waits
		 * KillWait after a SIGTERM; asked of the batch step, it
		 * is sent at once to every process of it
		 */
		if (!strcmp(signal, "KILL"))
			para_strvec_push(&cmd.args, "--batch");
		para_strvec_pushf(&cmd.args, "--signal=%s", signal);
	}
	para_strvec_push(&cmd.args, id);
	cmd.stdin_null = 1;
	cmd.out = &out;
	cmd.err = &out;
	/* a job that ended meanwhile is no error */
	para_command_run(&cmd);
	para_strbuf_dispose(&out);
}

static void slurm_reap(struct para_run *run, struct para_run_job *job);

void para_run_srun_cancel(struct para_run *run, struct para_run_job *job,
			  const char *signal)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;
	char *name = para_run_slurm_job_name(run, job->task.name);

	para_strvec_push(&cmd.args, "scancel");
	para_strvec_pushf(&cmd.args, "--name=%s", name);
	/* ours only, whoever else runs a job of that name */
	para_strvec_pushf(&cmd.args, "--user=%lu", (unsigned long)getuid());
	if (signal)
		para_strvec_pushf(&cmd.args, "--signal=%s", signal);
	cmd.stdin_null = 1;
	cmd.out = &out;
	cmd.err = &out;
	/* Slurm down or the job gone: nothing more to tell it */
	para_command_run(&cmd);
	para_strbuf_dispose(&out);
	free(name);
}

int para_run_launcher_is_srun(const char *launcher)
{
	struct para_strvec words = PARA_STRVEC_INIT;
	const char *slash;
	int is = 0;

	para_strvec_split(&words, launcher ? launcher : "");
	if (words.nr) {
		slash = strrchr(words.v[0], '/');
		is = !strcmp(slash ? slash + 1 : words.v[0], "srun");
	}
	para_strvec_dispose(&words);
	return is;
}

static const char *const name_options[] = { "-J", "--job-name", NULL };

int para_run_srun_check(const struct para_run_options *opts)
{
	struct para_strvec words = PARA_STRVEC_INIT;
	const char *bad = NULL;
	size_t i;

	para_strvec_split(&words, opts->launcher);
	for (i = 1; i < words.nr && !bad; i++)
		if (words.v[i][0] == '-')
			bad = option_of(words.v[i], name_options);
	if (bad)
		para_error_set(PARA_EINVALID,
			"'para.launcher' may not set '%s': git-para names the srun job to find it again",
			bad);
	para_strvec_dispose(&words);
	return bad ? PARA_EINVALID : 0;
}

static int slurm_start(struct para_run *run, struct para_run_job *job,
		       const struct para_spawn *spawn)
{
	if (!run->cluster && para_slurm_cluster(&run->cluster) < 0)
		return -1;
	if (prepare_paths(run, job) < 0 || submit(run, job, spawn) < 0) {
		/* no job will read them */
		slurm_reap(run, job);
		return -1;
	}
	job->remote.running = job->remote.killed = job->remote.seen = 0;
	job->leader = 0;
	/* no process of ours: the job id stands for it */
	free(job->task.proc.boot_id);
	memset(&job->task.proc, 0, sizeof(job->task.proc));
	free(job->task.cluster);
	free(job->task.job_id);
	job->task.cluster = para_strdup(run->cluster);
	job->task.job_id = para_strdup(job->remote.id);
	if (!spawn->gated && scontrol_release(job->remote.id) < 0) {
		scancel(job->remote.id, NULL);
		slurm_reap(run, job);
		return -1;
	}
	return 0;
}

static int slurm_release(struct para_run *run, struct para_run_job *job)
{
	(void)run;
	return scontrol_release(job->remote.id);
}

static void slurm_signal(struct para_run *run, struct para_run_job *job,
			 int sig)
{
	int running;

	(void)run;
	if (!job->remote.id || job->remote.killed)
		return;
	/*
	 * Its job script may have begun (it recorded so) before a poll of
	 * ours saw the job run: then the command gets the signal, not a
	 * cancel that reaches only the batch shell
	 */
	running = job->remote.running ||
		  (job->remote.record && !access(job->remote.record, F_OK));
	if (sig == SIGKILL) {
		job->remote.killed = 1;
		if (running)
			scancel(job->remote.id, "KILL");
		scancel(job->remote.id, NULL);
	} else if (running) {
		scancel(job->remote.id, "TERM");
	} else {
		/* nothing of it runs yet: it goes */
		job->remote.killed = 1;
		scancel(job->remote.id, NULL);
	}
}

static void set_text(char **to, const char *from)
{
	free(*to);
	*to = from ? para_strdup(from) : NULL;
}

/* One `squeue` for every job this run waits for. */
static void slurm_refresh(struct para_run *run)
{
	struct para_strvec ids = PARA_STRVEC_INIT;
	struct para_slurm_jobs jobs = PARA_SLURM_JOBS_INIT;
	size_t i;

	for (i = 0; i < run->nr; i++)
		if (run->jobs[i].active && run->jobs[i].remote.id &&
		    !run->jobs[i].checking)
			para_strvec_push(&ids, run->jobs[i].remote.id);
	run->query_failed = para_slurm_query(&jobs, &ids) < 0;
	for (i = 0; i < run->nr; i++) {
		struct para_run_job *job = &run->jobs[i];
		const struct para_slurm_job *sj;

		if (!job->active || !job->remote.id || job->checking)
			continue;
		job->remote.seen = !run->query_failed;
		if (run->query_failed)
			continue;
		sj = para_slurm_find(&jobs, job->remote.id);
		if (sj && !para_slurm_same_job(sj, job->task.submitted))
			sj = NULL;	/* a new cluster's job of the same id */
		set_text(&job->remote.state, sj ? sj->state : NULL);
		set_text(&job->remote.reason, sj ? sj->reason : NULL);
		set_text(&job->remote.node, sj ? sj->node : NULL);
	}
	para_slurm_jobs_dispose(&jobs);
	para_strvec_dispose(&ids);
}

/* The job was seen running: its timeout counts from now. */
static void started(struct para_run *run, struct para_run_job *job)
{
	job->remote.running = 1;
	job->started_mono = para_monotonic_ms();
	if (run->opts.timeout && !job->remote.adopted)
		job->deadline = job->timeout_at =
			job->started_mono + run->opts.timeout;
}

/* The job is over: its exit status from its record, else from Slurm. */
static void ended(struct para_run_job *job)
{
	struct para_slurm_record rec;

	para_slurm_record_read(&rec, job->remote.record, job->remote.id);
	if (rec.started)
		job->last.started = rec.started;
	if (rec.done) {
		job->last.code = rec.code;
		job->last.signal = rec.sig;
	} else if (para_slurm_exit_status(&job->last.code, &job->last.signal,
					  job->remote.id) < 0) {
		para_error_clear();
		job->last.code = -1;
		job->last.signal = 0;
	}
	if (rec.missing || (!rec.done && !job->remote.state)) {
		free(job->note);
		job->note = rec.missing ?
			para_xstrfmt("worktree '%s' is missing on the node",
				     job->task.worktree) :
			para_xstrfmt("Slurm job %s ended without a record",
				     job->remote.id);
		job->last.note = job->note;
	}
}

/* Pending for a reason that never clears: it goes, the task fails. */
static void never_starts(struct para_run_job *job)
{
	job->remote.killed = 1;
	scancel(job->remote.id, NULL);
	job->last.code = -1;
	job->last.signal = 0;
	free(job->note);
	job->note = para_xstrfmt("Slurm job %s can never start (%s): cancelled",
				 job->remote.id, job->remote.reason);
	job->last.note = job->note;
}

static int slurm_poll(struct para_run *run, struct para_run_job *job)
{
	const char *state = job->remote.state;

	if (!job->remote.seen)
		return 0;
	if (state && !strcmp(state, "PENDING") &&
	    para_slurm_reason_hopeless(job->remote.reason)) {
		never_starts(job);
		return 1;
	}
	if (state && !para_slurm_state_ended(state)) {
		if (!job->remote.running && strcmp(state, "PENDING"))
			started(run, job);
		return 0;
	}
	ended(job);
	return 1;
}

static void slurm_reap(struct para_run *run, struct para_run_job *job)
{
	(void)run;
	if (job->remote.script)
		unlink(job->remote.script);
	if (job->remote.record)
		unlink(job->remote.record);
	free(job->remote.id);
	free(job->remote.script);
	free(job->remote.record);
	free(job->remote.state);
	free(job->remote.reason);
	free(job->remote.node);
	memset(&job->remote, 0, sizeof(job->remote));
}

static int slurm_fd(const struct para_run_job *job)
{
	(void)job;
	return -1;
}

const struct para_run_backend para_run_slurm = {
	.name = "slurm",
	.start = slurm_start,
	.release = slurm_release,
	.poll = slurm_poll,
	.signal = slurm_signal,
	.reap = slurm_reap,
	.fd = slurm_fd,
	.interval = 200,
	.refresh = slurm_refresh,
	.queues = 1,
};

/* sbatch options git-para sets itself, short and long. */
static const char *const owned[] = {
	"-o", "--output", "-e", "--error", "-D", "--chdir", "-J",
	"--job-name", "--open-mode", "--export", "--export-file", "-H",
	"--hold", "--parsable", "--wrap", "-W", "--wait", "-i", "--input",
	NULL
};

int para_run_slurm_check(const struct para_run_options *opts)
{
	struct para_strvec words = PARA_STRVEC_INIT;
	const char *bad = NULL;
	size_t i;

	if (opts->launcher)
		return para_error_set(PARA_EINVALID,
			"the slurm backend takes no 'para.launcher': each task is a batch job of its own");
	if (opts->tag)
		return para_error_set(PARA_EINVALID,
			"'--tag' needs the local backend: a Slurm job writes its output to the task's log");
	para_strvec_split(&words, opts->slurm_options ? opts->slurm_options : "");
	for (i = 0; i < words.nr && !bad; i++)
		if (words.v[i][0] == '-')
			bad = option_of(words.v[i], owned);
	if (bad)
		para_error_set(PARA_EINVALID,
			"'para.slurmOptions' may not set '%s': git-para sets the job's output, directory, name and environment",
			bad);
	para_strvec_dispose(&words);
	return bad ? PARA_EINVALID : 0;
}

void para_run_slurm_plan(struct para_run *run)
{
	const struct para_task **tasks = para_calloc(run->nr + 1,
						     sizeof(*tasks));
	struct para_slurm_view *views = para_calloc(run->nr + 1,
						    sizeof(*views));
	size_t i;

	for (i = 0; i < run->nr; i++)
		tasks[i] = &run->jobs[i].task;
	para_slurm_views(views, run->repo, tasks, run->nr);
	for (i = 0; i < run->nr; i++) {
		struct para_run_job *job = &run->jobs[i];
		struct para_slurm_view *v = &views[i];

		if (v->asked && v->state == PARA_STATE_UNKNOWN) {
			job->remote.unknown = 1;
		} else if (v->asked && (v->state == PARA_STATE_ORPHANED ||
					v->state == PARA_STATE_SUCCEEDED ||
					v->state == PARA_STATE_FAILED)) {
			job->remote.adopted = 1;
			job->remote.id = para_strdup(job->task.job_id);
			job->remote.running = v->live && !v->pending;
		}
		para_slurm_view_dispose(v);
	}
	free(views);
	free(tasks);
}

int para_run_slurm_adopt(struct para_run *run, struct para_run_job *job)
{
	struct para_slurm_record rec;
	int error = 0;

	job->backend = &para_run_slurm;
	job->tries++;
	job->attempt = job->task.attempt > 0 ? job->task.attempt : 1;
	memset(&job->last, 0, sizeof(job->last));
	job->last.number = job->attempt;
	job->last.started = job->task.started;
	job->last.code = -1;
	job->timed_out = job->cancelled = 0;
	job->retrying = 0;
	para_run_idle_start(job);
	job->kill_at = job->deadline = 0;
	job->remote.script = job_file(run, job, ".sh");
	job->remote.record = job_file(run, job, ".record");
	job->started_mono = para_monotonic_ms();
	para_slurm_record_read(&rec, job->remote.record, job->remote.id);
	if (job->remote.running && run->opts.timeout)
		/* from the job's start, as far as its record tells */
		job->deadline = job->timeout_at = job->started_mono +
			run->opts.timeout -
			(rec.started ? para_now_ms() - rec.started : 0);
	error = para_run_update_state(run, job, para_run_set_running);
	if (error < 0) {
		job->last.state = PARA_STATE_FAILED;
		job->last.finished = para_now_ms();
		free(job->note);
		job->note = para_strdup(para_error_last());
		job->last.note = job->note;
		slurm_reap(run, job);
		return -1;
	}
	/*
	 * Held still when its run died before releasing it; releasing a
	 * job that is not held fails, and does no harm.
	 */
	if (!job->remote.running)
		scontrol_release(job->remote.id);
	para_error_clear();
	para_run_say(run, job, 0,
		     "taken over: Slurm job %s, submitted by a 'git para run' that died",
		     job->remote.id);
	job->active = 1;
	return 0;
}
