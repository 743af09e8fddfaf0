#!/bin/sh

test_description='git para run: each attempt in a cgroup of its own

Where a cgroup v2 subtree is writable, an attempt runs in its own cgroup
(with the memory and cpu limits of its --mem and --cpus where they can
be set), nothing of it outlives a stop, and the cgroup goes with it.
PARA_TEST_CGROUP_ROOT stands in for a machine without writable cgroups.'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

SQ="'"
V2=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/self/mounts)

# gone <pid>: no such process, or only its zombie is left
gone () {
	! test -e /proc/$1 || grep -q "^[0-9]* ([^)]*) Z" /proc/$1/stat
}

# where <file>: the cgroup directory a task wrote to <file> (see "cg")
where () {
	echo "$V2$(sed -n "s/^0:://p" "$1")"
}

# the task notes its cgroup, starts a daemon that left its session and
# environment (only its cgroup still holds it), then waits for "go"
cg='grep "^0::" /proc/self/cgroup >"$HOME/cg-$PARA_TASK"'
daemon='env -i /usr/bin/setsid /bin/sh -c "echo \$\$ >\"\$1\"; exec sleep 1000" - "$HOME/daemon-$PARA_TASK" & while ! test -s "$HOME/daemon-$PARA_TASK"; do sleep 0.02; done;'
waiter='while ! test -e "$HOME/go"; do sleep 0.05; done'

test_expect_success 'setup' '
	test_create_repo repo &&
	git -C repo config para.killGrace 1s &&
	git -C repo para add -q --command "$cg; date >work" probe &&
	git -C repo para run probe >out 2>err &&
	if test -n "$V2" && test -s cg-probe &&
		test "$(sed -n "s/^0:://p" cg-probe)" != / &&
		! test -d "$(where cg-probe)"
	then
		test_set_prereq CGROUP
	fi &&
	git -C repo para add -q --mem 1G --command "date >work" probe2 &&
	git -C repo para run probe2 >out 2>err &&
	if test_have_prereq CGROUP && ! grep "not enforced" err
	then
		test_set_prereq CGROUP_LIMITS
	else
		say "the oom test is skipped: $(cat err)"
	fi
'

test_expect_success CGROUP 'an attempt runs in a cgroup of its own, removed after it' '
	git -C repo para add -q --command "$cg; $daemon date >work" plain &&
	git -C repo para run plain >out 2>err &&
	test_must_be_empty err &&
	dir=$(where cg-plain) &&
	case "$dir" in
	*/git-para.[0-9]*.[0-9]*/plain.[0-9]*) ;;
	*) echo "unexpected cgroup $dir"; false ;;
	esac &&
	test_path_is_missing "$dir" &&
	test_path_is_missing "${dir%/*}" &&
	test_wait_for 5 gone $(cat daemon-plain) &&
	test "$(git -C repo para status --porcelain plain | cut -f2)" = succeeded
'

test_expect_success CGROUP 'exec mode: the command is in its cgroup from its first instruction' '
	git -C repo para add -q ex &&
	for i in 1 2 3 4 5
	do
		git -C repo para run ex -- cat /proc/self/cgroup >out 2>err &&
		test_must_be_empty err &&
		sed -n "s/^0:://p" repo/.git/para/logs/ex..exec.log >groups &&
		test $(wc -l <groups) = $i &&
		sed -n "\$p" groups >group &&
		grep "^/.*/*git-para\.[0-9]*\.[0-9]*/ex\.1$" group || return 1
	done &&
	test_path_is_missing "$V2$(cat group)"
'

test_expect_success CGROUP_LIMITS 'a task that allocates past its --mem ends oom' '
	git -C repo para add -q --mem 32M --cpus 1 \
		--command "$cg; python3 -c \"b = b${SQ}x${SQ} * (256 << 20)\"" hog &&
	test_expect_code 1 git -C repo para run hog >out 2>err &&
	test_must_be_empty err &&
	test_grep "^hog: oom: the kernel killed it for memory past its --mem 32.0M in " out &&
	test_grep "^1 out of memory in " out &&
	git -C repo para status --porcelain hog >st &&
	test "$(cut -f2 st)" = oom &&
	git -C repo para status --json hog >json &&
	test_grep "\"state\":\"oom\"" json &&
	test_path_is_missing "$(where cg-hog)" &&
	(cd repo && test_state hog run.exitCode) >code &&
	echo 137 >expect && test_cmp expect code
'

test_expect_success CGROUP_LIMITS 'an oom task is not tried again: it would meet the same limit' '
	test_expect_code 1 git -C repo para run --retries 2 hog >out 2>err &&
	test "$(grep -c "^hog: oom" out)" = 1 &&
	! grep "trying again" out
'

test_expect_success CGROUP 'git para stop kills a daemon of the task, not only its group' '
	rm -f go &&
	git -C repo para add -q --command "$cg; $daemon $waiter" stopped &&
	git -C repo para add -q --command "$waiter; date >work" other &&
	{ git -C repo para run -j2 stopped other >out 2>err & } &&
	run=$! &&
	test_wait_for 10 test -s daemon-stopped &&
	git -C repo para stop stopped >stop.out &&
	test_wait_for 10 gone $(cat daemon-stopped) &&
	kill -0 $run &&
	test_path_is_missing "$(where cg-stopped)" &&
	touch go &&
	test_expect_code 1 wait $run &&
	test_grep "^stopped: cancelled: stopped by .git para stop." out
'

test_expect_success CGROUP 'a timeout kills a daemon of the task' '
	rm -f go &&
	git -C repo para add -q --command "$cg; $daemon sleep 1000" slow &&
	test_expect_code 1 git -C repo para run --timeout 1s slow >out 2>err &&
	gone $(cat daemon-slow) &&
	test_grep "^slow: timed-out" out &&
	test_path_is_missing "$(where cg-slow)"
'

test_expect_success CGROUP 'an interrupt kills a daemon of each task' '
	rm -f go daemon-int &&
	git -C repo para add -q --command "$cg; $daemon sleep 1000" int &&
	{ (cd repo && exec git-para-run int) >out 2>err & } &&
	run=$! &&
	test_wait_for 10 test -s daemon-int &&
	kill -INT $run &&
	test_expect_code 130 wait $run &&
	gone $(cat daemon-int) &&
	test_path_is_missing "$(where cg-int)" &&
	test "$(git -C repo para status --porcelain int | cut -f2)" = cancelled
'

test_expect_success CGROUP 'after a SIGKILLed runner: stop kills the orphan, the groups go' '
	rm -f daemon-orphan &&
	git -C repo para add -q --command "$cg; $daemon sleep 1000" orphan &&
	{ (cd repo && exec git-para-run orphan) >out 2>err & } &&
	run=$! &&
	test_wait_for 10 test -s daemon-orphan &&
	kill -9 $run &&
	wait $run;
	dir=$(where cg-orphan) &&
	test_path_is_dir "$dir" &&
	git -C repo para status --porcelain orphan >st &&
	test "$(cut -f2 st)" = orphaned &&
	git -C repo para stop orphan >stop.out &&
	test_wait_for 10 gone $(cat daemon-orphan) &&
	test_path_is_missing "$dir" &&
	test_path_is_missing "${dir%/*}"
'

test_expect_success CGROUP 'a dead runner'\''s empty groups go with the next run' '
	mkdir "$V2/git-para.999999999.1" &&
	mkdir "$V2/git-para.999999999.1/x.1" &&
	git -C repo para run --rerun plain >out 2>err &&
	test_path_is_missing "$V2/git-para.999999999.1"
'

test_expect_success 'where cgroups are not writable: the limits are not enforced, said once' '
	PARA_TEST_CGROUP_ROOT=$TRASH_DIRECTORY/nowhere &&
	export PARA_TEST_CGROUP_ROOT &&
	git -C repo para add -q --mem 64M --cpus 2 \
		--command "echo \"\$PARA_MEM \$PARA_CPUS\" >\"\$HOME/env-\$PARA_TASK\"; date >work" lim1 &&
	git -C repo para add -q --mem 128M \
		--command "echo \"\$PARA_MEM \$PARA_CPUS\" >\"\$HOME/env-\$PARA_TASK\"; date >work" lim2 &&
	git -C repo para run -j2 lim1 lim2 >out 2>err &&
	echo "warning: --mem and --cpus are not enforced: cgroup ${SQ}$TRASH_DIRECTORY/nowhere${SQ} is not writable" >expect &&
	test_cmp expect err &&
	test_grep "^2 succeeded" out &&
	echo "64M 2" >expect && test_cmp expect env-lim1 &&
	echo "128M " >expect && test_cmp expect env-lim2 &&
	test_path_is_missing nowhere
'

test_expect_success 'no warning when no task declares --mem or --cpus' '
	PARA_TEST_CGROUP_ROOT=$TRASH_DIRECTORY/nowhere &&
	export PARA_TEST_CGROUP_ROOT &&
	git -C repo para run --rerun plain >out 2>err &&
	test_must_be_empty err
'

test_expect_success 'without the controllers: the warning names them' '
	mkdir fake &&
	PARA_TEST_CGROUP_ROOT=$TRASH_DIRECTORY/fake &&
	export PARA_TEST_CGROUP_ROOT &&
	git -C repo para run --rerun lim1 >out 2>err &&
	echo "warning: --mem and --cpus are not enforced: the memory and cpu controllers are not available in cgroup ${SQ}$TRASH_DIRECTORY/fake${SQ}" >expect &&
	test_cmp expect err &&
	ls fake >left &&
	test_must_be_empty left
'

test_expect_success 'with them: memory.max and cpu.max of the task, then removed' '
	echo "cpu io memory pids" >fake/cgroup.controllers &&
	PARA_TEST_CGROUP_ROOT=$TRASH_DIRECTORY/fake &&
	export PARA_TEST_CGROUP_ROOT &&
	git -C repo para add -q --mem 64M --cpus 2 \
		--command "cat \"\$HOME\"/fake/git-para.*/\$PARA_TASK.*/memory.max \"\$HOME\"/fake/git-para.*/\$PARA_TASK.*/cpu.max >\"\$HOME/limits\"; date >work" lim3 &&
	git -C repo para run lim3 >out 2>err &&
	test_must_be_empty err &&
	printf "67108864200000 100000" >expect &&
	test_cmp expect limits &&
	ls fake >left &&
	printf "cgroup.controllers\ncgroup.subtree_control\n" >expect &&
	test_cmp expect left
'

test_done
