#!/bin/sh

test_description='git para run: --memfree, --load and --delay hold starts back; low memory preempts'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

test_mark_processes para-admission

SQ="'"

# The machine the runner sees: files in the format of /proc/meminfo and
# /proc/loadavg that the tests rewrite while a run goes on.
meminfo () {
	printf "MemTotal: 25165824 kB\nMemAvailable: %s kB\n" "$1" >"$HOME/meminfo"
}
loadavg () {
	echo "$1 0.10 0.05 1/100 4242" >"$HOME/loadavg"
}

# state_is <task> <state>: the task is recorded in that state now
state_is () {
	test "$(test_state "$1")" = "$2"
}

# what each task does: work of its own, committed after it
work="date +%s%N >work"

# test_line_count_is <n> <word> <file>: lines holding the word
test_line_count_is () {
	test "$(grep -c "$2" "$3")" = "$1"
}

test_expect_success 'setup' '
	test_create_repo repo &&
	git -C repo config para.killGrace 1s &&
	PARA_TEST_MEMINFO=$HOME/meminfo &&
	PARA_TEST_LOADAVG=$HOME/loadavg &&
	export PARA_TEST_MEMINFO PARA_TEST_LOADAVG &&
	meminfo 4194304 &&
	loadavg 0.00 &&
	(
		cd repo &&
		test_task a -c "$work; echo \$PARA_TASK >>\"\$HOME/started\"" &&
		test_task b -c "$work; echo \$PARA_TASK >>\"\$HOME/started\""
	)
'

test_expect_success 'bad limits are fatal and start nothing' '
	(
		cd repo &&
		test_expect_code 128 git para run --memfree lots 2>../err &&
		echo "fatal: invalid size ${SQ}lots${SQ} for ${SQ}--memfree${SQ}: expected e.g. 512M or 2G" >../expect &&
		test_cmp ../expect ../err &&
		test_expect_code 128 git -c para.memFree=-1G para run 2>../err &&
		echo "fatal: bad size config value ${SQ}-1G${SQ} for ${SQ}para.memFree${SQ}: expected e.g. 512M or 2G" >../expect &&
		test_cmp ../expect ../err &&
		test_expect_code 128 git para run --load high 2>../err &&
		echo "fatal: invalid load ${SQ}high${SQ} for ${SQ}--load${SQ}: expected e.g. 2.5 or 80%" >../expect &&
		test_cmp ../expect ../err &&
		test_expect_code 128 git -c para.maxLoad=0 para run 2>../err &&
		echo "fatal: invalid load ${SQ}0${SQ} for ${SQ}para.maxLoad${SQ}: expected e.g. 2.5 or 80%" >../expect &&
		test_cmp ../expect ../err &&
		test_expect_code 128 git para run --delay soon 2>../err &&
		echo "fatal: invalid duration ${SQ}soon${SQ} for ${SQ}--delay${SQ}: expected e.g. 90s, 30m or 2h" >../expect &&
		test_cmp ../expect ../err &&
		test_expect_code 128 git -c para.startDelay=soon para run 2>../err &&
		test_grep "para.startDelay" ../err &&
		test_state a >../state && test_state b >>../state
	) &&
	printf "new\nnew\n" >expect && test_cmp expect state &&
	test_path_is_missing started
'

test_expect_success '--memfree: nothing starts until MemAvailable is above it' '
	meminfo 1048576 &&
	(
		cd repo &&
		{ git para run --memfree 1G >../out 2>../err & } &&
		echo $! >../pid &&
		test_wait_for 10 state_is a queued &&
		sleep 0.5 &&
		test_path_is_missing ../started &&
		test_state b >../state &&
		meminfo 1048577 &&
		{ wait $(cat ../pid); echo $? >../code; }
	) &&
	echo 0 >expect && test_cmp expect code &&
	echo queued >expect && test_cmp expect state &&
	printf "a\nb\n" >expect && sort started >actual && test_cmp expect actual &&
	test_grep "^a: waiting: 1.0G of memory available, not more than --memfree 1.0G\$" out &&
	test_line_count_is 1 waiting out &&
	test_grep "^2 succeeded" out
'

test_expect_success 'para.memFree does the same; an interrupt while held starts nothing' '
	rm -f started &&
	meminfo 1024 &&
	(
		cd repo &&
		test_when_finished "git -C repo config --unset para.memFree" &&
		git config para.memFree 512M &&
		{ git-para-run --rerun a b >../out 2>../err & } &&
		echo $! >../pid &&
		test_wait_for 10 state_is b queued &&
		kill -INT $(cat ../pid) &&
		{ wait $(cat ../pid); echo $? >../code; } &&
		test_state a >../state && test_state b >>../state
	) &&
	echo 130 >expect && test_cmp expect code &&
	test_path_is_missing started &&
	test_grep "^a: not started: the run was interrupted" out &&
	test_grep "^b: not started: the run was interrupted" out &&
	printf "succeeded\nsucceeded\n" >expect && test_cmp expect state
'

test_expect_success '--load: nothing starts while the load is above it' '
	rm -f started &&
	meminfo 4194304 &&
	loadavg 3.50 &&
	(
		cd repo &&
		{ git para run --rerun --load 2 >../out 2>../err & } &&
		echo $! >../pid &&
		test_wait_for 10 state_is a queued &&
		sleep 0.5 &&
		test_path_is_missing ../started &&
		loadavg 2.00 &&
		{ wait $(cat ../pid); echo $? >../code; }
	) &&
	echo 0 >expect && test_cmp expect code &&
	test $(wc -l <started) = 2 &&
	test_grep "^a: waiting: the load 3.50 is above --load 2.00\$" out
'

test_expect_success '--load <n>% is a share of the online CPUs' '
	rm -f started &&
	cpus=$(getconf _NPROCESSORS_ONLN) &&
	loadavg $(awk "BEGIN { print $cpus * 0.6 }") &&
	(
		cd repo &&
		test_when_finished "git -C repo config --unset para.maxLoad" &&
		git config para.maxLoad 50% &&
		{ git-para-run --rerun >../out 2>../err & } &&
		echo $! >../pid &&
		test_wait_for 10 state_is a queued &&
		sleep 0.5 &&
		test_path_is_missing ../started &&
		kill -INT $(cat ../pid) &&
		{ wait $(cat ../pid); echo $? >../code; } &&
		echo 130 >../expect && test_cmp ../expect ../code &&
		git para run --rerun --load 70% >../out
	) &&
	test $(wc -l <started) = 2
'

test_expect_success '--delay: at least that long between two starts' '
	loadavg 0.00 &&
	(
		cd repo &&
		test_task c -c "date +%s%N >\"\$HOME/at-\$PARA_TASK\"" &&
		test_task d -c "date +%s%N >\"\$HOME/at-\$PARA_TASK\"" &&
		test_task e -c "date +%s%N >\"\$HOME/at-\$PARA_TASK\"" &&
		git para run -j3 --delay 0.4s c d e >../out
	) &&
	cat at-c at-d at-e >at &&
	awk "NR > 1 && (\$1 - last) / 1000000 < 300 { print \"too soon:\", (\$1 - last) / 1000000 \"ms\" } { last = \$1 }" at >soon &&
	test_must_be_empty soon &&
	(
		cd repo &&
		git -c para.startDelay=0.4s para run --rerun -j3 c d e >../out
	) &&
	cat at-c at-d at-e >at &&
	awk "NR > 1 && (\$1 - last) / 1000000 < 300 { print \"too soon:\", (\$1 - last) / 1000000 \"ms\" } { last = \$1 }" at >soon &&
	test_must_be_empty soon
'

test_expect_success 'low memory stops the youngest task, which runs again later' '
	meminfo 4194304 &&
	(
		cd repo &&
		for t in old young
		do
			test_task $t -c "$work; echo \$PARA_ATTEMPT >>\"\$HOME/attempts-\$PARA_TASK\"; while ! test -e \"\$HOME/go\"; do sleep 0.05; done" || return 1
		done &&
		{ git para run -j2 --retries 0 --memfree 1G old young >../out 2>../err & } &&
		echo $! >../pid &&
		test_wait_for 10 test -e ../attempts-old &&
		test_wait_for 10 test -e ../attempts-young &&
		meminfo 500000 &&
		test_wait_for 10 state_is young preempted &&
		meminfo 4194304 &&
		test_wait_for 10 state_is young running &&
		touch ../go &&
		{ wait $(cat ../pid); echo $? >../code; } &&
		test_state old >../state && test_state young >>../state
	) &&
	echo 0 >expect && test_cmp expect code &&
	printf "succeeded\nsucceeded\n" >expect && test_cmp expect state &&
	grep ": preempted" out | head -n 1 >first &&
	test_grep "^young: preempted (killed by signal 15) in .* to free memory (488.3M available, less than half of --memfree 1.0G); it starts again when there is room" first &&
	printf "1\n2\n" >expect && test_cmp expect attempts-young &&
	test_grep "^=== attempt 1 preempted" repo/.git/para/logs/young.log &&
	test_grep "^=== attempt 2 succeeded" repo/.git/para/logs/young.log &&
	test_grep "^2 succeeded" out &&
	test_no_process_left
'

test_done
