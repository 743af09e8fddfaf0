# Helpers for the tests of git para run.

# test_task <name> [-a <dep>] [-l <lock>] [-x] [-m <prompt>] [-c <command>]
# [-p <pattern>]: in the repository in the cwd, a task recorded the way
# `git para add` records it (branch, worktree, state file), state new.
test_task () {
	_name=$1 && shift &&
	_top=$(pwd) &&
	_wt="$_top/../$(basename "$_top")-worktrees/$_name" &&
	_state=$(para_state_file "$_name") &&
	git worktree add -q -b "solve/$_name" "$_wt" HEAD &&
	mkdir -p "$(dirname "$_state")" &&
	git config -f "$_state" para.version 1 &&
	git config -f "$_state" task.name "$_name" &&
	git config -f "$_state" task.branch "solve/$_name" &&
	git config -f "$_state" task.worktree "$_wt" &&
	git config -f "$_state" task.base "$(git rev-parse HEAD)" &&
	while test $# -gt 0
	do
		case "$1" in
		-a) git config -f "$_state" --add task.after "$2" ;;
		-l) git config -f "$_state" --add task.lock "$2" ;;
		-p) git config -f "$_state" --add task.path "$2" ;;
		-m) git config -f "$_state" task.prompt "$2" ;;
		-i) git config -f "$_state" task.issue "$2" ;;
		-c) git config -f "$_state" task.command "$2" ;;
		-x) git config -f "$_state" task.exclusive true; shift; continue ;;
		esac
		shift 2
	done &&
	git config -f "$_state" run.state new &&
	git config -f "$_state" run.attempt 0 &&
	git config -f "$_state" run.exitCode -1 &&
	git config -f "$_state" run.slot -1 &&
	git config -f "$_state" end.complete true
}

# test_state <task> [<key>]: a field of a task's state (default run.state)
test_state () {
	git config -f "$(para_state_file "$1")" "${2:-run.state}"
}

# test_log <task>: path of the task's log
test_log () {
	echo "$(git rev-parse --git-common-dir)/para/logs/$1.log"
}

# test_marked_pids <mark>: the processes whose environment holds
# TEST_MARK=<mark>, one pid a line (zombies have no environment left)
test_marked_pids () {
	for _e in /proc/[0-9]*/environ
	do
		_p=${_e#/proc/} && _p=${_p%/environ} &&
		test "$_p" != $$ || continue
		{ tr '\0' '\n' <"$_e"; } 2>/dev/null |
		grep -qx "TEST_MARK=$1" &&
		echo "$_p"
	done
	return 0
}

# test_mark_processes <name>: marks every process a task of this test
# starts (TEST_MARK is inherited): what carries the mark after a run is
# a process left behind.
test_mark_processes () {
	TEST_MARK=$1-$$ &&
	export TEST_MARK
}

# test_no_process_left: no marked process remains (see above)
test_no_process_left () {
	test_marked_pids "$TEST_MARK" >left &&
	test_must_be_empty left
}

# test_wait_for <seconds> <command>...: poll until the command succeeds
test_wait_for () {
	# seconds of the clock, not turns of the loop (a loaded machine
	# makes each turn slow), tripled: a wait that succeeds costs only
	# what it takes, and only a failing test waits the whole time
	_end=$(($(date +%s) + $1 * 3)) && shift &&
	while ! "$@"
	do
		test "$(date +%s)" -lt $_end || return 1
		sleep 0.05
	done
}

# test_set_state <state> <task>...: record tasks in a state by hand
test_set_state () {
	_s=$1 && shift &&
	for _t
	do
		git config -f "$(para_state_file "$_t")" run.state "$_s" ||
		return 1
	done
}

# test_start_bg <out> <command>...: the command in the background, its
# output in <out> and its pid in $bg_pid (no descriptor of sharness's
# held open, so that the test does not wait for it)
test_start_bg () {
	_out=$1 && shift &&
	{ "$@" >"$_out" 2>&1 3>&- 4>&- 5>&- 6>&- 7>&- 8>&- 9>&- & } &&
	bg_pid=$!
}

# test_start_run <out> <args>...: git-para-run in ./repo in the
# background, as test_start_bg; its pid in $run_pid
test_start_run () {
	_run_out=$1 && shift &&
	test_start_bg "$_run_out" env -C repo git-para-run "$@" &&
	run_pid=$bg_pid
}

# test_repo_state <task> [<key>]: test_state in ./repo
test_repo_state () {
	(cd repo && test_state "$@")
}

# test_repo_state_is <task> <state>: the task of ./repo is in that state
test_repo_state_is () {
	test "$(test_repo_state "$1")" = "$2"
}
