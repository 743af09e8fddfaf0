#!/bin/sh

test_description='git para collect --merge --verify: the merge queue'

. ./test-lib.sh
. "$T_DIR/lib-collect.sh"

# The verify command of these tests: a "make test" that fails when a
# file holds the marker BROKEN, and appends the tree it verified to
# verify.log, so that the runs can be counted.
VERIFY_SCRIPT=$TRASH_DIRECTORY/verify.sh
VERIFY_LOG=$TRASH_DIRECTORY/verify.log
export VERIFY_SCRIPT VERIFY_LOG
VERIFY='sh "$VERIFY_SCRIPT"'

# runs: how many times the verify command ran so far
runs () {
	if test -f "$VERIFY_LOG"
	then
		wc -l <"$VERIFY_LOG" | tr -d " "
	else
		echo 0
	fi
}

# add_tasks <file-content> <name>...: a task each, changing <name>.txt
add_tasks () {
	content=$1 &&
	shift &&
	for t in "$@"; do
		git para add -p "$t.txt" "$t" >/dev/null &&
		collect_commit "$t" "$t.txt" "$content" || return 1
	done
}

# tree_verified <rev>: the tree of <rev> was verified (and passed)
tree_verified () {
	grep "^$(git rev-parse "$1^{tree}") pass\$" "$VERIFY_LOG"
}

test_expect_success 'setup' '
	cat >"$VERIFY_SCRIPT" <<-\EOF &&
	tree=$(git rev-parse HEAD^{tree})
	echo build >>build-stamp
	if grep -rl --exclude=.git --exclude=build-stamp BROKEN . >marker-files
	then
		echo "$tree fail" >>"$VERIFY_LOG"
		echo "test failed: the marker is in $(cat marker-files)"
		rm -f marker-files
		exit 1
	fi
	rm -f marker-files
	echo "$tree pass" >>"$VERIFY_LOG"
	echo "all tests passed"
	EOF
	collect_setup_repo &&
	echo /build-stamp >>repo/.git/info/exclude &&
	cd repo &&
	echo base >README &&
	git add README &&
	git commit -q -m base &&
	git config para.verify "$VERIFY"
'

test_expect_success 'eight tasks, one culprit: found, rejected, the rest merged' '
	add_tasks good a1 a2 a3 a4 a6 a7 a8 &&
	add_tasks BROKEN a5 &&
	collect_succeed a1 a2 a3 a4 a5 a6 a7 a8 &&
	test_expect_code 1 git para collect --merge=int/a --verify \
		a1 a2 a3 a4 a5 a6 a7 a8 >out 2>err &&
	test_grep "^error: task .a5. was rejected: the merge with it fails .sh \"\$VERIFY_SCRIPT\"." err &&
	test_grep "^test failed: the marker is in ./a5.txt" err &&
	test_grep "^hint: the whole output is in .*/para/logs/a5.log" err &&
	for t in a1 a2 a3 a4 a6 a7 a8; do
		test_grep "^merged task .$t. into .int/a." out &&
		git merge-base --is-ancestor solve/$t int/a &&
		test "$(collect_get $t run.state)" = merged || return 1
	done &&
	! git merge-base --is-ancestor solve/a5 int/a &&
	test "$(collect_get a5 run.state)" = rejected &&
	test "$(runs)" -le 5 &&
	test_grep "^verifying 8 tasks at " err &&
	test "$(grep -c "^verifying [0-9]* tasks* at [0-9a-f]*\.\.\.\$" err)" = "$(runs)" &&
	test_grep "^verify: $(runs) runs, 0 known from before; .int/a. is at $(git rev-parse --short=7 int/a)" out &&
	tree_verified int/a &&
	test_must_fail git grep -q BROKEN int/a
'

test_expect_success 'the rejected task keeps the verify output in its log' '
	log="$(git rev-parse --git-common-dir)/para/logs/a5.log" &&
	test_grep "^=== git para collect: task .a5. rejected .*: the merge with it fails .sh \"\$VERIFY_SCRIPT\". ===" "$log" &&
	test_grep "^test failed: the marker is in ./a5.txt" "$log" &&
	git para status a5 >out &&
	test_grep "a5 *rejected" out
'

test_expect_success 'collecting again without changes runs no verify' '
	before=$(runs) &&
	git rev-parse int/a >expect &&
	git para collect --merge=int/a --verify a1 a2 a3 a4 a6 a7 a8 >out 2>err &&
	test_grep "^task .a1. is in .int/a. already" out &&
	test_grep "^verify: 0 runs" out &&
	test_grep ! "^verifying" err &&
	test "$(runs)" = "$before" &&
	git rev-parse int/a >actual &&
	test_cmp expect actual
'

test_expect_success 'a rejected task named again is rejected from what is known' '
	before=$(runs) &&
	test_expect_code 1 git para collect --merge=int/a --verify a5 >out 2>err &&
	test_grep "^error: task .a5. was rejected" err &&
	test_grep "^verify: 0 runs" out &&
	test "$(runs)" = "$before" &&
	test "$(collect_get a5 run.state)" = rejected
'

test_expect_success 'the results are kept under the common dir by tree' '
	ls "$(git rev-parse --git-common-dir)/para/cache/verify" >out &&
	test_grep "^$(git rev-parse int/a^{tree})-" out
'

test_expect_success 'one scratch worktree, detached at the candidate, reused' '
	wt="$(git rev-parse --git-common-dir)/para/verify-worktree" &&
	test_must_fail git -C "$wt" symbolic-ref -q HEAD &&
	test "$(git -C "$wt" rev-parse HEAD^{tree})" = "$(git rev-parse int/a^{tree})" &&
	test "$(wc -l <"$wt/build-stamp")" = "$(runs)" &&
	git worktree list --porcelain >out &&
	test "$(grep -c "^worktree .*/para/verify-worktree\$" out)" = 1 &&
	git -C "$wt" status --porcelain >out &&
	test_must_be_empty out
'

test_expect_success 'two culprits: both rejected, the rest merged' '
	add_tasks good b1 b3 b4 b5 b6 b8 &&
	add_tasks BROKEN b2 b7 &&
	collect_succeed b1 b2 b3 b4 b5 b6 b7 b8 &&
	before=$(runs) &&
	test_expect_code 1 git para collect --merge=int/b --verify \
		b1 b2 b3 b4 b5 b6 b7 b8 >out 2>err &&
	test_grep "^error: task .b2. was rejected" err &&
	test_grep "^error: task .b7. was rejected" err &&
	test "$(grep -c "was rejected" err)" = 2 &&
	for t in b1 b3 b4 b5 b6 b8; do
		git merge-base --is-ancestor solve/$t int/b &&
		test "$(collect_get $t run.state)" = merged || return 1
	done &&
	test "$(collect_get b2 run.state) $(collect_get b7 run.state)" = "rejected rejected" &&
	test "$(($(runs) - before))" -le 9 &&
	tree_verified int/b
'

test_expect_success 'a culprit others depend on: they wait, the rest go in' '
	add_tasks good c1 c2 c6 &&
	add_tasks BROKEN c3 &&
	git para add -p c4.txt --after c3 c4 >/dev/null &&
	git -C "$(collect_wt c4)" merge -q solve/c3 &&
	collect_commit c4 c4.txt good &&
	git para add -p c5.txt --after c4 c5 >/dev/null &&
	git -C "$(collect_wt c5)" merge -q solve/c4 &&
	collect_commit c5 c5.txt good &&
	collect_succeed c1 c2 c3 c4 c5 c6 &&
	test_expect_code 1 git para collect --merge=int/c --verify \
		c1 c2 c3 c4 c5 c6 >out 2>err &&
	test_grep "^error: task .c3. was rejected" err &&
	test_grep "^error: task .c4. is not merged: it depends on .c3." err &&
	test_grep "^error: task .c5. is not merged: it depends on .c3." err &&
	for t in c1 c2 c6; do
		git merge-base --is-ancestor solve/$t int/c || return 1
	done &&
	! git merge-base --is-ancestor solve/c4 int/c &&
	test "$(collect_get c4 run.state) $(collect_get c5 run.state)" = "succeeded succeeded" &&
	tree_verified int/c
'

test_expect_success 'a conflict is set aside and the queue goes on' '
	add_tasks good d1 d3 &&
	git para add d2 >/dev/null &&
	collect_commit d2 d1.txt "d2 was here" &&
	collect_succeed d1 d2 d3 &&
	before=$(runs) &&
	test_expect_code 1 git para collect --merge=int/d --verify d1 d2 d3 >out 2>err &&
	test_grep "^error: task .d2. does not merge cleanly into .int/d." err &&
	test_grep "d1.txt (also changed by d1)" err &&
	test_grep "^merged task .d3. into .int/d." out &&
	git merge-base --is-ancestor solve/d3 int/d &&
	test "$(collect_get d2 run.state) $(collect_get d2 collect.conflictWith)" = "conflict d1" &&
	test "$(collect_get d2 collect.conflict)" = d1.txt &&
	test "$(($(runs) - before))" = 1 &&
	tree_verified int/d
'

test_expect_success '--halt stops at the first conflict' '
	git para add e1 >/dev/null &&
	git para add e2 >/dev/null &&
	add_tasks good e3 &&
	collect_commit e1 e.txt "by e1" &&
	collect_commit e2 e.txt "by e2" &&
	collect_succeed e1 e2 e3 &&
	test_expect_code 1 git para collect --merge=int/e --halt e1 e2 e3 >out 2>err &&
	test_grep "^error: task .e2. does not merge cleanly" err &&
	test_grep "^error: task .e3. is not merged: --halt stopped at .e2." err &&
	git merge-base --is-ancestor solve/e1 int/e &&
	! git merge-base --is-ancestor solve/e3 int/e &&
	test "$(collect_get e3 run.state)" = succeeded &&
	git para collect --merge=int/e e3 >out &&
	test_grep "^merged task .e3." out
'

test_expect_success '--one-by-one verifies after each merge' '
	add_tasks good f1 f3 f4 &&
	add_tasks BROKEN f2 &&
	collect_succeed f1 f2 f3 f4 &&
	before=$(runs) &&
	test_expect_code 1 git para collect --merge=int/f --verify --one-by-one \
		f1 f2 f3 f4 >out 2>err &&
	test_grep "^error: task .f2. was rejected" err &&
	test "$(($(runs) - before))" = 4 &&
	git merge-base --is-ancestor solve/f4 int/f &&
	tree_verified int/f
'

test_expect_success '--verify=<cmd> overrides para.verify' '
	add_tasks good g1 &&
	collect_succeed g1 &&
	git para collect --merge=int/g --verify="echo checked >>\"\$TRASH_DIRECTORY/other.log\"" g1 >out &&
	test_grep "^verify: 1 run," out &&
	test_grep checked "$TRASH_DIRECTORY/other.log"
'

test_expect_success 'a branch that fails verify by itself: nothing moves' '
	git checkout -q -b broken-base &&
	echo BROKEN >base.txt &&
	git add base.txt &&
	git commit -q -m "broken base" &&
	git checkout -q main &&
	git branch int/h broken-base &&
	add_tasks good h1 h2 h3 &&
	collect_succeed h1 h2 h3 &&
	git rev-parse int/h >expect &&
	test_expect_code 1 git para collect --merge=int/h --verify h1 h2 h3 >out 2>err &&
	test_grep "^error: .int/h. at $(git rev-parse --short=7 int/h) fails .sh \"\$VERIFY_SCRIPT\". without any task: nothing merged" err &&
	test_grep ! "was rejected" err &&
	git rev-parse int/h >actual &&
	test_cmp expect actual &&
	for t in h1 h2 h3; do
		test "$(collect_get $t run.state)" = succeeded || return 1
	done
'

test_expect_success JQ '--json says what went in, what not and why' '
	add_tasks good j1 j3 &&
	add_tasks BROKEN j2 &&
	collect_succeed j1 j2 j3 &&
	test_expect_code 1 git para collect --merge=int/j --verify --json j1 j2 j3 >out 2>err &&
	jq -r ".tasks[] | \"\(.name) \(.result)\"" out >actual &&
	printf "%s\n" "j1 merged" "j2 rejected" "j3 merged" >expect &&
	test_cmp expect actual &&
	jq -r ".branch, .to, (.verifyRuns > 0), .tasks[1].verifyOutput" out >actual &&
	test_grep "^int/j\$" actual &&
	test_grep "^$(git rev-parse int/j)\$" actual &&
	test_grep "^true\$" actual &&
	test_grep "^test failed: the marker is in ./j2.txt" actual &&
	test_grep ! "^merged task" out
'

test_expect_success 'para.verifyTimeout: a verify that hangs is killed whole and fails its candidate' '
	add_tasks good v1 &&
	add_tasks HANG v2 &&
	collect_succeed v1 v2 &&
	hang="if grep -rq --exclude=.git HANG .; then sleep 300 & echo \$! >\"\$TRASH_DIRECTORY/sleeper\"; wait; fi" &&
	test_expect_code 1 git -c para.verifyTimeout=3s para collect \
		--merge=int/v --verify="$hang" v1 v2 >out 2>err &&
	test_grep "^error: task .v2. was rejected" err &&
	test_grep "^verify timed out after 3.0s (para.verifyTimeout): killed" err &&
	test_grep "^merged task .v1. into .int/v." out &&
	test "$(collect_get v2 run.state)" = rejected &&
	test_grep "verify timed out after 3.0s" "$(git rev-parse --git-common-dir)/para/logs/v2.log" &&
	pid=$(cat "$TRASH_DIRECTORY/sleeper") &&
	test -z "$(ps -o stat= -p $pid | grep -v Z)" &&
	! git merge-base --is-ancestor solve/v2 int/v
'

test_expect_success 'a timed-out verify is not remembered: the next collect runs it again' '
	rm -f "$TRASH_DIRECTORY/sleeper" &&
	hang="if grep -rq --exclude=.git HANG .; then sleep 300 & echo \$! >\"\$TRASH_DIRECTORY/sleeper\"; wait; fi" &&
	for i in 1 2; do
		rm -f "$TRASH_DIRECTORY/sleeper" &&
		test_expect_code 1 git -c para.verifyTimeout=3s para collect \
			--merge=int/v2 --verify="$hang" v2 >out 2>err &&
		test -s "$TRASH_DIRECTORY/sleeper" &&
		test_grep "^verifying 1 task at" err || return 1
	done
'

test_expect_success '--report adds the queue to the summary' '
	test_expect_code 1 git para collect --merge=int/d --verify --report=../report.md d1 d2 d3 >out 2>err &&
	test_grep "^## Merge queue into .int/d." ../report.md &&
	test_grep "^| d2 | conflict | conflicts with d1 in .d1.txt. |" ../report.md &&
	test_grep "^| d1 | already |" ../report.md &&
	test_grep "^| d2 | conflict |" ../report.md &&
	test_grep "d1.*| merged |" ../report.md &&
	test_grep "^Verify command .sh \"\$VERIFY_SCRIPT\".: 0 runs" ../report.md
'

test_expect_success 'from a subdirectory of the main worktree' '
	add_tasks good k1 &&
	collect_succeed k1 &&
	mkdir -p sub/dir &&
	(
		cd sub/dir &&
		git para collect --merge=int/k --verify k1 >../../out
	) &&
	test_grep "^merged task .k1. into .int/k." out
'

test_expect_success 'usage errors say what goes with what, and change nothing' '
	test_expect_code 129 git para collect --verify a1 2>err &&
	test_grep "^error: --verify and --halt go only with --merge" err &&
	test_expect_code 129 git para collect --halt a1 2>err &&
	test_grep "^error: --verify and --halt go only with --merge" err &&
	test_expect_code 129 git para collect --merge=int/z --one-by-one a1 2>err &&
	test_grep "^error: --one-by-one goes only with --verify" err &&
	test_expect_code 129 git para collect --merge=int/z --json --report a1 2>err &&
	test_grep "^error: --json and --report cannot be used together" err &&
	test_expect_code 129 git para collect --push --json a1 2>err &&
	test_grep "^error: --json goes only with --check or --merge" err &&
	test_must_fail git rev-parse -q --verify int/z
'

test_expect_success 'no verify command: refused before anything happens' '
	test_expect_code 128 git -c para.verify= para collect --merge=int/z --verify a1 2>err &&
	test_grep "^fatal: no verify command: give --verify=<cmd> or set para.verify" err &&
	test_must_fail git rev-parse -q --verify int/z
'

test_expect_success 'worktrees are untouched' '
	collect_worktrees_clean
'

test_done
