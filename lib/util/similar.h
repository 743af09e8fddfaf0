#ifndef PARA_SIMILAR_H
#define PARA_SIMILAR_H

#include <stddef.h>

/*
 * The Damerau-Levenshtein distance of two strings (optimal string
 * alignment: no substring is edited twice): the fewest insertions,
 * deletions, substitutions and swaps of two adjacent bytes that turn
 * one into the other.  "stauts" is 1 from "status", "path" 1 from
 * "paths".
 */
size_t para_edit_distance(const char *a, const char *b);

/*
 * The candidate closest to `word`, or NULL when none is close enough to
 * be what was meant: at most a third of the longer word's bytes away
 * (and at least one), and strictly closer than any other candidate.
 * `candidates` ends with NULL.
 */
const char *para_most_similar(const char *word,
			      const char *const *candidates);

#endif
