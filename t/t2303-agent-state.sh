#!/bin/sh

test_description='PARA_STATUS_FILE: what a running command reports'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

# until_json <pattern>: waits (10s at most) for status --json to match
until_json () {
	for i in $(test_seq 1 200)
	do
		git -C repo para status --json one >json &&
		grep -q "$1" json && return 0
		sleep 0.05
	done
	cat json
	return 1
}

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		test_task one -c "echo \"\$PARA_STATUS_FILE\" >\"\$TRASH_DIRECTORY/path\" &&
			echo \"waiting needs approval to run rm\" >\"\$PARA_STATUS_FILE\" &&
			while ! test -e \"\$TRASH_DIRECTORY/go\"; do sleep 0.02; done &&
			echo working >\"\$PARA_STATUS_FILE\" &&
			while ! test -e \"\$TRASH_DIRECTORY/done\"; do sleep 0.02; done &&
			date >one.txt" &&
		git config para.hook.state "echo \"\$PARA_OLD_STATE>\$PARA_STATE:\$PARA_AGENT_STATE\" >>\"\$TRASH_DIRECTORY/calls\""
	)
'

test_expect_success 'a report written mid-run is seen by status and the state hook' '
	test_start_bg run.out env -C repo git-para-run one &&
	run=$bg_pid &&
	until_json "\"agentState\":\"waiting\"" &&
	test_grep "\"agentMessage\":\"needs approval to run rm\"" json &&
	git -C repo para status one >human &&
	test_grep "running: waiting" human &&
	path=$(cat path) &&
	test "$path" = "$(cd repo && pwd)/.git/para/agent/one.status" &&
	touch go &&
	until_json "\"agentState\":\"working\"" &&
	test_grep "\"agentMessage\":null" json &&
	touch done &&
	wait $run &&
	test_grep -x "running>running:waiting" calls &&
	test_grep -x "running>running:working" calls &&
	test_grep -x "running>succeeded:working" calls &&
	git -C repo para status one >human &&
	test_grep ! "running:" human
'

test_expect_success 'each attempt starts with an empty report' '
	rm -f go done calls &&
	(cd repo && git config -f "$(para_state_file one)" task.command \
		"test -e \"\$PARA_STATUS_FILE\" && echo stale; echo fresh >\"\$PARA_STATUS_FILE\"; date >>one.txt") &&
	git -C repo para run --rerun one >out &&
	test_grep ! -x stale repo/.git/para/logs/one.log &&
	test_grep -x "queued>running:" calls
'

test_done
