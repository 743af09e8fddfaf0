#!/bin/sh

test_description='git para status: broken tasks show as such, the others still show'

. ./test-lib.sh
. "$T_DIR/lib-status.sh"

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		status_task ok &&
		status_task gone &&
		status_task truncated &&
		status_task garbage &&
		status_task newer &&
		status_task detached &&
		status_task nobranch &&
		status_task elsewhere
	)
'

test_expect_success 'break them in every way' '
	rm -rf repo-worktrees/gone &&
	f=$(cd repo && para_state_file truncated) &&
	sed "/complete/d; /\[end\]/d" "$f" >tmp && mv tmp "$f" &&
	printf "\\001\\002 not [ a config\\n" >repo/.git/para/tasks/garbage &&
	git config -f repo/.git/para/tasks/newer para.version 99 &&
	git -C repo-worktrees/detached checkout -q --detach &&
	git -C repo-worktrees/nobranch checkout -q --detach &&
	git -C repo update-ref -d refs/heads/solve/nobranch &&
	git -C repo-worktrees/nobranch checkout -q solve/nobranch 2>/dev/null;
	git -C repo-worktrees/elsewhere checkout -q -b other
'

test_expect_success 'status shows every task, exit 0, warnings on stderr' '
	(cd repo && git para status --porcelain >../out 2>../err) &&
	cut -f1,2,3,7,13 out >actual &&
	cat >expect <<-\EOF &&
	detached	new	solve/detached	0	detached
	elsewhere	new	solve/elsewhere	0	head-elsewhere
	garbage	damaged	-	-	damaged
	gone	new	solve/gone	-	worktree-missing
	newer	damaged	-	-	damaged
	nobranch	new	solve/nobranch	0	branch-missing,detached
	ok	new	solve/ok	0	-
	truncated	damaged	-	-	damaged
	EOF
	test_cmp expect actual &&
	test_grep "^warning: damaged state file .*garbage" err &&
	test_grep "^warning: damaged state file .*truncated.*: it is truncated" err &&
	test_grep "^warning: state file .*newer. has format version 99" err &&
	test $(wc -l <err) = 3
'

test_expect_success 'a deleted branch has no ahead/behind or changes' '
	grep "^nobranch" out | cut -f4,5,6,8 >actual &&
	printf -- "-\t-\t-\tnone\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'the people view names what is wrong' '
	(cd repo && git para status >../out 2>/dev/null) &&
	test_grep "^detached .* detached HEAD$" out &&
	test_grep "^elsewhere .* HEAD on ${SQ}other${SQ}$" out &&
	test_grep "^gone .* worktree missing$" out &&
	test_grep "^nobranch .* branch deleted, detached HEAD$" out &&
	test_grep "^truncated  *damaged .*: it is truncated$" out &&
	test_grep "^ok  *new  *solve/ok  *+0 -0  *0  *0  *none  *-  *-$" out
'

test_expect_success '--json shows damaged tasks with their error' '
	(cd repo && git para status --json >../out 2>/dev/null) &&
	jq -r ".tasks[] | select(.state == \"damaged\") | .name" out >actual &&
	printf "garbage\nnewer\ntruncated\n" >expect &&
	test_cmp expect actual &&
	jq -r ".tasks[] | select(.name == \"truncated\") | .error" out >actual &&
	test_grep "it is truncated" actual &&
	jq -r ".tasks[] | select(.name == \"gone\") | [.worktreeExists, .dirty] | @text" out >actual &&
	echo "[false,null]" >expect &&
	test_cmp expect actual
'

test_expect_success 'a damaged task can be named' '
	(cd repo && git para status --porcelain truncated >../out 2>../err) &&
	cut -f1,2 out >actual &&
	printf "truncated\tdamaged\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'an empty state file is damaged too' '
	: >repo/.git/para/tasks/garbage &&
	(cd repo && git para status --porcelain garbage >../out 2>../err) &&
	cut -f1,2 out >actual &&
	printf "garbage\tdamaged\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'status changes nothing' '
	(cd repo && git status --porcelain && ls -la .git/para/tasks && git for-each-ref) >before &&
	(cd repo && git para status >/dev/null 2>&1) &&
	(cd repo && git status --porcelain && ls -la .git/para/tasks && git for-each-ref) >after &&
	test_cmp before after
'

test_done
