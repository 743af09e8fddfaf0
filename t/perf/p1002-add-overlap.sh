#!/bin/bash
# The overlap check of git para add against 200 tasks of 10 patterns:
# `git para add --dry-run` of one more task versus `git worktree list`
# over the same worktrees (target <= 2).
. "$(dirname "$0")/lib-perf.sh"

repo=$PERF_ROOT/small
git init -q "$repo" && cd "$repo" || exit 1
echo hello >README && git add README && git commit -q -m initial
echo "creating 200 tasks of 10 patterns each ..."
for t in $(seq 200); do
	args=
	for p in $(seq 0 9); do
		case $p in
		0) args="$args -p mod$t/src" ;;
		1) args="$args -p mod$t/lib/*.c" ;;
		2) args="$args -p mod$t/test/**/t_*.sh" ;;
		3) args="$args -p mod$t/doc/[a-m]*" ;;
		*) args="$args -p mod$t/part$p/**" ;;
		esac
	done
	git para add -q $args "task$t" || exit 1
done
new="-p modx/src -p modx/lib/*.c -p modx/test/**/t_*.sh -p modx/doc/[a-m]*
-p modx/part4/** -p modx/part5/** -p mod1x/** -p mod2x/* -p m?dz/** -p other/**"

ratios=
for i in $(seq $((PERF_ROUNDS * 2))); do
	a=$(time_ns git para add --dry-run $new extra)
	b=$(time_ns git worktree list)
	ratios="$ratios$(ratio "$a" "$b")
"
	printf 'round %d: para add --dry-run %s, git worktree list %s\n' \
		"$i" "$(ms "$a")" "$(ms "$b")"
done
echo "ratio para add --dry-run / git worktree list: $(echo "$ratios" | grep . | median) (target <= 2)"
