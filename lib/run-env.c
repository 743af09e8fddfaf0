/*
 * What a job's programs get: their argv (under para.launcher) and their
 * environment.  Below run-start.c and run-end.c, which start them.
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "run-internal.h"
#include "task-env.h"
#include "task-state.h"

void para_run_build_env(struct para_strvec *env, struct para_run *run,
			struct para_run_job *job, int command)
{
	struct para_strvec extra = PARA_STRVEC_INIT;
	char *verify_log = NULL;

	para_strvec_pushv(env, (const char *const *)run->base_env.v);
	para_strvec_pushf(&extra, "PARA_SLOT=%d",
			  run->sched.jobs[job->index].slot);
	para_strvec_pushf(&extra, "PARA_ATTEMPT=%d", job->attempt);
	para_strvec_pushf(&extra, "PARA_LOG=%s", job->log_path);
	if (command && !run->opts.exec_argv) {
		verify_log = para_state_log_path(run->repo, job->task.name,
						 PARA_STATE_LOG_VERIFY);
		if (!access(verify_log, F_OK))
			para_strvec_pushf(&extra, "PARA_VERIFY_LOG=%s",
					  verify_log);
		para_run_agent_prepare(&extra, run, job);
		para_run_result_prepare(&extra, run, job);
		para_run_budget_prepare(&extra, run, job);
	}
	if (run->backend == &para_run_srun) {
		/* srun takes its job's name from here: the job is found by it */
		char *name = para_run_slurm_job_name(run, job->task.name);

		para_strvec_pushf(&extra, "SLURM_JOB_NAME=%s", name);
		free(name);
	}
	para_task_env_build_in(env, run->repo, &job->task,
			       PARA_TASK_ENV_DOMAIN | PARA_TASK_ENV_RESOURCES,
			       (const char *const *)extra.v);
	para_strvec_dispose(&extra);
	free(verify_log);
}

const char *para_run_task_command(const struct para_run *run,
				  const struct para_run_job *job)
{
	if (job->resuming)
		return run->opts.resume_command;
	return job->task.command ? job->task.command : run->opts.command;
}

void para_run_build_argv(struct para_strvec *argv, const struct para_run *run,
			 const struct para_run_job *job, const char *shell)
{
	if (run->opts.launcher) {
		/* the launcher is a shell prefix: `srun --ntasks=1 --` */
		para_strvec_push(argv, "/bin/sh");
		para_strvec_push(argv, "-c");
		para_strvec_pushf(argv, "%s \"$@\"", run->opts.launcher);
		para_strvec_push(argv, "para-launcher");
	}
	if (run->opts.exec_argv && !shell) {
		para_strvec_pushv(argv, run->opts.exec_argv);
	} else {
		para_strvec_push(argv, "/bin/sh");
		para_strvec_push(argv, "-c");
		para_strvec_push(argv, shell ? shell : para_run_task_command(run, job));
	}
}

/*
 * A command of one word that the shell would make nothing of (no
 * quote, variable, glob, redirection, separator or assignment), found
 * in PATH, runs without a shell, as git runs such commands: its file,
 * looked for once per run; else NULL, and the shell runs it.
 */
static const char *plain_command(struct para_run *run, const char *cmd)
{
	if (!*cmd || cmd[strcspn(cmd, "|&;<>()$`\\\"' \t\n*?[#~=%{}!")])
		return NULL;
	if (!run->plain_word || strcmp(run->plain_word, cmd)) {
		free(run->plain_word);
		free(run->plain_path);
		run->plain_word = para_strdup(cmd);
		run->plain_path = para_child_find(cmd);
	}
	return run->plain_path;
}

/* The real path of the job's worktree, found once for its attempts. */
static const char *job_pwd(struct para_run_job *job)
{
	const char *wt = job->task.worktree;

	if (!wt)
		return NULL;
	if (!job->pwd || strcmp(job->pwd_of, wt)) {
		free(job->pwd);
		free(job->pwd_of);
		job->pwd = realpath(wt, NULL);
		job->pwd_of = para_strdup(wt);
	}
	return job->pwd;
}

int para_run_spawn(struct para_run *run, struct para_run_job *job,
		   const char *shell, int out_fd, int gated)
{
	struct para_strvec argv = PARA_STRVEC_INIT, env = PARA_STRVEC_INIT;
	const char *cmd = shell ? shell : para_run_task_command(run, job);
	const char *plain = NULL;
	struct para_spawn spawn;
	const char *pwd;
	int error;

	if ((!run->opts.exec_argv || shell) && !run->opts.launcher &&
	    job->backend == &para_run_local)
		plain = plain_command(run, cmd);
	if (plain)
		para_strvec_push(&argv, cmd);
	else
		para_run_build_argv(&argv, run, job, shell);
	para_run_build_env(&env, run, job, !shell);
	/* where it runs, as a shell would have set it (absolute, no ..) */
	if ((pwd = job_pwd(job)))
		para_strvec_pushf(&env, "PWD=%s", pwd);
	spawn.argv = (const char *const *)argv.v;
	spawn.env = (const char *const *)env.v;
	spawn.dir = job->task.worktree;
	spawn.out_fd = out_fd;
	spawn.gated = gated;
	spawn.cgroup_fd = -1;
	spawn.gate_unborn = 0;
	/* the command after `--` is looked for once, not at each start */
	spawn.path = run->opts.exec_argv && !shell && !run->opts.launcher ?
		     run->exec_path : plain;
	error = job->backend->start(run, job, &spawn);
	para_strvec_dispose(&argv);
	para_strvec_dispose(&env);
	return error;
}
