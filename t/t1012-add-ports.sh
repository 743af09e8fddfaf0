#!/bin/sh

test_description='git para add: leased ports, PARA_PORT, PARA_PORTS, PARA_ID; disk use'

. ./test-lib.sh

if ! command -v python3 >/dev/null; then
	skip_all='python3 is not installed'
	test_done
fi

# free_port: a port nothing listens on now (the kernel picks it)
free_port () {
	python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'
}

ports_of () {
	git -C repo config -f ".git/para/tasks/$1" --get-all task.port
}

test_expect_success 'setup' '
	test_create_repo repo &&
	lo=$(free_port) &&
	if test $lo -gt 64000; then lo=40000; fi &&
	echo $lo >lo &&
	git -C repo config para.portRange "$lo-$((lo + 199))" &&
	git -C repo config para.portsPerTask 2 &&
	git -C repo config para.setup "env | grep ^PARA_ | sort >../env-\$PARA_TASK"
'

test_expect_success 'add leases a block; setup sees PARA_PORT, PARA_PORTS, PARA_ID' '
	(cd repo && git para add -q -p src/api web.front-1) &&
	ports_of web.front-1 >ports &&
	test $(wc -l <ports) = 2 &&
	first=$(head -n 1 ports) && second=$(tail -n 1 ports) &&
	test $second = $((first + 1)) &&
	test $first -ge $(cat lo) && test $second -le $(($(cat lo) + 199)) &&
	test_grep -x "PARA_PORT=$first" repo-worktrees/env-web.front-1 &&
	test_grep -x "PARA_PORTS=$first $second" repo-worktrees/env-web.front-1 &&
	test_grep -x "PARA_ID=web_front_1" repo-worktrees/env-web.front-1
'

test_expect_success 'the run command sees them too; status -v and --json show them' '
	(cd repo && git para run -q web.front-1 -- sh -c "echo \$PARA_PORT \$PARA_PORTS \$PARA_ID >\"\$TRASH_DIRECTORY/ran\"") &&
	first=$(ports_of web.front-1 | head -n 1) &&
	echo "$first $first $((first + 1)) web_front_1" >expect &&
	test_cmp expect ran &&
	(cd repo && git para status -v web.front-1 >../out) &&
	test_grep "^    ports $first $((first + 1))\$" out &&
	(cd repo && git para status --json >../json) &&
	jq -c ".tasks[0] | [.id, .ports]" json >actual &&
	echo "[\"web_front_1\",[$first,$((first + 1))]]" >expect &&
	test_cmp expect actual
'

test_expect_success 'a port something listens on is skipped' '
	python3 -c "
import socket, sys, time
s = socket.socket()
s.bind((\"127.0.0.1\", 0))
s.listen()
print(s.getsockname()[1], flush=True)
time.sleep(60)
" >held &
	pid=$! &&
	test_when_finished "kill $pid" &&
	for i in $(seq 300); do test -s held && break; sleep 0.2; done &&
	held=$(cat held) &&
	git init -q other && (cd other && test_commit one) &&
	git -C other config para.portRange "$held-$((held + 5))" &&
	(cd other && git para add -q x) &&
	git -C other config -f .git/para/tasks/x --get-all task.port >got &&
	echo $((held + 1)) >expect &&
	test_cmp expect got
'

test_expect_success '20 adds at once lease 20 distinct blocks' '
	for i in $(test_seq 1 20); do
		(cd repo && git para add -q -p "src/p$i" "p$i") &
	done &&
	wait &&
	for i in $(test_seq 1 20); do
		ports_of "p$i" || return 1
	done >all &&
	ports_of web.front-1 >>all &&
	test $(wc -l <all) = 42 &&
	sort all | uniq -d >twice &&
	test_must_be_empty twice
'

test_expect_success 'no block left is an error, nothing created; prune frees it' '
	git init -q small && (cd small && test_commit one) &&
	p=$(free_port) &&
	git -C small config para.portRange "$p-$((p + 1))" &&
	git -C small config para.portsPerTask 2 &&
	(cd small && git para add -q a) &&
	(cd small && test_expect_code 128 git para add -q b 2>../err) &&
	test_grep "^fatal: no block of 2 free ports left in para.portRange $p-$((p + 1)) for task .b." err &&
	! test -e small/.git/para/tasks/b && ! test -e small-worktrees/b &&
	(cd small && git para prune a >/dev/null && git para add -q b) &&
	git -C small config -f .git/para/tasks/b --get-all task.port >got &&
	printf "%s\n" $p $((p + 1)) >expect &&
	test_cmp expect got
'

test_expect_success 'a bad para.portRange is fatal, nothing created' '
	(cd small && test_expect_code 128 git -c para.portRange=9-3 para add -q c 2>../err) &&
	test_grep "bad para.portRange value .9-3." err &&
	! test -e small/.git/para/tasks/c &&
	(cd small && test_expect_code 128 git -c para.portsPerTask=0 para add -q c 2>../err) &&
	test_grep "para.portsPerTask" err &&
	! test -e small/.git/para/tasks/c
'

test_expect_success 'without para.portRange: no ports, PARA_ID still set' '
	git -C small config --unset para.portRange &&
	(cd small && git para add -q --no-setup d &&
	 git para run -q d -- sh -c "echo \${PARA_PORT-unset} \$PARA_ID >\"\$TRASH_DIRECTORY/ran\"") &&
	echo "unset d" >expect && test_cmp expect ran &&
	! git -C small config -f .git/para/tasks/d task.port
'

test_expect_success 'disk use: recorded at add and after a run; prune -n the total' '
	git -C small config para.command "head -c 2000000 /dev/urandom >big.bin" &&
	(cd small && git para status --json d >../json) &&
	before=$(jq ".tasks[0].diskUse" json) &&
	test "$before" -gt 0 &&
	(cd small && git para run -q d) &&
	(cd small && git para status --json d >../json) &&
	after=$(jq ".tasks[0].diskUse" json) &&
	test "$after" -ge $((before + 1900000)) &&
	(cd small && git para status -v d >../out) &&
	test_grep "^    disk [0-9.]* MiB\$" out &&
	(cd small && git para prune -n -f d b >../out) &&
	test_grep "^Would free [0-9.]* MiB in all\$" out &&
	test -d small-worktrees/d
'

test_done
