#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "strbuf.h"
#include "worktree-status.h"

static void test_counts_parse(void **state)
{
	static const char out[] = "?? new\0M  staged\0 M unstaged\0MM both\0"
				  "UU conflict\0AA added\0";
	struct para_strbuf sb = PARA_STRBUF_INIT;
	struct para_worktree_counts c;

	(void)state;
	para_strbuf_add(&sb, out, sizeof(out) - 1);
	para_worktree_counts_parse(&c, &sb);
	assert_int_equal(c.dirty, 6);
	assert_int_equal(c.untracked, 1);
	assert_int_equal(c.staged, 2);
	assert_int_equal(c.unstaged, 2);
	assert_int_equal(c.conflicted, 2);
	para_strbuf_reset(&sb);
	para_worktree_counts_parse(&c, &sb);
	assert_int_equal(c.dirty, 0);
	para_strbuf_dispose(&sb);
}

static char root[] = "/tmp/para-unit-wts.XXXXXX";

/* `cmd` by the shell, with $R the test's directory */
static int sh(const char *cmd)
{
	setenv("R", root, 1);
	return system(cmd);
}

/* A repository and a linked worktree of it, "<root>/wt", committed. */
static int setup_worktree(void **state)
{
	(void)state;
	git_libgit2_init();
	if (!mkdtemp(root))
		return -1;
	return sh("cd $R && git init -q repo && cd repo && "
		  "git config user.name u && git config user.email u@e && "
		  "echo a >a && git add a && git commit -q -m a && "
		  "git worktree add -q -b b $R/wt");
}

static int teardown_worktree(void **state)
{
	(void)state;
	sh("rm -rf $R");
	git_libgit2_shutdown();
	return 0;
}

static void test_clean_through_a_shared_repository(void **state)
{
	struct para_worktree_proof proof = { 1, NULL, NULL };
	char *wt = para_xstrfmt("%s/wt", root);
	char *common = para_xstrfmt("%s/repo/.git", root);

	(void)state;
	assert_int_equal(git_repository_open_ext(&proof.shared, common,
				GIT_REPOSITORY_OPEN_NO_SEARCH |
				GIT_REPOSITORY_OPEN_BARE, NULL), 0);
	/* as right after git worktree add: racily clean, hashed */
	assert_true(para_worktree_clean_in_process(wt, &proof, NULL));
	/* the same size, other bytes */
	assert_int_equal(sh("echo b >$R/wt/a"), 0);
	assert_false(para_worktree_clean_in_process(wt, &proof, NULL));
	assert_int_equal(sh("cd $R/wt && git checkout -q a"), 0);
	assert_true(para_worktree_clean_in_process(wt, &proof, NULL));
	/* untracked */
	assert_int_equal(sh("touch $R/wt/new"), 0);
	assert_false(para_worktree_clean_in_process(wt, &proof, NULL));
	assert_int_equal(sh("rm $R/wt/new"), 0);
	/* a detached HEAD is read as a commit, a moved branch by its ref */
	assert_int_equal(sh("cd $R/wt && git checkout -q --detach"), 0);
	assert_true(para_worktree_clean_in_process(wt, &proof, NULL));
	assert_int_equal(sh("cd $R/wt && git checkout -q b && echo c >c && "
			    "git add c && git commit -q -m c"), 0);
	assert_true(para_worktree_clean_in_process(wt, &proof, NULL));
	/* a packed branch is found too; a loose one is newer than packed */
	assert_int_equal(sh("cd $R/wt && git pack-refs --all && "
			    "test ! -e $R/repo/.git/refs/heads/b"), 0);
	assert_true(para_worktree_clean_in_process(wt, &proof, NULL));
	assert_int_equal(sh("cd $R/wt && echo e >e && git add e && "
			    "git commit -q -m e && "
			    "test -e $R/repo/.git/refs/heads/b"), 0);
	assert_true(para_worktree_clean_in_process(wt, &proof, NULL));
	/* staged, not committed */
	assert_int_equal(sh("cd $R/wt && echo d >c && git add c"), 0);
	assert_false(para_worktree_clean_in_process(wt, &proof, NULL));
	/* the main worktree (a .git directory) is opened as itself */
	free(wt);
	wt = para_xstrfmt("%s/repo", root);
	assert_true(para_worktree_clean_in_process(wt, &proof, NULL));
	git_repository_free(proof.shared);
	free(wt);
	free(common);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_parse),
		cmocka_unit_test_setup_teardown(
			test_clean_through_a_shared_repository,
			setup_worktree, teardown_worktree),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
