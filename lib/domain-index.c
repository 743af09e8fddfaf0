/*
 * The overlap prefilter (domain-index.h): the patterns' leading literal
 * segments, sorted, so that those a query can meet are found by binary
 * search.
 */
#include "domain-internal.h"
#include "domain-index.h"
#include "sorted.h"

struct index_entry {
	char *key;	/* literal segments joined by '/'; "" when none */
	size_t id;
};

struct para_domain_index {
	struct index_entry *v;
	size_t nr, alloc;
	int sorted;
};

/* The leading segments of the pattern that are literal, as "a/b". */
static void leading_literal(struct para_strbuf *out, const struct glob_nfa *nfa)
{
	size_t i;

	para_strbuf_reset(out);
	for (i = 0; i < nfa->nsegs && nfa->segs[i].literal; i++) {
		if (i)
			para_strbuf_addch(out, '/');
		para_strbuf_add(out, nfa->lits + nfa->segs[i].pre,
				nfa->segs[i].pre_len);
	}
}

struct para_domain_index *para_domain_index_new(void)
{
	return para_calloc(1, sizeof(struct para_domain_index));
}

void para_domain_index_free(struct para_domain_index *index)
{
	size_t i;

	if (!index)
		return;
	for (i = 0; i < index->nr; i++)
		free(index->v[i].key);
	free(index->v);
	free(index);
}

void para_domain_index_add(struct para_domain_index *index,
			   const struct para_domain *domain, size_t id)
{
	struct para_strbuf key = PARA_STRBUF_INIT;
	size_t i;

	for (i = 0; domain && i < domain->nr; i++) {
		index->v = para_grow(index->v, &index->alloc, index->nr + 1,
				     sizeof(*index->v));
		leading_literal(&key, &domain->nfas[i]);
		index->v[index->nr].key = para_strdup(key.buf);
		index->v[index->nr++].id = id;
	}
	index->sorted = 0;
	para_strbuf_dispose(&key);
}

static int cmp_entry(const void *va, const void *vb)
{
	const struct index_entry *a = va, *b = vb;
	int cmp = strcmp(a->key, b->key);

	if (cmp)
		return cmp;
	return a->id < b->id ? -1 : a->id > b->id;
}

static int cmp_id(const void *va, const void *vb)
{
	size_t a = *(const size_t *)va, b = *(const size_t *)vb;

	return a < b ? -1 : a > b;
}

/* The first entry whose key is not less than `key`. */
static size_t lower_bound(const struct para_domain_index *index,
			  const char *key)
{
	return PARA_LOWER_BOUND(struct index_entry, index->v, index->nr, key,
				key);
}

struct ids {
	size_t *v;
	size_t nr, alloc;
};

static void ids_push(struct ids *ids, size_t id)
{
	ids->v = para_grow(ids->v, &ids->alloc, ids->nr + 1, sizeof(*ids->v));
	ids->v[ids->nr++] = id;
}

/*
 * The ids below `below` of the entries whose key starts with `key`
 * (`whole` 0) or is `key` (`whole` 1).
 */
static void collect(struct ids *ids, const struct para_domain_index *index,
		    const char *key, int whole, size_t below)
{
	size_t len = strlen(key), i;

	for (i = lower_bound(index, key); i < index->nr; i++) {
		const struct index_entry *e = &index->v[i];

		if (whole ? strcmp(e->key, key) : strncmp(e->key, key, len))
			break;
		if (e->id < below)
			ids_push(ids, e->id);
	}
}

/*
 * Entries a pattern filed under `key` can meet: those under a leading
 * part of it ("", "a", "a/b" for "a/b"), under itself, and under it
 * followed by more segments.  Under "", that is every entry.
 */
static void candidates_of(struct ids *ids, const struct para_domain_index *index,
			  const char *key, size_t below)
{
	struct para_strbuf part = PARA_STRBUF_INIT;
	const char *p;

	if (!*key) {
		collect(ids, index, "", 0, below);
		return;
	}
	collect(ids, index, "", 1, below);
	for (p = strchr(key, '/'); p; p = strchr(p + 1, '/')) {
		para_strbuf_reset(&part);
		para_strbuf_add(&part, key, (size_t)(p - key));
		collect(ids, index, part.buf, 1, below);
	}
	collect(ids, index, key, 1, below);
	para_strbuf_reset(&part);
	para_strbuf_addstr(&part, key);
	para_strbuf_addch(&part, '/');
	collect(ids, index, part.buf, 0, below);
	para_strbuf_dispose(&part);
}

size_t para_domain_index_candidates(size_t **out,
				    struct para_domain_index *index,
				    const struct para_domain *domain,
				    size_t below)
{
	struct para_strbuf key = PARA_STRBUF_INIT;
	struct ids ids = { NULL, 0, 0 };
	size_t i, n = 0;

	if (!index->sorted && index->nr) {
		qsort(index->v, index->nr, sizeof(*index->v), cmp_entry);
		index->sorted = 1;
	}
	for (i = 0; domain && i < domain->nr; i++) {
		leading_literal(&key, &domain->nfas[i]);
		candidates_of(&ids, index, key.buf, below);
	}
	if (ids.nr)
		qsort(ids.v, ids.nr, sizeof(*ids.v), cmp_id);
	for (i = 0; i < ids.nr; i++)
		if (!n || ids.v[n - 1] != ids.v[i])
			ids.v[n++] = ids.v[i];
	para_strbuf_dispose(&key);
	*out = ids.v ? ids.v : para_calloc(1, sizeof(**out));
	return n;
}
