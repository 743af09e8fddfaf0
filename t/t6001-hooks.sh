#!/bin/sh

test_description='para.hook.<event>: state, add, merge and prune hooks'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

# a hook that records one line per call in $TRASH_DIRECTORY/calls
record='echo "$PARA_EVENT $PARA_TASK $PARA_OLD_STATE>$PARA_STATE" >>"$TRASH_DIRECTORY/calls"'

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		test_task one -i 7 -p src/api &&
		test_task two -c "exit 3" &&
		git config para.command "echo \$PARA_TASK >>work"
	)
'

test_expect_success 'the state hook runs on every state change, in order' '
	test_when_finished "git -C repo config --unset-all para.hook.state" &&
	git -C repo config para.hook.state "$record" &&
	test_expect_code 1 git -C repo para run -j1 one two >out 2>err &&
	test_must_be_empty err &&
	grep " one " calls >actual.one &&
	cat >expect.one <<-\EOF &&
	state one new>queued
	state one queued>running
	state one running>succeeded
	EOF
	test_cmp expect.one actual.one &&
	grep " two " calls >actual.two &&
	cat >expect.two <<-\EOF &&
	state two new>queued
	state two queued>running
	state two running>failed
	EOF
	test_cmp expect.two actual.two
'

test_expect_success 'a hook gets the task environment and runs in its worktree' '
	test_when_finished "git -C repo config --unset-all para.hook.state" &&
	git -C repo config para.hook.state \
		"test \"\$PARA_STATE\" = running && exit 0
		 env | grep ^PARA_ | sort >\"\$TRASH_DIRECTORY/env.\$PARA_TASK\"
		 pwd -P >>\"\$TRASH_DIRECTORY/env.\$PARA_TASK\"" &&
	test_expect_code 1 git -C repo para run --rerun one two &&
	wt=$(test_repo_state one task.worktree) &&
	test_grep -x "PARA_TASK=one" env.one &&
	test_grep -x "PARA_EVENT=state" env.one &&
	test_grep -x "PARA_STATE=succeeded" env.one &&
	test_grep -x "PARA_OLD_STATE=running" env.one &&
	test_grep -x "PARA_EXIT_CODE=0" env.one &&
	test_grep -x "PARA_ISSUE=7" env.one &&
	test_grep -x "PARA_BRANCH=solve/one" env.one &&
	test_grep -x "PARA_WORKTREE=$wt" env.one &&
	test_grep -x "PARA_DOMAIN=src/api" env.one &&
	test_grep -x "PARA_ATTEMPT=1" env.one &&
	test_grep -x "PARA_AGENT_STATE=" env.one &&
	test_grep -x "PARA_LOG=.*/para/logs/one.log" env.one &&
	test_grep -x "PARA_ELAPSED_MS=[0-9][0-9]*" env.one &&
	test_grep -x "$(cd repo-worktrees/one && pwd -P)" env.one &&
	test_grep -x "PARA_EXIT_CODE=3" env.two &&
	test_grep -x "PARA_STATE=failed" env.two
'

test_expect_success 'a queued task that never ran has no exit code or elapsed time' '
	test_when_finished "git -C repo config --unset-all para.hook.state" &&
	git -C repo config para.hook.state \
		"test \"\$PARA_STATE\" = queued || exit 0
		 env | grep -e ^PARA_EXIT_CODE -e ^PARA_ELAPSED_MS >\"\$TRASH_DIRECTORY/queued\"" &&
	(cd repo && test_task three) &&
	git -C repo para run three &&
	printf "PARA_ELAPSED_MS=\nPARA_EXIT_CODE=\n" >expect &&
	sort queued >actual &&
	test_cmp expect actual
'

test_expect_success 'several commands run in order; an empty value drops those before it' '
	test_when_finished "git -C repo config --unset-all para.hook.state" &&
	rm -f calls &&
	git -C repo config --add para.hook.state "echo dropped >>\"\$TRASH_DIRECTORY/calls\"" &&
	git -C repo config --add para.hook.state "" &&
	git -C repo config --add para.hook.state "echo first \$PARA_STATE >>\"\$TRASH_DIRECTORY/calls\"" &&
	git -C repo config --add para.hook.state "echo second \$PARA_STATE >>\"\$TRASH_DIRECTORY/calls\"" &&
	git -C repo para run --rerun one &&
	cat >expect <<-\EOF &&
	first queued
	second queued
	first running
	second running
	first succeeded
	second succeeded
	EOF
	test_cmp expect calls &&
	rm calls &&
	git -C repo -c para.hook.state= para run --rerun one &&
	test_path_is_missing calls
'

test_expect_success 'a hook configured while a run goes on counts from then on' '
	test_when_finished "git -C repo config --unset-all para.hook.state" &&
	rm -f calls go &&
	{
		git -C repo -c para.command="until test -f \"$TRASH_DIRECTORY/go\"; do sleep 0.05; done" \
			para run --rerun one >out 2>err &
	} &&
	pid=$! &&
	test_wait_for 20 grep -q "state = running" repo/.git/para/tasks/one &&
	git -C repo config para.hook.state "$record" &&
	: >go &&
	wait $pid &&
	echo "state one running>succeeded" >expect &&
	test_cmp expect calls
'

test_expect_success 'git -c sets a hook for one command' '
	rm -f calls &&
	git -C repo -c para.hook.state="$record" para run --rerun one &&
	test_grep "state one running>succeeded" calls
'

test_expect_success 'a failing hook is a warning; its output goes to the hooks log' '
	test_when_finished "git -C repo config --unset-all para.hook.state" &&
	git -C repo config para.hook.state "echo said \$PARA_STATE; echo oops >&2; exit 7" &&
	git -C repo para run --rerun one >out 2>err &&
	test "$(test_repo_state one)" = succeeded &&
	test_grep "^warning: para.hook.state hook .echo said .* for task .one. failed: exit code 7 (see .*/para/logs/hooks.log.)" err &&
	test $(grep -c "^warning:" err) = 3 &&
	log=repo/.git/para/logs/hooks.log &&
	test_grep "^\[....-..-..T..:..:..Z\] para.hook.state one: echo said" $log &&
	test_grep -x "said running" $log &&
	test_grep -x "said succeeded" $log &&
	test_grep -x "oops" $log &&
	test_grep "^\[.*\] exit code 7$" $log
'

test_expect_success 'a hook that cannot run its command is a warning too' '
	git -C repo -c para.hook.state=no-such-command-anywhere \
		para run --rerun one 2>err &&
	test "$(test_repo_state one)" = succeeded &&
	test_grep "warning: para.hook.state hook .no-such-command-anywhere. for task .one. failed: exit code 127" err &&
	test_grep "no-such-command-anywhere" repo/.git/para/logs/hooks.log
'

test_expect_success 'a hanging hook is killed at its limit, with its group' '
	test_when_finished "git -C repo config --unset-all para.hook.state" &&
	git -C repo config para.hookTimeout 1s &&
	test_when_finished "git -C repo config --unset para.hookTimeout" &&
	git -C repo config para.hook.state \
		"TEST_MARK=hung-hook sleep 60 & TEST_MARK=hung-hook sleep 60" &&
	start=$(date +%s) &&
	git -C repo para run --rerun one two >out 2>err
	rc=$? &&
	end=$(date +%s) &&
	test $rc = 1 &&
	test "$(test_repo_state one)" = succeeded &&
	test "$(test_repo_state two)" = failed &&
	test_grep "hook .* for task .one. failed: timed out after 1.0s; killed" err &&
	test $(grep -c "timed out after" err) = 6 &&
	# six hooks of one second each, never a whole sleep
	test $((end - start)) -lt 30 &&
	test_grep "timed out after 1.0s; killed" repo/.git/para/logs/hooks.log &&
	# a killed process may take a moment to go
	test_wait_for 10 eval "test -z \"\$(test_marked_pids hung-hook)\""
'

test_expect_success 'a bad para.hookTimeout is a warning; the run goes on' '
	git -C repo -c para.hookTimeout=soon -c para.hook.state="$record" \
		para run --rerun one 2>err &&
	test "$(test_repo_state one)" = succeeded &&
	test_grep "warning: para.hook.state hooks not run for task .one.: bad duration config value .soon. for .para.hookTimeout." err
'

test_expect_success 'a hook that changes the task through git-para does not deadlock' '
	rm -f calls &&
	git -C repo -c para.hook.state="git para status --porcelain one >>\"\$TRASH_DIRECTORY/calls\"" \
		para run --rerun one &&
	test_grep "^one	running" calls &&
	test_grep "^one	succeeded" calls
'

test_expect_success 'the add hook runs after para.setup, in the new worktree' '
	rm -f calls &&
	git -C repo config para.setup "echo set >made-by-setup" &&
	test_when_finished "git -C repo config --unset para.setup" &&
	git -C repo config para.hook.add \
		"cat made-by-setup >>\"\$TRASH_DIRECTORY/calls\" && $record" &&
	test_when_finished "git -C repo config --unset-all para.hook.add" &&
	git -C repo para add -q added &&
	printf "set\nadd added >new\n" >expect &&
	test_cmp expect calls
'

test_expect_success 'no add hook for a task that was not created' '
	rm -f calls &&
	git -C repo config para.hook.add "$record" &&
	test_when_finished "git -C repo config --unset-all para.hook.add" &&
	test_must_fail git -C repo -c para.setup="exit 1" para add -q failed 2>err &&
	test_grep "para.setup failed" err &&
	test_path_is_missing calls &&
	git -C repo para add -q --dry-run dry &&
	test_path_is_missing calls
'

test_expect_success 'the add hook runs for each task of a manifest' '
	rm -f calls &&
	git -C repo config para.hook.add "$record" &&
	test_when_finished "git -C repo config --unset-all para.hook.add" &&
	cat >tasks.ini <<-\EOF &&
	[m1]
	paths = docs/
	[m2]
	paths = src/db/
	EOF
	git -C repo para add -q --from ../tasks.ini &&
	printf "add m1 >new\nadd m2 >new\n" >expect &&
	test_cmp expect calls
'

test_expect_success 'the merge hook runs for each merged task, after its state hook' '
	rm -f calls &&
	(cd repo-worktrees/one && test_commit api src/api/new.c) &&
	git -C repo config para.hook.merge "$record" &&
	git -C repo config para.hook.state "$record" &&
	test_when_finished "git -C repo config --unset-all para.hook.merge" &&
	test_when_finished "git -C repo config --unset-all para.hook.state" &&
	git -C repo para collect --merge one >out &&
	cat >expect <<-\EOF &&
	state one succeeded>merged
	merge one >merged
	EOF
	test_cmp expect calls
'

test_expect_success 'the prune hook runs before the worktree goes' '
	rm -f calls &&
	git -C repo config para.hook.prune \
		"test -d \"\$PARA_WORKTREE\" && pwd -P >>\"\$TRASH_DIRECTORY/calls\" && $record" &&
	test_when_finished "git -C repo config --unset-all para.hook.prune" &&
	wt=$(cd repo-worktrees/m1 && pwd -P) &&
	git -C repo para prune m1 >out &&
	printf "%s\nprune m1 >new\n" "$wt" >expect &&
	test_cmp expect calls &&
	test_path_is_missing repo-worktrees/m1
'

test_expect_success 'a failing prune hook does not stop the prune' '
	git -C repo -c para.hook.prune="exit 1" para prune m2 >out 2>err &&
	test_grep "warning: para.hook.prune hook .exit 1. for task .m2. failed" err &&
	test_path_is_missing repo-worktrees/m2 &&
	test_path_is_missing repo/.git/para/tasks/m2
'

test_expect_success 'a prune hook for a worktree deleted by hand runs at the top' '
	rm -f calls &&
	git -C repo config para.hook.prune "pwd -P >>\"\$TRASH_DIRECTORY/calls\"" &&
	test_when_finished "git -C repo config --unset-all para.hook.prune" &&
	rm -rf repo-worktrees/added &&
	git -C repo para prune added >out &&
	(cd repo && pwd -P) >expect &&
	test_cmp expect calls
'

test_expect_success 'the hooks log is never a task log' '
	test_must_fail git -C repo para add hooks 2>err &&
	test_grep "invalid task name .hooks.: it is reserved for the hooks. log" err
'

test_done
