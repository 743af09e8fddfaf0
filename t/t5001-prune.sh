#!/bin/sh

test_description='git para prune: remove finished tasks, never lose work'

. ./test-lib.sh

task_exists () {
	test -e "repo/.git/para/tasks/$1"
}

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		git para add -q -p src/api merged &&
		git para add -q -p src/db unmerged &&
		git para add -q -p docs empty &&
		git para add -q -p src/auth dirty &&
		git para add -q -p README pushed
	) &&
	(cd repo-worktrees/merged && test_commit m src/api/m.c) &&
	(cd repo-worktrees/unmerged && test_commit u src/db/u.sql) &&
	(cd repo-worktrees/dirty && echo change >>src/auth/login.c) &&
	(cd repo && git merge -q --no-edit solve/merged)
'

test_expect_success 'prune without names removes only merged tasks' '
	(cd repo && git para prune >../out) &&
	test_grep "^Removed task .merged. (branch .solve/merged. deleted)" out &&
	! task_exists merged &&
	! test -e repo-worktrees/merged &&
	! git -C repo show-ref --verify --quiet refs/heads/solve/merged &&
	task_exists unmerged && task_exists empty && task_exists dirty &&
	test -d repo-worktrees/empty
'

test_expect_success 'prune -v says why tasks are kept' '
	(cd repo && git para prune -v >../out) &&
	test_grep "Keeping task .empty.: no commits of its own" out &&
	test_grep "Keeping task .unmerged.: has commits found nowhere else" out &&
	test_grep "Keeping task .dirty.: has uncommitted changes" out
'

test_expect_success 'a named task with commits found nowhere else is refused' '
	(cd repo && test_expect_code 1 git para prune unmerged 2>../err) &&
	test_grep "^error: task .unmerged. has commits found nowhere else; use --force" err &&
	task_exists unmerged && test -d repo-worktrees/unmerged
'

test_expect_success 'a named dirty task is refused, its files untouched' '
	(cd repo && test_expect_code 1 git para prune dirty 2>../err) &&
	test_grep "^error: task .dirty. has uncommitted changes" err &&
	test_grep change repo-worktrees/dirty/src/auth/login.c
'

test_expect_success 'an untracked file counts as uncommitted work' '
	echo new >repo-worktrees/empty/untracked.txt &&
	(cd repo && test_expect_code 1 git para prune empty 2>../err) &&
	test_grep "task .empty. has uncommitted changes" err &&
	rm repo-worktrees/empty/untracked.txt
'

test_expect_success 'a named task with no commits of its own is removed' '
	(cd repo && git para prune empty >../out) &&
	test_grep "Removed task .empty. (branch .solve/empty. deleted)" out &&
	! task_exists empty && ! test -e repo-worktrees/empty
'

test_expect_success 'an unknown task is an error, exit 1' '
	(cd repo && test_expect_code 1 git para prune ghost 2>../err) &&
	test_grep "^error: no such task .ghost." err
'

test_expect_success '--dry-run shows and removes nothing' '
	(cd repo && git para prune -n --force dirty unmerged >../out) &&
	test_grep "Would remove task .dirty. (work kept in refs/para/attic/dirty)" out &&
	test_grep "Would remove task .unmerged. (work kept in refs/para/attic/unmerged)" out &&
	task_exists dirty && task_exists unmerged &&
	! git -C repo show-ref --verify --quiet refs/para/attic/dirty
'

test_expect_success '--force keeps uncommitted and untracked work in the attic' '
	echo brand-new >repo-worktrees/dirty/new-file.txt &&
	(cd repo && git para prune --force dirty >../out) &&
	test_grep "Removed task .dirty. (work kept in refs/para/attic/dirty)" out &&
	! task_exists dirty && ! test -e repo-worktrees/dirty &&
	git -C repo show refs/para/attic/dirty:src/auth/login.c >login &&
	test_grep change login &&
	git -C repo show refs/para/attic/dirty:new-file.txt >new &&
	echo brand-new >expect && test_cmp expect new
'

test_expect_success '--force keeps unique commits in the attic' '
	tip=$(git -C repo rev-parse solve/unmerged) &&
	(cd repo && git para prune -f unmerged >../out) &&
	test_grep "work kept in refs/para/attic/unmerged" out &&
	test "$(git -C repo rev-parse refs/para/attic/unmerged)" = "$tip"
'

test_expect_success '--list-attic lists the kept work' '
	(cd repo && git para prune --list-attic >../out) &&
	grep "^dirty	" out && grep "^unmerged	" out
'

test_expect_success 'work restored from the attic with git branch' '
	git -C repo branch restored refs/para/attic/unmerged &&
	git -C repo show restored:src/db/u.sql
'

test_expect_success 'a pushed task (found on the remote) is not refused' '
	git init -q --bare remote.git &&
	(
		cd repo-worktrees/pushed &&
		test_commit p README pushed &&
		git push -q "$TRASH_DIRECTORY/remote.git" solve/pushed:solve/pushed &&
		git fetch -q "$TRASH_DIRECTORY/remote.git" "+refs/heads/*:refs/remotes/up/*"
	) &&
	(cd repo && git para prune pushed >../out) &&
	test_grep "Removed task .pushed. (branch .solve/pushed. kept: not merged)" out &&
	git -C repo show-ref --verify refs/heads/solve/pushed
'

test_expect_success 'a task merged into the integration branch is pruned' '
	(
		cd repo &&
		git para add -q -p src/x integrated &&
		(cd ../repo-worktrees/integrated && test_commit i src/x/i.c) &&
		git branch para/integration solve/integrated &&
		git para prune >../out
	) &&
	test_grep "Removed task .integrated." out
'

test_expect_success 'a worktree deleted by hand is cleaned up' '
	(
		cd repo &&
		git para add -q -p src/y gone &&
		rm -rf ../repo-worktrees/gone &&
		git para prune >../out
	) &&
	test_grep "Removed task .gone." out &&
	! task_exists gone &&
	git -C repo worktree list >list &&
	test_grep ! "worktrees/gone" list
'

test_expect_success 'a running task is refused; --force stops it first' '
	(
		cd repo &&
		git para add -q -p src/z busy || exit 1
		setsid sleep 300 &
		pid=$!
		f=.git/para/tasks/busy &&
		sleep 0.2 &&
		start=$(proc_start $pid) &&
		boot=$(cat /proc/sys/kernel/random/boot_id) &&
		git config -f $f run.state running &&
		git config -f $f run.pid $pid &&
		git config -f $f run.pidStart $start &&
		git config -f $f run.bootId $boot &&
		git config -f $f run.runnerPid $$ &&
		mystart=$(proc_start $$) &&
		git config -f $f run.runnerStart $mystart &&
		git config -f $f run.runnerBootId $boot &&
		test_expect_code 1 git para prune busy 2>../err &&
		test_grep "task .busy. is running" ../err &&
		git -c para.killGrace=1s para prune --force busy >../out &&
		! kill -0 $pid 2>/dev/null
	) &&
	test_grep "Removed task .busy." out
'

test_expect_success 'a damaged state file is reported, and --force removes it' '
	mkdir -p repo/.git/para/tasks &&
	echo "garbage [" >repo/.git/para/tasks/broken &&
	(cd repo && test_expect_code 1 git para prune broken 2>../err) &&
	test_grep "damaged state file" err &&
	(cd repo && git para prune 2>../err) &&
	test_grep "^warning: .*damaged state file.*; skipped" err &&
	task_exists broken &&
	(cd repo && git para prune --force broken >../out) &&
	! task_exists broken
'

test_expect_success 'commits on a detached HEAD whose branch was deleted are not lost' '
	(
		cd repo &&
		git para add -q -p src/d1 detached &&
		(
			cd ../repo-worktrees/detached &&
			test_commit d1 src/d1/x.c &&
			git checkout -q --detach &&
			git branch -D -q solve/detached &&
			git rev-parse HEAD >../../head
		) &&
		git para prune -v >../out &&
		test_expect_code 1 git para prune detached 2>../err
	) &&
	test_grep "Keeping task .detached." out &&
	test_grep "task .detached. has commits found nowhere else" err &&
	task_exists detached &&
	test -d repo-worktrees/detached &&
	(cd repo && git para prune --force detached >../out) &&
	test_grep "work kept in refs/para/attic/detached" out &&
	test "$(git -C repo rev-parse refs/para/attic/detached)" = "$(cat head)" &&
	! task_exists detached
'

test_expect_success '--force keeps both the detached HEAD and the branch tip' '
	(
		cd repo &&
		git para add -q -p src/d2 behind &&
		cd ../repo-worktrees/behind &&
		test_commit b1 src/d2/x.c &&
		git rev-parse HEAD >../../b1 &&
		test_commit b2 src/d2/y.c &&
		git rev-parse HEAD >../../b2 &&
		git checkout -q --detach HEAD~1
	) &&
	(cd repo && git para prune --force behind >../out) &&
	test_grep "work kept in refs/para/attic/behind and refs/para/attic/behind-2" out &&
	test "$(git -C repo rev-parse refs/para/attic/behind)" = "$(cat b1)" &&
	test "$(git -C repo rev-parse refs/para/attic/behind-2)" = "$(cat b2)" &&
	! task_exists behind
'

test_expect_success 'a task a git para run holds is refused as running' '
	git -C repo para add -q -p src/held held &&
	lockfile=repo/.git/para/locks/running/held.lock &&
	mkdir -p repo/.git/para/locks/running &&
	{ flock -o $lockfile sleep 5 & } &&
	lockpid=$! &&
	test_when_finished "kill $lockpid 2>/dev/null; true" &&
	for i in 1 2 3 4 5 6 7 8 9 10; do
		flock -n $lockfile true || break
		sleep 0.1
	done &&
	(cd repo && test_expect_code 1 git para prune held 2>../err) &&
	test_grep "task .held. is running" err &&
	task_exists held && test -d repo-worktrees/held &&
	kill $lockpid && wait $lockpid;
	(cd repo && git para prune held >../out) &&
	test_grep "Removed task .held." out
'

test_expect_success 'a task name with "/" or ".." is refused, nothing made outside' '
	(cd repo && test_expect_code 1 git para prune ../../../escape 2>../err) &&
	test_grep "invalid task name" err &&
	! test -e escape.lock && ! test -e ../escape.lock &&
	! test -e repo/.git/escape.lock
'

test_expect_success 'a worktree whose .git was removed is refused, even with --force' '
	(
		cd repo &&
		echo /.wt/ >>.git/info/exclude &&
		git -c para.worktreeDir=.wt para add -q -p src/nogit nogit &&
		echo precious >.wt/nogit/src/new.c &&
		rm .wt/nogit/.git &&
		git rev-parse HEAD >../head-before &&
		test_expect_code 1 git para prune --force nogit 2>../err &&
		git para prune -v >../out &&
		git rev-parse HEAD >../head-after
	) &&
	test_grep "task .nogit.: .*/\.wt/nogit. is no longer a git worktree" err &&
	test_grep "Keeping task .nogit.: is no longer a git worktree" out &&
	test_cmp head-before head-after &&
	test -f repo/.wt/nogit/src/new.c &&
	task_exists nogit &&
	rm -rf repo/.wt/nogit &&
	(cd repo && git para prune nogit >../out) &&
	test_grep "Removed task .nogit." out &&
	! task_exists nogit
'

test_expect_success 'usage errors exit 129' '
	(cd repo && test_expect_code 129 git para prune --all x 2>../err) &&
	test_grep "cannot be used with task names" err &&
	(cd repo && test_expect_code 129 git para prune --list-attic --force 2>../err) &&
	(cd repo && test_expect_code 129 git para prune --bogus 2>../err) &&
	test_grep "unknown option .bogus." err
'

test_expect_success '--all considers every task' '
	(
		cd repo &&
		git para add -q -p src/q q1 &&
		git para add -q -p src/r q2 &&
		git para prune --all >../out
	) &&
	grep "Removed task .q1." out && grep "Removed task .q2." out
'

test_done
