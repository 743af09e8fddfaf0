#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <cmocka.h>

#include "duration.h"
#include "error.h"

static void assert_parses(const char *text, long long expect)
{
	long long ms = -1;

	assert_int_equal(para_duration_parse(&ms, text), 0);
	assert_int_equal(ms, expect);
}

static void assert_refused(const char *text, const char *message)
{
	long long ms = 42;

	assert_int_equal(para_duration_parse(&ms, text), PARA_EINVALID);
	assert_string_equal(para_error_last(), message);
	assert_int_equal(ms, 42);
}

static void test_units(void **state)
{
	assert_parses("850ms", 850);
	assert_parses("90s", 90000);
	assert_parses("30m", 1800000);
	assert_parses("2h", 7200000);
	assert_parses("0", 0);
	assert_parses("0ms", 0);
}

static void test_plain_number_is_seconds(void **state)
{
	assert_parses("90", 90000);
	assert_parses("007", 7000);
}

static void test_decimals(void **state)
{
	assert_parses("1.5s", 1500);
	assert_parses("1.5", 1500);
	assert_parses("0.25m", 15000);
	assert_parses("1.5h", 5400000);
	assert_parses("0.001s", 1);
	assert_parses("0.0004s", 0);
	assert_parses("0.0005s", 1);
	assert_parses("2.5ms", 3);
	assert_parses("1.123456789123s", 1123);
}

static void test_refuses_garbage(void **state)
{
	assert_refused("soon", "invalid duration 'soon'");
	assert_refused("", "invalid duration ''");
	assert_refused(NULL, "invalid duration ''");
	assert_refused("-5s", "invalid duration '-5s'");
	assert_refused("+5s", "invalid duration '+5s'");
	assert_refused("5d", "invalid duration '5d'");
	assert_refused("5sec", "invalid duration '5sec'");
	assert_refused("5s ", "invalid duration '5s '");
	assert_refused(" 5s", "invalid duration ' 5s'");
	assert_refused("5 s", "invalid duration '5 s'");
	assert_refused("5S", "invalid duration '5S'");
	assert_refused("s", "invalid duration 's'");
	assert_refused(".5s", "invalid duration '.5s'");
	assert_refused("5.s", "invalid duration '5.s'");
	assert_refused("1.2.3s", "invalid duration '1.2.3s'");
	assert_refused("1e3", "invalid duration '1e3'");
	assert_refused("0x10", "invalid duration '0x10'");
	assert_refused("inf", "invalid duration 'inf'");
	assert_refused("5ms5", "invalid duration '5ms5'");
}

static void test_refuses_overflow(void **state)
{
	assert_parses("9223372036854775807ms", 9223372036854775807LL);
	assert_refused("9223372036854775808ms",
		       "invalid duration '9223372036854775808ms': too large");
	assert_refused("9223372036854776s",
		       "invalid duration '9223372036854776s': too large");
	assert_refused("99999999999999999999999h",
		       "invalid duration '99999999999999999999999h': too large");
	assert_parses("2562047788015h", 2562047788015LL * 3600000);
	assert_refused("2562047788016h",
		       "invalid duration '2562047788016h': too large");
}

static void assert_formats(long long ms, const char *expect)
{
	char buf[32];

	para_duration_format(buf, sizeof(buf), ms);
	assert_string_equal(buf, expect);
}

static void test_format(void **state)
{
	assert_formats(0, "0ms");
	assert_formats(850, "850ms");
	assert_formats(999, "999ms");
	assert_formats(1000, "1.0s");
	assert_formats(12345, "12.3s");
	assert_formats(59999, "59.9s");
	assert_formats(60000, "1m00s");
	assert_formats(245000, "4m05s");
	assert_formats(3599999, "59m59s");
	assert_formats(3600000, "1h00m");
	assert_formats(7380000, "2h03m");
	assert_formats(100LL * 3600000, "100h00m");
	assert_formats(-5, "0ms");
}

static void test_format_truncates_to_buffer(void **state)
{
	char buf[4] = "xyz";

	para_duration_format(buf, sizeof(buf), 12345);
	assert_string_equal(buf, "12.");
	para_duration_format(buf, 0, 1);
	assert_string_equal(buf, "12.");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_units),
		cmocka_unit_test(test_plain_number_is_seconds),
		cmocka_unit_test(test_decimals),
		cmocka_unit_test(test_refuses_garbage),
		cmocka_unit_test(test_refuses_overflow),
		cmocka_unit_test(test_format),
		cmocka_unit_test(test_format_truncates_to_buffer),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
