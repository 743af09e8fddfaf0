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
	long long mem;				/* declared memory, bytes, 0 none */
	unsigned long started;			/* order of its last start */
	int stopping;				/* being preempted */
};

/*
 * Admission: what the machine must have to spare for a new start, and
 * the least time between two starts.  Zero turns a limit off.
 */
struct para_sched_limits {
	long long memfree;			/* bytes of MemAvailable */
	double load;				/* most 1-minute load */
	long long delay;			/* ms */
};

/* Why no job may start although one is ready. */
enum para_sched_hold {
	PARA_SCHED_GO = 0,
	PARA_SCHED_HOLD_MEMORY,		/* MemAvailable not above memfree */
	PARA_SCHED_HOLD_FIT,		/* declared memory does not fit */
	PARA_SCHED_HOLD_LOAD,		/* load above the limit */
	PARA_SCHED_HOLD_DELAY,		/* too soon after the last start */
	PARA_SCHED_HOLD_PAUSE		/* paused (a rate limit) */
};

struct para_sched {
	struct para_sched_job *jobs;
	size_t nr, alloc;
	int max;
	int running;
	int exclusive_running;
	int halted;
	unsigned char *slots;			/* max entries, 1 = in use */
	struct para_sched_limits limits;
	long long mem_available;		/* last reading, -1 unknown */
	long long mem_base;			/* the first reading, -1 none */
	double load;				/* last reading, -1 unknown */
	long long now;				/* monotonic ms of the reading */
	long long last_start;			/* monotonic ms, -1 for none */
	unsigned long starts;
	long long mem_running;			/* declared by running jobs */
	enum para_sched_hold hold;		/* why next() found nothing */
	long long pause_until;			/* monotonic ms, 0 none */
};

void para_sched_init(struct para_sched *sched, int max);
void para_sched_dispose(struct para_sched *sched);

/*
 * Admission limits (copied).  Without them, or before a reading, the
 * scheduler admits as before: by slots, dependencies and locks alone.
 */
void para_sched_set_limits(struct para_sched *sched,
			   const struct para_sched_limits *limits);

/*
 * What the machine has now, at monotonic time `now` (ms): available
 * memory in bytes and the 1-minute load, each -1 when unknown (an
 * unknown reading holds nothing back).
 */
void para_sched_observe(struct para_sched *sched, long long mem_available,
			double load, long long now);

/*
 * The last start took until `now` (monotonic ms): the start delay counts
 * from then.  The time of the reading is `now` too.
 */
void para_sched_restamp(struct para_sched *sched, long long now);

/*
 * Declares how much memory job `job` needs (bytes).  Jobs that declare
 * memory start while the sum declared by the running ones, with theirs,
 * fits in the memory that was available at the first reading minus
 * `memfree` (the memory they use is gone from later readings, so these
 * would count it twice).  With nothing running, a job starts even when
 * it does not fit: alone, rather than never.
 */
void para_sched_set_mem(struct para_sched *sched, size_t job, long long mem);

/*
 * No job starts before monotonic time `until` (ms); a later pause
 * extends an earlier one, never shortens it.  Readings keep the time.
 */
void para_sched_pause(struct para_sched *sched, long long until);

/*
 * After para_sched_next() found nothing: ms until the start delay or
 * the pause has passed (0 when neither is what holds), so the caller
 * knows when to look again.
 */
long long para_sched_delay_left(const struct para_sched *sched);

/*
 * Preemption: when MemAvailable has fallen below half of `memfree`,
 * the youngest running job (the one started last) is to be stopped so
 * that the others can finish.  Returns 1 and sets `*out`, or 0 when no
 * job is to be stopped (enough memory, none running, or one is being
 * stopped already: its memory is not free yet).  The caller stops it
 * and gives it back with para_sched_retry().
 */
int para_sched_victim(size_t *out, struct para_sched *sched);

/* Job `job` is being stopped to free memory. */
void para_sched_stopping(struct para_sched *sched, size_t job);

/* Adds a job; returns its index. */
size_t para_sched_add(struct para_sched *sched, const char *name,
		      const char *const *locks, size_t locks_nr, int exclusive);

/* Job `job` starts only after job `dep` succeeded. */
void para_sched_depend(struct para_sched *sched, size_t job, size_t dep);

/*
 * Finds a waiting job that may start now (dependencies succeeded, a free
 * slot, no exclusive job running, no lock in use, and the admission
 * limits met); jobs added first go first.  Returns 1 and sets `*out`,
 * or 0 when none may start now (then `sched->hold` says whether the
 * limits held a ready job back).
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
 * each other (a dependency cycle).  Jobs that only the admission limits
 * hold back are not stuck.
 */
int para_sched_stuck(struct para_sched *sched);

#endif
