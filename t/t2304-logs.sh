#!/bin/sh

test_description='git para logs: the tasks'\'' logs, whole lines, followed'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

# start_logs <out> <arg>...: git-para-logs in ./repo in the background
# (the program itself, so that $logs_pid is the one reading), stderr to
# err.logs
start_logs () {
	_out=$1 && shift &&
	{ env -C repo git-para-logs "$@" >"$_out" 2>err.logs 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- & } &&
	logs_pid=$! &&
	test_when_finished "kill $logs_pid 2>/dev/null || :"
}

# stop_logs <expected-exit-code>: Ctrl-C to it, and its exit code
stop_logs () {
	kill -INT $logs_pid &&
	{ wait $logs_pid; echo $? >rc; } &&
	echo "$1" >expect.rc &&
	test_cmp expect.rc rc
}

# body <file>: the lines of the tasks' output, without git-para's
body () {
	grep -v "^\[[^]]*\] ===" "$1"
}

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		mkdir -p deep/sub &&
		test_task a &&
		test_task b &&
		test_task quiet &&
		git config para.command "echo one \$PARA_TASK; echo two \$PARA_TASK; test -f \"\$HOME/pass-\$PARA_TASK\"" &&
		test_must_fail git para run --retries 1 a b >/dev/null &&
		>"$HOME/pass-a" &&
		git para run a >/dev/null
	) &&
	logs=repo/.git/para/logs
'

test_expect_success '-h shows the usage on stdout, exit 129' '
	test_expect_code 129 git para logs -h >out &&
	head -n 1 out >actual &&
	echo "usage: git para logs [-f [--until-done]] [-n <lines>] [--attempt <n>] [<task>...]" >expect &&
	test_cmp expect actual
'

test_expect_success 'every task'\''s log, each line prefixed, task after task, from a subdirectory' '
	(cd repo/deep/sub && git para logs >../../../out 2>../../../err) &&
	test_must_be_empty err &&
	{
		sed "s/^/[a] /" $logs/a.log &&
		sed "s/^/[b] /" $logs/b.log
	} >expect &&
	test_cmp expect out &&
	test_grep "^\[a\] one a$" out &&
	test_grep "^\[b\] === git para run: task .b., attempt 2" out
'

test_expect_success 'the tasks named, in the order given' '
	git -C repo para logs b a >out &&
	{
		sed "s/^/[b] /" $logs/b.log &&
		sed "s/^/[a] /" $logs/a.log
	} >expect &&
	test_cmp expect out
'

test_expect_success '-n <lines>: the last lines of each log' '
	git -C repo para logs -n 2 >out &&
	{
		tail -n 2 $logs/a.log | sed "s/^/[a] /" &&
		tail -n 2 $logs/b.log | sed "s/^/[b] /"
	} >expect &&
	test_cmp expect out &&
	git -C repo para logs -n 0 >out &&
	test_must_be_empty out
'

test_expect_success '--attempt <n>: that attempt of each log, counted across runs' '
	git -C repo para logs --attempt 3 a >out &&
	test_grep "^\[a\] === git para run: task .a., attempt 1, started" out &&
	test_grep "^\[a\] === attempt 1 empty" out &&
	test $(wc -l <out) = 4 &&
	git -C repo para logs --attempt 2 -n 1 a b >out &&
	cat >expect <<-\EOF &&
	[a] === attempt 2 failed with exit code 1
	[b] === attempt 2 failed with exit code 1
	EOF
	sed "s/, after .*//" out >actual &&
	test_cmp expect actual
'

test_expect_success 'an attempt a log does not hold is refused, nothing shown' '
	test_expect_code 128 git -C repo para logs --attempt 3 a b >out 2>err &&
	test_must_be_empty out &&
	echo "fatal: task '\''b'\'' has no attempt 3 (its log holds 2)" >expect &&
	test_cmp expect err &&
	test_expect_code 128 git -C repo para logs --attempt 1 quiet >out 2>err &&
	test_must_be_empty out &&
	test_grep "task .quiet. has no attempt 1 (its log holds 0)" err &&
	test_expect_code 129 git -C repo para logs --attempt 0 2>err &&
	test_grep "error: .--attempt. counts from 1" err
'

test_expect_success 'an unknown task is refused, nothing shown' '
	test_expect_code 128 git -C repo para logs a nope >out 2>err &&
	test_must_be_empty out &&
	echo "fatal: no such task '\''nope'\''" >expect &&
	test_cmp expect err
'

test_expect_success 'bad -n, --until-done without -f, a bad --color are refused' '
	test_expect_code 128 git -C repo para logs -n many 2>err &&
	test_grep "option .n. expects a non-negative whole number, not .many." err &&
	test_expect_code 128 git -C repo para logs -n -3 2>err &&
	test_grep "option .n. expects" err &&
	test_expect_code 129 git -C repo para logs --until-done 2>err &&
	test_grep "error: .--until-done. needs .-f." err &&
	test_expect_code 128 git -C repo para logs --color=sometimes 2>err &&
	test_grep "invalid value .sometimes. for .--color." err &&
	test_expect_code 129 git -C repo para logs --bogus 2>err &&
	test_grep "unknown option" err
'

test_expect_success 'a task without a log shows nothing' '
	git -C repo para logs quiet >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err
'

test_expect_success 'a last line without its newline is shown whole at the end' '
	printf "cut short" >>$logs/quiet.log &&
	git -C repo para logs quiet >out &&
	echo "[quiet] cut short" >expect &&
	test_cmp expect out &&
	git -C repo para logs -n 1 quiet >out &&
	test_cmp expect out &&
	echo >>$logs/quiet.log
'

test_expect_success 'colour: --color, color.ui, --no-color; each task its own, the same each time' '
	git -C repo para logs --color -n 1 a b quiet >out &&
	test_grep "^.\[[0-9;]*m\[a\].\[m ===" out &&
	sed -n "s/^\(.\[[0-9;]*m\)\[a\].*/\1/p" out >a1 &&
	git -C repo para logs --color=always -n 1 a >out2 &&
	sed -n "s/^\(.\[[0-9;]*m\)\[a\].*/\1/p" out2 >a2 &&
	test_cmp a1 a2 &&
	sed -n "s/^\(.\[[0-9;]*m\)\[b\].*/\1/p" out >b1 &&
	! test_cmp a1 b1 &&
	git -C repo -c color.ui=always para logs -n 1 a >out &&
	test_grep "^.\[" out &&
	git -C repo -c color.ui=always para logs --no-color -n 1 a >out &&
	test_grep ! "$(printf "\033")" out &&
	NO_COLOR=1 git -C repo -c color.para=always para logs -n 1 a >out &&
	test_grep ! "$(printf "\033")" out &&
	git -C repo para logs -n 1 a >out &&
	test_grep ! "$(printf "\033")" out
'

test_expect_success '-f --until-done: ends when the named tasks have, exit 1 when one failed' '
	(cd repo && test_set_state new a b) &&
	start_logs out -f --until-done a b &&
	git -C repo -c para.command="echo rerun \$PARA_TASK; test \$PARA_TASK = a" \
		para run a b >/dev/null 2>&1;
	{ wait $logs_pid; echo $? >rc; } &&
	echo 1 >expect && test_cmp expect rc &&
	test_must_be_empty err.logs &&
	test_grep "^\[a\] rerun a$" out &&
	test_grep "^\[b\] rerun b$" out &&
	test_grep ! "^\[quiet\]" out
'

test_expect_success '-f under two writers at once: every line whole, once, in order' '
	>"$HOME/pass-a" && >"$HOME/pass-b" &&
	cat >"$HOME/writer" <<-\EOF &&
	i=1
	while test $i -le 400
	do
		printf "%s line %d " "$PARA_TASK" $i
		printf "of 400\n"
		i=$((i + 1))
	done
	EOF
	(cd repo && test_set_state new a b) &&
	start_logs out -f --until-done a b &&
	git -C repo -c para.command="sh \"\$HOME/writer\"" para run -j2 --rerun a b >/dev/null &&
	{ wait $logs_pid; echo $? >rc; } &&
	echo 0 >expect && test_cmp expect rc &&
	for t in a b
	do
		grep "^\[$t\] $t line" out >lines.$t &&
		test_seq 1 400 | sed "s/.*/[$t] $t line & of 400/" >expect.$t &&
		test_cmp expect.$t lines.$t || return 1
	done &&
	sed -n "/line/{/^\[[ab]\] [ab] line [0-9]* of 400$/!p;}" out >rest &&
	test_must_be_empty rest
'

test_expect_success '-f: a line is held until its newline, new tasks and attempts are taken, Ctrl-C ends it (130)' '
	start_logs follow.out -f &&
	printf "half a line" >>$logs/quiet.log &&
	echo "marker 1" >>$logs/a.log &&
	test_wait_for 60 grep -q "^\[a\] marker 1$" follow.out &&
	test_grep ! "half a line" follow.out &&
	echo ", then the rest" >>$logs/quiet.log &&
	test_wait_for 60 grep -q "^\[quiet\] half a line, then the rest$" follow.out &&
	(
		cd repo &&
		test_task late -c "echo one late" &&
		git para run late >/dev/null &&
		git para run --rerun late >/dev/null
	) &&
	test_wait_for 60 eval "test \$(grep -c \"^\[late\] === attempt 1 \" follow.out) = 2" &&
	test_grep "^\[late\] one late$" follow.out &&
	printf "no newline yet" >>$logs/b.log &&
	echo "marker 2" >>$logs/a.log &&
	test_wait_for 60 grep -q "^\[a\] marker 2$" follow.out &&
	stop_logs 130 &&
	tail -n 1 follow.out >actual &&
	echo "[b] no newline yet" >expect &&
	test_cmp expect actual &&
	test_must_be_empty err.logs
'

test_expect_success '-f with names follows only those' '
	echo >>$logs/b.log &&
	start_logs named.out -f quiet &&
	echo "not this" >>$logs/a.log &&
	echo "this" >>$logs/quiet.log &&
	test_wait_for 60 grep -q "^\[quiet\] this$" named.out &&
	stop_logs 130 &&
	test_grep ! "not this" named.out
'

test_done
