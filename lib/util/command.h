#ifndef PARA_COMMAND_H
#define PARA_COMMAND_H

#include <sys/types.h>

#include "strbuf.h"
#include "strvec.h"

/*
 * Running other programs, above all the git CLI (which is faster than
 * libgit2 for checkout, status, diff and merge, and honours every
 * setting and extension the user has).
 */
struct para_command {
	struct para_strvec args;	/* argv; args.v[0] is the program */
	struct para_strvec env;		/* "K=V" sets, "K" unsets */
	const char *dir;		/* chdir here first, if set */
	int git;			/* run `git` with args, repository
					   variables of ours cleared */
	int stdin_null;			/* stdin from /dev/null */
	struct para_strbuf *out;	/* capture stdout here, if set */
	struct para_strbuf *err;	/* capture stderr here, if set */
	int err_to_out;			/* send stderr where stdout goes */
	const char *in;			/* feed this to stdin, if set */
	int out_to_err;			/* send stdout to our stderr */
	long long timeout;		/* ms; then its process group, its
					   own, is killed; 0 for none */
	int timed_out;			/* set when that happened */
};

#define PARA_COMMAND_INIT { PARA_STRVEC_INIT, PARA_STRVEC_INIT, NULL, 0, 0, \
			    NULL, NULL, 0, NULL, 0, 0, 0 }

/*
 * Runs the command and waits for it.  Returns its exit status (0..255),
 * 128 + signal if it was killed, or a negative error if it could not be
 * started.  The args and env are disposed of.  With a timeout the
 * command runs in a process group of its own, SIGKILLed whole when the
 * time is up (then `timed_out` is set and the status is 128 + 9).
 */
int para_command_run(struct para_command *cmd);

/*
 * Starts the command without waiting for it, with `in`, `out` and `err`
 * (each -1 to keep ours, stdin then coming from /dev/null if
 * cmd->stdin_null) as its stdin, stdout and stderr, in cmd->dir, with
 * its environment, executing cmd->args (which, for cmd->git, must
 * already start with "git").  Returns its pid, or -1 (errno set) when
 * it could not be started.  Where it cannot run (no such program, or
 * cmd->dir), the child says why on its stderr and exits 127 (128 for
 * the directory).
 */
pid_t para_command_start(struct para_command *cmd, int in, int out, int err);

/*
 * Sets `cmd` up as `git -C <dir> <sub>` with stdin from /dev/null and
 * both its output streams into `out`; the caller pushes the rest of the
 * arguments and runs it.
 */
void para_git_command_quiet(struct para_command *cmd, struct para_strbuf *out,
			    const char *dir, const char *sub);

/*
 * Shorthand: runs `git -C <dir> <args...>` (dir may be NULL), capturing
 * stdout in `out` and stderr in `err` (either may be NULL to inherit).
 */
int para_git(struct para_strbuf *out, struct para_strbuf *err,
	     const char *dir, ...) __attribute__((sentinel));

#endif
