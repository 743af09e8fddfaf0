#!/bin/sh

test_description='git para run: the summary, nothing to run, held back, queued, elapsed'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

# live_state <task>: the state `git para status` shows
live_state () {
	git -C repo para status --porcelain "$1" >status.out &&
	cut -f2 status.out
}

test_expect_success 'setup' '
	test_create_repo repo &&
	(cd repo && echo a >a && git add a && git commit -q -m first)
'

test_expect_success 'no tasks at all: nothing to run, exit 0' '
	git -C repo para run >out 2>err &&
	echo "nothing to run: there are no tasks (see '"'"'git para add'"'"')" >expect &&
	test_cmp expect out &&
	test_must_be_empty err
'

test_expect_success 'setup tasks' '
	(
		cd repo &&
		test_task ok1 -c "echo work >work" &&
		test_task ok2 -c "echo work >work" &&
		test_task bad -c "exit 3" &&
		test_task slow -c "sleep 5"
	)
'

test_expect_success 'the run ends with one line of counts and its duration' '
	test_expect_code 1 git -C repo para run -j4 --timeout 300ms >out 2>err &&
	test_must_be_empty err &&
	tail -n 1 out >actual &&
	test_grep "^2 succeeded, 1 failed, 1 timed out in [0-9.]*m*s$" actual &&
	test $(wc -l <out) = 5
'

test_expect_success '--quiet: no summary when all went well, one when not' '
	git -C repo para run --quiet --rerun ok1 ok2 >out 2>err &&
	test_must_be_empty out &&
	test_must_be_empty err &&
	test_expect_code 1 git -C repo para run --quiet --rerun ok1 bad >out &&
	test_grep "^bad: failed with exit code 3" out &&
	tail -n 1 out >actual &&
	test_grep "^1 succeeded, 1 failed in " actual &&
	test $(wc -l <out) = 2
'

test_expect_success 'every task done: nothing to run, exit 0; --quiet says nothing' '
	(cd repo && rm -f "$(para_state_file bad)" "$(para_state_file slow)") &&
	git -C repo para run >out 2>err &&
	echo "nothing to run: every task has succeeded (use --rerun)" >expect &&
	test_cmp expect out &&
	test_must_be_empty err &&
	git -C repo para run -q >out &&
	test_must_be_empty out
'

test_expect_success 'done, but one of them empty: it has finished, not succeeded' '
	(cd repo && test_task idle -c true) &&
	git -C repo para run idle >out 2>err &&
	test "$(live_state idle)" = empty &&
	git -C repo para run >out 2>err &&
	echo "nothing to run: every task has finished (use --rerun; '"'"'git para status'"'"' says how)" >expect &&
	test_cmp expect out &&
	test_must_be_empty err &&
	(cd repo && rm -f "$(para_state_file idle)")
'

test_expect_success 'tasks held back by --halt-on-failure get a line each' '
	(
		cd repo &&
		test_task h1 -c "exit 1" &&
		test_task h2 -c "touch ran-h2" &&
		test_task h3 -c "touch ran-h3"
	) &&
	test_expect_code 1 git -C repo para run -j1 --halt-on-failure \
		h1 h2 h3 >out 2>err &&
	test_must_be_empty err &&
	cat >expect <<-\EOF &&
	h2: not started: held back by --halt-on-failure
	h3: not started: held back by --halt-on-failure
	EOF
	test_grep "^h1: failed with exit code 1" out &&
	grep "^h[23]:" out >actual &&
	test_cmp expect actual &&
	tail -n 1 out >actual &&
	test_grep "^1 failed, 2 not started in " actual &&
	test_path_is_missing repo-worktrees/h2/ran-h2 &&
	test_path_is_missing repo-worktrees/h3/ran-h3 &&
	(cd repo && test_state h2 && test_state h3) >actual &&
	printf "new\nnew\n" >expect && test_cmp expect actual
'

test_expect_success 'setup: a task waits for one that runs until told' '
	(
		cd repo &&
		rm -f "$(para_state_file h1)" "$(para_state_file h2)" "$(para_state_file h3)" &&
		test_task gate -c "echo work >work; touch \"\$HOME/started\"; n=0; while ! test -e \"\$HOME/go\" && test \$n -lt 300; do sleep 0.05; n=\$((n + 1)); done" &&
		test_task waits -a gate -c "echo waits >waits.work"
	)
'

test_expect_success 'a task waiting in a live run is queued, not new' '
	{ git -C repo para run gate waits >out 2>err & } &&
	pid=$! &&
	test_wait_for 10 test -e started &&
	live_state waits >actual &&
	echo queued >expect && test_cmp expect actual &&
	(cd repo && test_state waits) >actual && test_cmp expect actual &&
	echo "nothing to run: every task has succeeded or is running in another '"'"'git para run'"'"'" >expect &&
	git -C repo para run >out2 2>err2 &&
	test_grep "warning: task .waits. is queued in another .git para run." err2 &&
	test_cmp expect out2 &&
	touch go &&
	wait $pid &&
	test_grep "^waits: succeeded" out &&
	live_state waits >actual &&
	echo succeeded >expect && test_cmp expect actual
'

test_expect_success 'on a terminal the progress line shows the elapsed time' '
	rm -f go started &&
	{ script -qec "git -C repo para run --rerun gate" /dev/null >tty & } &&
	pid=$! &&
	test_wait_for 10 test -e started &&
	sleep 1.2 &&
	touch go &&
	wait $pid &&
	tr "\r" "\n" <tty >lines &&
	test_grep "^\[0/1\] running: gate (elapsed [0-9.]*m*s)" lines &&
	test_grep "^1 succeeded in " lines
'

test_done
