#!/bin/sh
#
# What all of issue 14 costs the scheduler: git para run on 200 tasks of
# a small repository (on tmpfs), each declaring --mem and --cpus and
# writing its PARA_RESULT.  Three runs, interleaved, medians quoted:
#  A. plain `-j2 --rerun`, without cgroups;
#  B. `-j2 --rerun --memfree 1M --load 100000 --budget 1000000usd
#     --budget-stop --on-limit=wait`, without cgroups: admission before
#     every start, each attempt's share computed, every running
#     attempt's result read again while it runs, the results added up;
#  C. B with each attempt in a cgroup of its own with its limits, where
#     this machine allows it (a cgroup made, limited, filled, emptied
#     and removed per attempt).
# Both record the results; every tenth task runs after the one before
# it, so PARA_INPUTS is written too.  B - A is the scheduler's own
# cost, with a target of at most 0.2 ms per task; C - B is what the
# kernel takes to make, limit and remove a cgroup on each hierarchy the
# machine has (unified, and v1 memory and cpu where they are apart) and
# to start a process in it, quoted with no target.

TASKS=${TASKS:-200}
PERF_ROUNDS=${ROUNDS:-7}
. "$(dirname "$0")/lib-perf.sh"

perf_run_repo $TASKS 10
i=0
while test $i -lt $TASKS
do
	git config -f "$(para_state_file t$i)" task.mem 268435456 &&
	git config -f "$(para_state_file t$i)" task.cpus 1 || exit 1
	i=$((i + 1))
done
git config para.command 'printf "{\"costUsd\":0.001,\"tokensIn\":10,\"summary\":\"done\"}" >"$PARA_RESULT"' &&
git para run -q -j2 >/dev/null 2>&1 || exit 1

if git para run -q -j2 --rerun t0 2>&1 | grep "not enforced"
then
	echo "(so C makes no cgroups: the cgroups' part is not measured here)"
fi
NOCG=$PERF_ROOT/no-cgroups
FLAGS="--memfree 1M --load 100000 --budget 1000000usd --budget-stop --on-limit=wait"
run_a () {
	PARA_TEST_CGROUP_ROOT=$NOCG git para run -q -j2 --rerun
}
run_b () {
	PARA_TEST_CGROUP_ROOT=$NOCG git para run -q -j2 --rerun $FLAGS
}
run_c () {
	git para run -q -j2 --rerun $FLAGS
}
: >"$PERF_ROOT/sched"; : >"$PERF_ROOT/cgroups"; : >"$PERF_ROOT/all"
r=0
while test $r -lt "$PERF_ROUNDS"
do
	a=$(time_ns run_a) && b=$(time_ns run_b) && c=$(time_ns run_c) ||
		exit 1
	echo "round $r: plain $((a / 1000000))ms, all of it without cgroups $((b / 1000000))ms, with them $((c / 1000000))ms"
	for pair in "$b $a sched" "$c $b cgroups" "$c $a all"
	do
		set -- $pair
		awk -v x="$1" -v y="$2" -v n=$TASKS \
			'BEGIN { printf "%.3f\n", (x - y) / n / 1e6 }' >>"$PERF_ROOT/$3"
	done
	r=$((r + 1))
done
echo "the scheduler's part (B - A): $(median <"$PERF_ROOT/sched") ms per task (target <= 0.2)"
echo "the cgroups' part (C - B): $(median <"$PERF_ROOT/cgroups") ms per task"
echo "all of issue 14 (C - A): $(median <"$PERF_ROOT/all") ms per task"
