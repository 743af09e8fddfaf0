#ifndef PARA_COLLECT_H
#define PARA_COLLECT_H

#include <git2.h>
#include "repo.h"
#include "strvec.h"
#include "task.h"

/*
 * The checks every `git para collect` mode makes first (Documentation/git-para-collect.adoc):
 * files each task changed outside its domain, files changed by more than
 * one task, and a pairwise merge simulation of the task branches.
 */

struct para_collect_item {
	struct para_task task;
	char tip[GIT_OID_HEXSZ + 1];	/* the branch's commit */
	struct para_strvec touched;	/* every path differing base..tip */
	struct para_strvec dirs;	/* the directories above those */
	struct para_strvec changed;	/* the task's own changes */
	struct para_strvec outside;	/* of those, outside its domain */
};

/* A path changed by several tasks (indexes into the items). */
struct para_collect_overlap {
	char *path;
	size_t *tasks;
	size_t tasks_nr;
};

/* Two tasks whose branches do not merge cleanly, and where. */
struct para_collect_conflict {
	size_t a, b;
	struct para_strvec files;
};

struct para_collect {
	struct para_collect_item *items;
	size_t nr;
	struct para_collect_overlap *overlaps;
	size_t overlaps_nr;
	struct para_collect_conflict *conflicts;
	size_t conflicts_nr;
	size_t pairs;		/* pairs of tasks */
	size_t pairs_merged;	/* of those, simulated with merge-tree */
};

#define PARA_COLLECT_INIT { NULL, 0, NULL, 0, NULL, 0, 0, 0 }

/*
 * Checks the `nr` tasks, taking them over (each of `tasks` is left
 * initialised and empty).  `shared` are the `para.sharedPath` patterns;
 * `jobs` how many git processes to run at once (0: online CPUs).
 * Returns 0 when the checks could be made, whatever they found.
 */
int para_collect_check(struct para_collect *out, struct para_repo *repo,
		       struct para_task *tasks, size_t nr,
		       const struct para_strvec *shared, unsigned jobs);

/* Number of problems found: violating tasks, overlaps and conflicts. */
size_t para_collect_problems(const struct para_collect *collect);

/* The item of task `name`, or NULL. */
struct para_collect_item *para_collect_find(struct para_collect *collect,
					    const char *name);

void para_collect_dispose(struct para_collect *collect);

/* Fills `dirs` with the directories above the paths, sorted, unique. */
void para_collect_dirs(struct para_strvec *dirs,
		       const struct para_strvec *paths);

#endif
