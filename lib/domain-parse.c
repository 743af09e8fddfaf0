/*
 * Domain patterns: the tokenizer that domain-nfa.c and domain-regex.c
 * build on, and the validation and normalisation built on it.
 */
#include "domain-internal.h"
#include "error.h"
#include "strvec.h"

/* Parsing: a pattern becomes a list of tokens. */

static struct tok *tok_push(struct toklist *tl, enum tok_kind kind)
{
	struct tok *t;

	tl->v = para_grow(tl->v, &tl->alloc, tl->nr + 1, sizeof(*tl->v));
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
size_t para_domain_pattern_len(const char *pattern)
{
	size_t len = strlen(pattern);

	return len > 1 && pattern[len - 1] == '/' ? len - 1 : len;
}

static int tokenize(struct toklist *tl, const char *pattern)
{
	const char *p = pattern, *end, *seg_end;
	int error;

	if (!*pattern)
		return invalid(pattern, "empty patterns are not allowed");
	if (*pattern == '/')
		return invalid(pattern, "absolute paths are not allowed");
	/* PARA_DOMAIN holds one pattern a line */
	if (strchr(pattern, '\n'))
		return invalid(pattern, "a newline is not allowed");
	end = pattern + para_domain_pattern_len(pattern);
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

	error = tokenize(&tl, pattern ? pattern : "");
	free(tl.v);
	return error;
}

char *para_pattern_normalize(const char *pattern)
{
	if (para_pattern_validate(pattern) < 0)
		return NULL;
	return para_strndup(pattern, para_domain_pattern_len(pattern));
}

int para_pattern_is_literal(const char *pattern)
{
	struct toklist tl = { NULL, 0, 0 };
	size_t i;
	int literal = tokenize(&tl, pattern ? pattern : "") == 0;

	for (i = 0; literal && i < tl.nr; i++)
		literal = tl.v[i].kind == TOK_LIT || tl.v[i].kind == TOK_SLASH;
	free(tl.v);
	return literal;
}

int para_domain_parse_pattern(struct toklist *tl, const char *pattern)
{
	int error = tokenize(tl, pattern ? pattern : "");

	if (!error)
		simplify(tl);
	return error;
}

static int has_dot_segment(const char *p)
{
	for (;;) {
		size_t len = strcspn(p, "/");

		if ((len == 1 && p[0] == '.') ||
		    (len == 2 && p[0] == '.' && p[1] == '.'))
			return 1;
		if (!p[len])
			return 0;
		p += len + 1;
	}
}

/*
 * Resolves the '.' and '..' segments of `prefix` + `pattern` as git does
 * for a pathspec given in a subdirectory; everything else is left for
 * validation to judge.
 */
int para_pattern_from_prefix(char **out, const char *prefix,
			     const char *pattern)
{
	struct para_strvec segs = PARA_STRVEC_INIT;
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *joined, *p, *save = NULL;
	size_t i, len = strlen(pattern);
	int trailing = len > 1 && pattern[len - 1] == '/', error = 0;

	*out = NULL;
	if (*pattern == '/' || !*pattern || strstr(pattern, "//") ||
	    (!(prefix && *prefix) && !has_dot_segment(pattern))) {
		*out = para_strdup(pattern);	/* validation judges it */
		return 0;
	}
	joined = para_xstrfmt("%s%s", prefix ? prefix : "", pattern);
	for (p = strtok_r(joined, "/", &save); p; p = strtok_r(NULL, "/", &save)) {
		if (!strcmp(p, "."))
			continue;
		if (strcmp(p, "..")) {
			para_strvec_push(&segs, p);
			continue;
		}
		if (!segs.nr) {
			error = para_error_set(PARA_EINVALID, "invalid path "
				"pattern '%s': it is outside the repository",
				pattern);
			goto out;
		}
		free(segs.v[--segs.nr]);
		segs.v[segs.nr] = NULL;
	}
	for (i = 0; i < segs.nr; i++)
		para_strbuf_addf(&sb, "%s%s", i ? "/" : "", segs.v[i]);
	if (!sb.len) {
		error = para_error_set(PARA_EINVALID, "invalid path pattern "
				       "'%s': it names the whole repository "
				       "(a task without --path is unconstrained)",
				       pattern);
		goto out;
	}
	if (trailing)
		para_strbuf_addch(&sb, '/');
	*out = para_strbuf_detach(&sb);
out:
	para_strbuf_dispose(&sb);
	para_strvec_dispose(&segs);
	free(joined);
	return error;
}

int para_patterns_from_prefix(struct para_strvec *patterns,
			      const char *prefix)
{
	struct para_strvec out = PARA_STRVEC_INIT;
	char *p;
	size_t i;

	for (i = 0; i < patterns->nr; i++) {
		if (para_pattern_from_prefix(&p, prefix, patterns->v[i]) < 0) {
			para_strvec_dispose(&out);
			return -1;
		}
		para_strvec_push(&out, p);
		free(p);
	}
	para_strvec_dispose(patterns);
	*patterns = out;
	return 0;
}
