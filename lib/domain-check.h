#ifndef PARA_DOMAIN_CHECK_H
#define PARA_DOMAIN_CHECK_H

#include "repo.h"
#include "strvec.h"
#include "task.h"

/*
 * Which of a task's changed files lie outside what it may change.  One
 * rule for `git para status`, `git para collect` and `git para run`:
 * a task's own changes (what came from the tasks it runs after is not
 * its own, see changes.h) are checked against its domain, the domains
 * of the tasks it runs after (it builds on their work and starts only
 * once they ended) and the `para.sharedPath` patterns.  A task without
 * a domain is unconstrained.
 */

enum para_domain_verdict {
	PARA_DOMAIN_UNKNOWN = 0,	/* nothing to compare */
	PARA_DOMAIN_NONE,		/* the task has no domain */
	PARA_DOMAIN_OK,			/* every changed file is covered */
	PARA_DOMAIN_OUTSIDE		/* some changed files are not */
};

struct para_domain_checker;

/*
 * A checker for the tasks of `repo`, with the `shared` patterns (may be
 * NULL).  Fails with PARA_EINVALID naming a bad shared pattern.
 */
int para_domain_checker_new(struct para_domain_checker **out,
			    const struct para_repo *repo,
			    const struct para_strvec *shared);
void para_domain_checker_free(struct para_domain_checker *checker);

/*
 * Tells the checker about a task already loaded (borrowed: it must
 * outlive the checker), so that the domain of a dependency is not read
 * from the state store again.  Dependencies it was not told about are
 * loaded; one whose state is gone adds nothing.
 */
void para_domain_checker_know(struct para_domain_checker *checker,
			      const struct para_task *task);

/*
 * Appends to `outside` those of `changed` (the task's own changes) that
 * lie outside what `task` may change, and sets `*verdict` (may be NULL).
 */
int para_domain_check(enum para_domain_verdict *verdict,
		      struct para_strvec *outside,
		      struct para_domain_checker *checker,
		      const struct para_task *task,
		      const struct para_strvec *changed);

#endif
