#!/bin/sh

test_description='git para prune: work merged by squash or rebase is merged

A hosting service (here a clone, "hub", pushing to a bare remote) merges
pull requests by squash or rebase; the task branch is then never an
ancestor of the target, yet its work is there.  Each way of merging is
pruned, and each variant whose target lacks one hunk of the work is kept.'

. ./test-lib.sh

# task_with_two_hunks <task> <file>: a task changing lines 2 and 19 of
# <file>, in two commits
task_with_two_hunks () {
	git -C repo para add -q -p "$2" "$1" &&
	(
		cd "repo-worktrees/$1" &&
		sed -i "s/^2\$/2 $1/" "$2" &&
		git commit -q -am "$1: one" &&
		sed -i "s/^19\$/19 $1/" "$2" &&
		git commit -q -am "$1: two"
	)
}

# hub_fetch <task>: the hub gets the task branch as FETCH_HEAD
hub_fetch () {
	git -C hub fetch -q ../repo "solve/$1"
}

# hub_squash <task> [<hunk-to-leave-out>]: squash-merge the task's work
hub_squash () {
	hub_fetch "$1" &&
	(
		cd hub &&
		git merge -q --squash FETCH_HEAD &&
		if test -n "$2"
		then
			git diff --cached --name-only >files &&
			sed -i "s/^$2 $1\$/$2/" $(cat files) &&
			git add -u && rm files
		fi &&
		git commit -q -m "$1 (#1)"
	)
}

# hub_rebase <task> [drop-last]: replay the task's commits onto main
hub_rebase () {
	hub_fetch "$1" &&
	(
		cd hub &&
		git checkout -q -b tmp FETCH_HEAD &&
		git rebase -q main &&
		if test -n "$2"
		then
			git reset -q --hard HEAD~1
		fi &&
		git checkout -q main &&
		git merge -q --ff-only tmp &&
		git branch -q -D tmp
	)
}

# hub_commit <file> <line> <text>: other work on main, then publish it
hub_change () {
	(
		cd hub &&
		sed -i "s/^$2\$/$3/" "$1" &&
		git commit -q -am "other work on $1"
	)
}

hub_publish () {
	git -C hub push -q origin main &&
	git -C repo fetch -q origin
}

test_expect_success 'setup: tasks based on origin/main of a bare remote' '
	test_create_repo repo &&
	(
		cd repo &&
		mkdir -p src &&
		for f in sq sq-part later later-part rb rb-part tree int int-part
		do
			test_seq 1 20 >src/$f.txt || return 1
		done &&
		test_seq 1 20 >src/shared.txt &&
		git add src && git commit -q -m "twenty lines each"
	) &&
	git init -q --bare remote.git &&
	git -C repo remote add origin ../remote.git &&
	git -C repo push -q origin main &&
	git -C repo fetch -q origin &&
	git -C repo remote set-head origin main &&
	git clone -q remote.git hub &&
	for t in sq sq-part later later-part rb rb-part
	do
		task_with_two_hunks $t src/$t.txt || return 1
	done &&
	test "$(git -C repo config -f .git/para/tasks/sq task.baseRef)" = \
		refs/remotes/origin/main
'

test_expect_success 'the hub squashes, rebases and changes the same files' '
	hub_change src/shared.txt 5 "5 unrelated" &&
	hub_squash sq &&
	hub_squash sq-part 19 &&
	hub_rebase rb &&
	hub_rebase rb-part drop-last &&
	hub_squash later &&
	hub_change src/later.txt "2 later" "2 later, improved on main" &&
	hub_change src/later.txt "19 later" "19 later, improved too" &&
	hub_squash later-part 2 &&
	hub_change src/later-part.txt "19 later-part" "19 later-part, improved" &&
	hub_publish
'

test_expect_success 'none of them is merged by ancestry' '
	for t in sq sq-part later later-part rb rb-part
	do
		test_must_fail git -C repo merge-base --is-ancestor \
			solve/$t origin/main || return 1
	done
'

test_expect_success 'prune -v removes the merged ones and says how' '
	(cd repo/src && git para prune -v >../../out) &&
	squash=$(git -C repo log --format=%h -1 --grep="^later (#1)" origin/main) &&
	test_grep "^Removed task .sq. (merging into origin/main changes nothing; branch .solve/sq. deleted; [0-9.]* [KM]iB \(freed\|to free\))" out &&
	test_grep "^Removed task .rb. (merging into origin/main changes nothing; branch .solve/rb. deleted; [0-9.]* [KM]iB \(freed\|to free\))" out &&
	test_grep "^Removed task .later. (squash-merged as $squash on origin/main; branch .solve/later. deleted; [0-9.]* [KM]iB \(freed\|to free\))" out &&
	for t in sq rb later
	do
		test_no_task_at $t || return 1
	done
'

test_expect_success 'a target that lacks one hunk keeps the task' '
	for t in sq-part rb-part later-part
	do
		test_grep "^Keeping task .$t.: has commits found nowhere else" out &&
		test -d repo-worktrees/$t &&
		git -C repo rev-parse -q --verify solve/$t || return 1
	done
'

test_expect_success 'a named task whose target lacks a hunk is refused' '
	(cd repo && test_expect_code 1 git para prune later-part 2>../err) &&
	test_grep "^error: task .later-part. has commits found nowhere else; use --force" err &&
	test -d repo-worktrees/later-part
'

test_expect_success 'a squash onto an unchanged target: the same tree' '
	task_with_two_hunks tree src/tree.txt &&
	hub_squash tree &&
	git -C hub rev-parse --short=7 HEAD >squash &&
	hub_change src/shared.txt 9 "9 after the squash" &&
	hub_publish &&
	(cd repo && git para prune -v tree >../out) &&
	test_grep "^Removed task .tree. (same tree as $(cat squash) on origin/main; branch .solve/tree. deleted; [0-9.]* [KM]iB \(freed\|to free\))" out &&
	test_no_task_at tree
'

test_expect_success 'a true merge: merged by ancestry' '
	git -C repo para add -q -p src/anc.c anc &&
	(cd repo-worktrees/anc && test_commit anc src/anc.c) &&
	hub_fetch anc &&
	git -C hub merge -q --no-ff --no-edit FETCH_HEAD &&
	hub_publish &&
	(cd repo && git para prune -v --dry-run >../out) &&
	test_grep "^Would remove task .anc. (merged into origin/main; branch .solve/anc. deleted; [0-9.]* [KM]iB \(freed\|to free\))" out &&
	test -d repo-worktrees/anc &&
	(cd repo && git para prune anc >../out) &&
	test_no_task_at anc
'

test_expect_success 'without -v the lines are as before' '
	git -C repo para add -q -p src/plain.c plain &&
	(cd repo-worktrees/plain && test_commit plain src/plain.c) &&
	hub_squash plain &&
	hub_change src/plain.c plain "plain, later" &&
	hub_publish &&
	(cd repo && git para prune >../out) &&
	echo "Removed task '\''plain'\'' (branch '\''solve/plain'\'' deleted)" >expect &&
	test_cmp expect out
'

test_expect_success 'a task squash-merged into the integration branch' '
	task_with_two_hunks int src/int.txt &&
	task_with_two_hunks int-part src/int-part.txt &&
	(
		cd repo &&
		git branch -q --no-track para/integration origin/main &&
		git checkout -q para/integration &&
		test_commit "other work" src/other.c &&
		git merge -q --squash solve/int >/dev/null &&
		git commit -q -m "int" &&
		sed -i "s/^2 int\$/2 int, later/" src/int.txt &&
		git commit -q -am "int later" &&
		git merge -q --squash solve/int-part >/dev/null &&
		sed -i "s/^2 int-part\$/2/" src/int-part.txt &&
		git commit -q -am "int-part without a hunk" &&
		git checkout -q main &&
		git para prune -v >../out
	) &&
	sq=$(git -C repo log --format=%h -1 --grep="^int\$" para/integration) &&
	test_grep "^Removed task .int. (squash-merged as $sq on para/integration; branch .solve/int. deleted; [0-9.]* [KM]iB \(freed\|to free\))" out &&
	test_grep "^Keeping task .int-part.: has commits found nowhere else" out &&
	test_no_task_at int
'

test_expect_success 'a task whose commits undo each other is not merged by content' '
	git -C repo para add -q -p src/undo.c undo &&
	(
		cd repo-worktrees/undo &&
		test_commit u1 src/undo.c &&
		git rm -q src/undo.c &&
		git commit -q -m "undo"
	) &&
	(cd repo && git para prune -v >../out) &&
	test_grep "^Keeping task .undo.: has commits found nowhere else" out
'

test_done
