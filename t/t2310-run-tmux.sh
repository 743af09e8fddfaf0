#!/bin/sh

test_description='git para run --tmux: each task in a window of a real tmux server'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"
. "$T_DIR/lib-tmux.sh"

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		test_task ask -c "printf \"name? \"; read answer; echo \"hello \$answer\"; test -t 0 && test -t 1 && echo on-a-terminal; echo \$answer >answer.txt" &&
		test_task slow -c "TEST_MARK=\$PARA_TASK-mark sleep 1000" &&
		test_task other -c "TEST_MARK=\$PARA_TASK-mark sleep 1000" &&
		git config para.killGrace 2s
	)
'

test_expect_success 'without tmux on PATH: fatal, nothing created' '
	mkdir nobin &&
	ln -s "$(command -v git)" nobin/git &&
	(
		cd repo &&
		PATH=$PWD/../nobin && export PATH &&
		test_expect_code 128 "$PARA_BUILD_DIR/bin/git-para-run" --tmux ask 2>../err
	) &&
	test_grep "^fatal: .tmux. not found on PATH" err &&
	test "$(test_repo_state ask)" = new &&
	! test -e "repo/$(cd repo && test_log ask)" &&
	! test -e "$tmux_socket"
'

test_expect_success 'para.runner=tmux asks for tmux as --tmux does' '
	test_when_finished "git -C repo config --unset para.runner" &&
	git -C repo config para.runner tmux &&
	(
		cd repo &&
		PATH=$PWD/../nobin && export PATH &&
		test_expect_code 128 "$PARA_BUILD_DIR/bin/git-para-run" ask 2>../err
	) &&
	test_grep "^fatal: .tmux. not found on PATH" err
'

test_expect_success 'a bad para.runner is fatal, naming it' '
	(
		cd repo &&
		test_expect_code 128 git -c para.runner=screen para run ask 2>../err
	) &&
	test_grep "invalid value .screen. for .para.runner.: expected headless or tmux" err &&
	test "$(test_repo_state ask)" = new
'

test_expect_success '--tmux refuses exec mode and the slurm backend' '
	(
		cd repo &&
		test_expect_code 128 git para run --tmux ask -- true 2>../err &&
		test_grep "^fatal: --tmux cannot run a command given after .--." ../err &&
		test_expect_code 128 git para run --tmux --backend slurm ask 2>../err &&
		test_grep "^fatal: --tmux cannot be used with the .slurm. backend" ../err
	) &&
	! test -e "$tmux_socket"
'

test_expect_success 'a task asks on its terminal, answered with send-keys' '
	test_when_finished stop_tmux &&
	test_start_run out --tmux ask &&
	test_wait_for 10 pane_shows =para-repo:ask "name?" &&
	test "$(test_repo_state ask)" = running &&
	pane="$(test_repo_state ask run.tmuxPane)" &&
	test "$(test_repo_state ask run.tmuxSocket)" = "$tmux_socket" &&
	tmux list-panes -a -F "#{pane_id}" >panes &&
	grep -qx -- "$pane" panes &&
	tmux send-keys -t "$pane" bob Enter &&
	wait $run_pid &&
	test_grep "^ask: succeeded" out &&
	test "$(test_repo_state ask)" = succeeded &&
	log=repo/$(cd repo && test_log ask) &&
	test_grep "^=== git para run: task .ask., attempt 1" "$log" &&
	test_grep "^name? bob\$" "$log" &&
	test_grep "^hello bob\$" "$log" &&
	test_grep "^on-a-terminal\$" "$log" &&
	test_grep "^=== attempt 1 succeeded" "$log" &&
	! grep -q "$(printf "\r")" "$log" &&
	test -z "$(test_repo_state ask run.tmuxPane)" &&
	test_wait_for 5 no_window ask
'

test_expect_success 'under para.launcher the task still has the window as its terminal' '
	test_when_finished stop_tmux &&
	cat >launcher <<-\EOF &&
	#!/bin/sh
	echo "launched: $*" >>"$TRASH_DIRECTORY/launched"
	test "$1" = -- && shift
	exec "$@"
	EOF
	chmod +x launcher &&
	git -C repo config para.launcher "\"\$TRASH_DIRECTORY/launcher\" --" &&
	test_when_finished "git -C repo config --unset para.launcher" &&
	(cd repo && test_set_state new ask) &&
	rm -f repo-worktrees/ask/answer.txt &&
	test_start_run out --tmux ask &&
	test_wait_for 10 pane_shows =para-repo:ask "name?" &&
	tmux send-keys -t "$(test_repo_state ask run.tmuxPane)" carol Enter &&
	wait $run_pid &&
	test_grep "^ask: succeeded" out &&
	test "$(wc -l <launched)" -eq 1 &&
	test_grep "^launched: -- /bin/sh -c printf" launched &&
	log=repo/$(cd repo && test_log ask) &&
	test_grep "^hello carol\$" "$log" &&
	test_grep "^on-a-terminal\$" "$log" &&
	test "$(cat repo-worktrees/ask/answer.txt)" = carol &&
	test_wait_for 5 no_window ask
'

test_expect_success '--tmux under an srun launcher is refused, naming the launcher' '
	(
		cd repo &&
		test_expect_code 128 git -c para.launcher="srun --ntasks=1 --" \
			para run --tmux ask 2>../err
	) &&
	test_grep "^fatal: --tmux cannot be used with an .srun. launcher (para.launcher)" err &&
	test_repo_state_is ask succeeded &&
	! tmux has-session -t =para-repo 2>/dev/null
'

test_expect_success 'a timeout stops the task in its window' '
	test_when_finished stop_tmux &&
	test_mark_processes timeout &&
	test_expect_code 1 git -C repo para run --tmux --timeout 1s slow >out 2>&1 &&
	test_grep "^slow: timed-out" out &&
	test "$(test_repo_state slow)" = timed-out &&
	test_no_process_left &&
	test_wait_for 5 no_window slow
'

test_expect_success 'SIGINT to the run stops every task, exit 130' '
	test_when_finished stop_tmux &&
	test_mark_processes interrupt &&
	test_start_run out --tmux -j2 slow other &&
	test_wait_for 10 window_of slow &&
	test_wait_for 10 window_of other &&
	test_wait_for 10 test_repo_state_is other running &&
	test_wait_for 10 test_repo_state_is slow running &&
	kill -INT $run_pid &&
	test_expect_code 130 wait $run_pid &&
	test "$(test_repo_state slow)" = cancelled &&
	test "$(test_repo_state other)" = cancelled &&
	test_no_process_left &&
	test_wait_for 5 no_window slow &&
	test_wait_for 5 no_window other
'

test_expect_success 'a run killed with SIGKILL leaves the task orphaned in its window' '
	test_when_finished stop_tmux &&
	test_start_run out --tmux slow &&
	test_wait_for 10 test_repo_state_is slow running &&
	pid=$(test_repo_state slow run.pid) &&
	kill -KILL $run_pid &&
	{ wait $run_pid || :; } &&
	git -C repo para status --porcelain slow >status &&
	test "$(cut -f2 status)" = orphaned &&
	window_of slow &&
	kill -TERM $pid &&
	test_wait_for 10 no_window slow &&
	git -C repo para status --porcelain slow >status &&
	test "$(cut -f2 status)" = lost
'

test_done
