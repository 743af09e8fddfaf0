#!/bin/sh

test_description='git para prune: listing, dropping and expiring the attic'

. ./test-lib.sh

TZ=UTC
export TZ

attic () {
	git -C repo for-each-ref --format="%(refname:lstrip=3)" refs/para/attic/
}

test_expect_success 'setup: two tasks pruned by force, one old-style ref' '
	test_create_repo repo &&
	(
		cd repo &&
		git para add -q -p src/api api &&
		git para add -q -p src/db db &&
		(
			cd ../repo-worktrees/api &&
			echo more >>src/api/orders.c &&
			echo new >src/api/new.c &&
			git add . && git commit -q -m "api: two files"
		) &&
		echo dirty >>../repo-worktrees/db/src/db/schema.sql &&
		git para run -q api -- true &&
		git para prune --force api db >/dev/null &&
		git update-ref refs/para/attic/old HEAD
	) &&
	test -f repo/.git/para/attic/api..exec.log &&
	test -f repo/.git/para/attic/api.info
'

test_expect_success '--list-attic shows date, id, size of the change, branch, subject' '
	(cd repo && git para prune --list-attic >../out) &&
	api=$(git -C repo rev-parse --short=7 refs/para/attic/api) &&
	db=$(git -C repo rev-parse --short=7 refs/para/attic/db) &&
	old=$(git -C repo rev-parse --short=7 refs/para/attic/old) &&
	today=$(date +%Y-%m-%d) &&
	printf "api\t$today HH:MM\t$api\t2 files +2 -0\tsolve/api\tapi: two files\n" >expect &&
	printf "db\t$today HH:MM\t$db\t1 file +1 -0\tsolve/db\tpara: save uncommitted work of task '\''db'\''\n" >>expect &&
	printf "old\t2023-11-14 HH:MM\t$old\t-\t-\tinitial\n" >>expect &&
	sed "s/ [0-9][0-9]:[0-9][0-9]	/ HH:MM	/" out >actual &&
	test_cmp expect actual
'

test_expect_success '--drop-attic --dry-run says what it would drop, drops nothing' '
	(cd repo && git para prune -n --drop-attic api >../out) &&
	echo "Would drop attic entry '\''api'\''" >expect &&
	test_cmp expect out &&
	git -C repo rev-parse -q --verify refs/para/attic/api &&
	test -f repo/.git/para/attic/api..exec.log
'

test_expect_success '--drop-attic removes the ref, its notes and its logs' '
	(cd repo && test_expect_code 1 git para prune --drop-attic api ghost ../up >../out 2>../err) &&
	echo "Dropped attic entry '\''api'\''" >expect &&
	test_cmp expect out &&
	test_grep "^error: no such attic entry .ghost." err &&
	test_grep "^error: no such attic entry .\.\./up." err &&
	! git -C repo rev-parse -q --verify refs/para/attic/api &&
	! test -e repo/.git/para/attic/api..exec.log &&
	! test -e repo/.git/para/attic/api.info &&
	attic >refs && printf "db\nold\n" >expect && test_cmp expect refs
'

test_expect_success 'a dropped name is free for the next forced prune' '
	(
		cd repo &&
		git para add -q -p src/api api &&
		echo again >>../repo-worktrees/api/src/api/orders.c &&
		git para prune -f api >../out
	) &&
	test_grep "work kept in refs/para/attic/api)" out
'

test_expect_success '--expire-attic removes what was kept longer ago, logs too' '
	info=repo/.git/para/attic/db.info &&
	sed "s/^kept .*/kept 1000/" $info >tmp && mv tmp $info &&
	echo gone >repo/.git/para/attic/lonely.log &&
	touch -d "2020-01-01" repo/.git/para/attic/lonely.log &&
	echo young >repo/.git/para/attic/fresh.log &&
	(cd repo && git para prune -n --expire-attic=30d >../out) &&
	printf "Would drop attic entry '\''%s'\''\n" db lonely old >expect &&
	test_cmp expect out &&
	git -C repo rev-parse -q --verify refs/para/attic/db &&
	(cd repo && git para prune --expire-attic=2w >../out) &&
	printf "Dropped attic entry '\''%s'\''\n" db lonely old >expect &&
	test_cmp expect out &&
	attic >refs && echo api >expect && test_cmp expect refs &&
	! test -e repo/.git/para/attic/lonely.log &&
	! test -e repo/.git/para/attic/db.info &&
	test -f repo/.git/para/attic/fresh.log &&
	test -f repo/.git/para/attic/api.info
'

test_expect_success '--expire-attic with nothing old enough drops nothing' '
	(cd repo && git para prune --expire-attic=12h >../out) &&
	test_must_be_empty out &&
	attic >refs && echo api >expect && test_cmp expect refs
'

test_expect_success 'a bad age is fatal, usage errors exit 129' '
	(cd repo && test_expect_code 128 git para prune --expire-attic=soon 2>../err) &&
	test_grep "^fatal: invalid age .soon." err &&
	(cd repo && test_expect_code 129 git para prune --drop-attic 2>../err) &&
	test_grep "needs the names of attic entries" err &&
	(cd repo && test_expect_code 129 git para prune --expire-attic=1d api 2>../err) &&
	(cd repo && test_expect_code 129 git para prune --drop-attic --force api 2>../err) &&
	(cd repo && test_expect_code 129 git para prune --list-attic --drop-attic api 2>../err) &&
	attic >refs && echo api >expect && test_cmp expect refs
'

test_done
