#ifndef PARA_DOMAIN_INTERNAL_H
#define PARA_DOMAIN_INTERNAL_H

/*
 * Shared by the files of path domains (domain*.c) only.
 *
 * Each pattern is parsed once into tokens (domain.c), from which two
 * matchers are built.  All patterns of a domain go into one JIT-compiled
 * pcre2 regex (domain-regex.c), which answers "is this path covered?"
 * quickly for many paths.  Each pattern also becomes a tiny NFA over
 * bytes (domain-nfa.c); the product of two of them (domain-overlap.c)
 * answers "can any path at all be covered by both?", which no amount of
 * matching the files present today could decide.
 */

#include <stdint.h>
#include <stdlib.h>
#include <string.h>

#include "domain.h"
#include "strbuf.h"

/* Byte sets, for classes and NFA edge labels. */

struct byteset {
	uint64_t w[4];
};

static inline void byteset_add(struct byteset *set, unsigned char c)
{
	set->w[c >> 6] |= UINT64_C(1) << (c & 63);
}

static inline void byteset_del(struct byteset *set, unsigned char c)
{
	set->w[c >> 6] &= ~(UINT64_C(1) << (c & 63));
}

static inline int byteset_has(const struct byteset *set, unsigned char c)
{
	return (set->w[c >> 6] >> (c & 63)) & 1;
}

static inline void byteset_one(struct byteset *set, unsigned char c)
{
	memset(set, 0, sizeof(*set));
	byteset_add(set, c);
}

/* Every byte a path segment can hold: NUL ends a C string, '/' a segment. */
static inline void byteset_segment(struct byteset *set)
{
	memset(set, 0xff, sizeof(*set));
	byteset_del(set, '\0');
	byteset_del(set, '/');
}

static inline void byteset_any(struct byteset *set)
{
	byteset_segment(set);
	byteset_add(set, '/');
}

/* A pattern as a list of tokens. */

enum tok_kind {
	TOK_LIT,	/* one byte */
	TOK_ANY,	/* '?' */
	TOK_CLASS,	/* '[...]' */
	TOK_STAR,	/* '*' */
	TOK_SLASH,	/* the '/' between two segments */
	TOK_GLOBSTAR	/* a whole '**' segment */
};

struct tok {
	enum tok_kind kind;
	unsigned char c;
	struct byteset set;
};

struct toklist {
	struct tok *v;
	size_t nr, alloc;
};

/* The NFA: states are numbers, edges are labelled with byte sets. */

struct nfa_edge {
	struct byteset on;
	unsigned to;
};

/* The literal bytes at both ends of a segment, for a cheap first check. */
struct seg_lits {
	size_t pre, pre_len;	/* offset in glob_nfa.lits, length */
	size_t suf, suf_len;
	int literal;		/* the segment is its prefix, nothing else */
};

struct glob_nfa {
	unsigned nstates;
	unsigned *first;	/* state s has edges[first[s] .. first[s + 1]) */
	struct nfa_edge *edges;
	unsigned char *accept;
	unsigned char cls[256];	/* bytes no edge tells apart share a class */
	unsigned nclasses;
	struct seg_lits *segs;	/* the segments before any '**' */
	size_t nsegs;
	char *lits;		/* the bytes segs point into */
};

/*
 * The regex of a domain, compiled on the first call to
 * para_domain_covers() (see domain-regex.c).
 */
struct matcher;

struct para_domain {
	size_t nr;
	char **patterns;		/* normalised */
	struct glob_nfa *nfas;
	struct matcher *matcher;
};

/* domain-parse.c */

/*
 * Tokenizes `pattern` into `tl` (appending), simplified; fails on an
 * invalid pattern with the rule it breaks.
 */
int para_domain_parse_pattern(struct toklist *tl, const char *pattern);
/* The length of `pattern` without its single optional trailing '/'. */
size_t para_domain_pattern_len(const char *pattern);

/* domain-regex.c */

/* Adds the alternative that matches what `tl` matches. */
void para_domain_regex_add(struct para_strbuf *re, const struct toklist *tl);
/* Takes the alternatives added to `re`; never fails. */
struct matcher *para_domain_matcher_new(struct para_strbuf *re);
void para_domain_matcher_free(struct matcher *m);

/* domain-nfa.c */

/* The NFA accepts what the pattern covers. */
void para_glob_nfa_build(struct glob_nfa *nfa, const struct toklist *tl);
void para_glob_nfa_dispose(struct glob_nfa *nfa);
/*
 * 1 if the NFA accepts `path`: slower than the regex on many paths, but
 * linear in the path whatever the pattern, where a backtracking regex
 * can take exponential time (several '*' in one segment, a long name).
 */
int para_glob_nfa_accepts(const struct glob_nfa *nfa, const char *path);
/* para_domain_reach() of the NFA's pattern. */
enum para_reach para_glob_nfa_reach(const struct glob_nfa *nfa,
				    const char *path);

#endif
