#ifndef PARA_DOMAIN_H
#define PARA_DOMAIN_H

#include <stddef.h>

/*
 * Path domains: sets of glob patterns relative to the repository root
 * (Documentation/git-para-add.adoc).
 *
 *   *      any run of characters except '/'
 *   ?      one character except '/'
 *   [abc] [a-z] [!x]   one character of a set (never '/')
 *   **     as a whole segment: zero or more segments
 *   other  literal
 *
 * A pattern covers every path it matches and everything below such a
 * path; a trailing '/' changes nothing.
 *
 * Details: characters are bytes; '[^x]' negates like '[!x]'; a ']' right
 * after '[' or '[!' is a member; '-' first or last is a member; a range
 * whose ends are reversed ('[z-a]') matches nothing; a backslash is an
 * ordinary byte, not an escape ('[*]' is a literal '*').
 *
 * A domain may be used by one thread at a time: para_domain_covers()
 * compiles its regex on first use and reuses its match data.
 */

struct para_domain;

/*
 * Checks one pattern.  Returns 0, or PARA_EINVALID with a message that
 * quotes the pattern and names the rule it breaks (absolute path, '.' or
 * '..' segment, empty pattern, empty segment, unbalanced '[', '**' inside
 * a segment).
 */
int para_pattern_validate(const char *pattern);

/*
 * Returns a malloc'd normalised copy of a valid pattern (trailing '/'
 * removed), or NULL if it is not valid.
 */
char *para_pattern_normalize(const char *pattern);

/*
 * 1 if a valid pattern names one path literally (no '*', '?', '[' or
 * '**'), 0 if it has a wildcard or is not valid.
 */
int para_pattern_is_literal(const char *pattern);

/* Builds a domain from `n` patterns; every pattern is validated. */
int para_domain_new(struct para_domain **out, const char *const *patterns,
		    size_t n);
void para_domain_free(struct para_domain *domain);

size_t para_domain_count(const struct para_domain *domain);
/* The i-th pattern, normalised. */
const char *para_domain_pattern(const struct para_domain *domain, size_t i);

/*
 * Returns 1 if some pattern of the domain covers `path` (a path relative
 * to the repository root, '/'-separated, no trailing '/'), 0 if none
 * does, negative on error.  One JIT-compiled regex for the whole set.
 */
int para_domain_covers(const struct para_domain *domain, const char *path);

/*
 * How the i-th pattern stands to `path` (relative to the top, no
 * trailing '/'), for a walk of a tree that stops at what a pattern
 * covers: PARA_REACH_COVERS when the pattern covers the path,
 * PARA_REACH_BELOW when it does not but may cover something below it (a
 * walk descends), PARA_REACH_NONE when nothing at or below the path is
 * covered.
 */
enum para_reach {
	PARA_REACH_NONE = 0,
	PARA_REACH_BELOW,
	PARA_REACH_COVERS
};
enum para_reach para_domain_reach(const struct para_domain *domain, size_t i,
				  const char *path);

/*
 * Decides exactly whether some path, existing or not, is covered by a
 * pattern of `a` and by a pattern of `b`.  Returns 1 and fills the out
 * parameters (each may be NULL; `*example_out` is malloc'd) with an
 * example path and the indexes of the two patterns, 0 when the domains
 * are disjoint, negative on error.
 *
 * The indexes are those of the first overlapping pair, in order.  The
 * example is a valid path (no empty, '.' or '..' segment) as short as
 * any, with letters such as 'x' where the patterns leave a choice; a
 * segment starting with '.' only appears when no other path would do.
 */
int para_domain_overlap(char **example_out, size_t *index_a, size_t *index_b,
			const struct para_domain *a,
			const struct para_domain *b);

/*
 * A pattern given on the command line in the subdirectory `prefix`
 * ("" at the top, else "dir/"), made relative to the top: "./x" and
 * "../x" are resolved as git resolves pathspecs.  Fails for one that
 * leaves the repository (malloc'd into `*out`).
 */
int para_pattern_from_prefix(char **out, const char *prefix,
			     const char *pattern);

/*
 * The same for each of `patterns` (-p of add and edit), in place; all
 * or nothing.
 */
struct para_strvec;
int para_patterns_from_prefix(struct para_strvec *patterns,
			      const char *prefix);

#endif
