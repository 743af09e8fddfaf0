#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"
#include "pr-state.h"

static void assert_state(const char *json, const char *state,
			 const char *checks, const char *merged_at)
{
	struct para_pr_state st = PARA_PR_STATE_INIT;

	if (para_pr_state_parse(&st, json, strlen(json)) < 0)
		fail_msg("'%s': %s", json, para_error_last());
	assert_string_equal(st.state, state);
	assert_string_equal(st.checks, checks);
	if (merged_at)
		assert_string_equal(st.merged_at, merged_at);
	else
		assert_null(st.merged_at);
	para_pr_state_dispose(&st);
}

#define RUN(c, s) "{\"__typename\":\"CheckRun\",\"conclusion\":\"" c \
	"\",\"status\":\"" s "\"}"
#define CTX(s) "{\"__typename\":\"StatusContext\",\"state\":\"" s "\"}"

static void test_states(void **state)
{
	assert_state("{\"state\":\"MERGED\",\"mergedAt\":\"2026-01-05T10:00:00Z\","
		     "\"statusCheckRollup\":[]}", "merged", "none",
		     "2026-01-05T10:00:00Z");
	assert_state("{\"state\":\"OPEN\",\"mergedAt\":null}", "open", "none",
		     NULL);
	assert_state("{\"state\":\"CLOSED\",\"mergedAt\":\"0001-01-01T00:00:00Z\","
		     "\"statusCheckRollup\":null}", "closed", "none", NULL);
	assert_state("{\"state\":\"OPEN\",\"mergedAt\":\"\"}", "open", "none",
		     NULL);
}

static void test_checks(void **state)
{
	assert_state("{\"state\":\"OPEN\",\"statusCheckRollup\":[" RUN("SUCCESS",
		     "COMPLETED") "," RUN("SKIPPED", "COMPLETED") ","
		     RUN("NEUTRAL", "COMPLETED") "," CTX("SUCCESS") "]}",
		     "open", "passing", NULL);
	assert_state("{\"state\":\"OPEN\",\"statusCheckRollup\":[" RUN("",
		     "IN_PROGRESS") "," RUN("SUCCESS", "COMPLETED") "]}",
		     "open", "pending", NULL);
	assert_state("{\"state\":\"OPEN\",\"statusCheckRollup\":[" CTX("PENDING")
		     "]}", "open", "pending", NULL);
	assert_state("{\"state\":\"OPEN\",\"statusCheckRollup\":[" RUN("",
		     "QUEUED") "," RUN("TIMED_OUT", "COMPLETED") "]}",
		     "open", "failing", NULL);
	assert_state("{\"state\":\"OPEN\",\"statusCheckRollup\":[" CTX("ERROR")
		     "]}", "open", "failing", NULL);
	assert_state("{\"state\":\"OPEN\",\"statusCheckRollup\":[" RUN("CANCELLED",
		     "COMPLETED") "]}", "open", "failing", NULL);
	assert_state("{\"state\":\"OPEN\",\"statusCheckRollup\":[{}]}", "open",
		     "pending", NULL);
}

static void assert_refused(const char *json, const char *message)
{
	struct para_pr_state st = PARA_PR_STATE_INIT;

	assert_int_equal(para_pr_state_parse(&st, json, strlen(json)),
			 PARA_EINVALID);
	assert_string_equal(para_error_last(), message);
	assert_null(st.state);
	assert_null(st.checks);
}

static void test_refused(void **state)
{
	assert_refused("[]", "no JSON object");
	assert_refused("{}", "\"state\" is not OPEN, CLOSED or MERGED");
	assert_refused("{\"state\":\"open\"}",
		       "\"state\" is not OPEN, CLOSED or MERGED");
	assert_refused("{\"state\":\"OPEN\",\"statusCheckRollup\":{}}",
		       "\"statusCheckRollup\" is not an array");
	assert_refused("{\"state\":\"OPEN\"", "line 1, column 16: ',' or '}' "
		       "expected");
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_states),
		cmocka_unit_test(test_checks),
		cmocka_unit_test(test_refused),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
