#ifndef PARA_T_UNIT_LIB_UNIT_H
#define PARA_T_UNIT_LIB_UNIT_H

#include <limits.h>
#include <stdint.h>

#include "repo.h"
#include "task.h"

/*
 * What the unit programs share (t/unit/lib-unit.c): shell steps that
 * must succeed, domains, random numbers, and a real repository with one
 * task worktree.
 */

/* the directory of the current fixture, "" between fixtures */
extern char unit_tmpdir[PATH_MAX];

/* runs a shell command (output discarded); the test fails unless it exits 0 */
void unit_sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

/* A domain of space-separated patterns; the test fails if one is invalid. */
struct para_domain *unit_domain(const char *patterns);

/*
 * A number below n from the xorshift generator whose state is *state:
 * each program seeds its own, so that its cases are the same each run.
 */
unsigned unit_rng(uint64_t *state, unsigned n);

/*
 * <unit_tmpdir>/r: a main worktree with one commit on main, and
 * <unit_tmpdir>/wt: a task worktree on branch solve/t at the same
 * commit, opened as repo (the current directory is r) and described
 * by task (name t, branch solve/t, base that commit).
 */
struct unit_task_repo {
	struct para_repo *repo;
	struct para_task task;
};

int unit_task_repo_setup(struct unit_task_repo *out, const char *name);
int unit_task_repo_teardown(struct unit_task_repo *r);

#endif
