#!/bin/sh

test_description='git para status --watch: redraws until interrupted'

. ./test-lib.sh
. "$T_DIR/lib-status.sh"

# wait_for <file> <pattern>: up to 10s for <pattern> to show in <file>
wait_for () {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null
	do
		i=$((i + 1))
		test $i -lt 100 || return 1
		sleep 0.1
	done
}

command -v tmux >/dev/null && test_set_prereq TMUX

test_expect_success 'setup' '
	test_create_repo repo &&
	(cd repo && status_task api src/api)
'

test_expect_success 'a bad interval is a usage error' '
	(
		cd repo &&
		test_expect_code 129 git para status --watch=soon >../out 2>../err
	) &&
	test_must_be_empty out &&
	test_grep "^error: invalid --watch interval ${SQ}soon${SQ}" err
'

test_expect_success 'piped, each snapshot follows the last; SIGINT ends it with 130' '
	(
		cd repo &&
		{ git-para-status --porcelain --watch=0.1 >../out 2>../err & } &&
		pid=$! &&
		wait_for ../out "^api" &&
		status_set api run.state failed &&
		wait_for ../out "^api	failed" &&
		kill -INT $pid &&
		{ wait $pid; echo $? >../code; }
	) &&
	echo 130 >expect &&
	test_cmp expect code &&
	grep -c "^api	new" out &&
	test_must_be_empty err
'

test_expect_success TMUX 'on a terminal it redraws in place' '
	status_set () { git -C repo config -f "$TRASH_DIRECTORY/repo/.git/para/tasks/$1" "$2" "$3"; } &&
	status_set api run.state new &&
	sock="$TRASH_DIRECTORY/tmux.sock" &&
	test_when_finished "tmux -S \"$sock\" kill-server 2>/dev/null || :" &&
	tmux -S "$sock" -f /dev/null new-session -d -x 150 -y 20 \
		"trap : INT; cd repo && PATH=\"$PATH\" git para status --watch=0.1; echo exit=\$? >../tmux-code; sleep 30" &&
	i=0 &&
	while ! tmux -S "$sock" capture-pane -p >screen 2>/dev/null || ! grep -q "^api .*new" screen
	do
		i=$((i + 1)) && test $i -lt 100 && sleep 0.1 || return 1
	done &&
	status_set api run.state failed &&
	i=0 &&
	while tmux -S "$sock" capture-pane -p >screen && ! grep -q "^api .*failed" screen
	do
		i=$((i + 1)) && test $i -lt 100 && sleep 0.1 || return 1
	done &&
	# repainted over the first frame: one header, one task line
	test $(grep -c "^TASK" screen) = 1 &&
	test $(grep -c "^api" screen) = 1 &&
	tmux -S "$sock" send-keys C-c &&
	wait_for tmux-code "exit=" &&
	echo exit=130 >expect &&
	test_cmp expect tmux-code
'

test_done
