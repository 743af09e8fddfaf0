#ifndef PARA_RUN_TMUX_H
#define PARA_RUN_TMUX_H

#include "strbuf.h"

/*
 * `git para run --tmux` (lib/run-tmux.c, lib/run-tmux-pane.c): each
 * attempt in a window of the tmux session para-<repo>.
 */

/* Fails, naming it, when tmux is not on PATH. */
int para_run_tmux_check(void);

/*
 * The session's name for the repository whose main worktree is `top`:
 * "para-" and the directory's name, each character other than a letter,
 * a digit, '-' or '_' made '_'.
 */
void para_run_tmux_session(struct para_strbuf *out, const char *top);

/*
 * The window's side (`git-para-run --tmux-pane <socket>`): calls the
 * run at the abstract socket `name`, receives the terminal of the
 * task's command and relays between it and our own terminal until the
 * command's terminal is closed by all.  Returns the exit status.
 */
int para_run_tmux_pane(const char *name);

#endif
