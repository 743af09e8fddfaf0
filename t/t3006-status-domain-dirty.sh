#!/bin/sh

test_description='git para status: the domain check counts uncommitted files'

. ./test-lib.sh

wt () {
	git -C repo config -f .git/para/tasks/"$1" task.worktree
}

test_expect_success 'setup' '
	test_create_repo repo &&
	git -C repo para add -p src/api a
'

test_expect_success 'a clean task inside its domain is ok' '
	git -C repo para status --porcelain a >out &&
	cut -f8 out >domain &&
	echo ok >expect &&
	test_cmp expect domain
'

test_expect_success 'an uncommitted file outside the domain counts, committed or not' '
	echo stray >"$(wt a)/README" &&
	echo new >"$(wt a)/src/auth/new.c" &&
	echo mine >"$(wt a)/src/api/mine.c" &&
	git -C repo para status a >out &&
	test_grep "2 outside" out &&
	git -C repo para status --json a >out.json &&
	python3 -c "
import json, sys
t = json.load(open(\"out.json\"))[\"tasks\"][0]
got = sorted(t[\"domain\"][\"outside\"])
sys.exit(0 if got == [\"README\", \"src/auth/new.c\"] else \"got %r\" % got)
"
'

for via in git libgit2
do
	test_expect_success "the same when status looks through $via" '
		GIT_TEST_PARA_STATUS=$via git -C repo para status a >out &&
		test_grep "2 outside" out
	'
done

test_expect_success 'once committed, status and collect agree' '
	(
		cd "$(wt a)" &&
		git add -A &&
		git commit -q -m work
	) &&
	git -C repo para status a >out &&
	test_grep "2 outside" out &&
	git -C repo config -f .git/para/tasks/a run.state succeeded &&
	test_expect_code 1 git -C repo para collect --check a >out &&
	test_grep "README" out
'

test_done
