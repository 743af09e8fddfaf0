#!/bin/sh
#
# What admission costs the scheduler: git para run on 200 tasks of a
# small repository (on tmpfs), each declaring its memory, in exec mode
# (`-- true`), plain `-j2` against `-j2 --memfree 1M --load 100000`
# (MemAvailable and the load read before every start, the declared
# memory summed).  Runs interleaved, medians quoted; the extra time per
# task has a target of at most 0.2 ms.  --delay is left out: it adds its
# own wait by design.  Cgroups are out of both (see p2003).

TASKS=${TASKS:-200}
PERF_ROUNDS=${ROUNDS:-7}
. "$(dirname "$0")/lib-perf.sh"

perf_run_repo $TASKS
i=0
while test $i -lt $TASKS
do
	git config -f "$(para_state_file t$i)" task.mem 1048576 || exit 1
	i=$((i + 1))
done

# no cgroup for either: the limits are then "not enforced" (said once)
PARA_TEST_CGROUP_ROOT=$PERF_ROOT/no-cgroups
export PARA_TEST_CGROUP_ROOT
run_a () { git para run -q -j2 -- true; }
run_b () { git para run -q -j2 --memfree 1M --load 100000 -- true; }
: >"$PERF_ROOT/extra"
perf_per_task "$PERF_ROOT/extra" $TASKS "plain -j2" "with admission"
echo "admission - plain: $(median <"$PERF_ROOT/extra") ms per task (target <= 0.2)"
