#!/bin/sh

test_description='wait and logs -f --until-done: an attempt tried again is no end'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

# retrying_seen <task>: status --json (in ./json) says it is retried
retrying_seen () {
	git -C repo para status --json "$1" >json &&
	grep -q "\"retrying\":true" json
}

# watching <pid>: the process waits on its inotify descriptor
watching () {
	ls -l /proc/$1/fd 2>/dev/null | grep -q inotify
}

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		test_task flaky -c "if test \"\$PARA_ATTEMPT\" = 1; then echo first; exit 1; fi; echo second" &&
		test_task limited -c "if test \"\$PARA_ATTEMPT\" = 1; then echo first; exit 75; fi; echo second" &&
		# the runner runs its hooks before it starts the retry: a
		# slow one holds the failed attempt on record a while
		git config para.hook.state "case \$PARA_STATE in failed|rate-limited) sleep 1;; esac" &&
		git config --add para.hook.state "echo \"\$PARA_TASK \$PARA_STATE:\$PARA_RETRYING\" >>\"\$TRASH_DIRECTORY/calls\""
	)
'

test_expect_success 'wait and logs -f --until-done go on through a failed attempt that is retried' '
	test_start_bg wait.out env -C repo git-para-wait flaky &&
	wait_pid=$bg_pid &&
	test_start_bg logs.out env -C repo git-para-logs -f --until-done flaky &&
	logs_pid=$bg_pid &&
	test_wait_for 5 watching $wait_pid &&
	test_wait_for 5 watching $logs_pid &&
	git -C repo para run --retries 1 flaky >run.out &&
	test_grep "^flaky: failed with exit code 1 in .*; trying again (2 of 2)$" run.out &&
	wait $wait_pid &&
	echo "flaky: empty" >expect &&
	test_cmp expect wait.out &&
	wait $logs_pid &&
	test_grep -x "\[flaky\] first" logs.out &&
	test_grep -x "\[flaky\] second" logs.out &&
	test_grep "^\[flaky\] === attempt 2 empty" logs.out &&
	test_grep -x "flaky failed:1" calls &&
	test_grep -x "flaky empty:" calls
'

test_expect_success 'status shows the gap: failed, retrying; and not when the run is over' '
	test_start_bg run.out git -C repo para run --rerun --retries 1 flaky &&
	run=$bg_pid &&
	test_wait_for 5 retrying_seen flaky &&
	test_grep "\"state\":\"failed\"" json &&
	git -C repo para status flaky >human &&
	test_grep "flaky  *failed: retrying " human &&
	wait $run &&
	git -C repo para status --json flaky >json &&
	test_grep "\"retrying\":false" json
'

test_expect_success 'a rate-limited attempt waited out is no end either' '
	test_start_bg wait.out env -C repo git-para-wait limited &&
	wait_pid=$bg_pid &&
	test_wait_for 5 watching $wait_pid &&
	git -C repo -c para.limitWait=1s para run limited >run.out &&
	wait $wait_pid &&
	echo "limited: empty" >expect &&
	test_cmp expect wait.out
'

test_expect_success 'the last attempt of --retries is the end: wait exits 1' '
	(cd repo && test_task broken -c "echo no; exit 3") &&
	test_start_bg wait.out env -C repo git-para-wait broken &&
	wait_pid=$bg_pid &&
	test_wait_for 5 watching $wait_pid &&
	test_expect_code 1 git -C repo para run --retries 1 broken >run.out &&
	test_expect_code 1 wait $wait_pid &&
	echo "broken: failed with exit code 3" >expect &&
	test_cmp expect wait.out &&
	test "$(cd repo && test_state broken run.retrying)" = false &&
	test_grep -x "broken failed:1" calls &&
	test_grep -x "broken failed:" calls
'

test_done
