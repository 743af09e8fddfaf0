#!/bin/sh

test_description='git para status --json and --porcelain: for tools'

. ./test-lib.sh
. "$T_DIR/lib-status.sh"

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		status_task api src/api "src/db/*.sql" &&
		status_task web &&
		status_set web task.after api &&
		status_set web task.lock db &&
		status_set web task.issue 7 &&
		status_set web collect.prUrl https://example.com/pr/7 &&
		cd ../repo-worktrees/api &&
		test_commit one src/api/new.c &&
		echo x >>README &&
		git add README &&
		echo y >stray
	)
'

test_expect_success '--json with no tasks' '
	git init -q empty &&
	(cd empty && git para status --json >../out) &&
	echo "{\"version\":1,\"tasks\":[]}" >expect &&
	test_cmp expect out
'

test_expect_success '--json is one valid JSON document' '
	(cd repo && git para status --json >../out) &&
	python3 -c "import json, sys; json.load(open(\"out\"))" &&
	jq -e ".version == 1 and (.tasks | length) == 2" out
'

test_expect_success '--json carries the facts of a task' '
	jq -c ".tasks[0] | [.name, .state, .branch, .ahead, .behind, .changed,
		.changedFiles, .dirty, .domain, .worktreeExists, .branchExists,
		.exitCode, .process, .after]" out >actual &&
	cat >expect <<-\EOF &&
	["api","new","solve/api",1,0,1,["src/api/new.c"],{"total":2,"staged":1,"unstaged":0,"untracked":1,"conflicted":0},{"check":"outside","patterns":["src/api","src/db/*.sql"],"outside":["README","stray"]},true,true,null,null,[]]
	EOF
	test_cmp expect actual
'

test_expect_success '--json carries paths, dependencies, locks and the PR' '
	jq -r ".tasks[1] | .worktree, .log, (.after|join(\",\")),
		(.locks|join(\",\")), .issue, .prUrl, .base, .tip, .created,
		.domain.check" out >actual &&
	cat >expect <<-EOF &&
	$TRASH_DIRECTORY/repo-worktrees/web
	$TRASH_DIRECTORY/repo/.git/para/logs/web.log
	api
	db
	7
	https://example.com/pr/7
	$(git -C repo rev-parse HEAD)
	$(git -C repo rev-parse HEAD)
	1700000000000
	none
	EOF
	test_cmp expect actual
'

test_expect_success '--json keeps any prompt intact' '
	printf "say \"hi\";\\\\ # \\t tab\\nnext line \\303\\251t\\303\\251 \\001" >prompt &&
	(cd repo && status_set web task.prompt "$(cat ../prompt)" &&
		git para status --json web >../out) &&
	jq -j ".tasks[0].prompt" out >actual &&
	test_cmp prompt actual
'

test_expect_success '--json stays valid with bytes that are not UTF-8' '
	(cd repo && status_set web task.prompt "$(printf "bad \\377\\376 bytes")" &&
		git para status --json web >../out) &&
	python3 -c "import json; json.loads(open(\"out\", \"rb\").read().decode(\"utf-8\"))"
'

test_expect_success '--json shows a running task'"'"'s processes' '
	(
		cd repo &&
		status_set api run.state running &&
		status_set api run.started 1700000000000 &&
		status_record_proc api runner $$ &&
		status_record_proc api proc $$ &&
		git para status --json api >../out
	) &&
	jq -c ".tasks[0] | [.state, .process.pid, .process.alive,
		.runner.pid, .runner.alive, .started, .runTimeMs > 0]" out >actual &&
	echo "[\"running\",$$,true,$$,true,1700000000000,true]" >expect &&
	test_cmp expect actual
'

test_expect_success '--porcelain: one tab-separated line per task' '
	(cd repo && status_set api run.state failed &&
		status_set api run.exitCode 3 &&
		status_set api run.finished 1700000001500 &&
		git para status --porcelain >../out) &&
	printf "api\tfailed\tsolve/api\t1\t0\t1\t2\toutside\t2\t1500\t3\t$$\t-\t$TRASH_DIRECTORY/repo-worktrees/api\t$$\n" >expect &&
	printf "web\tnew\tsolve/web\t0\t0\t0\t0\tnone\t-\t-\t-\t-\t-\t$TRASH_DIRECTORY/repo-worktrees/web\t-\n" >>expect &&
	test_cmp expect out
'

test_expect_success 'a finished task whose process is gone has no pid, only a last pid' '
	sh -c "exit 0" &
	gone=$! &&
	wait $gone &&
	(
		cd repo &&
		status_set api run.pid $gone &&
		git para status --porcelain api >../out &&
		git para status --json api >../json
	) &&
	cut -f1,2,12,15 out >actual &&
	printf "api\tfailed\t-\t$gone\n" >expect &&
	test_cmp expect actual &&
	jq -c ".tasks[0].process | [.pid, .lastPid, .alive]" json >actual &&
	echo "[null,$gone,false]" >expect &&
	test_cmp expect actual
'

test_expect_success 'a pid now held by another process is not the task'"'"'s pid' '
	sleep 60 &
	other=$! &&
	test_when_finished "kill $other" &&
	(
		cd repo &&
		status_set api run.pid $other &&
		status_set api run.pidStart 1 &&
		git para status --porcelain api >../out &&
		git para status --json api >../json
	) &&
	cut -f12,15 out >actual &&
	printf -- "-\t$other\n" >expect &&
	test_cmp expect actual &&
	jq -c ".tasks[0].process | [.pid, .lastPid, .alive]" json >actual &&
	echo "[null,$other,false]" >expect &&
	test_cmp expect actual &&
	kill -0 $other
'

test_expect_success '--porcelain: a domain violation' '
	(
		cd repo-worktrees/api &&
		git reset -q &&
		test_commit two docs/outside.md &&
		cd ../../repo &&
		git para status --porcelain api >../out
	) &&
	cut -f1,6,8,9 out >actual &&
	printf "api\t2\toutside\t3\n" >expect &&
	test_cmp expect actual &&
	(cd repo && git para status --json api >../out) &&
	jq -c ".tasks[0].domain.outside" out >actual &&
	echo "[\"docs/outside.md\",\"README\",\"stray\"]" >expect &&
	test_cmp expect actual
'

test_expect_success '--porcelain: no colour even when asked for' '
	(cd repo && git -c color.para=always para status --porcelain >../out) &&
	! grep "$(printf "\033")" out
'

test_done
