#include <stdlib.h>
#include <string.h>

#include "attach.h"
#include "command.h"
#include "error.h"
#include "lock.h"
#include "strbuf.h"
#include "task-env.h"
#include "task-state.h"

void para_attach_dispose(struct para_attach *attach)
{
	para_strvec_dispose(&attach->argv);
}

static int is_live(enum para_task_state state)
{
	return state == PARA_STATE_RUNNING || state == PARA_STATE_ORPHANED;
}

int para_attach_plan(struct para_attach *out, struct para_repo *repo,
		     const char *name, const char *tmux_env)
{
	struct para_task task;

	if (para_state_load(&task, repo, name) < 0)
		return -1;
	out->state = para_task_live_state(&task);
	if (!is_live(out->state))
		out->how = PARA_ATTACH_NOT_RUNNING;
	else if (!task.tmux_pane || !task.tmux_socket)
		out->how = PARA_ATTACH_HEADLESS;
	else
		out->how = PARA_ATTACH_WINDOW;
	if (out->how == PARA_ATTACH_WINDOW) {
		para_strvec_push(&out->argv, "tmux");
		para_strvec_pushf(&out->argv, "-S%s", task.tmux_socket);
		/* a client inside tmux moves; tmux refuses to nest */
		para_strvec_push(&out->argv, tmux_env && *tmux_env
				 ? "switch-client" : "attach-session");
		para_strvec_pushf(&out->argv, "-t%s", task.tmux_pane);
	}
	para_task_dispose(&task);
	return 0;
}

int para_attach_window(const struct para_attach *attach, const char *name)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf err = PARA_STRBUF_INIT;
	int status, error = 0;

	para_strvec_pushv(&cmd.args, (const char *const *)attach->argv.v);
	cmd.err = &err;
	status = para_command_run(&cmd);
	para_strbuf_rtrim(&err);
	if (status < 0)
		error = -1;
	else if (status)
		error = para_error_set(PARA_ERROR, "cannot show the window of "
				       "task '%s'%s%s", name,
				       err.len ? ": " : "", err.len ? err.buf
								    : "");
	para_strbuf_dispose(&err);
	return error;
}

static int keep_session(struct para_task *task, void *data)
{
	struct para_task *ours = data;

	if (para_task_session_ensure(task) < 0)
		return -1;
	free(ours->session_id);
	ours->session_id = para_strdup(task->session_id);
	return 0;
}

static int run_resume(int *code, struct para_repo *repo,
		      const struct para_task *task, const char *resume)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	int status;

	para_strvec_push(&cmd.args, "/bin/sh");
	para_strvec_push(&cmd.args, "-c");
	para_strvec_push(&cmd.args, resume);
	para_task_env_build_in(&cmd.env, repo, task, PARA_TASK_ENV_DOMAIN |
			       PARA_TASK_ENV_UNSET_GIT |
			       PARA_TASK_ENV_RESOURCES, NULL);
	cmd.dir = task->worktree;
	status = para_command_run(&cmd);
	if (status < 0)
		return -1;
	*code = status > 128 ? -1 : status;
	return 0;
}

int para_attach_resume(int *code, struct para_repo *repo, const char *name,
		       const char *resume)
{
	struct para_lock lock = PARA_LOCK_INIT;
	struct para_task task;
	char *what = para_xstrfmt("running/%s", name);
	int error;

	para_task_init(&task);
	if ((error = para_state_load(&task, repo, name)) < 0)
		goto out;
	/* as a run claims it: a run holding it now is running it */
	if (is_live(para_task_live_state(&task)) ||
	    para_state_lock(&lock, repo, what, 0) < 0) {
		para_error_clear();
		error = para_error_set(PARA_EINVALID, "task '%s' is running: "
				       "'git para attach %s' shows its window, "
				       "'git para stop %s' stops it", name,
				       name, name);
		goto out;
	}
	if ((error = para_state_update(repo, name, keep_session, &task)) < 0)
		goto out;
	error = run_resume(code, repo, &task, resume);
out:
	para_lock_release(&lock);
	para_task_dispose(&task);
	free(what);
	return error;
}
