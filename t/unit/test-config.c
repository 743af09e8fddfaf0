#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "config.h"
#include "error.h"
#include "lib-unit.h"
#include "task.h"

static void check_params(const char *text, const char *const *expect)
{
	struct para_strvec keys = PARA_STRVEC_INIT, values = PARA_STRVEC_INIT;
	size_t i;

	assert_int_equal(para_config_parse_parameters(&keys, &values, text), 0);
	for (i = 0; expect[2 * i]; i++) {
		assert_true(i < keys.nr);
		assert_string_equal(keys.v[i], expect[2 * i]);
		if (expect[2 * i + 1])
			assert_string_equal(values.v[i], expect[2 * i + 1]);
		else
			assert_null(values.v[i]);
	}
	assert_int_equal(i, keys.nr);
	para_strvec_dispose(&keys);
	for (i = 0; i < values.nr; i++)
		free(values.v[i]);
	free(values.v);
}

static void test_new_format(void **st)
{
	(void)st;
	check_params("'para.jobs'='3' 'Para.BranchPrefix'='x/'",
		     (const char *const[]){ "para.jobs", "3",
			"para.branchprefix", "x/", NULL });
	check_params("'para.setup'='echo '\\''hi'\\'' '\\!' done'",
		     (const char *const[]){ "para.setup", "echo 'hi' ! done",
			NULL });
	check_params("'para.autoCommit'",
		     (const char *const[]){ "para.autocommit", NULL, NULL });
	/* git 2.39 writes `-c key` (no value) as 'key'= */
	check_params("'para.requireDomain'= 'a.b'='c'",
		     (const char *const[]){ "para.requiredomain", NULL,
			"a.b", "c", NULL });
	check_params("'para.x'=",
		     (const char *const[]){ "para.x", NULL, NULL });
	check_params("'remote.Origin.URL'='u'",
		     (const char *const[]){ "remote.Origin.url", "u", NULL });
}

static void test_old_format(void **st)
{
	(void)st;
	check_params("'para.jobs=3' 'para.command=a = b'",
		     (const char *const[]){ "para.jobs", "3",
			"para.command", "a = b", NULL });
	check_params("", (const char *const[]){ NULL });
}

static void test_bogus(void **st)
{
	struct para_strvec keys = PARA_STRVEC_INIT, values = PARA_STRVEC_INIT;

	(void)st;
	assert_int_equal(para_config_parse_parameters(&keys, &values,
						      "para.jobs=3"),
			 PARA_EINVALID);
	assert_int_equal(para_config_parse_parameters(&keys, &values,
						      "'para.jobs"),
			 PARA_EINVALID);
	assert_int_equal(para_config_parse_parameters(&keys, &values,
						      "'para.jobs'=3"),
			 PARA_EINVALID);
	para_strvec_dispose(&keys);
	para_strvec_dispose(&values);
}

static void test_task_names(void **st)
{
	static const char *good[] = { "a", "issue-42", "0", "a.b_c-d",
		"x.lockx", "hooks2", NULL };
	static const char *bad[] = { "", "A", "-a", ".a", "_a", "a/b", "a b",
		"a..b", "a.", "a.lock", "aB", "\xc3\xa9", "hooks", NULL };
	char name[66];
	size_t i;

	(void)st;
	for (i = 0; good[i]; i++)
		assert_int_equal(para_task_name_validate(good[i]), 0);
	for (i = 0; bad[i]; i++)
		assert_int_equal(para_task_name_validate(bad[i]),
				 PARA_EINVALID);
	memset(name, 'a', 64);
	name[64] = '\0';
	assert_int_equal(para_task_name_validate(name), 0);
	name[64] = 'a';
	name[65] = '\0';
	assert_int_equal(para_task_name_validate(name), PARA_EINVALID);
	assert_non_null(strstr(para_error_last(), "longer than 64"));
}

static void test_issue_parse(void **st)
{
	char *s;

	(void)st;
	s = para_task_issue_parse("#42");
	assert_string_equal(s, "42");
	free(s);
	assert_null(para_task_issue_parse("4x"));
	assert_null(para_task_issue_parse("#"));
	assert_null(para_task_issue_parse("007"));
}

static void check_values(const struct para_strvec *got,
			 const char *const *expect)
{
	size_t i;

	for (i = 0; expect[i]; i++) {
		assert_true(i < got->nr);
		assert_string_equal(got->v[i], expect[i]);
	}
	assert_int_equal(i, got->nr);
}

/* The last value of `key` is `expect` (NULL: none). */
static void check_last(struct para_repo *repo, const char *key,
		       const char *expect)
{
	char *last = NULL;

	assert_int_equal(para_config_get_last_now(&last, repo, key), 0);
	if (expect)
		assert_string_equal(last, expect);
	else
		assert_null(last);
	free(last);
}

/* Read as it is now: the files, changed since the last read, then -c. */
static void test_get_all_now(void **st)
{
	static const char *const files[] = { "one", "", "two", NULL };
	static const char *const more[] = { "one", "", "two", "three",
					    "four", NULL };
	struct unit_task_repo r;
	struct para_strvec got = PARA_STRVEC_INIT;
	struct para_config *config = NULL;
	char *last = NULL;

	(void)st;
	assert_int_equal(unit_task_repo_setup(&r, "config"), 0);
	check_last(r.repo, "para.hook.state", NULL);
	assert_int_equal(para_config_get_all_now(&got, r.repo, "para.hook.state"),
			 0);
	assert_int_equal(got.nr, 0);
	unit_sh("git config --add para.hook.state one && "
		"git config --add para.hook.state '' && "
		"git config --add para.hook.state two");
	assert_int_equal(para_config_get_all_now(&got, r.repo, "para.hook.state"),
			 0);
	check_values(&got, files);
	para_strvec_dispose(&got);

	/* a change after the first read is seen; `-c` comes last */
	unit_sh("git config --add para.hook.state three");
	setenv("GIT_CONFIG_PARAMETERS", "'para.hook.state'='four'", 1);
	assert_int_equal(para_config_get_all_now(&got, r.repo, "PARA.hook.STATE"),
			 0);
	check_values(&got, more);
	para_strvec_dispose(&got);

	/* the same list as a snapshot gives */
	assert_int_equal(para_config_open(&config, r.repo), 0);
	assert_int_equal(para_config_get_all(&got, config, "para.hook.state"), 0);
	check_values(&got, more);
	para_strvec_dispose(&got);
	para_config_free(config);

	/* the last of them, with one lookup where that is enough */
	check_last(r.repo, "para.hook.state", "four");
	unsetenv("GIT_CONFIG_PARAMETERS");
	check_last(r.repo, "para.hook.state", "three");
	/* a bare key adds no value: the one before it is the last */
	unit_sh("printf '[para \"hook\"]\\n\\tstate\\n' >>.git/config");
	check_last(r.repo, "para.hook.state", "three");
	unit_sh("git config --add para.hook.state ''");
	check_last(r.repo, "para.hook.state", "");
	check_last(r.repo, "para.hook.add", NULL);

	/* bad overrides fail, as they do for a snapshot */
	setenv("GIT_CONFIG_PARAMETERS", "'para.hook.state", 1);
	assert_true(para_config_get_all_now(&got, r.repo, "para.hook.state") < 0);
	assert_int_equal(got.nr, 0);
	assert_true(para_config_get_last_now(&last, r.repo,
					     "para.hook.state") < 0);
	assert_null(last);
	para_error_clear();
	unsetenv("GIT_CONFIG_PARAMETERS");
	assert_int_equal(unit_task_repo_teardown(&r), 0);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_new_format),
		cmocka_unit_test(test_old_format),
		cmocka_unit_test(test_bogus),
		cmocka_unit_test(test_task_names),
		cmocka_unit_test(test_issue_parse),
		cmocka_unit_test(test_get_all_now),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
