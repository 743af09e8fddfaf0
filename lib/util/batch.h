#ifndef PARA_BATCH_H
#define PARA_BATCH_H

#include "strbuf.h"
#include "strvec.h"

/*
 * Runs many short git commands, a few at a time, capturing what each
 * prints.  Independent git processes run well side by side (see
 * (t/perf/p3000-status.sh), and starting one costs about a millisecond.
 */
struct para_batch_job {
	struct para_strvec args;	/* arguments after "git" */
	struct para_strvec env;		/* "K=V" to set in its environment */
	struct para_strbuf out;		/* its stdout */
	struct para_strbuf err;		/* its stderr */
	int status;			/* exit status, 128 + signal, or -1 */
	void *data;			/* the caller's */
};

#define PARA_BATCH_JOB_INIT { PARA_STRVEC_INIT, PARA_STRVEC_INIT, \
			      PARA_STRBUF_INIT, PARA_STRBUF_INIT, -1, NULL }

/*
 * Runs `git <args>` for each of the `nr` jobs, at most `max` at once
 * (0: the number of online CPUs), with stdin from /dev/null and the
 * repository variables of our environment cleared.  Returns 0 once every
 * job has run (look at each status), negative if one could not be
 * started.
 */
int para_batch_run(struct para_batch_job *jobs, size_t nr, unsigned max);

void para_batch_job_dispose(struct para_batch_job *job);

#endif
