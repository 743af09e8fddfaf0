#!/bin/sh

test_description='git para run: a state that cannot be written, a task that outlives its shell, dependencies named like other refs'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

test_mark_processes para-hostile

test_expect_success 'setup' '
	test_create_repo repo &&
	git -C repo config para.killGrace 1s
'

test_expect_success 'a running state that cannot be written: the task fails, nothing ran, nothing blocks' '
	(cd repo && test_task nospace -c "touch ran") &&
	GIT_TEST_PARA_FAIL=run-running timeout -s KILL 30 git -C repo para run nospace >out 2>err
	echo $? >code &&
	echo 1 >expect && test_cmp expect code &&
	test_grep "^nospace: failed" out &&
	test_grep "No space left on device" out &&
	! test -e repo-worktrees/nospace/ran &&
	(cd repo && test_state nospace) >actual &&
	echo failed >expect && test_cmp expect actual &&
	test_no_process_left
'

test_expect_success 'and once it can be written the task runs' '
	git -C repo para run --rerun nospace >out &&
	test -e repo-worktrees/nospace/ran &&
	(cd repo && test_state nospace) >actual &&
	echo succeeded >expect && test_cmp expect actual
'

test_expect_success 'a task whose shell is gone while its background job lives is orphaned, not lost' '
	(
		cd repo &&
		test_task bg -c "sleep 300 & touch started; while ! test -e stop; do sleep 0.1; done" &&
		{ git-para-run bg >../out1 2>&1 & } &&
		echo $! >../pid &&
		test_wait_for 10 test -e ../repo-worktrees/bg/started &&
		kill -KILL $(cat ../pid) &&
		wait $(cat ../pid)
		touch ../repo-worktrees/bg/stop
	) &&
	leader=$(git config -f repo/.git/para/tasks/bg run.pid) &&
	test_wait_for 10 eval "! test -d /proc/$leader" &&
	test_marked_pids $TEST_MARK >left &&
	test $(wc -l <left) = 1 &&
	git -C repo para status --porcelain bg >status &&
	cut -f2 status >actual &&
	echo orphaned >expect && test_cmp expect actual
'

test_expect_success 'a second run does not start it beside the first attempt' '
	test_must_fail git -C repo para run bg >out 2>err &&
	test_grep "^bg: not started: still running as pid" out &&
	(cd repo && test_state bg run.attempts) >actual &&
	echo 1 >expect && test_cmp expect actual
'

test_expect_success 'prune --force stops what is left of it' '
	git -C repo para prune --force bg >out 2>err &&
	test_wait_for 10 test_no_process_left &&
	! test -e repo-worktrees/bg
'

test_expect_success 'prune --force after the run died stops what escaped with setsid too' '
	(
		cd repo &&
		test_task esc -c "setsid sleep 300 & setsid sh -c \"sleep 300\" & touch started; while :; do sleep 0.1; done" &&
		{ git-para-run esc >../out1 2>&1 & } &&
		echo $! >../pid &&
		test_wait_for 10 test -e ../repo-worktrees/esc/started &&
		kill -KILL $(cat ../pid) &&
		wait $(cat ../pid)
		true
	) &&
	test_marked_pids $TEST_MARK >left &&
	test $(wc -l <left) -ge 3 &&
	git -C repo para prune --force esc >out 2>err &&
	test_wait_for 10 test_no_process_left &&
	! test -e repo-worktrees/esc
'

test_expect_success 'a dependency is merged by its branch, never by a tag or commit of the same name' '
	(
		cd repo &&
		test_task dep -c "echo work >dep.txt && git add dep.txt && git commit -q -m dep" &&
		git tag solve/dep HEAD &&
		test_task user -a dep -c "test -f dep.txt && echo u >u.txt" &&
		git para run dep user >../out 2>../err
	) &&
	test_grep "^user: succeeded" out &&
	test -f repo-worktrees/user/dep.txt
'

test_expect_success 'a dependency whose branch is spelt like a commit id' '
	(
		cd repo &&
		head=$(git rev-parse HEAD) &&
		test_task "$head" -c "echo more >hex.txt && git add hex.txt && git commit -q -m hex" &&
		git branch -m "solve/$head" "$head" &&
		git config -f .git/para/tasks/$head task.branch "$head" &&
		test_task hexuser -a "$head" -c "test -f hex.txt && echo u >u.txt" &&
		git para run "$head" hexuser >../out 2>../err
	) &&
	test_grep "^hexuser: succeeded" out &&
	test -f repo-worktrees/hexuser/hex.txt
'

test_done
