#!/bin/sh

test_description='temporary files that killed writers left in the state directory are removed once provably stale'

. ./test-lib.sh

test_expect_success 'setup' '
	test_create_repo repo &&
	git -C repo config para.command true &&
	git -C repo para add -m "first" keep &&
	git -C repo para run &&
	state=repo/.git/para
'

test_expect_success 'a writer killed between its write and its rename leaves a temporary file' '
	test_expect_code 137 env GIT_TEST_PARA_CRASH=write-before-rename \
		git -C repo para add -m "task a" a 2>err &&
	find $state -name ".*.tmp.*" >left &&
	test $(wc -l <left) = 1 &&
	test_grep "/tasks/\.a\.tmp\.[0-9]*\$" left
'

test_expect_success 'status removes it, and shows no task that was never recorded' '
	git -C repo para status >out &&
	! grep "^a " out &&
	test_grep "^keep " out &&
	find $state -name ".*.tmp.*" >left &&
	test_must_be_empty left &&
	git -C repo para add -m "task a" a &&
	git -C repo para prune --force a
'

test_expect_success 'a temporary file of a live writer is kept, everywhere' '
	sleep 30 &
	live=$! &&
	test_when_finished "kill $live" &&
	sleep 2 &&
	: >$state/tasks/.keep.tmp.$live &&
	: >$state/logs/.keep.log.tmp.$live &&
	git -C repo para status >/dev/null &&
	git -C repo para run &&
	git -C repo para prune &&
	test_path_is_file $state/tasks/.keep.tmp.$live &&
	test_path_is_file $state/logs/.keep.log.tmp.$live &&
	rm $state/tasks/.keep.tmp.$live $state/logs/.keep.log.tmp.$live
'

test_expect_success 'a pid used again by a process started after the write: stale' '
	sleep 30 &
	live=$! &&
	test_when_finished "kill $live" &&
	: >$state/tasks/.keep.tmp.$live &&
	touch -d "1 hour ago" $state/tasks/.keep.tmp.$live &&
	git -C repo para status >/dev/null &&
	test_path_is_missing $state/tasks/.keep.tmp.$live
'

test_expect_success 'run and prune sweep the whole state directory; other names are left alone' '
	: >$state/logs/.keep.log.tmp.2147483647 &&
	: >$state/.context.md.tmp.2147483647 &&
	: >$state/logs/.keep.log.tmp.x &&
	: >$state/logs/.notes &&
	git -C repo para run --rerun keep &&
	test_path_is_missing $state/logs/.keep.log.tmp.2147483647 &&
	test_path_is_missing $state/.context.md.tmp.2147483647 &&
	test_path_is_file $state/logs/.keep.log.tmp.x &&
	test_path_is_file $state/logs/.notes &&
	: >$state/logs/.keep.log.tmp.2147483647 &&
	git -C repo para prune --dry-run &&
	test_path_is_file $state/logs/.keep.log.tmp.2147483647 &&
	git -C repo para prune &&
	test_path_is_missing $state/logs/.keep.log.tmp.2147483647
'

test_done
