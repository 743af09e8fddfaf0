#!/bin/sh

test_description='git para status: large worktrees proven clean side by side

A worktree of more than 1,000 index entries is too large for libgit2'"'"'s
status; its clean proof runs in process, on a thread for each CPU (or
for each of --jobs), and only what it cannot prove clean is given to
`git status`.  The counts must be those of git, and a clean worktree
must not cost a `git status` of its own.'

. ./test-lib.sh
. "$T_DIR/lib-status.sh"

# counts <json> <task>: "total staged unstaged untracked conflicted"
counts () {
	tr "{" "\n" <"$1" | sed -n "/\"name\":\"$2\"/,\$p" |
	sed -n "s/.*\"total\":\([-0-9]*\),\"staged\":\([-0-9]*\),\"unstaged\":\([-0-9]*\),\"untracked\":\([-0-9]*\),\"conflicted\":\([-0-9]*\)}.*/\1 \2 \3 \4 \5/p" |
	head -n 1
}

# statuses <trace>: the worktrees a `git status` was started in, sorted
statuses () {
	sed -n "s/.*start.* -C '\([^']*\)' status --porcelain.*/\1/p" "$1" |
	sed "s|.*/||" | sort
}

test_expect_success 'setup: 1,200 files, tasks clean and dirty' '
	test_create_repo repo &&
	(
		cd repo &&
		for i in $(test_seq 0 1199)
		do
			mkdir -p d$((i / 100))/sub &&
			echo $i >d$((i / 100))/sub/f$i || return 1
		done &&
		git add . &&
		git commit -q -m init &&
		test $(git ls-files | wc -l) -gt 1000 &&
		for t in clean1 clean2 clean3 committed last untracked staged \
			ignored
		do
			status_task $t || return 1
		done &&
		echo change >../repo-worktrees/last/d11/sub/f1199 &&
		echo new >../repo-worktrees/untracked/d11/sub/new &&
		echo staged >../repo-worktrees/staged/d5/sub/f500 &&
		git -C ../repo-worktrees/staged add d5/sub/f500 &&
		echo work >../repo-worktrees/committed/d0/sub/f0 &&
		git -C ../repo-worktrees/committed commit -q -am work &&
		mkdir -p .git/info &&
		echo "*.o" >>.git/info/exclude &&
		echo junk >../repo-worktrees/ignored/d3/sub/x.o
	)
'

test_expect_success 'the counts of large worktrees are those of git' '
	(
		cd repo &&
		git para status --json >../json.auto &&
		GIT_TEST_PARA_STATUS=git git para status --json >../json.git
	) &&
	for t in clean1 clean2 clean3 committed last untracked staged ignored
	do
		counts json.auto $t >auto.$t &&
		counts json.git $t >git.$t &&
		test_cmp git.$t auto.$t || return 1
	done &&
	echo "0 0 0 0 0" >expect &&
	test_cmp expect auto.clean1 &&
	test_cmp expect auto.committed &&
	test_cmp expect auto.ignored &&
	echo "1 0 1 0 0" >expect &&
	test_cmp expect auto.last &&
	echo "1 0 0 1 0" >expect &&
	test_cmp expect auto.untracked &&
	echo "1 1 0 0 0" >expect &&
	test_cmp expect auto.staged
'

test_expect_success 'only the worktrees not proven clean cost a git status' '
	for j in 1 2 4
	do
		(
			cd repo &&
			GIT_TRACE2="$TRASH_DIRECTORY/trace.$j" \
				git para status -j$j >../out.$j
		) &&
		statuses trace.$j >actual &&
		cat >expect <<-\EOF &&
		ignored
		last
		staged
		untracked
		EOF
		test_cmp expect actual &&
		test_cmp out.1 out.$j || return 1
	done &&
	test_grep "^last .* 1 " out.1
'

test_expect_success 'a file changed and put back as it was is clean again' '
	wt=repo-worktrees/clean2 &&
	echo other >$wt/d7/sub/f777 &&
	(cd repo && git para status --json clean2 >../json) &&
	echo "1 0 1 0 0" >expect &&
	counts json clean2 >actual &&
	test_cmp expect actual &&
	echo 777 >$wt/d7/sub/f777 &&
	(cd repo && git para status --json clean2 >../json) &&
	echo "0 0 0 0 0" >expect &&
	counts json clean2 >actual &&
	test_cmp expect actual
'

test_expect_success 'a tracked file replaced by a directory is seen' '
	wt=repo-worktrees/clean3 &&
	rm $wt/d9/sub/f900 &&
	mkdir $wt/d9/sub/f900 &&
	echo x >$wt/d9/sub/f900/inside &&
	(
		cd repo &&
		git para status --json clean3 >../json.auto &&
		GIT_TEST_PARA_STATUS=git git para status --json clean3 >../json.git
	) &&
	counts json.git clean3 >expect &&
	counts json.auto clean3 >actual &&
	test_cmp expect actual &&
	! test "$(cat actual)" = "0 0 0 0 0"
'

test_expect_success 'the proof writes nothing into the worktrees' '
	>stamp &&
	before=$(find repo-worktrees repo/.git/worktrees -type f -newer stamp | wc -l) &&
	(cd repo && git para status >/dev/null) &&
	test $(find repo-worktrees repo/.git/worktrees -type f -newer stamp | wc -l) = $before
'

test_done
