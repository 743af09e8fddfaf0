# Helpers for the tests of `git para collect`.

# collect_state_file <task>: the task's state file
collect_state_file () {
	echo "$(git rev-parse --git-common-dir)/para/tasks/$1"
}

# collect_wt <task>: the task's worktree
collect_wt () {
	git config -f "$(collect_state_file "$1")" task.worktree
}

# collect_get <task> <key>: one field of the task's state, e.g. run.state
collect_get () {
	git config -f "$(collect_state_file "$1")" "$2"
}

# collect_commit <task> <file> <contents> [<message>]: commit in its worktree
collect_commit () {
	(
		cd "$(collect_wt "$1")" &&
		mkdir -p "$(dirname "$2")" &&
		printf '%s\n' "$3" >"$2" &&
		git add "$2" &&
		git commit -q -m "${4:-$1: $2}"
	)
}

# collect_succeed <task>...: record the tasks as succeeded
collect_succeed () {
	for t in "$@"; do
		git config -f "$(collect_state_file "$t")" run.state succeeded ||
		return 1
	done
}

# collect_worktrees_clean: no task or main worktree has changes
collect_worktrees_clean () {
	git worktree list --porcelain | sed -n 's/^worktree //p' >wts &&
	while read -r wt; do
		git -C "$wt" status --porcelain >status &&
		test_must_be_empty status || return 1
	done <wts
}

# collect_setup_repo: a repository to work in (the test's scratch files,
# expect*, actual*, out*, err*, are ignored there so that worktree checks
# see only what git para does)
collect_setup_repo () {
	test_create_repo repo &&
	printf '/%s\n' 'expect*' 'actual*' 'out*' 'err*' wts status \
		>>repo/.git/info/exclude
}

command -v jq >/dev/null 2>&1 && test_set_prereq JQ

# collect_get_in <task> <key>: as collect_get, from outside the repository repo
collect_get_in () {
	(cd repo && collect_get "$@")
}
