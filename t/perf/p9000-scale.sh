#!/bin/bash
# git-para at 100 and at 1,000 tasks (a small repository; each task with
# a 10-pattern domain and one committed file of its own, succeeded): the
# time and the peak memory of `add --dry-run`, `status --json`, `run --
# true` and `collect --check`, and the 1,000/100 ratio of each.  The goal is
# linear growth: a ratio of at most 11.  PERF_SMALL and PERF_LARGE
# change the two sizes.
. "$(dirname "$0")/lib-perf.sh"

SMALL=${PERF_SMALL:-100}
LARGE=${PERF_LARGE:-1000}

ROUNDS=${PERF_ROUNDS:-3}

# measure <out-prefix> <command...>: "<median ns> <peak KiB>" of ROUNDS
# runs into <out-prefix>
measure () {
	out=$1
	shift
	: >"$out.times"
	for round in $(seq "$ROUNDS"); do
		t0=$(now_ns)
		/usr/bin/time -f %M -o "$out.mem" "$@" >/dev/null 2>"$out.err" ||
			{ echo "perf: command failed: $*" >&2; cat "$out.err" >&2; exit 1; }
		t1=$(now_ns)
		echo $((t1 - t0)) >>"$out.times"
	done
	echo "$(median <"$out.times") $(tail -n 1 "$out.mem")" >"$out"
}

# setup <n>: a repository with <n> tasks, each with one commit of its own
setup () {
	r=$PERF_ROOT/r$1
	git init -q "$r" && cd "$r" || exit 1
	echo readme >README && git add README && git commit -q -m initial
	# the task's work: one file of its own, committed
	git config para.command 'mkdir -p "$PARA_TASK/p0" &&
		echo "$PARA_TASK" >"$PARA_TASK/p0/work.txt" &&
		git add -A && git commit -q -m work'
	for i in $(seq "$1"); do
		printf '[t%d]\npaths =' "$i"
		for j in $(seq 0 9); do printf ' t%d/p%d/' "$i" "$j"; done
		printf '\nprompt = task %d\n' "$i"
	done >"$PERF_ROOT/manifest.$1"
	measure "$PERF_ROOT/add-dry.$1" git para add --dry-run --from "$PERF_ROOT/manifest.$1"
	git para add -q --from "$PERF_ROOT/manifest.$1" >/dev/null 2>&1 ||
		{ echo "perf: add failed" >&2; exit 1; }
	git para run -j2 >/dev/null ||
		{ echo "perf: committing the work failed" >&2; exit 1; }
}

for n in "$SMALL" "$LARGE"; do
	echo "setting up $n tasks under $PERF_ROOT ..."
	setup "$n"
	measure "$PERF_ROOT/status.$n" git para status --json
	measure "$PERF_ROOT/run.$n" git para run -j2 -- true
	measure "$PERF_ROOT/check.$n" git para collect --check
	cd "$PERF_ROOT" || exit 1
done

printf '%-18s %12s %10s %12s %10s %8s %8s\n' step "t($SMALL)" "KiB" "t($LARGE)" "KiB" "time x" "mem x"
for step in add-dry status run check; do
	read -r ts ms_ <"$PERF_ROOT/$step.$SMALL"
	read -r tl ml <"$PERF_ROOT/$step.$LARGE"
	printf '%-18s %12s %10s %12s %10s %8s %8s\n' "$step" "$(ms "$ts")" "$ms_" \
		"$(ms "$tl")" "$ml" "$(ratio "$tl" "$ts")" "$(ratio "$ml" "$ms_")"
done
echo "target: time x at most $((LARGE / SMALL + 1)) (linear growth)"
