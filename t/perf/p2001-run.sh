#!/bin/sh
#
# git para run on 200 tasks of a small repository (on tmpfs):
#   exec mode `git para run -j2 -- true` against
#   `xargs -P2 -I{} sh -c 'cd "{}" && exec true'` over the same worktrees
#   (ratio, target at most 0.65), and tracked runs (`para.command=true`,
#   state and logs written, each worktree's clean proof) against exec
#   mode (ratio, target at most 1.2; and the extra ms per task).  Runs
#   interleaved, medians quoted.  Also printed, to tell the runner's own
#   cost from the rest: exec mode without a cgroup per attempt (a fake
#   cgroup tree that makes none) and `xargs -P2 true` without the shell
#   (the least that starting 200 programs two at a time costs), each
#   against the same xargs baseline.

TASKS=${TASKS:-200}
PERF_ROUNDS=${ROUNDS:-7}
. "$(dirname "$0")/lib-perf.sh"

perf_run_repo $TASKS
ls -d "$PERF_ROOT"/repo-worktrees/* >"$PERF_ROOT/dirs"
git config para.command true

: >"$PERF_ROOT/ratio"; : >"$PERF_ROOT/tracked"; : >"$PERF_ROOT/extra"
: >"$PERF_ROOT/nocg"; : >"$PERF_ROOT/bare"
r=0
while test $r -lt $PERF_ROUNDS
do
	a=$(time_ns git para run -q -j2 -- true) &&
	b=$(time_ns sh -c 'xargs -P2 -I{} sh -c "cd \"{}\" && exec true" <"$1"' - "$PERF_ROOT/dirs") &&
	c=$(time_ns git para run -q -j2 --rerun) &&
	d=$(time_ns env PARA_TEST_CGROUP_ROOT="$PERF_ROOT/no-cgroups" \
		git para run -q -j2 -- true) &&
	e=$(time_ns sh -c 'xargs -P2 -I{} true <"$1"' - "$PERF_ROOT/dirs") ||
		exit 1
	echo "round $r: exec mode $((a / 1000000))ms, xargs $((b / 1000000))ms, tracked $((c / 1000000))ms, exec mode without cgroups $((d / 1000000))ms, bare xargs $((e / 1000000))ms"
	ratio $a $b >>"$PERF_ROOT/ratio"
	ratio $c $a >>"$PERF_ROOT/tracked"
	ratio $d $b >>"$PERF_ROOT/nocg"
	ratio $e $b >>"$PERF_ROOT/bare"
	echo "$c $a $TASKS" | awk '{ printf "%.3f\n", ($1 - $2) / $3 / 1e6 }' >>"$PERF_ROOT/extra"
	r=$((r + 1))
done
echo "exec mode / xargs -P2: $(median <"$PERF_ROOT/ratio") (target <= 0.65)"
echo "  without a cgroup per attempt: $(median <"$PERF_ROOT/nocg")"
echo "  xargs -P2 true, no shell (the floor): $(median <"$PERF_ROOT/bare")"
echo "tracked / exec mode: $(median <"$PERF_ROOT/tracked") (target <= 1.2)"
echo "tracked - exec mode: $(median <"$PERF_ROOT/extra") ms per task"
