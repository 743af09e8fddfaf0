#!/bin/sh
#
# contrib/demo.sh, what `make demo` runs: the whole workflow on a
# throwaway repository with the example agent.

test_description='the demo runs the whole workflow'

. "$(dirname "$0")"/test-lib.sh

for sub in add run status collect prune; do
	if ! test -x "$PARA_BUILD_DIR/bin/git-para-$sub"; then
		skip_all="git-para-$sub is not built yet"
		test_done
	fi
done

DEMO=$SHARNESS_TEST_DIRECTORY/../contrib/demo.sh

test_expect_success 'the demo succeeds' '
	TMPDIR=$(pwd) EXAMPLE_AGENT_DELAY=0 \
		sh "$DEMO" "$PARA_BUILD_DIR/bin" >out 2>err
'

test_expect_success 'it cleans up after itself' '
	! ls -d git-para-demo.* 2>/dev/null
'

test_expect_success 'the overlapping task is refused' '
	test_grep "overlaps task" err &&
	test_grep "^(exit status 128)" out
'

test_expect_success 'the three tasks ran and were merged' '
	for t in api auth docs; do
		test_grep "^Created task .$t." out &&
		test_grep "^$t: succeeded" out &&
		grep "merged task .$t. into .para/integration." out || return 1
	done
'

test_expect_success 'prune removed the merged tasks' '
	for t in api auth docs; do
		grep "^Removed task .$t." out || return 1
	done
'

test_expect_success 'DEMO_KEEP keeps the repository, with the merged work' '
	TMPDIR=$(pwd) EXAMPLE_AGENT_DELAY=0 DEMO_KEEP=1 \
		sh "$DEMO" "$PARA_BUILD_DIR/bin" >out 2>err &&
	repo=$(echo git-para-demo.*/shop) &&
	git -C "$repo" show para/integration:src/api/orders.c >api &&
	test_grep "^api (attempt 1): Add an orders endpoint" api &&
	git -C "$repo" show para/integration:docs/guide.md >docs &&
	test_grep "^docs (attempt 1): Document the orders endpoint" docs
'

test_done
