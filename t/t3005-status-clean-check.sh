#!/bin/sh

test_description='git para status: the quick clean check never hides a change

Small worktrees are proven clean from their index without a status of
their own.  Whatever state a worktree is in, the counts must be those of
a real status, by libgit2 or by git (GIT_TEST_PARA_STATUS forces one).'

. ./test-lib.sh
. "$T_DIR/lib-status.sh"

# dirty_counts <task>: "total staged unstaged untracked conflicted", the
# same through each way of looking, else the test fails
dirty_counts () {
	for via in auto libgit2 git
	do
		(
			test $via = auto || GIT_TEST_PARA_STATUS=$via &&
			export GIT_TEST_PARA_STATUS &&
			cd repo && git para status --json "$1" >../json.$via
		) || return 1
		sed -n "s/.*\"dirty\":{\"total\":\([-0-9]*\),\"staged\":\([-0-9]*\),\"unstaged\":\([-0-9]*\),\"untracked\":\([-0-9]*\),\"conflicted\":\([-0-9]*\)}.*/\1 \2 \3 \4 \5/p" \
			json.$via >counts.$via || return 1
	done &&
	test_cmp counts.git counts.libgit2 &&
	test_cmp counts.git counts.auto &&
	cat counts.auto
}

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		mkdir -p src/deep &&
		echo a >src/a.c &&
		echo b >src/deep/b.c &&
		echo "*.o" >.gitignore &&
		git add . &&
		git commit -q -m init &&
		for t in clean modified same-size staged deleted untracked \
			ignored empty-dir attrs racy mode committed remembered v4
		do
			status_task $t || return 1
		done
	)
'

test_expect_success 'a fresh worktree is clean' '
	echo "0 0 0 0 0" >expect &&
	dirty_counts clean >actual &&
	test_cmp expect actual
'

test_expect_success 'an index of version 4 (compressed paths) is read right' '
	git -C repo-worktrees/v4 update-index --index-version 4 &&
	echo "0 0 0 0 0" >expect &&
	dirty_counts v4 >actual &&
	test_cmp expect actual &&
	echo more >>repo-worktrees/v4/src/deep/b.c &&
	echo "1 0 1 0 0" >expect &&
	dirty_counts v4 >actual &&
	test_cmp expect actual
'

test_expect_success 'a modified file is seen' '
	echo more >>repo-worktrees/modified/src/a.c &&
	echo "1 0 1 0 0" >expect &&
	dirty_counts modified >actual &&
	test_cmp expect actual
'

test_expect_success 'a change that keeps the size and the mtime is seen' '
	wt=repo-worktrees/same-size &&
	touch -r $wt/src/a.c stamp &&
	echo z >$wt/src/a.c &&
	touch -r stamp $wt/src/a.c &&
	echo "1 0 1 0 0" >expect &&
	dirty_counts same-size >actual &&
	test_cmp expect actual
'

test_expect_success 'a staged change is seen' '
	(
		cd repo-worktrees/staged &&
		echo staged >src/new.c &&
		git add src/new.c
	) &&
	echo "1 1 0 0 0" >expect &&
	dirty_counts staged >actual &&
	test_cmp expect actual
'

test_expect_success 'a deleted file is seen' '
	rm repo-worktrees/deleted/src/deep/b.c &&
	echo "1 0 1 0 0" >expect &&
	dirty_counts deleted >actual &&
	test_cmp expect actual
'

test_expect_success 'an untracked file deep down is seen' '
	echo new >repo-worktrees/untracked/src/deep/new.c &&
	echo "1 0 0 1 0" >expect &&
	dirty_counts untracked >actual &&
	test_cmp expect actual
'

test_expect_success 'ignored files and empty directories are not changes' '
	echo obj >repo-worktrees/ignored/src/a.o &&
	mkdir repo-worktrees/empty-dir/nothing &&
	echo "0 0 0 0 0" >expect &&
	dirty_counts ignored >actual &&
	test_cmp expect actual &&
	dirty_counts empty-dir >actual &&
	test_cmp expect actual
'

test_expect_success 'a file changed as the index was written is seen' '
	(
		cd repo-worktrees/racy &&
		echo one >src/r.c &&
		git add src/r.c &&
		git commit -q -m racy &&
		echo two >src/r.c
	) &&
	echo "1 0 1 0 0" >expect &&
	dirty_counts racy >actual &&
	test_cmp expect actual
'

test_expect_success 'attributes that convert contents are honoured' '
	(
		cd repo-worktrees/attrs &&
		echo "*.c text eol=crlf" >.gitattributes &&
		git add .gitattributes &&
		git commit -q -m attrs
	) &&
	dirty_counts attrs >actual &&
	git -C repo-worktrees/attrs status --porcelain >porcelain &&
	wc -l <porcelain >expect &&
	cut -d" " -f1 actual >total &&
	test $(cat expect) = $(cat total)
'

test_expect_success 'an executable bit is seen' '
	chmod +x repo-worktrees/mode/src/a.c &&
	echo "1 0 1 0 0" >expect &&
	dirty_counts mode >actual &&
	test_cmp expect actual
'

test_expect_success 'committed work leaves the worktree clean' '
	(
		cd repo-worktrees/committed &&
		echo work >src/a.c &&
		git commit -q -am work
	) &&
	echo "0 0 0 0 0" >expect &&
	dirty_counts committed >actual &&
	test_cmp expect actual
'

test_expect_success 'a file remembered as unchanged is still seen when it changes' '
	echo "0 0 0 0 0" >expect &&
	dirty_counts remembered >actual &&
	test_cmp expect actual &&
	dirty_counts remembered >actual &&
	test_cmp expect actual &&
	wt=repo-worktrees/remembered &&
	touch -r $wt/src/deep/b.c stamp2 &&
	echo c >$wt/src/deep/b.c &&
	touch -r stamp2 $wt/src/deep/b.c &&
	echo "1 0 1 0 0" >expect &&
	dirty_counts remembered >actual &&
	test_cmp expect actual
'

test_expect_success 'git status runs without its own stat threads only when the jobs fill the CPUs' '
	(
		cd repo &&
		GIT_TEST_PARA_STATUS=git GIT_TRACE2="$TRASH_DIRECTORY/trace.1" \
			git para status -j1 modified >/dev/null &&
		GIT_TEST_PARA_STATUS=git GIT_TRACE2="$TRASH_DIRECTORY/trace.4" \
			git para status -j4 modified >/dev/null
	) &&
	grep "start.*status --porcelain" trace.1 >status.1 &&
	test_grep core.preloadIndex=false status.1 &&
	grep "start.*status --porcelain" trace.4 >status.4 &&
	test_grep ! core.preloadIndex status.4
'

test_expect_success 'the check writes nothing into the worktrees' '
	find repo-worktrees repo/.git/worktrees -newer stamp -type f | sort >before &&
	(cd repo && git para status >/dev/null) &&
	find repo-worktrees repo/.git/worktrees -newer stamp -type f | sort >after &&
	test_cmp before after
'

test_expect_success 'prune removes the status cache of the task it removes' '
	cache=repo/.git/para/cache/status &&
	test -f $cache/clean.index &&
	test -f $cache/clean.stamp &&
	(cd repo && git para prune clean >../out) &&
	! test -e $cache/clean.index &&
	! test -e $cache/clean.stamp &&
	! test -e $cache/clean.racy &&
	test -f $cache/modified.index
'

test_done
