#!/bin/sh

test_description='git para run --idle-timeout: a task whose log stays still'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

# json_has <task> <pattern>: status --json of the task matches
json_has () {
	git -C repo para status --json "$1" >json &&
	grep -q "$2" json
}

# seen <stalled> <context-state> <hook-line> <run-line>: the state, the
# context, the state hook and the run's output all tell of the change
# (the runner writes them one after another, not at once)
seen () {
	json_has quiet "\"stalled\":$1" &&
	grep -q "^- state: $2\$" "$CTX" &&
	grep -qx "$3" calls &&
	grep -qx "$4" run.out
}

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		test_task quiet -c "echo start &&
			while ! test -e \"\$TRASH_DIRECTORY/go\"; do sleep 0.05; done &&
			echo more &&
			while ! test -e \"\$TRASH_DIRECTORY/done\"; do echo more; sleep 0.1; done" &&
		git config para.hook.state "echo \"\$PARA_OLD_STATE>\$PARA_STATE:\$PARA_STALLED\" >>\"\$TRASH_DIRECTORY/calls\""
	) &&
	CTX=$(pwd)/repo/.git/para/context.md
'

test_expect_success 'a still log marks the task stalled; it runs on, and runs again when the log grows' '
	test_mark_processes idle &&
	test_start_bg run.out env -C repo git-para-run --idle-timeout 1s quiet &&
	run=$bg_pid &&
	test_wait_for 5 seen true "running: stalled" "running>running:1" \
		"quiet: stalled: no output for 1.0s (it goes on running)" &&
	test_grep "\"state\":\"running\"" json &&
	git -C repo para status quiet >human &&
	test_grep "quiet  *running: stalled " human &&
	touch go &&
	test_wait_for 5 seen false running "running>running:" \
		"quiet: running again: its log grew" &&
	test_grep "\"state\":\"running\"" json &&
	git -C repo para status quiet >human &&
	test_grep ! "stalled" human &&
	touch done &&
	wait $run &&
	test_grep "^quiet: empty in " run.out &&
	cat >expect <<-\EOF &&
	new>queued:
	queued>running:
	running>running:1
	running>running:
	running>empty:
	EOF
	test_cmp expect calls &&
	test "$(test_repo_state quiet)" = empty &&
	test "$(test_repo_state quiet run.stalled)" = 0 &&
	test_no_process_left
'

# max_gap <file>: the longest time between two of its times (seconds
# with a fraction, one a line)
max_gap () {
	awk "NR > 1 && \$1 - prev > max { max = \$1 - prev } { prev = \$1 } END { print max + 0 }" "$1"
}

# A command that writes a line every 0.1s for 2 to 3s (the idle
# timeout twice or more): it notes when its log last changed before each line, so that
# a machine too loaded to let it write for a whole timeout is seen as
# such, not taken for a stall git para run should not have seen.
test_expect_success 'para.idleTimeout is the default; a log that keeps growing never stalls' '
	rm -f go done calls beats &&
	(
		cd repo &&
		test_task busy -c "stat -c %.9Y \"\$PARA_LOG\" >>\"\$TRASH_DIRECTORY/beats\" &&
			end=\$((\$(date +%s) + 3)) &&
			while test \$(date +%s) -lt \$end
			do
				stat -c %.9Y \"\$PARA_LOG\" >>\"\$TRASH_DIRECTORY/beats\" &&
				echo beat && sleep 0.1
			done &&
			stat -c %.9Y \"\$PARA_LOG\" >>\"\$TRASH_DIRECTORY/beats\""
	) &&
	git -C repo -c para.idleTimeout=1s para run busy >out &&
	test "$(wc -l <beats)" -gt 10 &&
	gap=$(max_gap beats) &&
	if awk "BEGIN { exit !($gap < 0.9) }"
	then
		test_grep ! stalled out &&
		test_grep ! "running>running" calls
	else
		say "# the command could not write for ${gap}s (a loaded machine): no claim about stalls"
	fi &&
	test_grep -x "queued>running:" calls
'

test_expect_success 'para.idleAction=stop: SIGTERM to the whole group, the task ends stalled (exit 1)' '
	rm -f calls &&
	(cd repo && test_task stuck -c "trap \"echo got TERM; exit 3\" TERM; echo start; sleep 30 & wait") &&
	test_mark_processes stop &&
	test_expect_code 1 git -C repo -c para.idleAction=stop -c para.killGrace=5s \
		para run --idle-timeout 1s stuck >out &&
	test_grep -x "stuck: stalled: no output for 1.0s; stopping it" out &&
	test_grep "^stuck: stalled: no output for 1.0s in [0-9.]*s (log: " out &&
	test_grep "^1 stalled in " out &&
	test_grep -x "got TERM" repo/.git/para/logs/stuck.log &&
	test_grep "^=== attempt 1 stalled: no output for 1.0s, after " repo/.git/para/logs/stuck.log &&
	test "$(test_repo_state stuck)" = stalled &&
	test "$(test_repo_state stuck run.exitCode)" = 3 &&
	test_grep -x "running>stalled:" calls &&
	git -C repo para status stuck >human &&
	test_grep "stuck  *stalled " human &&
	test_no_process_left
'

test_expect_success 'a command that ignores SIGTERM is killed after para.killGrace' '
	(cd repo && test_task deaf -c "trap \"\" TERM; echo start; while :; do sleep 0.1; done") &&
	test_mark_processes deaf &&
	start=$(date +%s) &&
	test_expect_code 1 git -C repo -c para.idleAction=stop -c para.killGrace=1s \
		para run --idle-timeout 1s deaf >out &&
	test $(($(date +%s) - start)) -lt 10 &&
	test_grep "^deaf: stalled: no output for 1.0s in " out &&
	test "$(test_repo_state deaf)" = stalled &&
	test "$(test_repo_state deaf run.signal)" = 9 &&
	test_no_process_left
'

test_expect_success 'a stalled task is a failure --retries tries again; run selects it again' '
	(cd repo && test_task twice -c "echo attempt \$PARA_ATTEMPT; sleep 30") &&
	test_mark_processes twice &&
	test_expect_code 1 git -C repo -c para.idleAction=stop -c para.killGrace=1s \
		para run --idle-timeout 1s --retries 1 twice >out &&
	test_grep "^twice: stalled: no output for 1.0s in .*; trying again (2 of 2)$" out &&
	test_grep "^twice: stalled: no output for 1.0s in [0-9.]*s (log: [^)]*)$" out &&
	test_grep -x "attempt 2" repo/.git/para/logs/twice.log &&
	test "$(test_repo_state twice)" = stalled &&
	test "$(test_repo_state twice run.attempt)" = 2 &&
	test_no_process_left &&
	git -C repo config -f "$(cd repo && para_state_file twice)" task.command "echo fine" &&
	git -C repo para run twice >out &&
	test_grep "^twice: empty in " out
'

test_expect_success 'bad --idle-timeout, para.idleTimeout and para.idleAction are refused, nothing runs' '
	(cd repo && test_task untouched -c "echo ran >\"\$TRASH_DIRECTORY/ran\"") &&
	test_expect_code 128 git -C repo para run --idle-timeout 1x untouched 2>err &&
	test_grep -x "fatal: invalid duration .1x. for .--idle-timeout.: expected e.g. 90s, 30m or 2h" err &&
	test_expect_code 128 git -C repo -c para.idleTimeout=soon para run untouched 2>err &&
	test_grep "fatal: .*soon.*para.idleTimeout" err &&
	test_expect_code 128 git -C repo -c para.idleAction=kill para run untouched 2>err &&
	test_grep -x "fatal: invalid value .kill. for .para.idleAction.: expected mark or stop" err &&
	test_path_is_missing ran &&
	test "$(test_repo_state untouched)" = new
'

test_done
