#include <stdlib.h>
#include <string.h>

#include "run-sched.h"
#include "strbuf.h"

void para_sched_init(struct para_sched *sched, int max)
{
	memset(sched, 0, sizeof(*sched));
	sched->max = max > 0 ? max : 1;
	sched->slots = para_calloc((size_t)sched->max, 1);
	sched->mem_available = sched->mem_base = -1;
	sched->load = -1;
	sched->last_start = -1;
}

void para_sched_set_limits(struct para_sched *sched,
			   const struct para_sched_limits *limits)
{
	sched->limits = *limits;
}

void para_sched_observe(struct para_sched *sched, long long mem_available,
			double load, long long now)
{
	sched->mem_available = mem_available;
	if (sched->mem_base < 0)
		sched->mem_base = mem_available;
	sched->load = load;
	sched->now = now;
}

void para_sched_restamp(struct para_sched *sched, long long now)
{
	sched->now = now;
	if (sched->last_start >= 0)
		sched->last_start = now;
}

void para_sched_pause(struct para_sched *sched, long long until)
{
	if (until > sched->pause_until)
		sched->pause_until = until;
}

void para_sched_set_mem(struct para_sched *sched, size_t job, long long mem)
{
	sched->jobs[job].mem = mem > 0 ? mem : 0;
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

	sched->jobs = para_grow(sched->jobs, &sched->alloc, sched->nr + 1,
				sizeof(*sched->jobs));
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

/* What the machine's state holds back, whichever job it would be. */
static enum para_sched_hold machine_hold(const struct para_sched *sched)
{
	const struct para_sched_limits *l = &sched->limits;

	if (sched->pause_until && sched->now < sched->pause_until)
		return PARA_SCHED_HOLD_PAUSE;
	if (l->delay && sched->last_start >= 0 &&
	    sched->now - sched->last_start < l->delay)
		return PARA_SCHED_HOLD_DELAY;
	if (l->memfree && sched->mem_available >= 0 &&
	    sched->mem_available <= l->memfree)
		return PARA_SCHED_HOLD_MEMORY;
	if (l->load > 0 && sched->load >= 0 && sched->load > l->load)
		return PARA_SCHED_HOLD_LOAD;
	return PARA_SCHED_GO;
}

static int fits(const struct para_sched *sched,
		const struct para_sched_job *job)
{
	if (!job->mem || sched->mem_base < 0 || !sched->running)
		return 1;
	return sched->mem_running + job->mem <=
	       sched->mem_base - sched->limits.memfree;
}

int para_sched_next(size_t *out, struct para_sched *sched)
{
	enum para_sched_hold hold;
	size_t i;

	sched->hold = PARA_SCHED_GO;
	if (sched->halted || sched->exclusive_running ||
	    sched->running >= sched->max)
		return 0;
	hold = machine_hold(sched);
	for (i = 0; i < sched->nr; i++) {
		if (!may_start(sched, &sched->jobs[i]))
			continue;
		if (hold) {
			sched->hold = hold;
			return 0;
		}
		if (!fits(sched, &sched->jobs[i])) {
			sched->hold = PARA_SCHED_HOLD_FIT;
			continue;
		}
		*out = i;
		return 1;
	}
	return 0;
}

long long para_sched_delay_left(const struct para_sched *sched)
{
	long long left;

	if (sched->hold == PARA_SCHED_HOLD_PAUSE)
		left = sched->pause_until - sched->now;
	else if (sched->hold == PARA_SCHED_HOLD_DELAY)
		left = sched->last_start + sched->limits.delay - sched->now;
	else
		return 0;
	return left > 0 ? left : 1;
}

int para_sched_victim(size_t *out, struct para_sched *sched)
{
	const struct para_sched_limits *l = &sched->limits;
	size_t i, found = 0;
	int any = 0;

	if (!l->memfree || sched->mem_available < 0 ||
	    sched->mem_available >= l->memfree / 2)
		return 0;
	for (i = 0; i < sched->nr; i++) {
		const struct para_sched_job *job = &sched->jobs[i];

		if (job->state != PARA_SCHED_RUNNING)
			continue;
		if (job->stopping)
			return 0;
		if (!any || job->started > sched->jobs[found].started)
			found = i;
		any = 1;
	}
	if (any)
		*out = found;
	return any;
}

void para_sched_stopping(struct para_sched *sched, size_t job)
{
	sched->jobs[job].stopping = 1;
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
	j->started = ++sched->starts;
	j->stopping = 0;
	sched->running++;
	sched->mem_running += j->mem;
	sched->last_start = sched->now;
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
	job->stopping = 0;
	sched->running--;
	sched->mem_running -= job->mem;
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

	/* a job that the machine holds back is ready, not stuck */
	return !sched->halted && !sched->running &&
	       para_sched_count(sched, PARA_SCHED_WAITING) &&
	       !para_sched_next(&dummy, sched) && !sched->hold;
}
