#ifndef PARA_PARALLEL_H
#define PARA_PARALLEL_H

#include <sys/types.h>
#include "strbuf.h"
#include "strvec.h"

/*
 * Runs many short read-only git commands, several at a time, capturing
 * their output: `git status` of a large worktree costs far more than the
 * process start, and independent worktrees can be looked at at once
 * (MEASURED.md).  Children get stdin and stderr from/to /dev/null and
 * none of the variables that would point them at our repository.
 */
struct para_gitjob {
	struct para_strvec args;	/* arguments after "git" */
	struct para_strvec env;		/* "K=V" added to the environment */
	struct para_strbuf out;		/* standard output, filled in */
	int status;			/* exit status, 128 + signal, or -1
					   when it could not be started */
	/* private */
	pid_t pid;
	int fd;
};

void para_gitjob_init(struct para_gitjob *job);
void para_gitjob_dispose(struct para_gitjob *job);

/*
 * Runs every job, at most `max` at a time (the online CPUs when `max` is
 * 0), and waits for all of them.  Returns 0; each job's result is in its
 * `status` and `out`.
 */
int para_gitjob_run_all(struct para_gitjob **jobs, size_t nr, int max);

#endif
