#!/bin/sh

test_description='git para run: Ctrl-C as a terminal and git deliver it

A terminal sends SIGINT to its whole foreground process group, and git
forwards it to the git-para program it runs: one keypress reaches the
runner twice, and must count as one.'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

FG_RUN="python3 $SHARNESS_TEST_DIRECTORY/helper/fg-run.py"

test_mark_processes para-interrupt

# the task takes SIGTERM as a cue to finish within its grace
graceful='trap "touch got-term; sleep 2; exit 3" TERM; touch started; while :; do sleep 0.1; done'

test_expect_success 'setup' '
	test_create_repo repo &&
	git -C repo config para.killGrace 20s &&
	(cd repo && test_task slow -c "$graceful")
'

test_expect_success 'SIGINT to the whole process group of git para run: one interrupt, the grace kept, status 130' '
	rm -f code pgid &&
	{ (cd repo && $FG_RUN --group ../pgid ../code git para run slow >../out 2>../err) & } &&
	test_wait_for 10 test -e repo-worktrees/slow/started &&
	kill -INT -$(cat pgid) &&
	test_wait_for 30 test -e code &&
	echo 130 >expect && test_cmp expect code &&
	test_grep "^slow: cancelled with exit code 3" out &&
	test_grep ! "waitpid" err &&
	test_grep ! "killed by signal 9" out &&
	(cd repo && test_state slow) >actual &&
	echo cancelled >expect && test_cmp expect actual &&
	test_no_process_left
'

test_expect_success 'a second Ctrl-C a while later stops at once' '
	git -C repo config para.killGrace 60s &&
	(cd repo && test_task stubborn -c "trap \"touch got-term\" TERM; touch started; while :; do sleep 0.1; done") &&
	rm -f code pgid &&
	{ (cd repo && $FG_RUN --group ../pgid ../code git para run stubborn >../out 2>../err) & } &&
	test_wait_for 10 test -e repo-worktrees/stubborn/started &&
	kill -INT -$(cat pgid) &&
	test_wait_for 10 test -e repo-worktrees/stubborn/got-term &&
	sleep 1 &&
	kill -INT -$(cat pgid) &&
	test_wait_for 15 test -e code &&
	echo 130 >expect && test_cmp expect code &&
	test_grep "^stubborn: cancelled (killed by signal 9)" out &&
	test_no_process_left
'

command -v tmux >/dev/null 2>&1 && test_set_prereq TMUX

test_expect_success TMUX 'Ctrl-C typed on a terminal (tmux): one interrupt, status 130' '
	git -C repo config para.killGrace 20s &&
	rm -f code repo-worktrees/slow/started &&
	cat >fg.sh <<-EOF &&
	cd "$TRASH_DIRECTORY/repo" &&
	exec $FG_RUN ../code git para run --rerun slow >../out 2>../err
	EOF
	tmux -S "$TRASH_DIRECTORY/sock" -f /dev/null new-session -d -x 80 -y 24 "sh \"$TRASH_DIRECTORY/fg.sh\"" &&
	test_when_finished "tmux -S \"$TRASH_DIRECTORY/sock\" kill-server 2>/dev/null || :" &&
	test_wait_for 10 test -e repo-worktrees/slow/started &&
	tmux -S "$TRASH_DIRECTORY/sock" send-keys C-c &&
	test_wait_for 30 test -e code &&
	echo 130 >expect && test_cmp expect code &&
	test_grep "^slow: cancelled with exit code 3" out &&
	test_grep ! "waitpid" err &&
	# the tmux server carries the mark too, and goes with its session
	test_wait_for 10 test_no_process_left
'

test_done
