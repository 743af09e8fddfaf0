#include <stdlib.h>
#include <string.h>

#include "similar.h"
#include "strbuf.h"

static size_t min3(size_t a, size_t b, size_t c)
{
	size_t m = a < b ? a : b;

	return m < c ? m : c;
}

/*
 * Three rows of the distance table suffice: a swap looks two rows
 * back.  `rows` holds 3 * (lb + 1) cells.
 */
size_t para_edit_distance(const char *a, const char *b)
{
	size_t la = strlen(a), lb = strlen(b), i, j, d;
	size_t *rows = para_calloc(3 * (lb + 1), sizeof(*rows));
	size_t *two = rows, *one = rows + lb + 1, *cur = rows + 2 * (lb + 1);
	size_t *tmp;

	for (j = 0; j <= lb; j++)
		one[j] = j;
	for (i = 1; i <= la; i++) {
		cur[0] = i;
		for (j = 1; j <= lb; j++) {
			size_t cost = a[i - 1] != b[j - 1];

			cur[j] = min3(one[j] + 1, cur[j - 1] + 1,
				      one[j - 1] + cost);
			if (i > 1 && j > 1 && a[i - 1] == b[j - 2] &&
			    a[i - 2] == b[j - 1] && two[j - 2] + 1 < cur[j])
				cur[j] = two[j - 2] + 1;
		}
		tmp = two;
		two = one;
		one = cur;
		cur = tmp;
	}
	d = one[lb];
	free(rows);
	return d;
}

const char *para_most_similar(const char *word,
			      const char *const *candidates)
{
	const char *best = NULL;
	size_t best_d = (size_t)-1, i;
	int tie = 0;

	for (i = 0; candidates[i]; i++) {
		size_t d = para_edit_distance(word, candidates[i]);
		size_t la = strlen(word), lc = strlen(candidates[i]);
		size_t limit = (la > lc ? la : lc) / 3;

		if (d > (limit ? limit : 1))
			continue;
		if (d < best_d) {
			best = candidates[i];
			best_d = d;
			tie = 0;
		} else if (d == best_d) {
			tie = 1;
		}
	}
	return tie ? NULL : best;
}
