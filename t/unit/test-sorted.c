#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "sorted.h"

struct item {
	int before;
	const char *name;
	long after;
};

static const struct item items[] = {
	{ 1, "", 0 }, { 2, "a", 0 }, { 3, "a/b", 0 }, { 4, "a/b", 0 },
	{ 5, "b", 0 }, { 6, "d", 0 },
};
#define NR (sizeof(items) / sizeof(items[0]))

static size_t lower(const char *key)
{
	return PARA_LOWER_BOUND(struct item, items, NR, name, key);
}

static void test_lower_bound(void **state)
{
	(void)state;
	assert_int_equal(lower(""), 0);
	assert_int_equal(lower("a"), 1);
	/* the first of two equal ones */
	assert_int_equal(lower("a/b"), 2);
	assert_int_equal(lower("a/a"), 2);
	assert_int_equal(lower("a0"), 4);
	assert_int_equal(lower("c"), 5);
	assert_int_equal(lower("d"), 5);
	assert_int_equal(lower("e"), NR);
	assert_int_equal(PARA_LOWER_BOUND(struct item, items, 0, name, "a"), 0);
}

static void test_find(void **state)
{
	size_t at = 99;

	(void)state;
	assert_int_equal(PARA_SORTED_FIND(&at, struct item, items, NR, name,
					  "a/b"), 0);
	assert_int_equal(at, 2);
	assert_int_equal(items[at].before, 3);
	assert_int_equal(PARA_SORTED_FIND(&at, struct item, items, NR, name,
					  "d"), 0);
	assert_int_equal(at, 5);
	at = 99;
	assert_int_equal(PARA_SORTED_FIND(&at, struct item, items, NR, name,
					  "c"), -1);
	assert_int_equal(PARA_SORTED_FIND(&at, struct item, items, NR, name,
					  "zz"), -1);
	assert_int_equal(PARA_SORTED_FIND(&at, struct item, items, 0, name,
					  "a"), -1);
	assert_int_equal(at, 99);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_lower_bound),
		cmocka_unit_test(test_find),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
