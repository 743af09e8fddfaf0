#!/bin/sh

test_description='git para prune: a worktree path that leads elsewhere'

. ./test-lib.sh

test_expect_success 'setup' '
	test_create_repo repo &&
	git -C repo para add -p src/api api &&
	echo "uncommitted in main" >>repo/README &&
	git -C repo rev-parse HEAD >head.before
'

test_expect_success 'prune --force of a worktree replaced by a symlink to the main worktree commits and removes nothing' '
	mv repo-worktrees/api api.moved &&
	ln -s ../repo repo-worktrees/api &&
	test_must_fail git -C repo para prune --force api >out 2>err &&
	test_grep "task .api.: .*/repo-worktrees/api. is no longer a git worktree" err &&
	git -C repo rev-parse HEAD >head.after &&
	test_cmp head.before head.after &&
	git -C repo status --porcelain >status &&
	test_grep "^ M README" status &&
	test_grep "uncommitted in main" repo/README &&
	test -L repo-worktrees/api &&
	test -e repo/.git/para/tasks/api &&
	test_must_fail git -C repo show-ref --verify -q refs/para/attic/api
'

test_expect_success 'a worktree whose .git names another worktree is refused too' '
	rm repo-worktrees/api &&
	git -C repo para add -p src/db db &&
	mkdir repo-worktrees/api &&
	cp repo-worktrees/db/.git repo-worktrees/api/.git &&
	echo db work >repo-worktrees/db/new.txt &&
	test_must_fail git -C repo para prune --force api >out 2>err &&
	test_grep "is no longer a git worktree" err &&
	test -f repo-worktrees/db/new.txt &&
	test_must_fail git -C repo rev-parse -q --verify refs/para/attic/api
'

test_expect_success 'the real worktree back in place: prune --force keeps its work' '
	rm -rf repo-worktrees/api &&
	mv api.moved repo-worktrees/api &&
	echo api work >repo-worktrees/api/src/api/new.c &&
	git -C repo para prune --force api >out 2>err &&
	! test -e repo-worktrees/api &&
	git -C repo show refs/para/attic/api:src/api/new.c >actual &&
	echo api work >expect &&
	test_cmp expect actual &&
	git -C repo rev-parse HEAD >head.after &&
	test_cmp head.before head.after &&
	test_grep "uncommitted in main" repo/README
'

test_done
