#ifndef PARA_SORTED_H
#define PARA_SORTED_H

#include <stddef.h>

/*
 * Binary search in an array of `nr` structures of `size` bytes at
 * `base`, sorted in strcmp() order of the string each holds at `offset`
 * (a `char *` or `const char *` member): the index of the first one
 * whose string is not less than `key`, `nr` when there is none.
 * PARA_LOWER_BOUND() names the member instead of its offset.
 */
size_t para_lower_bound(const void *base, size_t nr, size_t size,
			size_t offset, const char *key);

#define PARA_LOWER_BOUND(type, base, nr, member, key) \
	para_lower_bound((base), (nr), sizeof(type), offsetof(type, member), \
			 (key))

/*
 * The index of the first structure whose string is `key` into `*at`;
 * 0 when there is one, -1 otherwise.
 */
int para_sorted_find(size_t *at, const void *base, size_t nr, size_t size,
		     size_t offset, const char *key);

#define PARA_SORTED_FIND(at, type, base, nr, member, key) \
	para_sorted_find((at), (base), (nr), sizeof(type), \
			 offsetof(type, member), (key))

#endif
