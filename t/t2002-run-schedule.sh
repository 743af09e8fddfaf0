#!/bin/sh

test_description='git para run: jobs, slots, exclusive tasks and locks'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

SQ="'"

# Each task marks itself present in $HOME/now while it runs and records
# how many tasks were present, and whether its slot was free.  With
# "<want> <total>" in $HOME/want it stays until <want> tasks are present
# or all <total> have started (10 s at most), rather than for 0.3 s: on a
# loaded machine the runner may take longer than that to start the others.
test_expect_success 'setup' '
	test_create_repo repo &&
	mkdir now &&
	cat >probe.sh <<-\EOF &&
	present () {
		ls "$HOME/now" | grep -v ^slot- | wc -l
	}
	mkdir "$HOME/now/slot-$PARA_SLOT" || echo "slot $PARA_SLOT taken" >>"$HOME/clash"
	touch "$HOME/now/$PARA_TASK"
	echo "$PARA_TASK" >>"$HOME/started"
	present >>"$HOME/seen-$PARA_TASK"
	if read want total <"$HOME/want"
	then
		n=0
		while test $(present) -lt $want &&
		      test $(wc -l <"$HOME/started") -lt $total &&
		      test $n -lt 200
		do
			sleep 0.05
			n=$((n + 1))
		done
	else
		sleep 0.3
	fi 2>/dev/null
	present >>"$HOME/seen-$PARA_TASK"
	rm "$HOME/now/$PARA_TASK"
	rmdir "$HOME/now/slot-$PARA_SLOT"
	echo "$PARA_SLOT" >>"$HOME/slots"
	echo "$PARA_TASK" >>work
	EOF
	(
		cd repo &&
		for t in t1 t2 t3 t4 t5 t6
		do
			test_task $t || return 1
		done &&
		git config para.command "sh \"\$HOME/probe.sh\""
	)
'

max_seen () {
	cat seen-* | sort -n | tail -n 1
}

test_expect_success '-j bounds the tasks running at once; slots are unique' '
	echo 3 6 >want &&
	git -C repo para run -j3 >out &&
	echo 3 >expect && max_seen >actual && test_cmp expect actual &&
	test_must_fail test -e clash &&
	sort -u slots >actual && printf "0\n1\n2\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'para.jobs is the default' '
	rm -f seen-* slots started &&
	echo 2 6 >want &&
	git -C repo -c para.jobs=2 para run --rerun >out &&
	echo 2 >expect && max_seen >actual && test_cmp expect actual &&
	sort -u slots >actual && printf "0\n1\n" >expect &&
	test_cmp expect actual
'

test_expect_success 'para.jobs=0 means the online CPUs, as -j 0 does' '
	cpus=$(getconf _NPROCESSORS_ONLN) &&
	if test $cpus -gt 6; then cpus=6; fi &&
	rm -f seen-* slots started &&
	echo $cpus 6 >want &&
	git -C repo -c para.jobs=0 para run --rerun >out &&
	echo $cpus >expect && max_seen >actual && test_cmp expect actual &&
	rm -f seen-* slots started &&
	git -C repo -c para.jobs=1 para run --rerun -j 0 >out &&
	max_seen >actual && test_cmp expect actual
'

test_expect_success '-j beyond its range says so and gives the range' '
	rm -f seen-* slots started &&
	test_expect_code 128 git -C repo para run -j 99999999999 t1 >out 2>err &&
	test_must_be_empty out &&
	echo "fatal: option ${SQ}j${SQ} is out of range: ${SQ}99999999999${SQ} (expected 0 to 100000)" >expect &&
	test_cmp expect err &&
	test_expect_code 128 git -C repo para run --jobs=100001 t1 2>err &&
	grep "out of range.*expected 0 to 100000" err &&
	test_expect_code 128 git -C repo para run -j -1 t1 2>err &&
	grep "expects a non-negative whole number" err &&
	test_must_fail test -e started
'

test_expect_success 'an exclusive task runs alone' '
	(
		cd repo &&
		test_task x1 -x &&
		test_task x2
	) &&
	rm -f seen-* want &&
	git -C repo para run -j4 --rerun t1 t2 x1 x2 >out &&
	echo 1 >expect && sort -n seen-x1 | tail -n 1 >actual &&
	test_cmp expect actual
'

test_expect_success 'tasks sharing a lock never overlap' '
	(
		cd repo &&
		test_task l1 -l db &&
		test_task l2 -l db -l gpu &&
		test_task l3 -l gpu &&
		test_task l4 -l other
	) &&
	rm -f seen-* &&
	git -C repo para run -j4 l1 l2 l3 l4 >out &&
	test $(grep -c ": succeeded" out) = 4 &&
	# l2 shares a lock with each of l1 and l3: it ran when neither did
	test_must_fail grep 3 seen-l2 &&
	test_must_fail grep 4 seen-l2
'

test_expect_success 'dependencies run in order' '
	(
		cd repo &&
		test_task d3 -a d2 -c "echo d3 >>\"\$HOME/order\"" &&
		test_task d2 -a d1 -c "echo d2 >>\"\$HOME/order\"" &&
		test_task d1 -c "sleep 0.2; echo d1 >>\"\$HOME/order\""
	) &&
	git -C repo para run -j4 d3 d2 d1 &&
	printf "d1\nd2\nd3\n" >expect &&
	test_cmp expect order
'

test_done
