#!/bin/sh

test_description='git para run: what it shows, on and off a terminal'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

# What slowline does before the rest of its line: it waits (10 s at
# most) until ok1 is no longer running, so that on a loaded machine too
# it is still running alone for a while after ok1 ended.
wait_ok1='s=$(git rev-parse --git-common-dir)/para/tasks/ok1; n=0; while test "$(git config -f "$s" run.state)" = running && test $n -lt 200; do sleep 0.05; n=$((n + 1)); done'

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		test_task ok1 -c "echo work >ok1.work; echo one; echo two >&2" &&
		test_task bad -c "echo broken; exit 2" &&
		test_task slowline -c "echo work >slowline.work; printf hal; $wait_ok1; sleep 0.3; printf \"f line\\nlast\"" &&
		test_task chatty -c "echo work >chatty.work; for i in 1 2 3 4 5; do echo chatty-\$i; sleep 0.05; done"
	)
'

test_expect_success 'off a terminal: one plain line per task, no progress' '
	test_expect_code 1 git -C repo para run ok1 bad >out 2>err &&
	test_must_be_empty err &&
	grep "^ok1: succeeded in [0-9.]*m*s (log: .*/ok1.log)$" out &&
	grep "^bad: failed with exit code 2 in [0-9.]*m*s (log: .*/bad.log)$" out &&
	tail -n 1 out >actual &&
	grep "^1 succeeded, 1 failed in [0-9.]*m*s$" actual &&
	test $(wc -l <out) = 3
'

test_expect_success '--quiet shows only failures' '
	test_expect_code 1 git -C repo para run --rerun --quiet ok1 bad >out 2>err &&
	grep "^bad: failed" out &&
	tail -n 1 out >actual &&
	grep "^1 succeeded, 1 failed in " actual &&
	test $(wc -l <out) = 2
'

test_expect_success '--tag shows the output live, whole lines, prefixed' '
	git -C repo para run --rerun --tag -j3 ok1 slowline chatty >out &&
	grep "^\[ok1\] one$" out &&
	grep "^\[ok1\] two$" out &&
	grep "^\[slowline\] half line$" out &&
	grep "^\[slowline\] last$" out &&
	for i in 1 2 3 4 5
	do
		grep "^\[chatty\] chatty-$i$" out || return 1
	done &&
	test_must_fail grep -v "^\[ok1\] \|^\[slowline\] \|^\[chatty\] \|: succeeded in \|^3 succeeded in " out &&
	grep "^half line$" repo/.git/para/logs/slowline.log
'

test_expect_success 'on a terminal: a progress line redrawn in place' '
	(
		cd repo &&
		script -qec "git para run --rerun -j2 ok1 slowline" /dev/null >../tty
	) &&
	tr "\r" "\n" <tty >lines &&
	grep "^\[0/2\] running: ok1, slowline (" lines &&
	grep "running: slowline (" lines &&
	grep "ok1: succeeded in" lines &&
	grep "slowline: succeeded in" lines &&
	grep "$(printf "\033\\[K")" tty
'

test_expect_success 'on a terminal --quiet draws no progress' '
	(
		cd repo &&
		script -qec "git para run --rerun --quiet ok1" /dev/null >../tty
	) &&
	test_must_fail grep running: tty
'

test_done
