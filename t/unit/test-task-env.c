#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "strbuf.h"
#include "task-env.h"

static void fill(struct para_task *t)
{
	para_task_init(t);
	t->name = para_strdup("issue-42");
	t->branch = para_strdup("solve/issue-42");
	t->base = para_strdup("0123456789abcdef0123456789abcdef01234567");
	t->worktree = para_strdup("/tmp/wt/issue-42");
	t->issue = para_strdup("42");
	t->prompt = para_strdup("say \"hi\"; $(touch x)\nsecond line");
	para_strvec_push(&t->paths, "src/api");
	para_strvec_push(&t->paths, "docs/*.md");
}

static void check_identity(const struct para_strvec *env)
{
	assert_true(env->nr >= 9);
	assert_string_equal(env->v[0], "PARA_TASK=issue-42");
	assert_string_equal(env->v[1], "PARA_ISSUE=42");
	assert_string_equal(env->v[2],
			    "PARA_PROMPT=say \"hi\"; $(touch x)\nsecond line");
	assert_string_equal(env->v[3], "PARA_BRANCH=solve/issue-42");
	assert_string_equal(env->v[4],
		"PARA_BASE=0123456789abcdef0123456789abcdef01234567");
	assert_string_equal(env->v[5], "PARA_WORKTREE=/tmp/wt/issue-42");
	assert_string_equal(env->v[6], "PARA_SESSION_ID=");
	assert_string_equal(env->v[7], "PARA_AGENT_SESSION_ID=");
	assert_string_equal(env->v[8], "PARA_ID=issue_42");
}

static void test_with_domain(void **state)
{
	struct para_strvec env = PARA_STRVEC_INIT;
	struct para_task t;

	(void)state;
	fill(&t);
	para_task_env_build(&env, &t, PARA_TASK_ENV_DOMAIN, NULL);
	assert_int_equal(env.nr, 10);
	check_identity(&env);
	assert_string_equal(env.v[9], "PARA_DOMAIN=src/api\ndocs/*.md\n");
	assert_null(env.v[10]);
	para_strvec_dispose(&env);
	para_task_dispose(&t);
}

static void test_without_domain_extras_last(void **state)
{
	static const char *const extra[] = { "PARA_SLOT=3", "PARA_LOG=/l", NULL };
	struct para_strvec env = PARA_STRVEC_INIT;
	struct para_task t;

	(void)state;
	fill(&t);
	para_strvec_push(&env, "HOME=/home/x");
	para_task_env_build(&env, &t, 0, extra);
	assert_int_equal(env.nr, 12);
	assert_string_equal(env.v[0], "HOME=/home/x");
	check_identity(&(struct para_strvec){ env.v + 1, env.nr - 1, 0 });
	assert_string_equal(env.v[10], "PARA_SLOT=3");
	assert_string_equal(env.v[11], "PARA_LOG=/l");
	para_strvec_dispose(&env);
	para_task_dispose(&t);
}

static void test_empty_issue_prompt_domain(void **state)
{
	struct para_strvec env = PARA_STRVEC_INIT;
	struct para_task t;

	(void)state;
	para_task_init(&t);
	t.name = para_strdup("bare");
	t.branch = para_strdup("solve/bare");
	t.base = para_strdup("abc");
	t.worktree = para_strdup("/w");
	para_strvec_push(&t.ports, "3000");
	para_strvec_push(&t.ports, "3001");
	para_task_env_build(&env, &t, PARA_TASK_ENV_DOMAIN, NULL);
	assert_int_equal(env.nr, 12);
	assert_string_equal(env.v[1], "PARA_ISSUE=");
	assert_string_equal(env.v[2], "PARA_PROMPT=");
	assert_string_equal(env.v[8], "PARA_ID=bare");
	assert_string_equal(env.v[9], "PARA_PORT=3000");
	assert_string_equal(env.v[10], "PARA_PORTS=3000 3001");
	assert_string_equal(env.v[11], "PARA_DOMAIN=");
	para_strvec_dispose(&env);
	para_task_dispose(&t);
}

static void test_resources(void **state)
{
	struct para_strvec env = PARA_STRVEC_INIT;
	struct para_task t;

	(void)state;
	fill(&t);
	para_task_env_build(&env, &t, PARA_TASK_ENV_RESOURCES, NULL);
	assert_int_equal(env.nr, 11);
	assert_string_equal(env.v[9], "PARA_MEM=");
	assert_string_equal(env.v[10], "PARA_CPUS=");
	para_strvec_dispose(&env);
	t.mem = (4LL << 30) + 1;
	t.cpus = 2;
	para_task_env_build(&env, &t, PARA_TASK_ENV_RESOURCES, NULL);
	assert_string_equal(env.v[9], "PARA_MEM=4097M");
	assert_string_equal(env.v[10], "PARA_CPUS=2");
	para_strvec_dispose(&env);
	para_task_dispose(&t);
}

static void test_session_ids(void **state)
{
	struct para_strvec env = PARA_STRVEC_INIT;
	struct para_task t;

	(void)state;
	fill(&t);
	t.session_id = para_strdup("5f0c6b2e-0000-4000-8000-000000000001");
	para_task_env_build(&env, &t, 0, NULL);
	assert_string_equal(env.v[6],
		"PARA_SESSION_ID=5f0c6b2e-0000-4000-8000-000000000001");
	assert_string_equal(env.v[7],
		"PARA_AGENT_SESSION_ID=5f0c6b2e-0000-4000-8000-000000000001");
	para_strvec_dispose(&env);
	para_task_dispose(&t);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_with_domain),
		cmocka_unit_test(test_without_domain_extras_last),
		cmocka_unit_test(test_empty_issue_prompt_domain),
		cmocka_unit_test(test_resources),
		cmocka_unit_test(test_session_ids),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
