#!/bin/sh

test_description='git para collect --merge killed at every step: the branch is never half moved, and a second collect completes'

. ./test-lib.sh
. "$T_DIR/lib-collect.sh"

test_expect_success 'setup' '
	collect_setup_repo &&
	cd repo &&
	git para add -p src/db a &&
	git para add -p src/api b &&
	collect_commit a src/db/schema.sql "db 2" &&
	collect_commit b src/api/orders.c "api 2" &&
	collect_succeed a b &&
	git branch para/integration main &&
	git rev-parse para/integration >out.before
'

test_expect_success 'killed before the ref update: nothing moved, nothing recorded' '
	test_expect_code 137 env GIT_TEST_PARA_CRASH=collect-before-ref-update \
		git para collect --merge 2>err &&
	test_grep "died of signal 9" err &&
	git rev-parse para/integration >out.after &&
	test_cmp out.before out.after &&
	echo "succeeded succeeded" >expect &&
	echo "$(collect_get a run.state) $(collect_get b run.state)" >actual &&
	test_cmp expect actual &&
	git para status >out &&
	test_grep "^a  *succeeded " out &&
	git fsck --no-progress 2>out.fsck &&
	! test -s out.fsck &&
	collect_worktrees_clean
'

test_expect_success 'killed between the records: the branch holds both, one is recorded' '
	test_expect_code 137 env GIT_TEST_PARA_CRASH=collect-between-records \
		git para collect --merge 2>err &&
	git merge-base --is-ancestor solve/a para/integration &&
	git merge-base --is-ancestor solve/b para/integration &&
	git rev-list --merges para/integration >out.merges &&
	test $(wc -l <out.merges) = 2 &&
	collect_get a run.state >actual &&
	echo merged >expect &&
	test_cmp expect actual &&
	collect_get b run.state >actual &&
	echo succeeded >expect &&
	test_cmp expect actual &&
	git para collect --check >out &&
	git fsck --no-progress
'

test_expect_success 'a second collect --merge records the rest and merges nothing twice' '
	git rev-parse para/integration >out.before &&
	git para collect --merge >out &&
	git rev-parse para/integration >out.after &&
	test_cmp out.before out.after &&
	echo "merged merged" >expect &&
	echo "$(collect_get a run.state) $(collect_get b run.state)" >actual &&
	test_cmp expect actual &&
	git rev-list --merges para/integration >out.merges &&
	test $(wc -l <out.merges) = 2 &&
	collect_worktrees_clean
'

test_done
