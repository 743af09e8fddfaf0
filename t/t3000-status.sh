#!/bin/sh

test_description='git para status: the dashboard for people'

. ./test-lib.sh
. "$T_DIR/lib-status.sh"

test_expect_success 'no tasks yet' '
	test_create_repo repo &&
	(cd repo && git para status >../out) &&
	echo "no tasks" >expect &&
	test_cmp expect out
'

test_expect_success 'setup tasks with work in progress' '
	(
		cd repo &&
		status_task api src/api &&
		status_task db src/db &&
		status_task docs-and-a-rather-long-task-name &&
		cd ../repo-worktrees/api &&
		test_commit one src/api/new.c &&
		test_commit two docs/extra.md &&
		echo changed >>README &&
		echo new >untracked.txt
	) &&
	(
		cd repo &&
		status_set db run.state failed &&
		status_set db run.exitCode 2 &&
		status_set db run.attempt 1 &&
		status_set db run.started 1700000000000 &&
		status_set db run.finished 1700000065000
	)
'

test_expect_success 'one aligned line per task' '
	(cd repo && git para status >../out) &&
	cat >expect <<-\EOF &&
	TASK                              STATE   BRANCH                                  AHEAD  CHANGED  DIRTY  DOMAIN     TIME   EXIT
	api                               new     solve/api                               +2 -0  2        2      3 outside  -      -
	db                                failed  solve/db                                +0 -0  0        0      ok         1m05s  2
	docs-and-a-rather-long-task-name  new     solve/docs-and-a-rather-long-task-name  +0 -0  0        0      none       -      -
	EOF
	test_cmp expect out
'

test_expect_success 'behind counts commits the base moved on' '
	(
		cd repo &&
		test_commit upstream docs/upstream.md &&
		git para status --porcelain >../out
	) &&
	cut -f1,4,5 out >actual &&
	printf "api\t2\t1\ndb\t0\t1\ndocs-and-a-rather-long-task-name\t0\t1\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a change merged from the base is not the task'"'"'s' '
	(
		cd repo-worktrees/db &&
		git merge -q --no-ff -m merge main &&
		cd ../../repo &&
		git para status --porcelain db >../out
	) &&
	cut -f1,4,5,6,8 out >actual &&
	printf "db\t1\t0\t0\tok\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'para.sharedPath may be changed by any task' '
	(
		cd repo &&
		git -c para.sharedPath=docs/extra.md -c para.sharedPath=README \
			-c para.sharedPath=untracked.txt \
			para status --porcelain api >../out
	) &&
	cut -f1,8,9 out >actual &&
	printf "api\tok\t0\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'a bad para.sharedPath is fatal' '
	(
		cd repo &&
		test_expect_code 128 git -c para.sharedPath=/abs para status >../out 2>../err
	) &&
	test_must_be_empty out &&
	test_grep "^fatal: invalid value for .para.sharedPath.: ./abs." err
'

test_expect_success 'task names select tasks, in the order given' '
	(cd repo && git para status --porcelain db api db >../out) &&
	cut -f1 out >actual &&
	printf "db\napi\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'an unknown task is fatal and nothing is shown' '
	(
		cd repo &&
		test_expect_code 128 git para status api nosuch >../out 2>../err
	) &&
	test_must_be_empty out &&
	echo "fatal: no such task ${SQ}nosuch${SQ}" >expect &&
	test_cmp expect err
'

test_expect_success 'a name that is not a task name is fatal too' '
	(
		cd repo &&
		test_expect_code 128 git para status ../../etc >../out 2>../err
	) &&
	test_must_be_empty out &&
	test_grep "^fatal: no such task ${SQ}../../etc${SQ}" err
'

test_expect_success '--porcelain and --json together is a usage error' '
	(
		cd repo &&
		test_expect_code 129 git para status --porcelain --json >../out 2>../err
	) &&
	test_must_be_empty out &&
	test_grep "^error: options .--porcelain. and .--json. cannot be used together" err &&
	test_grep "^usage: git para status" err
'

test_expect_success '-h prints the usage' '
	(cd repo && test_expect_code 129 git para status -h >../out) &&
	test_grep "^usage: git para status \[-v\] \[--porcelain | --json\] \[--watch\[=<seconds>\]\] \[--refresh\] \[<task>...\]" out
'

test_expect_success 'status works from inside a task worktree' '
	(cd repo-worktrees/api/src && git para status --porcelain >../../../out) &&
	cut -f1 out >actual &&
	printf "api\ndb\ndocs-and-a-rather-long-task-name\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'status takes no lock in the task worktrees' '
	(cd repo && git para status >/dev/null) &&
	! test -e repo/.git/worktrees/api/index.lock
'

test_expect_success '-v shows the pid, the log and its last lines' '
	(
		cd repo &&
		mkdir -p .git/para/logs &&
		for i in 1 2 3 4 5 6 7; do echo "line $i"; done >.git/para/logs/db.log &&
		status_set db run.pid 4242 &&
		git para status -v db >../out
	) &&
	sed -n "2,\$p" out >actual &&
	cat >expect <<-EOF &&
	db    failed  solve/db  +1 -0  0        0      ok      1m05s  2
	    pid 4242 (gone)
	    worktree $TRASH_DIRECTORY/repo-worktrees/db
	    log $TRASH_DIRECTORY/repo/.git/para/logs/db.log
	    | line 3
	    | line 4
	    | line 5
	    | line 6
	    | line 7
	EOF
	test_cmp expect actual
'

test_expect_success 'a running task whose runner is alive is running' '
	(
		cd repo &&
		status_set api run.state running &&
		status_set api run.started 1700000000000 &&
		status_record_proc api runner $$ &&
		status_record_proc api proc $$ &&
		git para status --porcelain api >../out
	) &&
	cut -f1,2 out >actual &&
	printf "api\trunning\n" >expect &&
	test_cmp expect actual &&
	cut -f10 out >time &&
	test "$(cat time)" -gt 0
'

test_expect_success 'its runner gone, a live task is orphaned' '
	sleep 60 &
	pid=$! &&
	test_when_finished "kill $pid" &&
	(
		cd repo &&
		status_set api run.runnerPid 999999 &&
		status_record_proc api proc $pid &&
		git para status --porcelain api >../out
	) &&
	cut -f1,2,12 out >actual &&
	printf "api\torphaned\t$pid\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'and lost once the task process is gone too' '
	(
		cd repo &&
		status_set api run.pidStart 1 &&
		git para status --porcelain api >../out
	) &&
	cut -f1,2 out >actual &&
	printf "api\tlost\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'no colour when piped' '
	(cd repo && git para status >../out) &&
	! grep "$(printf "\033")" out
'

test_expect_success 'color.para=always colours even when piped' '
	(cd repo && git -c color.para=always para status >../out) &&
	grep "$(printf "\033\\[31m")lost" out
'

test_expect_success 'color.ui is followed when color.para is not set' '
	(cd repo && git -c color.ui=always para status >../out) &&
	grep "$(printf "\033")" out &&
	(cd repo && git -c color.ui=always -c color.para=never para status >../out) &&
	! grep "$(printf "\033")" out
'

test_expect_success 'NO_COLOR turns colour off' '
	(cd repo && NO_COLOR=1 git -c color.para=always para status >../out) &&
	! grep "$(printf "\033")" out
'

test_done
