#ifndef PARA_RUN_CGROUP_H
#define PARA_RUN_CGROUP_H

#include "task.h"

/*
 * The cgroups of local attempts (Documentation/git-para-run.adoc,
 * "Resources"): below the cgroup `git para run` is in, one group per
 * run, `git-para.<pid>.<start>` (the runner's pid and start time), and
 * in it one per attempt, `<task>.<n>`.  What outlives a run is found
 * here by others: `git para stop` and `prune --force` of an orphan, and
 * the tidying of the groups of runners that died.
 */

/*
 * Ends whatever is left in the cgroup the task's last attempt was
 * recorded in: SIGTERM, cgroup.kill once `grace_ms` have passed, then
 * the group is removed (and its run's, once empty, if that run died).
 */
void para_run_cgroup_stop_task(const struct para_task *task,
			       long long grace_ms);

/* Removes the empty groups of runs that died, below our own cgroup. */
void para_run_cgroup_tidy(void);

#endif
