#!/bin/sh

test_description='git para run under para.launcher=srun: stopped through Slurm, no job left behind'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"
. "$T_DIR/lib-slurm.sh"

# srun_job <task>: the id of the Slurm job that runs the task, if any
# (a job still pending, behind one that is completing, does not count)
srun_job () {
	squeue --noheader --states=RUNNING --format="%i %j" >squeue.out &&
	sed -n "s/^\([0-9]*\) para\.[0-9a-f]*\.$1\$/\1/p" squeue.out
}

srun_running () {
	test -n "$(srun_job "$1")"
}

# gone_soon: no job is left in Slurm within KillWait (5s) and the
# node's epilog, sooner than InactiveLimit (30s) would end an abandoned one
gone_soon () {
	test_wait_for 20 slurm_quiet
}

test_expect_success 'setup' '
	test_create_repo repo &&
	git -C repo config para.launcher "srun --ntasks=1 --quiet --" &&
	git -C repo config para.killGrace 2s
'

test_expect_success 'a task runs as a Slurm job named after it' '
	(
		cd repo &&
		test_task s1 -c "echo \$SLURM_JOB_NAME:\$SLURM_JOB_ID >name" &&
		git para run s1
	) &&
	git -C repo-worktrees/s1 show HEAD:name >actual &&
	grep "^para\.[0-9a-f]*\.s1:[0-9][0-9]*$" actual
'

test_expect_success 'a launcher naming the job itself is refused' '
	(
		cd repo &&
		test_task named -c "touch ran" &&
		test_expect_code 128 git -c para.launcher="srun -J mine --" \
			para run named 2>../err &&
		test_expect_code 128 git -c para.launcher="/usr/bin/srun --job-name=mine --" \
			para run named 2>../err2
	) &&
	test_grep "^fatal: .para.launcher. may not set .-J.: git-para names the srun job" err &&
	test_grep "^fatal: .para.launcher. may not set .--job-name.: git-para names" err2 &&
	test new = "$(cd repo && test_state named)" &&
	test_path_is_missing repo-worktrees/named/ran
'

# the task sees SIGTERM at its timeout and keeps running through the
# grace, then its job is cancelled (whether Slurm's own SIGTERM of the
# cancel reaches the task before its SIGKILL is Slurm's race, not ours).
# The timeout counts from the attempt's start, which includes the time
# Slurm takes to start the job: measured from before the run, not from
# when the task began.
test_expect_success 'a timeout goes through Slurm: SIGTERM, the grace, then the job is cancelled' '
	(
		cd repo &&
		test_task slow -c "trap \"date +%s%3N >>term\" TERM; date +%s%3N >began; while :; do date +%s%3N >last; sleep 0.1; done" &&
		date +%s%3N >../run-start &&
		test_must_fail git -c para.autoCommit=false para run --timeout 2s slow >../out 2>&1
	) &&
	grep "^slow: timed-out" out &&
	test timed-out = "$(cd repo && test_state slow)" &&
	start=$(cat run-start) &&
	began=$(cat repo-worktrees/slow/began) &&
	term=$(sed -n 1p repo-worktrees/slow/term) &&
	last=$(cat repo-worktrees/slow/last) &&
	echo "began +$((began - start)) term +$((term - start)) last +$((last - start)) ms" &&
	test $term -gt $began &&
	test $((term - start)) -ge 2000 &&
	test $((term - start)) -lt 6000 &&
	test $((last - term)) -ge 1500 &&
	gone_soon
'

test_expect_success 'SIGINT of git para run: the jobs are cancelled, none is left in Slurm' '
	(
		cd repo &&
		test_task i1 -c "sleep 60" &&
		test_task i2 -c "trap \"echo term >>term; exit 3\" TERM; >ready; while :; do sleep 0.1; done" &&
		{ git-para-run i1 i2 >../out 2>&1 & } &&
		pid=$! &&
		test_wait_for 20 srun_running i1 &&
		test_wait_for 20 srun_running i2 &&
		test_wait_for 20 test -f ../repo-worktrees/i2/ready &&
		kill -INT $pid &&
		test_expect_code 130 wait $pid
	) &&
	grep "^i1: cancelled" out &&
	grep "^i2: cancelled" out &&
	echo term >expect &&
	test_cmp expect repo-worktrees/i2/term &&
	gone_soon
'

test_expect_success 'git para stop: the task is cancelled through Slurm' '
	(
		cd repo &&
		test_task st -c "sleep 60" &&
		test_task other -c "sleep 1; echo other >other.txt" &&
		{ git-para-run st other >../out 2>&1 & } &&
		pid=$! &&
		test_wait_for 20 srun_running st &&
		git para stop st &&
		test_wait_for 15 eval "! srun_running st" &&
		test_must_fail wait $pid
	) &&
	grep "^st: cancelled" out &&
	grep "^other: succeeded" out &&
	test cancelled = "$(cd repo && test_state st)" &&
	gone_soon
'

test_expect_success 'no srun is left on this machine' '
	! pgrep -x srun
'

test_done
