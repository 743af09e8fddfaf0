#!/bin/sh

test_description='PARA_CONTEXT: the shared context every task can read'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

END='<!-- end of git-para context -->'

# section <file> <task>: the lines of one task's section of a context
section () {
	awk -v h="## $2" '/^## /{p=($0==h)} /^<!-- end/{p=0} p' "$1"
}

# whole <file>: the file is a whole context, first line to end marker
whole () {
	head -n 1 "$1" | grep -q "^# Tasks of " &&
	test "$(tail -n 1 "$1")" = "$END"
}

# read_loop: reads the context until ./stop appears, keeping a copy of
# any read that is not whole in ./bad, counting the reads in ./reads
read_loop () {
	_n=0 &&
	while ! test -e stop
	do
		cat "$CTX" >snap &&
		if ! whole snap
		then
			cp snap bad
		fi &&
		_n=$((_n + 1)) &&
		echo $_n >reads.tmp && mv reads.tmp reads || return 1
	done
}

test_expect_success 'setup' '
	test_create_repo repo &&
	CTX=$(pwd)/repo/.git/para/context.md
'

test_expect_success 'add writes the context: name, state, domain, after, task' '
	(
		cd repo &&
		git para add -p "src/api/**" -m "Fix the orders API
with more detail" api &&
		git para add -p docs -p "README" --after api -m "Document it" docs
	) &&
	whole "$CTX" &&
	section "$CTX" api >api &&
	cat >expect <<-\EOF &&
	## api

	- state: new
	- branch: `solve/api`
	- domain: `src/api/**`
	- after: none
	- task: Fix the orders API

	EOF
	test_cmp expect api &&
	section "$CTX" docs >docs &&
	test_grep -x -e "- domain: \`docs\`, \`README\`" docs &&
	test_grep -x -e "- after: \`api\`" docs
'

test_expect_success 'status --context prints it, from anywhere in the repository' '
	git -C repo para status --context >out &&
	test_cmp "$CTX" out &&
	git -C repo/src/api para status --context >out &&
	test_cmp "$CTX" out &&
	git -C repo-worktrees/docs para status --context >out &&
	test_cmp "$CTX" out
'

test_expect_success 'status --context takes no tasks and no other option' '
	test_expect_code 129 git -C repo para status --context api 2>err &&
	test_grep "option .--context. cannot be used with tasks or other options" err &&
	test_expect_code 129 git -C repo para status --context --json 2>err &&
	test_grep "cannot be used" err &&
	test_expect_code 129 git -C repo para status --context -v 2>err &&
	test_grep "usage: git para status" err
'

test_expect_success 'status --context writes a missing context from the tasks' '
	rm "$CTX" &&
	git -C repo para status --context >out &&
	whole out &&
	test_cmp "$CTX" out &&
	section out api >api2 &&
	test_cmp api api2
'

test_expect_success 'each state change rewrites it before the state hook runs' '
	git -C repo config para.hook.state \
		"cp \"\$PARA_CONTEXT\" \"\$TRASH_DIRECTORY/seen.\$PARA_TASK.\$PARA_STATE\"" &&
	git -C repo config para.command "echo change >>src/api/orders.c" &&
	git -C repo para run -j1 api >out &&
	for s in queued running succeeded
	do
		whole seen.api.$s &&
		section seen.api.$s api >got &&
		test_grep -x -e "- state: $s" got || return 1
	done &&
	section "$CTX" api >got &&
	test_grep -x -e "- state: succeeded" got &&
	section "$CTX" docs >got &&
	test_grep -x -e "- state: new" got
'

test_expect_success 'the hooks and the command get PARA_CONTEXT' '
	test_path_is_file seen.api.running &&
	git -C repo config para.command \
		"printf \"%s\\n\" \"\$PARA_CONTEXT\" >\"\$TRASH_DIRECTORY/path\"" &&
	git -C repo para run --rerun api >out &&
	echo "$CTX" >expect &&
	test_cmp expect path
'

test_expect_success 'the state the command reports is in it' '
	git -C repo config --unset para.hook.state &&
	git -C repo config para.command "echo \"waiting needs approval to run rm\" >\"\$PARA_STATUS_FILE\" &&
		while ! test -e \"\$TRASH_DIRECTORY/go\"; do sleep 0.02; done" &&
	{ git -C repo para run --rerun api >run.out 2>&1 & } &&
	run=$! &&
	test_wait_for 60 eval "section \"\$CTX\" api | grep -q \"^- state: running: waiting\"" &&
	section "$CTX" api >got &&
	test_grep -x -e "- state: running: waiting (needs approval to run rm)" got &&
	touch go &&
	wait $run &&
	section "$CTX" api >got &&
	test_grep -x -e "- state: succeeded" got
'

test_expect_success 'a task reading PARA_CONTEXT mid-run sees the other tasks' '
	rm -f go &&
	(
		cd repo &&
		git para add -m "Slow one" slow &&
		git para add -m "Reader" reader &&
		git config para.command "case \$PARA_TASK in
			slow) touch \"\$TRASH_DIRECTORY/slow-started\" &&
			      while ! test -e \"\$TRASH_DIRECTORY/go\"; do sleep 0.02; done ;;
			reader) while ! test -e \"\$TRASH_DIRECTORY/slow-started\"; do sleep 0.02; done &&
			      cp \"\$PARA_CONTEXT\" \"\$TRASH_DIRECTORY/read\" &&
			      touch \"\$TRASH_DIRECTORY/go\" ;;
			esac" &&
		git para run -j2 slow reader >../run.out
	) &&
	whole read &&
	section read slow >got &&
	test_grep -x -e "- state: running" got &&
	section read reader >got &&
	test_grep -x -e "- state: running" got &&
	section read api >got &&
	test_grep -x -e "- state: succeeded" got &&
	section read docs >got &&
	test_grep -x -e "- state: new" got
'

test_expect_success 'a reader never sees half a file during a run of many tasks' '
	(
		cd repo &&
		for i in $(test_seq 1 12)
		do
			git para add -m "many $i" many-$i || exit 1
		done
	) &&
	echo 0 >reads &&
	# each task waits until the reader has read the context again, so
	# that the reads fall among the writes whatever the machine load
	git -C repo config para.command "n=\$(cat \"\$TRASH_DIRECTORY/reads\") &&
		while test \"\$(cat \"\$TRASH_DIRECTORY/reads\")\" -le \$((n + 1)); do sleep 0.01; done" &&
	rm -f stop bad &&
	{ read_loop 3>&- 4>&- & } &&
	reader=$! &&
	git -C repo para run -j2 $(cd repo && printf "many-%s " $(test_seq 1 12)) >out &&
	touch stop &&
	wait $reader &&
	test_path_is_file reads &&
	test_path_is_missing bad &&
	test $(cat reads) -ge 12 &&
	whole "$CTX" &&
	for i in $(test_seq 1 12)
	do
		section "$CTX" many-$i >got &&
		test_grep -x -e "- state: empty" got || return 1
	done
'

test_expect_success 'a damaged task is named; the others are still there' '
	state=$(cd repo && para_state_file docs) &&
	cp "$state" docs.saved &&
	echo garbage >"$state" &&
	git -C repo para status --context >out 2>err &&
	test_grep -x -e "- state: unknown (its state file is damaged)" out &&
	section out api >got &&
	test_grep -x -e "- state: succeeded" got &&
	cp docs.saved "$state"
'

test_expect_success 'pruned tasks leave it' '
	git -C repo para prune --force $(cd repo && printf "many-%s " $(test_seq 1 12)) slow reader >out 2>&1 &&
	whole "$CTX" &&
	test_grep ! "^## many-" "$CTX" &&
	test_grep ! "^## slow" "$CTX" &&
	test_grep "^## api" "$CTX" &&
	git -C repo para prune --force api docs >out 2>&1 &&
	test_grep -x "There are no tasks." "$CTX" &&
	whole "$CTX"
'

test_expect_success 'the summary a task reported is in it, as a quote, cut when long' '
	git -C repo para add -m "Find it" finder &&
	git -C repo config para.command "printf \"{\\\"summary\\\":\\\"found it\\\\\\\\nin parse()\\\"}\" >\"\$PARA_RESULT\"; date >f" &&
	git -C repo para run finder >out &&
	section "$CTX" finder >got &&
	cat >expect <<-\EOF &&
	## finder

	- state: succeeded
	- branch: `solve/finder`
	- domain: the whole tree
	- after: none
	- task: Find it
	- summary:
	  > found it
	  > in parse()

	EOF
	test_cmp expect got &&
	long=$(printf "%03000d" 0) &&
	git -C repo config para.command "printf \"{\\\"summary\\\":\\\"$long\\\"}\" >\"\$PARA_RESULT\"; date >f" &&
	git -C repo para run --rerun finder >out &&
	section "$CTX" finder >got &&
	test_grep "^  > 0\{2000\}\.\.\.$" got &&
	git -C repo para prune --force finder >out 2>&1
'

test_expect_success 'what others change during a run stays in the context the run writes' '
	rm -f go &&
	git -C repo para add -m "Waits" waiter &&
	git -C repo para add -m "Second" second &&
	git -C repo config para.command "case \$PARA_TASK in
		waiter) touch \"\$TRASH_DIRECTORY/waiting\" &&
			while ! test -e \"\$TRASH_DIRECTORY/go\"; do sleep 0.02; done ;;
		esac" &&
	{ git -C repo para run -j1 waiter second >run.out 2>&1 & } &&
	run=$! &&
	test_wait_for 60 test -e waiting &&
	git -C repo para add -m "Added meanwhile" late &&
	touch go &&
	wait $run &&
	whole "$CTX" &&
	section "$CTX" late >got &&
	test_grep -x -e "- state: new" got &&
	test_grep -x -e "- task: Added meanwhile" got &&
	section "$CTX" second >got &&
	test_grep -x -e "- state: empty" got &&
	git -C repo para prune --force waiter second late >out 2>&1
'

test_expect_success 'it is never written into a worktree' '
	git -C repo para add -m "last" last &&
	git -C repo config para.command "date >last.txt" &&
	git -C repo para run last >out &&
	find repo repo-worktrees -name "context.md" >found &&
	echo "repo/.git/para/context.md" >expect &&
	test_cmp expect found &&
	git -C repo-worktrees/last status --porcelain --ignored >st &&
	test_must_be_empty st &&
	git -C repo status --porcelain --ignored >st &&
	test_must_be_empty st
'

test_done
