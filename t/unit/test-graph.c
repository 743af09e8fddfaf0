#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"
#include "graph.h"
#include "strbuf.h"
#include "strvec.h"

/*
 * Builds nodes from a compact description: "a:b c" is task a running
 * after b and c; "a" runs after nothing.  Each node's strings live in
 * one strvec: its name first, then its dependencies.
 */
struct fixture {
	struct para_graph_node nodes[16];
	struct para_strvec after[16];
	size_t order[16];
	size_t n;
};

static void build(struct fixture *f, const char *const *spec)
{
	memset(f, 0, sizeof(*f));
	for (; *spec; spec++, f->n++) {
		const char *colon = strchr(*spec, ':');
		size_t len = colon ? (size_t)(colon - *spec) : strlen(*spec);

		para_strvec_pushf(&f->after[f->n], "%.*s", (int)len, *spec);
		if (colon)
			para_strvec_split(&f->after[f->n], colon + 1);
		f->nodes[f->n].name = f->after[f->n].v[0];
		f->nodes[f->n].after = (const char *const *)f->after[f->n].v + 1;
		f->nodes[f->n].after_nr = f->after[f->n].nr - 1;
	}
}

static void dispose(struct fixture *f)
{
	size_t i;

	for (i = 0; i < f->n; i++)
		para_strvec_dispose(&f->after[i]);
}

/* Orders `spec` and returns the names in order, space-separated. */
static char *order_names(const char *const *spec)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	struct fixture f;
	size_t i;

	build(&f, spec);
	assert_int_equal(para_graph_order(f.order, f.nodes, f.n), 0);
	for (i = 0; i < f.n; i++)
		para_strbuf_addf(&sb, "%s%s", i ? " " : "",
				 f.nodes[f.order[i]].name);
	dispose(&f);
	return para_strbuf_detach(&sb);
}

static void assert_order(const char *const *spec, const char *expect)
{
	char *got = order_names(spec);

	assert_string_equal(got, expect);
	free(got);
}

static void assert_refused(const char *const *spec, int code,
			   const char *message)
{
	struct fixture f;

	build(&f, spec);
	assert_int_equal(para_graph_order(f.order, f.nodes, f.n), code);
	assert_string_equal(para_error_last(), message);
	dispose(&f);
}

static void test_empty(void **state)
{
	size_t order[1] = { 7 };

	assert_int_equal(para_graph_order(order, NULL, 0), 0);
	assert_int_equal(order[0], 7);
}

static void test_independent_keep_input_order(void **state)
{
	const char *spec[] = { "c", "a", "b", NULL };

	assert_order(spec, "c a b");
}

static void test_dependencies_first(void **state)
{
	const char *spec[] = { "backend:setup-db", "setup-db", NULL };
	const char *chain[] = { "a:b", "b:c", "c:d", "d", NULL };

	assert_order(spec, "setup-db backend");
	assert_order(chain, "d c b a");
}

static void test_stable_among_ready(void **state)
{
	/* once b is done, a (given first) goes before d */
	const char *spec[] = { "a:b", "b", "c", "d:b", "e:a d", NULL };
	const char *late[] = { "x:z", "y", "z", NULL };

	assert_order(spec, "b a c d e");
	assert_order(late, "y z x");
}

static void test_diamond_and_repeated_dependency(void **state)
{
	const char *spec[] = { "top:left right", "left:base", "right:base base",
			       "base", NULL };

	assert_order(spec, "base left right top");
}

static void test_unknown_dependency(void **state)
{
	const char *spec[] = { "a", "x:a y", NULL };

	assert_refused(spec, PARA_ENOTFOUND,
		       "task 'x' depends on unknown task 'y'");
}

static void test_self_dependency(void **state)
{
	const char *spec[] = { "a", "b:b", NULL };

	assert_refused(spec, PARA_EINVALID, "dependency cycle: b -> b");
}

static void test_two_cycle(void **state)
{
	const char *spec[] = { "a:b", "b:a", NULL };

	assert_refused(spec, PARA_EINVALID, "dependency cycle: a -> b -> a");
}

static void test_cycle_starts_at_first_member(void **state)
{
	/* x only depends on the cycle; c is its first member in input order */
	const char *spec[] = { "x:e", "ok", "c:d", "e:c", "d:e", NULL };

	assert_refused(spec, PARA_EINVALID,
		       "dependency cycle: c -> d -> e -> c");
}

static void test_cycle_is_a_real_path(void **state)
{
	/* a -> b -> c -> a, with a shortcut b -> a: the shortest is named */
	const char *spec[] = { "a:b", "b:c a", "c:a", NULL };
	const char *longer[] = { "a:b", "b:c", "c:d", "d:a", "z", NULL };

	assert_refused(spec, PARA_EINVALID, "dependency cycle: a -> b -> a");
	assert_refused(longer, PARA_EINVALID,
		       "dependency cycle: a -> b -> c -> d -> a");
}

static void test_unknown_reported_before_cycle(void **state)
{
	const char *spec[] = { "a:b", "b:a", "c:nope", NULL };

	assert_refused(spec, PARA_ENOTFOUND,
		       "task 'c' depends on unknown task 'nope'");
}

static void test_duplicate_name(void **state)
{
	const char *spec[] = { "a", "b", "a", NULL };

	assert_refused(spec, PARA_EINVALID, "duplicate task 'a'");
}

static void test_many_nodes(void **state)
{
	enum { N = 2000 };
	struct para_graph_node *nodes = calloc(N, sizeof(*nodes));
	char (*names)[16] = calloc(N, sizeof(*names));
	const char **deps = calloc(N, sizeof(*deps));
	size_t *order = calloc(N, sizeof(*order));
	size_t i;

	/* node i runs after node i + 1: the reverse of the input order */
	for (i = 0; i < N; i++) {
		snprintf(names[i], sizeof(names[i]), "t%zu", i);
		nodes[i].name = names[i];
	}
	for (i = 0; i + 1 < N; i++) {
		deps[i] = names[i + 1];
		nodes[i].after = &deps[i];
		nodes[i].after_nr = 1;
	}
	assert_int_equal(para_graph_order(order, nodes, N), 0);
	for (i = 0; i < N; i++)
		assert_int_equal(order[i], N - 1 - i);
	free(nodes);
	free(names);
	free(deps);
	free(order);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_empty),
		cmocka_unit_test(test_independent_keep_input_order),
		cmocka_unit_test(test_dependencies_first),
		cmocka_unit_test(test_stable_among_ready),
		cmocka_unit_test(test_diamond_and_repeated_dependency),
		cmocka_unit_test(test_unknown_dependency),
		cmocka_unit_test(test_self_dependency),
		cmocka_unit_test(test_two_cycle),
		cmocka_unit_test(test_cycle_starts_at_first_member),
		cmocka_unit_test(test_cycle_is_a_real_path),
		cmocka_unit_test(test_unknown_reported_before_cycle),
		cmocka_unit_test(test_duplicate_name),
		cmocka_unit_test(test_many_nodes),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
