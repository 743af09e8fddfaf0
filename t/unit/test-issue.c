#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"
#include "issue.h"

static int parse(struct para_issue *issue, const char *json)
{
	return para_issue_parse(issue, "42", json, strlen(json));
}

static void assert_values(const struct para_issue_decl *d, int line,
			  const char *joined)
{
	char buf[256] = "";
	size_t i;

	assert_int_equal(d->line, line);
	for (i = 0; i < d->values.nr; i++) {
		if (i)
			strcat(buf, "|");
		strcat(buf, d->values.v[i]);
	}
	assert_string_equal(buf, joined);
}

static void test_fields(void **state)
{
	struct para_issue issue = PARA_ISSUE_INIT;

	assert_int_equal(parse(&issue, "{\"number\":42,\"title\":\"T\","
			       "\"body\":null,\"url\":\"\"}"), 0);
	assert_string_equal(issue.number, "42");
	assert_string_equal(issue.title, "T");
	assert_string_equal(issue.body, "");
	assert_null(issue.url);
	assert_int_equal(issue.paths.line, 0);
	para_issue_dispose(&issue);
}

static void test_declarations(void **state)
{
	struct para_issue issue = PARA_ISSUE_INIT;

	assert_int_equal(parse(&issue, "{\"title\":\"T\",\"body\":"
		"\"Intro\\r\\nPATHS:  src/api/\\tsrc/db/schema.sql \\r\\n"
		"```sh\\nLocks: not-this\\n```\\n"
		" After: #1\\n"
		"after: #41 setup-db\\n- Locks: no\\nLocks: db\\n"
		"Command: rm -rf /\"}"), 0);
	assert_values(&issue.paths, 2, "src/api/|src/db/schema.sql");
	assert_values(&issue.after, 7, "#41|setup-db");
	assert_values(&issue.locks, 9, "db");
	para_issue_dispose(&issue);
}

static void test_refused(void **state)
{
	struct para_issue issue = PARA_ISSUE_INIT;

	assert_int_equal(parse(&issue, "{\"title\":\"T\",\"body\":"
			       "\"Locks: a\\n\\nlocks: b\"}"), PARA_EINVALID);
	assert_string_equal(para_error_last(), "issue #42, line 3: 'locks' is "
			    "declared twice (first at line 1)");
	assert_null(issue.title);
	assert_int_equal(parse(&issue, "{\"title\":\"T\",\"body\":"
			       "\"Paths:\"}"), PARA_EINVALID);
	assert_string_equal(para_error_last(), "issue #42, line 1: 'Paths' "
			    "declares nothing");
	assert_int_equal(parse(&issue, "[]"), PARA_EINVALID);
	assert_string_equal(para_error_last(), "cannot read issue #42: the "
			    "issue command printed no JSON object");
	assert_int_equal(parse(&issue, "{\"title\":\"T\",\"body\":7}"),
			 PARA_EINVALID);
	assert_string_equal(para_error_last(), "cannot read issue #42: the "
			    "issue's \"body\" is not a string");
	assert_int_equal(parse(&issue, "{\"number\":\"42\",\"title\":\"T\"}"),
			 PARA_EINVALID);
	assert_string_equal(para_error_last(), "cannot read issue #42: the "
			    "issue's \"number\" is not a number");
	assert_int_equal(parse(&issue, "{\"title\":\"T\"} x"), PARA_EINVALID);
	assert_string_equal(para_error_last(), "cannot read issue #42: the "
			    "issue command printed no valid JSON: line 1, "
			    "column 15: text after the value");
	para_issue_dispose(&issue);
}

static void test_list(void **state)
{
	struct para_strvec v = PARA_STRVEC_INIT;
	const char *list = "[{\"number\":3},{\"number\":1,\"title\":\"x\"},"
			   "{\"number\":3}]";

	assert_int_equal(para_issue_parse_list(&v, list, strlen(list)), 0);
	assert_int_equal(v.nr, 2);
	assert_string_equal(v.v[0], "3");
	assert_string_equal(v.v[1], "1");
	assert_int_equal(para_issue_parse_list(&v, "[{\"number\":0}]", 14),
			 PARA_EINVALID);
	assert_int_equal(para_issue_parse_list(&v, "{}", 2), PARA_EINVALID);
	assert_int_equal(para_issue_parse_list(&v, "[{\"number\":1.5}]", 16),
			 PARA_EINVALID);
	para_strvec_dispose(&v);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_fields),
		cmocka_unit_test(test_declarations),
		cmocka_unit_test(test_refused),
		cmocka_unit_test(test_list),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
