#ifndef PARA_COLLECT_QUEUE_H
#define PARA_COLLECT_QUEUE_H

#include "collect.h"
#include "strbuf.h"

/*
 * `git para collect --merge` as a merge queue: the checked tasks are
 * merged in dependency order into a candidate in the object store; a
 * task that does not merge is set aside (state `conflict`) and the
 * rest go on; with a verify command the candidate is verified
 * (collect-verify.h) and the tasks that break it are found by halving
 * (collect-bisect.h) and rejected (state `rejected`, the verify output
 * in their log).  The integration branch moves once, compare-and-swap,
 * to the final combination, and only to a verified one.
 */

enum para_queue_result {
	PARA_QUEUE_MERGED = 0,	/* in the branch now */
	PARA_QUEUE_ALREADY,	/* was in it before */
	PARA_QUEUE_CONFLICT,	/* set aside: does not merge cleanly */
	PARA_QUEUE_REJECTED,	/* the candidate with it fails verify */
	PARA_QUEUE_HELD,	/* depends on a task set aside or rejected */
	PARA_QUEUE_NOT_TRIED	/* after the conflict --halt stopped at */
};

struct para_queue_entry {
	size_t item;			/* index into the collect's items */
	enum para_queue_result result;
	char commit[GIT_OID_HEXSZ + 1];	/* MERGED: its merge commit */
	struct para_strvec files;	/* CONFLICT: the files */
	char *with;			/* CONFLICT: the tasks (or branch) it
					   conflicts with; HELD, NOT_TRIED:
					   the task it waits for */
	struct para_strbuf output;	/* REJECTED: the verify output */
};

struct para_queue_options {
	const char *branch;	/* to merge into; it exists */
	const char *verify;	/* the verify command, or NULL */
	long long verify_timeout;	/* ms for each run of it; 0: none */
	int one_by_one;		/* verify after each merge */
	int halt;		/* stop at the first conflict */
	/* told before each run of the verify command (may be NULL) */
	void (*progress)(void *data, size_t tasks, const char *commit);
	void *progress_data;
};

struct para_queue {
	struct para_queue_entry *entries;	/* in merge order */
	size_t nr;
	char *branch;
	char *verify;
	char old[GIT_OID_HEXSZ + 1];	/* the branch before */
	char tip[GIT_OID_HEXSZ + 1];	/* and after */
	size_t verify_runs;		/* runs of the verify command */
	size_t verify_cached;		/* results known from before */
	int base_broken;		/* the branch fails verify itself */
	struct para_strbuf base_output;	/* its verify output then */
};

#define PARA_QUEUE_INIT { NULL, 0, NULL, NULL, "", "", 0, 0, 0, \
			  PARA_STRBUF_INIT }

/*
 * Runs the queue over the collect's items, moves the branch and records
 * each task's outcome in its state (and a rejected task's verify output
 * in its log).  With `base_broken` nothing moves and nothing is
 * recorded.  PARA_ELOCKED when the branch moved meanwhile.
 */
int para_queue_run(struct para_queue *out, struct para_repo *repo,
		   struct para_collect *collect,
		   const struct para_queue_options *opts);

/* Tasks set aside, rejected or held back. */
size_t para_queue_problems(const struct para_queue *queue);

const char *para_queue_result_name(enum para_queue_result result);

void para_queue_format_json(struct para_strbuf *out,
			    const struct para_queue *queue,
			    const struct para_collect *collect);

/* A Markdown section for `--report`. */
void para_queue_format_report(struct para_strbuf *out,
			      const struct para_queue *queue,
			      const struct para_collect *collect);

void para_queue_format_json(struct para_strbuf *out,
			    const struct para_queue *queue,
			    const struct para_collect *collect);

/* The last `max` lines of a verify output (a pointer into it). */
const char *para_queue_output_tail(const struct para_strbuf *text, int max);

void para_queue_dispose(struct para_queue *queue);

#endif
