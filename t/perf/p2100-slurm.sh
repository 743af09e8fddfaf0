#!/bin/sh
#
# 50 tasks of `true` on a one-node Slurm cluster (contrib/slurm/one-node.sh,
# brought up here and torn down at the end; needs root), the same -j for
# all three, interleaved, medians quoted:
#   A  the batch backend: `git para run --backend slurm -j2 -- true`
#   B  Slurm's own: a shell loop of `sbatch --wait` over the same
#      worktrees, two at a time (`xargs -P2`)
#   C  the srun launcher: `git para run -j2 -- true` under
#      para.launcher='srun --ntasks=1 --quiet --'
# It prints A/B, A/C and the latency A adds per task over Slurm's own,
# ((A - B) * j / tasks: each of the j slots runs tasks/j of them in turn).

TASKS=${TASKS:-50}
JOBS=${JOBS:-2}
ROUNDS=${ROUNDS:-3}
T_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PARA_BUILD_DIR:-$T_DIR/../build}
ONE_NODE=$T_DIR/../contrib/slurm/one-node.sh
PATH=$(cd "$BUILD/bin" && pwd):$PATH
export PATH
unset GIT_DIR GIT_WORK_TREE
GIT_CONFIG_NOSYSTEM=1 HOME=${TMPDIR:-/dev/shm}/para-perf-home
export GIT_CONFIG_NOSYSTEM HOME
# the cluster's state lives outside tmpfs-less paths with no white space
SLURM_DIR=$(mktemp -u /tmp/para-perf-slurm.XXXXXX)
ROOT=$(mktemp -d /tmp/para-perf.XXXXXX) || exit 1
trap '"$ONE_NODE" stop "$SLURM_DIR" >/dev/null 2>&1; test -n "$KEEP" || rm -rf "$ROOT" "$HOME"' EXIT
trap 'exit 1' INT TERM
mkdir -p "$HOME" &&
git config --global user.name Perf &&
git config --global user.email perf@example.com || exit 1

echo "bringing up the one-node cluster..."
PARA_SLURM_OWNER=$$ "$ONE_NODE" start "$SLURM_DIR" || exit 1
eval "$("$ONE_NODE" env "$SLURM_DIR")"

. "$T_DIR/lib-para.sh"
. "$T_DIR/lib-run.sh"

# the worktrees must be where the node sees them: here, the same machine
cd "$ROOT" &&
git init -q repo && cd repo &&
echo x >f && git add . && git commit -q -m init || exit 1
echo "creating $TASKS tasks..."
i=0
while test $i -lt $TASKS
do
	test_task t$i >/dev/null 2>&1 || exit 1
	i=$((i + 1))
done
ls -d "$ROOT"/repo-worktrees/* >"$ROOT/dirs"

now () { date +%s%N; }
ms () { echo $(( ($2 - $1) / 1000000 )); }

: >"$ROOT/ab"; : >"$ROOT/ac"; : >"$ROOT/added"
r=0
while test $r -lt $ROUNDS
do
	a0=$(now)
	git para run -q --backend slurm -j$JOBS -- true || exit 1
	a1=$(now)
	xargs -P$JOBS -I{} sbatch --wait --quiet --chdir={} \
		--output=/dev/null --wrap=true <"$ROOT/dirs" || exit 1
	b1=$(now)
	git -c para.launcher="srun --ntasks=1 --quiet --" \
		para run -q -j$JOBS -- true || exit 1
	c1=$(now)
	a=$(ms $a0 $a1) b=$(ms $a1 $b1) c=$(ms $b1 $c1)
	echo "round $r: batch backend ${a}ms, sbatch --wait ${b}ms, srun launcher ${c}ms"
	echo "$a $b" | awk '{ printf "%.3f\n", $1 / $2 }' >>"$ROOT/ab"
	echo "$a $c" | awk '{ printf "%.3f\n", $1 / $2 }' >>"$ROOT/ac"
	echo "$a $b $JOBS $TASKS" |
		awk '{ printf "%.1f\n", ($1 - $2) * $3 / $4 }' >>"$ROOT/added"
	r=$((r + 1))
done
median () { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "batch backend / sbatch --wait loop: $(median "$ROOT/ab")"
echo "batch backend / srun launcher: $(median "$ROOT/ac")"
echo "added latency per task over sbatch --wait: $(median "$ROOT/added") ms"
