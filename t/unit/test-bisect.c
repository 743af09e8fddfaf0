#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "collect-bisect.h"

/*
 * A batch of items in which some are culprits: a candidate fails when it
 * holds one (or always, when the base is broken).  dep[i] is the item i
 * depends on, or -1.
 */
struct world {
	size_t n;
	int culprit[128];
	int dep[128];
	int base_broken;
	size_t runs;
	size_t rejected_calls;
};

static int verify(void *payload, const size_t *seq, size_t len)
{
	struct world *w = payload;
	size_t i;

	w->runs++;
	if (w->base_broken)
		return 0;
	for (i = 0; i < len; i++)
		if (w->culprit[seq[i]])
			return 0;
	return 1;
}

static int depends(void *payload, size_t a, size_t b)
{
	struct world *w = payload;

	return w->dep[b] == (int)a;
}

static void rejected(void *payload, size_t item)
{
	struct world *w = payload;

	(void)item;
	w->rejected_calls++;
}

static const struct para_bisect_ops ops = { verify, depends, rejected };

static void init(struct world *w, size_t n)
{
	size_t i;

	memset(w, 0, sizeof(*w));
	w->n = n;
	for (i = 0; i < n; i++)
		w->dep[i] = -1;
}

static size_t ceil_log2(size_t n)
{
	size_t k = 0;

	while (((size_t)1 << k) < n)
		k++;
	return k;
}

static void run(struct para_bisect *b, struct world *w, int by_one)
{
	assert_int_equal(para_bisect_run(b, w->n, by_one, &ops, w), 0);
}

static void test_no_culprit_one_run(void **state)
{
	struct para_bisect b;
	struct world w;
	size_t n;

	(void)state;
	for (n = 1; n <= 64; n++) {
		init(&w, n);
		run(&b, &w, 0);
		assert_int_equal(w.runs, 1);
		assert_int_equal(b.in_nr, n);
		assert_int_equal(b.base_broken, 0);
		para_bisect_dispose(&b);
	}
}

static void test_one_culprit_anywhere(void **state)
{
	struct para_bisect b;
	struct world w;
	size_t n, c, i;

	(void)state;
	for (n = 1; n <= 64; n++)
		for (c = 0; c < n; c++) {
			init(&w, n);
			w.culprit[c] = 1;
			run(&b, &w, 0);
			assert_true(w.runs <= 2 + ceil_log2(n));
			assert_int_equal(b.verdict[c], PARA_BISECT_REJECTED);
			assert_int_equal(b.in_nr, n - 1);
			for (i = 0; i < n; i++)
				if (i != c)
					assert_int_equal(b.verdict[i],
							 PARA_BISECT_IN);
			assert_int_equal(w.rejected_calls, 1);
			para_bisect_dispose(&b);
		}
}

static void test_two_culprits(void **state)
{
	struct para_bisect b;
	struct world w;
	size_t n = 16, c1, c2;

	(void)state;
	for (c1 = 0; c1 < n; c1++)
		for (c2 = c1 + 1; c2 < n; c2++) {
			init(&w, n);
			w.culprit[c1] = w.culprit[c2] = 1;
			run(&b, &w, 0);
			assert_int_equal(b.verdict[c1], PARA_BISECT_REJECTED);
			assert_int_equal(b.verdict[c2], PARA_BISECT_REJECTED);
			assert_int_equal(b.in_nr, n - 2);
			assert_int_equal(b.base_broken, 0);
			/* each culprit: a failing batch, halving, and a last run */
			assert_true(w.runs <= 3 + 2 * ceil_log2(n) + 1);
			para_bisect_dispose(&b);
		}
}

static void test_dependents_held(void **state)
{
	struct para_bisect b;
	struct world w;

	(void)state;
	init(&w, 8);
	w.culprit[2] = 1;
	w.dep[3] = 2;		/* 3 after 2 */
	w.dep[5] = 3;		/* 5 after 3 */
	w.dep[6] = 1;		/* 6 after a good one */
	run(&b, &w, 0);
	assert_int_equal(b.verdict[2], PARA_BISECT_REJECTED);
	assert_int_equal(b.verdict[3], PARA_BISECT_HELD);
	assert_int_equal(b.held_by[3], 2);
	assert_int_equal(b.verdict[5], PARA_BISECT_HELD);
	assert_int_equal(b.held_by[5], 2);
	assert_int_equal(b.verdict[6], PARA_BISECT_IN);
	assert_int_equal(b.in_nr, 5);
	para_bisect_dispose(&b);
}

static void test_one_by_one(void **state)
{
	struct para_bisect b;
	struct world w;

	(void)state;
	init(&w, 8);
	w.culprit[4] = 1;
	w.dep[7] = 4;
	run(&b, &w, 1);
	assert_int_equal(w.runs, 7);	/* 7 is held, never tried */
	assert_int_equal(b.verdict[4], PARA_BISECT_REJECTED);
	assert_int_equal(b.verdict[7], PARA_BISECT_HELD);
	assert_int_equal(b.in_nr, 6);
	para_bisect_dispose(&b);
}

static void test_base_broken(void **state)
{
	struct para_bisect b;
	struct world w;
	size_t n;

	(void)state;
	for (n = 1; n <= 9; n++) {
		init(&w, n);
		w.base_broken = 1;
		run(&b, &w, 0);
		assert_int_equal(b.base_broken, 1);
		para_bisect_dispose(&b);
	}
}

static void test_in_keeps_merge_order(void **state)
{
	struct para_bisect b;
	struct world w;
	size_t i;

	(void)state;
	init(&w, 10);
	w.culprit[3] = w.culprit[7] = 1;
	run(&b, &w, 0);
	for (i = 1; i < b.in_nr; i++)
		assert_true(b.in[i - 1] < b.in[i]);
	para_bisect_dispose(&b);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_no_culprit_one_run),
		cmocka_unit_test(test_one_culprit_anywhere),
		cmocka_unit_test(test_two_culprits),
		cmocka_unit_test(test_dependents_held),
		cmocka_unit_test(test_one_by_one),
		cmocka_unit_test(test_base_broken),
		cmocka_unit_test(test_in_keeps_merge_order),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
