#!/bin/sh

test_description='git para run: sparse autoCommit, dependency merges, attempt numbers'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		mkdir -p src/app docs adapters &&
		echo app >src/app/main.c &&
		echo doc >docs/guide.md &&
		echo base >adapters/base.h &&
		echo top >README &&
		git add . &&
		git commit -q -m init
	)
'

# outside <task>: the command a sparse task runs, writing inside and
# outside its sparse patterns
outside_command='mkdir -p adapters && echo mine >adapters/mine.h &&
	echo more >>adapters/base.h && echo edit >>src/app/main.c'

# glob: a wildcard of directories, checked out in cone mode
for mode in cone glob no-cone
do
	case $mode in
	cone) pattern=src/app/ ;;
	glob) pattern="src/a*/" ;;
	*) pattern="src/app/*.c" ;;
	esac

	test_expect_success "$mode: a sparse task that writes outside its patterns succeeds" '
		(cd repo && git para add -q --allow-overlap --sparse -p "$pattern" sp-$mode) &&
		wt=repo-worktrees/sp-$mode &&
		if test $mode = no-cone
		then
			cone=false
		else
			cone=true
		fi &&
		test "$(git -C $wt config --worktree core.sparseCheckoutCone)" = $cone &&
		test_must_fail test -e $wt/adapters/base.h &&
		git -C repo -c para.command="$outside_command" \
			para run sp-$mode >out 2>err &&
		grep "^sp-$mode: succeeded in .* (log: .*/sp-$mode.log)$" out &&
		test_must_be_empty err &&
		(cd repo && test_state sp-$mode) >actual &&
		echo succeeded >expect && test_cmp expect actual
	'

	test_expect_success "$mode: everything it wrote is committed, nothing is left" '
		wt=repo-worktrees/sp-$mode &&
		git -C $wt status --porcelain --untracked-files=all >actual &&
		test_must_be_empty actual &&
		git -C repo diff --name-only main solve/sp-$mode >actual &&
		printf "%s\n" adapters/base.h adapters/mine.h src/app/main.c >expect &&
		test_cmp expect actual &&
		git -C repo show solve/sp-$mode:adapters/mine.h >actual &&
		echo mine >expect && test_cmp expect actual &&
		git -C repo show solve/sp-$mode:adapters/base.h >actual &&
		echo more >expect && test_cmp expect actual
	'

	test_expect_success "$mode: what it wrote outside its domain is reported" '
		(cd repo && test_expect_code 1 git para collect --check sp-$mode >../out 2>../err) &&
		test_grep "^task sp-$mode: 3 changed, 2 outside its domain" out &&
		test_grep "adapters/base.h" out &&
		test_grep "adapters/mine.h" out
	'
done

test_expect_success 'without a prompt the autoCommit subject names the task' '
	git -C repo log -1 --format=%s solve/sp-cone >actual &&
	echo "git para run: commit what task '"'"'sp-cone'"'"' left uncommitted" >expect &&
	test_cmp expect actual
'

test_expect_success 'the autoCommit subject is the first line of the prompt' '
	(
		cd repo &&
		test_task msg -c "echo x >made" -m "  Add the orders endpoint
with its tests" &&
		git para run msg >../out
	) &&
	git -C repo log -1 --format=%B solve/msg >actual &&
	printf "para: msg: Add the orders endpoint\n\n" >expect &&
	test_cmp expect actual &&
	git -C repo show --name-only --format= solve/msg >actual &&
	echo made >expect && test_cmp expect actual
'

test_expect_success 'a long first line is cut on a word to fit a subject' '
	(
		cd repo &&
		test_task long -c "echo x >made" -m "Rewrite the scheduler so that every task waits for its dependencies and locks, then report" &&
		git para run long >../out
	) &&
	git -C repo log -1 --format=%s solve/long >actual &&
	echo "para: long: Rewrite the scheduler so that every task waits for its..." >expect &&
	test_cmp expect actual
'

test_expect_success 'a commit that fails says so on one line; git speaks in the log' '
	(cd repo && git para add -q --allow-overlap --sparse -p src/app/ noid) &&
	wt=repo-worktrees/noid &&
	(
		GIT_COMMITTER_NAME= && export GIT_COMMITTER_NAME &&
		test_expect_code 1 git -C repo -c para.command="echo x >new" \
			para run noid >out 2>err
	) &&
	test $(wc -l <out) = 2 &&
	tail -n 1 out >actual && grep "^1 failed in [0-9.]*m*s$" actual &&
	grep "^noid: failed: cannot commit what was left in .*(git.s output is in the log) in .* (log: .*/noid.log)$" out &&
	test_must_be_empty err &&
	grep "empty ident name" repo/.git/para/logs/noid.log &&
	echo x >expect && test_cmp expect $wt/new
'

test_expect_success 'setup: b depends on a, and a untracked file stands in its way' '
	(
		cd repo &&
		git para add -q a &&
		git para add -q --after a b &&
		git para add -q --after a c
	) &&
	echo from-a >repo-worktrees/a/shared &&
	echo a-side >repo-worktrees/a/README &&
	echo mine >repo-worktrees/b/shared
'

test_expect_success 'a dependency merge git refuses: one line, detail in the log' '
	test_expect_code 1 git -C repo -c para.command=true \
		para run a b >out 2>err &&
	grep "^a: succeeded" out &&
	grep "^b: failed: cannot merge .solve/a.: The following untracked working tree files would be overwritten by merge (git.s output is in the log) in .* (log: .*/b.log)$" out &&
	test $(wc -l <out) = 3 &&
	tail -n 1 out >actual && grep "^1 succeeded, 1 failed in " actual &&
	test_must_be_empty err &&
	log=repo/.git/para/logs/b.log &&
	head -n 1 $log >actual &&
	grep "^=== git para run: task .b., attempt 1, started .*, slot 0: true$" actual &&
	grep "^Please move or remove them before you merge" $log &&
	tail -n 1 $log >actual &&
	grep "^=== attempt 1 failed: cannot merge .solve/a.: The following .* in the log), after" actual &&
	echo mine >expect && test_cmp expect repo-worktrees/b/shared &&
	test "$(git -C repo rev-parse solve/b)" = "$(git -C repo rev-parse main)"
'

test_expect_success 'a dependency merge that conflicts is aborted, quietly' '
	echo c-side >repo-worktrees/c/README &&
	git -C repo-worktrees/c commit -q -a -m c-side &&
	tip=$(git -C repo rev-parse solve/c) &&
	test_expect_code 1 git -C repo -c para.command=true \
		para run c >out 2>err &&
	grep "^c: failed: merging .solve/a. conflicts in README in .* (log: .*/c.log)$" out &&
	test $(wc -l <out) = 2 &&
	test_must_be_empty err &&
	git -C repo-worktrees/c status --porcelain >actual &&
	test_must_be_empty actual &&
	test "$(git -C repo rev-parse solve/c)" = "$tip"
'

test_expect_success 'setup: a task that fails twice, then succeeds' '
	(
		cd repo &&
		test_task flaky -c "echo \"\$PARA_ATTEMPT\" >>\"\$HOME/attempts\"; test -e \"\$HOME/pass\""
	)
'

test_expect_success 'PARA_ATTEMPT, the terminal and the log agree within a run' '
	test_expect_code 1 git -C repo para run --retries 1 flaky >out &&
	grep "^flaky: failed with exit code 1 in .*; trying again (2 of 2)$" out &&
	printf "1\n2\n" >expect && test_cmp expect attempts &&
	grep "^=== git para run: task .flaky., attempt" repo/.git/para/logs/flaky.log |
		sed "s/.*attempt \([0-9]*\),.*/\1/" >actual &&
	test_cmp expect actual
'

test_expect_success 'a second run counts from 1 again; the lifetime count is apart' '
	rm attempts &&
	test_expect_code 1 git -C repo para run --retries 1 flaky >out &&
	grep "^flaky: failed with exit code 1 in .*; trying again (2 of 2)$" out &&
	grep "^flaky: failed with exit code 1 in .* (log: [^;]*)$" out &&
	printf "1\n2\n" >expect && test_cmp expect attempts &&
	grep "^=== git para run: task .flaky., attempt" repo/.git/para/logs/flaky.log |
		sed "s/.*attempt \([0-9]*\),.*/\1/" >actual &&
	printf "1\n2\n1\n2\n" >expect && test_cmp expect actual &&
	(cd repo && test_state flaky run.attempt && test_state flaky run.attempts) >actual &&
	printf "2\n4\n" >expect && test_cmp expect actual &&
	git -C repo para status --json flaky >json &&
	grep "\"attempt\":2," json && grep "\"attempts\":4," json
'

test_expect_success 'a state file from before the lifetime count keeps its number' '
	(
		cd repo &&
		test_task old -c true &&
		git config -f "$(para_state_file old)" run.attempt 3 &&
		git para status --json old >../json &&
		git para run old >../out
	) &&
	grep "\"attempts\":3," json &&
	(cd repo && test_state old run.attempt && test_state old run.attempts) >actual &&
	printf "1\n4\n" >expect && test_cmp expect actual
'

test_done
