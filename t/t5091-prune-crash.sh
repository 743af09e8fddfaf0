#!/bin/sh

test_description='git para prune --force killed at every step: what is left is seen, a second prune completes, and not one byte of work is lost'

. ./test-lib.sh

# work_sums <dir>: sha256 of every file of a worktree but its .git
work_sums () {
	(cd "$1" && find . -path ./.git -prune -o -type f -print | sort |
		xargs sha256sum)
}

# attic_has <sums>: every file of <sums> is, byte for byte, in the tree
# of some attic entry
attic_has () {
	git -C repo for-each-ref --format="%(refname)" refs/para/attic/ >refs &&
	test -s refs &&
	while read sum path
	do
		found= &&
		while read ref
		do
			if git -C repo cat-file -e "$ref:${path#./}" 2>/dev/null &&
			   test "$(git -C repo cat-file blob "$ref:${path#./}" | sha256sum | cut -d" " -f1)" = "$sum"
			then
				found=yes
				break
			fi
		done <refs &&
		test -n "$found" || { echo "lost: $path"; return 1; }
	done <"$1"
}

test_expect_success 'setup' '
	test_create_repo repo &&
	git -C repo config para.command true
'

# a task with a commit of its own, a change not committed, an untracked file
make_task () {
	git -C repo para add -m "task $1" "$1" &&
	(
		cd "repo-worktrees/$1" &&
		test_commit "committed in $1" src/api/orders.c "committed $1" &&
		echo "uncommitted $1" >>README &&
		echo "untracked $1" >notes-$1.txt
	) &&
	work_sums "repo-worktrees/$1" >"sums.$1"
}

for step in prune-after-attic-commit prune-before-remove prune-after-remove
do
	test_expect_success "killed at $step: status and prune --dry-run see what is left" '
		make_task t &&
		test_expect_code 137 env GIT_TEST_PARA_CRASH=$step \
			git -C repo para prune --force t 2>err &&
		test_grep "died of signal 9" err &&
		git -C repo para status t >out &&
		test_grep "^t  *new " out &&
		git -C repo para prune --dry-run >out &&
		git -C repo fsck --no-progress 2>fsck &&
		! test -s fsck
	'

	test_expect_success "killed at $step: a second prune --force completes, nothing lost" '
		git -C repo para prune --force t >out &&
		test_grep "^Removed task '\''t'\''" out &&
		test_no_task_at t &&
		git -C repo fsck --no-progress &&
		attic_has sums.t &&
		git -C repo for-each-ref --format="%(refname)" refs/para/attic/ |
			xargs -n 1 git -C repo update-ref -d
	'
done

test_expect_success 'killed after the attic commit: the work is already on the branch' '
	make_task u &&
	test_expect_code 137 env GIT_TEST_PARA_CRASH=prune-after-attic-commit \
		git -C repo para prune --force u 2>err &&
	git -C repo-worktrees/u status --porcelain >dirty &&
	test_must_be_empty dirty &&
	git -C repo cat-file blob solve/u:notes-u.txt >got &&
	echo "untracked u" >expect &&
	test_cmp expect got &&
	git -C repo para prune --force u &&
	attic_has sums.u
'

test_done
