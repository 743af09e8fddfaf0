# Helpers for git-para's benchmarks (t/perf/p*.sh).  Not part of make
# test: each script prints timings and ratios against a baseline measured
# in the same run, commands interleaved (A B A B ...), median of ratios.

PERF_DIR=$(cd "$(dirname "$0")" && pwd)
: "${PARA_BUILD_DIR:=$PERF_DIR/../../build}"
PATH=$(cd "$PARA_BUILD_DIR/bin" && pwd):$PATH
export PATH
: "${PERF_ROOT:=/dev/shm/git-para-perf.$$}"
: "${PERF_ROUNDS:=5}"
export GIT_CONFIG_NOSYSTEM=1 HOME="$PERF_ROOT/home"
mkdir -p "$HOME"
git config --global user.name perf
git config --global user.email perf@example.com
git config --global init.defaultBranch main
trap 'rm -rf "$PERF_ROOT"' EXIT

# now_ns: nanoseconds of a monotonic-enough clock
now_ns () {
	date +%s%N
}

# time_ns <command...>: runs the command, prints elapsed nanoseconds
time_ns () {
	t0=$(now_ns)
	"$@" >/dev/null 2>&1 || { echo "perf: command failed: $*" >&2; exit 1; }
	t1=$(now_ns)
	echo $((t1 - t0))
}

# median of the numbers on stdin (one per line)
median () {
	sort -g | awk '{ v[NR] = $1 } END {
		if (NR % 2) print v[(NR + 1) / 2];
		else print (v[NR / 2] + v[NR / 2 + 1]) / 2 }'
}

# ratio <a> <b>: a / b with three decimals
ratio () {
	awk -v a="$1" -v b="$2" 'BEGIN { printf "%.3f\n", a / b }'
}

ms () {
	awk -v n="$1" 'BEGIN { printf "%.1f ms", n / 1e6 }'
}

# make_big_repo <dir> <top> <sub> <files>: a repository whose HEAD has
# top*sub directories m<t>/d<s>/ of <files> files each, written with
# fast-import (no files on disk), then checked out
make_big_repo () {
	git init -q "$1" &&
	awk -v top="$2" -v subs="$3" -v files="$4" 'BEGIN {
		print "commit refs/heads/main";
		print "committer perf <perf@example.com> 1700000000 +0000";
		print "data 4"; print "big";
		for (t = 0; t < top; t++)
			for (d = 0; d < subs; d++)
				for (f = 0; f < files; f++) {
					c = sprintf("file %d %d %d\n", t, d, f);
					printf "M 100644 inline m%02d/d%02d/f%02d.txt\n", t, d, f;
					printf "data %d\n%s\n", length(c), c;
				}
	}' | git -C "$1" fast-import --quiet &&
	git -C "$1" reset -q --hard main
}

# report <label> <baseline-label> <a-times> <b-times> <target>
report () {
	printf '%-40s %s (median)\n' "$1" "$(ms "$(echo "$3" | median)")"
	printf '%-40s %s (median)\n' "$2" "$(ms "$(echo "$4" | median)")"
}

# The runner's benchmarks (p2001-p2003): a small repository on tmpfs with
# many tasks, and two ways of running them timed against each other.

# perf_run_repo <tasks> [<n>]: $PERF_ROOT/repo with ten files and tasks
# t0 .. t<tasks-1> recorded as `git para add` records them; with <n>,
# every <n>th task runs after the one before it.  Leaves us in it.
perf_run_repo () {
	unset GIT_DIR GIT_WORK_TREE PARA_TEST_MEMINFO PARA_TEST_LOADAVG \
		PARA_TEST_CGROUP_ROOT
	. "$PERF_DIR/../lib-para.sh" &&
	. "$PERF_DIR/../lib-run.sh" &&
	cd "$PERF_ROOT" &&
	git init -q repo && cd repo &&
	for i in 1 2 3 4 5 6 7 8 9 10; do echo $i >f$i; done &&
	git add . && git commit -q -m init || exit 1
	echo "creating $1 tasks..."
	i=0
	while test $i -lt $1
	do
		if test -n "$2" && test $((i % $2)) = $(($2 - 1))
		then
			test_task t$i -a t$((i - 1)) >/dev/null 2>&1 || exit 1
		else
			test_task t$i >/dev/null 2>&1 || exit 1
		fi
		i=$((i + 1))
	done
}

# perf_per_task <file> <tasks> <label-a> <label-b>: $PERF_ROUNDS rounds
# of the shell functions run_a then run_b, interleaved; each round's
# (B - A) / tasks in ms is appended to <file>, each round printed
perf_per_task () {
	_file=$1 _tasks=$2 _la=$3 _lb=$4 _r=0
	while test $_r -lt "$PERF_ROUNDS"
	do
		_ta=$(time_ns run_a) && _tb=$(time_ns run_b) || exit 1
		echo "round $_r: $_la $((_ta / 1000000))ms, $_lb $((_tb / 1000000))ms"
		awk -v a="$_ta" -v b="$_tb" -v n="$_tasks" \
			'BEGIN { printf "%.3f\n", (b - a) / n / 1e6 }' >>"$_file"
		_r=$((_r + 1))
	done
}
