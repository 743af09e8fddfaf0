/*
 * Path domains as automata: each pattern becomes a tiny NFA over bytes,
 * without epsilon moves, whose bytes are grouped in classes that no
 * edge tells apart, for the overlap search of domain-overlap.c.
 */
#include "domain-internal.h"

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
	b->v = para_grow(b->v, &b->alloc, b->nr + 1, sizeof(*b->v));
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
void para_glob_nfa_build(struct glob_nfa *nfa, const struct toklist *tl)
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

void para_glob_nfa_dispose(struct glob_nfa *nfa)
{
	free(nfa->first);
	free(nfa->edges);
	free(nfa->accept);
	free(nfa->segs);
	free(nfa->lits);
}

/*
 * Feeds `path` to the NFA from the states in `cur` (the start state when
 * `cur` has none set, see callers); returns whether any state is live
 * at the end, which `cur` then holds.
 */
static int nfa_feed(const struct glob_nfa *nfa, unsigned char **cur,
		    unsigned char **next, const char *path)
{
	const unsigned char *p = (const unsigned char *)path;
	unsigned char *swap;
	unsigned s, e;
	int live = 1;

	for (; *p && live; p++) {
		memset(*next, 0, nfa->nstates);
		live = 0;
		for (s = 0; s < nfa->nstates; s++) {
			if (!(*cur)[s])
				continue;
			for (e = nfa->first[s]; e < nfa->first[s + 1]; e++)
				if (byteset_has(&nfa->edges[e].on, *p))
					live = (*next)[nfa->edges[e].to] = 1;
		}
		swap = *cur;
		*cur = *next;
		*next = swap;
	}
	return live;
}

static int nfa_accepting(const struct glob_nfa *nfa, const unsigned char *cur)
{
	unsigned s;

	for (s = 0; s < nfa->nstates; s++)
		if (cur[s] && nfa->accept[s])
			return 1;
	return 0;
}

int para_glob_nfa_accepts(const struct glob_nfa *nfa, const char *path)
{
	unsigned char *cur = para_calloc(nfa->nstates, 1);
	unsigned char *next = para_calloc(nfa->nstates, 1);
	int accepted;

	cur[0] = 1;
	accepted = nfa_feed(nfa, &cur, &next, path) && nfa_accepting(nfa, cur);
	free(cur);
	free(next);
	return accepted;
}

/*
 * Below a path that is not covered, something may be when a state is
 * live after the '/' that starts the next segment: every state of a
 * pattern's NFA leads on to its accepting state.
 */
enum para_reach para_glob_nfa_reach(const struct glob_nfa *nfa,
				    const char *path)
{
	unsigned char *cur = para_calloc(nfa->nstates, 1);
	unsigned char *next = para_calloc(nfa->nstates, 1);
	enum para_reach reach = PARA_REACH_NONE;

	cur[0] = 1;
	if (nfa_feed(nfa, &cur, &next, path)) {
		if (nfa_accepting(nfa, cur))
			reach = PARA_REACH_COVERS;
		else if (nfa_feed(nfa, &cur, &next, "/"))
			reach = PARA_REACH_BELOW;
	}
	free(cur);
	free(next);
	return reach;
}
