#!/bin/sh

test_description='git para collect and status: hostile config, environment and patterns'

. ./test-lib.sh
. "$T_DIR/lib-collect.sh"

test_expect_success 'setup' '
	git init -q --bare remote.git &&
	collect_setup_repo &&
	git -C repo remote add origin ../remote.git &&
	(
		cd repo &&
		git para add -p src/api api &&
		collect_commit api src/api/orders.c "api 2" &&
		collect_succeed api
	)
'

test_expect_success 'a para.remote that starts with a dash is refused, never an option of git push' '
	test_must_fail git -C repo -c para.remote=--mirror para collect --push api >out 2>err &&
	echo "fatal: invalid remote '\''--mirror'\'' in para.remote: a remote name is not empty and never starts with '\''-'\''" >expect &&
	test_cmp expect err &&
	test_must_fail git -C remote.git rev-parse -q --verify refs/heads/solve/api &&
	test_must_fail git -C repo config -f .git/para/tasks/api collect.pushedTo
'

test_expect_success 'a remote named with a dash-free name still pushes' '
	git -C repo para collect --push api >out &&
	test_grep "^pushed task .api. to .origin." out &&
	git -C repo rev-parse solve/api >expect &&
	git -C remote.git rev-parse refs/heads/solve/api >actual &&
	test_cmp expect actual
'

test_expect_success 'para.prCommand sees the task, not what the caller had in PARA_*' '
	git -C repo config para.prCommand "env | grep ^PARA_ | sort >\"\$TRASH_DIRECTORY/pr-env\"; echo https://example.com/pr/1" &&
	PARA_TASK=evil PARA_SLOT=3 PARA_EXTRA=x git -C repo para collect --pr api >out &&
	test_grep "^PARA_TASK=api\$" pr-env &&
	test_grep "^PARA_REMOTE=origin\$" pr-env &&
	test_grep ! "PARA_SLOT" pr-env &&
	test_grep ! "PARA_EXTRA" pr-env &&
	test_grep ! "evil" pr-env
'

long=aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa

test_expect_success 'a pattern that makes a regex backtrack: a file outside is outside, never ok' '
	(
		cd repo &&
		git para add -p "src/*a*a*a*a*a*b" star &&
		collect_commit star "src/${long}b" "in" &&
		collect_commit star "src/b$long" "out" &&
		collect_succeed star
	) &&
	git -C repo para status --porcelain star >status &&
	cut -f 8,9 status >actual &&
	printf "outside\t1\n" >expect &&
	test_cmp expect actual &&
	test_expect_code 1 git -C repo para collect --check star >actual 2>err &&
	test_grep -x "task star: 2 changed, 1 outside its domain" actual &&
	test_grep -x "	src/b$long" actual &&
	test_must_be_empty err
'

test_done
