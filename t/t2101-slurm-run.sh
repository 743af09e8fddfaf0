#!/bin/sh

test_description='git para run --backend slurm: scheduling on a one-node cluster'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"
. "$T_DIR/lib-slurm.sh"

test_expect_success 'setup' '
	slurm_repo
'

test_expect_success 'a task runs as a batch job in its worktree, with its environment' '
	(
		cd repo &&
		test_task env -m "the prompt" \
			-c "pwd >where; echo \"\$PARA_TASK:\$PARA_PROMPT:\$SLURM_JOB_NAME\" >what; echo hello" &&
		git para run env >../out
	) &&
	grep "^env: succeeded" out &&
	test succeeded = "$(cd repo && test_state env)" &&
	(cd repo-worktrees/env && pwd >../../expect) &&
	git -C repo-worktrees/env show HEAD:where >actual &&
	test_cmp expect actual &&
	id=$(cd repo && test_state env run.jobId) &&
	test -n "$id" &&
	test para-one-node = "$(cd repo && test_state env run.cluster)" &&
	test 0 -lt "$(cd repo && test_state env run.submitted)" &&
	git -C repo-worktrees/env show HEAD:what >actual &&
	grep "^env:the prompt:para\.[0-9a-f]*\.env$" actual &&
	log=repo/.git/para/logs/env.log &&
	head -n 1 $log | grep "^=== git para run: task .env., attempt 1" &&
	grep -x hello $log &&
	tail -n 1 $log | grep "^=== attempt 1 succeeded" &&
	test COMPLETED = "$(slurm_job_state $id)" &&
	ls repo/.git/para/jobs >left &&
	test_must_be_empty left
'

test_expect_success 'a DAG with a failure: its dependents are skipped, the others go on' '
	(
		cd repo &&
		test_task base -c "echo base >base.txt" &&
		test_task bad -a base -c "test -f base.txt && exit 3" &&
		test_task after-bad -a bad -c "touch ran" &&
		test_task other -a base -c "test -f base.txt && echo other >other.txt" &&
		test_must_fail git para run base bad after-bad other >../out
	) &&
	grep "^base: succeeded" out &&
	grep "^bad: failed with exit code 3" out &&
	grep "^after-bad: skipped: dependency .bad. did not succeed" out &&
	grep "^other: succeeded" out &&
	(cd repo && for t in base bad after-bad other; do test_state $t; done) >actual &&
	printf "succeeded\nfailed\nskipped\nsucceeded\n" >expect &&
	test_cmp expect actual &&
	test_path_is_missing repo-worktrees/after-bad/ran &&
	test -z "$(cd repo && test_state after-bad run.jobId)"
'

# has_job <task>: the task's batch job is on record
has_job () {
	git config -f .git/para/tasks/$1 run.jobId >/dev/null
}

test_expect_success 'a lock and --exclusive: never two at once, decided by git-para' '
	(
		cd repo &&
		cmd="date +%s%3N >>\$PARA_TASK.span; sleep 1; date +%s%3N >>\$PARA_TASK.span" &&
		test_task l1 -l db -c "$cmd" &&
		test_task l2 -l db -c "$cmd" &&
		test_task x -x -c "$cmd" &&
		test_task free -c "$cmd" &&
		git -c para.autoCommit=false para run -j4 l1 l2 x free >../out
	) &&
	for t in l1 l2 x free
	do
		paste -s -d" " repo-worktrees/$t/$t.span || return 1
	done >spans &&
	# l1/l2 apart, x apart from all three
	awk "{ s[NR] = \$1; e[NR] = \$2 }
	     END { bad = (s[1] < e[2] && s[2] < e[1]);
		   for (i = 1; i <= 4; i++) if (i != 3)
			bad += (s[3] < e[i] && s[i] < e[3]);
		   exit bad }" spans
'

test_expect_success '-j caps the jobs outstanding in Slurm, queued and running' '
	(
		cd repo &&
		for i in 1 2 3 4 5
		do
			test_task j$i -c "sleep 0.5; echo \$PARA_TASK >j.txt" || return 1
		done &&
		{ git para run -j2 j1 j2 j3 j4 j5 >../out 2>&1 & } &&
		pid=$! &&
		max=0 &&
		while kill -0 $pid 2>/dev/null
		do
			n=$(squeue --noheader --format=%j | grep -c "\.j[0-9]$" || :)
			test $n -le $max || max=$n
			sleep 0.1
		done &&
		wait $pid &&
		echo $max >../max
	) &&
	test "$(cat max)" -le 2 &&
	test "$(cat max)" -ge 1 &&
	test $(grep -c ": succeeded" out) = 5
'

test_expect_success 'a worktree missing when the job starts: it fails loudly, not in /tmp' '
	(
		cd repo &&
		test_task gone -c "touch \"\$HOME/ran-in-tmp\"; pwd" &&
		blocker=$(sbatch --parsable --exclusive --output=/dev/null \
			--wrap="sleep 60") &&
		{ git para run gone >../out 2>&1 & } &&
		pid=$! &&
		test_wait_for 10 has_job gone &&
		mv ../repo-worktrees/gone ../gone-moved &&
		scancel $blocker &&
		test_must_fail wait $pid
	) &&
	mv gone-moved repo-worktrees/gone &&
	grep "^gone: failed" out &&
	grep "worktree .*gone. is missing on the node" out &&
	grep "git-para: worktree .*gone. is missing on" repo/.git/para/logs/gone.log &&
	test failed = "$(cd repo && test_state gone)" &&
	test_path_is_missing ran-in-tmp
'

test_expect_success 'para.slurmOptions reach sbatch' '
	(
		cd repo &&
		test_task opts -c "echo \$SLURM_JOB_PARTITION:\$SLURM_CPUS_PER_TASK >p" &&
		git -c para.slurmOptions="--partition=debug --cpus-per-task=1" \
			para run opts
	) &&
	echo debug:1 >expect &&
	git -C repo-worktrees/opts show HEAD:p >actual &&
	test_cmp expect actual
'

test_expect_success 'run -- <command> through Slurm: exec log, state untouched' '
	git -C repo para run --rerun env -- sh -c "echo exec \$PARA_TASK" >out &&
	grep "^env: succeeded" out &&
	grep -x "exec env" repo/.git/para/logs/env..exec.log &&
	test succeeded = "$(cd repo && test_state env)"
'

test_expect_success 'no job is left in Slurm' '
	test_wait_for 15 slurm_quiet
'

test_done
