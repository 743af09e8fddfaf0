#!/bin/sh

test_description='git para run: a command that exits 75 is rate-limited; the pause; --on-limit=stop'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

SQ="'"

# a-lim: its first attempt is rate-limited (retryAfter from
# $HOME/retry, if any), its second succeeds; b-slow runs until a-lim's
# second attempt has begun; c-later notes when it started
cat >cmd.sh <<\EOF
now () { date +%s.%N; }
case "$PARA_TASK" in
a-lim)
	if test ! -e "$HOME/limited"
	then
		>"$HOME/limited"
		test -e "$HOME/retry" && cp "$HOME/retry" "$PARA_RESULT"
		now >"$HOME/lim-end"
		exit 75
	fi
	now >"$HOME/lim-again"
	;;
b-slow)
	while ! test -e "$HOME/lim-again"; do sleep 0.1; done
	;;
c-later)
	now >"$HOME/later-start"
	;;
esac
EOF

# at least <s> seconds from the time in file $1 to that in file $2
at_least () {
	awk -v a="$(cat "$1")" -v b="$(cat "$2")" -v s="$3" \
		'BEGIN { exit !(b - a >= s) }'
}

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		git commit -q --allow-empty -m init &&
		git config para.command "sh \"$HOME/cmd.sh\"" &&
		git para add -q a-lim -m a &&
		git para add -q b-slow -m b &&
		git para add -q c-later -m c
	)
'

test_expect_success 'a rate-limited task waits out retryAfter and runs again; the others go on' '
	echo "{\"retryAfter\":2}" >retry &&
	git -C repo para run -j2 --retries 0 >out 2>err &&
	test_grep "^a-lim: rate-limited with exit code 75 in .*; no task starts until .* (in [0-9.]*s), then it starts again\$" out &&
	test_grep "^a-lim: empty in " out &&
	test_grep "^3 empty in " out &&
	at_least lim-end lim-again 1 &&
	at_least lim-end later-start 1 &&
	(cd repo && test_state a-lim run.attempts) >actual &&
	echo 2 >expect && test_cmp expect actual &&
	(cd repo && test_state b-slow) >actual &&
	echo empty >expect && test_cmp expect actual
'

test_expect_success 'retryAfter as a time; without one para.limitWait holds' '
	rm -f limited lim-* later-start &&
	date -u -d "@$(( $(date +%s) + 2 ))" +%Y-%m-%dT%H:%M:%SZ >when &&
	echo "{\"retryAfter\":\"$(cat when)\"}" >retry &&
	git -C repo para run -j1 --rerun a-lim >out 2>err &&
	test_grep "^a-lim: rate-limited with exit code 75 in .*; no task starts until 20[-0-9T:]*Z (in " out &&
	rm -f limited lim-* retry &&
	git -C repo -c para.limitWait=1s para run -j1 --rerun a-lim c-later >out 2>err &&
	test_grep "(in [0-9.]*s), then it starts again\$" out &&
	at_least lim-end lim-again 0.9 &&
	at_least lim-end later-start 0.9
'

test_expect_success 'a malformed retryAfter is a warning; the limit holds for para.limitWait' '
	rm -f limited lim-* later-start &&
	echo "{\"retryAfter\":\"soon\"}" >retry &&
	git -C repo -c para.limitWait=1s para run -j1 --rerun a-lim >out 2>err &&
	test_grep "^a-lim: warning: ignoring the result in .*${SQ}retryAfter${SQ} is not a number of seconds or a time" out &&
	test_grep "(in [0-9.]*s), then it starts again\$" out
'

test_expect_success '--on-limit=stop ends the run with exit status 75' '
	rm -f limited lim-* later-start retry &&
	test_expect_code 75 git -C repo para run -j1 --rerun --on-limit=stop a-lim c-later >out 2>err &&
	test_grep "^a-lim: rate-limited with exit code 75 in " out &&
	test_grep "^c-later: not started: held back: a task was rate-limited (--on-limit=stop)\$" out &&
	test_path_is_missing later-start &&
	(cd repo && test_state a-lim) >actual &&
	echo rate-limited >expect && test_cmp expect actual &&
	test_grep "rate-limited" out
'

test_expect_success 'a rate-limited task is selected by the next run' '
	git -C repo para run a-lim >out 2>err &&
	(cd repo && test_state a-lim) >actual &&
	echo empty >expect && test_cmp expect actual
'

test_expect_success 'a bad --on-limit is fatal' '
	test_expect_code 128 git -C repo para run --on-limit=later 2>err &&
	echo "fatal: invalid value ${SQ}later${SQ} for ${SQ}--on-limit${SQ}: expected wait or stop" >expect &&
	test_cmp expect err
'

test_expect_success 'with -- <command>, exit status 75 is a failure like any other' '
	test_expect_code 1 git -C repo para run c-later -- sh -c "exit 75" >out 2>err &&
	test_grep "^c-later: failed with exit code 75" out
'

test_done
