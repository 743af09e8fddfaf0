#ifndef PARA_COLLECT_PAIRS_H
#define PARA_COLLECT_PAIRS_H

#include "collect.h"
#include "strvec.h"

/*
 * Which pairs of tasks collect has git merge on trial.  Two branches
 * with the same tip cannot conflict; two from the same base whose
 * changed paths neither meet nor nest (a file in one where the other
 * has a directory) merge cleanly; any other pair may conflict.
 */

/*
 * 1 if a path in one sorted list equals a path in the other, or is a
 * directory above one in the other (`dirs_*` list those directories);
 * such pairs of tasks may conflict, others cannot.  Exposed for tests.
 */
int para_collect_paths_touch(const struct para_strvec *a,
			     const struct para_strvec *dirs_a,
			     const struct para_strvec *b,
			     const struct para_strvec *dirs_b);

/*
 * The pairs i < j of the `nr` items that may conflict, in increasing
 * order: `(*out)[2k]` and `(*out)[2k + 1]` (malloc'd).  Returns their
 * number.  Pairs are found through the paths they share, not by looking
 * at every pair.
 */
size_t para_collect_pairs(size_t **out, const struct para_collect_item *items,
			  size_t nr);

#endif
