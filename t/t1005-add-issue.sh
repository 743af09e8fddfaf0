#!/bin/sh

test_description='git para add --issue: the issue is read and declares its task'

. ./test-lib.sh
. "$T_DIR/lib-gh.sh"

command -v jq >/dev/null 2>&1 && test_set_prereq JQ

SQ="'"

# get <task> [<option>] <key>: a field of the task's state
get () {
	t=$1 && shift &&
	git config -f "$TRASH_DIRECTORY/repo/.git/para/tasks/$t" "$@"
}

test_expect_success 'setup' '
	test_create_repo repo &&
	gh_setup &&
	gh_issue 42 "Orders API returns 500" "The orders endpoint fails.

Steps: call /orders"
'

test_expect_success 'add --issue reads the issue into the prompt and records its title' '
	(cd repo && git para add --issue 42 >../out) &&
	test_grep "^Created task .issue-42. on branch .solve/issue-42." out &&
	cat >expect <<-\EOF &&
	Solve issue #42: Orders API returns 500

	The orders endpoint fails.

	Steps: call /orders

	https://github.com/example/shop/issues/42
	EOF
	get issue-42 task.prompt >actual &&
	test_cmp expect actual &&
	echo "Orders API returns 500" >expect &&
	get issue-42 task.title >actual &&
	test_cmp expect actual &&
	echo "gh <issue> <view> <42> <--json> <number,title,body,labels,url> PARA_ISSUE=<42> PARA_QUERY=<>" >expect &&
	gh_calls >actual &&
	test_cmp expect actual
'

test_expect_success 'status -v and --json show the title' '
	(cd repo && git para status -v issue-42 >../out &&
	 git para status --json issue-42 >../json) &&
	test_grep "^    issue #42: Orders API returns 500\$" out &&
	test_grep "\"title\":\"Orders API returns 500\"" json
'

test_expect_success 'status -v shows a title with control characters harmlessly' '
	printf "%s\n" "{\"number\":46,\"title\":\"red \\u001b[31m\\ttab\"}" >"$GH_DIR/issue-46.json" &&
	(cd repo && git para add --issue 46 && git para status -v issue-46 >../out) &&
	test_grep "^    issue #46: red ?\[31m?tab\$" out
'

test_expect_success '-m is appended to the issue, not put in its place' '
	rm -f "$GH_DIR/log" &&
	gh_issue 43 "Typo" "" &&
	(cd repo && git para add --issue "#43" -m "Keep it short.") &&
	printf "Solve issue #43: Typo\n\nhttps://github.com/example/shop/issues/43\n\nKeep it short.\n" >expect &&
	get issue-43 task.prompt >actual &&
	test_cmp expect actual
'

test_expect_success '--prompt-file is appended too' '
	gh_issue 44 "Docs" "Write them." &&
	echo "From the file." >prompt.txt &&
	(cd repo && git para add --issue 44 --prompt-file ../prompt.txt) &&
	printf "Solve issue #44: Docs\n\nWrite them.\n\nhttps://github.com/example/shop/issues/44\n\nFrom the file.\n\n" >expect &&
	get issue-44 task.prompt >actual &&
	test_cmp expect actual
'

test_expect_success '--dry-run shows the issue and its declarations, makes nothing' '
	gh_issue 47 "Dry" "Paths: src/dry/
Locks: db" &&
	(cd repo && git para add --dry-run --issue 47 >../out) &&
	test_grep "^  issue:    #47 Dry\$" out &&
	test_grep "^  domain:   src/dry\$" out &&
	test_grep "^  locks:    db\$" out &&
	test_no_task_at issue-47
'

test_expect_success '--offline does not read the issue' '
	rm -f "$GH_DIR/log" &&
	(cd repo && git para add --offline --issue 45 &&
	 git para status -v issue-45 >../out) &&
	echo "Solve issue #45" >expect &&
	get issue-45 task.prompt >actual &&
	test_cmp expect actual &&
	test_must_fail get issue-45 task.title &&
	test_grep ! "issue #45:" out &&
	test_path_is_missing "$GH_DIR/log"
'

test_expect_success 'the body declares paths, dependencies and locks' '
	gh_issue 50 "Orders" "Paths: src/api/ src/db/schema.sql
after: #42 issue-45
LOCKS: db port-range

~~~
Paths: src/auth
~~~
Text below." &&
	(cd repo && git para add --issue 50 --allow-overlap) &&
	printf "src/api\nsrc/db/schema.sql\n" >expect &&
	get issue-50 --get-all task.path >actual &&
	test_cmp expect actual &&
	printf "issue-42\nissue-45\n" >expect &&
	get issue-50 --get-all task.after >actual &&
	test_cmp expect actual &&
	printf "db\nport-range\n" >expect &&
	get issue-50 --get-all task.lock >actual &&
	test_cmp expect actual
'

test_expect_success 'options on the command line win over the declarations' '
	gh_issue 51 "Auth" "Paths: src/api
After: #50
Locks: db" &&
	(cd repo && git para add --issue 51 -p src/auth --after issue-43 --lock gpu) &&
	echo src/auth >expect && get issue-51 --get-all task.path >actual &&
	test_cmp expect actual &&
	echo issue-43 >expect && get issue-51 --get-all task.after >actual &&
	test_cmp expect actual &&
	echo gpu >expect && get issue-51 --get-all task.lock >actual &&
	test_cmp expect actual
'

test_expect_success 'declared paths are relative to the top, from a subdirectory too' '
	gh_issue 52 "Guide" "Paths: docs/guide.md" &&
	(cd repo/src && git para add --issue 52) &&
	echo docs/guide.md >expect && get issue-52 task.path >actual &&
	test_cmp expect actual
'

# refused <issue> <expected message>: nothing of task issue-<issue> is made
refused () {
	(cd repo && test_expect_code 128 git para add --issue "$1" 2>../err) &&
	echo "$2" >expect &&
	head -n 1 err >actual &&
	test_cmp expect actual &&
	test_no_task_at "issue-$1"
}

test_expect_success 'a bad path pattern names the issue and its line' '
	gh_issue 60 "Bad" "Intro

Paths: src/api /etc/passwd" &&
	refused 60 "fatal: issue #60, line 3: invalid path pattern ${SQ}/etc/passwd${SQ}: absolute paths are not allowed"
'

test_expect_success 'a declared domain that overlaps an active task is refused' '
	gh_issue 61 "Overlap" "Paths: src/" &&
	refused 61 "fatal: issue #61, line 1: the domain of task ${SQ}issue-61${SQ} overlaps task ${SQ}issue-50${SQ}: ${SQ}src${SQ} and ${SQ}src/api${SQ} both cover ${SQ}src/api${SQ}"
'

test_expect_success 'a bad lock name names its line' '
	gh_issue 62 "Lock" "x
y
Locks: ok bad/lock" &&
	refused 62 "fatal: issue #62, line 3: invalid lock name ${SQ}bad/lock${SQ}: only letters, digits, ${SQ}.${SQ}, ${SQ}_${SQ}, ${SQ}-${SQ} and ${SQ}:${SQ} are allowed"
'

test_expect_success 'a dependency on an issue without a task is refused' '
	gh_issue 63 "Dep" "After: #99" &&
	refused 63 "fatal: issue #63, line 1: task ${SQ}issue-63${SQ} is to run after issue #99, which has no task"
'

test_expect_success 'a dependency on an unknown task names its line' '
	gh_issue 64 "Dep" "

After: nosuch" &&
	refused 64 "fatal: issue #64, line 3: task ${SQ}issue-64${SQ} depends on unknown task ${SQ}nosuch${SQ}"
'

test_expect_success 'a declaration given twice, or empty, is refused' '
	gh_issue 65 "Twice" "Paths: a
Paths: b" &&
	refused 65 "fatal: issue #65, line 2: ${SQ}Paths${SQ} is declared twice (first at line 1)" &&
	gh_issue 66 "Empty" "Locks:   " &&
	refused 66 "fatal: issue #66, line 1: ${SQ}Locks${SQ} declares nothing"
'

test_expect_success 'an issue that cannot be read is an error naming the command' '
	rm -f "$GH_DIR/log" &&
	(cd repo && test_expect_code 128 git para add --issue 77 2>../err) &&
	cat >expect <<-EOF &&
	fatal: cannot read issue #77: para.issueCommand ${SQ}gh issue view "\$PARA_ISSUE" --json number,title,body,labels,url${SQ} failed (exit status 1): GraphQL: Could not resolve to an issue or pull request with the number of 77. (repository.issue)
	hint: use --offline to go without the issue tracker
	EOF
	test_cmp expect err &&
	test_no_task_at issue-77
'

test_expect_success 'gh not logged in, or not installed' '
	(cd repo && GH_FAIL="To get started with GitHub CLI, please run:  gh auth login" &&
	 export GH_FAIL &&
	 test_expect_code 128 git para add --issue 42 2>../err) &&
	test_grep "^fatal: cannot read issue #42: .* failed (exit status 1): To get started with GitHub CLI, please run:  gh auth login\$" err &&
	(cd repo && test_expect_code 128 git -c para.issueCommand="no-such-gh issue view" para add --issue 78 2>../err) &&
	test_grep "^fatal: cannot read issue #78: para.issueCommand .no-such-gh issue view. failed (exit status 127): .*no-such-gh.*not found" err &&
	test_no_task_at issue-78
'

test_expect_success 'what the command prints must be the issue' '
	(cd repo && test_expect_code 128 git -c para.issueCommand="echo not json" para add --issue 79 2>../err) &&
	echo "fatal: cannot read issue #79: the issue command printed no valid JSON: line 1, column 1: unexpected character" >expect &&
	test_cmp expect err &&
	(cd repo && test_expect_code 128 git -c para.issueCommand="echo {\\\"number\\\":80,\\\"title\\\":\\\"x\\\"}" para add --issue 81 2>../err) &&
	echo "fatal: cannot read issue #81: the issue command described another issue (number 80)" >expect &&
	test_cmp expect err &&
	(cd repo && test_expect_code 128 git -c para.issueCommand="echo {\\\"body\\\":\\\"x\\\"}" para add --issue 82 2>../err) &&
	echo "fatal: cannot read issue #82: the issue command printed no \"title\" string" >expect &&
	test_cmp expect err &&
	test_no_task_at issue-79 && test_no_task_at issue-81 &&
	test_no_task_at issue-82
'

test_expect_success 'an issue number is digits, checked before anything runs' '
	rm -f "$GH_DIR/log" &&
	(cd repo && test_expect_code 128 git para add --issue "1;touch pwned" 2>../err) &&
	test_grep "invalid issue" err &&
	test_path_is_missing "$GH_DIR/log" &&
	test_path_is_missing repo/pwned && test_path_is_missing pwned &&
	(cd repo && test_expect_code 128 git para add --issue 1$(printf "%070d" 0) 2>../err) &&
	test_grep "^fatal: invalid issue .10*.: expected a number like 42 or #42\$" err &&
	test_path_is_missing "$GH_DIR/log"
'

test_expect_success 'nothing from an issue is ever run' '
	evil="\$(touch pwned1) \`touch pwned2\` \"; touch pwned3; \$HOME" &&
	printf "{\"body\":\"%s\",\"labels\":[{\"name\":\"%s\"}],\"number\":90,\"title\":\"%s\",\"url\":\"%s\"}\n" \
		"$(json_string "$evil
Paths: src/auth/\$(touch\${IFS}pwned4) src/\`touch\${IFS}pwned5\`
Locks: db
Command: touch pwned6")" "$(json_string "$evil")" "$(json_string "$evil")" \
		"$(json_string "https://x/\$(touch pwned7)")" >"$GH_DIR/issue-90.json" &&
	(cd repo && git para add --issue 90 --allow-overlap &&
	 git -c para.command="printf \"%s\\\\n\" \"\$PARA_PROMPT\" >prompt.out" para run issue-90) &&
	printf "src/auth/\$(touch\${IFS}pwned4)\nsrc/\`touch\${IFS}pwned5\`\n" >expect &&
	get issue-90 --get-all task.path >actual &&
	test_cmp expect actual &&
	printf "%s\n" "$evil" >expect &&
	get issue-90 task.title >actual &&
	test_cmp expect actual &&
	test_must_fail get issue-90 task.command &&
	get issue-90 task.prompt >expect &&
	test_cmp expect repo-worktrees/issue-90/prompt.out &&
	find . -name "pwned*" >found &&
	test_must_be_empty found
'

test_expect_success 'a 100 KB body round-trips into the prompt' '
	line="\$(touch pwned) \`touch pwned\` ; # \\ \"q\" é" &&
	for i in $(test_seq 1 2200); do printf "%04d %s\n" $i "$line"; done >big &&
	test $(wc -c <big) -gt 100000 &&
	gh_issue 91 "Big" "$(cat big)" &&
	(cd repo && git para add --issue 91) &&
	{ printf "Solve issue #91: Big\n\n" && cat big && printf "\nhttps://github.com/example/shop/issues/91\n"; } >expect &&
	get issue-91 task.prompt >actual &&
	test_cmp expect actual
'

test_expect_success 'several issues at once: one transaction' '
	gh_issue 100 "Schema" "Paths: src/web/" &&
	gh_issue 101 "Orders" "After: #100" &&
	(cd repo && git para add --issue 100 --issue 101 >../out) &&
	test_grep "^Created task .issue-100." out &&
	test_grep "^Created task .issue-101." out &&
	echo issue-100 >expect && get issue-101 --get-all task.after >actual &&
	test_cmp expect actual &&
	echo Orders >expect && get issue-101 task.title >actual &&
	test_cmp expect actual
'

test_expect_success 'several issues: one that cannot be read, and none is made' '
	gh_issue 102 "Fine" "" &&
	(cd repo && test_expect_code 128 git para add --issue 102 --issue 103 2>../err) &&
	test_grep "^fatal: cannot read issue #103: " err &&
	test_no_task_at issue-102 && test_no_task_at issue-103
'

test_expect_success 'several issues: a declaration refused, and none is made' '
	gh_issue 104 "Fine" "Paths: lib/x/" &&
	gh_issue 105 "Clash" "Paths: lib/x/y.c" &&
	(cd repo && test_expect_code 128 git para add --issue 104 --issue 105 2>../err) &&
	test_grep "^fatal: issue #105, line 1: the domain of task .issue-105. overlaps task .issue-104.: .lib/x/y.c. and .lib/x. both cover .lib/x/y.c.\$" err &&
	test_no_task_at issue-104 && test_no_task_at issue-105
'

test_expect_success 'an After: cycle among issues is refused, naming one of its lines' '
	gh_issue 106 "A" "After: #107" &&
	gh_issue 107 "B" "Intro
After: #106" &&
	(cd repo && test_expect_code 128 git para add --issue 106 --issue 107 2>../err) &&
	echo "fatal: issue #106, line 1: dependency cycle: issue-106 -> issue-107 -> issue-106" >expect &&
	test_cmp expect err &&
	test_no_task_at issue-106 && test_no_task_at issue-107
'

test_expect_success '--issues adds the task of each issue the query finds' '
	rm -f "$GH_DIR/log" &&
	gh_issue 110 "One" "Paths: src/one/" &&
	gh_issue 111 "Two" "After: #110" &&
	echo "[{\"number\":110},{\"number\":111},{\"number\":110}]" >"$GH_DIR/list.json" &&
	(cd repo && git para add --issues "label:ready \$(touch pwned) \`touch pwned\`" >../out) &&
	test_grep "^Created task .issue-110." out &&
	test_grep "^Created task .issue-111." out &&
	cat >expect <<-\EOF &&
	gh <issue> <list> <--search> <label:ready $(touch pwned) `touch pwned`> <--json> <number> PARA_ISSUE=<> PARA_QUERY=<label:ready $(touch pwned) `touch pwned`>
	gh <issue> <view> <110> <--json> <number,title,body,labels,url> PARA_ISSUE=<110> PARA_QUERY=<>
	gh <issue> <view> <111> <--json> <number,title,body,labels,url> PARA_ISSUE=<111> PARA_QUERY=<>
	EOF
	gh_calls >actual &&
	test_cmp expect actual &&
	test_path_is_missing repo/pwned && test_path_is_missing pwned
'

test_expect_success '--issues with --issue: each issue once' '
	gh_issue 112 "Three" "" &&
	gh_issue 113 "Four" "" &&
	echo "[{\"number\":113},{\"number\":112}]" >"$GH_DIR/list.json" &&
	(cd repo && git para add --issue 112 --issues "is:open" >../out) &&
	test_grep "^Created task .issue-112." out &&
	test_grep "^Created task .issue-113." out
'

test_expect_success '--issues: nothing found, a failing command, a bad list' '
	echo "[]" >"$GH_DIR/list.json" &&
	(cd repo && test_expect_code 128 git para add --issues none 2>../err) &&
	echo "fatal: no issue matches ${SQ}none${SQ}" >expect &&
	test_cmp expect err &&
	echo "[{\"title\":\"x\"}]" >"$GH_DIR/list.json" &&
	(cd repo && test_expect_code 128 git para add --issues bad 2>../err) &&
	echo "fatal: cannot list the issues for ${SQ}bad${SQ}: para.issueListCommand printed no list of issues: item 1 has no \"number\" that is an issue${SQ}s" >expect &&
	test_cmp expect err &&
	(cd repo && GH_FAIL="HTTP 502" && export GH_FAIL &&
	 test_expect_code 128 git para add --issues x 2>../err) &&
	test_grep "^fatal: cannot list the issues for .x.: para.issueListCommand .gh issue list --search \"\$PARA_QUERY\" --json number. failed (exit status 1): HTTP 502\$" err
'

test_expect_success '--issues and --offline, --branch and several issues' '
	(cd repo && test_expect_code 128 git para add --offline --issues x 2>../err) &&
	echo "fatal: options ${SQ}--issues${SQ} and ${SQ}--offline${SQ} cannot be used together" >expect &&
	test_cmp expect err &&
	(cd repo && test_expect_code 128 git para add -b one --issue 1 --issue 2 2>../err) &&
	echo "fatal: option ${SQ}--branch${SQ} names one branch; it cannot be used with more than one issue" >expect &&
	test_cmp expect err &&
	(cd repo && test_expect_code 128 git para add --issues x name 2>../err) &&
	test_grep "^fatal: options .--issue. and a task name cannot be used together" err &&
	(cd repo && test_expect_code 128 git para add --from m.ini --issues x 2>../err) &&
	test_grep "^fatal: options .--from. and .--issues. cannot be used together" err
'

test_expect_success 'several issues offline' '
	(cd repo && git para add --offline --issue 120 --issue "#121") &&
	echo "Solve issue #121" >expect && get issue-121 task.prompt >actual &&
	test_cmp expect actual
'

test_expect_success JQ 'the GitLab variant of the manual, with glab' '
	cat >"$TRASH_DIRECTORY/bin/glab" <<-\EOF &&
	#!/bin/sh
	case "$1 $2" in
	"issue view")
		test "$4 $5" = "--output json" || exit 2
		printf "%s\n" "{\"id\":9001,\"iid\":$3,\"project_id\":7,\"title\":\"From GitLab\",\"description\":\"Paths: src/gl/\",\"state\":\"opened\",\"labels\":[\"ready\"],\"web_url\":\"https://gitlab.com/shop/shop/-/issues/$3\"}" ;;
	"issue list")
		test "$3 $4 $5 $6" = "--search $PARA_QUERY --output json" || exit 2
		echo "[{\"id\":9002,\"iid\":131,\"title\":\"x\"},{\"id\":9003,\"iid\":132,\"title\":\"y\"}]" ;;
	*) echo "glab: unknown $*" >&2; exit 1 ;;
	esac
	EOF
	chmod +x "$TRASH_DIRECTORY/bin/glab" &&
	(cd repo &&
	 git config para.issueCommand "glab issue view \"\$PARA_ISSUE\" --output json | jq \"{number: .iid, title, body: .description, url: .web_url}\"" &&
	 git config para.issueListCommand "glab issue list --search \"\$PARA_QUERY\" --output json | jq \"map({number: .iid})\"" &&
	 git para add --issue 130 && git para add --allow-overlap --issues ready &&
	 git config --unset para.issueCommand && git config --unset para.issueListCommand) &&
	echo src/gl >expect && get issue-130 task.path >actual && test_cmp expect actual &&
	echo "From GitLab" >expect && get issue-132 task.title >actual &&
	test_cmp expect actual &&
	get issue-130 task.prompt >actual &&
	test_grep "^https://gitlab.com/shop/shop/-/issues/130\$" actual
'

test_expect_success 'a manifest names a task by its issue in after, and reads no issue' '
	rm -f "$GH_DIR/log" &&
	cat >m.ini <<-\EOF &&
	[first]
	issue = 140
	paths = m1/

	[second]
	paths = m2/
	after = "#140" first
	EOF
	(cd repo && git para add --from ../m.ini) &&
	echo first >expect && get second --get-all task.after >actual &&
	test_cmp expect actual &&
	echo "Solve issue #140" >expect && get first task.prompt >actual &&
	test_cmp expect actual &&
	test_path_is_missing "$GH_DIR/log"
'

test_done
