#ifndef PARA_ADD_H
#define PARA_ADD_H

#include <signal.h>
#include <stddef.h>

#include "config.h"
#include "repo.h"
#include "strvec.h"
#include "task.h"

/*
 * The add transaction, all or nothing:
 *
 *   plan    each task is named and given its branch, base, domain and
 *           worktree path, and checked on its own;
 *   check   under the "tasks" lock, the plan is checked against the
 *           existing tasks and itself (names, branches, dependencies,
 *           cycles, overlapping domains);
 *   create  still under the lock, each task gets its branch, worktree
 *           (sparse if asked), state file, para.copy files and
 *           para.setup.  When a step fails, everything this transaction
 *           created is removed again before the call returns.
 *
 * Errors about a manifest's section start with "<manifest>:<line>: ",
 * those about an issue's declaration with "issue #<n>, line <line>: ".
 */
struct para_add;

struct para_add_options {
	int sparse;		/* check out only the domain and para.sparseContext */
	int reuse_branch;	/* start the tasks on branches that exist */
	int allow_overlap;	/* accept overlapping domains */
	/*
	 * Polled between the steps of create (may be NULL): once it is
	 * non-zero, create stops and rolls back.  A signal handler sets it.
	 */
	volatile sig_atomic_t *interrupted;
	int offline;		/* do not read issues (para.issueCommand) */
	int no_copy;		/* no para.copy, .worktreeinclude, para.symlink */
	int no_setup;		/* no para.setup */
	int dry_run;		/* check only: a task left incomplete by
				   an add that died is not undone */
};

/* One task to add, from the command line or a manifest's section. */
struct para_add_input {
	const char *name;	/* NULL: issue-<issue> */
	const char *issue;	/* "42" or "#42", or NULL */
	const char *branch;	/* NULL: para.branchPrefix and the name */
	const char *base;	/* NULL: see para_base_resolve() */
	const char *prompt;
	const char *prompt_file;	/* read at once */
	const char *command;	/* NULL: para.command */
	const char *verify;	/* NULL: para.verify */
	const struct para_strvec *paths, *after, *locks;	/* may be NULL */
	int exclusive;
	long long mem;		/* declared memory, bytes, 0 none */
	int cpus;		/* declared CPUs, 0 none */
};

/* `repo` and `config` are borrowed and must outlive the transaction. */
int para_add_new(struct para_add **out, struct para_repo *repo,
		 struct para_config *config, const struct para_add_options *opts);

/* Releases the lock if held; rolls nothing back (create does). */
void para_add_free(struct para_add *add);

/*
 * Plans one task; on failure the plan is as it was.  A task of an issue
 * (`in->issue`) reads the issue with para.issueCommand unless the
 * transaction is offline: its title is recorded, its title, body and
 * URL begin the prompt (`in->prompt` or the prompt file follow them),
 * and the Paths:, After: and Locks: its body declares are the task's
 * unless `in` gives paths, dependencies or locks of its own
 * (lib/issue.h).  An After: "#41" is the task of issue 41.
 */
int para_add_plan(struct para_add *add, const struct para_add_input *in);

/*
 * Plans the task of each issue para.issueListCommand finds for `query`,
 * with `in` (whose issue is ignored) for each; refused when it finds
 * none.
 */
int para_add_plan_query(struct para_add *add, const struct para_add_input *in,
			const char *query);

/*
 * Plans every section of the manifest at `path`, in order; `base` (may
 * be NULL) for the sections that name none.
 */
int para_add_plan_manifest(struct para_add *add, const char *path,
			   const char *base);

/*
 * Takes the "tasks" lock and checks the plan; keeps the lock on success
 * (until create or free), releases it on failure.  Existing tasks whose
 * state file or domain is damaged are skipped, with a warning (see
 * para_add_warnings()).
 */
int para_add_check(struct para_add *add);

/*
 * Creates the checked plan and releases the lock.  On failure, what was
 * created is removed again; para_add_interrupted() says whether the
 * reason was `interrupted`.
 */
int para_add_create(struct para_add *add);

/*
 * What `git para edit` changes of a task; a value not set stays.  A set
 * list replaces the task's (empty or NULL: cleared); a set command or
 * verify that is NULL goes back to para.command or para.verify.
 */
struct para_add_edit {
	const char *prompt, *prompt_file;	/* NULL: unchanged */
	int set_paths, set_after, set_locks, set_command, set_verify;
	const struct para_strvec *paths, *after, *locks;
	const char *command, *verify;
};

/*
 * Changes task `name` of a new transaction (its options: allow_overlap)
 * under the tasks lock, all or nothing: refused with PARA_ELOCKED while
 * it runs, waits its turn or is orphaned; a new domain or new
 * dependencies pass the checks of para_add_check() against every other
 * task.  A sparse worktree gets the new domain checked out.  What add
 * warns about a domain is warned about the new one, in
 * para_add_warnings(), with the tasks that are skipped as damaged.
 */
int para_add_edit(struct para_add *add, const char *name,
		  const struct para_add_edit *in);

/* The planned tasks, in order (borrowed). */
size_t para_add_count(const struct para_add *add);
const struct para_task *para_add_task(const struct para_add *add, size_t i);

/* What check found to warn about, one message each (borrowed). */
const struct para_strvec *para_add_warnings(const struct para_add *add);

/* 1 when create failed because it was interrupted. */
int para_add_interrupted(const struct para_add *add);

/*
 * Undoes what a `git para add` that died before its end left of task
 * `t` (recorded as being created, its add gone: `incomplete`): the
 * worktree, the branch it made (kept when it has moved from the base
 * since), its provisioning record and its state.  A worktree path that
 * is no longer a directory is refused, and nothing is removed.
 */
struct para_add_undone {
	int worktree;		/* its worktree was removed */
	int branch;		/* its branch was deleted */
	int branch_kept;	/* its branch moved: kept */
};

int para_add_undo(struct para_add_undone *out, struct para_repo *repo,
		  const struct para_task *t);

#endif
