#!/bin/sh
#
# What usage accounting costs the scheduler: git para run on 200 tasks
# of a small repository (on tmpfs), each command writing its PARA_RESULT,
# plain `-j2 --rerun` against `-j2 --rerun --budget 1000000usd
# --budget-stop --on-limit=wait` (each attempt's share computed, every
# running attempt's result read again while it runs, the results added
# up).  Both runs record the results; every tenth task runs after the
# one before it, so PARA_INPUTS is written too.  Runs interleaved,
# medians quoted; the extra time per task has a target of at most 0.2 ms.

TASKS=${TASKS:-200}
ROUNDS=${ROUNDS:-7}
T_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PARA_BUILD_DIR:-$T_DIR/../build}
PATH=$(cd "$BUILD/bin" && pwd):$PATH
export PATH
unset GIT_DIR GIT_WORK_TREE PARA_TEST_MEMINFO PARA_TEST_LOADAVG
GIT_CONFIG_NOSYSTEM=1 HOME=${TMPDIR:-/dev/shm}/para-perf-home.$$
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
git add . && git commit -q -m init &&
git config para.command 'printf "{\"costUsd\":0.001,\"tokensIn\":10,\"summary\":\"done\"}" >"$PARA_RESULT"' ||
exit 1
echo "creating $TASKS tasks..."
i=0
while test $i -lt $TASKS
do
	if test $((i % 10)) = 9
	then
		test_task t$i -a t$((i - 1)) >/dev/null 2>&1 || exit 1
	else
		test_task t$i >/dev/null 2>&1 || exit 1
	fi
	i=$((i + 1))
done
git para run -q -j2 >/dev/null || exit 1

now () { date +%s%N; }
ms () { echo $(( ($2 - $1) / 1000000 )); }

: >"$ROOT/extra"
r=0
while test $r -lt $ROUNDS
do
	a0=$(now); git para run -q -j2 --rerun || exit 1; a1=$(now)
	b0=$(now); git para run -q -j2 --rerun --budget 1000000usd --budget-stop \
		--on-limit=wait || exit 1; b1=$(now)
	a=$(ms $a0 $a1) b=$(ms $b0 $b1)
	echo "round $r: plain -j2 ${a}ms, with budgets ${b}ms"
	echo "$b $a $TASKS" | awk '{ printf "%.3f\n", ($1 - $2) / $3 }' >>"$ROOT/extra"
	r=$((r + 1))
done
median () { sort -n "$1" | awk '{ v[NR] = $1 } END { print v[int((NR + 1) / 2)] }'; }
echo "budgets - plain: $(median "$ROOT/extra") ms per task (target <= 0.2)"
