#!/bin/sh
#
# contrib/agents: the wrappers hand the prompt to the real agents intact,
# with the task's domain; the example agent edits only inside its domain.

test_description='agent wrappers and the example agent'

. "$(dirname "$0")"/test-lib.sh

AGENTS=$SHARNESS_TEST_DIRECTORY/../contrib/agents

prompt='Fix "the" bug; don'\''t touch $HOME
and keep `this` line'

# fake agents that write each argument on its own, NUL-terminated
test_expect_success 'setup: fake claude, codex and aider' '
	mkdir bin &&
	for a in claude codex aider; do
		printf "#!/bin/sh\nprintf \"%%s\\\\0\" \"\$@\" >\"\$ARGS_OUT\"\n" \
			>bin/$a &&
		chmod +x bin/$a || return 1
	done &&
	test_create_repo repo &&
	PARA_TASK=fix PARA_BRANCH=solve/fix PARA_PROMPT=$prompt &&
	PARA_DOMAIN="src/api
docs/guide.md" &&
	export PARA_TASK PARA_BRANCH PARA_PROMPT PARA_DOMAIN
'

# args_of <file>: the recorded arguments, one a line (NULs as newlines)
args_of () {
	tr "\0" "\n" <"$1"
}

test_expect_success 'the prompt carries the task and its domain' '
	"$AGENTS/para-agent-prompt" >full &&
	printf "%s\n" "$prompt" >expect &&
	head -n 2 full >actual &&
	test_cmp expect actual &&
	grep -x -- "- src/api" full &&
	grep -x -- "- docs/guide.md" full &&
	test_grep "task fix .*solve/fix" full
'

test_expect_success 'the prompt carries what the last verify said, if it failed' '
	"$AGENTS/para-agent-prompt" >without &&
	test_grep ! "check failed" without &&
	seq 1 300 | sed "s/^/line /" >verify.log &&
	PARA_VERIFY_LOG=$PWD/verify.log "$AGENTS/para-agent-prompt" >with &&
	test_grep "check failed" with &&
	test_grep -x "line 300" with &&
	test_grep -x "line 101" with &&
	test_grep ! -x "line 100" with &&
	PARA_VERIFY_LOG=$PWD/missing.log "$AGENTS/para-agent-prompt" >gone &&
	test_cmp without gone
'

test_expect_success 'the prompt says where the shared context is' '
	"$AGENTS/para-agent-prompt" >without &&
	test_grep ! "Other agents" without &&
	PARA_CONTEXT=/repo/.git/para/context.md "$AGENTS/para-agent-prompt" >with &&
	test_grep "The file /repo/.git/para/context.md$" with &&
	test_grep "Never edit it" with
'

test_expect_success 'with --resume the prompt says the session goes on, unless resolving' '
	"$AGENTS/para-agent-prompt" >fresh &&
	"$AGENTS/para-agent-prompt" --resume >resumed &&
	head -n 4 resumed >actual &&
	cat >expect <<-\EOF &&
	The previous attempt at this task, in this session, ended before the task was done.
	Look at what the worktree holds now (what that attempt left, or, after
	git para run --retry-fresh, where it began) and go on from there.

	EOF
	test_cmp expect actual &&
	tail -n +5 resumed >actual &&
	test_cmp fresh actual &&
	PARA_CONFLICTS=README "$AGENTS/para-agent-prompt" --resume >actual &&
	test_cmp fresh actual &&
	test_expect_code 2 "$AGENTS/para-agent-prompt" --again 2>err &&
	test_grep "unknown argument .--again." err
'

test_expect_success 'para-agent-prompt outside git para run' '
	(
		unset PARA_TASK &&
		test_expect_code 2 "$AGENTS/para-agent-prompt" 2>err
	) &&
	test_grep "PARA_TASK is not set" err
'

test_expect_success 'claude-code runs claude --print with the prompt' '
	"$AGENTS/para-agent-prompt" >expect.prompt &&
	(
		cd repo &&
		PATH=$(pwd)/../bin:$PATH ARGS_OUT=../claude.args \
			"$AGENTS/claude-code"
	) &&
	printf "%s\0" --print --permission-mode acceptEdits \
		"$(cat expect.prompt)" >expect &&
	test_cmp expect claude.args
'

test_expect_success 'under git para run, claude-code reports through its hooks' '
	(
		cd repo &&
		PATH=$(pwd)/../bin:$PATH ARGS_OUT=../claude.args \
			PARA_STATUS_FILE=../status "$AGENTS/claude-code"
	) &&
	tr "\0" "\n" <claude.args >args &&
	sed -n 5p args >settings.json &&
	test "$(sed -n 4p args)" = --settings &&
	for hook in Notification Stop
	do
		python3 -c "import json, sys; print(json.load(open(sys.argv[1]))[\"hooks\"][sys.argv[2]][0][\"hooks\"][0][\"command\"])" \
			settings.json $hook >cmd &&
		PARA_STATUS_FILE=reported.$hook sh -c "$(cat cmd)" || return 1
	done &&
	echo "waiting needs attention" >expect &&
	test_cmp expect reported.Notification &&
	echo idle >expect &&
	test_cmp expect reported.Stop
'

test_expect_success 'under git para run, claude-code fills PARA_RESULT from claude'"'"'s JSON output' '
	mkdir jbin &&
	cat >jbin/claude <<-\EOF &&
	#!/bin/sh
	printf "%s\0" "$@" >"$ARGS_OUT"
	cat <<-\JSON
	{"type":"result","subtype":"success","is_error":false,"duration_ms":4210,"num_turns":6,"result":"Fixed the \"off by one\" in the parser.\nTests pass.","session_id":"3f9c2a1e-7b4d-4e1a-9c2b-5d6e7f8a9b0c","total_cost_usd":0.1834,"usage":{"input_tokens":1520,"cache_creation_input_tokens":8000,"cache_read_input_tokens":20000,"output_tokens":910}}
	JSON
	EOF
	chmod +x jbin/claude &&
	(
		cd repo &&
		PATH=$(pwd)/../jbin:$PATH ARGS_OUT=../claude.args \
			PARA_RESULT=../result.json "$AGENTS/claude-code" >../answer
	) &&
	tr "\0" "\n" <claude.args >args &&
	grep -x -- "--output-format" args &&
	printf "%s\n" "Fixed the \"off by one\" in the parser." "Tests pass." >expect &&
	test_cmp expect answer &&
	cat >expect <<-\EOF &&
	{"costUsd":0.1834,"tokensIn":1520,"tokensOut":910,"turns":6,"sessionId":"3f9c2a1e-7b4d-4e1a-9c2b-5d6e7f8a9b0c","summary":"Fixed the \"off by one\" in the parser.\nTests pass."}
	EOF
	test_cmp expect result.json &&
	test_path_is_missing result.json.tmp
'

test_expect_success 'claude-code without PARA_RESULT prints claude'"'"'s plain answer' '
	(
		cd repo &&
		PATH=$(pwd)/../bin:$PATH ARGS_OUT=../claude.args "$AGENTS/claude-code"
	) &&
	tr "\0" "\n" <claude.args >args &&
	test_must_fail grep -x -- "--output-format" args
'

test_expect_success 'codex runs codex exec with the prompt' '
	(
		cd repo &&
		PATH=$(pwd)/../bin:$PATH ARGS_OUT=../codex.args \
		PARA_CODEX_ARGS="--model m1" "$AGENTS/codex"
	) &&
	printf "%s\0" exec --full-auto --model m1 \
		"$(cat expect.prompt)" >expect &&
	test_cmp expect codex.args
'

test_expect_success 'aider gets the prompt and the files of the domain' '
	(
		cd repo &&
		PATH=$(pwd)/../bin:$PATH ARGS_OUT=../aider.args \
			"$AGENTS/aider"
	) &&
	args_of aider.args >args &&
	test "$(sed -n 1p args)" = --message &&
	tr "\0" "\n" <aider.args | sed -n "/^--\$/,\$p" >actual &&
	printf "%s\n" -- docs/guide.md src/api/orders.c >expect &&
	test_cmp expect actual
'

test_expect_success 'a wrapper whose agent is missing says so' '
	(
		PATH=/usr/bin:/bin &&
		test_expect_code 127 "$AGENTS/claude-code" 2>err
	) &&
	test_grep "claude.* not found" err
'

test_expect_success 'example-agent edits files of its domain only' '
	(
		cd repo &&
		PARA_DOMAIN="src/api/
notes/
src/*.h" "$AGENTS/example-agent" >../agent.out
	) &&
	git -C repo status --porcelain >actual &&
	cat >expect <<-\EOF &&
	 M src/api/orders.c
	?? notes/
	EOF
	test_cmp expect actual &&
	grep "fix (attempt 1): Fix \"the\" bug" repo/src/api/orders.c &&
	test -f repo/notes/fix.md &&
	test_grep "nothing matches src/\*.h" agent.out
'

test_expect_success 'example-agent without a domain writes <task>.md' '
	git -C repo stash -u -q &&
	(
		cd repo &&
		unset PARA_DOMAIN &&
		"$AGENTS/example-agent" >/dev/null
	) &&
	git -C repo status --porcelain >actual &&
	echo "?? fix.md" >expect &&
	test_cmp expect actual
'

test_expect_success 'example-agent fails on request, changing nothing' '
	git -C repo stash -u -q &&
	(
		cd repo &&
		EXAMPLE_AGENT_FAIL=1 &&
		export EXAMPLE_AGENT_FAIL &&
		test_expect_code 1 "$AGENTS/example-agent" >/dev/null
	) &&
	git -C repo status --porcelain >actual &&
	test_must_be_empty actual
'

test_done
