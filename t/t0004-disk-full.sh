#!/bin/sh

test_description='a full disk: every command fails with a clear error, no record is left truncated, and all works again once there is room'

. ./test-lib.sh

disk="$TRASH_DIRECTORY/disk"
mkdir "$disk"
if ! mount -t tmpfs -o size=4m para-test "$disk" 2>/dev/null
then
	skip_all='mounting a small tmpfs needs root (or CAP_SYS_ADMIN): the full disk cannot be made'
	test_done
fi

# state_sums: sha256 of every record of the state directory
state_sums () {
	(cd "$disk/repo/.git/para" && find tasks -type f | sort | xargs sha256sum)
}

fill () {
	dd if=/dev/zero of="$disk/fill" bs=64k 2>/dev/null
	test "$(df -P "$disk" | awk "NR == 2 { print \$4 }")" = 0
}

test_expect_success 'setup: a repository with a task that ran, on a 4 MB disk' '
	test_create_repo "$disk/repo" &&
	git -C "$disk/repo" config para.command "echo work >>out.txt" &&
	git -C "$disk/repo" para add -m a a &&
	git -C "$disk/repo" para run a &&
	state_sums >sums.before &&
	# a cache a command may drop would give it room: none is left
	rm -r "$disk/repo/.git/para/cache" &&
	fill
'

test_expect_success 'add fails naming the full disk, and leaves nothing of the task' '
	test_expect_code 128 timeout 60 git -C "$disk/repo" para add -m b b 2>err &&
	test_grep "No space left on device" err &&
	(cd "$disk/repo" && test_no_task b) &&
	test_path_is_missing "$disk/repo-worktrees/b"
'

test_expect_success 'run fails at once (it never hangs), and the record stays whole' '
	test_expect_code 1 timeout 60 git -C "$disk/repo" para run --rerun a >out 2>err &&
	test_grep "^a: failed: cannot write .*: No space left on device" out &&
	state_sums >sums.after &&
	test_cmp sums.before sums.after
'

test_expect_success 'status still reads every task' '
	git -C "$disk/repo" para status >out &&
	test_grep "^a  *succeeded " out
'

test_expect_success 'prune --force fails, saying nothing was removed' '
	test_expect_code 1 timeout 60 git -C "$disk/repo" para prune --force a 2>err &&
	test_grep "cannot keep the work of task .a. in refs/para/attic; nothing removed" err &&
	git -C "$disk/repo" rev-parse -q --verify solve/a &&
	test_path_is_dir "$disk/repo-worktrees/a" &&
	state_sums >sums.after &&
	test_cmp sums.before sums.after
'

test_expect_success 'collect --merge fails, and moves no branch' '
	git -C "$disk/repo" for-each-ref >refs.before &&
	test_must_fail timeout 60 git -C "$disk/repo" para collect --merge >out 2>err &&
	test_grep "No space left on device\|couldn.t write" err &&
	git -C "$disk/repo" for-each-ref >refs.after &&
	test_cmp refs.before refs.after &&
	state_sums >sums.after &&
	test_cmp sums.before sums.after
'

test_expect_success 'no temporary file is left behind' '
	find "$disk/repo/.git/para" -name ".*.tmp.*" >left &&
	test_must_be_empty left
'

test_expect_success 'once there is room again, everything works' '
	rm "$disk/fill" &&
	git -C "$disk/repo" para add -m b b &&
	git -C "$disk/repo" para run --rerun &&
	git -C "$disk/repo" para status >out &&
	test_grep "^a  *succeeded " out &&
	test_grep "^b  *succeeded " out &&
	git -C "$disk/repo" fsck --no-progress &&
	git -C "$disk/repo" para prune --force a b
'

test_expect_success 'cleanup' '
	umount "$disk"
'

test_done
