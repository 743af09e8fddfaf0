#!/bin/sh

test_description='git para prune: precious ignored files, caches, locked worktrees

Ignored files are caches that go with the worktree, unless para.precious
marks them as work (a database, notes): then prune refuses the task, and
--force keeps them in the attic.  A worktree locked with git worktree lock
is never removed.'

. ./test-lib.sh

task_exists () {
	test -e "repo/.git/para/tasks/$1"
}

# merged_task <name>: a task with one commit, merged into main
merged_task () {
	git -C repo para add -q -p "src/$1" "$1" &&
	(cd "repo-worktrees/$1" && test_commit "$1" "src/$1/f.c") &&
	git -C repo merge -q --no-edit "solve/$1"
}

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		printf "%s\n" "*.sqlite" "notes/" "build/" "*.log" >.gitignore &&
		git add .gitignore &&
		git commit -q -m ignore &&
		git config --add para.precious "*.sqlite" &&
		git config --add para.precious "notes/"
	) &&
	merged_task db &&
	echo data >repo-worktrees/db/dev.sqlite &&
	mkdir repo-worktrees/db/notes repo-worktrees/db/build &&
	echo todo >repo-worktrees/db/notes/todo.md &&
	echo object >repo-worktrees/db/build/out.o &&
	echo noise >repo-worktrees/db/run.log
'

test_expect_success 'a merged task holding precious files is kept' '
	(cd repo && git para prune -v >../out) &&
	test_grep "^Keeping task .db.: holds ignored files that para.precious marks as work (.dev.sqlite., .notes/todo.md.)" out &&
	task_exists db && test -f repo-worktrees/db/dev.sqlite
'

test_expect_success 'a named task holding precious files is refused' '
	(cd repo && test_expect_code 1 git para prune db 2>../err) &&
	test_grep "^error: task .db. holds ignored files that para.precious marks as work (.dev.sqlite., .notes/todo.md.); use --force to remove it anyway (its work is kept in refs/para/attic/db)" err &&
	task_exists db && test -f repo-worktrees/db/notes/todo.md &&
	! git -C repo show-ref --verify --quiet refs/para/attic/db
'

test_expect_success '--dry-run --force says so and changes nothing' '
	(cd repo && git para prune -n -f db >../out) &&
	test_grep "^Would remove task .db. (work kept in refs/para/attic/db)" out &&
	task_exists db && test -f repo-worktrees/db/dev.sqlite &&
	! git -C repo show-ref --verify --quiet refs/para/attic/db
'

test_expect_success '--force keeps the precious files in the attic, not the caches' '
	(cd repo && git para prune -f db >../out) &&
	test_grep "^Removed task .db. (work kept in refs/para/attic/db)" out &&
	! task_exists db && ! test -e repo-worktrees/db &&
	git -C repo ls-tree -r --name-only refs/para/attic/db >files &&
	test_grep -x dev.sqlite files &&
	test_grep -x notes/todo.md files &&
	test_grep ! "build/" files &&
	test_grep ! "run.log" files &&
	git -C repo show refs/para/attic/db:dev.sqlite >data &&
	echo data >expect && test_cmp expect data
'

test_expect_success 'caches alone do not keep a merged task; -v says the space freed' '
	merged_task cache &&
	mkdir repo-worktrees/cache/build &&
	dd if=/dev/zero of=repo-worktrees/cache/build/big.o bs=1024 count=300 2>/dev/null &&
	(cd repo && git para prune -v -n >../out) &&
	test_grep "^Would remove task .cache. (merged into main; branch .solve/cache. deleted; [0-9.]* KiB to free)" out &&
	size=$(sed -n "s/.*deleted; \([0-9]*\)\.[0-9]* KiB to free)/\1/p" out) &&
	test "$size" -ge 300 &&
	(cd repo && git para prune -v >../out) &&
	test_grep "^Removed task .cache. (merged into main; branch .solve/cache. deleted; [0-9.]* KiB freed)" out &&
	! test -e repo-worktrees/cache && ! task_exists cache
'

test_expect_success 'a precious file that was provisioned and left unchanged is not work' '
	echo shared >repo/fixture.sqlite &&
	git -C repo config para.copy fixture.sqlite &&
	merged_task fixture &&
	test -f repo-worktrees/fixture/fixture.sqlite &&
	merged_task changed &&
	echo "written by the task" >>repo-worktrees/changed/fixture.sqlite &&
	(cd repo && git para prune -v >../out) &&
	test_grep "^Removed task .fixture." out &&
	test_grep "^Keeping task .changed.: holds ignored files that para.precious marks as work (.fixture.sqlite.)" out &&
	git -C repo config --unset para.copy
'

test_expect_success 'without para.precious every ignored file is a cache' '
	git -C repo config --unset-all para.precious &&
	(cd repo/src && git para prune changed >../../out) &&
	test_grep "^Removed task .changed." out &&
	! task_exists changed && ! test -e repo-worktrees/changed
'

test_expect_success 'a locked worktree is kept, and refused even with --force' '
	merged_task usb &&
	git -C repo worktree lock --reason "on a USB stick" "$TRASH_DIRECTORY/repo-worktrees/usb" &&
	(cd repo && git para prune -v >../out) &&
	test_grep "^Keeping task .usb.: has a locked worktree (on a USB stick)" out &&
	(cd repo && test_expect_code 1 git para prune --force usb 2>../err) &&
	test_grep "^error: task .usb. has a locked worktree (on a USB stick); a locked worktree is never removed, not even with --force: unlock it first with .git worktree unlock .*/repo-worktrees/usb.\$" err &&
	task_exists usb && test -d repo-worktrees/usb &&
	git -C repo rev-parse -q --verify solve/usb
'

test_expect_success 'a locked worktree that is not there (unmounted) is kept' '
	mv repo-worktrees/usb usb-away &&
	(cd repo && git para prune -v >../out) &&
	test_grep "^Keeping task .usb.: has a locked worktree (on a USB stick)" out &&
	(cd repo && test_expect_code 1 git para prune -f usb 2>../err) &&
	task_exists usb &&
	git -C repo worktree list --porcelain >list &&
	test_grep "repo-worktrees/usb" list &&
	mv usb-away repo-worktrees/usb
'

test_expect_success 'a lock without a reason; unlocked, the task goes' '
	git -C repo worktree unlock "$TRASH_DIRECTORY/repo-worktrees/usb" &&
	git -C repo worktree lock "$TRASH_DIRECTORY/repo-worktrees/usb" &&
	(cd repo && test_expect_code 1 git para prune usb 2>../err) &&
	test_grep "^error: task .usb. has a locked worktree; a locked worktree is never removed" err &&
	git -C repo worktree unlock "$TRASH_DIRECTORY/repo-worktrees/usb" &&
	(cd repo && git para prune usb >../out) &&
	test_grep "^Removed task .usb." out &&
	test_no_task_at usb
'

test_done
