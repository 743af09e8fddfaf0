#ifndef PARA_RUN_SCHED_H
#define PARA_RUN_SCHED_H

#include <stddef.h>

/*
 * The run scheduler: which job may start now, given at most `max` at a
 * time, dependencies between jobs, exclusive jobs (alone, nothing else
 * at the same time) and named locks (jobs sharing one never overlap).
 * It knows nothing of processes; the caller starts what it is given and
 * reports back.  Each running job holds a slot in 0..max-1, unique among
 * the jobs running at the same time.
 */
enum para_sched_state {
	PARA_SCHED_WAITING = 0,
	PARA_SCHED_RUNNING,
	PARA_SCHED_SUCCEEDED,
	PARA_SCHED_FAILED,
	PARA_SCHED_SKIPPED,	/* a dependency failed or was skipped */
	PARA_SCHED_DROPPED	/* never started: halted, or dropped by the caller */
};

struct para_sched_job {
	const char *name;			/* borrowed */
	const char *const *locks;		/* borrowed */
	size_t locks_nr;
	int exclusive;
	size_t *deps;				/* indexes of the jobs it waits for */
	size_t deps_nr;
	enum para_sched_state state;
	int slot;				/* -1 unless running */
	size_t cause;				/* skipped: the dependency to blame */
};

struct para_sched {
	struct para_sched_job *jobs;
	size_t nr, alloc;
	int max;
	int running;
	int exclusive_running;
	int halted;
	unsigned char *slots;			/* max entries, 1 = in use */
};

void para_sched_init(struct para_sched *sched, int max);
void para_sched_dispose(struct para_sched *sched);

/* Adds a job; returns its index. */
size_t para_sched_add(struct para_sched *sched, const char *name,
		      const char *const *locks, size_t locks_nr, int exclusive);

/* Job `job` starts only after job `dep` succeeded. */
void para_sched_depend(struct para_sched *sched, size_t job, size_t dep);

/*
 * Finds a waiting job that may start now (dependencies succeeded, a free
 * slot, no exclusive job running, no lock in use); jobs added first go
 * first.  Returns 1 and sets `*out`, or 0 when none may start now.
 */
int para_sched_next(size_t *out, struct para_sched *sched);

/* Marks the job running and gives it the lowest free slot. */
void para_sched_start(struct para_sched *sched, size_t job);

/*
 * A running job ended.  On failure every job that depends on it,
 * directly or not, becomes skipped.  A job given back with `retry`
 * waits again (it keeps its place in the order).
 */
void para_sched_finish(struct para_sched *sched, size_t job, int ok);
void para_sched_retry(struct para_sched *sched, size_t job);

/* A waiting job that will not run (the caller refused it): like a failure. */
void para_sched_drop(struct para_sched *sched, size_t job);

/* Stops handing out jobs; the waiting ones become dropped. */
void para_sched_halt(struct para_sched *sched);

/* Number of jobs in `state`. */
size_t para_sched_count(const struct para_sched *sched,
			enum para_sched_state state);

/*
 * 1 when nothing runs and nothing can start, yet jobs wait: they wait on
 * each other (a dependency cycle).
 */
int para_sched_stuck(struct para_sched *sched);

#endif
