#!/bin/sh

test_description='git para attach: the window of a task, or its resumed session; PARA_SESSION_ID'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"
. "$T_DIR/lib-tmux.sh"

test_expect_success 'setup' '
	test_create_repo repo &&
	mkdir stub &&
	cat >stub/tmux <<-\EOF &&
	#!/bin/sh
	printf "%s\n" "$@" >"$TRASH_DIRECTORY/tmux-args"
	EOF
	cat >agent <<-\EOF &&
	#!/bin/sh
	{
		echo "args: $*" &&
		echo "session: $PARA_SESSION_ID" &&
		echo "agent: $PARA_AGENT_SESSION_ID" &&
		echo "dir: $(pwd)"
	} >>"$TRASH_DIRECTORY/agent.out"
	exit ${AGENT_EXIT:-0}
	EOF
	chmod +x stub/tmux agent &&
	(
		cd repo &&
		test_task idle &&
		test_task slow -c "sleep 1000" &&
		git config para.killGrace 2s
	)
'

test_expect_success 'attach needs one task' '
	test_expect_code 129 git -C repo para attach 2>err &&
	test_grep "which task?" err &&
	test_expect_code 129 git -C repo para attach a b 2>err &&
	test_grep "too many arguments" err
'

test_expect_success 'attach to a task that does not exist' '
	test_expect_code 128 git -C repo para attach nope 2>err &&
	test_grep "^fatal: .*nope" err
'

test_expect_success 'attach to a task that is not running' '
	test_expect_code 128 git -C repo para attach idle 2>err &&
	test_grep "^fatal: task .idle. is not running (it is new)" err
'

test_expect_success 'attach to a task that runs headless says how to step in' '
	test_start_run out slow &&
	test_when_finished "kill -INT $run_pid; wait $run_pid; :" &&
	test_wait_for 10 test_repo_state_is slow running &&
	test_expect_code 128 git -C repo para attach slow 2>err &&
	test_grep "^fatal: task .slow. runs headless, in no tmux window" err &&
	test_grep "^hint: .*para.resumeCommand" err &&
	test_grep "^hint: .*git para run --tmux" err
'

test_expect_success 'outside tmux: attach-session at the task window; inside: switch-client' '
	test_when_finished stop_tmux &&
	test_start_run out --tmux slow &&
	test_when_finished "kill -INT $run_pid; wait $run_pid; :" &&
	test_wait_for 10 test_repo_state_is slow running &&
	pane=$(test_repo_state slow run.tmuxPane) &&
	(
		PATH=$TRASH_DIRECTORY/stub:$PATH &&
		git -C repo para attach slow &&
		printf "%s\n" "-S$tmux_socket" attach-session "-t$pane" >expect &&
		test_cmp expect tmux-args &&
		TMUX=/elsewhere,1,0 git -C repo para attach slow &&
		printf "%s\n" "-S$tmux_socket" switch-client "-t$pane" >expect &&
		test_cmp expect tmux-args
	)
'

test_expect_success 'a real attach, in a pane of another session, reaches the task' '
	test_when_finished stop_tmux &&
	git -C repo config para.command "printf \"name? \"; read a; echo \"\$a\" >answer.txt" &&
	test_start_run out --tmux idle &&
	test_wait_for 10 pane_shows =para-repo:idle "name?" &&
	tmux new-session -d -s viewer -x 80 -y 24 "cd repo && env -u TMUX git para attach idle; sleep 30" &&
	test_wait_for 10 pane_shows =viewer: "name?" &&
	tmux send-keys -t =viewer: alice Enter &&
	wait $run_pid &&
	test "$(cat repo-worktrees/idle/answer.txt)" = alice &&
	git -C repo config --unset para.command
'

test_expect_success 'attach --resume without para.resumeCommand is refused' '
	test_expect_code 128 git -C repo para attach --resume idle 2>err &&
	test_grep "^fatal: --resume needs .para.resumeCommand." err &&
	! test -e agent.out
'

test_expect_success 'attach --resume runs para.resumeCommand in the worktree, with the session id' '
	git -C repo config para.resumeCommand "\"\$TRASH_DIRECTORY/agent\" --resume \"\$PARA_AGENT_SESSION_ID\"" &&
	git -C repo para attach --resume idle &&
	id=$(test_repo_state idle task.sessionId) &&
	test -n "$id" &&
	cat >expect <<-EOF &&
	args: --resume $id
	session: $id
	agent: $id
	dir: $TRASH_DIRECTORY/repo-worktrees/idle
	EOF
	test_cmp expect agent.out
'

test_expect_success 'attach --resume: a failing resume command is exit 1' '
	rm -f agent.out &&
	AGENT_EXIT=3 && export AGENT_EXIT &&
	test_expect_code 1 git -C repo para attach --resume idle 2>err &&
	unset AGENT_EXIT &&
	test_grep "^error: the resume command of task .idle. failed (exit code 3)" err
'

test_expect_success 'attach --resume refuses a running task' '
	rm -f agent.out &&
	(cd repo && test_task busy -c "sleep 1000") &&
	test_start_run out busy &&
	test_when_finished "kill -INT $run_pid; wait $run_pid; :" &&
	test_wait_for 10 test_repo_state_is busy running &&
	test_expect_code 128 git -C repo para attach --resume busy 2>err &&
	test_grep "^fatal: task .busy. is running" err &&
	! test -e agent.out
'

test_expect_success 'add records a session id' '
	git -C repo para add -m x fresh >/dev/null &&
	test -n "$(test_repo_state fresh task.sessionId)"
'

test_expect_success 'a retry runs para.resumeCommand, in the same session' '
	rm -f agent.out &&
	(
		cd repo &&
		test_task flaky -c "echo \"first: \$PARA_SESSION_ID\" >>\"\$TRASH_DIRECTORY/agent.out\"; exit 1"
	) &&
	git -C repo config para.resumeCommand "\"\$TRASH_DIRECTORY/agent\" resumed" &&
	test_might_fail git -C repo para run --retries 1 flaky >out &&
	id=$(test_repo_state flaky task.sessionId) &&
	cat >expect <<-EOF &&
	first: $id
	args: resumed
	session: $id
	agent: $id
	dir: $TRASH_DIRECTORY/repo-worktrees/flaky
	EOF
	test_cmp expect agent.out &&
	test_grep "attempt 2.*agent\" resumed" "repo/$(cd repo && test_log flaky)"
'

test_expect_success 'the sessionId a command reports is the one a retry resumes' '
	rm -f agent.out &&
	(
		cd repo &&
		test_task codex -c "echo {\\\"sessionId\\\":\\\"agent-42\\\"} >\"\$PARA_RESULT\"; exit 1"
	) &&
	test_might_fail git -C repo para run --retries 1 codex >out &&
	test "$(test_repo_state codex run.agentSessionId)" = agent-42 &&
	test_grep "^agent: agent-42\$" agent.out &&
	test_grep "^session: $(test_repo_state codex task.sessionId)\$" agent.out
'

test_expect_success 'without para.resumeCommand a retry runs the command again' '
	git -C repo config --unset para.resumeCommand &&
	rm -f agent.out &&
	(cd repo && test_set_state failed flaky) &&
	test_expect_code 1 git -C repo para run --retries 1 flaky >out &&
	test "$(wc -l <agent.out)" -eq 2 &&
	test_grep -v "args:" agent.out
'

test_done
