/*
 * The pairs of tasks collect merges on trial (collect-pairs.h), found
 * through one sorted list of every task's paths.
 */
#include <stdlib.h>
#include <string.h>

#include "collect-pairs.h"
#include "strbuf.h"

static int sorted_intersect(const struct para_strvec *a,
			    const struct para_strvec *b)
{
	size_t i = 0, j = 0;

	while (i < a->nr && j < b->nr) {
		int cmp = strcmp(a->v[i], b->v[j]);

		if (!cmp)
			return 1;
		if (cmp < 0)
			i++;
		else
			j++;
	}
	return 0;
}

int para_collect_paths_touch(const struct para_strvec *a,
			     const struct para_strvec *dirs_a,
			     const struct para_strvec *b,
			     const struct para_strvec *dirs_b)
{
	return sorted_intersect(a, b) || sorted_intersect(a, dirs_b) ||
	       sorted_intersect(dirs_a, b);
}

/*
 * Two branches from the same base whose changed paths neither meet nor
 * nest (a file in one where the other has a directory) merge cleanly:
 * there is no need to ask git.
 */
static int may_conflict(const struct para_collect_item *a,
			const struct para_collect_item *b)
{
	if (!strcmp(a->tip, b->tip))
		return 0;
	if (strcmp(a->task.base, b->task.base))
		return 1;
	return para_collect_paths_touch(&a->touched, &a->dirs, &b->touched,
					&b->dirs);
}


struct path_ref {
	const char *path;
	size_t task;
	int dir;	/* a directory above the task's paths */
};

static int cmp_ref(const void *va, const void *vb)
{
	const struct path_ref *a = va, *b = vb;
	int cmp = strcmp(a->path, b->path);

	if (cmp)
		return cmp;
	if (a->task != b->task)
		return a->task < b->task ? -1 : 1;
	return a->dir - b->dir;
}

struct pairs {
	size_t *v;	/* i, j, i, j, ... */
	size_t nr, alloc;
};

static void pairs_push(struct pairs *p, size_t i, size_t j)
{
	p->v = para_grow(p->v, &p->alloc, p->nr + 2, sizeof(*p->v));
	p->v[p->nr++] = i < j ? i : j;
	p->v[p->nr++] = i < j ? j : i;
}

static int cmp_pair(const void *va, const void *vb)
{
	const size_t *a = va, *b = vb;

	if (a[0] != b[0])
		return a[0] < b[0] ? -1 : 1;
	return a[1] < b[1] ? -1 : a[1] > b[1];
}

/*
 * Pairs of tasks with a path in common that is not a directory in both:
 * every pair whose paths touch, each at least once.
 */
static void touching_pairs(struct pairs *out,
			   const struct para_collect_item *items, size_t nr)
{
	struct path_ref *refs;
	size_t n = 0, i, j, k, end;

	for (i = 0; i < nr; i++)
		n += items[i].touched.nr + items[i].dirs.nr;
	refs = para_calloc(n + 1, sizeof(*refs));
	for (i = 0, n = 0; i < nr; i++) {
		for (j = 0; j < items[i].touched.nr; j++, n++) {
			refs[n].path = items[i].touched.v[j];
			refs[n].task = i;
		}
		for (j = 0; j < items[i].dirs.nr; j++, n++) {
			refs[n].path = items[i].dirs.v[j];
			refs[n].task = i;
			refs[n].dir = 1;
		}
	}
	if (n)
		qsort(refs, n, sizeof(*refs), cmp_ref);
	for (i = 0; i < n; i = end) {
		for (end = i + 1; end < n && !strcmp(refs[i].path,
						     refs[end].path); end++)
			;
		for (j = i; j < end; j++)
			for (k = i; !refs[j].dir && k < end; k++)
				if (refs[k].task != refs[j].task &&
				    (refs[k].dir || k > j))
					pairs_push(out, refs[j].task,
						   refs[k].task);
	}
	free(refs);
}

/* Pairs of tasks with different bases, when there are such. */
static void cross_base_pairs(struct pairs *out,
			     const struct para_collect_item *items, size_t nr)
{
	size_t i, j;

	for (i = 1; i < nr; i++)
		if (strcmp(items[i].task.base, items[0].task.base))
			break;
	if (i == nr)
		return;
	for (i = 0; i < nr; i++)
		for (j = i + 1; j < nr; j++)
			if (strcmp(items[i].task.base, items[j].task.base))
				pairs_push(out, i, j);
}

size_t para_collect_pairs(size_t **out, const struct para_collect_item *items,
			  size_t nr)
{
	struct pairs p = { NULL, 0, 0 };
	size_t i, n = 0;

	touching_pairs(&p, items, nr);
	cross_base_pairs(&p, items, nr);
	if (p.nr)
		qsort(p.v, p.nr / 2, 2 * sizeof(*p.v), cmp_pair);
	for (i = 0; i < p.nr; i += 2) {
		if (n && p.v[n - 2] == p.v[i] && p.v[n - 1] == p.v[i + 1])
			continue;
		if (!may_conflict(&items[p.v[i]], &items[p.v[i + 1]]))
			continue;
		p.v[n++] = p.v[i];
		p.v[n++] = p.v[i + 1];
	}
	*out = p.v ? p.v : para_calloc(2, sizeof(**out));
	return n / 2;
}
