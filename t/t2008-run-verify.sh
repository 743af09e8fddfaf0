#!/bin/sh

test_description='git para run: verify, unverified, empty and fresh retries'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

test_mark_processes para-verify

SQ="'"

# check.sh, committed in the repository, is a `make test` of sorts: it
# fails when work.txt holds the marker BROKEN, and says where it ran.
#
# agent: the stand-in for an agent.  Without PARA_VERIFY_LOG it writes
# broken work; with it, it keeps a copy of what it was given (in
# $TRASH_DIRECTORY/seen.<task>.<attempt>) and fixes the work.
test_expect_success 'setup' '
	test_create_repo repo &&
	cat >repo/check.sh <<-\EOF &&
	#!/bin/sh
	echo "verify of $PARA_TASK in $(pwd)"
	if grep -q BROKEN work.txt 2>/dev/null
	then
		echo "work.txt is broken"
		exit 3
	fi
	echo "all good"
	EOF
	chmod +x repo/check.sh &&
	git -C repo add check.sh &&
	git -C repo commit -q -m "a test suite" &&
	git -C repo config para.verify ./check.sh &&
	cat >agent <<-EOF &&
	#!/bin/sh
	if test -n "\$PARA_VERIFY_LOG"
	then
		cp "\$PARA_VERIFY_LOG" "$TRASH_DIRECTORY/seen.\$PARA_TASK.\$PARA_ATTEMPT" &&
		echo fixed >work.txt
	else
		echo BROKEN >work.txt
	fi
	EOF
	chmod +x agent &&
	git -C repo config para.command "${SQ}$TRASH_DIRECTORY/agent${SQ}"
'

test_expect_success 'work that fails its verify is unverified' '
	(cd repo && git para add -q a &&
	 git para add -q --after a --command "echo \"\${PARA_VERIFY_LOG-none}\" >b.txt" b) &&
	test_expect_code 1 git -C repo para run a b >out 2>err &&
	test_grep "^a: unverified: verify failed with exit code 3 in .* (log: .*/a.log)$" out &&
	test_grep "^b: skipped: dependency .a. did not succeed$" out &&
	test_grep "^1 unverified, 1 skipped in " out &&
	(cd repo && test_state a && test_state b) >actual &&
	printf "%s\n" unverified skipped >expect &&
	test_cmp expect actual
'

test_expect_success 'autoCommit ran before the verify' '
	git -C repo show solve/a:work.txt >actual &&
	echo BROKEN >expect &&
	test_cmp expect actual &&
	git -C repo-worktrees/a status --porcelain >actual &&
	test_must_be_empty actual
'

test_expect_success 'the verify output is in the log under its own header' '
	log=repo/.git/para/logs/a.log &&
	sed -e "s/started [^,]*/started T/" -e "s/after [^,]*/after D/" \
		-e "s/finished .*/finished T/" "$log" >actual &&
	cat >expect <<-EOF &&
	=== git para run: task ${SQ}a${SQ}, attempt 1, started T, slot 0: ${SQ}$TRASH_DIRECTORY/agent${SQ}
	=== git para run: task ${SQ}a${SQ}, attempt 1, verify: ./check.sh
	verify of a in $TRASH_DIRECTORY/repo-worktrees/a
	work.txt is broken
	=== attempt 1 unverified: verify failed with exit code 3, after D, finished T
	EOF
	test_cmp expect actual
'

test_expect_success 'the failing output is kept for the next attempt' '
	cat >expect <<-EOF &&
	verify of a in $TRASH_DIRECTORY/repo-worktrees/a
	work.txt is broken
	EOF
	test_cmp expect repo/.git/para/logs/a..verify.log
'

test_expect_success 'status, --porcelain and --json show unverified' '
	git -C repo para status a >out &&
	test_grep "^a  *unverified  *solve/a " out &&
	git -C repo para status --porcelain a >out &&
	cut -f 1,2 out >actual &&
	printf "a\tunverified\n" >expect &&
	test_cmp expect actual &&
	git -C repo para status --json a >json &&
	test_grep "\"state\":\"unverified\"" json &&
	test_grep "\"verify\":null" json
'

test_expect_success 'collect refuses a named unverified task, skips it otherwise' '
	test_expect_code 1 git -C repo para collect --check a >out 2>err &&
	test_grep "^error: not collecting task .a.: it is unverified: its verify command failed$" err &&
	test_must_be_empty out &&
	test_expect_code 1 git -C repo para collect --merge a >out 2>err &&
	test_grep "^error: not collecting task .a." err &&
	test_must_fail git -C repo rev-parse --verify -q para/integration &&
	git -C repo para collect >out 2>err &&
	test_grep "^skipping task .a.: it is unverified" err
'

test_expect_success 'the next run tries it again with PARA_VERIFY_LOG' '
	cp repo/.git/para/logs/a..verify.log expect.seen &&
	git -C repo para run >out 2>err &&
	test_grep "^a: succeeded in " out &&
	test_grep "^b: succeeded in " out &&
	test_cmp expect.seen seen.a.1 &&
	(cd repo && test_state a && test_state b) >actual &&
	printf "%s\n" succeeded succeeded >expect &&
	test_cmp expect actual &&
	test_path_is_missing repo/.git/para/logs/a..verify.log &&
	test_grep "^all good$" repo/.git/para/logs/a.log
'

test_expect_success 'a dependent that saw no failing verify gets no PARA_VERIFY_LOG' '
	git -C repo show solve/b:b.txt >actual &&
	echo none >expect &&
	test_cmp expect actual &&
	git -C repo show solve/b:work.txt >actual &&
	echo fixed >expect &&
	test_cmp expect actual
'

test_expect_success '--retries tries an unverified task again in the same run' '
	(cd repo && git para add -q c) &&
	git -C repo para run --retries 1 c >out 2>err &&
	test_grep "^c: unverified: verify failed with exit code 3 in .*; trying again (2 of 2)$" out &&
	test_grep "^c: succeeded in " out &&
	test_grep "work.txt is broken" seen.c.2 &&
	test_grep "^=== attempt 1 unverified" repo/.git/para/logs/c.log &&
	test_grep "^=== attempt 2 succeeded" repo/.git/para/logs/c.log
'

test_expect_success 'the contrib prompt carries the failing verify output' '
	mkdir -p bin &&
	cat >bin/claude <<-EOF &&
	#!/bin/sh
	for a; do last=\$a; done
	printf "%s\n" "\$last" >"$TRASH_DIRECTORY/prompt.\$PARA_ATTEMPT"
	"$TRASH_DIRECTORY/agent"
	EOF
	chmod +x bin/claude &&
	(cd repo && git para add -q -m "Fix the thing" \
		--command "${SQ}$SHARNESS_TEST_DIRECTORY/../contrib/agents/claude-code${SQ}" cc) &&
	PATH=$TRASH_DIRECTORY/bin:$PATH git -C repo para run --retries 1 cc >out &&
	test_grep "^cc: succeeded in " out &&
	test_grep "^Fix the thing$" prompt.1 &&
	test_grep ! "work.txt is broken" prompt.1 &&
	test_grep "^Fix the thing$" prompt.2 &&
	test_grep "check failed" prompt.2 &&
	test_grep "^work.txt is broken$" prompt.2
'

test_expect_success 'add --verify: the task'\''s own verify, recorded' '
	(cd repo && git para add -q --verify "echo own; exit 7" own) &&
	(cd repo && test_state own task.verify) >actual &&
	echo "echo own; exit 7" >expect &&
	test_cmp expect actual &&
	git -C repo para status --json own >json &&
	test_grep "\"verify\":\"echo own; exit 7\"" json &&
	test_expect_code 1 git -C repo -c para.command="echo fine >work.txt" \
		para run own >out &&
	test_grep "^own: unverified: verify failed with exit code 7 in " out &&
	test_grep "^own$" repo/.git/para/logs/own.log &&
	test_grep ! "verify of own" repo/.git/para/logs/own.log
'

test_expect_success 'a verify killed by a signal is unverified and says so' '
	(cd repo && git para add -q --verify "kill -KILL \$\$" killed) &&
	test_expect_code 1 git -C repo -c para.command="echo x >x" \
		para run killed >out &&
	test_grep "^killed: unverified: verify killed by signal 9 in " out &&
	(cd repo && test_state killed && test_state killed run.exitCode) >actual &&
	printf "unverified\n0\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'add --verify with an empty command is refused' '
	test_expect_code 128 git -C repo para add --verify "" novf 2>err &&
	test_grep "^fatal: --verify needs a command; leave it out to use para.verify$" err &&
	(cd repo && test_no_task novf)
'

test_expect_success 'a manifest cannot carry a verify command' '
	cat >tasks.ini <<-\EOF &&
	[m1]
	verify = rm -rf /
	EOF
	test_expect_code 128 git -C repo para add --from "$TRASH_DIRECTORY/tasks.ini" 2>err &&
	test_grep "tasks.ini:2: key .verify. is not allowed in a manifest (set para.verify or pass --verify)" err &&
	(cd repo && test_no_task m1) &&
	test_expect_code 128 git -C repo para add --from "$TRASH_DIRECTORY/tasks.ini" \
		--verify true 2>err &&
	test_grep "^fatal: options .--from. and .--verify. cannot be used together$" err
'

test_expect_success 'verify runs at the top of the worktree with the task environment' '
	cat >env-verify <<-EOF &&
	#!/bin/sh
	{
		pwd
		env | grep ^PARA_ | sort
	} >"$TRASH_DIRECTORY/verify-env"
	EOF
	chmod +x env-verify &&
	(cd repo && git para add -q -m "the prompt" -p src/api sub) &&
	(
		cd repo/src/api &&
		git -c para.command="echo x >work.txt" \
			-c para.verify="${SQ}$TRASH_DIRECTORY/env-verify${SQ}" para run sub
	) >out &&
	test_grep "^sub: succeeded" out &&
	wt=$TRASH_DIRECTORY/repo-worktrees/sub &&
	test "$(sed -n 1p verify-env)" = "$wt" &&
	test_grep "^PARA_TASK=sub$" verify-env &&
	test_grep "^PARA_WORKTREE=$wt$" verify-env &&
	test_grep "^PARA_PROMPT=the prompt$" verify-env &&
	test_grep "^PARA_DOMAIN=src/api$" verify-env &&
	test_grep "^PARA_ATTEMPT=1$" verify-env &&
	test_grep "^PARA_SLOT=0$" verify-env &&
	test_grep "^PARA_LOG=.*/logs/sub.log$" verify-env &&
	test_grep ! "^PARA_VERIFY_LOG" verify-env
'

test_expect_success 'a relative para.verify from a subdirectory is the worktree'\''s' '
	(cd repo && git para add -q subrel) &&
	(
		cd repo/src/api &&
		test_expect_code 1 git -c para.command="echo BROKEN >work.txt" \
			para run subrel
	) >out &&
	test_grep "^subrel: unverified: verify failed with exit code 3" out &&
	test_grep "^verify of subrel in $TRASH_DIRECTORY/repo-worktrees/subrel$" \
		repo/.git/para/logs/subrel.log
'

test_expect_success '--tag shows the verify output too' '
	(cd repo && git para add -q tagged) &&
	test_expect_code 1 git -C repo para run --tag tagged >out &&
	test_grep "^\[tagged\] work.txt is broken$" out
'

test_expect_success 'a verify that outlives the timeout is a timeout' '
	(cd repo && git para add -q --verify "sleep 30" slowv) &&
	test_expect_code 1 git -C repo -c para.command="echo x >work.txt" \
		-c para.killGrace=1s para run --timeout 2s slowv >out &&
	test_grep "^slowv: timed-out: its verify outlived the timeout in [23]\.[0-9]*s " out &&
	(cd repo && test_state slowv) >actual &&
	echo timed-out >expect &&
	test_cmp expect actual &&
	test_no_process_left &&
	test_path_is_missing repo/.git/para/logs/slowv..verify.log
'

test_expect_success 'the command and its verify share the timeout' '
	(cd repo && git para add -q --verify "sleep 1.5" sharedt) &&
	test_expect_code 1 git -C repo -c para.command="sleep 1.5; echo x >work.txt" \
		para run --timeout 2s sharedt >out &&
	test_grep "^sharedt: timed-out: its verify outlived the timeout" out &&
	(cd repo && git para add -q --verify "sleep 0.2" sharedok) &&
	git -C repo -c para.command="sleep 0.2; echo x >work.txt" \
		para run --timeout 3s sharedok >out &&
	test_grep "^sharedok: succeeded" out
'

test_expect_success 'an interrupted verify is cancelled' '
	(cd repo && git para add -q --command "echo x >work.txt" \
		--verify "sleep 30" intv) &&
	(
		cd repo &&
		{ git-para-run intv >../out 2>../err & } &&
		echo $! >../pid &&
		test_wait_for 10 grep -q "verify: sleep 30" .git/para/logs/intv.log &&
		kill -INT $(cat ../pid) &&
		{ wait $(cat ../pid); echo $? >../code; }
	) &&
	echo 130 >expect && test_cmp expect code &&
	(cd repo && test_state intv) >actual &&
	echo cancelled >expect &&
	test_cmp expect actual &&
	test_grep "^intv: cancelled" out &&
	test_no_process_left
'

test_expect_success 'a command that changes nothing is empty, and verify does not run' '
	(cd repo && git para add -q --verify "exit 1" e1 &&
	 git para add -q --after e1 --command "echo e2 >e2.txt" e2) &&
	git -C repo -c para.command=true para run e1 >out &&
	test_grep "^e1: empty in .* (log: .*/e1.log)$" out &&
	test_grep "^1 empty in " out &&
	test_grep ! "verify" repo/.git/para/logs/e1.log &&
	test_grep "^=== attempt 1 empty, after" repo/.git/para/logs/e1.log &&
	(cd repo && test_state e1) >actual &&
	echo empty >expect &&
	test_cmp expect actual
'

test_expect_success 'an empty task is done: run does not select it again' '
	test_create_repo alone &&
	(cd alone && git para add -q one) &&
	git -C alone -c para.command=true para run >out &&
	test_grep "^one: empty" out &&
	git -C alone -c para.command=true para run >out &&
	echo "nothing to run: every task has finished (use --rerun; '"'"'git para status'"'"' says how)" >expect &&
	test_cmp expect out &&
	git -C alone -c para.command=true para run --rerun >out &&
	test_grep "^one: empty" out
'

test_expect_success 'the dependents of an empty task run' '
	git -C repo para run e2 >out &&
	test_grep "^e2: succeeded" out
'

test_expect_success 'a task with only what its dependencies brought is empty' '
	(cd repo && git para add -q --after e2 e3) &&
	git -C repo -c para.command=true para run e3 >out &&
	test_grep "^e3: empty" out &&
	git -C repo merge-base --is-ancestor solve/e2 solve/e3
'

test_expect_success 'a commit that undoes itself leaves the task empty' '
	(cd repo && git para add -q undo) &&
	git -C repo -c para.command="echo x >x && git add x && git commit -q -m x && git rm -q x && git commit -q -m unx" \
		para run undo >out &&
	test_grep "^undo: empty" out
'

test_expect_success 'uncommitted work without autoCommit is not empty' '
	(cd repo && git para add -q --verify true dirty) &&
	git -C repo -c para.autoCommit=false -c para.command="echo x >new" \
		para run dirty >out &&
	test_grep "^dirty: succeeded" out
'

test_expect_success 'status and --json show empty' '
	git -C repo para status e1 >out &&
	test_grep "^e1  *empty  *solve/e1 " out &&
	git -C repo para status --json e1 >json &&
	test_grep "\"state\":\"empty\"" json
'

test_expect_success 'collect skips an empty task and says so' '
	git -C repo para collect --merge e1 e2 >out 2>err &&
	test_grep "^skipping task .e1.: it is empty: its branch has no work of its own$" err &&
	test_grep "^merged task .e2." out &&
	test_grep ! "e1" out &&
	(cd repo && test_state e1) >actual &&
	echo empty >expect &&
	test_cmp expect actual
'

# fresh-agent: fails its first attempt after committing a file and
# leaving a change, an untracked and an ignored file; the next attempt
# succeeds.  Each attempt notes where it began in fresh.<task>.
test_expect_success 'setup: an agent that fails once, leaving work behind' '
	cat >fresh-agent <<-EOF &&
	#!/bin/sh
	{
		echo "attempt \$PARA_ATTEMPT at \$(git rev-parse HEAD)"
		git status --porcelain --untracked-files=all
	} >>"$TRASH_DIRECTORY/fresh.\$PARA_TASK"
	if test -e "$TRASH_DIRECTORY/ok.\$PARA_TASK"
	then
		echo good >good.txt
		exit 0
	fi
	touch "$TRASH_DIRECTORY/ok.\$PARA_TASK"
	echo one >committed.txt && git add committed.txt &&
	git commit -q -m "half-done work" &&
	echo dirt >>README && echo new >untracked.txt && echo cache >cache.log
	exit 1
	EOF
	chmod +x fresh-agent &&
	echo "*.log" >>repo/.git/info/exclude &&
	git -C repo config para.command "${SQ}$TRASH_DIRECTORY/fresh-agent${SQ}"
'

test_expect_success 'by default a retry goes on from what the attempt left' '
	(cd repo && git para add -q keep) &&
	base=$(git -C repo rev-parse HEAD) &&
	git -C repo para run --retries 1 keep >out &&
	test_grep "^keep: failed with exit code 1 in .*; trying again (2 of 2)$" out &&
	test_grep "^keep: succeeded" out &&
	test_grep "^attempt 2 at " fresh.keep &&
	test_grep ! "attempt 2 at $base" fresh.keep &&
	test_grep "^ M README$" fresh.keep &&
	git -C repo cat-file -e solve/keep:committed.txt &&
	test_must_fail git -C repo rev-parse -q --verify refs/para/attic/keep-attempt-1
'

test_expect_success '--retry-fresh keeps the attempt in the attic and starts over' '
	(cd repo && git para add -q fresh) &&
	base=$(git -C repo rev-parse HEAD) &&
	git -C repo para run --retries 1 --retry-fresh fresh >out &&
	test_grep "^fresh: failed with exit code 1 in .*; trying again (2 of 2)$" out &&
	test_grep "^fresh: succeeded" out &&
	sed -n "/^attempt 2/,\$p" fresh.fresh >second &&
	echo "attempt 2 at $base" >expect &&
	test_cmp expect second &&
	test_grep "^=== git para run: attempt 1 kept as refs/para/attic/fresh-attempt-1; starting again from ${base%????????????????????????????}$" \
		repo/.git/para/logs/fresh.log
'

test_expect_success 'the attic keeps all of the attempt, committed or not' '
	attic=refs/para/attic/fresh-attempt-1 &&
	git -C repo show $attic:committed.txt >actual &&
	echo one >expect && test_cmp expect actual &&
	git -C repo show $attic:untracked.txt >actual &&
	echo new >expect && test_cmp expect actual &&
	git -C repo show $attic:README >actual &&
	printf "readme\ndirt\n" >expect && test_cmp expect actual &&
	test_must_fail git -C repo cat-file -e $attic:cache.log &&
	git -C repo log -1 --format=%s $attic^ >actual &&
	echo "half-done work" >expect && test_cmp expect actual &&
	git -C repo para prune --list-attic >out &&
	test_grep "^fresh-attempt-1	" out
'

test_expect_success 'the retried branch holds only the retry'\''s work' '
	git -C repo diff --name-only $(git -C repo rev-parse HEAD) solve/fresh >actual &&
	echo good.txt >expect &&
	test_cmp expect actual &&
	git -C repo-worktrees/fresh status --porcelain >actual &&
	test_must_be_empty actual &&
	test_path_is_file repo-worktrees/fresh/cache.log
'

test_expect_success 'para.retryFresh, and --no-retry-fresh over it' '
	(cd repo && git para add -q cfg && git para add -q nocfg) &&
	git -C repo -c para.retryFresh=true para run --retries 1 cfg >out &&
	test_grep "^cfg: succeeded" out &&
	git -C repo rev-parse -q --verify refs/para/attic/cfg-attempt-1 &&
	git -C repo -c para.retryFresh=true para run --no-retry-fresh \
		--retries 1 nocfg >out &&
	test_grep "^nocfg: succeeded" out &&
	test_must_fail git -C repo rev-parse -q --verify refs/para/attic/nocfg-attempt-1 &&
	test_expect_code 128 git -C repo -c para.retryFresh=maybe para run nocfg 2>err &&
	test_grep "para.retryFresh" err
'

test_expect_success 'a later run retries afresh what the last one left failed' '
	(cd repo && git para add -q later) &&
	test_expect_code 1 git -C repo para run later >out &&
	test_grep "^later: failed" out &&
	start=$(cd repo && test_state later run.startCommit) &&
	test "$start" = "$(git -C repo rev-parse HEAD)" &&
	git -C repo para status --json later >json &&
	test_grep "\"startCommit\":\"$start\"" json &&
	git -C repo para run --retry-fresh later >out &&
	test_grep "^later: succeeded" out &&
	git -C repo cat-file -e refs/para/attic/later-attempt-1:committed.txt &&
	test_grep "^attempt 1 at $start$" fresh.later
'

test_expect_success 'an attempt that left nothing is not kept' '
	(cd repo && git para add -q nothing) &&
	test_expect_code 1 git -C repo -c para.command=false \
		para run --retry-fresh --retries 1 nothing >out &&
	test_grep "^nothing: failed with exit code 1 in .*; trying again" out &&
	test_must_fail git -C repo rev-parse -q --verify refs/para/attic/nothing-attempt-1 &&
	test_grep ! "kept as" repo/.git/para/logs/nothing.log
'

test_expect_success 'a taken attic name gets a number' '
	(cd repo && git para add -q taken) &&
	git -C repo update-ref refs/para/attic/taken-attempt-1 HEAD &&
	git -C repo para run --retries 1 --retry-fresh taken >out &&
	test_grep "^taken: succeeded" out &&
	git -C repo cat-file -e refs/para/attic/taken-attempt-1-2:committed.txt &&
	test "$(git -C repo rev-parse refs/para/attic/taken-attempt-1)" = \
		"$(git -C repo rev-parse HEAD)"
'

test_expect_success 'prune of a task keeps its verify log in the attic' '
	(cd repo && git para add -q --verify false pv) &&
	test_expect_code 1 git -C repo -c para.command="echo x >x" para run pv &&
	test_path_is_file repo/.git/para/logs/pv..verify.log &&
	git -C repo para prune --force pv &&
	test_path_is_missing repo/.git/para/logs/pv..verify.log &&
	test_path_is_file repo/.git/para/attic/pv..verify.log
'

test_expect_success 'the state hook sees unverified and empty' '
	(cd repo && git para add -q --verify false hk1 && git para add -q hk2) &&
	git -C repo config para.hook.state \
		"echo \"\$PARA_TASK \$PARA_OLD_STATE>\$PARA_STATE \$PARA_EXIT_CODE\" >>\"$TRASH_DIRECTORY/hook-calls\"" &&
	test_when_finished "git -C repo config --unset para.hook.state" &&
	test_expect_code 1 git -C repo -c para.command="echo x >x" para run hk1 &&
	git -C repo -c para.command=true para run hk2 &&
	test_grep "^hk1 running>unverified 0$" hook-calls &&
	test_grep "^hk2 running>empty 0$" hook-calls
'

test_expect_success 'a run that dies while verifying leaves the task orphaned, then lost' '
	(cd repo && git para add -q --command "echo x >crashed.txt" \
		--verify "touch verifying; sleep 30" vcrash) &&
	(
		cd repo &&
		{ git-para-run vcrash >../out 2>&1 & } &&
		echo $! >../pid &&
		test_wait_for 60 test -e ../repo-worktrees/vcrash/verifying &&
		kill -KILL $(cat ../pid) &&
		wait $(cat ../pid)
		test $? = 137
	) &&
	git -C repo para status --porcelain vcrash >st &&
	test "$(cut -f2 st)" = orphaned &&
	test_marked_pids $TEST_MARK >left &&
	test -s left &&
	# a process listed may have ended by now: kill what is still there
	{ kill -KILL $(cat left) 2>/dev/null || :; } &&
	test_wait_for 60 test_no_process_left &&
	git -C repo para status --porcelain vcrash >st &&
	test "$(cut -f2 st)" = lost
'

test_expect_success 'a fresh retry of the lost task keeps what it left' '
	git config -f repo/.git/para/tasks/vcrash task.verify true &&
	git -C repo para run --retry-fresh vcrash >out &&
	test_grep "^vcrash: succeeded" out &&
	git -C repo cat-file -e refs/para/attic/vcrash-attempt-1:crashed.txt &&
	test_grep "^=== git para run: attempt 1 kept as refs/para/attic/vcrash-attempt-1" \
		repo/.git/para/logs/vcrash.log
'

test_expect_success 'a retry never starts afresh in the middle of a merge' '
	cat >merge-agent <<-EOF &&
	#!/bin/sh
	git rev-parse -q --verify MERGE_HEAD >>"$TRASH_DIRECTORY/merge-heads" ||
		echo none >>"$TRASH_DIRECTORY/merge-heads"
	test -e "$TRASH_DIRECTORY/merge-ok" || {
		touch "$TRASH_DIRECTORY/merge-ok"
		exit 1
	}
	echo resolved >README
	EOF
	chmod +x merge-agent &&
	(cd repo && git para add -q --command "${SQ}$TRASH_DIRECTORY/merge-agent${SQ}" mid) &&
	git -C repo branch mid-other main &&
	(
		cd repo && git checkout -q mid-other &&
		echo other >README && git commit -q -a -m other &&
		git checkout -q main
	) &&
	(
		cd repo-worktrees/mid &&
		echo mine >README && git commit -q -a -m mine &&
		test_must_fail git merge -q mid-other
	) &&
	other=$(git -C repo rev-parse mid-other) &&
	git -C repo para run --retries 1 --retry-fresh mid >out &&
	test_grep "^mid: succeeded" out &&
	printf "%s\n" $other $other >expect &&
	test_cmp expect merge-heads &&
	test_grep "a merge is in progress: attempt 2 goes on from what it left" \
		repo/.git/para/logs/mid.log &&
	test_must_fail git -C repo rev-parse -q --verify refs/para/attic/mid-attempt-1 &&
	git -C repo rev-parse solve/mid^2 >actual &&
	echo $other >expect &&
	test_cmp expect actual
'

test_done
