#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "similar.h"

static void test_distance(void **state)
{
	(void)state;
	assert_int_equal(para_edit_distance("", ""), 0);
	assert_int_equal(para_edit_distance("status", "status"), 0);
	assert_int_equal(para_edit_distance("", "add"), 3);
	assert_int_equal(para_edit_distance("run", ""), 3);
	assert_int_equal(para_edit_distance("stauts", "status"), 1);
	assert_int_equal(para_edit_distance("path", "paths"), 1);
	assert_int_equal(para_edit_distance("prnue", "prune"), 1);
	assert_int_equal(para_edit_distance("kitten", "sitting"), 3);
	assert_int_equal(para_edit_distance("ca", "abc"), 3);
	assert_int_equal(para_edit_distance("abcdef", "badcfe"), 3);
}

static void test_most_similar(void **state)
{
	const char *const subs[] = { "add", "run", "status", "collect",
				     "prune", NULL };
	const char *const keys[] = { "path", "paths", "after", NULL };

	(void)state;
	assert_string_equal(para_most_similar("stauts", subs), "status");
	assert_string_equal(para_most_similar("colect", subs), "collect");
	assert_string_equal(para_most_similar("rum", subs), "run");
	assert_null(para_most_similar("frobnicate", subs));
	assert_null(para_most_similar("xyz", subs));
	assert_string_equal(para_most_similar("pths", keys), "paths");
	assert_string_equal(para_most_similar("pat", keys), "path");
	/* equally close to two: no guess */
	assert_null(para_most_similar("pathx", keys));
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_distance),
		cmocka_unit_test(test_most_similar),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
