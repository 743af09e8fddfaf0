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

test_expect_success 'a repository of its own inside the worktree is refused by name, even with --force' '
	git -C repo para add -p docs nest &&
	(
		cd repo-worktrees/nest &&
		echo doc work >>docs/guide.md &&
		git init -q vendored &&
		cd vendored &&
		echo mine >mine.txt &&
		git add mine.txt &&
		git -c user.name=n -c user.email=n@example.com commit -q -m mine &&
		echo not committed >loose.txt
	) &&
	git -C repo rev-parse solve/nest >tip.before &&
	git -C repo-worktrees/nest status --porcelain >status.before &&
	for force in "" --force
	do
		test_expect_code 1 git -C repo para prune $force nest 2>err &&
		echo "error: task '\''nest'\'' holds a repository of its own, '\''vendored/'\'', whose commits and files prune cannot keep; not even --force removes it: move it out of '\''$TRASH_DIRECTORY/repo-worktrees/nest'\'' first" >expect &&
		test_cmp expect err || return 1
	done &&
	git -C repo rev-parse solve/nest >tip.after &&
	test_cmp tip.before tip.after &&
	git -C repo-worktrees/nest status --porcelain >status.after &&
	test_cmp status.before status.after &&
	test_path_is_file repo-worktrees/nest/vendored/loose.txt &&
	test_must_fail git -C repo rev-parse -q --verify refs/para/attic/nest &&
	git -C repo para prune >out &&
	! grep nest out
'

test_expect_success 'moved out, the task goes with its work kept' '
	mv repo-worktrees/nest/vendored vendored &&
	git -C repo para prune --force nest >out &&
	test_grep "Removed task .nest. (work kept in refs/para/attic/nest)" out &&
	git -C repo show refs/para/attic/nest:docs/guide.md >actual &&
	test_grep "doc work" actual &&
	test_path_is_file vendored/loose.txt
'

test_expect_success 'a lock left by a git that was killed: prune says so, and what to do' '
	git -C repo para add -p docs locked &&
	echo work >>repo-worktrees/locked/docs/guide.md &&
	lock=$(git -C repo rev-parse --path-format=absolute --git-common-dir)/worktrees/locked/index.lock &&
	: >"$lock" &&
	touch -d "1 minute ago" "$lock" &&
	test_expect_code 1 git -C repo para prune --force locked 2>err &&
	test_grep "Unable to create .*index.lock.: File exists" err &&
	test_grep "^hint: no process has .$lock. open and it is [0-9]* seconds old: a git that was killed left it; remove it if no git command is running in this repository" err &&
	test_path_is_dir repo-worktrees/locked
'

test_expect_success 'a lock some process holds open, or a fresh one, gets no such hint' '
	sleep 30 <"$lock" &
	holder=$! &&
	test_when_finished "kill $holder 2>/dev/null || :" &&
	test_expect_code 1 git -C repo para prune --force locked 2>err &&
	test_grep "Unable to create" err &&
	test_grep ! "^hint: no process has" err &&
	kill $holder &&
	wait $holder;
	touch "$lock" &&
	test_expect_code 1 git -C repo para prune --force locked 2>err &&
	test_grep ! "^hint: no process has" err
'

test_expect_success 'the lock removed, prune --force goes on and keeps the work' '
	rm "$lock" &&
	git -C repo para prune --force locked >out &&
	test_grep "work kept in refs/para/attic/locked" out
'

test_done
