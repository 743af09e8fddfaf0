# Helpers shared by git-para's tests.

# test_create_repo <dir>: a repository with one commit holding a small tree
test_create_repo () {
	git init -q "$1" &&
	(
		cd "$1" &&
		mkdir -p src/api src/db src/auth docs &&
		echo api >src/api/orders.c &&
		echo db >src/db/schema.sql &&
		echo auth >src/auth/login.c &&
		echo doc >docs/guide.md &&
		echo readme >README &&
		git add . &&
		git commit -q -m initial
	)
}

# test_commit <message> [<file> [<contents>]]: commit a change in the cwd
test_commit () {
	file=${2:-$1.t}
	mkdir -p "$(dirname "$file")" &&
	echo "${3:-$1}" >"$file" &&
	git add "$file" &&
	git commit -q -m "$1"
}

# para_state_file <task>: the path of a task's state file
para_state_file () {
	echo "$(git rev-parse --path-format=absolute --git-common-dir)/para/tasks/$1"
}

# test_para_state_count: how many task state files exist
test_para_tasks () {
	ls "$(git rev-parse --git-common-dir)/para/tasks" 2>/dev/null
}

# test_no_task <name>: nothing of task <name> exists
test_no_task () {
	! test -e "$(git rev-parse --git-common-dir)/para/tasks/$1" &&
	! git show-ref --verify --quiet "refs/heads/solve/$1" &&
	! test -e "../$(basename "$(pwd)")-worktrees/$1" &&
	! git worktree list --porcelain | grep -q "worktrees/$1\$"
}

# test_no_task_at <name>: run from the trash directory, checks that task
# <name> of ./repo left nothing: no state, branch, worktree or metadata
test_no_task_at () {
	! test -e "repo/.git/para/tasks/$1" &&
	! git -C repo show-ref --verify --quiet "refs/heads/solve/$1" &&
	! test -e "repo-worktrees/$1" &&
	! test -e "repo/.git/worktrees/$1"
}

# proc_start <pid>: field 22 of /proc/<pid>/stat (the process start time)
proc_start () {
	sed 's/.*) //' "/proc/$1/stat" | cut -d" " -f20
}

# test_grep [!] [<grep-option>...] <pattern> <file>: like grep, but when
# the expectation fails it says so and shows the file, so that a failing
# test tells what was there instead
test_grep () {
	if test "$1" = "!"
	then
		shift
		if grep "$@"
		then
			echo >&4 "error: '$*' matched, but should not have"
			return 1
		fi
		return 0
	fi
	if ! grep "$@" >/dev/null
	then
		eval "last=\${$#}"
		echo >&4 "error: '$*' did not match; '$last' holds:"
		cat >&4 "$last" 2>&1 || echo >&4 "(no such file)"
		return 1
	fi
}

# test_path_is_file <path>, test_path_is_dir <path>,
# test_path_is_missing <path>: say which path was not as expected
test_path_is_file () {
	test -f "$1" || { echo >&4 "error: file '$1' does not exist"; false; }
}

test_path_is_dir () {
	test -d "$1" || { echo >&4 "error: directory '$1' does not exist"; false; }
}

test_path_is_missing () {
	if test -e "$1" || test -L "$1"
	then
		echo >&4 "error: '$1' exists but should not"
		ls -ld "$1" >&4
		return 1
	fi
}
