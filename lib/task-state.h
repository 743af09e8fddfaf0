#ifndef PARA_TASK_STATE_H
#define PARA_TASK_STATE_H

#include "lock.h"
#include "strbuf.h"
#include "repo.h"
#include "task.h"

/*
 * The task store: one file per task in `<state_dir>/tasks/<name>`, in
 * git's config format (readable with `git config -f`), with a format
 * version and an end marker so that truncation is noticed.  Files are
 * replaced atomically (temporary file, fsync, rename, directory fsync).
 *
 * Locks, under `<state_dir>/locks/`:
 *   tasks.lock     held while tasks are created or removed, so that the
 *                  overlap check and the creation are one step
 *   <name>.lock    held around a read-modify-write of one task
 */

#define PARA_STATE_VERSION 1

/*
 * The layout of the state directory, <common-dir>/para, known here only:
 *   tasks/<name>                 a task's state file
 *   locks/<what>.lock            see above
 *   logs/<name>.log              what a task's runs wrote
 *   logs/<name>..exec.log        what `git para run -- <command>` wrote
 *   logs/hooks.log               what the hooks (hook.h) wrote
 *   logs/<name>..verify.log      the output of the task's last verify,
 *                                while it failed (PARA_VERIFY_LOG)
 *   cache/status/<name>.<kind>   what `git para status` keeps of a task
 *   cache/verify/<tree>-<cmd>    a verify result of collect: the tree id
 *                                and the hash of the verify command
 *   verify-worktree/             the scratch worktree collect verifies in
 *   jobs/<name><suffix>          a task's batch job: script and record
 *   context.md                   PARA_CONTEXT, what every task may read
 *                                of the others (task-context.h), written
 *                                under locks/_context.lock (no task can
 *                                be named so)
 *   results/<name>/<n>.json      PARA_RESULT of the task's attempt n
 *   results/<name>/inputs.json   PARA_INPUTS, what its dependencies did
 * The helpers return malloc'd paths and create nothing.
 */
#define PARA_STATE_TASKS "tasks"
#define PARA_STATE_LOGS "logs"
#define PARA_STATE_STATUS_CACHE "cache/status"
#define PARA_STATE_ATTIC "attic"
#define PARA_STATE_PROVISION "provision"
#define PARA_STATE_AGENT "agent"
#define PARA_STATE_VERIFY_CACHE "cache/verify"
#define PARA_STATE_VERIFY_WORKTREE "verify-worktree"
#define PARA_STATE_JOBS "jobs"
#define PARA_STATE_RESULTS "results"

char *para_state_task_path(const struct para_repo *repo, const char *name);
char *para_state_tasks_path(const struct para_repo *repo);
char *para_state_lock_path(const struct para_repo *repo, const char *what);
/* The kinds of log a task has, for para_state_log_path(). */
enum para_state_log {
	PARA_STATE_LOG_TASK = 0,	/* <name>.log */
	PARA_STATE_LOG_EXEC = 1,	/* <name>..exec.log */
	PARA_STATE_LOG_VERIFY = 2	/* <name>..verify.log */
};
/* What follows the task's name in a log of `kind`, here and in the attic. */
const char *para_state_log_suffix(int kind);
char *para_state_log_path(const struct para_repo *repo, const char *name,
			  int kind);
char *para_state_hooks_log_path(const struct para_repo *repo);
#define PARA_STATE_CONTEXT_LOCK "_context"
char *para_state_context_path(const struct para_repo *repo);
/* agent/<name>.status: PARA_STATUS_FILE, what the command reports */
char *para_state_agent_path(const struct para_repo *repo, const char *name);
/* `name` NULL: the directory; else `name` followed by `suffix`. */
char *para_state_attic_path(const struct para_repo *repo, const char *name,
			    const char *suffix);
char *para_state_provision_path(const struct para_repo *repo,
				const char *name, const char *suffix);
/* `name` NULL: the directory; else `name` followed by `suffix`. */
char *para_state_job_path(const struct para_repo *repo, const char *name,
			  const char *suffix);
/* `name` NULL: the directory; else `file` in the task's directory. */
char *para_state_result_path(const struct para_repo *repo, const char *name,
			     const char *file);
/* `name` NULL: the directory; else its file of `kind` ("index", ...). */
char *para_state_status_cache_path(const struct para_repo *repo,
				   const char *name, const char *kind);

/* `name` NULL: the directory; else the file of that verify result. */
char *para_state_verify_cache_path(const struct para_repo *repo,
				   const char *name);
char *para_state_verify_worktree_path(const struct para_repo *repo);

/*
 * Loads a task.  PARA_ENOTFOUND when there is no such task; PARA_ECORRUPT,
 * with the file named, when the file is damaged, truncated or of a newer
 * version.
 */
int para_state_load(struct para_task *out, const struct para_repo *repo,
		    const char *name);

/* Writes a task atomically. */
int para_state_save(const struct para_repo *repo,
		    const struct para_task *task);

/* Removes a task's state file (missing is fine). */
int para_state_remove(const struct para_repo *repo, const char *name);

/* 1 if a state file exists for `name`. */
int para_state_exists(const struct para_repo *repo, const char *name);

/* The names of every recorded task, sorted. */
int para_state_list(struct para_strvec *out, const struct para_repo *repo);

/*
 * Removes the temporary files that writers killed between their write
 * and their rename left anywhere in the state directory (lib/util/fs.h:
 * only those provably stale).  The list above does so for the tasks.
 */
void para_state_sweep(const struct para_repo *repo);

/* Takes `<state_dir>/locks/<what>.lock`. */
int para_state_lock(struct para_lock *lock, const struct para_repo *repo,
		    const char *what, int flags);

/* Removes `<state_dir>/locks/<what>.lock` while `lock` holds it. */
int para_state_lock_remove(struct para_lock *lock,
			   const struct para_repo *repo, const char *what);

/*
 * Changes task `name`'s state under its lock: loads it, passes it to
 * `fn`, and saves it when `fn` returns 0.  `fn` returns 1 to leave the
 * task as it was, or a negative error, which is returned.  Every change
 * of a task's state is written here (task-update.c), and once the lock
 * is released it runs the `state` hooks when the state or the state the
 * command reported changed.
 */
typedef int (*para_state_update_fn)(struct para_task *task, void *data);

int para_state_update(const struct para_repo *repo, const char *name,
		      para_state_update_fn fn, void *data);

/* Serialises a task in the file format (exposed for the unit tests). */
void para_state_format(struct para_strbuf *out, const struct para_task *task);

/* Parses a state file at `path` (exposed for the unit tests). */
int para_state_parse_file(struct para_task *out, const char *path);

#endif
