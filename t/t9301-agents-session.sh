#!/bin/sh
#
# contrib/agents under git para run: claude-code and codex name or learn
# the agent's session, and with --resume (para.resumeCommand) go on with
# it for a retry, a resolve and git para attach --resume.

test_description='agent wrappers: sessions, retries, resolve and attach --resume'

. "$(dirname "$0")"/test-lib.sh
. "$T_DIR/lib-collect.sh"

AGENTS=$SHARNESS_TEST_DIRECTORY/../contrib/agents
SQ="'"

# Stand-ins for claude and codex: each call's arguments go to
# calls/<agent>.<n> (NUL-terminated), and they answer as the real ones
# do (claude --output-format json: one result object; codex exec --json:
# JSONL events).  A file fail-next makes the next call fail, once.  The
# conflicting files (PARA_CONFLICTS) get a line of theirs: a resolution.
test_expect_success JQ 'setup: stand-in claude and codex' '
	mkdir bin calls &&
	cat >bin/claude <<-\EOF &&
	#!/bin/sh
	n=$(ls "$TRASH_DIRECTORY/calls" | grep -c "^claude\.")
	printf "%s\0" "$@" >"$TRASH_DIRECTORY/calls/claude.$((n + 1))"
	id=5e0c2f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6
	while test $# -gt 0
	do
		case "$1" in --session-id|--resume) id=$2; shift ;; esac
		shift
	done
	printf "%s" "${PARA_CONFLICTS-}" | while read -r f
	do
		echo "resolved by claude" >"$f"
	done
	if test -e "$TRASH_DIRECTORY/fail-next"
	then
		rm "$TRASH_DIRECTORY/fail-next"
		printf "{\"type\":\"result\",\"subtype\":\"error_during_execution\",\"is_error\":true,\"duration_ms\":5120,\"num_turns\":3,\"session_id\":\"%s\",\"total_cost_usd\":0.0412,\"usage\":{\"input_tokens\":310,\"cache_read_input_tokens\":9000,\"output_tokens\":120}}\n" "$id"
		exit 1
	fi
	echo "work of claude" >claude.txt
	printf "{\"type\":\"result\",\"subtype\":\"success\",\"is_error\":false,\"duration_ms\":4210,\"num_turns\":6,\"result\":\"Done.\",\"session_id\":\"%s\",\"total_cost_usd\":0.1834,\"usage\":{\"input_tokens\":1520,\"cache_creation_input_tokens\":8000,\"cache_read_input_tokens\":20000,\"output_tokens\":910}}\n" "$id"
	EOF
	cat >bin/codex <<-\EOF &&
	#!/bin/sh
	n=$(ls "$TRASH_DIRECTORY/calls" | grep -c "^codex\.")
	printf "%s\0" "$@" >"$TRASH_DIRECTORY/calls/codex.$((n + 1))"
	id=0199a213-81c0-7800-8aa1-bbab2a035a53
	prev=
	for a
	do
		test "$prev" = resume && id=$a
		prev=$a
	done
	test "$1" = exec || exit 0
	echo "{\"type\":\"thread.started\",\"thread_id\":\"$id\"}"
	echo "{\"type\":\"turn.started\"}"
	echo "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_0\",\"type\":\"reasoning\",\"text\":\"**Looking at the worktree**\"}}"
	echo "{\"type\":\"item.started\",\"item\":{\"id\":\"item_1\",\"type\":\"command_execution\",\"command\":\"bash -lc ls\",\"aggregated_output\":\"\",\"exit_code\":null,\"status\":\"in_progress\"}}"
	printf "%s\n" "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_1\",\"type\":\"command_execution\",\"command\":\"bash -lc ls\",\"aggregated_output\":\"README\\n\",\"exit_code\":0,\"status\":\"completed\"}}"
	if test -e "$TRASH_DIRECTORY/fail-next"
	then
		rm "$TRASH_DIRECTORY/fail-next"
		echo "{\"type\":\"turn.failed\",\"error\":{\"message\":\"stream disconnected before completion\"}}"
		exit 1
	fi
	echo "work of codex" >codex.txt
	echo "{\"type\":\"item.completed\",\"item\":{\"id\":\"item_2\",\"type\":\"agent_message\",\"text\":\"Wrote codex.txt.\"}}"
	echo "{\"type\":\"turn.completed\",\"usage\":{\"input_tokens\":24763,\"cached_input_tokens\":24448,\"output_tokens\":122}}"
	EOF
	chmod +x bin/claude bin/codex &&
	PATH=$TRASH_DIRECTORY/bin:$PATH &&
	collect_setup_repo &&
	(
		cd repo &&
		echo base >README &&
		git add README &&
		git commit -q -m base &&
		git config para.command "\"$AGENTS/claude-code\"" &&
		git config para.resumeCommand "\"$AGENTS/claude-code\" --resume"
	)
'

# args <agent>.<n>: that call's arguments, one a line
args () {
	tr "\0" "\n" <"calls/$1"
}

# has_arg <agent>.<n> <arg> <value>: the call had <arg> followed by <value>
has_arg () {
	args "$1" >args.out &&
	grep -x -A1 -e "$2" args.out | sed -n 2p >arg.out &&
	test "$(cat arg.out)" = "$3"
}

test_expect_success JQ 'claude-code: a first start names the session, a retry resumes it' '
	git -C repo para add -m "Write the intro" fix >/dev/null &&
	id=$(collect_get_in fix task.sessionId) &&
	touch fail-next &&
	git -C repo para run --retries 1 fix >out 2>err &&
	test_grep "^fix: succeeded" out &&
	test_path_is_missing calls/claude.3 &&
	has_arg claude.1 --session-id "$id" &&
	args claude.1 >first &&
	test_grep ! -x -- --resume first &&
	test_grep -x "Write the intro" first &&
	test_grep ! "previous attempt" first &&
	has_arg claude.2 --resume "$id" &&
	args claude.2 >second &&
	test_grep ! -x -- --session-id second &&
	test_grep -x -- --print second &&
	test_grep "^The previous attempt at this task, in this session, ended before the task was done.\$" second &&
	test_grep -x "Write the intro" second &&
	test "$(collect_get_in fix run.agentSessionId)" = "$id" &&
	log="repo/.git/para/logs/fix.log" &&
	grep "^=== git para run: task ${SQ}fix${SQ}, attempt 2," "$log" >header &&
	test_grep "claude-code\" --resume\$" header &&
	grep "^=== git para run: task ${SQ}fix${SQ}, attempt 1," "$log" >header &&
	test_grep ! -- "--resume" header &&
	test_grep -x Done. "$log"
'

test_expect_success JQ 'claude-code: git para attach --resume opens the session interactively' '
	rm -f calls/* &&
	git -C repo para attach --resume fix &&
	id=$(collect_get_in fix task.sessionId) &&
	printf "%s\n" --resume "$id" >expect &&
	args claude.1 >actual &&
	test_cmp expect actual
'

test_expect_success JQ 'claude-code: a task sent back by git para resolve resumes to resolve' '
	rm -f calls/* &&
	(
		cd repo &&
		git para add p >/dev/null &&
		git para add -m "Polish the readme" q >/dev/null &&
		collect_commit p README "readme by p" &&
		collect_commit q README "readme by q" &&
		collect_succeed p q &&
		test_expect_code 1 git para collect --merge p q >/dev/null 2>&1 &&
		git para resolve q >/dev/null &&
		git para run q >../out 2>../err
	) &&
	test_grep "^q: succeeded" out &&
	id=$(collect_get_in q task.sessionId) &&
	has_arg claude.1 --resume "$id" &&
	args claude.1 >call &&
	test_grep "^Resolve the merge conflicts in this worktree: .para/integration. was merged into the branch .solve/q. of task .q." call &&
	test_grep -x "Polish the readme" call &&
	test_grep ! "previous attempt" call &&
	test_path_is_missing calls/claude.2 &&
	echo "resolved by claude" >expect &&
	git -C repo show solve/q:README >actual &&
	test_cmp expect actual
'

test_expect_success JQ 'claude-code: a session Claude has already is not named again' '
	rm -f calls/* &&
	git -C repo para add -m "Again" again >/dev/null &&
	id=$(collect_get_in again task.sessionId) &&
	mkdir -p "$HOME/.claude/projects/-some-dir" &&
	: >"$HOME/.claude/projects/-some-dir/$id.jsonl" &&
	git -C repo para run again >out 2>err &&
	args claude.1 >call &&
	test_grep ! -x -- --session-id call &&
	test_grep ! -x -- --resume call &&
	test "$(collect_get_in again run.agentSessionId)" = 5e0c2f3a-1b2c-4d5e-8f90-a1b2c3d4e5f6
'

test_expect_success JQ 'claude-code --resume without a session id fails, running nothing' '
	rm -f calls/* &&
	(
		cd repo &&
		PARA_TASK=fix PARA_SESSION_ID= PARA_AGENT_SESSION_ID= &&
		export PARA_TASK PARA_SESSION_ID PARA_AGENT_SESSION_ID &&
		test_expect_code 2 "$AGENTS/claude-code" --resume 2>../err
	) &&
	test_grep "^claude-code: --resume needs the task${SQ}s session" err &&
	test_expect_code 2 "$AGENTS/claude-code" --continue 2>err &&
	test_grep "^claude-code: unknown argument .--continue." err &&
	test_path_is_missing calls/claude.1
'

test_expect_success JQ 'codex: the session Codex reports is the one a retry resumes' '
	rm -f calls/* &&
	(
		cd repo &&
		git config para.command "\"$AGENTS/codex\"" &&
		git config para.resumeCommand "\"$AGENTS/codex\" --resume"
	) &&
	git -C repo para add -m "Write the outro" cx >/dev/null &&
	touch fail-next &&
	git -C repo para run --retries 1 cx >out 2>err &&
	test_grep "^cx: succeeded" out &&
	args codex.1 >first &&
	test "$(sed -n 1,3p first | tr "\n" " ")" = "exec --full-auto --json " &&
	test_grep ! -x resume first &&
	test_grep -x "Write the outro" first &&
	args codex.2 >second &&
	test "$(sed -n 1,5p second | tr "\n" " ")" = "exec --full-auto --json resume 0199a213-81c0-7800-8aa1-bbab2a035a53 " &&
	test_grep "^The previous attempt at this task, in this session, ended before the task was done.\$" second &&
	test_grep -x "Write the outro" second &&
	test_path_is_missing calls/codex.3 &&
	test "$(collect_get_in cx run.agentSessionId)" = 0199a213-81c0-7800-8aa1-bbab2a035a53 &&
	test_grep -x "Wrote codex.txt." repo/.git/para/logs/cx.log &&
	test_grep ! "thread.started" repo/.git/para/logs/cx.log &&
	git -C repo para status --json cx >status.json &&
	jq -c ".tasks[0].result | {sessionId, tokensIn, tokensOut, summary}" status.json >actual &&
	echo "{\"sessionId\":\"0199a213-81c0-7800-8aa1-bbab2a035a53\",\"tokensIn\":24763,\"tokensOut\":122,\"summary\":\"Wrote codex.txt.\"}" >expect &&
	test_cmp expect actual
'

test_expect_success JQ 'codex: git para attach --resume runs codex resume with its session' '
	rm -f calls/* &&
	git -C repo para attach --resume cx &&
	printf "%s\n" resume 0199a213-81c0-7800-8aa1-bbab2a035a53 >expect &&
	args codex.1 >actual &&
	test_cmp expect actual
'

test_expect_success JQ 'codex: with no session of Codex known, attach --resume fails and a retry starts anew' '
	rm -f calls/* &&
	git -C repo para add -m "Nothing yet" fresh >/dev/null &&
	test_expect_code 1 git -C repo para attach --resume fresh 2>err &&
	test_grep "^codex: no session of Codex is known for task .fresh." err &&
	test_path_is_missing calls/codex.1 &&
	(cd repo && git config -f .git/para/tasks/fresh run.state failed) &&
	git -C repo para run fresh >out 2>err &&
	test_grep "^fresh: succeeded" out &&
	test_grep "codex: no session of Codex is known for task .fresh. .*starting a new one" repo/.git/para/logs/fresh.log &&
	args codex.1 >call &&
	test_grep ! -x resume call &&
	test_grep ! "previous attempt" call
'

test_done
