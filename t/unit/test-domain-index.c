#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "domain.h"
#include "domain-index.h"
#include "error.h"
#include "strbuf.h"
#include "strvec.h"

#include "lib-unit.h"

/* The candidates for `query` among `filed` (ids 0..), as "0 2 3". */
static char *candidates(const char *const *filed, size_t nr, const char *query)
{
	struct para_domain_index *index = para_domain_index_new();
	struct para_domain **d = calloc(nr + 1, sizeof(*d));
	struct para_domain *q = unit_domain(query);
	struct para_strbuf sb = PARA_STRBUF_INIT;
	size_t *ids, n, i;

	for (i = 0; i < nr; i++) {
		d[i] = unit_domain(filed[i]);
		para_domain_index_add(index, d[i], i);
	}
	n = para_domain_index_candidates(&ids, index, q, nr);
	for (i = 0; i < n; i++)
		para_strbuf_addf(&sb, "%s%zu", i ? " " : "", ids[i]);
	free(ids);
	for (i = 0; i < nr; i++)
		para_domain_free(d[i]);
	free(d);
	para_domain_free(q);
	para_domain_index_free(index);
	return para_strbuf_detach(&sb);
}

static void check(const char *const *filed, size_t nr, const char *query,
		  const char *want)
{
	char *got = candidates(filed, nr, query);

	if (strcmp(got, want))
		fail_msg("query '%s': got '%s', want '%s'", query, got, want);
	free(got);
}

static void test_literal_segments(void **state)
{
	static const char *const filed[] = {
		"src/auth",		/* 0 */
		"src/authz",		/* 1 */
		"src/auth/login.c",	/* 2 */
		"src",			/* 3 */
		"docs *.md",		/* 4: "*.md" meets everything */
		"src/a*/x",		/* 5: filed under "src" */
		"**/test",		/* 6: filed under nothing */
		"lib/util src/auth/**",	/* 7 */
		"src/auth!/x",		/* 8: sorts between "src/auth" and "src/auth/" */
	};
	size_t nr = sizeof(filed) / sizeof(*filed);

	(void)state;
	check(filed, nr, "src/auth", "0 2 3 4 5 6 7");
	check(filed, nr, "src/auth/login.c", "0 2 3 4 5 6 7");
	check(filed, nr, "src/authz/a", "1 3 4 5 6");
	check(filed, nr, "lib", "4 6 7");
	check(filed, nr, "docs/x lib", "4 6 7");
	check(filed, nr, "tools", "4 6");
	check(filed, nr, "*.c", "0 1 2 3 4 5 6 7 8");
	check(filed, nr, "src/*/x", "0 1 2 3 4 5 6 7 8");
	check(filed, nr, "tools/**/x", "4 6");
}

static void test_below(void **state)
{
	struct para_domain_index *index = para_domain_index_new();
	struct para_domain *a = unit_domain("a"), *b = unit_domain("a/b");
	struct para_domain *c = unit_domain("*");
	size_t *ids, n;

	(void)state;
	para_domain_index_add(index, a, 0);
	para_domain_index_add(index, b, 1);
	para_domain_index_add(index, c, 2);
	n = para_domain_index_candidates(&ids, index, b, 1);
	assert_int_equal(n, 1);
	assert_int_equal(ids[0], 0);
	free(ids);
	n = para_domain_index_candidates(&ids, index, b, 0);
	assert_int_equal(n, 0);
	free(ids);
	para_domain_index_free(index);
	para_domain_free(a);
	para_domain_free(b);
	para_domain_free(c);
}

static uint64_t rng_state = 0x9e3779b97f4a7c15ULL;

/* mostly literal segments, so that the index has much to tell apart */
static const char *const segments[] = {
	"a", "b", "ab", "a", "b", "ab", "ba", "a.c", "a*", "*b", "?", "[ab]",
	"**", "*"
};
#define NSEGMENTS (sizeof(segments) / sizeof(*segments))

static void random_pattern(struct para_strbuf *sb)
{
	int n = 1 + unit_rng(&rng_state, 4), i;

	for (i = 0; i < n; i++) {
		if (i)
			para_strbuf_addch(sb, '/');
		para_strbuf_addstr(sb,
				   segments[unit_rng(&rng_state, NSEGMENTS)]);
	}
}

#define POOL 400

/*
 * Agreement with the exact decision: every domain that overlaps is a
 * candidate, over random domains of one to three patterns; and most
 * pairs are left out.
 */
static void test_random_agrees(void **state)
{
	struct para_domain_index *index = para_domain_index_new();
	struct para_domain *pool[POOL];
	size_t i, j, k, n, *ids, listed = 0, overlapping = 0;

	(void)state;
	for (i = 0; i < POOL; i++) {
		struct para_strbuf sb = PARA_STRBUF_INIT;
		int np = 1 + unit_rng(&rng_state, 3), p;

		for (p = 0; p < np; p++) {
			if (p)
				para_strbuf_addch(&sb, ' ');
			random_pattern(&sb);
		}
		pool[i] = unit_domain(sb.buf);
		para_domain_index_add(index, pool[i], i);
		para_strbuf_dispose(&sb);
	}
	for (j = 0; j < POOL; j++) {
		n = para_domain_index_candidates(&ids, index, pool[j], j);
		for (k = 1; k < n; k++)
			assert_true(ids[k - 1] < ids[k]);
		assert_true(!n || ids[n - 1] < j);
		for (i = 0, k = 0; i < j; i++) {
			int rc = para_domain_overlap(NULL, NULL, NULL, pool[i],
						     pool[j]);

			while (k < n && ids[k] < i)
				k++;
			if (rc && (k == n || ids[k] != i))
				fail_msg("domains %zu and %zu overlap, not listed",
					 i, j);
			overlapping += rc;
		}
		listed += n;
		free(ids);
	}
	print_message("# %d pairs, %zu listed, %zu overlap\n",
		      POOL * (POOL - 1) / 2, listed, overlapping);
	assert_true(listed < (size_t)POOL * (POOL - 1) / 2);
	for (i = 0; i < POOL; i++)
		para_domain_free(pool[i]);
	para_domain_index_free(index);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_literal_segments),
		cmocka_unit_test(test_below),
		cmocka_unit_test(test_random_agrees),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
