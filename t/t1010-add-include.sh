#!/bin/sh
#
# A new worktree gets what the main worktree has and git does not check
# out: files named by .worktreeinclude (gitignore syntax) on top of
# para.copy, copied as para.copyMode says, and para.symlink paths
# linked; none of it is the task's work.

test_description='git para add: .worktreeinclude, para.symlink, para.copyMode'

. ./test-lib.sh

record () {
	cat "repo/.git/para/provision/$1"
}

test_expect_success 'setup: a main worktree with .env files, node_modules, data' '
	test_create_repo repo &&
	(
		cd repo &&
		printf "%s\n" ".env*" "node_modules/" "data/" "build/" >.gitignore &&
		printf "%s\n" "# what new worktrees need" ".env*" "!.env.local" \
			"node_modules/" >.worktreeinclude &&
		echo "EXAMPLE=1" >.env.example &&
		git add .gitignore .worktreeinclude &&
		git add -f .env.example &&
		git commit -q -m "ignores and includes" &&
		echo "KEY=main" >.env &&
		echo "mine only" >.env.local &&
		mkdir -p node_modules/left-pad/lib data build &&
		echo "module.exports = 1" >node_modules/left-pad/lib/index.js &&
		chmod 755 node_modules/left-pad/lib/index.js &&
		touch -d "2020-02-02 02:02" node_modules/left-pad/lib/index.js &&
		ln -s lib/index.js node_modules/left-pad/main.js &&
		echo big >data/set.csv &&
		echo object >build/out.o
	)
'

test_expect_success '.worktreeinclude with a negation, a whole directory copied' '
	(cd repo && git para add -q -p src/api a) &&
	w=repo-worktrees/a &&
	test_cmp repo/.env $w/.env &&
	test_path_is_missing $w/.env.local &&
	test_path_is_missing $w/data &&
	test_path_is_missing $w/build &&
	test_cmp repo/node_modules/left-pad/lib/index.js \
		$w/node_modules/left-pad/lib/index.js &&
	test -x $w/node_modules/left-pad/lib/index.js &&
	test "$(stat -c %Y $w/node_modules/left-pad/lib/index.js)" = \
		"$(stat -c %Y repo/node_modules/left-pad/lib/index.js)" &&
	test "$(readlink $w/node_modules/left-pad/main.js)" = lib/index.js &&
	git -C $w status --porcelain --ignored=no >st &&
	test_must_be_empty st &&
	record a >rec &&
	test_grep "^copy [0-9a-f]\{40\} \.env\$" rec &&
	test_grep "^copy - node_modules/\$" rec &&
	test_grep ! "env.local" rec
'

test_expect_success 'para.copy is read on top of .worktreeinclude' '
	git -C repo config para.copy build/out.o &&
	(cd repo && git para add -q -p src/db b) &&
	test_cmp repo/build/out.o repo-worktrees/b/build/out.o &&
	test_path_is_file repo-worktrees/b/.env &&
	git -C repo config --unset para.copy
'

test_expect_success 'para.symlink links instead of copying, hidden from git' '
	git -C repo config para.symlink data &&
	(cd repo && git para add -q -p src/auth c) &&
	test "$(readlink repo-worktrees/c/data)" = "$TRASH_DIRECTORY/repo/data" &&
	test_cmp repo/data/set.csv repo-worktrees/c/data/set.csv &&
	git -C repo-worktrees/c status --porcelain --untracked-files=all >st &&
	test_must_be_empty st &&
	record c >rec &&
	test_grep "^link [0-9a-f]\{40\} data\$" rec
'

test_expect_success 'a para.symlink inside the domain is refused, nothing created' '
	(cd repo && test_expect_code 128 git para add -p "data/**" d 2>../err) &&
	test_grep "^fatal: para.symlink .data. is inside the domain of task .d. (.data/\*\*. covers .data.*.): the task.s changes there would go to the main worktree" err &&
	test_no_task_at d
'

test_expect_success 'a tracked or missing para.symlink is a warning' '
	git -C repo config --add para.symlink docs &&
	git -C repo config --add para.symlink nowhere &&
	(cd repo && git para add -q -p src/x e 2>../err) &&
	test_grep "^warning: para.symlink .docs. holds tracked files; not linked" err &&
	test_grep "^warning: para.symlink .nowhere. does not exist in .*; not linked" err &&
	test -d repo-worktrees/e/docs && ! test -h repo-worktrees/e/docs &&
	git -C repo config --unset-all para.symlink
'

test_expect_success '--no-copy brings nothing, --no-setup runs no setup' '
	git -C repo config para.setup "echo ran >setup-ran" &&
	git -C repo config para.symlink data &&
	(cd repo && git para add -q --no-copy -p src/y f) &&
	test_path_is_missing repo-worktrees/f/.env &&
	test_path_is_missing repo-worktrees/f/node_modules &&
	test_path_is_missing repo-worktrees/f/data &&
	test_path_is_file repo-worktrees/f/setup-ran &&
	(cd repo && git para add -q --no-setup -p src/z g) &&
	test_path_is_missing repo-worktrees/g/setup-ran &&
	test_path_is_file repo-worktrees/g/.env &&
	(cd repo && git para add -q --no-copy -p "data/**" h) &&
	git -C repo config --unset para.setup &&
	git -C repo config --unset para.symlink
'

inode () {
	stat -c %i "$1"
}

test_expect_success 'para.copyMode: hardlink links, copy copies, reflink falls back' '
	git -C repo config para.copyMode hardlink &&
	(cd repo && git para add -q -p src/h1 h1) &&
	test "$(inode repo-worktrees/h1/.env)" = "$(inode repo/.env)" &&
	git -C repo config para.copyMode copy &&
	(cd repo && git para add -q -p src/h2 h2) &&
	test "$(inode repo-worktrees/h2/.env)" != "$(inode repo/.env)" &&
	test_cmp repo/.env repo-worktrees/h2/.env &&
	git -C repo config para.copyMode reflink &&
	(cd repo && git para add -q -p src/h3 h3) &&
	test "$(inode repo-worktrees/h3/.env)" != "$(inode repo/.env)" &&
	test_cmp repo/.env repo-worktrees/h3/.env
'

# an XFS image, loop-mounted in the trash directory, clones files
if test "$(id -u)" = 0 && command -v mkfs.xfs >/dev/null &&
   command -v filefrag >/dev/null &&
   truncate -s 400M xfs.img && mkfs.xfs -q xfs.img 2>/dev/null &&
   mkdir xfs && mount -o loop xfs.img xfs 2>/dev/null
then
	test_set_prereq REFLINK_FS
	umount xfs
fi

test_expect_success REFLINK_FS 'reflink shares the blocks where the filesystem clones' '
	mount -o loop xfs.img xfs &&
	test_when_finished "umount \"$TRASH_DIRECTORY/xfs\"" &&
	test_create_repo xfs/r &&
	(
		cd xfs/r &&
		echo "big/" >.gitignore && echo "big/" >.worktreeinclude &&
		git add . && git commit -q -m include &&
		mkdir big && head -c 1048576 /dev/urandom >big/blob &&
		git para add -q -p src t
	) &&
	test_cmp xfs/r/big/blob xfs/r-worktrees/t/big/blob &&
	filefrag -v xfs/r-worktrees/t/big/blob >frag &&
	test_grep shared frag &&
	(cd xfs/r && git -c para.copyMode=copy para add -q -p docs u) &&
	filefrag -v xfs/r-worktrees/u/big/blob >frag &&
	test_grep ! shared frag
'

test_expect_success 'a bad para.copyMode is fatal, nothing created' '
	git -C repo config para.copyMode fast &&
	(cd repo && test_expect_code 128 git para add -p src/h4 h4 2>../err) &&
	test_grep "bad para.copyMode value .fast. (reflink, hardlink or copy)" err &&
	test_no_task_at h4 &&
	git -C repo config --unset para.copyMode
'

test_expect_success 'a merged task with provisioned files prunes: they are no work' '
	(cd repo-worktrees/a && test_commit a src/api/a.c) &&
	git -C repo merge -q --no-edit solve/a &&
	(cd repo && git para prune >../out) &&
	test_grep "^Removed task .a. (branch .solve/a. deleted)" out &&
	test_path_is_file repo/node_modules/left-pad/lib/index.js &&
	test_path_is_file repo/.env
'

test_done
