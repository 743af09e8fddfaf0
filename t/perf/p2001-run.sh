#!/bin/sh
#
# git para run on 200 tasks of a small repository (on tmpfs):
#   exec mode `git para run -j2 -- true` against
#   `xargs -P2 -I{} sh -c 'cd "{}" && exec true'` over the same worktrees
#   (ratio, target at most 0.65), and tracked runs (`para.command=true`,
#   state and logs written, each worktree's clean proof) against exec
#   mode (ratio, target at most 1.2; and the extra ms per task).  Runs
#   interleaved, medians quoted.

TASKS=${TASKS:-200}
PERF_ROUNDS=${ROUNDS:-7}
. "$(dirname "$0")/lib-perf.sh"

perf_run_repo $TASKS
ls -d "$PERF_ROOT"/repo-worktrees/* >"$PERF_ROOT/dirs"
git config para.command true

: >"$PERF_ROOT/ratio"; : >"$PERF_ROOT/tracked"; : >"$PERF_ROOT/extra"
r=0
while test $r -lt $PERF_ROUNDS
do
	a=$(time_ns git para run -q -j2 -- true) &&
	b=$(time_ns sh -c 'xargs -P2 -I{} sh -c "cd \"{}\" && exec true" <"$1"' - "$PERF_ROOT/dirs") &&
	c=$(time_ns git para run -q -j2 --rerun) || exit 1
	echo "round $r: exec mode $((a / 1000000))ms, xargs $((b / 1000000))ms, tracked $((c / 1000000))ms"
	ratio $a $b >>"$PERF_ROOT/ratio"
	ratio $c $a >>"$PERF_ROOT/tracked"
	echo "$c $a $TASKS" | awk '{ printf "%.3f\n", ($1 - $2) / $3 / 1e6 }' >>"$PERF_ROOT/extra"
	r=$((r + 1))
done
echo "exec mode / xargs -P2: $(median <"$PERF_ROOT/ratio") (target <= 0.65)"
echo "tracked / exec mode: $(median <"$PERF_ROOT/tracked") (target <= 1.2)"
echo "tracked - exec mode: $(median <"$PERF_ROOT/extra") ms per task"
