#ifndef PARA_GRAPH_H
#define PARA_GRAPH_H

#include <stddef.h>

/* Task dependency graph: a node per task, edges to the tasks it runs after. */
struct para_graph_node {
	const char *name;
	const char *const *after;	/* names this node depends on */
	size_t after_nr;
};

/*
 * Puts a topological order of `nodes` (dependencies first; ties keep the
 * input order) in `order` (an array of `n` indexes).  Fails with
 * PARA_ENOTFOUND naming the task and the unknown dependency, or with
 * PARA_EINVALID naming the cycle: "dependency cycle: a -> b -> a".
 * Each arrow reads "depends on"; the cycle named is the shortest one
 * through the first node, in input order, that lies on any cycle, and it
 * starts there.  Two nodes with one name are refused (PARA_EINVALID).
 */
int para_graph_order(size_t *order, const struct para_graph_node *nodes,
		     size_t n);

#endif
