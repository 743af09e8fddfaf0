#!/bin/sh

test_description='git para prune --remote: pushed branches of merged tasks go too

Against a bare remote: the branch of a merged task is deleted there, the
branch of an unmerged one never, nor one that got commits the task lacks.'

. ./test-lib.sh

# on_remote <branch>: succeeds if the bare remote has the branch
on_remote () {
	git -C remote.git rev-parse -q --verify "refs/heads/$1" >/dev/null
}

# pushed_task <name>: a task with one commit, pushed to origin
pushed_task () {
	git -C repo para add -q -p "src/$1" "$1" &&
	(cd "repo-worktrees/$1" && test_commit "$1" "src/$1/f.c") &&
	git -C repo push -q origin "solve/$1"
}

test_expect_success 'setup' '
	test_create_repo repo &&
	git init -q --bare remote.git &&
	git -C repo remote add origin ../remote.git &&
	git -C repo push -q origin main &&
	git -C repo fetch -q origin &&
	git -C repo remote set-head origin main &&
	pushed_task merged &&
	pushed_task open &&
	pushed_task ahead &&
	pushed_task quiet &&
	git clone -q remote.git hub &&
	(
		cd hub &&
		git merge -q --no-edit origin/solve/merged &&
		git merge -q --squash origin/solve/ahead >/dev/null &&
		git commit -q -m "ahead (#3)" &&
		git merge -q --no-edit origin/solve/quiet &&
		git push -q origin main &&
		git checkout -q -b more origin/solve/ahead &&
		test_commit "review fix" src/ahead/g.c &&
		git push -q origin more:solve/ahead
	) &&
	git -C repo fetch -q origin
'

test_expect_success 'without --remote the pushed branch stays' '
	(cd repo && git para prune quiet >../out) &&
	test_grep "^Removed task .quiet. (branch .solve/quiet. deleted)\$" out &&
	on_remote solve/quiet
'

test_expect_success '--dry-run --remote says what it would delete, deletes nothing' '
	(cd repo && git para prune -n --remote merged >../out) &&
	test_grep "^Would remove task .merged. (branch .solve/merged. deleted; branch deleted on .origin.)" out &&
	on_remote solve/merged &&
	test -d repo-worktrees/merged
'

test_expect_success '--remote deletes the branch of a merged task on the remote' '
	(cd repo && git para prune --remote >../out) &&
	test_grep "^Removed task .merged. (branch .solve/merged. deleted; branch deleted on .origin.)" out &&
	! on_remote solve/merged &&
	! git -C repo rev-parse -q --verify refs/remotes/origin/solve/merged &&
	test_no_task_at merged
'

test_expect_success 'a remote branch with commits the task lacks is kept' '
	test_grep "^Removed task .ahead. (branch .solve/ahead. deleted; branch kept on .origin.: it has commits the task lacks)" out &&
	on_remote solve/ahead &&
	test_no_task_at ahead
'

test_expect_success 'an unmerged task keeps its remote branch, even under --force' '
	(cd repo && git para prune --remote open 2>../err >../out) &&
	test_grep "^Removed task .open. (branch .solve/open. kept: not merged; branch kept on .origin.: not merged)" out &&
	on_remote solve/open &&
	git -C repo rev-parse -q --verify solve/open
'

test_expect_success 'a remote that cannot be reached keeps the task' '
	pushed_task far &&
	git -C repo branch -q para/integration solve/far &&
	git -C repo config remote.origin.url "$TRASH_DIRECTORY/nowhere.git" &&
	(cd repo && test_expect_code 1 git para prune --remote far 2>../err) &&
	test_grep "^error: cannot ask remote .origin. about branch .solve/far.: " err &&
	test_grep "^error: task .far. was not removed" err &&
	test -d repo-worktrees/far &&
	git -C repo rev-parse -q --verify solve/far &&
	git -C repo config remote.origin.url ../remote.git &&
	(cd repo && git -c para.remote=origin para prune --remote far >../out) &&
	test_grep "branch deleted on .origin." out &&
	! on_remote solve/far
'

test_expect_success 'a merged task never pushed says nothing of the remote' '
	git -C repo para add -q -p src/local local &&
	(cd repo-worktrees/local && test_commit local src/local/f.c) &&
	git -C repo branch -q -f para/integration solve/local &&
	(cd repo && git para prune --remote >../out) &&
	test_grep "^Removed task .local. (branch .solve/local. deleted)\$" out
'

test_expect_success '--remote with --list-attic is a usage error' '
	(cd repo && test_expect_code 129 git para prune --remote --list-attic 2>../err) &&
	(cd repo && test_expect_code 129 git para prune --remote --expire-attic=1d 2>../err)
'

test_done
