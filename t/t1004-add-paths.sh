#!/bin/sh
#
# -p patterns are taken as git takes pathspecs: relative to the current
# directory; add says when a literal one names nothing, and which base
# it chose when the local branch is ahead of it.

test_description='git para add: paths from a subdirectory, base notices'

. ./test-lib.sh

domain () {
	git -C repo config -f .git/para/tasks/"$1" --get-all task.path
}

test_expect_success 'setup' '
	git init -q --bare origin.git &&
	test_create_repo repo &&
	git -C repo remote add origin ../origin.git &&
	git -C repo push -q origin main &&
	git -C repo fetch -q origin &&
	git -C repo remote set-head origin main
'

test_expect_success 'a pattern given in a subdirectory is relative to it' '
	(
		cd repo/src &&
		git para add -p api -p ./db/ -p "../docs/*.md" a 2>../../err
	) &&
	test_must_be_empty err &&
	printf "src/api\nsrc/db\ndocs/*.md\n" >expect &&
	domain a >actual &&
	test_cmp expect actual
'

test_expect_success 'at the top, ./x is x' '
	(
		cd repo &&
		git para add -p ./src/auth b
	) &&
	echo src/auth >expect &&
	domain b >actual &&
	test_cmp expect actual
'

test_expect_success 'a pattern that leaves the repository is refused, nothing created' '
	(
		cd repo/src &&
		test_expect_code 128 git para add -p ../../x c 2>../../err
	) &&
	test_grep "^fatal: invalid path pattern .\.\./\.\./x.: it is outside the repository" err &&
	test_no_task_at c
'

test_expect_success 'a manifest keeps its paths relative to the top' '
	printf "[m]\npaths = README\n" >repo/src/tasks.ini &&
	(
		cd repo/src &&
		git para add --from tasks.ini
	) &&
	echo README >expect &&
	domain m >actual &&
	test_cmp expect actual
'

test_expect_success 'a literal path that names nothing in the base warns' '
	(
		cd repo &&
		git para add -p src/ap -p "src/*.h" d 2>../err
	) &&
	test_grep "^warning: task .d.: path .src/ap. matches nothing in its base" err &&
	test_grep ! "src/\*.h" err &&
	test -n "$(domain d)"
'

test_expect_success 'local commits ahead of the remote base are named, once' '
	(
		cd repo &&
		test_commit local-work local.txt &&
		git para add -p one e1 2>../err1 &&
		printf "[g1]\npaths = seven\n[g2]\npaths = eight\n" >../two.ini &&
		git para add --dry-run --from ../two.ini 2>../err2
	) &&
	test_grep "^warning: new tasks start from .remotes/origin/main. ([0-9a-f]*); your local .main. is 1 commit ahead of it (use --base main to start from there)" err1 &&
	test_grep "local .main. is 1 commit ahead" err2 &&
	grep -c "local .main. is" err2 >count &&
	echo 1 >expect &&
	test_cmp expect count
'

test_expect_success 'no notice with --base or para.base, or when not ahead' '
	(
		cd repo &&
		git para add --base main -p f1 f1 2>../err1 &&
		git -c para.base=origin/main para add -p f2 f2 2>../err2 &&
		git push -q origin main &&
		git fetch -q origin &&
		git para add -p f3 f3 2>../err3
	) &&
	test_grep ! "ahead" err1 &&
	test_grep ! "ahead" err2 &&
	test_grep ! "ahead" err3
'

test_done
