#!/bin/sh

test_description='git para add --mem and --cpus; git para run admits by declared memory'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

SQ="'"

meminfo () {
	printf "MemTotal: 25165824 kB\nMemAvailable: %s kB\n" "$1" >"$HOME/meminfo"
}

state_is () {
	test "$(test_state "$1")" = "$2"
}

test_expect_success 'setup' '
	test_create_repo repo &&
	PARA_TEST_MEMINFO=$HOME/meminfo &&
	export PARA_TEST_MEMINFO &&
	meminfo 4194304
'

test_expect_success 'add records --mem and --cpus; --dry-run shows them' '
	(
		cd repo &&
		git para add -n --mem 1.5G --cpus 2 big >../out &&
		test_no_task big &&
		mkdir -p sub && cd sub &&
		git para add -q --mem 1536M --cpus 2 big &&
		cd .. &&
		test_state big task.mem >../mem &&
		test_state big task.cpus >../cpus &&
		git para status --json big >../json
	) &&
	test_grep "^  mem:      1.5G\$" out &&
	test_grep "^  cpus:     2\$" out &&
	echo 1610612736 >expect && test_cmp expect mem &&
	echo 2 >expect && test_cmp expect cpus &&
	test_grep "\"mem\":1610612736,\"cpus\":2" json
'

test_expect_success 'bad --mem and --cpus are fatal and create nothing' '
	(
		cd repo &&
		test_expect_code 128 git para add --mem lots bad 2>../err &&
		echo "fatal: invalid size ${SQ}lots${SQ} for ${SQ}--mem${SQ}: expected e.g. 512M or 2G" >../expect &&
		test_cmp ../expect ../err &&
		test_expect_code 128 git para add --mem 0 bad 2>../err &&
		test_grep "invalid size ${SQ}0${SQ} for ${SQ}--mem${SQ}" ../err &&
		for n in 0 -1 1.5 4097 two
		do
			test_expect_code 128 git para add --cpus $n bad 2>../err &&
			echo "fatal: invalid number of CPUs ${SQ}$n${SQ} for ${SQ}--cpus${SQ}: expected a whole number from 1 to 4096" >../expect &&
			test_cmp ../expect ../err || return 1
		done &&
		test_no_task bad &&
		test_must_fail git rev-parse --verify -q solve/bad
	)
'

test_expect_success 'a manifest declares mem and cpus; bad values name the line' '
	cat >ok.ini <<-\EOF &&
	[m1]
	mem = 256M
	cpus = 1

	[m2]
	prompt = nothing declared
	EOF
	cat >bad.ini <<-\EOF &&
	[m3]
	prompt = x
	mem = much
	EOF
	cat >badcpus.ini <<-\EOF &&
	[m4]
	cpus = 0
	EOF
	(
		cd repo &&
		git para add -q --from ../ok.ini &&
		test_state m1 task.mem >../mem &&
		test_state m1 task.cpus >>../mem &&
		test "$(test_state m2 task.mem)" = 0 &&
		test_expect_code 128 git para add --from ../bad.ini 2>../err &&
		test_grep "bad.ini:3: invalid value ${SQ}much${SQ} for ${SQ}mem${SQ} in section ${SQ}m3${SQ} (expected a size such as 512M or 2G)" ../err &&
		test_expect_code 128 git para add --from ../badcpus.ini 2>../err2 &&
		test_grep "badcpus.ini:2: invalid value ${SQ}0${SQ} for ${SQ}cpus${SQ}" ../err2 &&
		test_no_task m3 && test_no_task m4
	) &&
	printf "268435456\n1\n" >expect && test_cmp expect mem
'

test_expect_success 'the command gets PARA_MEM and PARA_CPUS, empty when not declared' '
	(
		cd repo &&
		git config para.command "echo \"\$PARA_TASK mem=\$PARA_MEM cpus=\$PARA_CPUS\" >>\"\$HOME/env\"; date >work" &&
		git para run -j1 big m1 m2 >../out
	) &&
	cat >expect <<-\EOF &&
	big mem=1536M cpus=2
	m1 mem=256M cpus=1
	m2 mem= cpus=
	EOF
	test_cmp expect env
'

test_expect_success 'a launcher passes them on' '
	cat >srun <<-\EOF &&
	#!/bin/sh
	echo "srun $*" >>"$HOME/srun.args"
	while test "$1" != "--"; do shift; done
	shift
	exec "$@"
	EOF
	chmod +x srun &&
	(
		cd repo &&
		git -c para.launcher="\"\$HOME/srun\" --mem=\$PARA_MEM --cpus-per-task=\$PARA_CPUS --" \
			para run --rerun big >../out
	) &&
	test_grep "^srun --mem=1536M --cpus-per-task=2 -- /bin/sh -c" srun.args
'

test_expect_success 'tasks start while their declared memory fits' '
	(
		cd repo &&
		for t in w1 w2 w3
		do
			git para add -q --mem 1G --command "date >work; touch \"\$HOME/in-\$PARA_TASK\"; while ! test -e \"\$HOME/go\"; do sleep 0.05; done" $t || return 1
		done &&
		# 2.5G available, 0.5G kept free: two fit, the third waits
		meminfo 2621440 &&
		{ git para run -j3 --memfree 512M w1 w2 w3 >../out 2>../err & } &&
		echo $! >../pid &&
		test_wait_for 10 test -e ../in-w1 &&
		test_wait_for 10 test -e ../in-w2 &&
		sleep 0.5 &&
		test_path_is_missing ../in-w3 &&
		test_state w3 >../state &&
		touch ../go &&
		{ wait $(cat ../pid); echo $? >../code; }
	) &&
	echo queued >expect && test_cmp expect state &&
	echo 0 >expect && test_cmp expect code &&
	test_path_is_file in-w3 &&
	test_grep "^3 succeeded" out
'

test_expect_success 'a task that does not fit even alone runs alone' '
	(
		cd repo &&
		git para add -q --mem 8G --command "echo huge-start >>\"\$HOME/order\"; date >work; sleep 0.3; echo huge-end >>\"\$HOME/order\"" huge &&
		git para add -q --mem 1G --command "echo small >>\"\$HOME/order\"; date >work" small &&
		meminfo 2097152 &&
		git para run -j2 huge small >../out
	) &&
	printf "huge-start\nhuge-end\nsmall\n" >expect &&
	test_cmp expect order &&
	test_grep "^2 succeeded" out
'

test_done
