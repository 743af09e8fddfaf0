#!/bin/sh

test_description='git para resolve: a task set aside by a conflict goes back to run'

. ./test-lib.sh
. "$T_DIR/lib-collect.sh"

SQ="'"

# The agent of these tests: it records what it was given and resolves
# each conflicting file by writing its own line into it.
AGENT=$TRASH_DIRECTORY/agent.sh
AGENT_LOG=$TRASH_DIRECTORY/agent.log
export AGENT AGENT_LOG

test_expect_success 'setup' '
	cat >"$AGENT" <<-\EOF &&
	{
		echo "prompt: $PARA_PROMPT"
		echo "conflicts: ${PARA_CONFLICTS-unset}"
	} >>"$AGENT_LOG"
	printf "%s" "${PARA_CONFLICTS-}" | while read -r f
	do
		echo "resolved by $PARA_TASK" >"$f"
	done
	EOF
	collect_setup_repo &&
	cd repo &&
	echo base >README &&
	git add README &&
	git commit -q -m base &&
	git config para.command "sh \"\$AGENT\"" &&
	git para add -m "Write the intro" p >/dev/null &&
	git para add -m "Polish the readme" q >/dev/null &&
	collect_commit p README "readme by p" &&
	collect_commit p p.txt "p alone" &&
	collect_commit q README "readme by q" &&
	collect_commit q q.txt "q alone" &&
	collect_succeed p q &&
	test_expect_code 1 git para collect --merge p q >out 2>err &&
	test "$(collect_get q run.state)" = conflict
'

test_expect_success JQ 'status --json shows what the task conflicts with' '
	git para status --json q >out &&
	jq -r ".tasks[0] | .state, .conflicts[0], .conflictWith, .conflictBranch, (.resolving == null)" out >actual &&
	printf "%s\n" conflict README p para/integration true >expect &&
	test_cmp expect actual
'

test_expect_success 'resolve merges the integration branch, conflicts left in place' '
	git para resolve q >out &&
	wt=$(collect_wt q) &&
	printf "%s\n" \
		"merged ${SQ}para/integration${SQ} into task ${SQ}q${SQ} in ${SQ}$wt${SQ}, leaving 1 conflict:" \
		"	README" >expect &&
	cat >>expect <<-EOF &&
	task ${SQ}q${SQ} is new again: ${SQ}git para run q${SQ} asks it to resolve them
	(PARA_CONFLICTS lists the files) and commits the merge when it succeeds
	EOF
	test_cmp expect out &&
	git -C "$wt" rev-parse -q --verify MERGE_HEAD >actual &&
	git rev-parse para/integration >expect &&
	test_cmp expect actual &&
	test_grep "^<<<<<<<" "$wt/README" &&
	test_grep "^p alone" "$wt/p.txt" &&
	echo "new para/integration README" >expect &&
	echo "$(collect_get q run.state) $(collect_get q collect.resolving) $(collect_get q collect.conflict)" >actual &&
	test_cmp expect actual
'

test_expect_success 'an attempt that leaves conflict markers fails, merge kept' '
	test_expect_code 1 git -c para.command=true para run q >out 2>err &&
	test_grep "q: failed: conflict markers are left in .README." out &&
	test "$(collect_get q run.state) $(collect_get q collect.resolving)" = "failed para/integration" &&
	git -C "$(collect_wt q)" rev-parse -q --verify MERGE_HEAD &&
	test_grep "^<<<<<<<" "$(collect_wt q)/README"
'

test_expect_success 'run gives the task PARA_CONFLICTS and a prompt to resolve them' '
	git para run q >out 2>err &&
	test_grep "^conflicts: README\$" "$AGENT_LOG" &&
	test_grep "^prompt: Resolve the merge conflicts in this worktree: .para/integration. was merged into the branch .solve/q. of task .q." "$AGENT_LOG" &&
	test_grep "^Polish the readme\$" "$AGENT_LOG" &&
	test_grep ! "Write the intro" "$AGENT_LOG"
'

test_expect_success 'autoCommit completed the merge' '
	wt=$(collect_wt q) &&
	test_must_fail git -C "$wt" rev-parse -q --verify MERGE_HEAD &&
	git -C "$wt" rev-parse solve/q^2 >actual &&
	git rev-parse para/integration >expect &&
	test_cmp expect actual &&
	echo "resolved by q" >expect &&
	git show solve/q:README >actual &&
	test_cmp expect actual &&
	test "$(collect_get q run.state)" = succeeded &&
	test_must_fail collect_get q collect.resolving
'

test_expect_success 'the next run gets the original prompt back' '
	: >"$AGENT_LOG" &&
	git para run --rerun q >out 2>err &&
	echo "prompt: Polish the readme" >expect &&
	echo "conflicts: unset" >>expect &&
	test_cmp expect "$AGENT_LOG"
'

test_expect_success JQ 'collect counts only what the task changed itself' '
	git para collect --json q >out &&
	jq -r ".tasks[0].changed[]" out >actual &&
	printf "%s\n" README q.txt >expect &&
	test_cmp expect actual
'

test_expect_success 'collect merges the resolved task' '
	git para collect --merge q >out &&
	test_grep "^merged task .q. into .para/integration." out &&
	git show para/integration:README >actual &&
	echo "resolved by q" >expect &&
	test_cmp expect actual &&
	git show para/integration:p.txt &&
	test "$(collect_get q run.state)" = merged &&
	test_must_fail collect_get q collect.conflict &&
	collect_worktrees_clean
'

test_expect_success 'a task not set aside by a conflict is refused' '
	test_expect_code 128 git para resolve p 2>err &&
	test_grep "^fatal: task .p. is merged, not set aside by a conflict: only a task in state .conflict. is resolved" err &&
	test "$(collect_get p run.state)" = merged
'

test_expect_success 'an unknown task, no task, two tasks: refused' '
	test_expect_code 128 git para resolve nosuch 2>err &&
	test_grep "^fatal: no such task .nosuch." err &&
	test_expect_code 129 git para resolve 2>err &&
	test_grep "^error: which task?" err &&
	test_expect_code 129 git para resolve p q 2>err &&
	test_grep "^error: only one task is resolved at a time" err
'

# conflict_pair <a> <b> <branch>: two tasks changing one file; <b> is
# set aside when both are collected into <branch>
conflict_pair () {
	git para add "$1" >/dev/null &&
	git para add "$2" >/dev/null &&
	collect_commit "$1" shared.txt "by $1" &&
	collect_commit "$2" shared.txt "by $2" &&
	collect_succeed "$1" "$2" &&
	test_expect_code 1 git para collect --merge="$3" "$1" "$2" >/dev/null 2>&1 &&
	test "$(collect_get "$2" run.state)" = conflict
}

test_expect_success 'a worktree with uncommitted changes is refused, untouched' '
	conflict_pair r s int/rs &&
	wt=$(collect_wt s) &&
	echo scratch >"$wt/untracked.txt" &&
	test_expect_code 128 git para resolve s 2>err &&
	test_grep "^fatal: task .s. has uncommitted changes in .$wt.: commit or stash them first" err &&
	test_must_fail git -C "$wt" rev-parse -q --verify MERGE_HEAD &&
	test "$(collect_get s run.state)" = conflict &&
	rm "$wt/untracked.txt"
'

test_expect_success 'the branch of the conflict is the one collect used' '
	git para resolve s >out &&
	test_grep "^merged .int/rs. into task .s." out &&
	test "$(collect_get s collect.resolving)" = int/rs
'

test_expect_success '--with merges another task instead; itself is refused' '
	conflict_pair t u int/tu &&
	test_expect_code 128 git para resolve --with u u 2>err &&
	test_grep "^fatal: task .u. cannot be resolved with itself" err &&
	test_expect_code 128 git para resolve --with nosuch u 2>err &&
	test_grep "^fatal: no such task .nosuch." err &&
	test "$(collect_get u run.state)" = conflict &&
	git para resolve --with t u >out &&
	test_grep "^merged .solve/t. into task .u." out &&
	git -C "$(collect_wt u)" rev-parse MERGE_HEAD >actual &&
	git rev-parse solve/t >expect &&
	test_cmp expect actual
'

test_expect_success 'a branch that merges cleanly now: committed, succeeded again' '
	conflict_pair v w int/vw &&
	git branch -f int/vw main &&
	git checkout -q -b other main &&
	echo other >other.txt &&
	git add other.txt &&
	git commit -q -m other &&
	git checkout -q main &&
	git branch -f int/vw other &&
	git para resolve w >out &&
	test_grep "^merged .int/vw. into task .w. cleanly" out &&
	git show solve/w:other.txt &&
	test "$(collect_get w run.state)" = succeeded &&
	test_must_fail collect_get w collect.resolving &&
	git para collect --merge=int/vw w >out &&
	test_grep "^merged task .w." out
'

test_expect_success 'a branch the task has already: succeeded again, nothing merged' '
	conflict_pair x y int/xy &&
	git branch -f int/xy main &&
	git rev-parse solve/y >expect &&
	git para resolve y >out &&
	test_grep "^task .y. has .int/xy. merged already" out &&
	git rev-parse solve/y >actual &&
	test_cmp expect actual &&
	test "$(collect_get y run.state)" = succeeded
'

test_expect_success 'a resolution that keeps the task side whole still completes the merge' '
	conflict_pair o1 o2 int/o &&
	git para resolve o2 >out &&
	wt=$(collect_wt o2) &&
	git -C "$wt" rev-parse HEAD >before &&
	git -c para.command="git checkout -q --ours shared.txt && git add shared.txt" \
		para run o2 >out 2>err &&
	test "$(collect_get o2 run.state)" = succeeded &&
	test_must_fail git -C "$wt" rev-parse -q --verify MERGE_HEAD &&
	git -C "$wt" rev-parse HEAD^1 >actual &&
	test_cmp before actual &&
	git -C "$wt" rev-parse HEAD^2 >actual &&
	git rev-parse int/o >expect &&
	test_cmp expect actual &&
	echo "by o2" >expect &&
	git show solve/o2:shared.txt >actual &&
	test_cmp expect actual &&
	test -z "$(git -C "$wt" status --porcelain)" &&
	git para collect --merge=int/o o2 >out &&
	test_grep "^merged task .o2." out
'

test_expect_success 'a task whose worktree is gone is refused' '
	conflict_pair g1 g2 int/g &&
	wt=$(collect_wt g2) &&
	mv "$wt" "$wt.moved" &&
	test_when_finished "mv \"$wt.moved\" \"$wt\"" &&
	test_expect_code 128 git para resolve g2 2>err &&
	test_grep "^fatal: the worktree of task .g2. is gone" err &&
	test "$(collect_get g2 run.state)" = conflict
'

test_expect_success 'a branch that does not exist is refused' '
	conflict_pair z1 z2 int/z &&
	git branch -D int/z &&
	test_expect_code 128 git para resolve z2 2>err &&
	test_grep "^fatal: branch .int/z. does not exist" err &&
	test "$(collect_get z2 run.state)" = conflict
'

test_expect_success 'from inside the task worktree' '
	git branch int/z main &&
	git update-ref refs/heads/int/z solve/z1 &&
	(
		cd "$(collect_wt z2)" &&
		git para resolve z2 >"$TRASH_DIRECTORY/out"
	) &&
	test_grep "^merged .int/z. into task .z2." "$TRASH_DIRECTORY/out"
'


test_expect_success 'with para.resumeCommand, the run of a resolved task resumes its session' '
	conflict_pair k1 k2 int/k &&
	git para resolve k2 >out &&
	id=$(collect_get k2 task.sessionId) &&
	test -n "$id" &&
	: >"$AGENT_LOG" &&
	git config para.resumeCommand "echo \"resumed \$PARA_AGENT_SESSION_ID\" >>\"\$AGENT_LOG\"; sh \"\$AGENT\"" &&
	test_when_finished "git config --unset para.resumeCommand" &&
	git -c para.command="echo started over >>\"\$AGENT_LOG\"" \
		para run k2 >out 2>err &&
	test_grep "^k2: succeeded" out &&
	test_grep "^resumed $id\$" "$AGENT_LOG" &&
	test_grep "^conflicts: shared.txt\$" "$AGENT_LOG" &&
	test_grep "^prompt: Resolve the merge conflicts" "$AGENT_LOG" &&
	test_grep ! "started over" "$AGENT_LOG" &&
	log="$(git rev-parse --git-common-dir)/para/logs/k2.log" &&
	grep "^=== git para run: task ${SQ}k2${SQ}, attempt 1," "$log" >header &&
	test "$(wc -l <header)" -eq 1 &&
	test_grep "slot 0: echo \"resumed \$PARA_AGENT_SESSION_ID\"" header &&
	test "$(collect_get k2 run.state)" = succeeded &&
	echo "resolved by k2" >expect &&
	git show solve/k2:shared.txt >actual &&
	test_cmp expect actual
'

test_done
