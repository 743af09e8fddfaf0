#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fnmatch.h>
#include <cmocka.h>

#include "domain.h"
#include "domain-internal.h"
#include "error.h"
#include "strbuf.h"
#include "strvec.h"

#include "lib-unit.h"

/*
 * An independent reference: whole segments are compared with glibc's
 * fnmatch(3), '**' segments by trying every number of segments, and a
 * pattern covers a path when it matches a segment-prefix of it.
 */
#define MAX_SEGS 64

struct segs {
	char buf[1024];
	char *v[MAX_SEGS];
	size_t nr;
};

static void split_segs(struct segs *s, const char *str)
{
	size_t len = strlen(str);
	char *p;

	assert_true(len < sizeof(s->buf));
	memcpy(s->buf, str, len + 1);
	if (len > 1 && s->buf[len - 1] == '/')
		s->buf[len - 1] = '\0';
	s->nr = 0;
	for (p = s->buf; p; p = strchr(p, '/') ? strchr(p, '/') + 1 : NULL) {
		assert_true(s->nr < MAX_SEGS);
		s->v[s->nr++] = p;
	}
	for (p = s->buf; (p = strchr(p, '/')); p++)
		*p = '\0';
}

static int ref_match(char *const *pat, size_t np, char *const *path, size_t n)
{
	size_t k;

	if (!np)
		return !n;
	if (!strcmp(pat[0], "**")) {
		for (k = 0; k <= n; k++)
			if (ref_match(pat + 1, np - 1, path + k, n - k))
				return 1;
		return 0;
	}
	return n && !fnmatch(pat[0], path[0], FNM_NOESCAPE) &&
	       ref_match(pat + 1, np - 1, path + 1, n - 1);
}

static int ref_covers_segs(const struct segs *pat, const struct segs *path)
{
	size_t k;

	for (k = 1; k <= path->nr; k++)
		if (ref_match(pat->v, pat->nr, path->v, k))
			return 1;
	return 0;
}

static int ref_covers(const char *pattern, const char *path)
{
	struct segs pat, p;

	split_segs(&pat, pattern);
	split_segs(&p, path);
	return ref_covers_segs(&pat, &p);
}

/* A path git could hold: no empty, '.' or '..' segment. */
static void assert_valid_path(const char *path)
{
	struct segs s;
	size_t i;

	assert_true(path[0] && path[0] != '/');
	assert_true(path[strlen(path) - 1] != '/');
	assert_null(strstr(path, "//"));
	split_segs(&s, path);
	for (i = 0; i < s.nr; i++)
		assert_true(strcmp(s.v[i], ".") && strcmp(s.v[i], ".."));
}

/* Validation */

static const struct {
	const char *pattern;
	const char *rule;
} invalid_patterns[] = {
	{ "", "empty patterns are not allowed" },
	{ "/", "absolute paths are not allowed" },
	{ "/etc", "absolute paths are not allowed" },
	{ "//a", "absolute paths are not allowed" },
	{ "/**", "absolute paths are not allowed" },
	{ ".", "'.' and '..' segments are not allowed" },
	{ "..", "'.' and '..' segments are not allowed" },
	{ "./", "'.' and '..' segments are not allowed" },
	{ "./src", "'.' and '..' segments are not allowed" },
	{ "../src", "'.' and '..' segments are not allowed" },
	{ "a/./b", "'.' and '..' segments are not allowed" },
	{ "a/../b", "'.' and '..' segments are not allowed" },
	{ "a/..", "'.' and '..' segments are not allowed" },
	{ "a/../", "'.' and '..' segments are not allowed" },
	{ "a//b", "empty segments are not allowed" },
	{ "a//", "empty segments are not allowed" },
	{ "a///", "empty segments are not allowed" },
	{ "**//a", "empty segments are not allowed" },
	{ "[", "unbalanced '['" },
	{ "a[b", "unbalanced '['" },
	{ "src/[ab", "unbalanced '['" },
	{ "[]", "unbalanced '['" },
	{ "[!]", "unbalanced '['" },
	{ "[^]", "unbalanced '['" },
	{ "a[/]b", "unbalanced '['" },
	{ "[a/b]", "unbalanced '['" },
	{ "[ab/", "unbalanced '['" },
	{ "x]/[y", "unbalanced '['" },
	{ "a**b", "'**' must be a whole segment" },
	{ "**x", "'**' must be a whole segment" },
	{ "x**", "'**' must be a whole segment" },
	{ "***", "'**' must be a whole segment" },
	{ "src/**.c", "'**' must be a whole segment" },
	{ "a/***/b", "'**' must be a whole segment" },
	{ "a/b**/", "'**' must be a whole segment" },
	{ "a\nb", "a newline is not allowed" },
	{ "src/\n", "a newline is not allowed" },
	{ "[\n]", "a newline is not allowed" },
};

static void test_validate_invalid(void **state)
{
	char expect[256];
	size_t i;

	for (i = 0; i < sizeof(invalid_patterns) / sizeof(*invalid_patterns); i++) {
		const char *pattern = invalid_patterns[i].pattern;

		snprintf(expect, sizeof(expect), "invalid path pattern '%s': %s",
			 pattern, invalid_patterns[i].rule);
		para_error_clear();
		assert_int_equal(para_pattern_validate(pattern), PARA_EINVALID);
		assert_string_equal(para_error_last(), expect);
		assert_null(para_pattern_normalize(pattern));
	}
}

static const char *const valid_patterns[] = {
	"a", "a/", "src/auth", "src/auth/", "**", "**/", "a/**", "a/**/",
	"**/a", "a/**/b", "**/**", "*", "?", "*.c", "src/*", "src/*/",
	"[abc]", "[a-z]x", "[!x]", "[^x]", "[]]", "[!]]", "[]a]", "[a-]",
	"[-a]", "[[]", "[*]", "[?]", "[.]", "a]b", "a\\b", "a\\*", "\\",
	".gitignore", "a/.hidden/b", "...", "a/.../b", ".a.", "..a",
	"a*b*c", "*a*", "?*?", "src/**/test_*.c", "a b", "-",
	"src/[a-c]*/x?/**/[!.]*.[ch]", "very/deep/path/with/many/segments",
};

static void test_validate_valid(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(valid_patterns) / sizeof(*valid_patterns); i++) {
		if (para_pattern_validate(valid_patterns[i]) < 0)
			fail_msg("'%s': %s", valid_patterns[i], para_error_last());
	}
}

static void test_normalize(void **state)
{
	static const char *const cases[][2] = {
		{ "a", "a" }, { "a/", "a" }, { "src/auth/", "src/auth" },
		{ "**/", "**" }, { "a/**/", "a/**" }, { "[]]/", "[]]" },
	};
	size_t i;

	for (i = 0; i < sizeof(cases) / sizeof(*cases); i++) {
		char *n = para_pattern_normalize(cases[i][0]);

		assert_non_null(n);
		assert_string_equal(n, cases[i][1]);
		free(n);
	}
}

static void test_domain_new(void **state)
{
	static const char *const bad[] = { "src/a", "a//b", "lib" };
	struct para_domain *d = (void *)1;

	assert_int_equal(para_domain_new(&d, bad, 3), PARA_EINVALID);
	assert_null(d);
	assert_string_equal(para_error_last(),
			    "invalid path pattern 'a//b': empty segments are not allowed");

	d = unit_domain("src/ lib/**/ *.md");
	assert_int_equal(para_domain_count(d), 3);
	assert_string_equal(para_domain_pattern(d, 0), "src");
	assert_string_equal(para_domain_pattern(d, 1), "lib/**");
	assert_string_equal(para_domain_pattern(d, 2), "*.md");
	assert_null(para_domain_pattern(d, 3));
	para_domain_free(d);
	para_domain_free(NULL);
}

/* Covers */

static const struct {
	const char *pattern;
	const char *path;
	int covers;
} covers_table[] = {
	{ "src", "src", 1 },
	{ "src", "src/a.c", 1 },
	{ "src", "src/a/b/c.c", 1 },
	{ "src", "srcx", 0 },
	{ "src", "xsrc", 0 },
	{ "src", "lib/src", 0 },
	{ "src/", "src/a.c", 1 },
	{ "src/auth", "src/auth/login.c", 1 },
	{ "src/auth/", "src/auth/login.c", 1 },
	{ "src/*", "src/auth/login.c", 1 },
	{ "src/auth", "src/authx", 0 },
	{ "src/auth", "src/authz/x", 0 },
	{ "src/auth", "src", 0 },
	{ "*", "anything", 1 },
	{ "*", "a/b/c", 1 },
	{ "*.c", "a.c", 1 },
	{ "*.c", "a.c/b", 1 },
	{ "*.c", "src/a.c", 0 },
	{ "*.c", "a.h", 0 },
	{ "?", "a", 1 },
	{ "?", "ab", 0 },
	{ "?", "a/b", 1 },
	{ "a?c", "abc", 1 },
	{ "a?c", "ac", 0 },
	{ "a?c", "a/c", 0 },
	{ "a*c", "a/c", 0 },
	{ "a*c", "ac", 1 },
	{ "a*c", "abbbc", 1 },
	{ "[abc]", "b", 1 },
	{ "[abc]", "d", 0 },
	{ "[a-z]x", "qx", 1 },
	{ "[a-z]x", "Qx", 0 },
	{ "[!x]", "y", 1 },
	{ "[!x]", "x", 0 },
	{ "[^x]", "y", 1 },
	{ "[^x]", "x", 0 },
	{ "[]]", "]", 1 },
	{ "[]a]", "a", 1 },
	{ "[!]]", "]", 0 },
	{ "[!]]", "a", 1 },
	{ "[a-]", "-", 1 },
	{ "[*]", "*", 1 },
	{ "[*]", "a", 0 },
	{ "a\\b", "a\\b", 1 },
	{ "a\\*", "a\\xyz", 1 },
	{ "a\\*", "a*", 0 },
	{ "a.c", "abc", 0 },
	{ "a+b", "a+b", 1 },
	{ "(a|b)", "(a|b)", 1 },
	{ "(a|b)", "a", 0 },
	{ "**", "a", 1 },
	{ "**", "a/b/c", 1 },
	{ "**/", "a/b/c", 1 },
	{ "a/**", "a", 1 },
	{ "a/**", "a/b/c", 1 },
	{ "a/**", "ab", 0 },
	{ "**/a", "a", 1 },
	{ "**/a", "x/y/a", 1 },
	{ "**/a", "x/y/a/z", 1 },
	{ "**/a", "x/ya", 0 },
	{ "src/**/test_*.c", "src/test_a.c", 1 },
	{ "src/**/test_*.c", "src/a/b/test_a.c", 1 },
	{ "src/**/test_*.c", "src/a/b/test_a.h", 0 },
	{ "src/**/test_*.c", "lib/test_a.c", 0 },
	{ "src/**/test_*.c", "src/xtest_a.c", 0 },
	{ "a/**/b", "a/b", 1 },
	{ "a/**/b", "a/x/y/b", 1 },
	{ "a/**/b", "a/xb", 0 },
	{ "a/**/**/b", "a/b", 1 },
	{ "a/**/**/b", "a/x/y/z/b/c", 1 },
	{ "*/b", "a/b", 1 },
	{ "*/b", "a/c/b", 0 },
	{ ".*", ".git", 1 },
	{ "a b", "a b/c", 1 },
	{ "\xc3\xa9t\xc3\xa9", "\xc3\xa9t\xc3\xa9/x", 1 },
	{ "?", "\xc3\xa9", 0 },	/* bytes, not characters */
	{ "??", "\xc3\xa9", 1 },
	{ "[!a]", "\n", 1 },
	{ "a", "a\n", 0 },
};

static void check_reach(const char *pattern, const char *path,
			enum para_reach want)
{
	struct para_domain *d = unit_domain(pattern);

	if (para_domain_reach(d, 0, path) != want)
		fail_msg("'%s' at '%s': reach %d, want %d", pattern, path,
			 (int)para_domain_reach(d, 0, path), (int)want);
	para_domain_free(d);
}

static void test_reach(void **state)
{
	(void)state;
	check_reach("m08/d[0-4]?", "m08", PARA_REACH_BELOW);
	check_reach("m08/d[0-4]?", "m09", PARA_REACH_NONE);
	check_reach("m08/d[0-4]?", "m08/d07", PARA_REACH_COVERS);
	check_reach("m08/d[0-4]?", "m08/d57", PARA_REACH_NONE);
	check_reach("m08/d[0-4]?", "m08/d07/f", PARA_REACH_COVERS);
	check_reach("a/*/b/", "a/x", PARA_REACH_BELOW);
	check_reach("a/*/b/", "a/x/c", PARA_REACH_NONE);
	check_reach("a/*/b/", "a/x/b", PARA_REACH_COVERS);
	check_reach("**/b", "x/y", PARA_REACH_BELOW);
	check_reach("**/b", "x/b", PARA_REACH_COVERS);
	check_reach("src", "src", PARA_REACH_COVERS);
	check_reach("src", "doc", PARA_REACH_NONE);
	check_reach("src/*.c", "src", PARA_REACH_BELOW);
	check_reach("src/*.c", "src/a.h", PARA_REACH_NONE);
	assert_int_equal(para_domain_reach(NULL, 0, "x"), PARA_REACH_NONE);
	assert_true(para_pattern_is_literal("src/auth/"));
	assert_true(para_pattern_is_literal("odd/back\\slash"));
	assert_false(para_pattern_is_literal("src/*"));
	assert_false(para_pattern_is_literal("a/**/b"));
	assert_false(para_pattern_is_literal("d[0-4]"));
	assert_false(para_pattern_is_literal("d?"));
	assert_false(para_pattern_is_literal("/abs"));
}

static void test_covers(void **state)
{
	size_t i;

	for (i = 0; i < sizeof(covers_table) / sizeof(*covers_table); i++) {
		struct para_domain *d = NULL;
		const char *pattern = covers_table[i].pattern;
		const char *path = covers_table[i].path;
		int want = covers_table[i].covers;

		assert_int_equal(para_domain_new(&d, &pattern, 1), 0);
		if (para_domain_covers(d, path) != want)
			fail_msg("'%s' covers '%s': expected %d", pattern, path,
				 want);
		if (!strchr(path, '\n') && ref_covers(pattern, path) != want)
			fail_msg("reference disagrees: '%s' '%s'", pattern, path);
		/* the NFAs answer where the regex gives up */
		if (para_glob_nfa_accepts(&d->nfas[0], path) != want)
			fail_msg("the NFA disagrees: '%s' '%s'", pattern, path);
		para_domain_free(d);
	}
}

/*
 * '*' after '*' in one segment against a long name backtracks far past
 * pcre2's match limit: the answer must still be exact, and quick.
 */
static void test_covers_explosive(void **state)
{
	const char *patterns[] = { "*a*a*a*a*a*a*b", "x/*a*a*a*a*c*" };
	struct para_domain *d = NULL;
	char name[260], path[270];
	int i;

	memset(name, 'a', 200);
	name[200] = '\0';
	assert_int_equal(para_domain_new(&d, patterns, 2), 0);
	for (i = 0; i < 50; i++)
		assert_int_equal(para_domain_covers(d, name), 0);
	snprintf(path, sizeof(path), "%sb", name);
	assert_int_equal(para_domain_covers(d, path), 1);
	snprintf(path, sizeof(path), "%sb/below", name);
	assert_int_equal(para_domain_covers(d, path), 1);
	snprintf(path, sizeof(path), "%sbx", name);
	assert_int_equal(para_domain_covers(d, path), 0);
	snprintf(path, sizeof(path), "x/%s", name);
	assert_int_equal(para_domain_covers(d, path), 0);
	snprintf(path, sizeof(path), "x/%sc", name);
	assert_int_equal(para_domain_covers(d, path), 1);
	snprintf(path, sizeof(path), "x/%s/c", name);
	assert_int_equal(para_domain_covers(d, path), 0);
	para_domain_free(d);
}

static void test_covers_domain(void **state)
{
	struct para_domain *d = unit_domain("src/auth docs/*.md **/Makefile");
	struct para_domain *empty = NULL;

	assert_int_equal(para_domain_covers(d, "src/auth/a.c"), 1);
	assert_int_equal(para_domain_covers(d, "docs/x.md"), 1);
	assert_int_equal(para_domain_covers(d, "lib/x/Makefile"), 1);
	assert_int_equal(para_domain_covers(d, "src/authz"), 0);
	assert_int_equal(para_domain_covers(d, "docs/x/y.md"), 0);
	assert_int_equal(para_domain_covers(d, "Makefile.in"), 0);
	para_domain_free(d);

	assert_int_equal(para_domain_new(&empty, NULL, 0), 0);
	assert_int_equal(para_domain_count(empty), 0);
	assert_int_equal(para_domain_covers(empty, "a"), 0);
	para_domain_free(empty);
}

/* Overlap */

/* Checks the answer for two domains, and the example when they overlap. */
static void check_overlap(const char *a_spec, const char *b_spec, int want,
			  const char *want_example)
{
	struct para_domain *a = unit_domain(a_spec), *b = unit_domain(b_spec);
	char *example = NULL;
	size_t ia = 99, ib = 99;
	int rc;

	rc = para_domain_overlap(&example, &ia, &ib, a, b);
	if (rc != want)
		fail_msg("'%s' and '%s': expected %d, got %d (%s)", a_spec,
			 b_spec, want, rc, example ? example : "-");
	if (rc) {
		assert_valid_path(example);
		assert_true(ia < para_domain_count(a));
		assert_true(ib < para_domain_count(b));
		assert_int_equal(para_domain_covers(a, example), 1);
		assert_int_equal(para_domain_covers(b, example), 1);
		assert_true(ref_covers(para_domain_pattern(a, ia), example));
		assert_true(ref_covers(para_domain_pattern(b, ib), example));
		if (want_example && strcmp(example, want_example))
			fail_msg("'%s' and '%s': example '%s', expected '%s'",
				 a_spec, b_spec, example, want_example);
	} else {
		assert_null(example);
	}
	free(example);
	para_domain_free(a);
	para_domain_free(b);
}

static const struct {
	const char *a, *b;
	int overlap;
} overlap_table[] = {
	/* literals and directory prefixes */
	{ "a", "a", 1 },
	{ "a", "b", 0 },
	{ "src", "src/a", 1 },
	{ "src/a", "src", 1 },
	{ "src/auth", "src/authz", 0 },
	{ "src/authz", "src/auth", 0 },
	{ "src/auth", "src/auth/login.c", 1 },
	{ "src/authz", "src/auth/**", 0 },
	{ "docs", "docs.md", 0 },
	{ "a/b/c", "a/b/c/d/e", 1 },
	{ "a/b/c", "a/b/d", 0 },
	{ "x", "X", 0 },
	/* trailing '/' */
	{ "src/auth/", "src/auth", 1 },
	{ "src/", "src/a/b", 1 },
	{ "src/", "srcx/", 0 },
	{ "src/*/", "src/a", 1 },
	{ "**/", "a", 1 },
	/* '*' */
	{ "*", "anything/deep", 1 },
	{ "*.c", "src/*", 0 },
	{ "*.c", "*.h", 0 },
	{ "*.c", "x.[ch]", 1 },
	{ "a*", "*b", 1 },
	{ "a*", "b*", 0 },
	{ "*a", "*b", 0 },
	{ "*a*", "*b*", 1 },
	{ "*/b", "a/*", 1 },
	{ "*/b", "*/c", 0 },
	{ "*/*/c", "a/b", 1 },
	{ "*/*", "a", 1 },
	{ "src/*", "src", 1 },
	{ "src/*/a", "src/b", 1 },
	{ "a/*/c", "a/b/*", 1 },
	{ "a/*/c", "a/b/d", 0 },
	{ "src/*.c", "src/*.h", 0 },
	/* '?' */
	{ "?", "ab", 0 },
	{ "?", "a/b", 1 },
	{ "??", "a*", 1 },
	{ "?", "*", 1 },
	{ "?/?", "??", 0 },
	{ "a/?/c", "a/bb/c", 0 },
	{ "a/?/c", "a/**/c", 1 },
	/* classes */
	{ "[a-c]x", "[!b]x", 1 },
	{ "[a-c]x", "[!a-c]x", 0 },
	{ "[abc]", "[def]", 0 },
	{ "[abc]", "[c-f]", 1 },
	{ "[!a]", "a", 0 },
	{ "[!a]", "?", 1 },
	{ "[^a]", "a/b", 0 },
	{ "[!ab]", "[!bc]", 1 },
	{ "[]]", "]", 1 },
	{ "[]]", "a", 0 },
	{ "[!]]", "]", 0 },
	{ "[a-]", "-", 1 },
	{ "a-b", "[a]-[b]", 1 },
	{ "[0-9]*", "v*", 0 },
	{ "[0-9]*", "*[0-9]", 1 },
	{ "[*]", "a*", 0 },
	{ "[*]", "?", 1 },
	{ "[z-a]", "*", 0 },
	/* '**' at the start, in the middle, at the end */
	{ "**", "x", 1 },
	{ "**", "**", 1 },
	{ "a/**", "a", 1 },
	{ "a/**", "ab", 0 },
	{ "a/**", "a/b/c", 1 },
	{ "**/test_*.c", "src/*/test_a.c", 1 },
	{ "src/**/test_*.c", "src/test_a.c", 1 },
	{ "src/**/test_*.c", "lib/**", 0 },
	{ "src/**/x", "src/**/y", 1 },
	{ "**/a", "**/b", 1 },
	{ "a/**/b", "a/c", 1 },
	{ "a/**/b", "c/**", 0 },
	{ "**/a/b", "a/**", 1 },
	{ "**/x", "y/**/z", 1 },
	{ "a/b", "**/b", 1 },
	{ "a/b", "*/c/**", 0 },
	{ "**/*.c", "src/*", 1 },
	{ "**/*.c", "**/*.h", 1 },	/* a directory "x.c" holding "x.h" */
	{ "a/**/b/**/c", "**/c/**/b/**/a", 1 },
	{ "a/**/**/b", "a/b", 1 },
	/* bytes that look special elsewhere */
	{ "a\\b", "a\\*", 1 },
	{ "a\\*", "a*", 1 },
	{ "a\\*", "ab", 0 },
	{ "a.c", "abc", 0 },
	{ "(a|b)", "a", 0 },
	{ "a+", "a", 0 },
	/* only '.' or '..' segments would be in both: no real path */
	{ ".*", "?", 0 },
	{ ".?", "[.][.]", 0 },
	{ ".?", "[.]?", 1 },
	{ "a/[.]", "a/*", 0 },
	{ "a/[.]*", "a/*[.]", 1 },
	{ ".git*", "*", 1 },
	/* domains of several patterns */
	{ "src/a src/b", "lib src/b/x", 1 },
	{ "src/a src/b", "lib src/c", 0 },
	{ "docs/** *.md", "README.md", 1 },
};

static void test_overlap_table(void **state)
{
	size_t i, n = sizeof(overlap_table) / sizeof(*overlap_table);

	assert_true(n >= 60);
	for (i = 0; i < n; i++) {
		check_overlap(overlap_table[i].a, overlap_table[i].b,
			      overlap_table[i].overlap, NULL);
		check_overlap(overlap_table[i].b, overlap_table[i].a,
			      overlap_table[i].overlap, NULL);
	}
}

/* Examples are the shortest, and read well. */
static void test_overlap_examples(void **state)
{
	check_overlap("*", "*", 1, "x");
	check_overlap("**", "**", 1, "x");
	check_overlap("a/*/c", "a/b/*", 1, "a/b/c");
	check_overlap("**/*.c", "src/*", 1, "src/x.c");
	check_overlap("src/**/test_*.c", "**/*_a.c", 1, "src/test_a.c");
	check_overlap("[a-c]x", "[!b]x", 1, "ax");
	check_overlap(".*", "*", 1, ".x");
	check_overlap("**", "a/**", 1, "a");
	check_overlap("src/auth/", "src/**", 1, "src/auth");
	check_overlap("**/*.c", "**/*.h", 1, "x.h/x.c");
	check_overlap("[!x]", "?", 1, "y");
}

static void test_overlap_indexes(void **state)
{
	struct para_domain *a = unit_domain("src/a src/b docs");
	struct para_domain *b = unit_domain("lib tests/** src/b/x.c");
	struct para_domain *empty = NULL;
	char *example = NULL;
	size_t ia, ib;

	assert_int_equal(para_domain_overlap(&example, &ia, &ib, a, b), 1);
	assert_int_equal(ia, 1);
	assert_int_equal(ib, 2);
	assert_string_equal(example, "src/b/x.c");
	free(example);

	assert_int_equal(para_domain_overlap(NULL, NULL, NULL, a, b), 1);

	assert_int_equal(para_domain_new(&empty, NULL, 0), 0);
	example = (char *)"untouched";
	assert_int_equal(para_domain_overlap(&example, &ia, &ib, a, empty), 0);
	assert_null(example);
	assert_int_equal(para_domain_overlap(NULL, NULL, NULL, empty, a), 0);
	para_domain_free(empty);
	para_domain_free(a);
	para_domain_free(b);
}

/* A long literal pattern against a long wildcard one stays exact. */
static void test_overlap_long(void **state)
{
	struct para_strbuf lit = PARA_STRBUF_INIT, glob = PARA_STRBUF_INIT;
	int i;

	for (i = 0; i < 40; i++) {
		para_strbuf_addf(&lit, "%sd%d", i ? "/" : "", i);
		para_strbuf_addstr(&glob, i ? "/?*" : "?*");
	}
	check_overlap(lit.buf, glob.buf, 1, lit.buf);
	para_strbuf_addstr(&glob, "/?");
	check_overlap(lit.buf, glob.buf, 1, NULL);
	para_strbuf_addstr(&lit, "/x");
	para_strbuf_addstr(&glob, "y");
	check_overlap(lit.buf, glob.buf, 0, NULL);
	para_strbuf_dispose(&lit);
	para_strbuf_dispose(&glob);
}

/* Many bytes told apart by classes and literals at once. */
static void test_overlap_many_bytes(void **state)
{
	struct para_strbuf classes = PARA_STRBUF_INIT, lits = PARA_STRBUF_INIT;
	struct para_strbuf pattern = PARA_STRBUF_INIT, path = PARA_STRBUF_INIT;
	unsigned b;

	for (b = 0x80; b < 0x100; b++) {
		para_strbuf_addf(&classes, "[%c]", b);
		para_strbuf_addch(&lits, b);
	}
	for (b = 'a'; b <= 'z'; b++) {
		para_strbuf_addf(&classes, "[!%c]", b);
		para_strbuf_addch(&lits, b == 'z' ? 'a' : b + 1);
	}
	para_strbuf_addf(&pattern, "%s/%s", classes.buf, lits.buf);
	para_strbuf_addf(&path, "%s/%s", lits.buf, lits.buf);
	check_overlap(pattern.buf, "*/*", 1, NULL);
	check_overlap(pattern.buf, "*/*[!a]", 0, NULL);
	/* the literals match the classes too */
	check_overlap(pattern.buf, path.buf, 1, path.buf);
	path.buf[path.len - 1] = 'b';
	check_overlap(pattern.buf, path.buf, 0, NULL);
	para_strbuf_dispose(&classes);
	para_strbuf_dispose(&lits);
	para_strbuf_dispose(&pattern);
	para_strbuf_dispose(&path);
}

/*
 * Randomised check against brute force.  Patterns are built from the
 * atoms below, with at most 3 atoms and 2 segments other than '**'.
 *
 * Why the brute force is then sound: take a shortest path covered by two
 * patterns p and q.  A byte where both patterns sit in a loop ('*',
 * inside '**', below the match) can be dropped unless it is the last of
 * its segment, and so can a whole segment that both pass over with
 * '**'.  So every segment of the path is matched by a segment of p or q
 * that is not '**' (at most 4), and the bytes of a segment are at most
 * the atoms of those pattern segments.  The length is thus at most
 * atoms(p) + atoms(q) + segments(p) + segments(q) - 1 <= 9.  Every
 * character test of these patterns that some byte passes is passed by
 * 'a' or by 'b', so paths over {a, b, /} of length <= 9 are enough.
 */
#define POOL 150
#define MAX_LEN 9
#define MAX_PATHS 8000

/* literals three times as likely, so that about half of the pairs overlap */
static const char *const atoms[] = {
	"a", "b", "a", "b", "a", "b", "*", "?", "[ab]", "[!a]"
};
#define NATOMS (sizeof(atoms) / sizeof(*atoms))

struct random_pattern {
	char text[32];
	int bound;	/* atoms + segments, see above */
	struct segs segs;
	struct para_domain *domain;
};

struct brute {
	struct random_pattern pool[POOL];
	char (*paths)[MAX_LEN + 1];
	size_t npaths;
	uint64_t (*covered)[(MAX_PATHS + 63) / 64];
};

static uint64_t rng_state = 0x2545f4914f6cdd1dULL;

static void random_segment(struct random_pattern *rp, int natoms)
{
	const char *prev = "";
	int i;

	for (i = 0; i < natoms; i++) {
		const char *atom = atoms[unit_rng(&rng_state, NATOMS)];

		if (!strcmp(atom, "*") && !strcmp(prev, "*"))
			atom = "a";	/* '**' only as a whole segment */
		strcat(rp->text, atom);
		prev = atom;
	}
}

static void random_pattern(struct random_pattern *rp)
{
	int nseg = 1 + unit_rng(&rng_state, 3), atoms_left = 3, plain = 0, i, n;

	rp->text[0] = '\0';
	rp->bound = 0;
	for (i = 0; i < nseg; i++) {
		if (i)
			strcat(rp->text, "/");
		if (plain == 2 || !atoms_left || !unit_rng(&rng_state, 8)) {
			strcat(rp->text, "**");
			continue;
		}
		n = 1 + unit_rng(&rng_state, 2);
		if (n > atoms_left)
			n = atoms_left;
		random_segment(rp, n);
		atoms_left -= n;
		plain++;
		rp->bound += n + 1;
	}
	if (!unit_rng(&rng_state, 8))
		strcat(rp->text, "/");
}

/* All valid paths over {a, b, /}, shortest first. */
static void add_paths(struct brute *b, char *buf, size_t len, size_t want)
{
	static const char alphabet[] = "ab/";
	size_t i;

	if (len == want) {
		if (buf[len - 1] == '/')
			return;
		assert_true(b->npaths < MAX_PATHS);
		memcpy(b->paths[b->npaths++], buf, len + 1);
		return;
	}
	for (i = 0; i < 3; i++) {
		if (alphabet[i] == '/' && (!len || buf[len - 1] == '/'))
			continue;
		buf[len] = alphabet[i];
		buf[len + 1] = '\0';
		add_paths(b, buf, len + 1, want);
	}
}

static void brute_fill(struct brute *b)
{
	struct segs path;
	size_t i, j;

	for (i = 0; i < b->npaths; i++) {
		split_segs(&path, b->paths[i]);
		for (j = 0; j < POOL; j++) {
			struct random_pattern *rp = &b->pool[j];
			int ref = ref_covers_segs(&rp->segs, &path);

			if (para_domain_covers(rp->domain, b->paths[i]) != ref)
				fail_msg("'%s' on '%s': covers disagrees with the reference",
					 rp->text, b->paths[i]);
			if (ref)
				b->covered[j][i / 64] |= UINT64_C(1) << (i % 64);
		}
	}
}

static void brute_setup(struct brute *b)
{
	char buf[MAX_LEN + 2];
	size_t i;
	const char *text;

	b->paths = calloc(MAX_PATHS, sizeof(*b->paths));
	b->covered = calloc(POOL, sizeof(*b->covered));
	assert_non_null(b->paths);
	assert_non_null(b->covered);
	for (i = 1; i <= MAX_LEN; i++)
		add_paths(b, buf, 0, i);
	for (i = 0; i < POOL; i++) {
		random_pattern(&b->pool[i]);
		text = b->pool[i].text;
		split_segs(&b->pool[i].segs, text);
		assert_int_equal(para_domain_new(&b->pool[i].domain, &text, 1), 0);
	}
	brute_fill(b);
}

/* The shortest path covered by both, or -1. */
static long brute_overlap(const struct brute *b, size_t i, size_t j)
{
	size_t w;

	for (w = 0; w < (b->npaths + 63) / 64; w++) {
		uint64_t both = b->covered[i][w] & b->covered[j][w];

		if (both)
			return (long)(w * 64 + __builtin_ctzll(both));
	}
	return -1;
}

static void brute_check_pair(const struct brute *b, size_t i, size_t j)
{
	const struct random_pattern *p = &b->pool[i], *q = &b->pool[j];
	long shortest = brute_overlap(b, i, j);
	char *example = NULL;
	int rc;

	rc = para_domain_overlap(&example, NULL, NULL, p->domain, q->domain);
	if (rc != (shortest >= 0))
		fail_msg("'%s' and '%s': decided %d, brute force found '%s'",
			 p->text, q->text, rc,
			 shortest >= 0 ? b->paths[shortest] : "nothing");
	if (rc) {
		assert_valid_path(example);
		assert_int_equal(para_domain_covers(p->domain, example), 1);
		assert_int_equal(para_domain_covers(q->domain, example), 1);
		assert_true(ref_covers(p->text, example));
		assert_true(ref_covers(q->text, example));
		assert_int_equal(strlen(example), strlen(b->paths[shortest]));
		assert_true((int)strlen(example) <=
			    (p->bound + q->bound > 1 ? p->bound + q->bound - 1 : 1));
	}
	free(example);
}

/* Domains of two or three pool patterns overlap when some pair does. */
static void brute_check_domains(const struct brute *b)
{
	struct para_domain *a, *c;
	const char *pa[3], *pc[3];
	size_t ia[3], ic[3], na, nc, k, l, x, y, n;
	int want, rc;

	for (n = 0; n < 500; n++) {
		na = 2 + unit_rng(&rng_state, 2);
		nc = 2 + unit_rng(&rng_state, 2);
		for (k = 0; k < 3; k++) {
			ia[k] = unit_rng(&rng_state, POOL);
			ic[k] = unit_rng(&rng_state, POOL);
			pa[k] = b->pool[ia[k]].text;
			pc[k] = b->pool[ic[k]].text;
		}
		want = 0;
		for (k = 0; k < na; k++)
			for (l = 0; l < nc; l++)
				want |= brute_overlap(b, ia[k], ic[l]) >= 0;
		assert_int_equal(para_domain_new(&a, pa, na), 0);
		assert_int_equal(para_domain_new(&c, pc, nc), 0);
		rc = para_domain_overlap(NULL, &x, &y, a, c);
		assert_int_equal(rc, want);
		if (rc)
			assert_true(brute_overlap(b, ia[x], ic[y]) >= 0);
		para_domain_free(a);
		para_domain_free(c);
	}
}

/*
 * A walk never misses what a pattern covers: it descends at every
 * directory above a covered path, and stops where it is covered.
 */
static void brute_check_reach(const struct brute *b)
{
	char prefix[MAX_LEN + 1];
	size_t i, j, len;

	for (j = 0; j < POOL; j++)
		for (i = 0; i < b->npaths; i++) {
			const struct para_domain *d = b->pool[j].domain;
			const char *path = b->paths[i];
			int covered = (b->covered[j][i / 64] >> (i % 64)) & 1;

			assert_int_equal(para_domain_reach(d, 0, path) ==
					 PARA_REACH_COVERS, covered);
			for (len = 1; covered && path[len]; len++) {
				if (path[len] != '/')
					continue;
				memcpy(prefix, path, len);
				prefix[len] = '\0';
				if (para_domain_reach(d, 0, prefix) == PARA_REACH_NONE)
					fail_msg("'%s' at '%s': no reach, yet '%s' is covered",
						 b->pool[j].text, prefix, path);
			}
		}
}

static void test_overlap_random(void **state)
{
	struct brute *b = calloc(1, sizeof(*b));
	size_t i, j, pairs = 0, overlapping = 0;

	assert_non_null(b);
	brute_setup(b);
	for (i = 0; i < POOL; i++)
		for (j = i; j < POOL; j++, pairs++) {
			brute_check_pair(b, i, j);
			overlapping += brute_overlap(b, i, j) >= 0;
		}
	brute_check_domains(b);
	brute_check_reach(b);
	print_message("# %zu random pairs (%zu overlap), %zu paths\n", pairs,
		      overlapping, b->npaths);
	for (i = 0; i < POOL; i++)
		para_domain_free(b->pool[i].domain);
	free(b->paths);
	free(b->covered);
	free(b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_validate_invalid),
		cmocka_unit_test(test_validate_valid),
		cmocka_unit_test(test_normalize),
		cmocka_unit_test(test_domain_new),
		cmocka_unit_test(test_reach),
		cmocka_unit_test(test_covers),
		cmocka_unit_test(test_covers_explosive),
		cmocka_unit_test(test_covers_domain),
		cmocka_unit_test(test_overlap_table),
		cmocka_unit_test(test_overlap_examples),
		cmocka_unit_test(test_overlap_indexes),
		cmocka_unit_test(test_overlap_long),
		cmocka_unit_test(test_overlap_many_bytes),
		cmocka_unit_test(test_overlap_random),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
