/*
 * Binary search over the sorted arrays of structures that git-para
 * keeps (index entries, cache records, names), one for all of them.
 */
#include <string.h>

#include "sorted.h"

static const char *string_at(const void *base, size_t i, size_t size,
			     size_t offset)
{
	const char *p = (const char *)base + i * size + offset;
	const char *s;

	memcpy(&s, p, sizeof(s));
	return s;
}

size_t para_lower_bound(const void *base, size_t nr, size_t size,
			size_t offset, const char *key)
{
	size_t lo = 0, hi = nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(string_at(base, mid, size, offset), key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

int para_sorted_find(size_t *at, const void *base, size_t nr, size_t size,
		     size_t offset, const char *key)
{
	size_t i = para_lower_bound(base, nr, size, offset, key);

	if (i == nr || strcmp(string_at(base, i, size, offset), key))
		return -1;
	*at = i;
	return 0;
}
