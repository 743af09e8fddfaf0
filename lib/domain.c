/*
 * Path domains: the object that holds a regex and one NFA per pattern
 * (see domain-internal.h), on top of the domain-* files.
 */
#include "domain-internal.h"
#include "error.h"

static int domain_add(struct para_domain *d, const char *pattern,
		      struct para_strbuf *re)
{
	struct toklist tl = { NULL, 0, 0 };
	int error;

	if ((error = para_domain_parse_pattern(&tl, pattern)) < 0)
		goto out;
	para_domain_regex_add(re, &tl);
	para_glob_nfa_build(&d->nfas[d->nr], &tl);
	d->patterns[d->nr++] = para_strndup(pattern, para_domain_pattern_len(pattern));
out:
	free(tl.v);
	return error;
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
	for (i = 0; i < n; i++)
		if ((error = domain_add(d, patterns[i], &re)) < 0)
			goto out;
	d->matcher = para_domain_matcher_new(&re);
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
		para_glob_nfa_dispose(&domain->nfas[i]);
	}
	free(domain->patterns);
	free(domain->nfas);
	para_domain_matcher_free(domain->matcher);
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

enum para_reach para_domain_reach(const struct para_domain *domain, size_t i,
				  const char *path)
{
	if (!domain || i >= domain->nr)
		return PARA_REACH_NONE;
	return para_glob_nfa_reach(&domain->nfas[i], path);
}
