#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "error.h"
#include "run.h"

static unsigned int parses(const char *text)
{
	unsigned int set = 12345;

	assert_int_equal(para_run_notify_parse(&set, text), 0);
	return set;
}

static void assert_refused(const char *text, const char *message)
{
	unsigned int set = 12345;

	assert_int_equal(para_run_notify_parse(&set, text), PARA_EINVALID);
	assert_string_equal(para_error_last(), message);
	assert_int_equal(set, 0);
}

static void test_events(void **state)
{
	(void)state;
	assert_int_equal(parses("end"), PARA_NOTIFY_END);
	assert_int_equal(parses("fail,stall"),
			 PARA_NOTIFY_FAIL | PARA_NOTIFY_STALL);
	assert_int_equal(parses("waiting,end,waiting"),
			 PARA_NOTIFY_WAITING | PARA_NOTIFY_END);
	assert_int_equal(parses("end,fail,stall,waiting"),
			 PARA_NOTIFY_END | PARA_NOTIFY_FAIL |
			 PARA_NOTIFY_STALL | PARA_NOTIFY_WAITING);
	assert_int_equal(parses("none"), 0);
}

static void test_refused_by_name(void **state)
{
	(void)state;
	assert_refused("end,bell",
		"unknown notify event 'bell': expected end, fail, stall, waiting or none");
	assert_refused("",
		"unknown notify event '': expected end, fail, stall, waiting or none");
	assert_refused("end,",
		"unknown notify event '': expected end, fail, stall, waiting or none");
	assert_refused("End",
		"unknown notify event 'End': expected end, fail, stall, waiting or none");
	assert_refused("none,end",
		"unknown notify event 'none': expected end, fail, stall, waiting or none");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_events),
		cmocka_unit_test(test_refused_by_name),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
