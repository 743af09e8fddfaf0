#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "error.h"
#include "json-read.h"
#include "strbuf.h"

static struct para_json_value *parse_ok(const char *text)
{
	struct para_json_value *v = NULL;

	if (para_json_parse(&v, text, strlen(text)) < 0)
		fail_msg("'%s': %s", text, para_error_last());
	assert_non_null(v);
	return v;
}

static void assert_refused(const char *text, size_t len, const char *message)
{
	struct para_json_value *v = (void *)1;

	assert_int_equal(para_json_parse(&v, text, len), PARA_EINVALID);
	assert_null(v);
	assert_string_equal(para_error_last(), message);
}

static void refused(const char *text, const char *message)
{
	assert_refused(text, strlen(text), message);
}

static void test_issue_view(void **state)
{
	struct para_json_value *v = parse_ok(
		"{\"body\":\"Paths: src/api/\\r\\nAfter: #41\",\n"
		" \"labels\":[{\"id\":\"LA_1\",\"name\":\"bug\","
		"\"description\":\"\",\"color\":\"d73a4a\"}],\n"
		" \"number\":42,\"title\":\"Orders \\\"API\\\"\","
		"\"url\":\"https://github.com/o/r/issues/42\"}\n");
	const struct para_json_value *labels = para_json_get(v, "labels");
	long long n = 0;

	assert_int_equal(v->type, PARA_JSON_OBJECT);
	assert_int_equal(v->nr, 5);
	assert_string_equal(para_json_get_string(v, "body"),
			    "Paths: src/api/\r\nAfter: #41");
	assert_string_equal(para_json_get_string(v, "title"),
			    "Orders \"API\"");
	assert_int_equal(para_json_value_int(&n, para_json_get(v, "number"), 1,
				       1000), 0);
	assert_int_equal(n, 42);
	assert_null(para_json_get_string(v, "number"));
	assert_null(para_json_get(v, "missing"));
	assert_int_equal(labels->type, PARA_JSON_ARRAY);
	assert_int_equal(labels->nr, 1);
	assert_string_equal(para_json_get_string(&labels->v[0], "name"), "bug");
	para_json_free(v);
}

static void test_scalars(void **state)
{
	struct para_json_value *v = parse_ok(
		" [null, true, false, -0, 12.5e-3, 1E+2, \"\", [], {}] ");

	assert_int_equal(v->nr, 9);
	assert_int_equal(v->v[0].type, PARA_JSON_NULL);
	assert_int_equal(v->v[1].type, PARA_JSON_TRUE);
	assert_int_equal(v->v[2].type, PARA_JSON_FALSE);
	assert_string_equal(v->v[3].text, "-0");
	assert_string_equal(v->v[4].text, "12.5e-3");
	assert_string_equal(v->v[5].text, "1E+2");
	assert_string_equal(v->v[6].text, "");
	assert_int_equal(v->v[7].type, PARA_JSON_ARRAY);
	assert_int_equal(v->v[7].nr, 0);
	assert_int_equal(v->v[8].type, PARA_JSON_OBJECT);
	assert_null(para_json_get(&v->v[7], "x"));
	para_json_free(v);
}

static void test_escapes_and_utf8(void **state)
{
	struct para_json_value *v = parse_ok(
		"\"a\\/b\\\\\\b\\f\\n\\t \\u00e9\\u20AC \\ud83d\\ude00 "
		"\xc3\xa9\xe2\x82\xac\xf0\x9f\x98\x80\"");

	assert_string_equal(v->text, "a/b\\\b\f\n\t \xc3\xa9\xe2\x82\xac "
			    "\xf0\x9f\x98\x80 \xc3\xa9\xe2\x82\xac"
			    "\xf0\x9f\x98\x80");
	assert_int_equal(v->len, strlen(v->text));
	para_json_free(v);
}

static void test_bad_escapes(void **state)
{
	refused("\"\\x\"", "line 1, column 3: bad escape '\\x'");
	refused("\"\\u12\"", "line 1, column 3: bad \\u escape (four hex "
		"digits expected)");
	refused("\"\\u12g4\"", "line 1, column 3: bad \\u escape (four hex "
		"digits expected)");
	refused("\"\\ude00\"", "line 1, column 8: lone low surrogate \\ude00");
	refused("\"\\ud83d x\"", "line 1, column 8: high surrogate \\ud83d "
		"without its low surrogate");
	refused("\"\\ud83d\\u0041\"", "line 1, column 8: high surrogate "
		"\\ud83d without its low surrogate");
	refused("\"a\\u0000b\"", "line 1, column 9: \\u0000 in a string is "
		"not accepted");
	refused("\"\\", "line 1, column 3: unterminated string");
}

static void test_bad_utf8(void **state)
{
	refused("\"\xc3\"", "line 1, column 2: invalid UTF-8 in a string");
	refused("\"\xc0\xaf\"", "line 1, column 2: invalid UTF-8 in a string");
	refused("\"\xe0\x80\xaf\"",
		"line 1, column 2: invalid UTF-8 in a string");
	refused("\"\xed\xa0\x80\"",
		"line 1, column 2: invalid UTF-8 in a string");
	refused("\"\xf4\x90\x80\x80\"",
		"line 1, column 2: invalid UTF-8 in a string");
	refused("\"\xff\"", "line 1, column 2: invalid UTF-8 in a string");
	refused("\"\xe2\x82\"", "line 1, column 2: invalid UTF-8 in a string");
	refused("\"a\nb\"", "line 1, column 3: control character 0x0a in a "
		"string");
	assert_refused("\"a\0b\"", 5, "line 1, column 3: control character "
		       "0x00 in a string");
}

static void test_bad_documents(void **state)
{
	refused("", "line 1, column 1: value expected");
	refused("   \n ", "line 2, column 2: value expected");
	refused("{\"a\":1,}", "line 1, column 8: member name expected");
	refused("[1,]", "line 1, column 4: unexpected character");
	refused("[1 2]", "line 1, column 4: ',' or ']' expected");
	refused("{\"a\" 1}", "line 1, column 6: ':' expected");
	refused("{\"a\":1,\n\"a\":2}", "line 2, column 1: duplicate member "
		"name");
	refused("01", "line 1, column 1: bad number");
	refused("1.", "line 1, column 3: bad number");
	refused("-", "line 1, column 2: bad number");
	refused("1e", "line 1, column 3: bad number");
	refused("tru", "line 1, column 1: unexpected character");
	refused("{} {}", "line 1, column 4: text after the value");
	refused("[\"\xc3\xa9\", x]", "line 1, column 7: unexpected character");
	refused("[", "line 1, column 2: value expected");
	refused("{\"a\":[1,{\"b\":", "line 1, column 14: value expected");
}

static void test_deep_nesting(void **state)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	struct para_json_value *v;
	int i;

	for (i = 0; i < PARA_JSON_READ_DEPTH_MAX; i++)
		para_strbuf_addch(&sb, '[');
	for (i = 0; i < PARA_JSON_READ_DEPTH_MAX; i++)
		para_strbuf_addch(&sb, ']');
	v = parse_ok(sb.buf);
	para_json_free(v);

	para_strbuf_reset(&sb);
	for (i = 0; i < 100000; i++)
		para_strbuf_addstr(&sb, "{\"a\":[");
	refused(sb.buf, "line 1, column 193: nested deeper than 64 levels");
	para_strbuf_dispose(&sb);
}

static void test_long_string(void **state)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	struct para_json_value *v;
	size_t i;

	para_strbuf_addstr(&sb, "{\"body\":\"");
	for (i = 0; i < 100 * 1024 / 8; i++)
		para_strbuf_addstr(&sb, "$(x)`y`\\n");
	para_strbuf_addstr(&sb, "\"}");
	v = parse_ok(sb.buf);
	assert_int_equal(strlen(para_json_get_string(v, "body")),
			 100 * 1024);
	assert_memory_equal(para_json_get_string(v, "body"), "$(x)`y`\n", 8);
	para_json_free(v);
	para_strbuf_dispose(&sb);
}

static void test_whole_numbers(void **state)
{
	struct para_json_value *v = parse_ok("[7, 1.5, 1e3, \"7\", "
					     "99999999999999999999, -3]");
	long long n = 5;

	assert_int_equal(para_json_value_int(&n, &v->v[0], 1, 10), 0);
	assert_int_equal(n, 7);
	assert_int_equal(para_json_value_int(&n, &v->v[1], 1, 10), PARA_EINVALID);
	assert_int_equal(para_json_value_int(&n, &v->v[2], 1, 10000), PARA_EINVALID);
	assert_int_equal(para_json_value_int(&n, &v->v[3], 1, 10), PARA_EINVALID);
	assert_int_equal(para_json_value_int(&n, &v->v[4], 1, 10), PARA_EINVALID);
	assert_int_equal(para_json_value_int(&n, &v->v[5], 1, 10), PARA_EINVALID);
	assert_int_equal(para_json_value_int(&n, NULL, 1, 10), PARA_EINVALID);
	assert_int_equal(n, 7);
	para_json_free(v);
	para_json_free(NULL);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_issue_view),
		cmocka_unit_test(test_scalars),
		cmocka_unit_test(test_escapes_and_utf8),
		cmocka_unit_test(test_bad_escapes),
		cmocka_unit_test(test_bad_utf8),
		cmocka_unit_test(test_bad_documents),
		cmocka_unit_test(test_deep_nesting),
		cmocka_unit_test(test_long_string),
		cmocka_unit_test(test_whole_numbers),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
