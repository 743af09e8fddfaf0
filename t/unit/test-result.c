#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"
#include "strbuf.h"
#include "task-result.h"

#define NOW 1800000000000LL
#define RETRY_UTC 1800000000LL
#define RETRY_OFFSET 1799994600LL

static int parse(struct para_result *r, const char *text)
{
	return para_result_parse(r, text, strlen(text), NOW);
}

static void test_every_member(void **state)
{
	struct para_result r;

	(void)state;
	assert_int_equal(parse(&r, "{\"costUsd\":0.125,\"tokensIn\":1200,"
			       "\"tokensOut\":300,\"turns\":4,\"sessionId\":\"s-1\","
			       "\"summary\":\"two bugs\",\"retryAfter\":30,"
			       "\"other\":[1,{\"x\":null}]}"), 0);
	assert_int_equal(r.has, PARA_RESULT_COST | PARA_RESULT_TOKENS_IN |
			 PARA_RESULT_TOKENS_OUT | PARA_RESULT_TURNS |
			 PARA_RESULT_SESSION | PARA_RESULT_SUMMARY |
			 PARA_RESULT_RETRY);
	assert_true(r.cost_usd == 0.125);
	assert_int_equal(r.tokens_in, 1200);
	assert_int_equal(r.tokens_out, 300);
	assert_int_equal(r.turns, 4);
	assert_string_equal(r.session_id, "s-1");
	assert_string_equal(r.summary, "two bugs");
	assert_int_equal(r.retry_at, NOW + 30000);
	para_result_dispose(&r);
}

static void test_subset_and_null(void **state)
{
	struct para_result r;

	(void)state;
	assert_int_equal(parse(&r, "{\"summary\":null,\"turns\":0}"), 0);
	assert_int_equal(r.has, PARA_RESULT_TURNS);
	assert_null(r.summary);
	para_result_dispose(&r);
	assert_int_equal(parse(&r, "{}"), 0);
	assert_int_equal(r.has, 0);
	para_result_dispose(&r);
}

static void test_retry_times(void **state)
{
	struct para_result r;

	(void)state;
	assert_int_equal(parse(&r, "{\"retryAfter\":\"2027-01-15T08:00:00Z\"}"), 0);
	assert_int_equal(r.retry_at, RETRY_UTC * 1000LL);
	para_result_dispose(&r);
	/* 08:00 at +01:30 is 06:30 UTC; a fraction of a second is dropped */
	assert_int_equal(parse(&r, "{\"retryAfter\":\"2027-01-15T08:00:00.5+01:30\"}"), 0);
	assert_int_equal(r.retry_at, RETRY_OFFSET * 1000LL);
	para_result_dispose(&r);
	assert_int_equal(parse(&r, "{\"retryAfter\":1.5}"), 0);
	assert_int_equal(r.retry_at, NOW + 1500);
	para_result_dispose(&r);
}

static void assert_bad(const char *text, const char *msg)
{
	struct para_result r;

	assert_int_equal(parse(&r, text), PARA_EINVALID);
	assert_non_null(strstr(para_error_last(), msg));
	para_error_clear();
}

static void test_malformed(void **state)
{
	(void)state;
	assert_bad("[1]", "it is not a JSON object");
	assert_bad("{\"costUsd\":", "line 1");
	assert_bad("{\"costUsd\":\"1\"}", "'costUsd' is not a number");
	assert_bad("{\"costUsd\":-1}", "'costUsd' is not a number of zero or more");
	assert_bad("{\"tokensIn\":1.5}", "'tokensIn' is not a whole number");
	assert_bad("{\"turns\":-2}", "'turns' is not a whole number");
	assert_bad("{\"summary\":3}", "'summary' is not a string");
	assert_bad("{\"sessionId\":{}}", "'sessionId' is not a string");
	assert_bad("{\"retryAfter\":\"soon\"}", "'retryAfter' is not a number of seconds or a time");
	assert_bad("{\"retryAfter\":\"2027-13-01T00:00:00Z\"}", "'retryAfter'");
	assert_bad("{\"retryAfter\":99999999999}", "at most a year away");
}

static void test_record_round_trip(void **state)
{
	struct para_result r = PARA_RESULT_INIT, back;
	struct para_strbuf sb = PARA_STRBUF_INIT;

	(void)state;
	r.has = PARA_RESULT_COST | PARA_RESULT_SUMMARY | PARA_RESULT_TOKENS_OUT;
	r.attempt = 3;
	r.state = PARA_STATE_FAILED;
	r.cost_usd = 1.0 / 3;
	r.tokens_out = 77;
	r.summary = strdup("line one\n\"quoted\" \xc3\xa9");
	para_result_format(&sb, &r);
	assert_null(strchr(sb.buf, '\n'));
	assert_int_equal(para_result_parse_record(&back, sb.buf), 0);
	assert_int_equal(back.attempt, 3);
	assert_int_equal(back.state, PARA_STATE_FAILED);
	assert_int_equal(back.has, r.has);
	assert_true(back.cost_usd > 0.3333333 && back.cost_usd < 0.3333334);
	assert_int_equal(back.tokens_out, 77);
	assert_string_equal(back.summary, r.summary);
	para_result_dispose(&back);
	assert_int_equal(para_result_parse_record(&back, "{\"state\":\"failed\"}"),
			 PARA_ECORRUPT);
	para_error_clear();
	para_result_dispose(&r);
	para_strbuf_dispose(&sb);
}

static void test_latest_and_total(void **state)
{
	struct para_task task;
	struct para_result r;

	(void)state;
	para_task_init(&task);
	task.name = strdup("t");
	assert_int_equal(para_result_latest(&r, &task), PARA_ENOTFOUND);
	para_error_clear();
	para_strvec_push(&task.results, "{\"attempt\":1,\"state\":\"failed\","
			 "\"costUsd\":0.5,\"tokensIn\":10,\"summary\":\"first\"}");
	para_strvec_push(&task.results, "damaged");
	para_strvec_push(&task.results, "{\"attempt\":2,\"state\":\"succeeded\","
			 "\"costUsd\":0.25,\"tokensOut\":5}");
	assert_int_equal(para_result_latest(&r, &task), 0);
	assert_int_equal(r.attempt, 2);
	assert_null(r.summary);
	para_result_dispose(&r);
	assert_int_equal(para_result_total(&r, &task), 0);
	assert_true(r.cost_usd == 0.75);
	assert_int_equal(r.tokens_in, 10);
	assert_int_equal(r.tokens_out, 5);
	assert_string_equal(r.summary, "first");
	para_result_dispose(&r);
	para_task_dispose(&task);
}

static void test_formats(void **state)
{
	char buf[32];

	(void)state;
	para_result_format_cost(buf, sizeof(buf), 12.3);
	assert_string_equal(buf, "$12.30");
	para_result_format_cost(buf, sizeof(buf), 0.0042);
	assert_string_equal(buf, "$0.0042");
	para_result_format_cost(buf, sizeof(buf), 0);
	assert_string_equal(buf, "$0.00");
	para_result_format_tokens(buf, sizeof(buf), 950);
	assert_string_equal(buf, "950");
	para_result_format_tokens(buf, sizeof(buf), 12345);
	assert_string_equal(buf, "12.3k");
	para_result_format_tokens(buf, sizeof(buf), 4100000);
	assert_string_equal(buf, "4.1M");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_every_member),
		cmocka_unit_test(test_subset_and_null),
		cmocka_unit_test(test_retry_times),
		cmocka_unit_test(test_malformed),
		cmocka_unit_test(test_record_round_trip),
		cmocka_unit_test(test_latest_and_total),
		cmocka_unit_test(test_formats),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
