#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "run-internal.h"

/* Is `pid` the leader of a running attempt? */
static int is_leader(const struct para_run *run, pid_t pid)
{
	size_t k;

	for (k = 0; k < run->nr; k++)
		if (run->jobs[k].active && run->jobs[k].child.pid == pid)
			return 1;
	return 0;
}

/* Does any process outside the running leaders remain? */
int para_run_has_strays(struct para_run *run)
{
	pid_t *kids;
	size_t nr, i;
	int strays = 0;

	if (para_runner_children(&kids, &nr) < 0)
		return 1;
	for (i = 0; i < nr && !strays; i++)
		strays = !is_leader(run, kids[i]);
	free(kids);
	return strays;
}

/* The task an escaped process came from: by session, or by environment. */
static struct para_run_job *owner_of(struct para_run *run, pid_t pid)
{
	pid_t sid = getsid(pid);
	char *name;
	size_t i;

	for (i = 0; i < run->nr; i++)
		if (sid > 0 && run->jobs[i].leader == sid)
			return &run->jobs[i];
	name = para_proc_getenv(pid, "PARA_TASK");
	for (i = 0; name && i < run->nr; i++)
		if (!strcmp(run->jobs[i].task.name, name)) {
			free(name);
			return &run->jobs[i];
		}
	free(name);
	return NULL;
}

/* The signal an escaped process gets now, or 0 when it may live on. */
static int hunt_signal(const struct para_run *run,
		       const struct para_run_job *owner, long long now)
{
	if (run->interrupted)
		return now >= run->global_kill_at ? SIGKILL : SIGTERM;
	if (owner && !owner->active && owner->hunting)
		return now >= owner->hunt_kill_at ? SIGKILL : SIGTERM;
	return 0;
}

/* Kills the escaped processes of ended tasks (of all, once interrupted). */
void para_run_hunt(struct para_run *run)
{
	long long now = para_monotonic_ms();
	pid_t *kids;
	size_t nr, i, k;
	int *found = para_calloc(run->nr + 1, sizeof(int));

	if (para_runner_children(&kids, &nr) < 0) {
		free(found);
		return;
	}
	for (i = 0; i < nr; i++) {
		struct para_run_job *owner;

		if (is_leader(run, kids[i]))
			continue;
		owner = owner_of(run, kids[i]);
		if (para_runner_hit(kids[i], hunt_signal(run, owner, now)))
			continue;
		if (owner)
			found[owner - run->jobs] = 1;
	}
	for (k = 0; k < run->nr; k++)
		if (run->jobs[k].hunting && !found[k])
			run->jobs[k].hunting = 0;
	free(kids);
	free(found);
	para_run_cgroup_drain(run);
}

int para_run_hunting(struct para_run *run)
{
	size_t i;

	if (para_run_cgroup_draining(run))
		return 1;
	for (i = 0; i < run->nr; i++)
		if (run->jobs[i].hunting)
			return 1;
	return 0;
}
