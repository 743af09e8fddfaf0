#!/bin/sh

test_description='status and collect judge domains by the same rule

A task that runs after others may change the files of their domains (it
builds on their work); a file outside every such domain and outside
para.sharedPath is outside, whichever command looks.'

. ./test-lib.sh
. "$T_DIR/lib-collect.sh"

# status_verdicts <file>, collect_verdicts <file> [<task>...]:
# "<task> <check> <outside>" for every task, from status --porcelain
# (fields 1, 8 and 9) and from collect --json
status_verdicts () {
	git para status --porcelain >out.status &&
	cut -f 1,8,9 out.status | tr "\t" " " | sort >"$1"
}

collect_verdicts () {
	out=$1 &&
	shift &&
	test_might_fail git para collect --check --json "$@" >out.collect &&
	jq -r ".tasks[] | \"\(.name) \(if (.domain | length) == 0 then \"none\"
		elif (.outside | length) == 0 then \"ok\" else \"outside\" end)\" +
		\" \(if (.domain | length) == 0 then -1 else (.outside | length) end)\"" \
		out.collect | sort >"$out"
}

test_expect_success JQ 'setup: b runs after a and edits a file of a'"'"'s domain' '
	collect_setup_repo &&
	cd repo &&
	test_commit base README.md &&
	git config para.sharedPath CHANGELOG.md &&
	git para add -p src/a a &&
	git para add -p src/b --after a b &&
	git para add -p src/c c &&
	collect_commit a src/a/x.c "a 1" &&
	(cd "$(collect_wt b)" && git merge -q solve/a) &&
	collect_commit b src/a/x.h "b, in a" &&
	collect_commit b src/b/y.c "b 1" &&
	collect_commit b CHANGELOG.md "b" &&
	collect_commit c src/c/z.c "c 1" &&
	collect_succeed a b c
'

test_expect_success JQ 'a dependency'"'"'s domain is allowed in status and collect' '
	cat >expect <<-\EOF &&
	a ok 0
	b ok 0
	c ok 0
	EOF
	status_verdicts actual.status &&
	test_cmp expect actual.status &&
	git para collect --check >actual &&
	cat >expect.collect <<-\EOF &&
	task a: 1 changed, ok
	task b: 3 changed, ok
	task c: 1 changed, ok
	tasks: 3, pairs: 3 (merged 1), outside domain: 0, overlaps: 0, conflicts: 0
	EOF
	test_cmp expect.collect actual &&
	collect_worktrees_clean
'

test_expect_success JQ 'the dependency need not be collected with it' '
	git para collect --check b >actual &&
	cat >expect <<-\EOF &&
	task b: 3 changed, ok
	tasks: 1, pairs: 0 (merged 0), outside domain: 0, overlaps: 0, conflicts: 0
	EOF
	test_cmp expect actual
'

test_expect_success JQ 'a task that is not a dependency gives no leave' '
	collect_commit c src/a/w.c "c in a" &&
	test_expect_code 1 git para collect --check c >actual &&
	printf "%s\n" "task c: 2 changed, 1 outside its domain" \
		"	src/a/w.c" \
		"tasks: 1, pairs: 0 (merged 0), outside domain: 1, overlaps: 0, conflicts: 0" \
		>expect &&
	test_cmp expect actual
'

test_expect_success JQ 'status and collect agree on every task' '
	collect_commit b README.md "b outside" &&
	status_verdicts actual.status &&
	collect_verdicts actual.collect a b c &&
	cat >expect <<-\EOF &&
	a ok 0
	b outside 1
	c outside 1
	EOF
	test_cmp expect actual.status &&
	test_cmp expect actual.collect
'

test_expect_success JQ 'collect --check fails on what status shows outside' '
	test_expect_code 1 git para collect --check >actual &&
	grep -x "task b: 4 changed, 1 outside its domain" actual &&
	grep -x "	README.md" actual &&
	grep -x "task c: 2 changed, 1 outside its domain" actual &&
	collect_worktrees_clean
'

test_done
