#!/bin/sh

test_description='git para collect --check: domains, overlaps, conflicts'

. ./test-lib.sh
. "$T_DIR/lib-collect.sh"

test_expect_success 'setup' '
	collect_setup_repo &&
	cd repo &&
	printf "%s\n" 1 2 3 4 5 6 7 8 9 10 11 12 >CHANGELOG.md &&
	git add CHANGELOG.md &&
	git commit -q -m changelog &&
	git para add -p src/api api &&
	git para add -p src/db db &&
	git para add -p docs web &&
	collect_commit api src/api/orders.c "api 2" &&
	collect_commit db src/db/schema.sql "db 2" &&
	collect_commit web docs/guide.md "doc 2"
'

test_expect_success 'nothing to collect before tasks succeed' '
	git para collect >actual &&
	echo "no succeeded tasks to collect" >expect &&
	test_cmp expect actual
'

test_expect_success JQ 'collect --merge --json with nothing to merge is still JSON' '
	git para collect --merge=int/n --json >out 2>err &&
	jq -r ".branch, (.tasks | length), .to" out >actual &&
	printf "%s\n" int/n 0 null >expect &&
	test_cmp expect actual &&
	test_must_be_empty err &&
	test_must_fail git rev-parse -q --verify int/n
'

test_expect_success 'clean tasks pass the check without any merge' '
	collect_succeed api db web &&
	git para collect >actual &&
	cat >expect <<-\EOF &&
	task api: 1 changed, ok
	task db: 1 changed, ok
	task web: 1 changed, ok
	tasks: 3, pairs: 3 (merged 0), outside domain: 0, overlaps: 0, conflicts: 0
	EOF
	test_cmp expect actual &&
	git para collect --check >actual &&
	test_cmp expect actual &&
	collect_worktrees_clean
'

test_expect_success 'named tasks only, from inside a task worktree' '
	(cd "$(collect_wt db)/src" && git para collect api db) >actual &&
	cat >expect <<-\EOF &&
	task api: 1 changed, ok
	task db: 1 changed, ok
	tasks: 2, pairs: 1 (merged 0), outside domain: 0, overlaps: 0, conflicts: 0
	EOF
	test_cmp expect actual
'

test_expect_success 'an unknown task is a fatal error' '
	test_expect_code 128 git para collect api nope 2>err &&
	grep "^fatal: .*nope" err
'

test_expect_success 'shared paths may be changed by every task' '
	collect_commit api CHANGELOG.md "$(printf "%s\n" api 2 3 4 5 6 7 8 9 10 11 12)" &&
	collect_commit db CHANGELOG.md "$(printf "%s\n" 1 2 3 4 5 6 7 8 9 10 11 db)" &&
	test_expect_code 1 git para collect api db >actual &&
	grep "^task api: 2 changed, 1 outside its domain" actual &&
	git -c para.sharedPath=CHANGELOG.md para collect api db >actual &&
	cat >expect <<-\EOF &&
	task api: 2 changed, ok
	task db: 2 changed, ok
	tasks: 2, pairs: 1 (merged 1), outside domain: 0, overlaps: 0, conflicts: 0
	EOF
	test_cmp expect actual
'

test_expect_success 'a change outside the domain is reported' '
	git config para.sharedPath CHANGELOG.md &&
	collect_commit web src/auth/login.c "auth by web" &&
	test_expect_code 1 git para collect >actual &&
	cat >expect <<-\EOF &&
	task api: 2 changed, ok
	task db: 2 changed, ok
	task web: 2 changed, 1 outside its domain
	Z	src/auth/login.c
	tasks: 3, pairs: 3 (merged 1), outside domain: 1, overlaps: 0, conflicts: 0
	EOF
	sed "s/^Z//" expect >expect.tab &&
	test_cmp expect.tab actual
'

test_expect_success 'a file changed alike by two tasks is an overlap' '
	git -C "$(collect_wt web)" reset -q --hard HEAD^ &&
	collect_commit api README "new readme" &&
	collect_commit web README "new readme" &&
	test_expect_code 1 git para collect >actual &&
	grep "^task api: 3 changed, 1 outside its domain" actual &&
	grep "^overlap: README: api web\$" actual &&
	grep "overlaps: 1, conflicts: 0\$" actual
'

test_expect_success 'different changes to one file are a conflict' '
	collect_commit db README "db readme" &&
	test_expect_code 1 git para collect >actual &&
	grep "^overlap: README: api db web\$" actual &&
	cat >expect <<-\EOF &&
	conflict: api db
	Z	README
	conflict: db web
	Z	README
	EOF
	sed "s/^Z//" expect >expect.tab &&
	grep -A1 "^conflict:" actual >actual.conflicts &&
	test_cmp expect.tab actual.conflicts &&
	grep "conflicts: 2\$" actual &&
	collect_worktrees_clean
'

test_expect_success '--json describes the same' '
	test_expect_code 1 git para collect --json >out &&
	grep "^{\"version\":1,\"ok\":false," out &&
	grep "\"conflicts\":\[{\"tasks\":\[\"api\",\"db\"\],\"files\":\[\"README\"\]}" out
'

test_expect_success JQ '--json is valid JSON' '
	test_expect_code 1 git para collect --json >out &&
	jq -r ".tasks[] | .name + \" \" + (.outside | length | tostring)" out >actual &&
	printf "api 1\ndb 1\nweb 1\n" >expect &&
	test_cmp expect actual
'

test_expect_success JQ '--json keys are camelCase, as in status --json' '
	test_expect_code 1 git para collect --json >out &&
	jq -r "[paths | .[] | strings] | unique | .[]" out >keys &&
	! grep "_" keys &&
	jq -c "[.pairs, .pairsMerged, (.tasks[0] | has(\"prUrl\"))]" out >actual &&
	echo "[3,3,true]" >expect &&
	test_cmp expect actual &&
	(cd .. && git -C repo para status --json >status.json) &&
	jq -r "[paths | .[] | strings] | unique | .[]" ../status.json >keys &&
	! grep "_" keys
'

test_expect_success 'a file in one task where another has a directory conflicts' '
	git para add clash-file &&
	git para add clash-dir &&
	collect_commit clash-file gen "a file" &&
	collect_commit clash-dir gen/out.txt "a directory" &&
	collect_succeed clash-file clash-dir &&
	test_expect_code 1 git para collect clash-file clash-dir >actual &&
	grep "^conflict: clash-file clash-dir" actual &&
	grep "^task clash-file: 1 changed, no domain" actual &&
	grep "pairs: 1 (merged 1)" actual
'

test_expect_success 'a dependent task is judged on its own changes' '
	git para add -p src/auth --after api auth &&
	collect_commit auth src/auth/login.c "auth 2" &&
	collect_succeed auth &&
	git para collect auth >actual &&
	grep "^task auth: 1 changed, ok" actual
'

test_expect_success 'a task named twice is checked once' '
	git para collect auth auth >actual &&
	grep "^tasks: 1, pairs: 0" actual
'

test_expect_success 'a damaged state file is reported, the others are checked' '
	git para add -p src/broken broken &&
	echo "[para" >"$(collect_state_file broken)" &&
	git para collect auth >expect &&
	git para collect auth >actual 2>err &&
	test_cmp expect actual &&
	test_expect_code 1 git para collect >actual 2>err &&
	grep "^warning: .*broken" err &&
	grep "^task auth: 1 changed, ok" actual
'

test_expect_success 'modes cannot be combined' '
	test_expect_code 129 git para collect --merge --push 2>err &&
	grep "cannot be used together" err &&
	test_expect_code 129 git para collect --json --report 2>err &&
	test_expect_code 129 git para collect --frobnicate 2>err &&
	grep "unknown option" err
'

test_done
