/*
 * Domain patterns: validation, normalisation, matching and the overlap
 * decision, each checked against a reference written here from the
 * rules of lib/domain.h alone (a segment matcher by dynamic programming,
 * '**' by trying every number of segments).
 *
 * Input: lines.  The first line is a pattern of domain A, the others the
 * patterns of domain B.  Every valid pattern is matched against a set of
 * generated paths (all short paths over a few bytes of the patterns and
 * one byte outside them) by the regex, by its NFA and by the reference,
 * which must agree; a path the reference finds covered by both domains
 * must make para_domain_overlap() say 1; the example it gives must be a
 * valid path that the reference finds covered by both.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "domain.h"
#include "domain-internal.h"
#include "error.h"

#define MAX_PATTERNS 4
#define MAX_PATTERN_LEN 48
#define MAX_PATHS 600
#define MAX_PATH_LEN 6
#define MAX_SEGS 256

/* The reference: one segment of a pattern against one path segment. */

enum ref_kind { R_LIT, R_ANY, R_CLASS, R_STAR };

struct ref_atom {
	enum ref_kind kind;
	unsigned char c;
	uint64_t member[4];
};

static void member_set(struct ref_atom *a, unsigned c, int on)
{
	if (on)
		a->member[c >> 6] |= UINT64_C(1) << (c & 63);
	else
		a->member[c >> 6] &= ~(UINT64_C(1) << (c & 63));
}

/* Parses [p, end) into atoms; 0 when a '[' does not close. */
static int ref_atoms(struct ref_atom *v, size_t *nr, const char *p,
		     const char *end)
{
	*nr = 0;
	while (p < end) {
		struct ref_atom *a = &v[(*nr)++];
		const char *q;
		int negate = 0, i;

		memset(a, 0, sizeof(*a));
		if (*p == '*') {
			a->kind = R_STAR;
			p++;
			continue;
		}
		if (*p == '?') {
			a->kind = R_ANY;
			p++;
			continue;
		}
		if (*p != '[') {
			a->kind = R_LIT;
			a->c = (unsigned char)*p++;
			continue;
		}
		a->kind = R_CLASS;
		q = p + 1;
		if (q < end && (*q == '!' || *q == '^')) {
			negate = 1;
			q++;
		}
		/* members up to the first ']' that is not the very first */
		if (q < end && *q == ']') {
			if (q + 2 < end && q[1] == '-' && q[2] != ']') {
				for (i = ']'; i <= (unsigned char)q[2]; i++)
					member_set(a, i, 1);
				q += 3;
			} else {
				member_set(a, ']', 1);
				q++;
			}
		}
		while (q < end && *q != ']') {
			if (q + 2 < end && q[1] == '-' && q[2] != ']') {
				for (i = (unsigned char)q[0];
				     i <= (unsigned char)q[2]; i++)
					member_set(a, i, 1);
				q += 3;
			} else {
				member_set(a, (unsigned char)*q++, 1);
			}
		}
		if (q >= end)
			return 0;
		if (negate)
			for (i = 0; i < 4; i++)
				a->member[i] = ~a->member[i];
		member_set(a, '/', 0);
		member_set(a, 0, 0);
		p = q + 1;
	}
	return 1;
}

static int atom_takes(const struct ref_atom *a, unsigned char c)
{
	switch (a->kind) {
	case R_LIT:
		return a->c == c;
	case R_ANY:
		return c != '/';
	case R_CLASS:
		return (int)(a->member[c >> 6] >> (c & 63) & 1);
	default:
		return 0;
	}
}

static int ref_segment(const char *pat, size_t plen, const char *s,
		       size_t slen)
{
	static struct ref_atom atoms[MAX_PATTERN_LEN * MAX_PATTERNS + 1];
	unsigned char prev[MAX_SEGS * 4], cur[MAX_SEGS * 4];
	size_t nr, i, j;

	if (slen + 1 > sizeof(prev))
		fuzz_fail("reference: segment too long");
	if (!ref_atoms(atoms, &nr, pat, pat + plen))
		fuzz_fail("reference: a valid pattern has an open '['");
	/* prev[j]: the atoms so far match the first j bytes */
	memset(prev, 0, slen + 1);
	prev[0] = 1;
	for (i = 0; i < nr; i++) {
		memset(cur, 0, slen + 1);
		for (j = 0; j <= slen; j++) {
			if (atoms[i].kind == R_STAR)
				cur[j] = prev[j] || (j && cur[j - 1]);
			else
				cur[j] = j && prev[j - 1] &&
					 atom_takes(&atoms[i],
						    (unsigned char)s[j - 1]);
		}
		memcpy(prev, cur, slen + 1);
	}
	return prev[slen];
}

struct span {
	const char *p;
	size_t len;
};

static size_t split(struct span *v, const char *s, size_t len)
{
	size_t n = 0, start = 0, i;

	for (i = 0; i <= len; i++)
		if (i == len || s[i] == '/') {
			if (n == MAX_SEGS)
				fuzz_fail("reference: too many segments");
			v[n].p = s + start;
			v[n++].len = i - start;
			start = i + 1;
		}
	return n;
}

static int ref_match(const struct span *pat, size_t np,
		     const struct span *path, size_t n)
{
	size_t k;

	if (!np)
		return !n;
	if (pat[0].len == 2 && !memcmp(pat[0].p, "**", 2)) {
		for (k = 0; k <= n; k++)
			if (ref_match(pat + 1, np - 1, path + k, n - k))
				return 1;
		return 0;
	}
	return n && ref_segment(pat[0].p, pat[0].len, path[0].p, path[0].len) &&
	       ref_match(pat + 1, np - 1, path + 1, n - 1);
}

/* A pattern covers a path when it matches a segment-prefix of it. */
static int ref_covers(const char *pattern, const char *path)
{
	static struct span pat[MAX_SEGS], segs[MAX_SEGS];
	size_t plen = strlen(pattern), np, n, k;

	if (plen > 1 && pattern[plen - 1] == '/')
		plen--;
	np = split(pat, pattern, plen);
	n = split(segs, path, strlen(path));
	for (k = 1; k <= n; k++)
		if (ref_match(pat, np, segs, k))
			return 1;
	return 0;
}

/* What the rules of para_pattern_validate() say, written again. */
static int ref_valid(const char *pattern)
{
	static struct span segs[MAX_SEGS];
	static struct ref_atom atoms[MAX_PATTERN_LEN + 1];
	size_t len = strlen(pattern), n, i, j, nr;

	if (!len || pattern[0] == '/')
		return 0;
	if (pattern[len - 1] == '/')
		len--;
	n = split(segs, pattern, len);
	for (i = 0; i < n; i++) {
		const struct span *s = &segs[i];

		if (!s->len || (s->len == 1 && s->p[0] == '.') ||
		    (s->len == 2 && !memcmp(s->p, "..", 2)))
			return 0;
		if (s->len == 2 && !memcmp(s->p, "**", 2))
			continue;
		if (!ref_atoms(atoms, &nr, s->p, s->p + s->len))
			return 0;
		for (j = 1; j < nr; j++)
			if (atoms[j].kind == R_STAR &&
			    atoms[j - 1].kind == R_STAR)
				return 0;
	}
	return 1;
}

static int valid_path(const char *path)
{
	static struct span segs[MAX_SEGS];
	size_t n = split(segs, path, strlen(path)), i;

	if (!*path)
		return 0;
	for (i = 0; i < n; i++)
		if (!segs[i].len || (segs[i].len == 1 && segs[i].p[0] == '.') ||
		    (segs[i].len == 2 && !memcmp(segs[i].p, "..", 2)))
			return 0;
	return 1;
}

/* The input, split. */

struct input {
	char pat[MAX_PATTERNS][MAX_PATTERN_LEN + 1];
	const char *valid[MAX_PATTERNS];	/* the valid ones, A first */
	size_t n, nvalid, nvalid_a;
	char alphabet[8];
	char (*paths)[MAX_PATH_LEN + 1];
	size_t npaths;
};

static int split_input(struct input *in, const uint8_t *data, size_t size)
{
	size_t i, len = 0;

	in->n = 0;
	for (i = 0; i <= size; i++) {
		if (i == size || data[i] == '\n') {
			if (in->n == MAX_PATTERNS)
				return -1;
			in->pat[in->n++][len] = '\0';
			len = 0;
			continue;
		}
		if (!data[i] || len == MAX_PATTERN_LEN ||
		    in->n == MAX_PATTERNS)
			return -1;
		in->pat[in->n][len++] = (char)data[i];
	}
	return 0;
}

/* Up to three bytes of the patterns, and one byte outside all of them. */
static void pick_alphabet(struct input *in)
{
	static const char outside[] = "xyz0Q_";
	size_t n = 0, i;
	const char *p;

	for (i = 0; i < in->n && n < 3; i++)
		for (p = in->pat[i]; *p && n < 3; p++)
			if (*p != '/' && *p != '*' && *p != '[' && *p != ']' &&
			    !memchr(in->alphabet, *p, n))
				in->alphabet[n++] = *p;
	for (p = outside; *p; p++) {
		for (i = 0; i < in->n; i++)
			if (strchr(in->pat[i], *p))
				break;
		if (i == in->n) {
			in->alphabet[n++] = *p;
			break;
		}
	}
	in->alphabet[n++] = '/';
	in->alphabet[n] = '\0';
}

/* Valid paths over the alphabet, shortest first, up to MAX_PATHS. */
static void add_paths(struct input *in, char *buf, size_t len, size_t want)
{
	const char *a;

	if (in->npaths == MAX_PATHS)
		return;
	if (len == want) {
		if (valid_path(buf))
			memcpy(in->paths[in->npaths++], buf, len + 1);
		return;
	}
	for (a = in->alphabet; *a; a++) {
		buf[len] = *a;
		buf[len + 1] = '\0';
		add_paths(in, buf, len + 1, want);
	}
}

/*
 * Every matcher of `d` must say what the reference says; sets bit i of
 * `*which` when pattern i covers `path`.
 */
static int check_covers(unsigned *which, const struct para_domain *d,
			const char *path)
{
	int any = 0, rc;
	size_t i;

	*which = 0;
	for (i = 0; i < d->nr; i++) {
		int ref = ref_covers(d->patterns[i], path);
		int nfa = para_glob_nfa_accepts(&d->nfas[i], path);

		if (nfa != ref)
			fuzz_fail("'%s' on '%s': NFA %d, reference %d",
				  d->patterns[i], path, nfa, ref);
		any |= ref;
		*which |= (unsigned)ref << i;
	}
	rc = para_domain_covers(d, path);
	if (rc != any)
		fuzz_fail("domain of %zu patterns ('%s'...) on '%s': regex %d, reference %d (%s)",
			  d->nr, d->patterns[0], path, rc, any,
			  rc < 0 ? para_error_last() : "no error");
	return any;
}

static void check_pattern(const char *pattern)
{
	int ok = para_pattern_validate(pattern) == 0;
	char *norm = para_pattern_normalize(pattern);

	if (ok != ref_valid(pattern))
		fuzz_fail("'%s': validate says %d, the rules say %d", pattern,
			  ok, !ok);
	if (ok != (norm != NULL))
		fuzz_fail("'%s': validate and normalize disagree", pattern);
	if (norm && para_pattern_validate(norm))
		fuzz_fail("'%s': its normal form '%s' is not valid", pattern,
			  norm);
	free(norm);
}

/* The example of pair (ia, ib), checked against the reference. */
static void check_example(const struct para_domain *a, size_t ia,
			  const struct para_domain *b, size_t ib,
			  const char *example, const long *witness,
			  const struct input *in)
{
	unsigned wa, wb;
	size_t i;

	if (!example || !valid_path(example))
		fuzz_fail("overlap example '%s' is not a valid path",
			  example ? example : "(null)");
	if (ia >= a->nr || ib >= b->nr)
		fuzz_fail("overlap indexes out of range");
	if (!ref_covers(a->patterns[ia], example) ||
	    !ref_covers(b->patterns[ib], example))
		fuzz_fail("'%s' and '%s': example '%s' not covered by both",
			  a->patterns[ia], b->patterns[ib], example);
	check_covers(&wa, a, example);
	check_covers(&wb, b, example);
	/*
	 * the first overlapping pair, in order; the example need not be a
	 * shortest path (a readable 'a/x.b' is as good as 'a/.b')
	 */
	for (i = 0; i < ia * b->nr + ib; i++)
		if (witness[i] >= 0)
			fuzz_fail("'%s' and '%s' overlap ('%s'), yet the pair named comes later",
				  a->patterns[i / b->nr], b->patterns[i % b->nr],
				  in->paths[witness[i]]);
}

static void check_overlap(struct input *in, struct para_domain *a,
			  struct para_domain *b)
{
	long witness[MAX_PATTERNS * MAX_PATTERNS];
	char *example = NULL;
	size_t ia = 0, ib = 0, i, j, k;
	long any = -1;
	unsigned wa, wb;
	int rc;

	for (k = 0; k < a->nr * b->nr; k++)
		witness[k] = -1;
	for (k = 0; k < in->npaths; k++) {
		check_covers(&wa, a, in->paths[k]);
		check_covers(&wb, b, in->paths[k]);
		for (i = 0; i < a->nr; i++)
			for (j = 0; j < b->nr; j++)
				if ((wa >> i & 1) && (wb >> j & 1) &&
				    witness[i * b->nr + j] < 0) {
					witness[i * b->nr + j] = (long)k;
					if (any < 0)
						any = (long)k;
				}
	}
	rc = para_domain_overlap(&example, &ia, &ib, a, b);
	if (rc < 0)
		fuzz_fail("overlap failed: %s", para_error_last());
	if (any >= 0 && !rc)
		fuzz_fail("'%s' and '%s'...: disjoint, yet both cover '%s'",
			  a->patterns[0], b->patterns[0], in->paths[any]);
	if (rc)
		check_example(a, ia, b, ib, example, witness, in);
	free(example);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static char paths[MAX_PATHS][MAX_PATH_LEN + 1];
	struct para_domain *a = NULL, *b = NULL;
	struct input in;
	char buf[MAX_PATH_LEN + 2];
	size_t i, len;

	memset(&in, 0, sizeof(in));
	if (split_input(&in, data, size) < 0)
		return 0;
	for (i = 0; i < in.n; i++) {
		check_pattern(in.pat[i]);
		if (!para_pattern_validate(in.pat[i])) {
			in.valid[in.nvalid++] = in.pat[i];
			if (!i)
				in.nvalid_a = 1;
		}
	}
	if (!in.nvalid_a || in.nvalid < 2)
		return 0;
	if (para_domain_new(&a, in.valid, 1) < 0 ||
	    para_domain_new(&b, in.valid + 1, in.nvalid - 1) < 0)
		fuzz_fail("valid patterns refused: %s", para_error_last());
	pick_alphabet(&in);
	in.paths = paths;
	for (len = 1; len <= MAX_PATH_LEN && in.npaths < MAX_PATHS; len++)
		add_paths(&in, buf, 0, len);
	check_overlap(&in, a, b);
	para_domain_free(a);
	para_domain_free(b);
	return 0;
}
