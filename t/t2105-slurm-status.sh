#!/bin/sh

test_description='Slurm tasks: status shows Slurm'"'"'s view; stop, wait and logs -f work on them'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"
. "$T_DIR/lib-slurm.sh"

id_in () {
	test "$2" = "$(slurm_job_state $1)"
}

# pending_for_reason <task>: its job pends, and Slurm has said why
pending_for_reason () {
	has_job "$1" &&
	squeue --noheader --jobs=$(job_of "$1") --format=%T:%r >reason.out &&
	grep "^PENDING:" reason.out &&
	! grep ":None$" reason.out
}

# slurm_json <task>: the task's "slurm" object, one member a line
slurm_json () {
	git -C "$TRASH_DIRECTORY/repo" para status --json "$1" >status.json &&
	jq -r ".tasks[0].slurm | to_entries[] | \"\(.key)=\(.value)\"" status.json
}

test_expect_success 'setup' '
	slurm_repo
'

test_expect_success 'a task never run as a job has no slurm object' '
	(cd repo && test_task plain -c true) &&
	git -C repo para status --json plain >status.json &&
	test null = "$(jq -r ".tasks[0].slurm" status.json)"
'

test_expect_success 'status: queued with its reason, then running on the node' '
	test_when_finished ">release" &&
	(
		cd repo &&
		test_task q -c "sleep 2; echo q >q.txt" &&
		# holds the node until q has been seen pending behind it
		blocker=$(sbatch --parsable --exclusive --output=/dev/null \
			--wrap="while ! test -f \"$TRASH_DIRECTORY/release\"; do sleep 0.2; done") &&
		test_wait_for 10 id_in $blocker RUNNING &&
		{ git para run q >../out 2>&1 & } &&
		echo $! >../pid &&
		test_wait_for 10 pending_for_reason q &&
		git para status q >../queued &&
		slurm_json q >../queued.json &&
		>../release &&
		test_wait_for 20 job_in q RUNNING &&
		git para status q >../running &&
		slurm_json q >../running.json &&
		wait $(cat ../pid)
	) &&
	id=$(job_of q) &&
	grep "^q  *running .* Slurm job $id pending (\(Resources\|Priority\))" queued &&
	grep "^jobId=$id$" queued.json &&
	grep "^cluster=para-one-node$" queued.json &&
	grep "^asked=true$" queued.json &&
	grep "^state=PENDING$" queued.json &&
	grep "^reason=\(Resources\|Priority\)$" queued.json &&
	grep "^node=null$" queued.json &&
	grep "^q  *running .* Slurm job $id RUNNING on $(hostname -s)" running &&
	grep "^state=RUNNING$" running.json &&
	grep "^reason=null$" running.json &&
	grep "^node=$(hostname -s)$" running.json &&
	grep "^q: succeeded" out &&
	slurm_json q >done.json &&
	grep "^jobId=$id$" done.json &&
	grep "^asked=false$" done.json &&
	grep "^state=null$" done.json
'

test_expect_success 'git para stop: the job is cancelled, the task is cancelled, nothing left' '
	(
		cd repo &&
		test_task st -c "trap \"echo term >term; exit 5\" TERM; >ready; while :; do sleep 0.1; done" &&
		{ git-para-run st >../out 2>&1 & } &&
		echo $! >../pid &&
		test_wait_for 20 job_in st RUNNING &&
		test_wait_for 20 test -f ../repo-worktrees/st/ready &&
		git para stop st &&
		test_must_fail wait $(cat ../pid)
	) &&
	grep "^st: cancelled" out &&
	test cancelled = "$(cd repo && test_state st)" &&
	echo term >expect &&
	test_cmp expect repo-worktrees/st/term &&
	test_wait_for 20 slurm_quiet
'

test_expect_success 'git para wait: returns when the job ends, with its result' '
	(
		cd repo &&
		test_task w1 -c "sleep 2; echo w1 >w1.txt" &&
		test_task w2 -c "sleep 1; exit 2" &&
		{ git-para-run w1 w2 >../out 2>&1 & } &&
		echo $! >../pid &&
		test_wait_for 20 has_job w1 &&
		git para wait w1 &&
		test succeeded = "$(test_state w1)" &&
		test_must_fail git para wait w2 &&
		test failed = "$(test_state w2)" &&
		test_must_fail wait $(cat ../pid)
	)
'

test_expect_success 'git para logs -f: the job'"'"'s lines as they come, to its end' '
	(
		cd repo &&
		test_task lf -c "echo one; sleep 2; echo two; echo lf >lf.txt" &&
		{ git-para-run lf >../out 2>&1 & } &&
		echo $! >../pid &&
		test_wait_for 20 has_job lf &&
		git para logs -f --until-done lf >../logs &&
		wait $(cat ../pid)
	) &&
	grep "one$" logs &&
	grep "two$" logs &&
	grep "attempt 1 succeeded" logs
'

test_expect_success 'no job is left in Slurm' '
	test_wait_for 15 slurm_quiet
'

# cluster_gone <dir>: no daemon or step of the cluster in <dir> is left,
# nor its state
cluster_gone () {
	! pgrep -f "$1" >/dev/null &&
	test_path_is_missing "$1"
}

test_expect_success 'a cluster whose owner dies without stop is torn down: daemons, jobs, state' '
	slurm_down &&
	cluster_gone "$SLURM_DIR" &&
	dir=$(mktemp -u /tmp/git-para-slurm.XXXXXX) &&
	{ sleep 6061 </dev/null >/dev/null 2>&1 & } &&
	owner=$! &&
	test_when_finished "kill $owner 2>/dev/null; \"$ONE_NODE\" stop $dir >/dev/null 2>&1; :" &&
	PARA_SLURM_OWNER=$owner "$ONE_NODE" start "$dir" >start.out 2>&1 &&
	SLURM_CONF=$dir/etc/slurm.conf sbatch --parsable --output=/dev/null \
		--wrap="sleep 6061" >job &&
	test_wait_for 10 eval "SLURM_CONF=$dir/etc/slurm.conf squeue -h -t running -o %i | grep -x $(cat job)" &&
	pgrep -f "$dir" >daemons &&
	test $(wc -l <daemons) -ge 3 &&
	kill -9 $owner &&
	test_wait_for 30 cluster_gone "$dir" &&
	! pgrep -f "sleep 6061"
'

test_done
