#!/bin/sh

test_description='git para sync-files: bring files from the main worktree again'

. ./test-lib.sh

test_expect_success 'setup: two tasks with .env, node_modules and a link' '
	test_create_repo repo &&
	(
		cd repo &&
		printf "%s\n" ".env" "node_modules/" "store/" >.gitignore &&
		printf "%s\n" ".env" "node_modules/" >.worktreeinclude &&
		git add .gitignore .worktreeinclude &&
		git commit -q -m includes &&
		echo "KEY=one" >.env &&
		mkdir -p node_modules/m store &&
		echo m >node_modules/m/index.js &&
		echo pkg >store/pkg &&
		git config para.symlink store &&
		git para add -q -p src/api a &&
		git para add -q -p src/db b
	) &&
	test_cmp repo/.env repo-worktrees/a/.env
'

test_expect_success 'a changed .env: --dry-run says so and changes nothing' '
	echo "KEY=two" >repo/.env &&
	echo "KEY=mine" >repo-worktrees/b/.env &&
	(cd repo && git para sync-files -n >../out 2>../err) &&
	echo "task '\''a'\'': would be updated '\''.env'\''" >expect &&
	test_cmp expect out &&
	test_grep "^warning: task .b.: .\.env. kept: the task changed it" err &&
	echo "KEY=one" >expect && test_cmp expect repo-worktrees/a/.env
'

test_expect_success 'sync-files updates what the task left, keeps what it changed' '
	(cd repo && git para sync-files >../out 2>../err) &&
	echo "task '\''a'\'': updated '\''.env'\''" >expect &&
	test_cmp expect out &&
	test_grep "^warning: task .b.: .\.env. kept: the task changed it" err &&
	test_cmp repo/.env repo-worktrees/a/.env &&
	echo "KEY=mine" >expect && test_cmp expect repo-worktrees/b/.env &&
	git -C repo-worktrees/a status --porcelain --untracked-files=all >st &&
	test_must_be_empty st
'

test_expect_success 'the updated copy is provisioned: synced again, nothing to do' '
	(cd repo && git para sync-files a >../out 2>../err) &&
	test_must_be_empty out &&
	test_must_be_empty err
'

test_expect_success 'what is missing is copied or linked again; a new pattern too' '
	rm -rf repo-worktrees/a/node_modules repo-worktrees/a/store &&
	echo "LOCAL=1" >repo/.env.local &&
	echo ".env.local" >>repo/.worktreeinclude &&
	(cd repo && git para sync-files a >../out) &&
	cat >expect <<-\EOF &&
	task '\''a'\'': copied '\''.env.local'\''
	task '\''a'\'': copied '\''node_modules/'\''
	task '\''a'\'': linked '\''store'\''
	EOF
	test_cmp expect out &&
	test_cmp repo/node_modules/m/index.js repo-worktrees/a/node_modules/m/index.js &&
	test "$(readlink repo-worktrees/a/store)" = "$TRASH_DIRECTORY/repo/store" &&
	git -C repo-worktrees/a status --porcelain --untracked-files=all >st &&
	test_must_be_empty st
'

test_expect_success 'a file git-para did not put there is kept' '
	echo "TOKEN=x" >repo/.npmrc &&
	echo "their own" >repo-worktrees/b/.npmrc &&
	git -C repo config para.copy .npmrc &&
	(cd repo && git para sync-files b >../out 2>../err) &&
	test_grep "^warning: task .b.: .\.npmrc. kept: git-para did not put it there" err &&
	echo "their own" >expect && test_cmp expect repo-worktrees/b/.npmrc &&
	git -C repo config --unset para.copy
'

test_expect_success 'an unknown task or a missing worktree is an error, exit 1' '
	(cd repo && test_expect_code 1 git para sync-files ghost a 2>../err >../out) &&
	test_grep "^error: no such task .ghost." err &&
	mv repo-worktrees/b b-away &&
	(cd repo && test_expect_code 1 git para sync-files b 2>../err) &&
	test_grep "^error: task .b. has no worktree" err &&
	(cd repo && git para sync-files >../out 2>../err) &&
	mv b-away repo-worktrees/b
'

test_expect_success 'usage' '
	(cd repo && test_expect_code 129 git para sync-files --bogus 2>../err) &&
	test_grep "unknown option .bogus." err &&
	(cd repo && test_expect_code 129 git para sync-files -h >../out) &&
	test_grep "^usage: git para sync-files" out
'

test_done
