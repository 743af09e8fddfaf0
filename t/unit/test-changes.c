#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "changes.h"
#include "error.h"
#include "repo.h"
#include "strbuf.h"
#include "task.h"

#include "lib-unit.h"

/*
 * Whether a task's branch holds work of its own (lib/changes.c), on a
 * real repository: a main worktree with one commit and a task worktree
 * on branch solve/t, rebuilt per test.
 */
static int setup(void **state)
{
	struct unit_task_repo *f = calloc(1, sizeof(*f));

	*state = f;
	return f ? unit_task_repo_setup(f, "changes") : -1;
}

static int teardown(void **state)
{
	struct unit_task_repo *f = *state;
	int ret = unit_task_repo_teardown(f);

	free(f);
	return ret;
}

static int has_own(struct unit_task_repo *f)
{
	int own = -1;

	assert_int_equal(para_changes_task_has_own(&own, f->repo, &f->task),
			 0);
	return own;
}

static void at_its_base_is_nothing(void **state)
{
	assert_int_equal(has_own(*state), 0);
}

static void a_commit_is_work(void **state)
{
	unit_sh("cd %s/wt && echo b >b && git add b && git commit -q -m b", unit_tmpdir);
	assert_int_equal(has_own(*state), 1);
}

static void a_commit_undone_is_nothing(void **state)
{
	unit_sh("cd %s/wt && echo b >b && git add b && git commit -q -m b && "
	   "git rm -q b && git commit -q -m unb", unit_tmpdir);
	assert_int_equal(has_own(*state), 0);
}

static void only_what_a_merge_took_is_nothing(void **state)
{
	unit_sh("cd %s/r && git branch other && git checkout -q other && "
	   "echo o >o && git add o && git commit -q -m o && "
	   "git checkout -q main && cd ../wt && "
	   "git merge -q --no-ff -m merge other", unit_tmpdir);
	assert_int_equal(has_own(*state), 0);
}

static void an_edit_folded_into_a_merge_is_work(void **state)
{
	unit_sh("cd %s/r && git branch other && git checkout -q other && "
	   "echo o >o && git add o && git commit -q -m o && "
	   "git checkout -q main && cd ../wt && "
	   "git merge -q --no-ff --no-commit other && echo mine >a && "
	   "git commit -q -a -m merge", unit_tmpdir);
	assert_int_equal(has_own(*state), 1);
}

static void a_missing_branch_is_an_error(void **state)
{
	struct unit_task_repo *f = *state;
	int own = -1;

	free(f->task.branch);
	f->task.branch = para_strdup("solve/gone");
	assert_int_equal(para_changes_task_has_own(&own, f->repo, &f->task),
			 PARA_ENOTFOUND);
	assert_non_null(strstr(para_error_last(), "solve/gone"));
	assert_int_equal(own, 0);
}

static void the_same_commit_differs_nowhere(void **state)
{
	struct unit_task_repo *f = *state;
	struct para_strvec changed = PARA_STRVEC_INIT;

	para_strvec_push(&changed, "a");
	para_strvec_push(&changed, "b");
	assert_int_equal(para_changes_keep_differing(&changed, f->repo->git,
						     f->task.base,
						     f->task.base), 0);
	assert_int_equal(changed.nr, 0);
	para_strvec_dispose(&changed);
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(at_its_base_is_nothing),
		T(a_commit_is_work),
		T(a_commit_undone_is_nothing),
		T(only_what_a_merge_took_is_nothing),
		T(an_edit_folded_into_a_merge_is_work),
		T(a_missing_branch_is_an_error),
		T(the_same_commit_differs_nowhere),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
