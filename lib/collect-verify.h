#ifndef PARA_COLLECT_VERIFY_H
#define PARA_COLLECT_VERIFY_H

#include "repo.h"
#include "strbuf.h"
#include "strvec.h"

/*
 * Verifying a merge candidate of `git para collect --merge --verify`:
 * the verify command (a shell command) runs in one scratch worktree
 * under the state directory (para_state_verify_worktree_path()),
 * checked out detached at the candidate and kept for the next run, so
 * that a build there can be incremental.  Results are kept by the
 * candidate's tree and the command: a tree verified once with a command
 * is never verified with it again.
 */

struct para_verify {
	int passed;			/* the command exited 0 */
	int cached;			/* the result was known: nothing ran */
	int status;			/* its exit status, -1 when cached */
	int timed_out;			/* killed for the time limit */
	struct para_strbuf output;	/* what it printed, both streams */
};

#define PARA_VERIFY_INIT { 0, 0, -1, 0, PARA_STRBUF_INIT }

void para_verify_dispose(struct para_verify *verify);

/*
 * Verifies `commit` with `command`.  `tasks` (may be NULL) are the
 * names of the tasks the candidate holds, given to the command as
 * PARA_VERIFY_TASKS, one a line; the commit is PARA_VERIFY_COMMIT.
 * With `timeout` (ms, 0 for none) a command still running then is
 * killed, its whole process group, and the candidate fails; that
 * result is not kept (the next collect runs it again).
 * Returns 0 whatever the command said, negative when it could not run.
 * The caller holds the verify lock (para_verify_lock()).
 */
int para_verify_commit(struct para_verify *out, struct para_repo *repo,
		       const char *commit, const char *command,
		       const struct para_strvec *tasks, long long timeout);

/* The cached result only: 1 known (in `out`), 0 not known. */
int para_verify_cached(struct para_verify *out, struct para_repo *repo,
		       const char *commit, const char *command);

/* The lock that keeps two collects out of the scratch worktree. */
struct para_lock;
int para_verify_lock(struct para_lock *lock, struct para_repo *repo);

#endif
