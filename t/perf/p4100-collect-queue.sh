#!/bin/sh
#
# git para collect --merge --verify, the merge queue:
#  1. verify runs for 16 and 64 tasks with 0, 1 and 2 culprits, batch
#     and halving against --one-by-one (N runs);
#  2. wall time of the queue for 16 tasks, one culprit, against a shell
#     loop that merges each task in a worktree and runs the tests after
#     each merge, undoing a merge that fails them.  Each verify run
#     costs PERF_TEST_SECONDS (default 0.2) on top of the work, like a
#     test suite would.  The two are interleaved; the median of the
#     ratios is printed.
#
#   t/perf/p4100-collect-queue.sh [<rounds>]    (default 3)
#
# Not part of `make test`.

set -e
ROUNDS=${1:-3}
: "${PERF_TEST_SECONDS:=0.2}"
T_DIR=$(cd "$(dirname "$0")/.." && pwd)
BIN=${PARA_BUILD_DIR:-$T_DIR/../build}/bin
BIN=$(cd "$BIN" && pwd)
PATH=$BIN:$PATH
export PATH PERF_TEST_SECONDS
for v in $(env | sed -n 's/^\(GIT_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
GIT_CONFIG_NOSYSTEM=1 HOME=/nonexistent
GIT_AUTHOR_NAME=A GIT_AUTHOR_EMAIL=a@example.com
GIT_COMMITTER_NAME=C GIT_COMMITTER_EMAIL=c@example.com
export GIT_CONFIG_NOSYSTEM HOME GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
	GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL

WORK=$(mktemp -d /dev/shm/p4100.XXXXXX)
test -n "$PERF_KEEP" || trap 'rm -rf "$WORK"' EXIT
cd "$WORK"
VERIFY_LOG=$WORK/verify.log
export VERIFY_LOG

# the tests: a fixed time, and a failure when a file holds the marker
cat >"$WORK/verify.sh" <<'SCRIPT'
echo run >>"$VERIFY_LOG"
sleep "$PERF_TEST_SECONDS"
! git grep -q BROKEN HEAD -- .
SCRIPT

git init -q -b main repo
cd repo
echo base >README
git add README
git commit -q -m base
git config para.verify "sh \"$WORK/verify.sh\""
common=$(git rev-parse --git-common-dir)

# task_commit <task> <path> <contents>: a commit on the task's branch,
# made without its worktree
task_commit () {
	tip=$(git rev-parse "solve/$1")
	GIT_INDEX_FILE=$WORK/index.tmp git read-tree "$tip"
	blob=$(printf '%s\n' "$3" | git hash-object -w --stdin)
	GIT_INDEX_FILE=$WORK/index.tmp git update-index --add \
		--cacheinfo "100644,$blob,$2"
	tree=$(GIT_INDEX_FILE=$WORK/index.tmp git write-tree)
	commit=$(echo "$1" | git commit-tree "$tree" -p "$tip")
	git update-ref "refs/heads/solve/$1" "$commit" "$tip"
}

echo "creating 64 good tasks and 2 culprits..." >&2
for t in $(seq 0 63 | sed 's/^/g/') b0 b1; do
	git para add -p "$t.txt" "$t" >/dev/null 2>&1
	case $t in
	b*) task_commit "$t" "$t.txt" "BROKEN by $t" ;;
	*) task_commit "$t" "$t.txt" "fine by $t" ;;
	esac
	git config -f "$common/para/tasks/$t" run.state succeeded
done

# names <n> <culprits>: n task names in merge order, the culprits at a
# third and two thirds of the way
names () {
	n=$1 k=$2 i=0 g=0
	while test $i -lt "$n"; do
		if test "$k" -ge 1 && test $i = $((n / 3)); then
			echo b0
		elif test "$k" -ge 2 && test $i = $((2 * n / 3)); then
			echo b1
		else
			echo "g$g"
			g=$((g + 1))
		fi
		i=$((i + 1))
	done
}

# queue <branch> [<option>...] -- <task>...: verify runs of one collect
queue () {
	branch=$1
	shift
	rm -rf "$common/para/cache/verify"
	git para collect --merge="$branch" --verify --json "$@" \
		>"$WORK/out.json" 2>/dev/null || :
	sed -n 's/.*"verifyRuns":\([0-9]*\).*/\1/p' "$WORK/out.json"
}

echo "verify runs (the bound for one culprit: 2 + ceil(log2 N)):"
printf "%-6s %-9s %-7s %-11s %s\n" tasks culprits queue one-by-one ratio
for n in 16 64; do
	for k in 0 1 2; do
		q=$(queue "int/q$n-$k" $(names $n $k))
		o=$(queue "int/o$n-$k" --one-by-one $(names $n $k))
		printf "%-6s %-9s %-7s %-11s %s\n" "$n" "$k" "$q" "$o" \
			"$(awk -v a="$q" -v b="$o" 'BEGIN { printf "%.3f", a / b }')"
	done
done

now_ms () {
	date +%s%N | cut -c1-13
}

# the baseline: merge and test one by one in a worktree of its own
git worktree add -q --detach "$WORK/loop" main
baseline () {
	git -C "$WORK/loop" checkout -q --detach main
	for t in $(names 16 1); do
		if ! git -C "$WORK/loop" merge -q --no-edit "solve/$t" >/dev/null 2>&1
		then
			git -C "$WORK/loop" merge --abort
			continue
		fi
		(cd "$WORK/loop" && sh "$WORK/verify.sh") ||
			git -C "$WORK/loop" reset -q --hard HEAD^
	done
}

echo "wall time, 16 tasks, one culprit, ${PERF_TEST_SECONDS}s per test run:"
r=0
: >"$WORK/ratios"
while test $r -lt "$ROUNDS"; do
	t0=$(now_ms)
	queue "int/wall-$r" $(names 16 1) >/dev/null
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
		printf "collect --merge --verify: %d ms, shell loop: %d ms (median round)\n", a[m], b[m]
		printf "ratio queue/loop: %.3f\n", ratio[m]
	}'
