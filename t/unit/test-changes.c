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

/*
 * Whether a task's branch holds work of its own (lib/changes.c), on a
 * real repository: a main worktree with one commit and a task worktree
 * on branch solve/t, rebuilt per test.
 */
static char tmpdir[] = "/tmp/para-changes-XXXXXX";
static char topdir[PATH_MAX];

struct fixture {
	struct para_repo *repo;
	struct para_task task;
};

static void sh(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

static void sh(const char *fmt, ...)
{
	struct para_strbuf cmd = PARA_STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	para_strbuf_addstr(&cmd, "exec >/dev/null 2>&1; ");
	para_strbuf_vaddf(&cmd, fmt, ap);
	va_end(ap);
	assert_int_equal(system(cmd.buf), 0);
	para_strbuf_dispose(&cmd);
}

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));
	git_oid base;

	if (!getcwd(topdir, sizeof(topdir)) || !mkdtemp(tmpdir))
		return -1;
	sh("cd %s && git init -q -b main r && cd r && "
	   "git config user.name t && git config user.email t@t && "
	   "echo a >a && git add a && git commit -q -m a && "
	   "git worktree add -q -b solve/t ../wt", tmpdir);
	if (chdir(tmpdir) < 0 || chdir("r") < 0 ||
	    para_lib_init() < 0 || para_repo_open(&f->repo) < 0)
		return -1;
	para_task_init(&f->task);
	f->task.name = para_strdup("t");
	f->task.branch = para_strdup("solve/t");
	f->task.worktree = para_xstrfmt("%s/wt", tmpdir);
	if (para_repo_resolve_commit(&base, f->repo, "HEAD") < 0)
		return -1;
	f->task.base = para_strdup(git_oid_tostr_s(&base));
	*state = f;
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;

	if (chdir(topdir) < 0)
		return -1;
	para_task_dispose(&f->task);
	para_repo_free(f->repo);
	free(f);
	sh("rm -rf %s", tmpdir);
	strcpy(tmpdir + strlen(tmpdir) - 6, "XXXXXX");
	return 0;
}

static int has_own(struct fixture *f)
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
	sh("cd %s/wt && echo b >b && git add b && git commit -q -m b", tmpdir);
	assert_int_equal(has_own(*state), 1);
}

static void a_commit_undone_is_nothing(void **state)
{
	sh("cd %s/wt && echo b >b && git add b && git commit -q -m b && "
	   "git rm -q b && git commit -q -m unb", tmpdir);
	assert_int_equal(has_own(*state), 0);
}

static void only_what_a_merge_took_is_nothing(void **state)
{
	sh("cd %s/r && git branch other && git checkout -q other && "
	   "echo o >o && git add o && git commit -q -m o && "
	   "git checkout -q main && cd ../wt && "
	   "git merge -q --no-ff -m merge other", tmpdir);
	assert_int_equal(has_own(*state), 0);
}

static void an_edit_folded_into_a_merge_is_work(void **state)
{
	sh("cd %s/r && git branch other && git checkout -q other && "
	   "echo o >o && git add o && git commit -q -m o && "
	   "git checkout -q main && cd ../wt && "
	   "git merge -q --no-ff --no-commit other && echo mine >a && "
	   "git commit -q -a -m merge", tmpdir);
	assert_int_equal(has_own(*state), 1);
}

static void a_missing_branch_is_an_error(void **state)
{
	struct fixture *f = *state;
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
	struct fixture *f = *state;
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
