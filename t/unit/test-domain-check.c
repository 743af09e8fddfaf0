#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "domain-check.h"
#include "strbuf.h"
#include "task.h"

static void make_task(struct para_task *t, const char *name, const char *paths,
		      const char *after)
{
	para_task_init(t);
	t->name = para_strdup(name);
	para_strvec_split(&t->paths, paths);
	para_strvec_split(&t->after, after);
}

/* "<verdict> <outside...>" of `changed` for task b, which runs after a. */
static char *check_b(const char *b_paths, const char *changed_files,
		     const char *shared_paths)
{
	struct para_task a, b;
	struct para_strvec changed = PARA_STRVEC_INIT, outside = PARA_STRVEC_INIT;
	struct para_strvec shared = PARA_STRVEC_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;
	struct para_domain_checker *c = NULL;
	enum para_domain_verdict v = PARA_DOMAIN_UNKNOWN;
	size_t i;

	make_task(&a, "a", "src/a", "");
	make_task(&b, "b", b_paths, "a");
	para_strvec_split(&changed, changed_files);
	para_strvec_split(&shared, shared_paths);
	assert_int_equal(para_domain_checker_new(&c, NULL, &shared), 0);
	para_domain_checker_know(c, &a);
	assert_int_equal(para_domain_check(&v, &outside, c, &b, &changed), 0);
	para_strbuf_addstr(&out, v == PARA_DOMAIN_NONE ? "none" :
			   v == PARA_DOMAIN_OK ? "ok" :
			   v == PARA_DOMAIN_OUTSIDE ? "outside" : "unknown");
	for (i = 0; i < outside.nr; i++)
		para_strbuf_addf(&out, " %s", outside.v[i]);
	para_domain_checker_free(c);
	para_strvec_dispose(&changed);
	para_strvec_dispose(&outside);
	para_strvec_dispose(&shared);
	para_task_dispose(&a);
	para_task_dispose(&b);
	return para_strbuf_detach(&out);
}

static void expect(char *got, const char *want)
{
	assert_string_equal(got, want);
	free(got);
}

static void test_own_domain(void **state)
{
	(void)state;
	expect(check_b("src/b", "src/b/x.c src/b/y/z.c", ""), "ok");
	expect(check_b("src/b", "", ""), "ok");
}

static void test_dependency_domain_allowed(void **state)
{
	(void)state;
	expect(check_b("src/b", "src/a/x.c src/b/y.c", ""), "ok");
}

static void test_shared_allowed(void **state)
{
	(void)state;
	expect(check_b("src/b", "CHANGELOG.md src/b/y.c", "CHANGELOG.md"), "ok");
	expect(check_b("src/b", "CHANGELOG.md src/b/y.c", ""),
	       "outside CHANGELOG.md");
}

static void test_outside(void **state)
{
	(void)state;
	expect(check_b("src/b", "README src/c/x.c src/b/y.c", "docs"),
	       "outside README src/c/x.c");
}

static void test_no_domain(void **state)
{
	(void)state;
	expect(check_b("", "README src/c/x.c", ""), "none");
}

static void test_bad_shared_pattern(void **state)
{
	struct para_strvec shared = PARA_STRVEC_INIT;
	struct para_domain_checker *c = NULL;

	(void)state;
	para_strvec_push(&shared, "/abs");
	assert_true(para_domain_checker_new(&c, NULL, &shared) < 0);
	assert_null(c);
	para_strvec_dispose(&shared);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_own_domain),
		cmocka_unit_test(test_dependency_domain_allowed),
		cmocka_unit_test(test_shared_allowed),
		cmocka_unit_test(test_outside),
		cmocka_unit_test(test_no_domain),
		cmocka_unit_test(test_bad_shared_pattern),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
