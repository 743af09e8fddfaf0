#!/bin/sh

test_description='git para collect --merge: integration without a worktree'

. ./test-lib.sh
. "$T_DIR/lib-collect.sh"

SQ="'"

test_expect_success 'setup' '
	collect_setup_repo &&
	cd repo &&
	git para add -p src/db zeta &&
	git para add -p src/api --after zeta alpha &&
	git para add -p docs mid &&
	collect_commit zeta src/db/schema.sql "db 2" &&
	collect_commit alpha src/api/orders.c "api 2" &&
	collect_commit mid docs/guide.md "doc 2" &&
	collect_succeed zeta alpha mid &&
	git rev-parse HEAD >out.head.before &&
	cp .git/index out.index.before
'

test_expect_success 'merges in dependency order into para/integration' '
	git para collect --merge >actual &&
	grep "^created branch .para/integration. at" actual &&
	git log --first-parent --reverse --format=%s para/integration >out &&
	sed -n "s/^Merge task .\([a-z]*\). .*/\1/p" out >actual &&
	sort actual >actual.sorted &&
	printf "%s\n" alpha mid zeta >expect &&
	test_cmp expect actual.sorted &&
	grep -n zeta actual | cut -d: -f1 >out.zeta &&
	grep -n alpha actual | cut -d: -f1 >out.alpha &&
	test "$(cat out.zeta)" -lt "$(cat out.alpha)" &&
	git merge-base --is-ancestor solve/alpha para/integration &&
	git show para/integration:src/api/orders.c >actual &&
	echo "api 2" >expect &&
	test_cmp expect actual
'

test_expect_success 'no worktree was touched' '
	git rev-parse HEAD >out.head.after &&
	test_cmp out.head.before out.head.after &&
	test_cmp out.index.before .git/index &&
	git symbolic-ref HEAD >actual &&
	echo refs/heads/main >expect &&
	test_cmp expect actual &&
	collect_worktrees_clean
'

test_expect_success 'merged tasks are recorded as merged' '
	for t in zeta alpha mid; do
		echo "merged para/integration" >expect &&
		echo "$(collect_get $t run.state) $(collect_get $t collect.mergedInto)" >actual &&
		test_cmp expect actual || return 1
	done
'

test_expect_success 'running it again changes nothing' '
	git rev-parse para/integration >expect &&
	git para collect --merge >out &&
	grep "^task .zeta. is in .para/integration. already" out &&
	git rev-parse para/integration >actual &&
	test_cmp expect actual
'

test_expect_success 'para.integrationBranch and --merge=<branch> name the target' '
	git -c para.integrationBranch=int/two para collect --merge mid &&
	git rev-parse --verify -q int/two &&
	git para collect --merge=int/three mid &&
	git log --format=%s -1 int/three >actual &&
	echo "Merge task '\''mid'\'' (branch '\''solve/mid'\'')" >expect &&
	test_cmp expect actual
'

test_expect_success 'a branch checked out in a worktree is refused' '
	git rev-parse main >expect &&
	test_expect_code 128 git para collect --merge=main 2>err &&
	grep "^fatal: cannot merge into branch .main.: it is checked out at" err &&
	git rev-parse main >actual &&
	test_cmp expect actual &&
	test_expect_code 128 git para collect --merge=solve/mid 2>err &&
	grep "^fatal: cannot merge into branch .solve/mid.: it is checked out at .*mid" err
'

test_expect_success 'the refusal names the command that frees the branch' '
	git branch int/here main &&
	git worktree add -q "../a here" int/here &&
	test_when_finished "git worktree remove \"../a here\"" &&
	git rev-parse int/here >expect &&
	test_expect_code 128 git para collect --merge=int/here 2>err &&
	sed -n "s/^hint: *//p" err >../hints &&
	grep "^git -C ${SQ}$(cd "../a here" && pwd)${SQ} switch --detach\$" ../hints &&
	grep "run ${SQ}git para collect --merge=int/here${SQ} again" ../hints &&
	git rev-parse int/here >actual &&
	test_cmp expect actual &&
	(
		cd "../a here" &&
		git switch -q --detach &&
		cd ../repo &&
		git para collect --merge=int/here >../out
	) &&
	grep "^merged task" ../out
'

test_expect_success 'a bad branch name is refused' '
	test_expect_code 128 git para collect --merge="a..b" 2>err &&
	grep "^fatal: .a..b. is not a valid branch name" err
'

test_expect_success 'a conflict sets the task aside, naming tasks and files' '
	git para add p &&
	git para add q &&
	collect_commit p README "readme by p" &&
	collect_commit q README "readme by q" &&
	collect_succeed p q &&
	test_expect_code 1 git para collect --merge=int/pq p q >out 2>err &&
	grep "^merged task .p. into .int/pq." out &&
	grep "^error: task .q. does not merge cleanly into .int/pq." err &&
	grep "README (also changed by p)" err &&
	grep "^hint: set aside as .conflict.; .git para resolve q." err &&
	git merge-base --is-ancestor solve/p int/pq &&
	! git merge-base --is-ancestor solve/q int/pq &&
	echo "conflict README p" >expect &&
	echo "$(collect_get q run.state) $(collect_get q collect.conflict) $(collect_get q collect.conflictWith)" >actual &&
	test_cmp expect actual &&
	test_must_fail collect_get q collect.mergedInto &&
	collect_worktrees_clean
'

test_expect_success 'a task set aside is not collected again unless named' '
	git para collect --merge=int/pq >out 2>err &&
	! grep "task .q." out err &&
	! git merge-base --is-ancestor solve/q int/pq &&
	test "$(collect_get q run.state)" = conflict
'

test_expect_success 'running it again after a fix continues where it stopped' '
	git -C "$(collect_wt q)" merge -q -X ours --no-edit int/pq &&
	git rev-parse int/pq >expect.before &&
	git para collect --merge=int/pq p q >out &&
	grep "^task .p. is in .int/pq. already" out &&
	grep "^merged task .q. into .int/pq." out &&
	git rev-parse int/pq^1 >actual &&
	test_cmp expect.before actual &&
	git show int/pq:README >actual &&
	echo "readme by q" >expect &&
	test_cmp expect actual &&
	echo merged >expect &&
	collect_get q run.state >actual &&
	test_cmp expect actual &&
	test_must_fail collect_get q collect.conflict &&
	test_must_fail collect_get q collect.conflictWith
'

test_expect_success 'a failed task merged by name stays failed, and is not pushed' '
	git para add -p src/f broken &&
	collect_commit broken src/f/a "f" &&
	git config -f "$(collect_state_file broken)" run.state failed &&
	git para collect --merge=int/pq broken >out &&
	grep "^merged task .broken. into .int/pq." out &&
	echo "failed int/pq" >expect &&
	echo "$(collect_get broken run.state) $(collect_get broken collect.mergedInto)" >actual &&
	test_cmp expect actual &&
	git init -q --bare ../broken-remote.git &&
	test_expect_code 1 git -c para.remote=../broken-remote.git para collect --push broken 2>err &&
	grep "^error: not pushing task .broken.: it is failed" err &&
	test_must_fail git -C ../broken-remote.git rev-parse -q --verify refs/heads/solve/broken
'

test_done
