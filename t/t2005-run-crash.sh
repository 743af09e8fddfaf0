#!/bin/sh

test_description='git para run: a run that dies as seen by git para status; a second interrupt'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

test_mark_processes para-crash

# status_state <task>: the state column of git para status --porcelain
status_state () {
	git -C repo para status --porcelain "$1" >status.out &&
	cut -f2 status.out
}

test_expect_success 'setup' '
	test_create_repo repo &&
	git -C repo config para.killGrace 1s &&
	(cd repo && test_task crash -c "touch started; sleep 30")
'

test_expect_success 'a run killed with SIGKILL: its task is orphaned while its process lives' '
	(
		cd repo &&
		{ git-para-run crash >../out1 2>&1 & } &&
		echo $! >../pid &&
		test_wait_for 10 test -e ../repo-worktrees/crash/started &&
		kill -KILL $(cat ../pid) &&
		wait $(cat ../pid)
		test $? = 137
	) &&
	status_state crash >actual &&
	echo orphaned >expect &&
	test_cmp expect actual &&
	test_marked_pids $TEST_MARK >left &&
	test -s left
'

test_expect_success 'once its process is gone the task is lost' '
	kill -KILL $(test_marked_pids $TEST_MARK) &&
	test_wait_for 10 test_no_process_left &&
	status_state crash >actual &&
	echo lost >expect &&
	test_cmp expect actual
'

test_expect_success 'a new run completes the lost task' '
	git config -f repo/.git/para/tasks/crash task.command true &&
	git -C repo para run crash >out &&
	status_state crash >actual &&
	echo succeeded >expect &&
	test_cmp expect actual &&
	(cd repo && test_state crash run.attempt && test_state crash run.attempts) >actual &&
	printf "1\n2\n" >expect && test_cmp expect actual &&
	grep "^crash: succeeded" out &&
	grep "^=== attempt 1 lost: its .git para run. died" repo/.git/para/logs/crash.log &&
	tail -n 1 repo/.git/para/logs/crash.log >actual &&
	grep "^=== attempt 1 succeeded" actual &&
	test_no_process_left
'

test_expect_success 'a second SIGINT kills at once a task that ignores SIGTERM' '
	git -C repo config para.killGrace 60s &&
	(
		cd repo &&
		test_task stubborn -c "trap \"touch got-term\" TERM; touch started; while :; do sleep 0.1; done" &&
		{ git-para-run stubborn >../out 2>../err & } &&
		echo $! >../pid &&
		test_wait_for 10 test -e ../repo-worktrees/stubborn/started &&
		date +%s >../begin &&
		kill -INT $(cat ../pid) &&
		test_wait_for 10 test -e ../repo-worktrees/stubborn/got-term &&
		sleep 1 &&
		kill -INT $(cat ../pid) &&
		{ wait $(cat ../pid); echo $? >../code; } &&
		date +%s >../end
	) &&
	echo 130 >expect && test_cmp expect code &&
	test $(( $(cat end) - $(cat begin) )) -lt 20 &&
	grep "^stubborn: cancelled (killed by signal 9)" out &&
	(cd repo && test_state stubborn) >actual &&
	echo cancelled >expect && test_cmp expect actual &&
	test_no_process_left
'

test_done
