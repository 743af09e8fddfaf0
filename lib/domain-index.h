#ifndef PARA_DOMAIN_INDEX_H
#define PARA_DOMAIN_INDEX_H

#include <stddef.h>

#include "domain.h"

/*
 * A prefilter for overlap checks among many domains.  Each pattern is
 * filed under its leading literal segments ("src/auth" for
 * "src/auth/x*.c", nothing for "*.md" or "**" at the front).  Every path
 * a pattern covers starts with those segments, so two patterns can only
 * overlap when the segments of one are a leading part of the other's;
 * the index hands out those pairs only, and para_domain_overlap() decides
 * them.  A domain it leaves out is disjoint: the answer stays exact.
 */

struct para_domain_index;

struct para_domain_index *para_domain_index_new(void);
void para_domain_index_free(struct para_domain_index *index);

/* Files the patterns of `domain` under `id` (the domain is not kept). */
void para_domain_index_add(struct para_domain_index *index,
			   const struct para_domain *domain, size_t id);

/*
 * The ids below `below` of the domains that may overlap `domain`, in
 * increasing order without repeats, into `*out` (malloc'd); returns
 * their number.  Those not listed are disjoint from `domain`.
 */
size_t para_domain_index_candidates(size_t **out,
				    struct para_domain_index *index,
				    const struct para_domain *domain,
				    size_t below);

#endif
