#!/bin/sh

test_description='git para wait: block until tasks end, without polling'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

boot=$(cat /proc/sys/kernel/random/boot_id)

# fake_running <task> <runner-pid>: in ./repo, the task runs under the
# `git para run` <runner-pid> (any live process of ours will do)
fake_running () {
	f=$(cd repo && para_state_file "$1") &&
	git config -f "$f" run.state running &&
	git config -f "$f" run.runnerPid "$2" &&
	git config -f "$f" run.runnerStart "$(proc_start "$2")" &&
	git config -f "$f" run.runnerBootId "$boot" &&
	git config -f "$f" run.started 1700000000000
}

# set_state <task> <state> [<exit-code>]: what a run records at the end
set_state () {
	f=$(cd repo && para_state_file "$1") &&
	git config -f "$f" run.exitCode "${3:--1}" &&
	git config -f "$f" run.state "$2"
}

# blocked <pid>: the process waits on its inotify descriptor (or is gone)
blocked () {
	for i in $(test_seq 1 200)
	do
		ls -l /proc/$1/fd 2>/dev/null | grep -q inotify && return 0
		kill -0 $1 2>/dev/null || return 0
		sleep 0.05
	done
	return 1
}

# start_bg <out> <command>...: the command in the background (its pid in
# $wait_pid), stdout to <out>, stderr to err.wait
start_bg () {
	_out=$1 && shift &&
	{ "$@" >"$_out" 2>err.wait 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- & } &&
	wait_pid=$!
}

# start_wait <out> [<wait-arg>...]: git para wait in ./repo, so (the
# program itself, not git's child, so that $wait_pid is the one waiting)
start_wait () {
	_o=$1 && shift &&
	start_bg "$_o" env -C repo git-para-wait "$@"
}

# start_sleeper: a process of ours that lives until killed ($sleeper)
start_sleeper () {
	{ sleep 1000 >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- & } &&
	sleeper=$!
}

# now_ms: the time, in milliseconds
now_ms () {
	echo $(( $(date +%s%N) / 1000000 ))
}

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		test_task one &&
		test_task two &&
		test_task three
	) &&
	start_sleeper &&
	echo $sleeper >runner.pid
'

test_expect_success '-h shows the usage, exit 129' '
	test_expect_code 129 git para wait -h >out &&
	test_grep "^usage: git para wait \[--any\] \[--timeout <duration>\] \[<task>...\]" out
'

test_expect_success 'bad options and unknown tasks' '
	test_expect_code 129 git -C repo para wait --bogus 2>err &&
	test_grep "unknown option" err &&
	test_expect_code 128 git -C repo para wait --timeout soon one 2>err &&
	test_grep "fatal: invalid duration .soon. for .--timeout." err &&
	test_expect_code 128 git -C repo para wait nosuch 2>err &&
	test_grep "no such task .nosuch." err
'

test_expect_success 'nothing to wait for without running tasks' '
	git -C repo para wait >out &&
	test_grep "^nothing to wait for: no task is running" out
'

test_expect_success 'tasks that ended already: their states, exit as run' '
	set_state one succeeded 0 &&
	git -C repo para wait one >out &&
	echo "one: succeeded" >expect &&
	test_cmp expect out &&
	set_state two failed 3 &&
	test_expect_code 1 git -C repo para wait one two >out &&
	printf "one: succeeded\ntwo: failed with exit code 3\n" >expect &&
	test_cmp expect out &&
	set_state two cancelled &&
	test_expect_code 1 git -C repo para wait two >out &&
	echo "two: cancelled" >expect &&
	test_cmp expect out
'

test_expect_success 'a running task is waited for until it ends' '
	fake_running one $(cat runner.pid) &&
	start_wait out one &&
	blocked $wait_pid &&
	test_must_be_empty out &&
	kill -0 $wait_pid &&
	set_state one succeeded 0 &&
	wait $wait_pid &&
	echo "one: succeeded" >expect &&
	test_cmp expect out
'

test_expect_success 'without names: the tasks running now' '
	fake_running one $(cat runner.pid) &&
	fake_running two $(cat runner.pid) &&
	start_wait out &&
	blocked $wait_pid &&
	set_state two succeeded 0 &&
	set_state one timed-out &&
	test_expect_code 1 wait $wait_pid &&
	sort out >actual &&
	printf "one: timed-out\ntwo: succeeded\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'wakes up on the change, not after a poll (measured)' '
	# baseline, same machine, same moment: a wait with nothing to wait
	# for, and the state write itself
	set_state one succeeded 0 &&
	t0=$(now_ms) &&
	git -C repo para wait one >/dev/null &&
	set_state three new &&
	t1=$(now_ms) &&
	baseline=$((t1 - t0)) &&
	fake_running one $(cat runner.pid) &&
	start_bg out env -C repo GIT_TEST_PARA_WATCH_POLL_MS=20000 \
		git-para-wait one &&
	blocked $wait_pid &&
	t0=$(now_ms) &&
	set_state one succeeded 0 &&
	wait $wait_pid &&
	t1=$(now_ms) &&
	delay=$((t1 - t0)) &&
	echo "# wake-up ${delay}ms, baseline ${baseline}ms" &&
	test_grep "one: succeeded" out &&
	test $delay -lt $((200 + 2 * baseline))
'

test_expect_success 'without inotify: the slow poll still sees the change' '
	fake_running one $(cat runner.pid) &&
	start_bg out env -C repo GIT_TEST_PARA_NO_INOTIFY=1 \
		GIT_TEST_PARA_WATCH_POLL_MS=100 git-para-wait one &&
	sleep 0.3 &&
	kill -0 $wait_pid &&
	set_state one succeeded 0 &&
	wait $wait_pid &&
	test_grep "one: succeeded" out
'

test_expect_success '--timeout gives up, naming what did not end' '
	fake_running one $(cat runner.pid) &&
	fake_running two $(cat runner.pid) &&
	test_expect_code 1 git -C repo para wait --timeout 0.3s one two \
		>out 2>err &&
	test_must_be_empty out &&
	test_grep "^error: still not ended after 0.3s: .one., .two.$" err
'

test_expect_success '--any returns with the first that ends, its status' '
	fake_running one $(cat runner.pid) &&
	fake_running two $(cat runner.pid) &&
	start_wait out --any one two &&
	blocked $wait_pid &&
	set_state two failed 2 &&
	test_expect_code 1 wait $wait_pid &&
	echo "two: failed with exit code 2" >expect &&
	test_cmp expect out &&
	test_expect_code 1 git -C repo para wait --any one two >out &&
	echo "two: failed with exit code 2" >expect &&
	test_cmp expect out &&
	set_state two succeeded 0 &&
	git -C repo para wait --any one two >out &&
	echo "two: succeeded" >expect &&
	test_cmp expect out
'

test_expect_success 'a run that dies wakes the wait up: its task is lost' '
	start_sleeper &&
	victim=$sleeper &&
	fake_running one $victim &&
	start_wait out --timeout 60s one &&
	blocked $wait_pid &&
	kill $victim &&
	test_expect_code 1 wait $wait_pid &&
	echo "one: lost" >expect &&
	test_cmp expect out &&
	test_must_be_empty err.wait
'

test_expect_success 'an orphan is waited for until its command ends' '
	start_sleeper &&
	victim=$sleeper &&
	fake_running one $(cat runner.pid) &&
	f=$(cd repo && para_state_file one) &&
	git config -f "$f" run.pid $victim &&
	git config -f "$f" run.pidStart "$(proc_start $victim)" &&
	git config -f "$f" run.bootId "$boot" &&
	git config -f "$f" run.runnerPid 999999 &&
	git -C repo para status --porcelain one >st &&
	test_grep "^one	orphaned" st &&
	start_wait out --timeout 60s one &&
	blocked $wait_pid &&
	kill $victim &&
	test_expect_code 1 wait $wait_pid &&
	echo "one: lost" >expect &&
	test_cmp expect out
'

test_expect_success 'a task removed while waited for' '
	fake_running three $(cat runner.pid) &&
	start_wait out three &&
	blocked $wait_pid &&
	rm "$(cd repo && para_state_file three)" &&
	test_expect_code 1 wait $wait_pid &&
	echo "three: removed" >expect &&
	test_cmp expect out
'

test_expect_success 'a new task named is waited for until a run runs it' '
	(cd repo && test_task four && git config para.command "date >>four.txt") &&
	start_bg out env -C repo-worktrees/one/src git-para-wait four &&
	blocked $wait_pid &&
	test_must_be_empty out &&
	git -C repo para run four &&
	wait $wait_pid &&
	echo "four: succeeded" >expect &&
	test_cmp expect out
'

test_expect_success 'a real run, waited for from another worktree' '
	(cd repo && git config para.command \
		"while ! test -e \"\$TRASH_DIRECTORY/go\"; do sleep 0.02; done; date >>four.txt") &&
	start_bg run.out git -C repo para run --rerun four &&
	run=$wait_pid &&
	for i in $(test_seq 1 200)
	do
		test "$(cd repo && test_state four)" = running && break
		sleep 0.05
	done &&
	start_bg out env -C repo-worktrees/one git-para-wait &&
	blocked $wait_pid &&
	test_must_be_empty out &&
	touch go &&
	wait $wait_pid &&
	wait $run &&
	echo "four: succeeded" >expect &&
	test_cmp expect out
'

test_expect_success 'cleanup' '
	kill $(cat runner.pid)
'

test_done
