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

/*
 * The verdict of lib/prune.c on a real repository: a main worktree with
 * one commit and a task worktree on branch solve/t, rebuilt per test.
 */
static char tmpdir[] = "/tmp/para-prune-XXXXXX";
static char topdir[PATH_MAX];

struct fixture {
	struct para_repo *repo;
	struct para_task task;
	struct para_prune_verdict v;
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
	f->task.base_ref = para_strdup("refs/heads/main");
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
	para_prune_verdict_dispose(&f->v);
	para_task_dispose(&f->task);
	para_repo_free(f->repo);
	free(f);
	sh("rm -rf %s", tmpdir);
	strcpy(tmpdir + strlen(tmpdir) - 6, "XXXXXX");
	return 0;
}

static void judge_precious(struct fixture *f, const struct para_strvec *precious)
{
	para_prune_verdict_dispose(&f->v);
	assert_int_equal(para_prune_judge(&f->v, f->repo, &f->task,
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

	sh("cd %s/wt && echo b >b && git add b && git commit -q -m b", tmpdir);
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

	sh("cd %s/wt && echo b >b && git add b && git commit -q -m b && "
	   "cd ../r && git merge -q solve/t", tmpdir);
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

	sh("cd %s/wt && echo b >b && git add b && git commit -q -m b && "
	   "git branch para/integration", tmpdir);
	judge(f);
	assert_true(f->v.merged);
	assert_true(para_prune_finished_with(&f->v));
}

static void squash_merged_is_finished_with(void **state)
{
	struct fixture *f = *state;

	sh("cd %s/wt && echo b >b && git add b && git commit -q -m b && "
	   "echo c >c && git add c && git commit -q -m c && "
	   "cd ../r && echo x >x && git add x && git commit -q -m x && "
	   "git merge -q --squash solve/t && git commit -q -m squash && "
	   "echo b2 >b && git commit -q -am later", tmpdir);
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

	sh("cd %s/wt && echo b >b && git add b && git commit -q -m b && "
	   "echo c >c && git add c && git commit -q -m c && "
	   "cd ../r && git merge -q --squash solve/t && "
	   "git rm -q --cached c && rm c && git commit -q -m squash", tmpdir);
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

	sh("cd %s/wt && echo b >b && git add b && git commit -q -m b && "
	   "cd ../r && git merge -q solve/t && "
	   "printf '*.db\\ncache/\\n' >.git/info/exclude && cd ../wt && "
	   "echo data >keep.db && mkdir cache && echo x >cache/c", tmpdir);
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

	sh("cd %s/r && git worktree lock --reason 'away' ../wt", tmpdir);
	judge(f);
	assert_true(f->v.locked);
	assert_string_equal(f->v.lock_reason, "away");
	assert_false(para_prune_finished_with(&f->v));
	assert_string_equal(para_prune_refusal(&f->v),
			    "has a locked worktree");
	sh("rm -rf %s/wt", tmpdir);
	judge(f);
	assert_true(f->v.worktree_gone && f->v.locked);
	assert_false(para_prune_finished_with(&f->v));
}

static void untracked_file_is_dirty(void **state)
{
	struct fixture *f = *state;

	sh("cd %s/wt && echo new >untracked", tmpdir);
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

	sh("rm -rf %s/wt", tmpdir);
	judge(f);
	assert_true(f->v.worktree_gone);
	assert_false(f->v.dirty);
	assert_true(para_prune_finished_with(&f->v));
	assert_null(para_prune_refusal(&f->v));
}

static void missing_dot_git_is_no_worktree(void **state)
{
	struct fixture *f = *state;

	sh("rm %s/wt/.git", tmpdir);
	judge(f);
	assert_true(f->v.not_worktree);
	assert_false(para_prune_finished_with(&f->v));
	assert_string_equal(para_prune_refusal(&f->v),
			    "is no longer a git worktree");
}

static void detached_commits_are_work(void **state)
{
	struct fixture *f = *state;

	sh("cd %s/wt && git checkout -q --detach && echo c >c && "
	   "git add c && git commit -q -m c", tmpdir);
	judge(f);
	assert_true(f->v.head_unique);
	assert_string_equal(para_prune_refusal(&f->v),
			    "has commits found nowhere else");
	assert_true(para_prune_keeps_work(&f->v));
}

static void standing_inside_is_refused(void **state)
{
	struct fixture *f = *state;
	char *sub = para_xstrfmt("%s/wt", tmpdir);

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
