#!/bin/sh

test_description='git para run: PARA_RESULT recorded per attempt, PARA_INPUTS for tasks that run after others'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

SQ="'"

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		echo top >README &&
		git add . &&
		git commit -q -m init &&
		git para add -q once -m "write once" &&
		git para add -q twice -m "rewrite" &&
		git para add -q bad -m "malformed" &&
		git para add -q none -m "no result"
	) &&
	state=repo/.git/para
'

# the commands: each writes its result (or not) as its name says
cat >once.sh <<\EOF
printf '{"costUsd":0.25,"tokensIn":1200,"tokensOut":300,"turns":3,"sessionId":"s-once","summary":"found two bugs"}\n' >"$PARA_RESULT"
echo "$PARA_RESULT" >"$HOME/path-$PARA_TASK"
EOF
cat >twice.sh <<\EOF
printf '{"costUsd":0.5,"summary":"half way"}' >"$PARA_RESULT"
grep -q "half way" "$PARA_RESULT" &&
printf '{"costUsd":1.5,"tokensIn":10,"summary":"done: \\"all\\" of it\\nsecond line"}' >"$PARA_RESULT"
EOF
cat >bad.sh <<\EOF
printf '{"costUsd": "lots"' >"$PARA_RESULT"
EOF
cat >none.sh <<\EOF
test -n "$PARA_RESULT" && test ! -e "$PARA_RESULT" && test -z "$PARA_INPUTS"
EOF

test_expect_success 'a result written once is recorded with the attempt' '
	git -C repo -c para.command="sh \"$HOME/once.sh\"" para run once >out 2>err &&
	test_must_be_empty err &&
	(cd repo && test_state once run.result) >actual &&
	echo "{\"attempt\":1,\"state\":\"empty\",\"costUsd\":0.25,\"tokensIn\":1200,\"tokensOut\":300,\"turns\":3,\"sessionId\":\"s-once\",\"summary\":\"found two bugs\"}" >expect &&
	test_cmp expect actual &&
	echo "$(cd repo && git rev-parse --absolute-git-dir)/para/results/once/1.json" >expect &&
	test_cmp expect path-once &&
	test_path_is_file "$state/results/once/1.json"
'

test_expect_success 'PARA_RESULT is under the state directory, never in the worktree' '
	git -C repo-worktrees/once status --porcelain --ignored >actual &&
	test_must_be_empty actual &&
	git -C repo log --format=%s main..solve/once >actual &&
	test_must_be_empty actual
'

test_expect_success 'a result rewritten while the command runs: the last one counts' '
	git -C repo -c para.command="sh \"$HOME/twice.sh\"" para run twice >out 2>err &&
	test_must_be_empty err &&
	(cd repo && test_state twice run.result) >actual &&
	printf "%s\n" "{\"attempt\":1,\"state\":\"empty\",\"costUsd\":1.5,\"tokensIn\":10,\"summary\":\"done: \\\"all\\\" of it\\nsecond line\"}" >expect &&
	test_cmp expect actual
'

test_expect_success 'a malformed result is one warning; the attempt is as it was' '
	git -C repo -c para.command="sh \"$HOME/bad.sh\"" para run bad >out 2>err &&
	path="$(cd repo && git rev-parse --absolute-git-dir)/para/results/bad/1.json" &&
	grep "^bad: warning: ignoring the result in ${SQ}$path${SQ}: line 1, column 19: " out &&
	test "$(grep -c warning out)" = 1 &&
	grep "^bad: empty in " out &&
	(cd repo && test_state bad) >actual &&
	echo empty >expect && test_cmp expect actual &&
	test_must_fail git config -f "$state/tasks/bad" run.result
'

test_expect_success 'a command that writes no result records none, without a word' '
	git -C repo -c para.command="sh \"$HOME/none.sh\"" para run none >out 2>err &&
	test_must_be_empty err &&
	test_must_fail grep warning out &&
	(cd repo && test_state none) >actual &&
	echo empty >expect && test_cmp expect actual &&
	test_must_fail git config -f "$state/tasks/none" run.result
'

test_expect_success 'each attempt keeps its own record; a retry starts with no file' '
	cat >retry.sh <<-\EOF &&
	test ! -e "$PARA_RESULT" || exit 9
	printf "{\"costUsd\":0.1,\"summary\":\"try %s\"}" "$PARA_ATTEMPT" >"$PARA_RESULT"
	test "$PARA_ATTEMPT" = 2
	EOF
	(cd repo && git para add -q again -m "fails once") &&
	git -C repo -c para.command="sh \"$HOME/retry.sh\"" para run --retries 1 again >out 2>err &&
	(cd repo && git config -f "$(para_state_file again)" --get-all run.result) >actual &&
	cat >expect <<-\EOF &&
	{"attempt":1,"state":"failed","costUsd":0.1,"summary":"try 1"}
	{"attempt":2,"state":"empty","costUsd":0.1,"summary":"try 2"}
	EOF
	test_cmp expect actual &&
	test_path_is_file "$state/results/again/1.json" &&
	test_path_is_file "$state/results/again/2.json"
'

test_expect_success 'git para run -- <command> gets no PARA_RESULT and records nothing' '
	git -C repo para run --rerun once -- sh -c "test -z \"\$PARA_RESULT\"" >out 2>&1 &&
	(cd repo && git config -f "$(para_state_file once)" --get-all run.result) >actual &&
	test "$(wc -l <actual)" = 1
'

test_expect_success 'a synthesis task after three map tasks reads their results in PARA_INPUTS' '
	cat >map.sh <<-\EOF &&
	if test "$PARA_TASK" = map-c
	then
		exit 0
	fi
	printf "{\"summary\":\"findings of %s\"}" "$PARA_TASK" >"$PARA_RESULT"
	EOF
	cat >reduce.sh <<-\EOF &&
	cp "$PARA_INPUTS" "$HOME/inputs.json"
	EOF
	(
		cd repo &&
		git para add -q map-a -m a &&
		git para add -q map-b -m b &&
		git para add -q map-c -m c &&
		git para add -q report --after map-a --after map-b --after map-c \
			-m "Synthesize the findings" --command "sh \"$HOME/reduce.sh\""
	) &&
	git -C repo -c para.command="sh \"$HOME/map.sh\"" para run map-a map-b map-c report >out 2>err &&
	dir="$(cd repo && git rev-parse --absolute-git-dir)/para/results" &&
	printf "%s\n" "{\"version\":1,\"inputs\":[{\"name\":\"map-a\",\"state\":\"empty\",\"branch\":\"solve/map-a\",\"summary\":\"findings of map-a\",\"result\":\"$dir/map-a/1.json\"},{\"name\":\"map-b\",\"state\":\"empty\",\"branch\":\"solve/map-b\",\"summary\":\"findings of map-b\",\"result\":\"$dir/map-b/1.json\"},{\"name\":\"map-c\",\"state\":\"empty\",\"branch\":\"solve/map-c\",\"summary\":null,\"result\":null}]}" >expect &&
	test_cmp expect inputs.json &&
	test_cmp inputs.json "$dir/report/inputs.json"
'

test_expect_success 'status shows COST and TOKENS only when some task reported them' '
	(cd repo && git para status once twice bad) >out &&
	head -n 1 out >actual &&
	test_grep "EXIT  *COST  *TOKENS" actual &&
	test_grep "^once .* \$0.25  *1.5k" out &&
	test_grep "^twice .* \$1.50  *10" out &&
	test_grep "^bad .* -  *-" out &&
	(cd repo && git para status bad none) >out &&
	test_must_fail grep COST out
'

test_expect_success 'status --json has the totals and one object per attempt' '
	(cd repo && git para status --json again) >out &&
	test_grep "\"result\":{\"costUsd\":0.2,\"tokensIn\":null,\"tokensOut\":null,\"turns\":null,\"sessionId\":null,\"summary\":\"try 2\"}" out &&
	test_grep "\"results\":\[{\"attempt\":1,\"state\":\"failed\",\"costUsd\":0.1,.*\"summary\":\"try 1\"},{\"attempt\":2,\"state\":\"empty\"" out &&
	(cd repo && git para status --json none) >out &&
	test_grep "\"result\":null,\"results\":\[\]" out
'

test_expect_success 'collect --report adds up the usage and quotes each summary' '
	cat >work.sh <<-\EOF &&
	echo work >"file-$PARA_TASK"
	test "$PARA_TASK" = rep-c && exit 0
	printf "{\"costUsd\":0.75,\"tokensIn\":600,\"tokensOut\":150,\"turns\":2,\"summary\":\"did %s\\\\nsecond line\"}" "$PARA_TASK" >"$PARA_RESULT"
	EOF
	(
		cd repo &&
		git para add -q rep-a -m a &&
		git para add -q rep-b -m b &&
		git para add -q rep-c -m c
	) &&
	git -C repo -c para.command="sh \"$HOME/work.sh\"" para run rep-a rep-b rep-c >out 2>err &&
	(cd repo && git para collect --report rep-a rep-b rep-c) >out &&
	test_grep "^2 of 3 tasks reported: \$1.50, 1.2k tokens in, 300 tokens out, 4 turns\.\$" out &&
	test_grep "^Usage: \$0.75, 600 tokens in, 150 tokens out, 2 turns\.\$" out &&
	test_grep "^> did rep-a\$" out &&
	test_grep "^> second line\$" out
'

test_expect_success 'prune removes what the results of a task kept' '
	(cd repo && git para prune --force once >/dev/null) &&
	test_path_is_missing "$state/results/once" &&
	test_path_is_dir "$state/results/twice"
'

test_done
