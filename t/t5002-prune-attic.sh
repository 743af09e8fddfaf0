#!/bin/sh

test_description='git para prune: the attic keeps every byte, the log, and the place you stand'

. ./test-lib.sh

SQ="'"

task_exists () {
	test -e "repo/.git/para/tasks/$1"
}

# sums <dir>: the sha256 of every file in a worktree (its .git aside)
sums () {
	(
		cd "$1" &&
		find . -path ./.git -prune -o -type f -print0 |
		sort -z | xargs -0 sha256sum
	)
}

# restore <ref> <dir>: the files of an attic commit, written out
restore () {
	mkdir "$2" &&
	git -C repo archive "$1" | tar -x -C "$2"
}

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		mkdir -p examples adapters &&
		echo example >examples/ex.c &&
		echo base >adapters/base.h &&
		git add . &&
		git commit -q -m "examples and adapters"
	)
'

# scribble <worktree>: untracked and modified files inside and outside
# the sparse patterns (examples/*.c)
scribble () {
	(
		cd "$1" &&
		echo changed >>examples/ex.c &&
		echo new >examples/new.c &&
		mkdir -p adapters deep/er &&
		echo mine >adapters/mine.h &&
		echo "not the base" >adapters/base.h &&
		echo deep >"deep/er/with space.txt" &&
		echo top >top-level.txt
	)
}

# glob: a wildcard of directories, checked out in cone mode too
for mode in cone glob non-cone
do
	case $mode in
	cone) pattern=examples ;;
	glob) pattern="exampl?s/" ;;
	*) pattern="examples/*.c" ;;
	esac

	test_expect_success "prune --force keeps every file of a $mode sparse worktree" '
		(cd repo && git para add -q --sparse -p "$pattern" $mode) &&
		wt=repo-worktrees/$mode &&
		test_path_is_missing $wt/adapters/base.h &&
		test "$(git -C $wt config --worktree core.sparseCheckoutCone)" = \
			"$(test $mode = non-cone && echo false || echo true)" &&
		scribble $wt &&
		sums $wt >before &&
		test_grep "adapters/mine.h" before &&
		test_grep "adapters/base.h" before &&
		(cd repo && git para prune --force $mode >../out) &&
		test_grep "^Removed task .$mode. (work kept in refs/para/attic/$mode)" out &&
		test_path_is_missing $wt && ! task_exists $mode &&
		restore refs/para/attic/$mode restored-$mode &&
		(cd restored-$mode && sha256sum --quiet -c ../before)
	'
done

test_expect_success 'the refusal names the attic ref --force will write' '
	(
		cd repo &&
		git para add -q -p examples cone &&
		cd ../repo-worktrees/cone &&
		test_commit again examples/again.c
	) &&
	(cd repo && test_expect_code 1 git para prune cone 2>../err) &&
	test_grep "^error: task .cone. has commits found nowhere else; use --force to remove it anyway (its work is kept in refs/para/attic/cone-2)$" err &&
	task_exists cone &&
	! git -C repo show-ref --verify --quiet refs/para/attic/cone-2 &&
	(cd repo && git para prune -n --force cone >../out) &&
	test_grep "Would remove task .cone. (work kept in refs/para/attic/cone-2)" out &&
	(cd repo && git para prune --force cone >../out) &&
	test_grep "Removed task .cone. (work kept in refs/para/attic/cone-2)" out &&
	git -C repo show refs/para/attic/cone-2:examples/again.c
'

test_expect_success 'a refusal with nothing to keep names no attic ref' '
	(cd repo && git para add -q -p docs standing) &&
	(
		cd repo-worktrees/standing/docs &&
		test_expect_code 1 git para prune standing 2>"$TRASH_DIRECTORY/err"
	) &&
	echo "error: task ${SQ}standing${SQ} has the current directory inside its worktree; use --force to remove it anyway" >expect &&
	test_cmp expect err &&
	task_exists standing && test_path_is_dir repo-worktrees/standing
'

test_expect_success 'prune without names keeps the worktree you stand in' '
	(cd repo-worktrees/standing && test_commit s docs/s.md) &&
	git -C repo merge -q --no-edit solve/standing &&
	(
		cd repo-worktrees/standing &&
		git para prune -v >"$TRASH_DIRECTORY/out"
	) &&
	test_grep "Keeping task .standing.: has the current directory inside its worktree" out &&
	task_exists standing && test_path_is_dir repo-worktrees/standing
'

test_expect_success '--force removes the worktree you stand in' '
	(
		cd repo-worktrees/standing &&
		git para prune --force standing >"$TRASH_DIRECTORY/out"
	) &&
	test_grep "Removed task .standing. (branch .solve/standing. deleted)" out &&
	! task_exists standing && test_path_is_missing repo-worktrees/standing
'

test_expect_success 'a removed task keeps its log beside its attic ref' '
	(
		cd repo &&
		git para add -q -p src/api logged &&
		git -c para.command="echo hello from the task; echo x >x.txt" para run -q logged &&
		test_path_is_file .git/para/logs/logged.log &&
		git para prune --force logged >../out
	) &&
	test_grep "work kept in refs/para/attic/logged)" out &&
	test_path_is_missing repo/.git/para/logs/logged.log &&
	test_grep "hello from the task" repo/.git/para/attic/logged.log
'

test_expect_success 'the log of a merged task is kept, and takes its slot' '
	(
		cd repo &&
		git para add -q -p src/db twice &&
		git -c para.command="echo first run" para run -q twice &&
		git merge -q --no-edit solve/twice &&
		git para prune twice >../out &&
		test_grep "first run" .git/para/attic/twice.log &&
		git para add -q -p src/db twice &&
		git -c para.command="echo second run; echo y >y.txt" para run -q twice &&
		test_must_fail git para prune twice 2>../err &&
		git para prune --force twice >../out
	) &&
	test_grep "kept in refs/para/attic/twice-2" err &&
	test_grep "work kept in refs/para/attic/twice-2)" out &&
	test_grep "first run" repo/.git/para/attic/twice.log &&
	test_grep "second run" repo/.git/para/attic/twice-2.log
'

test_expect_success 'the lock files of a removed task are removed' '
	(cd repo && git para add -q -p src/auth locked) &&
	mkdir -p repo/.git/para/locks/running &&
	: >repo/.git/para/locks/running/locked.lock &&
	: >repo/.git/para/locks/locked.lock &&
	(cd repo && git para prune locked >../out) &&
	test_grep "Removed task .locked." out &&
	test_path_is_missing repo/.git/para/locks/locked.lock &&
	test_path_is_missing repo/.git/para/locks/running/locked.lock
'

test_expect_success 'a kept task keeps its lock files' '
	(cd repo && git para add -q -p src/auth kept && git para prune) &&
	task_exists kept &&
	test_path_is_file repo/.git/para/locks/kept.lock
'

test_done
