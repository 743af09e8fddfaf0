/*
 * Path domains.
 *
 * Each pattern is parsed once into tokens, from which two matchers are
 * built.  All patterns of a domain go into one JIT-compiled pcre2 regex,
 * which answers "is this path covered?" quickly for many paths.  Each
 * pattern also becomes a tiny NFA over bytes; the product of two of them
 * answers "can any path at all be covered by both?", which no amount of
 * matching the files present today could decide.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>
#include <stdint.h>
#include <string.h>

#include "domain.h"
#include "error.h"
#include "strbuf.h"

/* Byte sets, for classes and NFA edge labels. */

struct byteset {
	uint64_t w[4];
};

static void byteset_add(struct byteset *set, unsigned char c)
{
	set->w[c >> 6] |= UINT64_C(1) << (c & 63);
}

static void byteset_del(struct byteset *set, unsigned char c)
{
	set->w[c >> 6] &= ~(UINT64_C(1) << (c & 63));
}

static int byteset_has(const struct byteset *set, unsigned char c)
{
	return (set->w[c >> 6] >> (c & 63)) & 1;
}

static void byteset_one(struct byteset *set, unsigned char c)
{
	memset(set, 0, sizeof(*set));
	byteset_add(set, c);
}

/* Every byte a path segment can hold: NUL ends a C string, '/' a segment. */
static void byteset_segment(struct byteset *set)
{
	memset(set, 0xff, sizeof(*set));
	byteset_del(set, '\0');
	byteset_del(set, '/');
}

static void byteset_any(struct byteset *set)
{
	byteset_segment(set);
	byteset_add(set, '/');
}

/* Parsing: a pattern becomes a list of tokens. */

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

static struct tok *tok_push(struct toklist *tl, enum tok_kind kind)
{
	struct tok *t;

	if (tl->nr == tl->alloc) {
		tl->alloc = tl->alloc ? tl->alloc * 2 : 16;
		tl->v = para_realloc(tl->v, tl->alloc * sizeof(*tl->v));
	}
	t = &tl->v[tl->nr++];
	memset(t, 0, sizeof(*t));
	t->kind = kind;
	return t;
}

static int invalid(const char *pattern, const char *rule)
{
	return para_error_set(PARA_EINVALID, "invalid path pattern '%s': %s",
			      pattern, rule);
}

/*
 * Parses the bracket expression at `p` (on '['), which must close
 * before `end`, the end of the segment: a class never spans a '/'.
 * Returns the byte after ']', or NULL when it does not close.
 */
static const char *parse_class(struct byteset *set, const char *p,
			       const char *end)
{
	const char *q = p + 1;
	int negate = 0, first;
	unsigned c;

	memset(set, 0, sizeof(*set));
	if (q < end && (*q == '!' || *q == '^')) {
		negate = 1;
		q++;
	}
	/* a ']' right after the opening is a member, not the end */
	for (first = 1; q < end && (*q != ']' || first); first = 0) {
		if (end - q >= 3 && q[1] == '-' && q[2] != ']') {
			for (c = (unsigned char)q[0]; c <= (unsigned char)q[2]; c++)
				byteset_add(set, c);
			q += 3;
		} else {
			byteset_add(set, *q++);
		}
	}
	if (q == end)
		return NULL;
	if (negate) {
		set->w[0] = ~set->w[0];
		set->w[1] = ~set->w[1];
		set->w[2] = ~set->w[2];
		set->w[3] = ~set->w[3];
	}
	/* a range such as [+-0] spans '/', yet a class never matches it */
	byteset_del(set, '/');
	byteset_del(set, '\0');
	return q + 1;
}

/*
 * Parses one segment [p, end).  A backslash is an ordinary byte: domains
 * name paths, a path may contain one, and '[*]' already spells a literal
 * '*', so an escape character would only add a way to get it wrong.
 */
static int parse_segment(struct toklist *tl, const char *pattern,
			 const char *p, const char *end)
{
	if (end - p == 2 && p[0] == '*' && p[1] == '*') {
		tok_push(tl, TOK_GLOBSTAR);
		return 0;
	}
	while (p < end) {
		if (*p == '*' && p + 1 < end && p[1] == '*')
			return invalid(pattern, "'**' must be a whole segment");
		if (*p == '*') {
			tok_push(tl, TOK_STAR);
			p++;
		} else if (*p == '?') {
			tok_push(tl, TOK_ANY);
			p++;
		} else if (*p == '[') {
			p = parse_class(&tok_push(tl, TOK_CLASS)->set, p, end);
			if (!p)
				return invalid(pattern, "unbalanced '['");
		} else {
			tok_push(tl, TOK_LIT)->c = *p++;
		}
	}
	return 0;
}

static int check_segment(const char *pattern, const char *p, const char *end)
{
	if (p == end)
		return invalid(pattern, "empty segments are not allowed");
	if ((end - p == 1 && p[0] == '.') ||
	    (end - p == 2 && p[0] == '.' && p[1] == '.'))
		return invalid(pattern, "'.' and '..' segments are not allowed");
	return 0;
}

/* The length of the pattern once its single optional trailing '/' is gone. */
static size_t pattern_len(const char *pattern)
{
	size_t len = strlen(pattern);

	return len > 1 && pattern[len - 1] == '/' ? len - 1 : len;
}

static int parse_pattern(struct toklist *tl, const char *pattern)
{
	const char *p = pattern, *end, *seg_end;
	int error;

	if (!*pattern)
		return invalid(pattern, "empty patterns are not allowed");
	if (*pattern == '/')
		return invalid(pattern, "absolute paths are not allowed");
	end = pattern + pattern_len(pattern);
	for (;;) {
		seg_end = memchr(p, '/', end - p);
		if (!seg_end)
			seg_end = end;
		if ((error = check_segment(pattern, p, seg_end)) < 0 ||
		    (error = parse_segment(tl, pattern, p, seg_end)) < 0)
			return error;
		if (seg_end == end)
			return 0;
		tok_push(tl, TOK_SLASH);
		p = seg_end + 1;
	}
}

/*
 * A trailing '**' segment covers nothing the rest does not cover already
 * ("a" covers what "a/" followed by '**' would), and two '**' segments
 * in a row match what one does.  Dropping both keeps the NFA small and
 * the regex free of nested repetitions that would backtrack on long
 * paths.
 */
static void simplify(struct toklist *tl)
{
	size_t i, j;

	for (i = j = 0; i < tl->nr; i++) {
		if (tl->v[i].kind == TOK_GLOBSTAR && j >= 2 &&
		    tl->v[j - 2].kind == TOK_GLOBSTAR) {
			j--;	/* drop the '/' between the two */
			continue;
		}
		tl->v[j++] = tl->v[i];
	}
	while (j >= 3 && tl->v[j - 1].kind == TOK_GLOBSTAR)
		j -= 2;
	tl->nr = j;
}

int para_pattern_validate(const char *pattern)
{
	struct toklist tl = { NULL, 0, 0 };
	int error;

	error = parse_pattern(&tl, pattern ? pattern : "");
	free(tl.v);
	return error;
}

char *para_pattern_normalize(const char *pattern)
{
	if (para_pattern_validate(pattern) < 0)
		return NULL;
	return para_strndup(pattern, pattern_len(pattern));
}

/* The regex: one alternative per pattern. */

/* Escapes all but letters and digits, without knowing pcre2's syntax. */
static void regex_add_byte(struct para_strbuf *re, unsigned char c)
{
	static const char hex[] = "0123456789abcdef";
	char escape[] = { '\\', 'x', '{', hex[c >> 4], hex[c & 15], '}' };

	if ((c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') ||
	    (c >= '0' && c <= '9'))
		para_strbuf_addch(re, c);
	else
		para_strbuf_add(re, escape, sizeof(escape));
}

static void regex_add_class(struct para_strbuf *re, const struct byteset *set)
{
	unsigned lo, hi;

	if (!(set->w[0] | set->w[1] | set->w[2] | set->w[3])) {
		para_strbuf_addstr(re, "(*FAIL)");	/* "[z-a]" */
		return;
	}
	para_strbuf_addch(re, '[');
	for (lo = 0; lo < 256; lo = hi + 1) {
		for (hi = lo; hi < 256 && byteset_has(set, hi); hi++)
			;
		if (hi == lo)
			continue;
		regex_add_byte(re, lo);
		para_strbuf_addch(re, '-');
		regex_add_byte(re, hi - 1);
	}
	para_strbuf_addch(re, ']');
}

static void regex_add_pattern(struct para_strbuf *re, const struct toklist *tl)
{
	size_t i;

	for (i = 0; i < tl->nr; i++) {
		const struct tok *t = &tl->v[i];

		if (t->kind == TOK_LIT)
			regex_add_byte(re, t->c);
		else if (t->kind == TOK_ANY)
			para_strbuf_addstr(re, "[^/]");
		else if (t->kind == TOK_STAR)
			para_strbuf_addstr(re, "[^/]*");
		else if (t->kind == TOK_CLASS)
			regex_add_class(re, &t->set);
		else if (t->kind == TOK_SLASH)
			para_strbuf_addch(re, '/');
		else if (tl->nr == 1)
			para_strbuf_addstr(re, "[^/]+");
		else {	/* the '/' after a '**' belongs to its group */
			para_strbuf_addstr(re, "(?:[^/]+/)*");
			i++;
		}
	}
}

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

struct nfa_arc {
	unsigned from;
	struct nfa_edge edge;
};

struct nfa_builder {
	struct nfa_arc *v;
	size_t nr, alloc;
	unsigned nstates;
};

static unsigned nfa_state(struct nfa_builder *b)
{
	return b->nstates++;
}

static void nfa_edge(struct nfa_builder *b, unsigned from,
		     const struct byteset *on, unsigned to)
{
	if (b->nr == b->alloc) {
		b->alloc = b->alloc ? b->alloc * 2 : 16;
		b->v = para_realloc(b->v, b->alloc * sizeof(*b->v));
	}
	b->v[b->nr].from = from;
	b->v[b->nr].edge.on = *on;
	b->v[b->nr].edge.to = to;
	b->nr++;
}

/*
 * '**' between segments loops through whole segments: from the segment
 * start `at`, one or more non-'/' bytes then a '/' lead back to `at`.
 */
static void nfa_add_globstar(struct nfa_builder *b, unsigned at)
{
	struct byteset seg, slash;
	unsigned inside = nfa_state(b);

	byteset_segment(&seg);
	byteset_one(&slash, '/');
	nfa_edge(b, at, &seg, inside);
	nfa_edge(b, inside, &seg, inside);
	nfa_edge(b, inside, &slash, at);
}

/*
 * Adds the edges of the tokens and returns the state reached once the
 * whole pattern matched.  A '*' is a self-loop on the current state, so
 * the automaton needs no epsilon moves.
 */
static unsigned nfa_add_tokens(struct nfa_builder *b, const struct toklist *tl)
{
	unsigned cur = nfa_state(b), next;
	struct byteset on;
	size_t i;

	for (i = 0; i < tl->nr; i++) {
		const struct tok *t = &tl->v[i];

		if (t->kind == TOK_STAR) {
			byteset_segment(&on);
			nfa_edge(b, cur, &on, cur);
			continue;
		}
		if (t->kind == TOK_GLOBSTAR && tl->nr == 1) {
			byteset_any(&on);
			nfa_edge(b, cur, &on, cur);
			continue;
		}
		if (t->kind == TOK_GLOBSTAR) {
			nfa_add_globstar(b, cur);
			i++;	/* its '/' is part of the loop */
			continue;
		}
		if (t->kind == TOK_LIT)
			byteset_one(&on, t->c);
		else if (t->kind == TOK_ANY)
			byteset_segment(&on);
		else if (t->kind == TOK_CLASS)
			on = t->set;
		else
			byteset_one(&on, '/');
		next = nfa_state(b);
		nfa_edge(b, cur, &on, next);
		cur = next;
	}
	return cur;
}

/* Lays the edges out by state, so a state's edges are contiguous. */
static void nfa_layout(struct glob_nfa *nfa, const struct nfa_builder *b)
{
	unsigned *fill;
	size_t i;

	nfa->nstates = b->nstates;
	nfa->first = para_calloc(b->nstates + 1, sizeof(*nfa->first));
	nfa->edges = para_calloc(b->nr, sizeof(*nfa->edges));
	nfa->accept = para_calloc(b->nstates, 1);
	for (i = 0; i < b->nr; i++)
		nfa->first[b->v[i].from + 1]++;
	for (i = 0; i < b->nstates; i++)
		nfa->first[i + 1] += nfa->first[i];
	fill = para_calloc(b->nstates, sizeof(*fill));
	for (i = 0; i < b->nr; i++) {
		unsigned from = b->v[i].from;

		nfa->edges[nfa->first[from] + fill[from]++] = b->v[i].edge;
	}
	free(fill);
}

/*
 * While classifying, class numbers go up to 512: at most 256 classes,
 * plus one emptied class for each byte a literal splits off.
 */
#define MAX_CLASS_IDS 512

/* Splits every class of `cls` in two: bytes in `set` and bytes not in it. */
static void refine_classes(uint16_t *cls, unsigned *nclasses,
			   const struct byteset *set)
{
	int16_t remap[2 * MAX_CLASS_IDS];
	unsigned b, next = 0;

	memset(remap, -1, sizeof(remap));
	for (b = 0; b < 256; b++) {
		unsigned key = cls[b] * 2 + byteset_has(set, b);

		if (remap[key] < 0)
			remap[key] = next++;
		cls[b] = remap[key];
	}
	*nclasses = next;
}

/* Numbers the classes 0, 1, ... again, so that they fit in a byte. */
static void compact_classes(struct glob_nfa *nfa, const uint16_t *cls)
{
	int16_t remap[MAX_CLASS_IDS];
	unsigned b, next = 0;

	memset(remap, -1, sizeof(remap));
	for (b = 0; b < 256; b++) {
		if (remap[cls[b]] < 0)
			remap[cls[b]] = next++;
		nfa->cls[b] = remap[cls[b]];
	}
	nfa->nclasses = next;
}

/*
 * Only literals and classes tell bytes apart: '?', '*' and '**' treat
 * every byte but '/' alike.  '/' and '.' always get classes of their own:
 * the search needs them to keep example paths free of empty, '.' and
 * '..' segments.  NUL gets one so that it is never tried.
 */
static void nfa_classify(struct glob_nfa *nfa, const struct toklist *tl)
{
	uint16_t cls[256] = { 0 };
	unsigned nclasses = 4;
	struct byteset alone;
	size_t i;

	cls['/'] = 1;
	cls['.'] = 2;
	cls['\0'] = 3;
	byteset_one(&alone, '/');
	byteset_add(&alone, '.');
	byteset_add(&alone, '\0');
	for (i = 0; i < tl->nr; i++) {
		const struct tok *t = &tl->v[i];

		if (t->kind == TOK_CLASS)
			refine_classes(cls, &nclasses, &t->set);
		if (t->kind != TOK_LIT || byteset_has(&alone, t->c))
			continue;
		byteset_add(&alone, t->c);
		cls[t->c] = nclasses++;
	}
	compact_classes(nfa, cls);
}

static void seg_summary(struct seg_lits *seg, struct para_strbuf *lits,
			const struct tok *t, size_t n)
{
	size_t pre, suf, i;

	for (pre = 0; pre < n && t[pre].kind == TOK_LIT; pre++)
		para_strbuf_addch(lits, t[pre].c);
	for (suf = 0; suf < n - pre && t[n - 1 - suf].kind == TOK_LIT; suf++)
		;
	seg->pre = lits->len - pre;
	seg->pre_len = pre;
	seg->literal = pre == n;
	if (seg->literal)
		suf = pre;
	else
		for (i = n - suf; i < n; i++)
			para_strbuf_addch(lits, t[i].c);
	seg->suf = lits->len - suf;
	seg->suf_len = suf;
}

/*
 * Up to the first '**', the i-th segment of every path the pattern
 * covers matches the i-th segment of the pattern.
 */
static void nfa_segments(struct glob_nfa *nfa, const struct toklist *tl)
{
	struct para_strbuf lits = PARA_STRBUF_INIT;
	size_t i = 0, end;

	nfa->segs = para_calloc(tl->nr, sizeof(*nfa->segs));
	while (i < tl->nr && tl->v[i].kind != TOK_GLOBSTAR) {
		for (end = i; end < tl->nr && tl->v[end].kind != TOK_SLASH; end++)
			;
		seg_summary(&nfa->segs[nfa->nsegs++], &lits, tl->v + i,
			    end - i);
		i = end + 1;
	}
	nfa->lits = para_strbuf_detach(&lits);
}

/*
 * The NFA accepts what the pattern covers: a match, optionally followed
 * by '/' and anything.
 */
static void nfa_build(struct glob_nfa *nfa, const struct toklist *tl)
{
	struct nfa_builder b = { NULL, 0, 0, 0 };
	struct byteset slash, any;
	unsigned match, below;

	byteset_one(&slash, '/');
	byteset_any(&any);
	match = nfa_add_tokens(&b, tl);
	below = nfa_state(&b);
	nfa_edge(&b, match, &slash, below);
	nfa_edge(&b, below, &any, below);
	nfa_layout(nfa, &b);
	nfa->accept[match] = nfa->accept[below] = 1;
	nfa_classify(nfa, tl);
	nfa_segments(nfa, tl);
	free(b.v);
}

static void nfa_dispose(struct glob_nfa *nfa)
{
	free(nfa->first);
	free(nfa->edges);
	free(nfa->accept);
	free(nfa->segs);
	free(nfa->lits);
}

/* Domains. */

/*
 * The regex is compiled on the first call to para_domain_covers():
 * `add` builds the domains of every active task only to check overlap,
 * and JIT compiling is most of the cost of building a domain.
 */
struct matcher {
	char *source;
	pcre2_code *code;
	pcre2_match_data *match;
};

struct para_domain {
	size_t nr;
	char **patterns;		/* normalised */
	struct glob_nfa *nfas;
	struct matcher *matcher;
};

static int domain_add(struct para_domain *d, const char *pattern,
		      struct para_strbuf *re)
{
	struct toklist tl = { NULL, 0, 0 };
	int error;

	if ((error = parse_pattern(&tl, pattern ? pattern : "")) < 0)
		goto out;
	simplify(&tl);
	para_strbuf_addstr(re, d->nr ? "|" : "^(?:");
	regex_add_pattern(re, &tl);
	nfa_build(&d->nfas[d->nr], &tl);
	d->patterns[d->nr++] = para_strndup(pattern, pattern_len(pattern));
out:
	free(tl.v);
	return error;
}

static int matcher_compile(struct matcher *m)
{
	PCRE2_UCHAR message[256];
	PCRE2_SIZE offset;
	int code;

	m->code = pcre2_compile((PCRE2_SPTR)m->source, PCRE2_ZERO_TERMINATED,
				0, &code, &offset, NULL);
	if (!m->code) {
		pcre2_get_error_message(code, message, sizeof(message));
		return para_error_set(PARA_ERROR,
				      "cannot compile path patterns: %s",
				      (char *)message);
	}
	/* without JIT (e.g. no executable memory) the interpreter still works */
	pcre2_jit_compile(m->code, PCRE2_JIT_COMPLETE);
	m->match = pcre2_match_data_create_from_pattern(m->code, NULL);
	if (!m->match)
		return para_error_set(PARA_ERROR, "out of memory");
	return 0;
}

int para_domain_new(struct para_domain **out, const char *const *patterns,
		    size_t n)
{
	struct para_strbuf re = PARA_STRBUF_INIT;
	struct para_domain *d;
	size_t i;
	int error = 0;

	*out = NULL;
	d = para_calloc(1, sizeof(*d));
	d->patterns = para_calloc(n, sizeof(*d->patterns));
	d->nfas = para_calloc(n, sizeof(*d->nfas));
	d->matcher = para_calloc(1, sizeof(*d->matcher));
	for (i = 0; i < n; i++)
		if ((error = domain_add(d, patterns[i], &re)) < 0)
			goto out;
	/* a match ends at the end of the path or of one of its segments */
	para_strbuf_addstr(&re, ")(?:/|\\z)");
	d->matcher->source = para_strbuf_detach(&re);
	*out = d;
	d = NULL;
out:
	para_domain_free(d);
	para_strbuf_dispose(&re);
	return error;
}

void para_domain_free(struct para_domain *domain)
{
	size_t i;

	if (!domain)
		return;
	for (i = 0; i < domain->nr; i++) {
		free(domain->patterns[i]);
		nfa_dispose(&domain->nfas[i]);
	}
	free(domain->patterns);
	free(domain->nfas);
	if (domain->matcher) {
		free(domain->matcher->source);
		pcre2_match_data_free(domain->matcher->match);
		pcre2_code_free(domain->matcher->code);
		free(domain->matcher);
	}
	free(domain);
}

size_t para_domain_count(const struct para_domain *domain)
{
	return domain ? domain->nr : 0;
}

const char *para_domain_pattern(const struct para_domain *domain, size_t i)
{
	return domain && i < domain->nr ? domain->patterns[i] : NULL;
}

int para_domain_covers(const struct para_domain *domain, const char *path)
{
	struct matcher *m = domain ? domain->matcher : NULL;
	PCRE2_UCHAR message[256];
	int rc;

	if (!m || !domain->nr)
		return 0;
	if (!m->code && (rc = matcher_compile(m)) < 0)
		return rc;
	rc = pcre2_match(m->code, (PCRE2_SPTR)path, PCRE2_ZERO_TERMINATED, 0,
			 0, m->match, NULL);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	pcre2_get_error_message(rc, message, sizeof(message));
	return para_error_set(PARA_ERROR, "cannot match path '%s': %s", path,
			      (char *)message);
}

/*
 * Overlap: a breadth-first search of the product of two NFAs and a
 * small automaton that keeps paths valid (no empty, '.' or '..'
 * segment, no '/' at either end).  Breadth first, so the example found
 * is one of the shortest.
 */

enum {
	V_START,	/* at the start of a segment */
	V_DOT,		/* the segment so far is "." */
	V_DOTDOT,	/* ... ".." */
	V_SEG,		/* in a segment that is fine as it is */
	V_DEAD,
};

/* With `hidden` 0, no segment may start with '.' either. */
static unsigned validity_step(unsigned v, unsigned char c, int hidden)
{
	if (c == '/')
		return v == V_SEG ? V_START : V_DEAD;
	if (c == '.' && v == V_START && !hidden)
		return V_DEAD;
	if (c == '.' && v < V_SEG)
		return v + 1;
	return V_SEG;
}

#define NO_PARENT UINT32_MAX

struct search_node {
	uint64_t key;		/* see node_key() */
	uint32_t parent;
	unsigned char byte;
};

/* Patterns have far fewer than 2^30 states: the fields cannot collide. */
static uint64_t node_key(unsigned ps, unsigned qs, unsigned v)
{
	return (uint64_t)ps << 32 | (uint64_t)qs << 2 | v;
}

/* Reused from one pair of patterns to the next, to save allocations. */
struct search {
	struct search_node *nodes;	/* in BFS order: also the queue */
	size_t nr, alloc;
	uint32_t *slots;		/* hash of keys: node index + 1 */
	size_t nslots;
	unsigned char *seen;		/* marks for pair_classes() */
	size_t seen_alloc;
	int hidden;			/* segments may start with '.' */
};

static void search_dispose(struct search *s)
{
	free(s->nodes);
	free(s->slots);
	free(s->seen);
}

static size_t search_slot(const struct search *s, uint64_t key)
{
	return (size_t)((key * UINT64_C(0x9e3779b97f4a7c15)) >> 32) &
	       (s->nslots - 1);
}

static void search_rehash(struct search *s, size_t nslots)
{
	size_t i, j;

	free(s->slots);
	s->nslots = nslots;
	s->slots = para_calloc(nslots, sizeof(*s->slots));
	for (i = 0; i < s->nr; i++) {
		for (j = search_slot(s, s->nodes[i].key); s->slots[j];
		     j = (j + 1) & (nslots - 1))
			;
		s->slots[j] = i + 1;
	}
}

/* Adds a node unless its key was seen already; returns 1 if added. */
static int search_add(struct search *s, uint64_t key, uint32_t parent,
		      unsigned char byte)
{
	size_t i;

	if ((s->nr + 1) * 2 > s->nslots)
		search_rehash(s, s->nslots * 2);
	for (i = search_slot(s, key); s->slots[i]; i = (i + 1) & (s->nslots - 1))
		if (s->nodes[s->slots[i] - 1].key == key)
			return 0;
	if (s->nr == s->alloc) {
		s->alloc = s->alloc ? s->alloc * 2 : 64;
		s->nodes = para_realloc(s->nodes, s->alloc * sizeof(*s->nodes));
	}
	s->nodes[s->nr].key = key;
	s->nodes[s->nr].parent = parent;
	s->nodes[s->nr].byte = byte;
	s->slots[i] = ++s->nr;
	return 1;
}

static void search_reset(struct search *s)
{
	s->nr = 0;
	if (s->slots)
		memset(s->slots, 0, s->nslots * sizeof(*s->slots));
	else
		search_rehash(s, 64);
}

/* Bytes tried first, so that examples read well: 'x' for a wildcard. */
static const char preferred[] =
	"xyzabcdefghijklmnopqrstuvwXYZABCDEFGHIJKLMNOPQRSTUVW0123456789_-./";

static int is_preferred(unsigned b)
{
	return (b >= 'a' && b <= 'z') || (b >= 'A' && b <= 'Z') ||
	       (b >= '0' && b <= '9') || b == '_' || b == '-' || b == '.' ||
	       b == '/';
}

static size_t add_class_rep(unsigned char *reps, size_t n, unsigned char *seen,
			    const struct glob_nfa *p, const struct glob_nfa *q,
			    unsigned char b)
{
	size_t key = (size_t)p->cls[b] * q->nclasses + q->cls[b];

	if (seen[key])
		return n;
	seen[key] = 1;
	reps[n] = b;
	return n + 1;
}

/*
 * Bytes that no edge of either NFA tells apart lead to the same states,
 * so one byte of each such class is enough to try.  Returns the number
 * of classes, their representatives in `reps`.  NUL is never one.
 */
static size_t pair_classes(unsigned char *reps, struct search *s,
			   const struct glob_nfa *p, const struct glob_nfa *q)
{
	size_t i, n = 0, need = (size_t)p->nclasses * q->nclasses;
	unsigned b;

	if (need > s->seen_alloc) {
		free(s->seen);
		s->seen = para_calloc(need, 1);
		s->seen_alloc = need;
	}
	for (i = 0; preferred[i]; i++)
		n = add_class_rep(reps, n, s->seen, p, q, preferred[i]);
	for (b = 1; b < 256; b++)
		if (!is_preferred(b))
			n = add_class_rep(reps, n, s->seen, p, q, b);
	for (i = 0; i < n; i++)
		s->seen[(size_t)p->cls[reps[i]] * q->nclasses + q->cls[reps[i]]] = 0;
	return n;
}

/*
 * Follows byte `c` from node `from`.  Returns the index + 1 of a new
 * node where both patterns cover a valid path, or 0.
 */
static size_t search_step(struct search *s, size_t from, unsigned char c,
			  const struct glob_nfa *p, const struct glob_nfa *q)
{
	uint64_t key = s->nodes[from].key;
	unsigned v = validity_step(key & 3, c, s->hidden);
	unsigned ps = key >> 32, qs = (key & UINT32_MAX) >> 2;
	unsigned e, f;

	if (v == V_DEAD)
		return 0;
	for (e = p->first[ps]; e < p->first[ps + 1]; e++) {
		const struct nfa_edge *pe = &p->edges[e];

		if (!byteset_has(&pe->on, c))
			continue;
		for (f = q->first[qs]; f < q->first[qs + 1]; f++) {
			const struct nfa_edge *qe = &q->edges[f];

			if (byteset_has(&qe->on, c) &&
			    search_add(s, node_key(pe->to, qe->to, v), from, c) &&
			    v == V_SEG &&
			    p->accept[pe->to] && q->accept[qe->to])
				return s->nr;
		}
	}
	return 0;
}

/* Returns the index + 1 of a node where both cover a path, or 0. */
static size_t search_run(struct search *s, const struct glob_nfa *p,
			 const struct glob_nfa *q, int hidden)
{
	unsigned char reps[256];
	size_t nreps, head, i, found;

	nreps = pair_classes(reps, s, p, q);
	s->hidden = hidden;
	search_reset(s);
	search_add(s, node_key(0, 0, V_START), NO_PARENT, 0);
	for (head = 0; head < s->nr; head++)
		for (i = 0; i < nreps; i++)
			if ((found = search_step(s, head, reps[i], p, q)))
				return found;
	return 0;
}

static char *search_path(const struct search *s, size_t node)
{
	size_t len = 0, i;
	char *path;

	for (i = node; s->nodes[i].parent != NO_PARENT; i = s->nodes[i].parent)
		len++;
	path = para_malloc(len + 1);
	path[len] = '\0';
	for (i = node; s->nodes[i].parent != NO_PARENT; i = s->nodes[i].parent)
		path[--len] = s->nodes[i].byte;
	return path;
}

/*
 * A path segment matching both pattern segments starts with both literal
 * prefixes and ends with both literal suffixes, and must be as long as
 * each of them.
 */
static int seg_excludes(const struct glob_nfa *p, const struct seg_lits *a,
			const struct glob_nfa *q, const struct seg_lits *b)
{
	size_t pre = a->pre_len < b->pre_len ? a->pre_len : b->pre_len;
	size_t suf = a->suf_len < b->suf_len ? a->suf_len : b->suf_len;

	if (memcmp(p->lits + a->pre, q->lits + b->pre, pre) ||
	    memcmp(p->lits + a->suf + a->suf_len - suf,
		   q->lits + b->suf + b->suf_len - suf, suf))
		return 1;
	if (a->literal && (b->pre_len > a->pre_len || b->suf_len > a->pre_len))
		return 1;
	if (b->literal && (a->pre_len > b->pre_len || a->suf_len > b->pre_len))
		return 1;
	return 0;
}

/*
 * Most pairs of real domains stop here ("src/auth" and "src/authz",
 * "*.md" and "*.txt" in the same directory), before any search.
 */
static int literals_exclude(const struct glob_nfa *p, const struct glob_nfa *q)
{
	size_t i, n = p->nsegs < q->nsegs ? p->nsegs : q->nsegs;

	for (i = 0; i < n; i++)
		if (seg_excludes(p, &p->segs[i], q, &q->segs[i]))
			return 1;
	return 0;
}

static int has_hidden_segment(const char *path)
{
	return path[0] == '.' || strstr(path, "/.");
}

static int nfa_overlap(char **example, struct search *s,
		       const struct glob_nfa *p, const struct glob_nfa *q)
{
	size_t found;

	if (literals_exclude(p, q) || !(found = search_run(s, p, q, 1)))
		return 0;
	if (!example)
		return 1;
	*example = search_path(s, found - 1);
	/*
	 * "src/x.c" reads better than the shorter "src/.c": look again
	 * without segments that start with '.', and keep the first answer
	 * if there is no other.
	 */
	if (has_hidden_segment(*example) && (found = search_run(s, p, q, 0))) {
		free(*example);
		*example = search_path(s, found - 1);
	}
	return 1;
}

/* Tries every pattern of `a` against every pattern of `b`, in order. */
static int find_overlap(char **example, size_t *ia, size_t *ib,
			struct search *s, const struct para_domain *a,
			const struct para_domain *b)
{
	size_t i, j;

	for (i = 0; i < a->nr; i++)
		for (j = 0; j < b->nr; j++)
			if (nfa_overlap(example, s, &a->nfas[i], &b->nfas[j])) {
				*ia = i;
				*ib = j;
				return 1;
			}
	return 0;
}

int para_domain_overlap(char **example_out, size_t *index_a, size_t *index_b,
			const struct para_domain *a,
			const struct para_domain *b)
{
	struct search s;
	size_t i = 0, j = 0;
	int found;

	if (example_out)
		*example_out = NULL;
	if (!a || !b)
		return para_error_set(PARA_EINVALID, "no domain given");
	memset(&s, 0, sizeof(s));
	found = find_overlap(example_out, &i, &j, &s, a, b);
	search_dispose(&s);
	if (found && index_a)
		*index_a = i;
	if (found && index_b)
		*index_b = j;
	return found;
}
