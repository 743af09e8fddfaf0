#!/bin/sh

test_description='git para run --backend slurm: timeouts, interrupts, a runner that dies, a controller that restarts'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"
. "$T_DIR/lib-slurm.sh"

# status_state <task>: the state column of git para status --porcelain
status_state () {
	git -C repo para status --porcelain "$1" >status.out &&
	cut -f2 status.out
}

test_expect_success 'setup' '
	slurm_repo
'

test_expect_success 'a timeout counts from the job start; SIGTERM reaches the task, SIGKILL follows the grace' '
	(
		cd repo &&
		test_task slow -c "trap \"date +%s%3N >>term\" TERM; date +%s%3N >began; while :; do sleep 0.1; done" &&
		blocker=$(sbatch --parsable --exclusive --output=/dev/null --wrap="sleep 3") &&
		test_must_fail git -c para.autoCommit=false para run --timeout 2s slow >../out 2>&1 &&
		scancel $blocker
	) &&
	grep "^slow: timed-out (killed by signal 9)" out &&
	test timed-out = "$(cd repo && test_state slow)" &&
	test 9 = "$(cd repo && test_state slow run.signal)" &&
	# the task saw SIGTERM once, 2s after its own start (not after
	# its submission, 3s before), and was killed 2s later
	test 1 = "$(wc -l <repo-worktrees/slow/term)" &&
	began=$(cat repo-worktrees/slow/began) &&
	term=$(cat repo-worktrees/slow/term) &&
	test $((term - began)) -ge 1800 &&
	test $((term - began)) -lt 4000 &&
	grep "^=== attempt 1 timed-out" repo/.git/para/logs/slow.log &&
	test_wait_for 15 slurm_quiet
'

test_expect_success 'SIGINT of git para run: every job is cancelled, none is left in Slurm' '
	(
		cd repo &&
		test_task i1 -c "sleep 60" &&
		test_task i2 -c "sleep 60" &&
		test_task i3 -a i1 -c "true" &&
		{ git-para-run i1 i2 i3 >../out 2>&1 & } &&
		pid=$! &&
		test_wait_for 10 has_job i1 &&
		test_wait_for 10 has_job i2 &&
		test_wait_for 10 job_in i2 RUNNING &&
		kill -INT $pid &&
		test_expect_code 130 wait $pid
	) &&
	grep "^i1: cancelled" out &&
	grep "^i2: cancelled" out &&
	(cd repo && test_state i1 && test_state i2) >actual &&
	printf "cancelled\ncancelled\n" >expect &&
	test_cmp expect actual &&
	test -z "$(cd repo && test_state i3 run.jobId)" &&
	test_wait_for 15 slurm_quiet
'

test_expect_success 'SIGKILL of the runner: the jobs live on, status asks Slurm' '
	(
		cd repo &&
		test_task k1 -c "echo x >>\"\$HOME/k1.began\"; sleep 3; echo done >k1.txt" &&
		test_task k2 -c "touch \"\$HOME/k2.began\"; sleep 3; exit 7" &&
		{ git-para-run k1 k2 >../out 2>&1 & } &&
		echo $! >../pid &&
		test_wait_for 20 test -e ../k1.began &&
		test_wait_for 20 test -e ../k2.began &&
		kill -KILL $(cat ../pid) &&
		{ wait $(cat ../pid); test $? = 137; }
	) &&
	status_state k1 >actual &&
	echo orphaned >expect &&
	test_cmp expect actual &&
	git -C repo para status k1 >status &&
	grep "Slurm job $(job_of k1) RUNNING on " status &&
	test -n "$(slurm_jobs)"
'

test_expect_success 'once the jobs ended: status shows their real results, not lost' '
	test_wait_for 20 slurm_quiet &&
	status_state k1 >actual &&
	status_state k2 >>actual &&
	printf "succeeded\nfailed\n" >expect &&
	test_cmp expect actual &&
	git -C repo para status k2 >status &&
	grep "^k2  *failed .* 7  *Slurm job $(job_of k2) ended: FAILED" status
'

test_expect_success 'a second run takes the jobs over: no second submission, real exit codes, autoCommit' '
	k1=$(job_of k1) && k2=$(job_of k2) &&
	test_must_fail git -C repo para run k1 k2 >out 2>&1 &&
	grep "^k1: taken over: Slurm job $k1" out &&
	grep "^k1: succeeded" out &&
	grep "^k2: failed with exit code 7" out &&
	test "$k1" = "$(job_of k1)" &&
	test "$k2" = "$(job_of k2)" &&
	(cd repo && test_state k1 && test_state k2 && test_state k2 run.exitCode) >actual &&
	printf "succeeded\nfailed\n7\n" >expect &&
	test_cmp expect actual &&
	echo done >expect &&
	git -C repo-worktrees/k1 show HEAD:k1.txt >actual &&
	test_cmp expect actual &&
	! grep "lost" repo/.git/para/logs/k1.log &&
	test 1 = "$(wc -l <k1.began)"
'

test_expect_success 'a job still running when the second run comes is taken over, not submitted again' '
	(
		cd repo &&
		test_task again -c "echo x >>\"\$HOME/again.count\"; sleep 3; echo y >again.txt" &&
		{ git-para-run again >../out1 2>&1 & } &&
		echo $! >../pid &&
		test_wait_for 20 test -e ../again.count &&
		kill -KILL $(cat ../pid) &&
		{ wait $(cat ../pid); test $? = 137; } &&
		git para run again >../out
	) &&
	grep "^again: taken over" out &&
	grep "^again: succeeded" out &&
	test 1 = "$(wc -l <again.count)"
'

test_expect_success 'with the controller down, status says unknown, not lost, and run leaves the task alone' '
	(
		cd repo &&
		test_task ctl -c "sleep 4; echo z >ctl.txt" &&
		{ git-para-run ctl >../out1 2>&1 & } &&
		echo $! >../pid &&
		test_wait_for 20 job_in ctl RUNNING &&
		kill -KILL $(cat ../pid) &&
		{ wait $(cat ../pid); test $? = 137; }
	) &&
	slurm_controller stop &&
	status_state ctl >actual &&
	echo unknown >expect &&
	test_cmp expect actual &&
	test_must_fail git -C repo para run ctl >out 2>&1 &&
	grep "^ctl: not started: Slurm cannot say what became of its job" out &&
	test running = "$(cd repo && test_state ctl)" &&
	slurm_controller start &&
	git -C repo para run ctl >out &&
	grep "^ctl: succeeded" out
'

test_expect_success 'the controller restarted mid-run: the run waits it out and records the result' '
	(
		cd repo &&
		test_task mid -c "sleep 3; exit 4" &&
		{ git-para-run mid >../out 2>&1 & } &&
		echo $! >../pid &&
		test_wait_for 20 job_in mid RUNNING &&
		slurm_controller stop &&
		sleep 2 &&
		slurm_controller start &&
		{ wait $(cat ../pid); test $? = 1; }
	) &&
	grep "^mid: failed with exit code 4" out &&
	test 4 = "$(cd repo && test_state mid run.exitCode)"
'

test_expect_success 'no job is left in Slurm' '
	test_wait_for 15 slurm_quiet
'

test_done
