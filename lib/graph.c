#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "graph.h"
#include "strbuf.h"
#include "sorted.h"

/*
 * Kahn's algorithm with a min-heap of ready node indexes, so that among
 * the nodes whose dependencies are done the one given first goes first.
 * Edges are kept in compressed form: the dependencies of node i are
 * dep[dep_at[i]] .. dep[dep_at[i + 1] - 1], and likewise for the nodes
 * that depend on it in `rdep`.
 */
struct graph {
	const struct para_graph_node *nodes;
	size_t n;
	size_t *dep_at, *dep;
	size_t *rdep_at, *rdep;
	size_t *pending;	/* dependencies not yet ordered, per node */
};

struct name_index {
	const char *name;
	size_t index;
};

static int cmp_name_index(const void *a, const void *b)
{
	const struct name_index *x = a, *y = b;
	int c = strcmp(x->name, y->name);

	if (c)
		return c;
	return x->index < y->index ? -1 : x->index > y->index;
}

static struct name_index *sorted_names(const struct para_graph_node *nodes,
				       size_t n)
{
	struct name_index *names = para_calloc(n, sizeof(*names));
	size_t i;

	for (i = 0; i < n; i++) {
		names[i].name = nodes[i].name;
		names[i].index = i;
	}
	qsort(names, n, sizeof(*names), cmp_name_index);
	return names;
}

static int find_name(size_t *out, const struct name_index *names, size_t n,
		     const char *name)
{
	size_t at;

	/* the first of equal ones, so that a repeated name resolves the same */
	if (PARA_SORTED_FIND(&at, struct name_index, names, n, name, name) < 0)
		return -1;
	*out = names[at].index;
	return 0;
}

static int check_unique(const struct name_index *names, size_t n)
{
	size_t i;

	for (i = 1; i < n; i++)
		if (!strcmp(names[i - 1].name, names[i].name))
			return para_error_set(PARA_EINVALID,
					      "duplicate task '%s'",
					      names[i].name);
	return 0;
}

static int resolve_deps(struct graph *g, const struct name_index *names)
{
	size_t i, j, k = 0, total = 0;

	for (i = 0; i < g->n; i++)
		total += g->nodes[i].after_nr;
	g->dep_at = para_calloc(g->n + 1, sizeof(size_t));
	g->dep = para_calloc(total, sizeof(size_t));
	for (i = 0; i < g->n; i++) {
		const struct para_graph_node *node = &g->nodes[i];

		g->dep_at[i] = k;
		for (j = 0; j < node->after_nr; j++, k++)
			if (find_name(&g->dep[k], names, g->n,
				      node->after[j]) < 0)
				return para_error_set(PARA_ENOTFOUND,
					"task '%s' depends on unknown task '%s'",
					node->name, node->after[j]);
	}
	g->dep_at[g->n] = k;
	return 0;
}

static void build_reverse(struct graph *g)
{
	size_t i, k, total = g->dep_at[g->n];
	size_t *fill;

	g->rdep_at = para_calloc(g->n + 1, sizeof(size_t));
	g->rdep = para_calloc(total, sizeof(size_t));
	g->pending = para_calloc(g->n, sizeof(size_t));
	fill = para_calloc(g->n + 1, sizeof(size_t));
	for (k = 0; k < total; k++)
		g->rdep_at[g->dep[k] + 1]++;
	for (i = 0; i < g->n; i++) {
		g->rdep_at[i + 1] += g->rdep_at[i];
		g->pending[i] = g->dep_at[i + 1] - g->dep_at[i];
	}
	memcpy(fill, g->rdep_at, (g->n + 1) * sizeof(size_t));
	for (i = 0; i < g->n; i++)
		for (k = g->dep_at[i]; k < g->dep_at[i + 1]; k++)
			g->rdep[fill[g->dep[k]]++] = i;
	free(fill);
}

static void heap_push(size_t *heap, size_t *nr, size_t value)
{
	size_t at = (*nr)++;

	while (at && heap[(at - 1) / 2] > value) {
		heap[at] = heap[(at - 1) / 2];
		at = (at - 1) / 2;
	}
	heap[at] = value;
}

static size_t heap_pop(size_t *heap, size_t *nr)
{
	size_t top = heap[0], last = heap[--*nr], at = 0;

	for (;;) {
		size_t child = 2 * at + 1;

		if (child >= *nr)
			break;
		if (child + 1 < *nr && heap[child + 1] < heap[child])
			child++;
		if (heap[child] >= last)
			break;
		heap[at] = heap[child];
		at = child;
	}
	if (*nr)
		heap[at] = last;
	return top;
}

/* Orders what it can; returns how many nodes went into `order`. */
static size_t kahn(size_t *order, struct graph *g)
{
	size_t *heap = para_calloc(g->n, sizeof(size_t));
	size_t heap_nr = 0, done = 0, i, k;

	for (i = 0; i < g->n; i++)
		if (!g->pending[i])
			heap_push(heap, &heap_nr, i);
	while (heap_nr) {
		i = heap_pop(heap, &heap_nr);
		order[done++] = i;
		for (k = g->rdep_at[i]; k < g->rdep_at[i + 1]; k++)
			if (!--g->pending[g->rdep[k]])
				heap_push(heap, &heap_nr, g->rdep[k]);
	}
	free(heap);
	return done;
}

/*
 * Breadth-first search along dependency edges among the nodes left
 * unordered, looking for the shortest way from `start` back to itself.
 * Fills `parent` and returns the node that closes the cycle, or n.
 */
static size_t find_cycle_from(size_t *parent, size_t *queue,
			      const struct graph *g, size_t start)
{
	size_t head = 0, tail = 0, i, k;

	for (i = 0; i < g->n; i++)
		parent[i] = g->n;
	queue[tail++] = start;
	while (head < tail) {
		i = queue[head++];
		for (k = g->dep_at[i]; k < g->dep_at[i + 1]; k++) {
			size_t d = g->dep[k];

			if (d == start)
				return i;
			if (!g->pending[d] || parent[d] != g->n)
				continue;
			parent[d] = i;
			queue[tail++] = d;
		}
	}
	return g->n;
}

static void describe_cycle(struct para_strbuf *sb, const size_t *parent,
			   const struct graph *g, size_t start, size_t last)
{
	size_t *path = para_calloc(g->n, sizeof(size_t));
	size_t nr = 0, i;

	for (i = last; i != start; i = parent[i])
		path[nr++] = i;
	para_strbuf_addstr(sb, g->nodes[start].name);
	while (nr)
		para_strbuf_addf(sb, " -> %s", g->nodes[path[--nr]].name);
	para_strbuf_addf(sb, " -> %s", g->nodes[start].name);
	free(path);
}

/*
 * Every unordered node still waits for another unordered node, so a
 * cycle exists; name the one through the first such node that lies on a
 * cycle (a node that merely depends on a cycle does not).
 */
static int report_cycle(const struct graph *g)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	size_t *parent = para_calloc(g->n, sizeof(size_t));
	size_t *queue = para_calloc(g->n, sizeof(size_t));
	size_t start, last = g->n;
	int error;

	for (start = 0; start < g->n; start++) {
		if (!g->pending[start])
			continue;
		last = find_cycle_from(parent, queue, g, start);
		if (last != g->n)
			break;
	}
	if (last == g->n)
		para_strbuf_addstr(&sb, "(not found)");
	else
		describe_cycle(&sb, parent, g, start, last);
	error = para_error_set(PARA_EINVALID, "dependency cycle: %s", sb.buf);
	para_strbuf_dispose(&sb);
	free(parent);
	free(queue);
	return error;
}

int para_graph_order(size_t *order, const struct para_graph_node *nodes,
		     size_t n)
{
	struct graph g = { nodes, n, NULL, NULL, NULL, NULL, NULL };
	struct name_index *names = NULL;
	int error;

	if (!n)
		return 0;
	names = sorted_names(nodes, n);
	if ((error = check_unique(names, n)) < 0 ||
	    (error = resolve_deps(&g, names)) < 0)
		goto out;
	build_reverse(&g);
	if (kahn(order, &g) < n)
		error = report_cycle(&g);

out:
	free(names);
	free(g.dep_at);
	free(g.dep);
	free(g.rdep_at);
	free(g.rdep);
	free(g.pending);
	return error;
}
