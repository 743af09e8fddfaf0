#!/bin/sh

test_description='git para run --budget, PARA_BUDGET, para.taskBudget and --budget-stop'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

SQ="'"

# the command: says what PARA_BUDGET was, reports the cost in
# $HOME/cost-<task> (0.5 without one), and with $HOME/hang-<task> waits
# to be stopped
cat >spend.sh <<\EOF
echo "${PARA_BUDGET-unset}" >"$HOME/budget-$PARA_TASK"
cost=$(cat "$HOME/cost-$PARA_TASK" 2>/dev/null || echo 0.5)
printf '{"costUsd":%s,"tokensIn":1000,"tokensOut":500}' "$cost" >"$PARA_RESULT"
if test -e "$HOME/hang-$PARA_TASK"
then
	TEST_MARK=budget-hang exec sleep 600
fi
EOF

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		git commit -q --allow-empty -m init &&
		git config para.command "sh \"$HOME/spend.sh\"" &&
		for t in a b c d
		do
			git para add -q $t -m "task $t" || return 1
		done
	)
'

test_expect_success 'bad amounts are fatal and nothing runs' '
	test_expect_code 128 git -C repo para run --budget lots 2>err &&
	echo "fatal: invalid amount ${SQ}lots${SQ} for ${SQ}--budget${SQ}: expected e.g. 25usd or 2000000tok" >expect &&
	test_cmp expect err &&
	test_expect_code 128 git -C repo -c para.taskBudget=5eur para run 2>err &&
	test_grep "invalid amount ${SQ}5eur${SQ} for ${SQ}para.taskBudget${SQ}" err &&
	test_expect_code 128 git -C repo para run --budget 1.5tok 2>err &&
	test_grep "invalid amount ${SQ}1.5tok${SQ}" err &&
	test_expect_code 128 git -C repo para run --budget-stop 2>err &&
	echo "fatal: --budget-stop needs a budget: --budget, para.budget or para.taskBudget" >expect &&
	test_cmp expect err &&
	test_path_is_missing budget-a &&
	(cd repo && test_state a) >actual &&
	echo new >expect && test_cmp expect actual
'

test_expect_success 'each task gets its share of what is left in PARA_BUDGET' '
	echo 1 >cost-a && echo 0.5 >cost-b && echo 0.25 >cost-c && echo 0.25 >cost-d &&
	git -C repo para run -j1 --budget 4usd >out 2>err &&
	echo 1.00usd >expect && test_cmp expect budget-a &&
	echo 1.00usd >expect && test_cmp expect budget-b &&
	echo 1.25usd >expect && test_cmp expect budget-c &&
	echo 2.25usd >expect && test_cmp expect budget-d &&
	test_grep "^4 empty in .*; 2.00usd of the 4.00usd budget spent\$" out
'

test_expect_success 'para.taskBudget gives every task the same share; without a budget PARA_BUDGET is unset' '
	git -C repo -c para.taskBudget=300000tok para run -j1 --rerun a b >out 2>err &&
	echo 300000tok >expect && test_cmp expect budget-a && test_cmp expect budget-b &&
	git -C repo para run --rerun a >out 2>err &&
	echo unset >expect && test_cmp expect budget-a &&
	test_must_fail grep "budget spent" out
'

test_expect_success 'the budget reached mid-run: no new task starts, the run says what was spent' '
	rm -f budget-* &&
	echo 1.5 >cost-a && echo 1 >cost-b &&
	test_expect_code 1 git -C repo -c para.budget=2usd para run -j1 --rerun >out 2>err &&
	test_path_is_file budget-a && test_path_is_file budget-b &&
	test_path_is_missing budget-c && test_path_is_missing budget-d &&
	test_grep "^c: not started: the budget is spent (2.50usd of 2.00usd)\$" out &&
	test_grep "^d: not started: the budget is spent (2.50usd of 2.00usd)\$" out &&
	test_grep "^2 empty, 2 not started in .*; 2.50usd of the 2.00usd budget spent: no task started after it ran out\$" out &&
	(cd repo && test_state c) >actual &&
	echo empty >expect && test_cmp expect actual
'

test_expect_success 'a token budget counts the tokens in and out' '
	rm -f budget-* &&
	test_expect_code 1 git -C repo para run -j1 --rerun --budget 2000tok a b c >out 2>err &&
	test_path_is_file budget-a && test_path_is_missing budget-c &&
	test_grep "^c: not started: the budget is spent (3000tok of 2000tok)\$" out
'

test_expect_success '--budget-stop stops a task that reports more than its share' '
	rm -f budget-* &&
	echo 5 >cost-a && >hang-a &&
	test_expect_code 1 git -C repo para run --budget 2usd --budget-stop a >out 2>err &&
	rm -f hang-a &&
	test_grep "^a: over-budget (killed by signal 15) in " out &&
	test_grep "1 over budget in .*; 5.00usd of the 2.00usd budget spent" out &&
	(cd repo && test_state a) >actual &&
	echo over-budget >expect && test_cmp expect actual &&
	test_grep "stopped: it reported 5.00usd, more than its share of the budget, 2.00usd" "repo/$(cd repo && test_log a)" &&
	test -z "$(test_marked_pids budget-hang)"
'

test_expect_success 'an over-budget task is selected again by the next run' '
	echo 0.1 >cost-a &&
	git -C repo para run a >out 2>err &&
	(cd repo && test_state a) >actual &&
	echo empty >expect && test_cmp expect actual
'

test_done
