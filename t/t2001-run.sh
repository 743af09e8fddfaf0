#!/bin/sh

test_description='git para run: selection, environment, results, dependencies'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		test_task one &&
		test_task two -i 7 -p src/api -p docs/ \
			-m "hi \"; rm -rf ~; echo \"\$(touch pwned)" &&
		test_task three &&
		git config para.command "echo \"ran \$PARA_TASK\" >>\"\$HOME/ran\"; echo \$PARA_TASK >>work.\$PARA_TASK"
	)
'

test_expect_success '-h shows the usage on stdout, exit 129' '
	test_expect_code 129 git para run -h >out &&
	head -n 2 out >actual &&
	cat >expect <<-\EOF &&
	usage: git para run [<options>] [<task>...]
	   or: git para run [<options>] [<task>...] -- <command> [<arg>...]
	EOF
	test_cmp expect actual
'

test_expect_success 'an unknown option is a usage error' '
	test_expect_code 129 git -C repo para run --bogus 2>err &&
	grep "unknown option" err
'

test_expect_success 'bad values are fatal and name the key or option' '
	test_expect_code 128 git -C repo -c para.jobs=abc para run 2>err &&
	grep "para.jobs" err && grep abc err &&
	test_expect_code 128 git -C repo -c para.timeout=soon para run 2>err &&
	grep "para.timeout" err &&
	test_expect_code 128 git -C repo para run --timeout soon 2>err &&
	grep "invalid duration .soon. for .--timeout." err &&
	test_expect_code 128 git -C repo para run nosuch 2>err &&
	grep "no such task .nosuch." err &&
	test_must_fail test -e ran &&
	test_must_fail test -e repo/.git/para/logs
'

test_expect_success 'no command is fatal before anything runs' '
	test_expect_code 128 git -C repo -c para.command= para run 2>err &&
	grep "no command to run for task .one.: set .para.command." err &&
	test_must_fail test -e ran
'

test_expect_success 'runs every unfinished task and records it' '
	git -C repo para run -j2 >out &&
	sort ran >actual &&
	printf "ran %s\n" one three two >expect &&
	test_cmp expect actual &&
	for t in one two three
	do
		echo succeeded >expect &&
		(cd repo && test_state $t) >actual &&
		test_cmp expect actual &&
		grep "^$t: succeeded in .* (log: .*/para/logs/$t.log)$" out &&
		grep "^=== git para run: task .$t., attempt 1, started" \
			repo/.git/para/logs/$t.log &&
		grep "^=== attempt 1 succeeded, after" \
			repo/.git/para/logs/$t.log || return 1
	done
'

test_expect_success 'a second run resumes: nothing is left to do' '
	rm ran &&
	git -C repo para run >out 2>err &&
	echo "nothing to run: every task has succeeded (use --rerun)" >expect &&
	test_cmp expect out &&
	test_must_be_empty err &&
	test_must_fail test -e ran
'

test_expect_success '--rerun runs succeeded tasks again; names select' '
	git -C repo para run --rerun two >out &&
	echo "ran two" >expect &&
	test_cmp expect ran &&
	(cd repo && test_state two run.attempt && test_state two run.attempts) >actual &&
	printf "1\n2\n" >expect && test_cmp expect actual &&
	test $(grep -c "^=== git para run: task" repo/.git/para/logs/two.log) = 2
'

test_expect_success 'the task data reaches the command only through the environment' '
	cat >dump.sh <<-\EOF &&
	for v in ATTEMPT BASE BRANCH DOMAIN ISSUE LOG PROMPT SLOT TASK WORKTREE
	do
		printf "PARA_%s=" $v && printenv PARA_$v
	done
	EOF
	(
		cd repo &&
		git -c para.command="sh \"\$HOME/dump.sh\" >\"\$HOME/env-\$PARA_TASK\"" \
			para run --rerun two
	) &&
	base=$(git -C repo rev-parse HEAD) &&
	wt=$(cd repo-worktrees/two && pwd) &&
	cat >expect <<-EOF &&
	PARA_ATTEMPT=1
	PARA_BASE=$base
	PARA_BRANCH=solve/two
	PARA_DOMAIN=src/api
	docs/

	PARA_ISSUE=7
	PARA_LOG=$TRASH_DIRECTORY/repo/.git/para/logs/two.log
	PARA_PROMPT=hi "; rm -rf ~; echo "\$(touch pwned)
	PARA_SLOT=0
	PARA_TASK=two
	PARA_WORKTREE=$TRASH_DIRECTORY/repo/../repo-worktrees/two
	EOF
	test_cmp expect env-two &&
	test_must_fail test -e repo-worktrees/two/pwned &&
	test_must_fail test -e pwned &&
	test -d "$HOME" && test -f ran
'

test_expect_success 'leftovers of a successful task are committed, new files too' '
	(
		cd repo &&
		git -c para.command="echo new >new.txt && echo changed >>README" \
			para run --rerun one
	) &&
	git -C repo-worktrees/one status --porcelain >actual &&
	test_must_be_empty actual &&
	git -C repo-worktrees/one log -1 --format=%s >msg &&
	grep "task .one." msg &&
	git -C repo-worktrees/one show --name-only --format= HEAD >files &&
	printf "README\nnew.txt\n" >expect && test_cmp expect files
'

test_expect_success 'a tracked file changed in place, same size, is committed too' '
	(
		cd repo &&
		git para add -q -p inplace inplace &&
		git -c para.command="printf X | dd of=README conv=notrunc 2>/dev/null" \
			para run inplace
	) &&
	git -C repo-worktrees/inplace status --porcelain >actual &&
	test_must_be_empty actual &&
	git -C repo-worktrees/inplace show --name-only --format= HEAD >files &&
	echo README >expect && test_cmp expect files
'

test_expect_success 'para.autoCommit=false leaves them alone' '
	(
		cd repo &&
		git -c para.autoCommit=false -c para.command="echo x >left.txt" \
			para run --rerun three
	) &&
	git -C repo-worktrees/three status --porcelain >actual &&
	echo "?? left.txt" >expect &&
	test_cmp expect actual &&
	rm repo-worktrees/three/left.txt
'

test_expect_success 'a failing task: exit 1, recorded, dependents skipped, others go on' '
	(
		cd repo &&
		test_task bad -c "echo oops; exit 3" &&
		test_task after-bad -a bad &&
		test_task after-after -a after-bad &&
		test_task fine &&
		rm -f "$HOME/ran" &&
		test_expect_code 1 git para run -j1 >../out
	) &&
	grep "^bad: failed with exit code 3 in" out &&
	grep "^after-bad: skipped: dependency .bad. did not succeed" out &&
	grep "^after-after: skipped: dependency .after-bad. did not succeed" out &&
	grep "^fine: succeeded" out &&
	echo "ran fine" >expect && test_cmp expect ran &&
	(cd repo && test_state bad && test_state bad run.exitCode &&
	 test_state after-bad && test_state after-after) >actual &&
	printf "failed\n3\nskipped\nskipped\n" >expect &&
	test_cmp expect actual &&
	grep "^oops$" repo/.git/para/logs/bad.log &&
	grep "^=== attempt 1 failed with exit code 3, after" repo/.git/para/logs/bad.log
'

test_expect_success '--retries tries a failed task again' '
	(
		cd repo &&
		test_task flaky -c "echo work >>work.flaky; test -e \"\$HOME/second\" || { touch \"\$HOME/second\"; exit 1; }" &&
		git para run --retries 2 flaky >../out
	) &&
	grep "^flaky: failed with exit code 1 in .*; trying again (2 of 3)" out &&
	grep "^flaky: succeeded" out &&
	(cd repo && test_state flaky run.attempt) >actual &&
	echo 2 >expect && test_cmp expect actual &&
	test $(grep -c "^=== attempt" repo/.git/para/logs/flaky.log) = 2
'

test_expect_success 'para.retries is the default' '
	rm -f second &&
	git -C repo -c para.retries=1 para run --rerun flaky >out &&
	grep "^flaky: succeeded" out
'

test_expect_success '--halt-on-failure starts nothing after a failure' '
	(
		cd repo &&
		test_task h1 -c "exit 1" &&
		test_task h2 &&
		rm -f "$HOME/ran" &&
		test_expect_code 1 git para run -j1 --halt-on-failure h1 h2 >../out
	) &&
	grep "^h1: failed" out &&
	test_must_fail test -e ran &&
	(cd repo && test_state h2) >actual &&
	echo new >expect && test_cmp expect actual
'

test_expect_success 'a dependency not selected and not succeeded blocks the task' '
	test_expect_code 1 git -C repo para run after-bad >out &&
	grep "^after-bad: not started: dependency .bad. has not succeeded" out
'

test_expect_success 'a task merges its dependencies before it starts' '
	(
		cd repo &&
		test_task base1 -c "echo one >dep1.txt" &&
		test_task base2 -c "echo two >dep2.txt" &&
		test_task top -a base1 -a base2 -c "cat dep1.txt dep2.txt >seen" &&
		git para run base1 base2 top
	) &&
	printf "one\ntwo\n" >expect &&
	test_cmp expect repo-worktrees/top/seen &&
	git -C repo merge-base --is-ancestor solve/base1 solve/top &&
	git -C repo merge-base --is-ancestor solve/base2 solve/top
'

test_expect_success 'a merge conflict fails the task, names the files, skips its dependents' '
	(
		cd repo &&
		test_task c1 -c "echo c1 >README" &&
		test_task c2 -c "echo c2 >README" &&
		test_task c3 -a c1 -a c2 -c "touch ran-c3" &&
		test_task c4 -a c3 &&
		test_expect_code 1 git para run c1 c2 c3 c4 >../out
	) &&
	grep "^c3: failed: merging .solve/c2. conflicts in README in" out &&
	grep "^c4: skipped: dependency .c3. did not succeed" out &&
	test_must_fail test -e repo-worktrees/c3/ran-c3 &&
	git -C repo-worktrees/c3 status --porcelain >actual &&
	test_must_be_empty actual &&
	(cd repo && test_state c3) >actual &&
	echo failed >expect && test_cmp expect actual
'

test_expect_success 'exec mode runs a command in each worktree, no shell, no state change' '
	(
		cd repo &&
		test_state one run.attempts >../attempts &&
		git para run one two -- sh -c "pwd >\"\$HOME/pwd-\$PARA_TASK\"; echo \"\$1\"" arg "\$HOME" >../out &&
		test_state one run.attempts >../attempt &&
		test_state one >../state
	) &&
	echo "$TRASH_DIRECTORY/repo-worktrees/one" >expect &&
	test_cmp expect pwd-one &&
	test_cmp attempts attempt &&
	echo succeeded >expect && test_cmp expect state &&
	grep "^\$HOME$" repo/.git/para/logs/one..exec.log &&
	grep "^one: succeeded in .*one..exec.log" out
'

test_expect_success 'exec mode reports failures, and a missing program' '
	test_expect_code 1 git -C repo para run one -- no-such-program >out &&
	grep "^one: failed with exit code 127" out &&
	grep "cannot run .no-such-program." repo/.git/para/logs/one..exec.log
'

test_expect_success 'a command run without a shell gets PWD of its worktree, not ours' '
	(
		cd repo &&
		PWD=/nowhere-of-ours &&
		export PWD &&
		git para run one -- env >/dev/null &&
		git -c para.command=env para run --rerun two >/dev/null
	) &&
	grep "^PWD=" repo/.git/para/logs/one..exec.log >actual &&
	echo "PWD=$TRASH_DIRECTORY/repo-worktrees/one" >expect &&
	test_cmp expect actual &&
	grep "^PWD=" repo/.git/para/logs/two.log | tail -n 1 >actual &&
	echo "PWD=$TRASH_DIRECTORY/repo-worktrees/two" >expect &&
	test_cmp expect actual
'

test_expect_success 'a one-word para.command: the program, a builtin, a script without #!' '
	mkdir -p bin &&
	printf "echo no-hashbang ran \$PARA_TASK\n" >bin/para-no-hashbang &&
	chmod +x bin/para-no-hashbang &&
	(
		cd repo &&
		PATH="$TRASH_DIRECTORY/bin:$PATH" &&
		export PATH &&
		git -c para.command=para-no-hashbang para run --rerun one >../out &&
		grep "^no-hashbang ran one$" .git/para/logs/one.log &&
		# not a program of PATH: the shell runs it, as before
		git -c para.command=: para run --rerun one >>../out &&
		test_expect_code 1 git -c para.command=para-no-such-word \
			para run --rerun one >>../out &&
		grep "para-no-such-word: not found" .git/para/logs/one.log
	) &&
	grep "^one: failed with exit code 127" out
'

test_expect_success 'a task named <x>.exec has a log of its own, apart from x'"'"'s exec log' '
	(
		cd repo &&
		test_task one.exec -c "echo output of one.exec" &&
		test_task one.verify -c "echo output of one.verify" &&
		git para run one.exec one.verify >/dev/null &&
		git para run one -- echo exec of one >/dev/null &&
		git para run one.exec -- echo exec of one.exec >/dev/null
	) &&
	logs=repo/.git/para/logs &&
	grep -v "^===" $logs/one.exec.log >actual &&
	echo "output of one.exec" >expect &&
	test_cmp expect actual &&
	grep -v "^===" $logs/one.verify.log >actual &&
	echo "output of one.verify" >expect &&
	test_cmp expect actual &&
	test_grep "^exec of one$" $logs/one..exec.log &&
	test_grep ! "exec of one.exec" $logs/one..exec.log &&
	grep -v "^===" $logs/one.exec..exec.log >actual &&
	echo "exec of one.exec" >expect &&
	test_cmp expect actual &&
	git -C repo para prune --force one.exec one.verify >/dev/null &&
	test_path_is_file $logs/one..exec.log &&
	test_path_is_file repo/.git/para/attic/one.exec.log &&
	test_path_is_file repo/.git/para/attic/one.exec..exec.log &&
	git -C repo para prune --drop-attic one.verify >/dev/null &&
	test_path_is_file repo/.git/para/attic/one.exec.log
'

test_expect_success 'para.launcher prefixes every task command' '
	git -C repo -c para.launcher="env LAUNCHED=yes" \
		-c para.command="echo \$LAUNCHED >launched" para run --rerun one &&
	echo yes >expect &&
	test_cmp expect repo-worktrees/one/launched &&
	git -C repo -c para.launcher="env LAUNCHED=exec" para run one -- \
		sh -c "echo \$LAUNCHED >launched2" &&
	echo exec >expect &&
	test_cmp expect repo-worktrees/one/launched2
'

test_expect_success 'a missing worktree fails the task' '
	(
		cd repo &&
		test_task gone &&
		rm -rf ../repo-worktrees/gone &&
		test_expect_code 1 git para run gone >../out
	) &&
	grep "^gone: failed: worktree .*gone. is missing" out
'

test_expect_success 'tasks made by git para add run' '
	(
		cd repo &&
		git para add -m "made by add" -p src/db added1 >/dev/null &&
		git para add --after added1 added2 >/dev/null &&
		git -c para.command="echo \"\$PARA_PROMPT\" >prompt.txt" \
			para run added1 added2 >../out
	) &&
	grep "^added2: succeeded" out &&
	echo "made by add" >expect &&
	test_cmp expect repo-worktrees/added1/prompt.txt &&
	git -C repo merge-base --is-ancestor solve/added1 solve/added2 &&
	git -C repo-worktrees/added2 log --format=%s -1 >msg &&
	grep "task .added2." msg
'

test_expect_success 'the end of an attempt records what its worktree takes' '
	(
		cd repo &&
		test_task big -c "head -c 300000 /dev/zero >big.bin" &&
		test_must_fail test_state big task.diskUse &&
		git para run big >../out &&
		test_state big task.diskUse >../disk
	) &&
	grep "^big: succeeded" out &&
	test "$(cat disk)" -ge 300000 &&
	du -sB1 -x repo-worktrees/big | cut -f1 >expect &&
	test_cmp expect disk
'

test_expect_success 'the disk use of a worktree left clean is what du counts' '
	(
		cd repo &&
		test_task tidy -c "head -c 200000 /dev/zero >tidy.bin &&
			git add tidy.bin && git commit -q -m tidy" &&
		test_task idle -c true &&
		git para run tidy idle >../out &&
		git -C ../repo-worktrees/tidy status --porcelain >../dirty &&
		test_state tidy task.diskUse >../disk-tidy &&
		test_state idle task.diskUse >../disk-idle
	) &&
	test_must_be_empty dirty &&
	grep "^tidy: succeeded" out &&
	grep "^idle: empty" out &&
	test "$(cat disk-tidy)" -ge 200000 &&
	du -sB1 -x repo-worktrees/tidy | cut -f1 >expect &&
	test_cmp expect disk-tidy &&
	du -sB1 -x repo-worktrees/idle | cut -f1 >expect &&
	test_cmp expect disk-idle
'

test_expect_success 'a damaged state file is reported, the other tasks run' '
	(
		cd repo &&
		test_task ok2 &&
		echo garbage >.git/para/tasks/broken &&
		test_expect_code 1 git para run >../out 2>../err
	) &&
	grep "broken" err &&
	grep "^ok2: succeeded" out
'

test_done
