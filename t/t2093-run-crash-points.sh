#!/bin/sh

test_description='git para run killed around its state writes: status tells what is left, a second run completes, no process is left'

. ./test-lib.sh

test_expect_success 'setup' '
	test_create_repo repo &&
	cat >task.sh <<-\EOF &&
	echo ran >>"$TRASH_DIRECTORY/ran.$PARA_TASK"
	sleep 1
	EOF
	git -C repo config para.command "sh \"$TRASH_DIRECTORY/task.sh\"" &&
	git -C repo para add -m a a &&
	git -C repo para add -m b b &&
	git -C repo para add -m c c
'

# no_process_of <task>: nothing runs with the task in its environment
no_process_of () {
	for i in $(seq 50)
	do
		pgrep -f "task.sh" >/dev/null || return 0
		sleep 0.1
	done
	pgrep -af "task.sh"
	return 1
}

test_expect_success 'killed before the command is let go: it never runs, and the task is lost' '
	test_expect_code 137 env GIT_TEST_PARA_CRASH=run-before-release \
		git -C repo para run a 2>err &&
	test_grep "died of signal 9" err &&
	no_process_of a &&
	test_path_is_missing ran.a &&
	git -C repo para status a >out &&
	test_grep "^a  *lost " out
'

test_expect_success '... and a second run runs it once' '
	git -C repo para run a &&
	test $(cat ran.a) = ran &&
	git -C repo para status a >out &&
	test_grep "^a  *empty " out
'

test_expect_success 'killed once the command runs: orphaned, then lost, never started twice' '
	test_expect_code 137 env GIT_TEST_PARA_CRASH=run-after-release \
		git -C repo para run b 2>err &&
	git -C repo para status b >out &&
	test_grep "^b  *orphaned " out &&
	test_expect_code 1 git -C repo para run b >out &&
	test_grep "^b: not started: still running as pid [0-9]*, orphaned by a .git para run. that died" out &&
	no_process_of b &&
	test $(wc -l <ran.b) = 1 &&
	git -C repo para status b >out &&
	test_grep "^b  *lost " out &&
	git -C repo para run b &&
	test $(wc -l <ran.b) = 2 &&
	git -C repo para status b >out &&
	test_grep "^b  *empty " out
'

test_expect_success 'killed after the command ended, before its end was recorded: lost, then run again' '
	test_expect_code 137 env GIT_TEST_PARA_CRASH=run-before-end \
		git -C repo para run c 2>err &&
	no_process_of c &&
	test $(wc -l <ran.c) = 1 &&
	git -C repo para status c >out &&
	test_grep "^c  *lost " out &&
	git -C repo para run c &&
	git -C repo para logs c >log &&
	test_grep "its .git para run. died; the end is unknown" log &&
	test $(wc -l <ran.c) = 2 &&
	git -C repo para status c >out &&
	test_grep "^c  *empty " out &&
	git -C repo fsck --no-progress
'

test_done
