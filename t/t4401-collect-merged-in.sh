#!/bin/sh

test_description='git para collect and status: what a task merged in is not its change

A task branch that merged the integration branch (as collect suggests
when a task does not merge cleanly), or a newer tip of its base, holds
the files of those merges; they are not the task'"'"'s own changes.'

. ./test-lib.sh
. "$T_DIR/lib-collect.sh"

test_expect_success 'setup: three tasks, two merged into the integration branch' '
	git init -q --bare remote.git &&
	collect_setup_repo &&
	cd repo &&
	printf "%s\n" a b c >NOTES &&
	git add NOTES &&
	git commit -q -m notes &&
	git remote add origin ../remote.git &&
	git push -q origin main &&
	git fetch -q origin &&
	git remote set-head origin main &&
	git para add -p src/api api &&
	git para add -p src/db db &&
	git para add -p src/web web &&
	test "$(collect_get web task.baseRef)" = refs/remotes/origin/main &&
	collect_commit api src/api/orders.c "api 2" &&
	collect_commit db src/db/schema.sql "db 2" &&
	collect_commit web src/web/page.html "web 2" &&
	collect_succeed api db web &&
	git para collect --merge api db >out &&
	grep "^merged task .db." out
'

test_expect_success 'a task that merged the integration branch keeps only its own changes' '
	git -C "$(collect_wt web)" merge -q --no-edit para/integration &&
	git -C "$(collect_wt web)" rev-parse -q --verify HEAD^2 &&
	git para collect web >actual &&
	cat >expect <<-\EOF &&
	task web: 1 changed, ok
	tasks: 1, pairs: 0 (merged 0), outside domain: 0, overlaps: 0, conflicts: 0
	EOF
	test_cmp expect actual
'

test_expect_success 'no overlaps with the tasks it merged in, collect --check passes' '
	git para collect --check api web >actual &&
	cat >expect <<-\EOF &&
	task api: 1 changed, ok
	task web: 1 changed, ok
	tasks: 2, pairs: 1 (merged 1), outside domain: 0, overlaps: 0, conflicts: 0
	EOF
	test_cmp expect actual &&
	git para collect --push web >out 2>err &&
	test_must_be_empty err
'

test_expect_success 'status counts the same changes' '
	git para status --porcelain web >out &&
	echo "1 ok" >expect &&
	cut -f6,8 out | tr "\t" " " >actual &&
	test_cmp expect actual
'

test_expect_success 'a newer tip of the base merged in is not the task'"'"'s change' '
	echo later >src-later &&
	git add src-later &&
	git commit -q -m later &&
	git push -q origin main &&
	git fetch -q origin &&
	collect_commit db src/db/index.sql "db 3" &&
	git -C "$(collect_wt db)" merge -q --no-edit origin/main &&
	git para collect db >actual &&
	cat >expect <<-\EOF &&
	task db: 2 changed, ok
	tasks: 1, pairs: 0 (merged 0), outside domain: 0, overlaps: 0, conflicts: 0
	EOF
	test_cmp expect actual
'

test_expect_success 'what the task wrote in a merge (a conflict resolved, an edit) is its own' '
	collect_commit api NOTES "api notes" &&
	git para collect --merge api >out &&
	git para add -p src/ui ui &&
	collect_commit ui NOTES "ui notes" &&
	collect_commit ui src/ui/app.js "ui 2" &&
	collect_succeed ui &&
	(
		cd "$(collect_wt ui)" &&
		test_must_fail git merge -q --no-edit para/integration >/dev/null &&
		echo "resolved" >NOTES &&
		echo "fixed in the merge" >src/db/schema.sql &&
		git add NOTES src/db/schema.sql &&
		git commit -q --no-edit
	) &&
	test_expect_code 1 git para collect ui >actual &&
	printf "%s\n" "task ui: 3 changed, 2 outside its domain" "	NOTES" \
		"	src/db/schema.sql" \
		"tasks: 1, pairs: 0 (merged 0), outside domain: 1, overlaps: 0, conflicts: 0" >expect &&
	test_cmp expect actual
'

test_expect_success 'a file merged in and then edited by the task is its own' '
	collect_commit web src/api/orders.c "web edits api" &&
	test_expect_code 1 git para collect web >actual &&
	grep "^task web: 2 changed, 1 outside its domain" actual &&
	grep "^	src/api/orders.c" actual &&
	collect_worktrees_clean
'

test_done
