#!/bin/sh
#
# Benchmarks of `git para status` (not part of `make test`).
#
#   1. 16 task worktrees of a generated 100,000-file repository, some
#      with uncommitted changes: `git para status` against the loop
#      `for w in ...; do git -C "$w" status --short; done`.
#      Target: at most 0.5.
#   2. 200 tasks of a small repository: `git para status --json` against
#      `git worktree list`.  Target: at most 3.
#
# The commands are interleaved (A B A B ...) on /dev/shm and the median
# of the ratios is printed.  Environment: PERF_FILES (100000),
# PERF_WORKTREES (16), PERF_TASKS (200), PERF_ROUNDS (7), PERF_DIR.

set -e
T_DIR=$(cd "$(dirname "$0")/.." && pwd)
BUILD=${PARA_BUILD_DIR:-$T_DIR/../build}
PATH=$(cd "$BUILD/bin" && pwd):$PATH
export PATH
FILES=${PERF_FILES:-100000}
WORKTREES=${PERF_WORKTREES:-16}
TASKS=${PERF_TASKS:-200}
ROUNDS=${PERF_ROUNDS:-7}
ROOT=${PERF_DIR:-/dev/shm/git-para-perf.$$}

for v in $(env | sed -n 's/^\(GIT_[A-Z_]*\)=.*/\1/p'); do unset "$v"; done
GIT_CONFIG_NOSYSTEM=1
GIT_AUTHOR_NAME=perf GIT_AUTHOR_EMAIL=perf@example.com
GIT_COMMITTER_NAME=perf GIT_COMMITTER_EMAIL=perf@example.com
HOME=$ROOT
export GIT_CONFIG_NOSYSTEM GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
	GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL HOME

mkdir -p "$ROOT"
trap 'rm -rf "$ROOT"' EXIT

now_ns () { date +%s%N; }

# record_task <repo> <name> <worktree> [<pattern>]: a state file as add writes
record_task () {
	f="$1/.git/para/tasks/$2"
	mkdir -p "$(dirname "$f")"
	base=$(git -C "$1" rev-parse HEAD)
	{
		printf '[para]\n\tversion = 1\n[task]\n\tname = "%s"\n' "$2"
		printf '\tbranch = "solve/%s"\n\tworktree = "%s"\n' "$2" "$3"
		printf '\tbase = "%s"\n\tbaseRef = "main"\n' "$base"
		test -z "$4" || printf '\tpath = "%s"\n' "$4"
		printf '\tcreated = 1700000000000\n[run]\n\tstate = new\n'
		printf '\texitCode = -1\n\tslot = -1\n[end]\n\tcomplete = true\n'
	} >"$f"
}

# generate <dir> <files>: one commit of <files> files, 20 a directory
generate () {
	git init -q -b main "$1"
	python3 - "$2" <<-\PY | git -C "$1" fast-import --quiet
	import sys
	n = int(sys.argv[1])
	out = sys.stdout
	out.write("blob\nmark :1\ndata 5\nfile\n")
	out.write("commit refs/heads/main\ncommitter perf <perf@example.com> 1700000000 +0000\ndata 4\ngen\n")
	for i in range(n):
	    out.write("M 100644 :1 d%04d/f%02d.c\n" % (i // 20, i % 20))
	out.write("\n")
	PY
	git -C "$1" reset -q --hard
}

# median of the numbers on stdin
median () { sort -n | awk '{ a[NR] = $1 } END { print a[int((NR + 1) / 2)] }'; }

# bench <label> <target> <cmd-a> <cmd-b>: interleaved runs, median ratio a/b
bench () {
	label=$1 target=$2 a=$3 b=$4
	sh -c "$a" >/dev/null 2>&1; sh -c "$b" >/dev/null 2>&1  # warm up
	: >"$ROOT/ratios"; : >"$ROOT/ta"; : >"$ROOT/tb"
	r=0
	while test $r -lt "$ROOT_ROUNDS"; do
		t0=$(now_ns); sh -c "$a" >/dev/null 2>&1; t1=$(now_ns)
		sh -c "$b" >/dev/null 2>&1; t2=$(now_ns)
		echo $(( (t1 - t0) / 1000 )) >>"$ROOT/ta"
		echo $(( (t2 - t1) / 1000 )) >>"$ROOT/tb"
		awk -v x=$((t1 - t0)) -v y=$((t2 - t1)) 'BEGIN { printf "%.3f\n", x / y }' >>"$ROOT/ratios"
		r=$((r + 1))
	done
	printf '%-58s %8s ms %8s ms  ratio %s (target <= %s)\n' "$label" \
		"$(median <"$ROOT/ta" | awk '{ printf "%.1f", $1 / 1000 }')" \
		"$(median <"$ROOT/tb" | awk '{ printf "%.1f", $1 / 1000 }')" \
		"$(median <"$ROOT/ratios")" "$target"
}
ROOT_ROUNDS=$ROUNDS

echo "# large: $FILES files, $WORKTREES task worktrees, in $ROOT"
generate "$ROOT/large" "$FILES"
WTS=
i=0
while test $i -lt "$WORKTREES"; do
	name=t$i
	wt=$ROOT/large-worktrees/$name
	git -C "$ROOT/large" worktree add -q -b "solve/$name" "$wt" main
	record_task "$ROOT/large" "$name" "$wt" "d$(printf %04d $i)"
	case $((i % 4)) in
	0) echo change >>"$wt/d0000/f00.c"; echo new >"$wt/untracked-$i" ;;
	1) echo commit >"$wt/d$(printf %04d $i)/f00.c"
	   git -C "$wt" commit -q -am "work $i" ;;
	esac
	WTS="$WTS $wt"
	i=$((i + 1))
done
bench "git para status vs a loop of git status --short" 0.5 \
	"cd $ROOT/large && git para status" \
	"for w in $WTS; do git -C \"\$w\" status --short; done"

echo "# small: $TASKS tasks"
git init -q -b main "$ROOT/small"
(cd "$ROOT/small" && mkdir src && for f in a b c d e f g h; do echo $f >src/$f.c; done &&
	git add . && git commit -q -m init)
i=0
while test $i -lt "$TASKS"; do
	wt=$ROOT/small-worktrees/s$i
	git -C "$ROOT/small" worktree add -q -b "solve/s$i" "$wt" main
	record_task "$ROOT/small" "s$i" "$wt" "src/$i"
	i=$((i + 1))
done
bench "git para status --json ($TASKS tasks) vs git worktree list" 3 \
	"cd $ROOT/small && git para status --json" \
	"cd $ROOT/small && git worktree list"
