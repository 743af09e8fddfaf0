#!/bin/sh

test_description='git para add killed at every step: the half-made task is on record, and prune or a second add finishes the job'

. ./test-lib.sh

# work_sums: sha256 of every file of the main worktree (tracked,
# untracked, ignored), so that a test can say not one byte was lost
work_sums () {
	(cd repo && find . -path ./.git -prune -o -type f -print | sort |
		xargs sha256sum)
}

test_expect_success 'setup' '
	test_create_repo repo &&
	echo "SECRET=1" >repo/.env &&
	echo "notes" >repo/untracked.txt &&
	git -C repo config para.command true &&
	work_sums >sums.before
'

# crashed_at <step> <task>: add <task> with a kill at <step>
crashed_at () {
	test_expect_code 137 env GIT_TEST_PARA_CRASH=$1 \
		git -C repo para add -m "task $2" -p "src/$2" "$2" 2>err &&
	test_grep "died of signal 9" err
}

# prune_note <task>: what prune says of the branch of incomplete <task>
prune_note () {
	if git -C repo rev-parse -q --verify "refs/heads/solve/$1" >/dev/null
	then
		echo "left by an interrupted 'git para add'; branch 'solve/$1' deleted"
	else
		echo "left by an interrupted 'git para add'"
	fi
}

# left_incomplete <task>: what every step must leave
left_incomplete () {
	git -C repo para status "$1" >out &&
	test_grep "^$1  *incomplete " out &&
	git -C repo para status --json "$1" >json &&
	test_grep "\"state\": *\"incomplete\"" json &&
	test_expect_code 128 git -C repo para run "$1" 2>err &&
	echo "fatal: task '$1' is incomplete: its 'git para add' was interrupted; 'git para prune $1' removes what is left, 'git para add' makes it again" >expect &&
	test_cmp expect err &&
	git -C repo para prune --dry-run >out &&
	echo "Would remove task '$1' ($(prune_note "$1"))" >expect &&
	head -n 1 out >first &&
	test_cmp expect first &&
	test_grep "^Would free .* in all" out
}

for step in add-before-worktree add-after-worktree add-after-setup add-before-state
do
	test_expect_success "killed at $step: status and prune --dry-run see an incomplete task" '
		crashed_at $step a &&
		left_incomplete a
	'

	test_expect_success "killed at $step: prune removes everything it made" '
		echo "Removed task '\''a'\'' ($(prune_note a))" >expect &&
		git -C repo para prune a >out &&
		test_cmp expect out &&
		test_no_task_at a &&
		git -C repo fsck --no-progress 2>fsck &&
		! test -s fsck &&
		work_sums >sums.after &&
		test_cmp sums.before sums.after
	'

	test_expect_success "killed at $step: a second add makes the task again" '
		crashed_at $step b &&
		git -C repo para add -m "task b" -p src/b b 2>err &&
		test_grep "warning: task '\''b'\'' was left incomplete by an interrupted '\''git para add'\''; removed" err &&
		git -C repo para status b >out &&
		test_grep "^b  *new " out &&
		test_path_is_file repo-worktrees/b/README &&
		git -C repo para run b &&
		git -C repo para prune --force b &&
		test_no_task_at b &&
		git -C repo fsck --no-progress &&
		work_sums >sums.after &&
		test_cmp sums.before sums.after
	'
done

test_expect_success 'the worktree is made before the state is complete: the kill after it leaves it' '
	crashed_at add-after-worktree c &&
	test_path_is_file repo-worktrees/c/README &&
	git -C repo worktree list --porcelain >list &&
	test_grep "worktrees/c\$" list &&
	git -C repo para prune c &&
	test_no_task_at c
'

test_expect_success 'para.setup killed with its add, the whole process group with it' '
	cat >setup.sh <<-\EOF &&
	echo made >setup-made.txt
	kill -KILL -$(ps -o pgid= $$ | tr -d " ")
	sleep 5
	EOF
	test_expect_code 137 setsid git -C repo -c para.setup="sh \"$TRASH_DIRECTORY/setup.sh\"" \
		para add -m "task d" -p src/d d &&
	test_path_is_file repo-worktrees/d/setup-made.txt &&
	left_incomplete d &&
	git -C repo para prune d &&
	test_no_task_at d &&
	git -C repo fsck --no-progress &&
	work_sums >sums.after &&
	test_cmp sums.before sums.after
'

test_expect_success 'a task being created is shown as creating, and run leaves it alone' '
	mkfifo go &&
	git -C repo -c para.setup="read x <\"$TRASH_DIRECTORY/go\"" \
		para add -m "task e" -p src/e e >add.out 2>&1 &
	add_pid=$! &&
	test_when_finished "kill $add_pid 2>/dev/null || :" &&
	for i in $(seq 100)
	do
		git -C repo para status e >out 2>/dev/null &&
		grep -q "^e  *creating " out && break
		sleep 0.1
	done &&
	test_grep "^e  *creating " out &&
	test_expect_code 128 git -C repo para run e 2>err &&
	test_grep "fatal: task '\''e'\'' is being created by '\''git para add'\'' (pid [0-9]*)" err &&
	git -C repo para run 2>err &&
	test_grep "warning: task '\''e'\'' is being created by '\''git para add'\''" err &&
	echo >go &&
	wait $add_pid &&
	git -C repo para status e >out &&
	test_grep "^e  *new " out &&
	git -C repo para prune --force e &&
	test_no_task_at e
'

test_expect_success 'a branch that got commits after the add died is kept' '
	crashed_at add-before-state f &&
	(cd repo-worktrees/f && test_commit work) &&
	git -C repo para prune --dry-run >out &&
	! grep "task '\''f'\''" out &&
	test_expect_code 1 git -C repo para prune f 2>err &&
	test_grep "task '\''f'\'' was left incomplete by an interrupted '\''git para add'\'' but has commits of its own since; its branch is kept" err &&
	test_path_is_dir repo-worktrees/f &&
	git -C repo para prune --force f >out &&
	echo "Removed task '\''f'\'' (left by an interrupted '\''git para add'\''; branch '\''solve/f'\'' kept: commits of its own)" >expect &&
	test_cmp expect out &&
	git -C repo rev-parse --verify -q refs/heads/solve/f &&
	test_path_is_missing repo-worktrees/f &&
	test_path_is_missing repo/.git/para/tasks/f &&
	git -C repo branch -D -q solve/f
'

test_expect_success 'add --dry-run of an incomplete task says so and changes nothing' '
	crashed_at add-after-worktree g &&
	test_expect_code 128 git -C repo para add --dry-run -m "task g" -p src/g g 2>err &&
	echo "fatal: task '\''g'\'' is incomplete: its '\''git para add'\'' was interrupted; without --dry-run, add removes what that left and makes it again" >expect &&
	grep -v "^warning: task .* matches nothing in its base" err >err.fatal &&
	test_cmp expect err.fatal &&
	test_path_is_dir repo-worktrees/g &&
	git -C repo para status g >out &&
	test_grep "^g  *incomplete " out
'

test_expect_success 'a worktree path replaced by a symlink: nothing is removed through it' '
	mv repo-worktrees/g g-moved &&
	ln -s ../repo/src repo-worktrees/g &&
	test_must_fail git -C repo para prune g 2>err &&
	test_grep "is no longer the directory '\''git para add'\'' made for task '\''g'\''" err &&
	test_path_is_file repo/README &&
	work_sums >sums.after &&
	test_cmp sums.before sums.after &&
	rm repo-worktrees/g &&
	mv g-moved repo-worktrees/g &&
	git -C repo para prune g &&
	test_no_task_at g
'

test_done
