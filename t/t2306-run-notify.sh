#!/bin/sh

test_description='git para run --notify: telling the user what happened'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

# stand_in <script>: a notify-send on PATH that runs <script> after
# recording its arguments, one line a call, each argument then '|'
stand_in () {
	mkdir -p bin &&
	cat >bin/notify-send <<-EOF &&
	#!/bin/sh
	for a in "\$@"; do printf "%s|" "\$a"; done >>"$TRASH_DIRECTORY/calls" &&
	echo >>"$TRASH_DIRECTORY/calls"
	$1
	EOF
	chmod +x bin/notify-send
}

command -v notify-send >/dev/null || test_set_prereq NO_NOTIFY_SEND

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		test_task good -c "date >made" &&
		test_task bad -c "exit 2" &&
		test_task quiet -c "echo start; sleep 2" &&
		test_task asks -c "echo \"waiting needs approval\" >\"\$PARA_STATUS_FILE\";
			for i in 1 2 3 4; do echo \$i; sleep 0.4; done"
	) &&
	stand_in ""
'

test_expect_success 'each event asked for is one notify-send: end, fail, stall, waiting' '
	PATH=$TRASH_DIRECTORY/bin:$PATH \
	test_expect_code 1 git -C repo para run -j4 --idle-timeout 1s \
		--notify=end,fail,stall,waiting good bad quiet asks 2>err &&
	sort calls >actual &&
	cat >expect <<-\EOF &&
	--app-name=git-para|git para: asks|empty|
	--app-name=git-para|git para: asks|waiting: needs approval|
	--app-name=git-para|git para: bad|failed with exit code 2|
	--app-name=git-para|git para: good|succeeded|
	--app-name=git-para|git para: quiet|empty|
	--app-name=git-para|git para: quiet|stalled: no output for 1.0s|
	EOF
	test_cmp expect actual &&
	test_grep ! "notify:" err
'

test_expect_success 'only the events asked for: fail alone says nothing of a success' '
	rm -f calls &&
	PATH=$TRASH_DIRECTORY/bin:$PATH \
	test_expect_code 1 git -C repo para run --rerun --notify=fail good bad &&
	cat >expect <<-\EOF &&
	--app-name=git-para|git para: bad|failed with exit code 2|
	EOF
	test_cmp expect calls
'

test_expect_success 'bare --notify and para.notify=true: end, stall and waiting' '
	rm -f calls &&
	PATH=$TRASH_DIRECTORY/bin:$PATH \
	test_expect_code 1 git -C repo para run --rerun --notify bad &&
	test_grep -x -e "--app-name=git-para|git para: bad|failed with exit code 2|" calls &&
	rm -f calls &&
	PATH=$TRASH_DIRECTORY/bin:$PATH \
	git -C repo -c para.notify=true para run --rerun asks &&
	test_grep -x -e "--app-name=git-para|git para: asks|waiting: needs approval|" calls &&
	test_grep -x -e "--app-name=git-para|git para: asks|empty|" calls
'

test_expect_success 'para.notify lists events; false, none and no option say nothing' '
	rm -f calls &&
	PATH=$TRASH_DIRECTORY/bin:$PATH \
	git -C repo -c para.notify=waiting para run --rerun good &&
	test_path_is_missing calls &&
	PATH=$TRASH_DIRECTORY/bin:$PATH \
	git -C repo -c para.notify=false para run --rerun good &&
	PATH=$TRASH_DIRECTORY/bin:$PATH \
	git -C repo -c para.notify=end para run --rerun --notify=none good &&
	PATH=$TRASH_DIRECTORY/bin:$PATH \
	git -C repo para run --rerun good &&
	test_path_is_missing calls
'

test_expect_success 'an unknown event is refused by name, nothing runs' '
	before=$(cd repo && test_state good run.attempts) &&
	test_expect_code 128 git -C repo para run --rerun --notify=end,bell good 2>err &&
	test_grep -x "fatal: invalid value .end,bell. for .--notify.: unknown notify event .bell.: expected end, fail, stall, waiting or none" err &&
	test_expect_code 128 git -C repo -c para.notify=fial para run --rerun good 2>err &&
	test_grep -x "fatal: invalid value .fial. for .para.notify.: unknown notify event .fial.: expected end, fail, stall, waiting or none" err &&
	test_expect_code 128 git -C repo para run --rerun --notify= good 2>err &&
	test_grep "unknown notify event .." err &&
	test "$(cd repo && test_state good run.attempts)" = "$before"
'

test_expect_success NO_NOTIFY_SEND 'without notify-send: the bell and one line on stderr' '
	test_expect_code 1 git -C repo para run --rerun --notify bad 2>err &&
	printf "\\007notify: bad: failed with exit code 2\\n" >expect &&
	test_cmp expect err
'

test_expect_success 'a hanging notify-send is killed after its limit; the run goes on' '
	rm -f calls &&
	stand_in "exec sleep 30" &&
	test_mark_processes hang &&
	start=$(date +%s) &&
	PATH=$TRASH_DIRECTORY/bin:$PATH \
	git -C repo para run --rerun --notify=end good 2>err &&
	test $(($(date +%s) - start)) -le 5 &&
	test_grep -x -e "--app-name=git-para|git para: good|succeeded|" calls &&
	printf "\\007notify: good: succeeded\\n" >expect &&
	test_cmp expect err &&
	test_no_process_left
'

test_expect_success 'a failing notify-send falls back to the bell' '
	rm -f calls &&
	stand_in "exit 1" &&
	PATH=$TRASH_DIRECTORY/bin:$PATH \
	git -C repo para run --rerun --notify=end good 2>err &&
	test_grep -x -e "--app-name=git-para|git para: good|succeeded|" calls &&
	printf "\\007notify: good: succeeded\\n" >expect &&
	test_cmp expect err
'

test_done
