# Helpers for the `git para status` tests.

# status_task <name> [<pattern>...]: a task as `git para add` records it:
# branch solve/<name> from HEAD, worktree ../<repo>-worktrees/<name>, and
# a state file written with git config.
status_task () {
	name=$1
	shift
	wt="$(cd .. && pwd)/$(basename "$(pwd)")-worktrees/$name"
	git worktree add -q -b "solve/$name" "$wt" HEAD &&
	f=$(para_state_file "$name") &&
	mkdir -p "$(dirname "$f")" &&
	git config -f "$f" para.version 1 &&
	git config -f "$f" task.name "$name" &&
	git config -f "$f" task.branch "solve/$name" &&
	git config -f "$f" task.worktree "$wt" &&
	git config -f "$f" task.base "$(git rev-parse HEAD)" &&
	git config -f "$f" task.baseRef main &&
	for p in "$@"
	do
		git config -f "$f" --add task.path "$p" || return 1
	done &&
	git config -f "$f" task.created 1700000000000 &&
	git config -f "$f" run.state new &&
	git config -f "$f" end.complete true
}

# status_set <task> <key> <value>: changes a recorded field
status_set () {
	git config -f "$(para_state_file "$1")" "$2" "$3"
}

# status_wt <task>: the task's worktree
status_wt () {
	echo "$(cd .. && pwd)/$(basename "$(pwd)")-worktrees/$1"
}


# status_record_proc <task> <prefix> <pid>: records <pid> as the task's
# process (prefix "run.pid"...) or its runner (prefix "run.runner")
status_record_proc () {
	boot=$(cat /proc/sys/kernel/random/boot_id) &&
	case "$2" in
	proc)
		status_set "$1" run.pid "$3" &&
		status_set "$1" run.pidStart "$(proc_start "$3")" &&
		status_set "$1" run.bootId "$boot" ;;
	runner)
		status_set "$1" run.runnerPid "$3" &&
		status_set "$1" run.runnerStart "$(proc_start "$3")" &&
		status_set "$1" run.runnerBootId "$boot" ;;
	esac
}

SQ="'"
