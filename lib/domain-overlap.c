/*
 * Overlap of path domains: a breadth-first search of the product of two
 * NFAs and a small automaton that keeps paths valid (no empty, '.' or
 * '..' segment, no '/' at either end).  Breadth first, so the example
 * found is one of the shortest.
 */
#include "domain-internal.h"
#include "error.h"

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
	s->nodes = para_grow(s->nodes, &s->alloc, s->nr + 1, sizeof(*s->nodes));
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
