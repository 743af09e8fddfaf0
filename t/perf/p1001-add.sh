#!/bin/bash
# git para add against git worktree add, on a 100,000-file repository:
#   - add versus `git worktree add -b` of the same base   (target <= 1.10)
#   - add --sparse of a 1% domain versus a full add        (target <= 0.15)
#     (a directory domain, m07: cone mode with a sparse index)
#   - the same with a wildcard domain of the same size     (target <= 0.10)
#     (m08/d[0-4]?, 50 directories: expanded against the base tree into
#     those directories, so cone mode and the sparse index apply too)
. "$(dirname "$0")/lib-perf.sh"

repo=$PERF_ROOT/big
echo "generating 100,000 files in 5,000 directories under $PERF_ROOT ..."
make_big_repo "$repo" 100 50 20 || exit 1
cd "$repo" || exit 1
base=$(git rev-parse HEAD)

ratios_add=
ratios_sparse=
ratios_glob=
for i in $(seq "$PERF_ROUNDS"); do
	a=$(time_ns git para add -q "p$i")
	b=$(time_ns git worktree add -q -b "w$i" "../big-worktrees/w$i" "$base")
	c=$(time_ns git para add -q --sparse -p m07 "s$i")
	d=$(time_ns git para add -q --sparse -p 'm08/d[0-4]?' "g$i")
	ratios_add="$ratios_add$(ratio "$a" "$b")
"
	ratios_sparse="$ratios_sparse$(ratio "$c" "$b")
"
	ratios_glob="$ratios_glob$(ratio "$d" "$b")
"
	printf 'round %d: para add %s, worktree add %s, --sparse %s, --sparse glob %s\n' \
		"$i" "$(ms "$a")" "$(ms "$b")" "$(ms "$c")" "$(ms "$d")"
	test "$i" = 1 &&
		echo "sparse worktree: $(find "../big-worktrees/s$i" -type f -not -path '*/.git' | wc -l) files checked out"
	git para prune --force "p$i" "s$i" "g$i" >/dev/null
	git worktree remove --force "../big-worktrees/w$i"
	git branch -q -D "w$i"
done
echo "ratio para add / git worktree add:          $(echo "$ratios_add" | grep . | median) (target <= 1.10)"
echo "ratio para add --sparse / git worktree add: $(echo "$ratios_sparse" | grep . | median) (target <= 0.15)"
echo "ratio para add --sparse (wildcard domain):   $(echo "$ratios_glob" | grep . | median) (target <= 0.10)"
