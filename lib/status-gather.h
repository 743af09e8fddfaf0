#ifndef PARA_STATUS_GATHER_H
#define PARA_STATUS_GATHER_H

#include "config.h"
#include "domain-check.h"
#include "repo.h"
#include "strvec.h"
#include "task.h"
#include "worktree-provision.h"
#include "worktree-status.h"

/*
 * What `git para status` knows about a task: its recorded state, and
 * what its branch and worktree look like right now.  Refs, HEADs and
 * ahead/behind come from libgit2 in process; the status of each worktree
 * (worktree-status.h) in process when it is small, else from `git
 * status`, and the changed-file lists from the git CLI, several at a
 * time (t/perf/p3000-status.sh).  Anything that cannot be found out is reported
 * as unknown (-1, NULL) rather than as an error, so one broken task
 * never hides the others.
 */

struct para_facts {
	char *name;
	int damaged;		/* the state file could not be read */
	char *error;		/* why, when damaged */
	struct para_task task;	/* as recorded; empty when damaged */
	enum para_task_state state;	/* what to show: orphaned, lost, ... */
	int proc_alive;		/* the recorded task process lives */
	int runner_alive;	/* the recorded `git para run` lives */
	char *scheduler;	/* a batch job: what Slurm says of it */
	int slurm_asked;	/* Slurm was asked about its job */
	char *slurm_state;	/* its words: PENDING, RUNNING, ..., or NULL */
	char *slurm_reason, *slurm_node;

	int worktree_exists;
	char *gitdir;		/* the worktree's git dir, when it exists */
	char *head;		/* the worktree's HEAD: full ref name, or
				   NULL when detached or unknown */
	int detached;		/* the worktree's HEAD is detached */
	char *head_commit;	/* hex, when detached */

	int branch_exists;
	char *tip;		/* hex of the branch tip, or NULL */
	char *compare;		/* hex of what ahead/behind count against */
	char *compare_ref;	/* the ref it was read from, or NULL */
	char *merge_base;	/* hex; changed files are merge_base..tip */
	long ahead, behind;	/* -1 when unknown */

	long changed;		/* files changed, -1 when unknown */
	struct para_strvec changed_files;
	enum para_domain_verdict domain;	/* UNKNOWN: no branch to compare */
	struct para_strvec outside;	/* changed files outside the domain */

	long dirty;		/* uncommitted files, -1 when unknown */
	struct para_strvec dirty_files;	/* their paths, as far as known */
	long staged, unstaged, untracked, conflicted;

	char *log_path;
	struct para_provision provisioned;	/* what git-para put into the
						   worktree (not its work) */
};

struct para_status_options {
	int jobs;		/* git processes at once; 0: online CPUs */
	struct para_strvec shared_paths;	/* para.sharedPath */
	enum para_worktree_via status_via;	/* worktree-status.h */
	struct para_config *config;	/* the repository's, with -c; may be
					   NULL (then no content is hashed) */
};

#define PARA_STATUS_OPTIONS_INIT \
	{ 0, PARA_STRVEC_INIT, PARA_WORKTREE_VIA_AUTO, NULL }

/*
 * Gathers the facts of the tasks `names` (each must have a state file;
 * a damaged one is reported in its entry).  `*out` is an array of
 * `names->nr` entries, in the same order, freed with
 * para_status_free_all().
 */
int para_status_gather(struct para_facts **out, struct para_repo *repo,
		       const struct para_strvec *names,
		       const struct para_status_options *opts);

void para_status_free_all(struct para_facts *facts, size_t nr);

/* Removes what status keeps about a task (its cached index copy). */
void para_status_forget(const struct para_repo *repo, const char *name);

/* Run time in ms (finished or now minus started), -1 when never started. */
long long para_facts_run_time(const struct para_facts *facts, long long now);

#endif
