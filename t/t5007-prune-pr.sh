#!/bin/sh

test_description='git para prune: what became of the pull request

para.prStateCommand (a stand-in here, replaying recorded JSON) tells
whether a task'"'"'s pull request was merged or closed; prune removes the
merged ones, with --closed the closed ones too (tips in the attic), and a
state command that fails is a warning, never a removal.'

. ./test-lib.sh

# pr_task <name> <STATE>: a pushed task whose pull request the forge
# reports in <STATE>
pr_task () {
	git -C repo para add -q -p "src/$1" "$1" &&
	(cd "repo-worktrees/$1" && test_commit "$1" "src/$1/f.c") &&
	git -C repo push -q origin "solve/$1" &&
	git -C repo config -f ".git/para/tasks/$1" collect.prUrl \
		"https://forge.example/shop/pull/$1" &&
	forge "$1" "$2"
}

# forge <name> <STATE>: what the forge says of the task's pull request
forge () {
	merged=null &&
	if test "$2" = MERGED; then merged="\"2026-01-05T10:00:00Z\""; fi &&
	printf '{"mergedAt":%s,"state":"%s","statusCheckRollup":[]}\n' \
		"$merged" "$2" >"forge/$1.json"
}

test_expect_success 'setup: a stand-in state command, pushed tasks' '
	mkdir forge &&
	cat >pr-state <<-\EOF &&
	#!/bin/sh
	echo "$PARA_PR_URL" >>"$TRASH_DIRECTORY/forge/calls"
	n=${PARA_PR_URL##*/}
	test -f "$TRASH_DIRECTORY/forge/$n.fail" && { echo "forge down" >&2; exit 3; }
	cat "$TRASH_DIRECTORY/forge/$n.json"
	EOF
	chmod +x pr-state &&
	test_create_repo repo &&
	git init -q --bare remote.git &&
	git -C repo remote add origin ../remote.git &&
	git -C repo push -q origin main &&
	git -C repo fetch -q origin &&
	git -C repo remote set-head origin main &&
	git -C repo config para.prStateCommand "\"$TRASH_DIRECTORY/pr-state\"" &&
	pr_task merged MERGED &&
	pr_task open OPEN &&
	pr_task closed CLOSED &&
	pr_task down MERGED &&
	pr_task later MERGED &&
	(cd repo-worktrees/later && test_commit "after the push" src/later/g.c) &&
	: >forge/down.fail
'

test_expect_success 'prune -v removes the merged one, keeps the others, says why' '
	(cd repo && git para prune -v >../out 2>../err) &&
	test_grep "^Removed task .merged. (pull request merged; branch .solve/merged. deleted; .*)" out &&
	test_no_task_at merged &&
	test_grep "^Keeping task .open.: its pull request is open" out &&
	test_grep "^Keeping task .closed.: its pull request was closed (see --closed)" out &&
	test_grep "^Keeping task .later.: not merged" out &&
	test -d repo-worktrees/later &&
	test_grep "^warning: cannot refresh the pull request of task .down.: para.prStateCommand .* failed (exit status 3): forge down; task .down. is kept unless merged otherwise" err &&
	test -d repo-worktrees/down &&
	test_grep "pull/open" forge/calls
'

test_expect_success 'the state was recorded; a failing command later is no removal' '
	test "$(git -C repo config -f .git/para/tasks/open collect.prState)" = open &&
	git -C repo config -f .git/para/tasks/down collect.prState merged &&
	(cd repo && git para prune >../out 2>../err) &&
	test_grep "^warning: cannot refresh the pull request of task .down." err &&
	test -d repo-worktrees/down &&
	rm forge/down.fail &&
	(cd repo && git para prune >../out) &&
	test_grep "^Removed task .down." out
'

test_expect_success '--closed removes closed ones too, their tips in the attic' '
	tip=$(git -C repo rev-parse solve/closed) &&
	(cd repo && git para prune -n --closed >../out) &&
	test_grep "^Would remove task .closed. (work kept in refs/para/attic/closed)" out &&
	test -d repo-worktrees/closed &&
	(cd repo && git para prune --closed >../out) &&
	test_grep "^Removed task .closed. (work kept in refs/para/attic/closed)" out &&
	test "$(git -C repo rev-parse refs/para/attic/closed)" = "$tip" &&
	test_no_task_at closed &&
	test -d repo-worktrees/open
'

test_expect_success 'an open pull request becomes merged: the task goes' '
	forge open MERGED &&
	(cd repo && git para prune --remote >../out) &&
	test_grep "^Removed task .open. (branch .solve/open. deleted; branch deleted on .origin.)" out &&
	test_no_task_at open
'

test_expect_success '--closed with --list-attic is a usage error' '
	(cd repo && test_expect_code 129 git para prune --closed --list-attic 2>../err)
'

test_done
