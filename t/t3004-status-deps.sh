#!/bin/sh

test_description='git para status: a dependent task counts its own changes'

. ./test-lib.sh
. "$T_DIR/lib-status.sh"

# changed <task>: "<count> <files>" as status --json shows them
changed () {
	jq -r ".tasks[] | select(.name == \"$1\") |
		\"\(.changed) \(.changedFiles | join(\",\"))\"" out
}

test_expect_success 'setup: docs runs after api and has merged it' '
	test_create_repo repo &&
	(
		cd repo &&
		status_task api src/api &&
		status_task docs docs &&
		status_set docs task.after api &&
		cd ../repo-worktrees/api &&
		test_commit api src/api/a.c &&
		test_commit shared README.md &&
		cd ../docs &&
		git merge -q solve/api &&
		test_commit docs docs/api.md
	)
'

test_expect_success 'files that came with the dependency are not counted' '
	(cd repo && git para status --json >../out) &&
	echo "1 docs/api.md" >expect &&
	changed docs >actual &&
	test_cmp expect actual &&
	echo "2 README.md,src/api/a.c" >expect &&
	changed api >actual &&
	test_cmp expect actual &&
	jq -r ".tasks[] | select(.name == \"docs\") | .domain.check" out >actual &&
	echo ok >expect &&
	test_cmp expect actual
'

test_expect_success 'status and collect --check count the same' '
	(
		cd repo &&
		git para status >../out &&
		git para collect --check docs >../collect
	) &&
	test_grep "^docs .* 1 " out &&
	test_grep "^task docs: 1 changed" collect
'

test_expect_success 'a file the dependency changed and the task changed again counts' '
	(
		cd repo-worktrees/docs &&
		echo "docs too" >>README.md &&
		git commit -q -am "docs: README"
	) &&
	(cd repo && git para status --json >../out) &&
	echo "2 README.md,docs/api.md" >expect &&
	changed docs >actual &&
	test_cmp expect actual
'

test_expect_success 'a dependency that moved on does not hide the task'"'"'s own files' '
	(
		cd repo-worktrees/api &&
		test_commit later src/api/b.c
	) &&
	(cd repo && git para status --json >../out) &&
	echo "2 README.md,docs/api.md" >expect &&
	changed docs >actual &&
	test_cmp expect actual
'

test_expect_success 'a dependency whose state is gone is ignored' '
	mv "$(cd repo && para_state_file api)" api.state &&
	test_when_finished "mv api.state \"$(cd repo && para_state_file api)\"" &&
	(cd repo && git para status --json docs >../out) &&
	echo "3 README.md,docs/api.md,src/api/a.c" >expect &&
	changed docs >actual &&
	test_cmp expect actual
'

test_expect_success 'a branch that is its dependency'\''s tip has no change of its own' '
	(
		cd repo &&
		status_task same docs/same &&
		status_set same task.after api &&
		cd ../repo-worktrees/same &&
		git merge -q --ff-only solve/api
	) &&
	(cd repo && git para status --json >../out) &&
	echo "0 " >expect &&
	changed same >actual &&
	test_cmp expect actual
'

test_done
