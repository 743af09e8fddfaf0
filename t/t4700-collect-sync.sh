#!/bin/sh

test_description='git para sync: tasks onto the current tip of their base'

. ./test-lib.sh
. "$T_DIR/lib-collect.sh"
. "$T_DIR/lib-run.sh"

# state_is <task> <state>: the task is recorded in that state
state_is () {
	test "$(collect_get "$1" run.state)" = "$2"
}

test_expect_success 'setup' '
	collect_setup_repo &&
	cd repo &&
	echo base >README &&
	git add README &&
	git commit -q -m base &&
	git para add --base main s1 >/dev/null &&
	git para add --base main s2 >/dev/null &&
	git para add --base main s3 >/dev/null &&
	git para add --base main s5 >/dev/null &&
	collect_commit s1 s1.txt "by s1" &&
	collect_commit s2 README "readme by s2" "s2: the readme" &&
	collect_commit s3 s3.txt "by s3" &&
	collect_commit s5 s5.txt "one" "s5: first" &&
	collect_commit s5 s5b.txt "two" "s5: second" &&
	collect_succeed s1 s2 s3 s5 &&
	echo "upstream readme" >README &&
	echo up >up.txt &&
	git add README up.txt &&
	git commit -q -m upstream &&
	git rev-parse main >../upstream
'

test_expect_success 'merge (the default): the tip merged, the base moved' '
	git rev-parse solve/s1 >old &&
	git para sync s1 >out &&
	test_grep "^merged .refs/heads/main. ($(git rev-parse --short=7 main)) into task .s1. ($(git rev-parse --short=7 solve/s1))" out &&
	git rev-parse solve/s1^1 >actual &&
	test_cmp old actual &&
	git rev-parse solve/s1^2 >actual &&
	test_cmp ../upstream actual &&
	test_grep "^up\$" "$(collect_wt s1)/up.txt" &&
	git -C "$(collect_wt s1)" status --porcelain >actual &&
	test_must_be_empty actual &&
	test "$(collect_get s1 task.base)" = "$(cat ../upstream)" &&
	git para collect s1 >out &&
	test_grep "^task s1: 1 changed" out
'

test_expect_success 'up to date: nothing to do' '
	git rev-parse solve/s1 >expect &&
	git para sync s1 >out &&
	test_grep "^task .s1. is up to date with .refs/heads/main." out &&
	git rev-parse solve/s1 >actual &&
	test_cmp expect actual
'

test_expect_success 'a conflict is found in memory, named, and nothing changes' '
	git rev-parse solve/s2 >expect &&
	base=$(collect_get s2 task.base) &&
	test_expect_code 1 git para sync s2 >out 2>err &&
	test_grep "^error: task .s2. does not merge cleanly with .refs/heads/main. in" err &&
	test_grep "^	README\$" err &&
	test_grep "^hint: nothing was changed" err &&
	git rev-parse solve/s2 >actual &&
	test_cmp expect actual &&
	test_must_fail git -C "$(collect_wt s2)" rev-parse -q --verify MERGE_HEAD &&
	echo "readme by s2" >expect &&
	test_cmp expect "$(collect_wt s2)/README" &&
	test "$(collect_get s2 task.base)" = "$base"
'

test_expect_success '--rebase: the commits replayed, the old tip in the attic' '
	git rev-parse solve/s5 >old &&
	git para sync --rebase s5 >out &&
	test_grep "^rebased task .s5. onto .refs/heads/main. ($(git rev-parse --short=7 main)); its old tip $(git rev-parse --short=7 "$(cat old)") is kept as refs/para/attic/s5" out &&
	git rev-parse refs/para/attic/s5 >actual &&
	test_cmp old actual &&
	git log --format=%s main..solve/s5 >actual &&
	printf "%s\n" "s5: second" "s5: first" >expect &&
	test_cmp expect actual &&
	git rev-parse solve/s5~2 >actual &&
	test_cmp ../upstream actual &&
	test_grep "^up\$" "$(collect_wt s5)/up.txt" &&
	git -C "$(collect_wt s5)" status --porcelain >actual &&
	test_must_be_empty actual &&
	test "$(collect_get s5 task.base)" = "$(cat ../upstream)" &&
	git para collect s5 >out &&
	test_grep "^task s5: 2 changed" out
'

test_expect_success '--rebase conflict: the commit and the files named, nothing changes' '
	git rev-parse solve/s2 >expect &&
	test_expect_code 1 git para sync --rebase s2 2>err &&
	test_grep "^error: task .s2. does not rebase cleanly onto .refs/heads/main.: its commit .s2: the readme. conflicts in" err &&
	test_grep "^	README\$" err &&
	git rev-parse solve/s2 >actual &&
	test_cmp expect actual &&
	test_must_fail git rev-parse -q --verify refs/para/attic/s2
'

test_expect_success 'a dirty task is refused by name; the others are synced' '
	echo scratch >"$(collect_wt s3)/scratch.txt" &&
	git rev-parse solve/s3 >expect &&
	test_expect_code 1 git para sync s3 s1 >out 2>err &&
	test_grep "^error: task .s3. has uncommitted changes in .$(collect_wt s3).: not synced" err &&
	test_grep "^task .s1. is up to date" out &&
	git rev-parse solve/s3 >actual &&
	test_cmp expect actual &&
	rm "$(collect_wt s3)/scratch.txt"
'

test_expect_success 'a running task is refused by name' '
	git para add --base main s4 >/dev/null &&
	test_when_finished "touch \"\$TRASH_DIRECTORY/go\"" &&
	{
		git -c para.command="while ! test -f \"\$TRASH_DIRECTORY/go\"; do sleep 0.1; done; echo s4 >s4.txt" \
			para run s4 >../run.out 2>&1 &
	} &&
	test_wait_for 10 state_is s4 running &&
	git rev-parse solve/s4 >expect &&
	test_expect_code 1 git para sync s4 2>err &&
	test_grep "^error: task .s4. is running: not synced" err &&
	git rev-parse solve/s4 >actual &&
	test_cmp expect actual &&
	touch "$TRASH_DIRECTORY/go" &&
	test_wait_for 10 state_is s4 succeeded
'

test_expect_success 'without names: every task not merged on, refusals named' '
	git para collect --merge s3 >/dev/null &&
	git rev-parse solve/s3 >expect &&
	test_expect_code 1 git para sync >out 2>err &&
	test_grep "^task .s1. is up to date" out &&
	test_grep "^task .s4. is up to date" out &&
	test_grep "^task .s5. is up to date" out &&
	test_grep "^error: task .s2. does not merge cleanly" err &&
	test_grep ! "s3" out err &&
	git rev-parse solve/s3 >actual &&
	test_cmp expect actual
'

test_expect_success 'a task without a base ref or worktree is refused by name' '
	git para add --base main s6 >/dev/null &&
	git para add --base main s7 >/dev/null &&
	git config -f "$(collect_state_file s6)" --unset task.baseRef &&
	test_expect_code 1 git para sync s6 2>err &&
	test_grep "^error: task .s6. records no base ref to follow: not synced" err &&
	wt=$(collect_wt s7) &&
	mv "$wt" "$wt.moved" &&
	test_when_finished "mv \"$wt.moved\" \"$wt\"" &&
	test_expect_code 1 git para sync s7 2>err &&
	test_grep "^error: the worktree of task .s7. is gone: not synced" err
'

test_expect_success 'an unknown task is a fatal error' '
	test_expect_code 128 git para sync nosuch 2>err &&
	test_grep "^fatal: no such task .nosuch." err
'

test_expect_success 'from a subdirectory of a task worktree' '
	echo more >>up.txt &&
	git commit -q -am "upstream again" &&
	mkdir -p "$(collect_wt s1)/sub" &&
	(
		cd "$(collect_wt s1)/sub" &&
		git para sync s1 >"$TRASH_DIRECTORY/out"
	) &&
	test_grep "^merged .refs/heads/main. .* into task .s1." "$TRASH_DIRECTORY/out"
'

test_done
