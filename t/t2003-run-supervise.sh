#!/bin/sh

test_description='git para run: timeouts, interrupts, crashes, concurrent runs'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

test_mark_processes para-run

# ms_between <task>: how long the last attempt took, from the state
ms_taken () {
	echo $(( $(test_state $1 run.finished) - $(test_state $1 run.started) ))
}

test_expect_success 'setup' '
	test_create_repo repo &&
	git -C repo config para.killGrace 1s
'

test_expect_success 'a task past its timeout is stopped and recorded timed-out' '
	(
		cd repo &&
		test_task slow -c "sleep 30" &&
		test_expect_code 1 git para run --timeout 1s slow >../out &&
		test_state slow >../state &&
		test_state slow run.signal >../signal &&
		ms_taken slow >../ms
	) &&
	echo timed-out >expect && test_cmp expect state &&
	echo 15 >expect && test_cmp expect signal &&
	test $(cat ms) -ge 1000 && test $(cat ms) -lt 1500 &&
	grep "^slow: timed-out (killed by signal 15) in 1" out &&
	grep "^=== attempt 1 timed-out (killed by signal 15), after 1" \
		repo/.git/para/logs/slow.log &&
	test_no_process_left
'

test_expect_success 'para.timeout is the default; a task ignoring SIGTERM gets SIGKILL after the grace' '
	(
		cd repo &&
		test_task stubborn -c "trap \"\" TERM; sleep 30" &&
		test_expect_code 1 git -c para.timeout=1s para run stubborn >../out &&
		test_state stubborn >../state &&
		test_state stubborn run.signal >../signal &&
		ms_taken stubborn >../ms
	) &&
	echo timed-out >expect && test_cmp expect state &&
	echo 9 >expect && test_cmp expect signal &&
	test $(cat ms) -ge 2000 && test $(cat ms) -lt 2600 &&
	test_no_process_left
'

test_expect_success 'a timed-out attempt is kept when the task is retried' '
	(
		cd repo &&
		test_task slow-once -c "echo work >work; test -e \"\$HOME/slow-once\" || { touch \"\$HOME/slow-once\"; sleep 30; }" &&
		git para run --timeout 1s --retries 1 slow-once >../out
	) &&
	grep "^=== attempt 1 timed-out" repo/.git/para/logs/slow-once.log &&
	grep "^=== attempt 2 succeeded" repo/.git/para/logs/slow-once.log
'

test_expect_success 'background children of a finished task are not left behind' '
	(
		cd repo &&
		test_task spawner -c "echo work >work; sleep 60 & setsid sleep 61 & (sleep 62 &); (trap \"\" TERM; exec sleep 63) & echo spawned" &&
		git para run spawner >../out
	) &&
	grep "^spawner: succeeded" out &&
	test_no_process_left
'

test_expect_success 'SIGINT cancels every task, kills escaped processes, exits 130' '
	(
		cd repo &&
		test_task hang1 -c "setsid sleep 70 & (sleep 71 &); touch started1; sleep 72" &&
		test_task hang2 -c "trap \"\" TERM; touch started2; sleep 73" &&
		test_task later -a hang1 -c true
	) &&
	(
		cd repo &&
		{ git-para-run -j2 hang1 hang2 later >../out 2>../err & } &&
		echo $! >../pid &&
		test_wait_for 10 test -e ../repo-worktrees/hang1/started1 &&
		test_wait_for 10 test -e ../repo-worktrees/hang2/started2 &&
		kill -INT $(cat ../pid) &&
		{ wait $(cat ../pid); echo $? >../code; }
	) &&
	echo 130 >expect && test_cmp expect code &&
	test_no_process_left &&
	(cd repo && test_state hang1 && test_state hang2 && test_state later) >actual &&
	printf "cancelled\ncancelled\nnew\n" >expect &&
	test_cmp expect actual &&
	grep "^hang1: cancelled (killed by signal 15)" out &&
	grep "^hang2: cancelled (killed by signal 9)" out &&
	grep "^=== attempt 1 cancelled" repo/.git/para/logs/hang1.log
'

test_expect_success 'SIGTERM does the same' '
	(
		cd repo &&
		rm -f ../repo-worktrees/hang1/started1 &&
		{ git-para-run hang1 >../out 2>../err & } &&
		echo $! >../pid &&
		test_wait_for 10 test -e ../repo-worktrees/hang1/started1 &&
		kill -TERM $(cat ../pid) &&
		{ wait $(cat ../pid); echo $? >../code; }
	) &&
	echo 130 >expect && test_cmp expect code &&
	test_no_process_left &&
	(cd repo && test_state hang1 run.attempt && test_state hang1 run.attempts) >actual &&
	printf "1\n2\n" >expect && test_cmp expect actual
'

test_expect_success 'a task is never started twice: another run is busy with it' '
	(
		cd repo &&
		test_task long -c "echo x >>\"\$HOME/long-runs\"; touch started; sleep 30" &&
		{ git-para-run long >../out1 2>&1 & } &&
		echo $! >../pid &&
		test_wait_for 10 test -e ../repo-worktrees/long/started &&
		test_expect_code 1 git para run long >../out2 &&
		test_set_state succeeded slow stubborn slow-once spawner \
			hang1 hang2 later &&
		git para run >../out3 2>../err3 &&
		kill -INT $(cat ../pid) &&
		wait $(cat ../pid)
	);
	grep "^long: not started: running in another .git para run." out2 &&
	grep "warning: task .long. is running in another .git para run." err3 &&
	echo x >expect && test_cmp expect long-runs &&
	test_no_process_left
'

test_expect_success 'a run killed with SIGKILL: its tasks are orphaned, never started again' '
	(
		cd repo &&
		test_task orphan &&
		git config para.command "echo x >>\"\$HOME/orphan-runs\"; touch started; sleep 30" &&
		{ git-para-run orphan >../out1 2>&1 & } &&
		echo $! >../pid &&
		test_wait_for 10 test -e ../repo-worktrees/orphan/started &&
		kill -KILL $(cat ../pid) &&
		wait $(cat ../pid);
		test_state orphan >../state &&
		test_set_state succeeded long &&
		test_expect_code 1 git para run orphan >../out2 &&
		test_expect_code 1 git para run >../out3 2>&1
	) &&
	test_must_be_empty out1 &&
	echo running >expect && test_cmp expect state &&
	grep "^orphan: not started: still running as pid [0-9]*, orphaned by a .git para run. that died" out2 &&
	grep "^orphan: not started: still running" out3 &&
	echo x >expect && test_cmp expect orphan-runs
'

test_expect_success 'once its processes are gone the task is lost, and a run resumes it' '
	kill -KILL $(test_marked_pids $TEST_MARK) &&
	test_wait_for 10 test_no_process_left &&
	(
		cd repo &&
		git config para.command true &&
		git para run --rerun orphan >../out &&
		test_state orphan >../state &&
		test_state orphan run.attempt >../attempt &&
		test_state orphan run.attempts >>../attempt
	) &&
	echo succeeded >expect && test_cmp expect state &&
	printf "1\n2\n" >expect && test_cmp expect attempt &&
	grep "^=== attempt 1 lost: its .git para run. died" repo/.git/para/logs/orphan.log &&
	tail -n 1 repo/.git/para/logs/orphan.log >actual &&
	grep "^=== attempt 1 succeeded" actual
'

test_expect_success 'two runs started at once run each task exactly once' '
	(
		cd repo &&
		for t in p1 p2 p3 p4 p5 p6
		do
			test_task $t -c "echo \$PARA_TASK >>\"\$HOME/runs\"; echo work >work; sleep 0.2" || return 1
		done &&
		{ git-para-run -j2 p1 p2 p3 p4 p5 p6 >../outa 2>&1 & } &&
		{ git-para-run -j2 p6 p5 p4 p3 p2 p1 >../outb 2>&1 & } &&
		wait
	) &&
	sort runs >actual &&
	printf "p%s\n" 1 2 3 4 5 6 >expect &&
	test_cmp expect actual &&
	for t in p1 p2 p3 p4 p5 p6
	do
		(cd repo && test_state $t) >actual &&
		echo succeeded >expect && test_cmp expect actual || return 1
	done
'

test_done
