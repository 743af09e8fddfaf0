#!/bin/sh

test_description='git para stop: stop running tasks from anywhere'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

boot=$(cat /proc/sys/kernel/random/boot_id)
SQ="'"

# until_state <task> <state>: waits (30s at most) for the task's state
until_state () {
	for i in $(test_seq 1 600)
	do
		test "$(test_repo_state "$1")" = "$2" && return 0
		sleep 0.05
	done
	echo "task $1 is $(test_repo_state "$1"), not $2"
	return 1
}

# until_gone <mark>: waits (30s at most) until no process has the mark
until_gone () {
	for i in $(test_seq 1 600)
	do
		test -z "$(test_marked_pids "$1")" && return 0
		sleep 0.05
	done
	echo "left behind: $(test_marked_pids "$1")"
	return 1
}

# the task's command: it and a process that escapes its group sleep
sleeper='TEST_MARK=$PARA_TASK-mark setsid sleep 1000 & TEST_MARK=$PARA_TASK-mark sleep 1000'

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		test_task one -c "$sleeper" &&
		test_task two -c "while ! test -e \"\$TRASH_DIRECTORY/go\"; do sleep 0.02; done; date >>two.txt" &&
		test_task three -a one &&
		test_task four -c "$sleeper" &&
		git config para.command true &&
		git config para.killGrace 2s
	)
'

test_expect_success 'usage errors' '
	test_expect_code 129 git para stop -h >out &&
	test_grep "^usage: git para stop <task>..." out &&
	test_grep "^   or: git para stop --all" out &&
	test_expect_code 129 git -C repo para stop 2>err &&
	test_grep "error: name the tasks to stop, or use .--all." err &&
	test_expect_code 129 git -C repo para stop --all one 2>err &&
	test_grep "error: .--all. cannot be used with task names" err &&
	test_expect_code 128 git -C repo para stop nosuch 2>err &&
	test_grep "no such task .nosuch." err
'

test_expect_success 'a task that is not running is refused by name' '
	test_expect_code 1 git -C repo para stop one two >out 2>err &&
	test_grep "^error: task .one. is not running (new)$" err &&
	test_grep "^error: task .two. is not running (new)$" err &&
	test_must_be_empty out &&
	test "$(test_repo_state one)" = new &&
	git -C repo para stop --all >out &&
	test_grep "^nothing to stop: no task is running" out
'

test_expect_success 'a queued task is refused, naming its run' '
	test_start_bg sleeper.out sleep 1000 &&
	runner=$bg_pid &&
	f=$(cd repo && para_state_file four) &&
	git config -f "$f" run.state queued &&
	git config -f "$f" run.runnerPid $runner &&
	git config -f "$f" run.runnerStart "$(proc_start $runner)" &&
	git config -f "$f" run.runnerBootId "$boot" &&
	test_expect_code 1 git -C repo para stop four 2>err &&
	test_grep "task .four. is not running: it waits its turn in the .git para run. with pid $runner" err &&
	test "$(test_repo_state four)" = queued &&
	kill $runner &&
	git config -f "$f" run.state new
'

test_expect_success 'a task of another live run: stopped by that run' '
	test_start_bg run.out env -C repo git-para-run --retries 2 -j3 one two three &&
	run=$bg_pid &&
	until_state one running &&
	until_state two running &&
	test -n "$(test_marked_pids one-mark)" &&
	git -C repo-worktrees/two para stop one >out 2>err &&
	echo "Stopped task ${SQ}one${SQ}" >expect &&
	test_cmp expect out &&
	test_must_be_empty err &&
	test "$(test_repo_state one)" = cancelled &&
	until_gone one-mark &&
	test "$(test_repo_state two)" = running &&
	touch go &&
	test_expect_code 1 wait $run &&
	test "$(test_repo_state two)" = succeeded &&
	test "$(test_repo_state three)" = skipped &&
	test "$(test_repo_state one run.attempts)" = 1 &&
	test_grep "^one: cancelled: stopped by .git para stop." run.out &&
	test_grep "^=== attempt 1 cancelled: stopped by .git para stop." \
		repo/.git/para/logs/one.log
'

test_expect_success 'an orphan: its group and what escaped it are stopped here' '
	rm -f go &&
	test_start_bg run.out env -C repo git-para-run --rerun one &&
	run=$bg_pid &&
	until_state one running &&
	for i in $(test_seq 1 100)
	do
		test $(test_marked_pids one-mark | wc -l) = 2 && break
		sleep 0.05
	done &&
	kill -9 $run &&
	git -C repo para status --porcelain one >st &&
	test_grep "^one	orphaned" st &&
	git -C repo para stop one >out &&
	echo "Stopped task ${SQ}one${SQ}" >expect &&
	test_cmp expect out &&
	test -z "$(test_marked_pids one-mark)" &&
	test "$(test_repo_state one)" = cancelled &&
	test_grep "^=== attempt 1 cancelled: stopped by .git para stop." \
		repo/.git/para/logs/one.log &&
	test_expect_code 1 git -C repo para stop one 2>err &&
	test_grep "not running (cancelled)" err
'

test_expect_success 'a run that does not act on the request: stopped here' '
	test_start_bg runner.out sh -c "trap \"\" USR1; sleep 1000" &&
	runner=$bg_pid &&
	{ TEST_MARK=deaf-mark setsid sleep 1000 >/dev/null 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- & } &&
	leader=$! &&
	f=$(cd repo && para_state_file four) &&
	git config -f "$f" run.state running &&
	git config -f "$f" run.runnerPid $runner &&
	git config -f "$f" run.runnerStart "$(proc_start $runner)" &&
	git config -f "$f" run.runnerBootId "$boot" &&
	git config -f "$f" run.pid $leader &&
	git config -f "$f" run.pidStart "$(proc_start $leader)" &&
	git config -f "$f" run.bootId "$boot" &&
	GIT_TEST_PARA_STOP_SLACK_MS=100 git -C repo -c para.killGrace=0.5s \
		para stop four >out &&
	echo "Stopped task ${SQ}four${SQ}" >expect &&
	test_cmp expect out &&
	until_gone deaf-mark &&
	test "$(test_repo_state four)" = cancelled &&
	kill -0 $runner &&
	kill $runner
'

test_expect_success '--all stops every running task' '
	rm -f go &&
	test_start_bg run.out env -C repo git-para-run --rerun -j2 two four &&
	run=$bg_pid &&
	until_state two running &&
	until_state four running &&
	git -C repo para stop --all >out &&
	printf "Stopped task ${SQ}%s${SQ}\n" four two >expect &&
	sort out >actual &&
	test_cmp expect actual &&
	test_expect_code 1 wait $run &&
	test "$(test_repo_state two)" = cancelled &&
	test "$(test_repo_state four)" = cancelled &&
	until_gone four-mark
'

test_done
