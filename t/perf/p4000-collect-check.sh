#!/bin/sh
#
# git para collect --check on 16 succeeded tasks in a 100,000-file
# repository, two pairs of them really conflicting, against the baseline:
# a shell loop running `git merge-tree --write-tree` over all 120 pairs.
# Runs on /dev/shm, the two interleaved; prints the median of the ratios.
#
#   t/perf/p4000-collect-check.sh [<rounds>]    (default 7)
#
# Not part of `make test`.

set -e
ROUNDS=${1:-7}
TASKS=16
T_DIR=$(cd "$(dirname "$0")/.." && pwd)
BIN=${PARA_BUILD_DIR:-$T_DIR/../build}/bin
BIN=$(cd "$BIN" && pwd)
PATH=$BIN:$PATH
export PATH
for v in $(env | sed -n 's/^\(GIT_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
GIT_CONFIG_NOSYSTEM=1 HOME=/nonexistent
GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@example.com
GIT_COMMITTER_NAME=C GIT_COMMITTER_EMAIL=c@example.com
export GIT_CONFIG_NOSYSTEM HOME GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
	GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL

WORK=$(mktemp -d /dev/shm/p4000.XXXXXX)
test -n "$PERF_KEEP" || trap 'rm -rf "$WORK"' EXIT
cd "$WORK"

echo "generating 100,000 files in 5,000 directories..." >&2
git init -q -b main repo
cd repo
awk 'BEGIN {
	print "commit refs/heads/main"
	print "committer C <c@example.com> 1700000000 +0000"
	print "data 7"; print "initial"
	for (d = 0; d < 5000; d++)
		for (f = 0; f < 20; f++) {
			s = sprintf("file %d of dir %d\n", f, d)
			printf "M 100644 inline d%04d/f%02d.txt\ndata %d\n%s\n", d, f, length(s), s
		}
	for (c = 1; c <= 2; c++) {
		s = "1\n2\n3\n"
		printf "M 100644 inline top/c%d.txt\ndata %d\n%s\n", c, length(s), s
	}
}' | git fast-import --quiet
git sparse-checkout set --cone top >/dev/null 2>&1
git checkout -q main

# task_commit <task> <path> <contents>...: a commit on the task's branch,
# made without its worktree
task_commit () {
	task=$1
	shift
	tip=$(git rev-parse "solve/$task")
	GIT_INDEX_FILE=$WORK/index.tmp git read-tree "$tip"
	while test $# -gt 0; do
		blob=$(printf '%s\n' "$2" | git hash-object -w --stdin)
		GIT_INDEX_FILE=$WORK/index.tmp git update-index --add \
			--cacheinfo "100644,$blob,$1"
		shift 2
	done
	tree=$(GIT_INDEX_FILE=$WORK/index.tmp git write-tree)
	commit=$(echo "$task" | git commit-tree "$tree" -p "$tip")
	git update-ref "refs/heads/solve/$task" "$commit" "$tip"
}

echo "creating $TASKS tasks..." >&2
common=$(git rev-parse --git-common-dir)
i=0
while test $i -lt $TASKS; do
	d=$(printf 'd%04d' $((i * 300)))
	git para add -q --sparse -p "$d" "t$i" >/dev/null 2>&1 ||
		git para add --sparse -p "$d" "t$i" >/dev/null
	task_commit "t$i" "$d/f00.txt" "changed by t$i" "$d/new.txt" "new in t$i"
	git config -f "$common/para/tasks/t$i" run.state succeeded
	i=$((i + 1))
done
task_commit t0 top/c1.txt "1
two from t0
3"
task_commit t1 top/c1.txt "1
two from t1
3"
task_commit t2 top/c2.txt "1
two from t2
3"
task_commit t3 top/c2.txt "1
two from t3
3"

branches=$(i=0; while test $i -lt $TASKS; do echo "solve/t$i"; i=$((i + 1)); done)

baseline () {
	set -- $branches
	for a in "$@"; do
		shift
		for b in "$@"; do
			git merge-tree --write-tree "$a" "$b" >/dev/null || :
		done
	done
}

now_ms () {
	date +%s%N | cut -c1-13
}

# sanity: the check finds exactly the two conflicting pairs
git para collect --check >"$WORK/report" || :
test "$(grep -c '^conflict:' "$WORK/report")" = 2 || {
	cat "$WORK/report" >&2
	echo "unexpected report" >&2
	exit 1
}
tail -n1 "$WORK/report" >&2

r=0
: >"$WORK/ratios"
while test $r -lt "$ROUNDS"; do
	t0=$(now_ms)
	git para collect --check >/dev/null || :
	t1=$(now_ms)
	baseline
	t2=$(now_ms)
	echo "$((t1 - t0)) $((t2 - t1))" |
		awk '{ printf "%.3f %d %d\n", $1 / $2, $1, $2 }' >>"$WORK/ratios"
	r=$((r + 1))
done
sort -n "$WORK/ratios" | awk -v n="$ROUNDS" '
	{ ratio[NR] = $1; a[NR] = $2; b[NR] = $3 }
	END {
		m = int((n + 1) / 2)
		printf "collect --check: %d ms, 120 merge-trees: %d ms (median round)\n", a[m], b[m]
		printf "ratio collect/baseline: %.3f (target <= 0.3)\n", ratio[m]
	}'
