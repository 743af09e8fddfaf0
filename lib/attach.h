#ifndef PARA_ATTACH_H
#define PARA_ATTACH_H

#include "repo.h"
#include "strvec.h"
#include "task.h"

/*
 * `git para attach`: a person steps into a task, in the tmux window
 * of its running attempt (`git para run --tmux`), or by resuming its
 * agent's session in this terminal (para.resumeCommand).
 */

enum para_attach_how {
	PARA_ATTACH_WINDOW,	/* `argv` shows the task's window */
	PARA_ATTACH_HEADLESS,	/* it runs, but in no window */
	PARA_ATTACH_NOT_RUNNING	/* `state` says what it is */
};

struct para_attach {
	enum para_attach_how how;
	enum para_task_state state;	/* the task's live state */
	struct para_strvec argv;	/* the tmux command */
};

#define PARA_ATTACH_INIT { PARA_ATTACH_NOT_RUNNING, PARA_STATE_NEW, \
			   PARA_STRVEC_INIT }

void para_attach_dispose(struct para_attach *attach);

/*
 * How to show task `name`: with `tmux_env` ($TMUX, or NULL outside
 * tmux) the client switches to the window (`switch-client`), else a
 * new client attaches to it (`attach-session`).  Fails for a task that
 * does not exist.
 */
int para_attach_plan(struct para_attach *out, struct para_repo *repo,
		     const char *name, const char *tmux_env);

/*
 * Runs tmux as planned, on our terminal: 0, or an error with what tmux
 * said.
 */
int para_attach_window(const struct para_attach *attach, const char *name);

/*
 * Runs `resume` (para.resumeCommand, a shell command) in the worktree
 * of task `name`, on our terminal, with the task's environment and its
 * session id (made and recorded if it has none).  Refuses a task that
 * is running, and holds it so that no run starts it meanwhile.  `*code`
 * is the command's exit status (-1 when killed by a signal).
 */
int para_attach_resume(int *code, struct para_repo *repo, const char *name,
		       const char *resume);

#endif
