/*
 * Path domains as a regex: one alternative per pattern, all of a
 * domain's patterns in one JIT-compiled pcre2 regex, so that checking
 * many paths is quick.
 */
#define PCRE2_CODE_UNIT_WIDTH 8

#include <pcre2.h>

#include "domain-internal.h"
#include "error.h"

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

void para_domain_regex_add(struct para_strbuf *re, const struct toklist *tl)
{
	para_strbuf_addstr(re, re->len ? "|" : "^(?:");
	regex_add_pattern(re, tl);
}

/*
 * The regex is compiled on the first call to para_domain_covers():
 * `add` builds the domains of every active task only to check overlap,
 * and JIT compiling is most of the cost of building a domain.
 */
struct matcher {
	char *source;
	pcre2_code *code;
	pcre2_match_data *match;
	pcre2_match_context *context;
};

/*
 * Past this many steps a match is left to the NFAs, which answer
 * exactly in time linear in the path: '*' after '*' in one segment
 * makes the regex backtrack in polynomial time on long names.
 */
#define MATCH_LIMIT 100000

struct matcher *para_domain_matcher_new(struct para_strbuf *re)
{
	struct matcher *m = para_calloc(1, sizeof(*m));

	/* a match ends at the end of the path or of one of its segments */
	para_strbuf_addstr(re, ")(?:/|\\z)");
	m->source = para_strbuf_detach(re);
	return m;
}

void para_domain_matcher_free(struct matcher *m)
{
	if (!m)
		return;
	free(m->source);
	pcre2_match_data_free(m->match);
	pcre2_match_context_free(m->context);
	pcre2_code_free(m->code);
	free(m);
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
	m->context = pcre2_match_context_create(NULL);
	if (!m->match || !m->context)
		return para_error_set(PARA_ERROR, "out of memory");
	pcre2_set_match_limit(m->context, MATCH_LIMIT);
	return 0;
}

static int nfa_covers(const struct para_domain *domain, const char *path)
{
	size_t i;

	for (i = 0; i < domain->nr; i++)
		if (para_glob_nfa_accepts(&domain->nfas[i], path))
			return 1;
	return 0;
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
			 0, m->match, m->context);
	if (rc >= 0)
		return 1;
	if (rc == PCRE2_ERROR_NOMATCH)
		return 0;
	if (rc == PCRE2_ERROR_MATCHLIMIT || rc == PCRE2_ERROR_DEPTHLIMIT ||
	    rc == PCRE2_ERROR_HEAPLIMIT || rc == PCRE2_ERROR_JIT_STACKLIMIT)
		return nfa_covers(domain, path);
	pcre2_get_error_message(rc, message, sizeof(message));
	return para_error_set(PARA_ERROR, "cannot match path '%s': %s", path,
			      (char *)message);
}
