#!/bin/sh
#
# git para run on 200 tasks of a small repository (on tmpfs):
#   exec mode `git para run -j2 -- true` against
#   `xargs -P2 -I{} sh -c 'cd "{}" && exec true'` over the same worktrees
#   (ratio, target at most 1.0), and tracked runs (`para.command=true`,
#   state and logs written) against exec mode (extra ms per task, target
#   at most 2).  Runs interleaved, medians quoted.

TASKS=${TASKS:-200}
ROUNDS=${ROUNDS:-7}
T_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PARA_BUILD_DIR:-$T_DIR/../build}
PATH=$(cd "$BUILD/bin" && pwd):$PATH
export PATH
unset GIT_DIR GIT_WORK_TREE
GIT_CONFIG_NOSYSTEM=1 HOME=${TMPDIR:-/dev/shm}/para-perf-home
export GIT_CONFIG_NOSYSTEM HOME
ROOT=$(mktemp -d /dev/shm/para-perf.XXXXXX) || exit 1
trap 'test -n "$KEEP" || rm -rf "$ROOT" "$HOME"' EXIT
mkdir -p "$HOME" &&
git config --global user.name Perf &&
git config --global user.email perf@example.com || exit 1

. "$T_DIR/lib-para.sh"
. "$T_DIR/lib-run.sh"

cd "$ROOT" &&
git init -q repo && cd repo &&
for i in 1 2 3 4 5 6 7 8 9 10; do echo $i >f$i; done &&
git add . && git commit -q -m init || exit 1
echo "creating $TASKS tasks..."
i=0
while test $i -lt $TASKS
do
	test_task t$i >/dev/null 2>&1 || exit 1
	i=$((i + 1))
done
ls -d "$ROOT"/repo-worktrees/* >"$ROOT/dirs"
git config para.command true

now () { date +%s%N; }
ms () { echo $(( ($2 - $1) / 1000000 )); }

: >"$ROOT/ratio"; : >"$ROOT/extra"
r=0
while test $r -lt $ROUNDS
do
	a0=$(now); git para run -q -j2 -- true || exit 1; a1=$(now)
	b0=$(now); xargs -P2 -I{} sh -c 'cd "{}" && exec true' <"$ROOT/dirs"; b1=$(now)
	c0=$(now); git para run -q -j2 --rerun || exit 1; c1=$(now)
	a=$(ms $a0 $a1) b=$(ms $b0 $b1) c=$(ms $c0 $c1)
	echo "round $r: exec mode ${a}ms, xargs ${b}ms, tracked ${c}ms"
	echo "$a $b" | awk '{ printf "%.3f\n", $1 / $2 }' >>"$ROOT/ratio"
	echo "$c $a $TASKS" | awk '{ printf "%.3f\n", ($1 - $2) / $3 }' >>"$ROOT/extra"
	r=$((r + 1))
done
median () { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "exec mode / xargs -P2: $(median "$ROOT/ratio") (target <= 1.0)"
echo "tracked - exec mode: $(median "$ROOT/extra") ms per task (target <= 2)"
