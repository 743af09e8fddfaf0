#include <stdlib.h>
#include <string.h>

#include "run-sched.h"
#include "strbuf.h"

void para_sched_init(struct para_sched *sched, int max)
{
	memset(sched, 0, sizeof(*sched));
	sched->max = max > 0 ? max : 1;
	sched->slots = para_calloc((size_t)sched->max, 1);
}

void para_sched_dispose(struct para_sched *sched)
{
	size_t i;

	for (i = 0; i < sched->nr; i++)
		free(sched->jobs[i].deps);
	free(sched->jobs);
	free(sched->slots);
	memset(sched, 0, sizeof(*sched));
}

size_t para_sched_add(struct para_sched *sched, const char *name,
		      const char *const *locks, size_t locks_nr, int exclusive)
{
	struct para_sched_job *job;

	if (sched->nr == sched->alloc) {
		sched->alloc = sched->alloc ? sched->alloc * 2 : 16;
		sched->jobs = para_realloc(sched->jobs,
					   sched->alloc * sizeof(*sched->jobs));
	}
	job = &sched->jobs[sched->nr];
	memset(job, 0, sizeof(*job));
	job->name = name;
	job->locks = locks;
	job->locks_nr = locks_nr;
	job->exclusive = exclusive;
	job->slot = -1;
	return sched->nr++;
}

void para_sched_depend(struct para_sched *sched, size_t job, size_t dep)
{
	struct para_sched_job *j = &sched->jobs[job];

	j->deps = para_realloc(j->deps, (j->deps_nr + 1) * sizeof(*j->deps));
	j->deps[j->deps_nr++] = dep;
}

static int deps_succeeded(const struct para_sched *sched,
			  const struct para_sched_job *job)
{
	size_t i;

	for (i = 0; i < job->deps_nr; i++)
		if (sched->jobs[job->deps[i]].state != PARA_SCHED_SUCCEEDED)
			return 0;
	return 1;
}

static int lock_in_use(const struct para_sched *sched, const char *lock)
{
	size_t i, k;

	for (i = 0; i < sched->nr; i++) {
		const struct para_sched_job *job = &sched->jobs[i];

		if (job->state != PARA_SCHED_RUNNING)
			continue;
		for (k = 0; k < job->locks_nr; k++)
			if (!strcmp(job->locks[k], lock))
				return 1;
	}
	return 0;
}

static int may_start(const struct para_sched *sched,
		     const struct para_sched_job *job)
{
	size_t k;

	if (job->state != PARA_SCHED_WAITING || !deps_succeeded(sched, job))
		return 0;
	if (job->exclusive && sched->running)
		return 0;
	for (k = 0; k < job->locks_nr; k++)
		if (lock_in_use(sched, job->locks[k]))
			return 0;
	return 1;
}

int para_sched_next(size_t *out, struct para_sched *sched)
{
	size_t i;

	if (sched->halted || sched->exclusive_running ||
	    sched->running >= sched->max)
		return 0;
	for (i = 0; i < sched->nr; i++)
		if (may_start(sched, &sched->jobs[i])) {
			*out = i;
			return 1;
		}
	return 0;
}

void para_sched_start(struct para_sched *sched, size_t job)
{
	struct para_sched_job *j = &sched->jobs[job];
	int slot = 0;

	while (slot < sched->max - 1 && sched->slots[slot])
		slot++;
	sched->slots[slot] = 1;
	j->slot = slot;
	j->state = PARA_SCHED_RUNNING;
	sched->running++;
	if (j->exclusive)
		sched->exclusive_running = 1;
}

static void stop(struct para_sched *sched, struct para_sched_job *job)
{
	if (job->state != PARA_SCHED_RUNNING)
		return;
	if (job->slot >= 0)
		sched->slots[job->slot] = 0;
	job->slot = -1;
	sched->running--;
	if (job->exclusive)
		sched->exclusive_running = 0;
}

/* Skips every waiting job that depends on a failed or skipped one. */
static void skip_dependents(struct para_sched *sched)
{
	int changed = 1;
	size_t i, k;

	while (changed) {
		changed = 0;
		for (i = 0; i < sched->nr; i++) {
			struct para_sched_job *job = &sched->jobs[i];

			if (job->state != PARA_SCHED_WAITING)
				continue;
			for (k = 0; k < job->deps_nr; k++) {
				enum para_sched_state s =
					sched->jobs[job->deps[k]].state;

				if (s == PARA_SCHED_FAILED ||
				    s == PARA_SCHED_SKIPPED ||
				    s == PARA_SCHED_DROPPED) {
					job->state = PARA_SCHED_SKIPPED;
					job->cause = job->deps[k];
					changed = 1;
					break;
				}
			}
		}
	}
}

void para_sched_finish(struct para_sched *sched, size_t job, int ok)
{
	struct para_sched_job *j = &sched->jobs[job];

	stop(sched, j);
	j->state = ok ? PARA_SCHED_SUCCEEDED : PARA_SCHED_FAILED;
	if (!ok)
		skip_dependents(sched);
}

void para_sched_retry(struct para_sched *sched, size_t job)
{
	struct para_sched_job *j = &sched->jobs[job];

	stop(sched, j);
	j->state = PARA_SCHED_WAITING;
}

void para_sched_drop(struct para_sched *sched, size_t job)
{
	struct para_sched_job *j = &sched->jobs[job];

	stop(sched, j);
	j->state = PARA_SCHED_DROPPED;
	skip_dependents(sched);
}

void para_sched_halt(struct para_sched *sched)
{
	size_t i;

	sched->halted = 1;
	for (i = 0; i < sched->nr; i++)
		if (sched->jobs[i].state == PARA_SCHED_WAITING)
			sched->jobs[i].state = PARA_SCHED_DROPPED;
}

size_t para_sched_count(const struct para_sched *sched,
			enum para_sched_state state)
{
	size_t i, n = 0;

	for (i = 0; i < sched->nr; i++)
		n += sched->jobs[i].state == state;
	return n;
}

int para_sched_stuck(struct para_sched *sched)
{
	size_t dummy;

	return !sched->halted && !sched->running &&
	       para_sched_count(sched, PARA_SCHED_WAITING) &&
	       !para_sched_next(&dummy, sched);
}
