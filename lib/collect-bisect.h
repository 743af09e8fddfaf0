#ifndef PARA_COLLECT_BISECT_H
#define PARA_COLLECT_BISECT_H

#include <stddef.h>

/*
 * Finding the tasks that break a merge candidate with few verify runs
 * (`git para collect --merge --verify`).  Items 0..n-1 are in merge
 * order (a task after the tasks it depends on).  The whole batch is
 * verified first; when it fails, the first part of it that fails is
 * found by halving (a part is always a run of the batch from its start,
 * so a task is never tried without the tasks it depends on); the last
 * task of it is rejected, with the tasks depending on it, and the rest
 * goes on the same way from the last part that passed.  One culprit in
 * n items costs at most 2 + ceil(log2 n) runs, none costs one.
 *
 * When the culprit is twice the first item tried on a base never seen
 * to pass, the base itself is verified: a base that fails is not the
 * items' fault (`base_broken`).
 */

enum para_bisect_verdict {
	PARA_BISECT_IN = 0,	/* part of the final combination */
	PARA_BISECT_REJECTED,	/* broke it */
	PARA_BISECT_HELD	/* depends on a rejected item */
};

struct para_bisect_ops {
	/*
	 * Verifies the base with items `seq[0..len)` merged in that order:
	 * 1 passes, 0 fails, negative on error.
	 */
	int (*verify)(void *payload, const size_t *seq, size_t len);
	/* 1 if item `b` depends on item `a` (directly is enough). */
	int (*depends)(void *payload, size_t a, size_t b);
	/* Told of each rejection right after the run that failed (or NULL). */
	void (*rejected)(void *payload, size_t item);
};

struct para_bisect {
	size_t n;
	enum para_bisect_verdict *verdict;
	size_t *held_by;	/* HELD: the rejected item it waits for */
	size_t *in;		/* the items IN, in merge order */
	size_t in_nr;
	int base_broken;	/* the base fails without any item */
};

#define PARA_BISECT_INIT { 0, NULL, NULL, NULL, 0, 0 }

/*
 * Decides every item; `one_by_one` verifies after each item instead.
 * Returns 0, or the first negative result of a callback.
 */
int para_bisect_run(struct para_bisect *out, size_t n, int one_by_one,
		    const struct para_bisect_ops *ops, void *payload);

void para_bisect_dispose(struct para_bisect *bisect);

#endif
