#ifndef PARA_COLLECT_MERGE_H
#define PARA_COLLECT_MERGE_H

#include "collect.h"
#include "merge.h"
#include "strbuf.h"

/*
 * `git para collect --merge`: the checked tasks merged one by one, those
 * they depend on first, into an integration branch (see merge.h).
 */

/*
 * Fills `order` (`collect->nr` entries) with the items' indexes,
 * dependencies first; dependencies that are not among them are ignored.
 */
int para_collect_merge_order(size_t *order, struct para_collect *collect);

/*
 * Makes `branch` ready to merge into: a valid name, checked out nowhere
 * (PARA_ELOCKED), created at `start` when missing.  Returns 1 when it
 * was created, 0 when it existed.
 */
int para_collect_merge_prepare(struct para_repo *repo, const char *branch,
			       const char *start);

/* The message of the merge commit of an item (malloc'd). */
char *para_collect_merge_message(const struct para_collect_item *item);

/*
 * Merges the item's tip into `branch` with a message naming the task
 * (see para_merge_into()).  Record the result with
 * para_collect_mark_merged().
 */
int para_collect_merge_item(struct para_merge_result *out,
			    struct para_repo *repo,
			    const struct para_collect_item *item,
			    const char *branch);

/* The names of the items of `order[0..k)` that changed `path`, ", "-joined. */
void para_collect_merge_touched_by(struct para_strbuf *out,
				   const struct para_collect *collect,
				   const size_t *order, size_t k,
				   const char *path);

#endif
