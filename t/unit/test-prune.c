#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "prune.h"
#include "repo.h"
#include "strbuf.h"
#include "task.h"

#include "lib-unit.h"

/*
 * The verdict of lib/prune.c on a real repository: a main worktree with
 * one commit and a task worktree on branch solve/t, rebuilt per test.
 */
struct fixture {
	struct unit_task_repo r;
	struct para_prune_verdict v;
};

static int setup(void **state)
{
	struct fixture *f = calloc(1, sizeof(*f));

	*state = f;
	if (!f || unit_task_repo_setup(&f->r, "prune") < 0)
		return -1;
	f->r.task.base_ref = para_strdup("refs/heads/main");
	return 0;
}

static int teardown(void **state)
{
	struct fixture *f = *state;
	int ret = unit_task_repo_teardown(&f->r);

	para_prune_verdict_dispose(&f->v);
	free(f);
	return ret;
}

static void judge_precious(struct fixture *f, const struct para_strvec *precious)
{
	para_prune_verdict_dispose(&f->v);
	assert_int_equal(para_prune_judge(&f->v, f->r.repo, &f->r.task,
					  "refs/heads/para/integration",
					  precious), 0);
}

static void judge(struct fixture *f)
{
	judge_precious(f, NULL);
}

static void no_own_commits_is_kept_unless_named(void **state)
{
	struct fixture *f = *state;

	judge(f);
	assert_false(f->v.own_commits);
	assert_false(f->v.dirty);
	assert_false(para_prune_finished_with(&f->v));
	assert_null(para_prune_refusal(&f->v));
	assert_false(para_prune_keeps_work(&f->v));
	assert_true(para_prune_deletes_branch(&f->v));
}

static void unmerged_commits_are_refused(void **state)
{
	struct fixture *f = *state;

	unit_sh("cd %s/wt && echo b >b && git add b && git commit -q -m b", unit_tmpdir);
	judge(f);
	assert_true(f->v.own_commits);
	assert_false(f->v.merged);
	assert_false(f->v.elsewhere);
	assert_false(para_prune_finished_with(&f->v));
	assert_string_equal(para_prune_refusal(&f->v),
			    "has commits found nowhere else");
	assert_true(para_prune_keeps_work(&f->v));
}

static void merged_commits_are_finished_with(void **state)
{
	struct fixture *f = *state;

	unit_sh("cd %s/wt && echo b >b && git add b && git commit -q -m b && "
	   "cd ../r && git merge -q solve/t", unit_tmpdir);
	judge(f);
	assert_true(f->v.merged);
	assert_true(para_prune_finished_with(&f->v));
	assert_null(para_prune_refusal(&f->v));
	assert_false(para_prune_keeps_work(&f->v));
	assert_true(para_prune_deletes_branch(&f->v));
}

static void integrated_commits_are_finished_with(void **state)
{
	struct fixture *f = *state;

	unit_sh("cd %s/wt && echo b >b && git add b && git commit -q -m b && "
	   "git branch para/integration", unit_tmpdir);
	judge(f);
	assert_true(f->v.merged);
	assert_true(para_prune_finished_with(&f->v));
}

static void squash_merged_is_finished_with(void **state)
{
	struct fixture *f = *state;

	unit_sh("cd %s/wt && echo b >b && git add b && git commit -q -m b && "
	   "echo c >c && git add c && git commit -q -m c && "
	   "cd ../r && echo x >x && git add x && git commit -q -m x && "
	   "git merge -q --squash solve/t && git commit -q -m squash && "
	   "echo b2 >b && git commit -q -am later", unit_tmpdir);
	judge(f);
	assert_true(f->v.merged);
	assert_int_equal(f->v.how.how, PARA_MERGED_PATCH);
	assert_string_equal(f->v.how.target, "refs/heads/main");
	assert_true(para_prune_finished_with(&f->v));
	assert_true(para_prune_deletes_branch(&f->v));
}

static void squash_without_a_file_is_not_merged(void **state)
{
	struct fixture *f = *state;

	unit_sh("cd %s/wt && echo b >b && git add b && git commit -q -m b && "
	   "echo c >c && git add c && git commit -q -m c && "
	   "cd ../r && git merge -q --squash solve/t && "
	   "git rm -q --cached c && rm c && git commit -q -m squash", unit_tmpdir);
	judge(f);
	assert_false(f->v.merged);
	assert_int_equal(f->v.how.how, PARA_MERGED_NO);
	assert_string_equal(para_prune_refusal(&f->v),
			    "has commits found nowhere else");
}

static void precious_ignored_files_are_work(void **state)
{
	struct fixture *f = *state;
	struct para_strvec precious = PARA_STRVEC_INIT;

	unit_sh("cd %s/wt && echo b >b && git add b && git commit -q -m b && "
	   "cd ../r && git merge -q solve/t && "
	   "printf '*.db\\ncache/\\n' >.git/info/exclude && cd ../wt && "
	   "echo data >keep.db && mkdir cache && echo x >cache/c", unit_tmpdir);
	judge(f);
	assert_true(para_prune_finished_with(&f->v));
	para_strvec_push(&precious, "*.db");
	judge_precious(f, &precious);
	assert_int_equal(f->v.precious.nr, 1);
	assert_string_equal(f->v.precious.v[0], "keep.db");
	assert_false(para_prune_finished_with(&f->v));
	assert_true(para_prune_keeps_work(&f->v));
	assert_string_equal(para_prune_refusal(&f->v), "holds ignored files "
			    "that para.precious marks as work");
	para_strvec_dispose(&precious);
}

static void locked_worktree_is_never_finished_with(void **state)
{
	struct fixture *f = *state;

	unit_sh("cd %s/r && git worktree lock --reason 'away' ../wt", unit_tmpdir);
	judge(f);
	assert_true(f->v.locked);
	assert_string_equal(f->v.lock_reason, "away");
	assert_false(para_prune_finished_with(&f->v));
	assert_string_equal(para_prune_refusal(&f->v),
			    "has a locked worktree");
	unit_sh("rm -rf %s/wt", unit_tmpdir);
	judge(f);
	assert_true(f->v.worktree_gone && f->v.locked);
	assert_false(para_prune_finished_with(&f->v));
}

static void untracked_file_is_dirty(void **state)
{
	struct fixture *f = *state;

	unit_sh("cd %s/wt && echo new >untracked", unit_tmpdir);
	judge(f);
	assert_true(f->v.dirty);
	assert_false(para_prune_finished_with(&f->v));
	assert_string_equal(para_prune_refusal(&f->v),
			    "has uncommitted changes");
	assert_true(para_prune_keeps_work(&f->v));
}

static void worktree_deleted_by_hand(void **state)
{
	struct fixture *f = *state;

	unit_sh("rm -rf %s/wt", unit_tmpdir);
	judge(f);
	assert_true(f->v.worktree_gone);
	assert_false(f->v.dirty);
	assert_true(para_prune_finished_with(&f->v));
	assert_null(para_prune_refusal(&f->v));
}

static void missing_dot_git_is_no_worktree(void **state)
{
	struct fixture *f = *state;

	unit_sh("rm %s/wt/.git", unit_tmpdir);
	judge(f);
	assert_true(f->v.not_worktree);
	assert_false(para_prune_finished_with(&f->v));
	assert_string_equal(para_prune_refusal(&f->v),
			    "is no longer a git worktree");
}

static void detached_commits_are_work(void **state)
{
	struct fixture *f = *state;

	unit_sh("cd %s/wt && git checkout -q --detach && echo c >c && "
	   "git add c && git commit -q -m c", unit_tmpdir);
	judge(f);
	assert_true(f->v.head_unique);
	assert_string_equal(para_prune_refusal(&f->v),
			    "has commits found nowhere else");
	assert_true(para_prune_keeps_work(&f->v));
}

static void standing_inside_is_refused(void **state)
{
	struct fixture *f = *state;
	char *sub = para_xstrfmt("%s/wt", unit_tmpdir);

	assert_int_equal(chdir(sub), 0);
	judge(f);
	assert_true(f->v.cwd_inside);
	assert_false(para_prune_finished_with(&f->v));
	assert_string_equal(para_prune_refusal(&f->v),
			    "has the current directory inside its worktree");
	assert_false(para_prune_keeps_work(&f->v));
	free(sub);
}

static void running_is_refused_first(void **state)
{
	struct para_prune_verdict v = { 0 };

	(void)state;
	v.running = v.dirty = v.own_commits = 1;
	assert_false(para_prune_finished_with(&v));
	assert_string_equal(para_prune_refusal(&v), "is running");
	v.not_worktree = 1;
	assert_string_equal(para_prune_refusal(&v),
			    "is no longer a git worktree");
}

static void pushed_with_pr_is_finished_with(void **state)
{
	struct para_prune_verdict v = { 0 };

	(void)state;
	v.own_commits = v.pr = v.elsewhere = 1;
	/* a pull request whose state is not known yet keeps the task */
	assert_false(para_prune_finished_with(&v));
	v.pr_open = 1;
	assert_false(para_prune_finished_with(&v));
	v.pr_open = 0;
	v.pr_merged = 1;
	/* merged, but the tip was never pushed: it would be lost */
	assert_false(para_prune_finished_with(&v));
	v.tip_elsewhere = 1;
	assert_true(para_prune_finished_with(&v));
	assert_null(para_prune_refusal(&v));
	assert_false(para_prune_keeps_work(&v));
	assert_true(para_prune_deletes_branch(&v));
	para_prune_pr_unknown(&v);
	assert_false(para_prune_finished_with(&v));
	v.pr_closed = 1;
	assert_false(para_prune_finished_with(&v));
	v.closed_ok = 1;
	assert_true(para_prune_finished_with(&v));
	assert_true(para_prune_keeps_work(&v));
}

#define T(fn) cmocka_unit_test_setup_teardown(fn, setup, teardown)

int main(void)
{
	const struct CMUnitTest tests[] = {
		T(no_own_commits_is_kept_unless_named),
		T(unmerged_commits_are_refused),
		T(merged_commits_are_finished_with),
		T(integrated_commits_are_finished_with),
		T(squash_merged_is_finished_with),
		T(squash_without_a_file_is_not_merged),
		T(precious_ignored_files_are_work),
		T(locked_worktree_is_never_finished_with),
		T(untracked_file_is_dirty),
		T(worktree_deleted_by_hand),
		T(missing_dot_git_is_no_worktree),
		T(detached_commits_are_work),
		T(standing_inside_is_refused),
		cmocka_unit_test(running_is_refused_first),
		cmocka_unit_test(pushed_with_pr_is_finished_with),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
