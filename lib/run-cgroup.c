/*
 * The cgroups of local attempts (run-cgroup.h): containment, cgroup.kill
 * and the tasks' --mem and --cpus.  Below the local backend and the
 * loop, which call it; it calls only lib/util.
 */
#include <fcntl.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "error.h"
#include "run-cgroup.h"
#include "run-internal.h"

#define RUN_PREFIX "git-para."
/* how long cgroup.kill may take before we give up on removing a group */
#define KILL_WAIT_MS 5000

static void warn(struct para_run *run, const char *why)
{
	char *msg;

	if (run->cgroups.warned)
		return;
	run->cgroups.warned = 1;
	msg = para_xstrfmt("--mem and --cpus are not enforced: %s", why);
	if (run->out.warning)
		run->out.warning(run->out.data, msg);
	free(msg);
}

static int declares(const struct para_task *task)
{
	return task->mem > 0 || task->cpus > 0;
}

static int any_declares(const struct para_run *run)
{
	size_t i;

	for (i = 0; i < run->nr; i++)
		if (declares(&run->jobs[i].task))
			return 1;
	return 0;
}

/* The run's group, with limits when they are wanted and can be had. */
static void make_group(struct para_run *run)
{
	struct para_run_cgroups *c = &run->cgroups;
	char *name = para_xstrfmt(RUN_PREFIX "%ld.%llu", (long)run->self.pid,
				  run->self.start);
	int want = any_declares(run);

	c->limits = want && c->root.can_limit;
	if (want && !c->root.can_limit)
		warn(run, c->root.reason);
	if (c->limits &&
	    para_cgroup_create(&c->group, &c->root.own, name, 1) < 0) {
		warn(run, para_error_last());
		c->limits = 0;
	}
	if (!c->limits && para_cgroup_create(&c->group, &c->root.own, name,
					     0) < 0) {
		if (want)
			warn(run, para_error_last());
		para_error_clear();
		free(name);
		return;
	}
	c->usable = 1;
	free(name);
}

static void probe(struct para_run *run)
{
	struct para_run_cgroups *c = &run->cgroups;

	c->probed = 1;
	para_run_cgroup_tidy();
	if (para_cgroup_probe(&c->root) < 0 || !c->root.can_create) {
		if (any_declares(run))
			warn(run, c->root.own.path ? c->root.reason
						   : para_error_last());
		para_error_clear();
		return;
	}
	make_group(run);
}

static int set_limits(const struct para_cgroup *cg,
		      const struct para_task *task)
{
	int error;

	if (task->mem > 0 &&
	    (error = para_cgroup_set_memory(cg, task->mem)) < 0)
		return error;
	if (task->cpus > 0 &&
	    (error = para_cgroup_set_cpus(cg, (double)task->cpus)) < 0)
		return error;
	return 0;
}

/* The program runs all the same, as where there are none. */
static void give_up(struct para_run *run, struct para_run_job *job)
{
	if (declares(&job->task))
		warn(run, para_error_last());
	para_error_clear();
	para_cgroup_remove(&job->cgroup);
	para_cgroup_dispose(&job->cgroup);
}

int para_run_cgroup_prepare(struct para_run *run, struct para_run_job *job)
{
	struct para_run_cgroups *c = &run->cgroups;
	int limits, fd;
	char *name;

	para_strvec_dispose(&job->task.cgroups);
	para_cgroup_dispose(&job->cgroup);
	job->oom = 0;
	if (!c->probed)
		probe(run);
	if (!c->usable)
		return -1;
	limits = c->limits && declares(&job->task);
	name = para_xstrfmt("%s.%u", job->task.name, ++c->seq);
	if (para_cgroup_create(&job->cgroup, &c->group, name, limits) < 0 ||
	    (limits && set_limits(&job->cgroup, &job->task) < 0)) {
		give_up(run, job);
		free(name);
		return -1;
	}
	free(name);
	/* none: enter() moves the program there */
	fd = open(job->cgroup.path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	return fd;
}

void para_run_cgroup_enter(struct para_run *run, struct para_run_job *job,
			   pid_t pid, int born_in)
{
	if (!job->cgroup.path)
		return;
	if ((born_in ? para_cgroup_attach_v1(&job->cgroup, pid)
		     : para_cgroup_attach(&job->cgroup, pid)) < 0)
		give_up(run, job);
	else
		para_cgroup_record(&job->task.cgroups, &job->cgroup);
}

void para_run_cgroup_kill(struct para_run *run, struct para_run_job *job)
{
	(void)run;
	if (job->cgroup.path && para_cgroup_kill(&job->cgroup) < 0)
		para_error_clear();
}

void para_run_cgroup_leave(struct para_run *run, struct para_run_job *job)
{
	struct para_run_drain *d;
	long long at;

	if (!job->cgroup.path)
		return;
	job->oom = para_cgroup_oom_kills(&job->cgroup) > 0;
	if (para_cgroup_empty(&job->cgroup) &&
	    !para_cgroup_remove(&job->cgroup)) {
		para_cgroup_dispose(&job->cgroup);
		return;
	}
	para_error_clear();
	/* nothing outlives its attempt: what is left goes as a stray would */
	para_cgroup_signal(&job->cgroup, SIGTERM);
	at = job->kill_at ? job->kill_at : para_monotonic_ms() + run->opts.grace;
	if (run->interrupted && run->global_kill_at < at)
		at = run->global_kill_at;
	run->cgroups.drain = para_realloc(run->cgroups.drain,
					  (run->cgroups.drain_nr + 1) *
					  sizeof(*d));
	d = &run->cgroups.drain[run->cgroups.drain_nr++];
	d->cgroup = job->cgroup;
	d->kill_at = at;
	d->killed = 0;
	memset(&job->cgroup, 0, sizeof(job->cgroup));
}

void para_run_cgroup_drain(struct para_run *run)
{
	struct para_run_cgroups *c = &run->cgroups;
	long long now = para_monotonic_ms();
	size_t i = 0;

	while (i < c->drain_nr) {
		struct para_run_drain *d = &c->drain[i];

		if (run->interrupted && run->global_kill_at < d->kill_at)
			d->kill_at = run->global_kill_at;
		if (!d->killed && now >= d->kill_at) {
			para_cgroup_kill(&d->cgroup);
			d->killed = 1;
		}
		/* one that will not go (killed, yet not empty) is left */
		if ((!para_cgroup_empty(&d->cgroup) &&
		     (!d->killed || now < d->kill_at + KILL_WAIT_MS)) ||
		    (para_cgroup_remove(&d->cgroup) < 0 &&
		     now < d->kill_at + KILL_WAIT_MS)) {
			i++;
			continue;
		}
		para_error_clear();
		para_cgroup_dispose(&d->cgroup);
		*d = c->drain[--c->drain_nr];
	}
}

int para_run_cgroup_draining(const struct para_run *run)
{
	return run->cgroups.drain_nr > 0;
}

/* Waits, at most `ms`, for the cgroup to have no process left. */
static int wait_empty(const struct para_cgroup *cg, long long ms)
{
	struct timespec tick = { 0, 10 * 1000 * 1000 };
	long long until = para_monotonic_ms() + ms;

	while (!para_cgroup_empty(cg)) {
		if (para_monotonic_ms() >= until)
			return 0;
		nanosleep(&tick, NULL);
	}
	return 1;
}

void para_run_cgroup_finish(struct para_run *run)
{
	struct para_run_cgroups *c = &run->cgroups;
	size_t i;

	for (i = 0; i < c->drain_nr; i++) {
		para_cgroup_kill(&c->drain[i].cgroup);
		wait_empty(&c->drain[i].cgroup, KILL_WAIT_MS);
		para_cgroup_remove(&c->drain[i].cgroup);
		para_cgroup_dispose(&c->drain[i].cgroup);
	}
	free(c->drain);
	c->drain = NULL;
	c->drain_nr = 0;
	for (i = 0; i < run->nr; i++)
		para_cgroup_dispose(&run->jobs[i].cgroup);
	if (c->group.path)
		para_cgroup_remove(&c->group);
	para_error_clear();
	para_cgroup_dispose(&c->group);
	para_cgroup_root_dispose(&c->root);
	c->usable = c->probed = 0;
}

/* Is the group `name` (git-para.<pid>.<start>) one of a run that died? */
static int run_died(const char *name)
{
	struct para_proc p;
	char *end;
	int dead;

	if (strncmp(name, RUN_PREFIX, strlen(RUN_PREFIX)))
		return 0;
	p.pid = (pid_t)strtol(name + strlen(RUN_PREFIX), &end, 10);
	if (*end != '.' || p.pid <= 0)
		return 0;
	p.start = strtoull(end + 1, &end, 10);
	if (*end)
		return 0;
	p.boot_id = para_strdup(para_proc_boot_id());
	dead = !para_proc_alive(&p);
	free(p.boot_id);
	return dead;
}

/* Removes the empty groups in `run` (a dead run's group), then it. */
static void tidy_group(const struct para_cgroup *run)
{
	struct para_strvec names = PARA_STRVEC_INIT;
	struct para_cgroup cg;
	size_t i;

	para_cgroup_list(&names, run, "");
	for (i = 0; i < names.nr; i++) {
		para_cgroup_child(&cg, run, names.v[i]);
		if (para_cgroup_empty(&cg))
			para_cgroup_remove(&cg);
		para_cgroup_dispose(&cg);
	}
	para_cgroup_remove(run);
	para_strvec_dispose(&names);
	para_error_clear();
}

void para_run_cgroup_tidy(void)
{
	struct para_strvec names = PARA_STRVEC_INIT;
	struct para_cgroup_root root;
	struct para_cgroup cg;
	size_t i;

	if (para_cgroup_probe(&root) < 0 || !root.can_create)
		goto out;
	para_cgroup_list(&names, &root.own, RUN_PREFIX);
	for (i = 0; i < names.nr; i++) {
		if (!run_died(names.v[i]))
			continue;
		para_cgroup_child(&cg, &root.own, names.v[i]);
		tidy_group(&cg);
		para_cgroup_dispose(&cg);
	}
out:
	para_error_clear();
	para_strvec_dispose(&names);
	para_cgroup_root_dispose(&root);
}

/* The directory above `dir`, or NULL. */
static char *up(const char *dir)
{
	const char *slash = dir ? strrchr(dir, '/') : NULL;

	return slash && slash != dir ?
		para_xstrfmt("%.*s", (int)(slash - dir), dir) : NULL;
}

void para_run_cgroup_stop_task(const struct para_task *task,
			       long long grace_ms)
{
	struct para_cgroup cg, run = PARA_CGROUP_INIT;
	const char *name;

	if (!task->cgroups.nr || para_cgroup_from_record(&cg,
							 &task->cgroups) < 0) {
		para_error_clear();
		return;
	}
	if (!para_cgroup_empty(&cg)) {
		para_cgroup_signal(&cg, SIGTERM);
		if (!wait_empty(&cg, grace_ms)) {
			para_cgroup_kill(&cg);
			wait_empty(&cg, KILL_WAIT_MS);
		}
	}
	para_cgroup_remove(&cg);
	/* the run's group is the directory above */
	run.path = up(cg.path);
	run.memory = up(cg.memory);
	run.cpu = up(cg.cpu);
	name = run.path ? strrchr(run.path, '/') + 1 : NULL;
	if (name && run_died(name))
		tidy_group(&run);
	para_error_clear();
	para_cgroup_dispose(&run);
	para_cgroup_dispose(&cg);
}
