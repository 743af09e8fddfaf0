#!/bin/bash
# Provisioning a 100,000-file node_modules (.worktreeinclude) into an
# existing task's worktree with `git para sync-files`:
#   - para.copyMode=copy against `cp -a` of the same tree   (target <= 1.0)
#   - para.copyMode=reflink against copy, on a filesystem that clones
#     (a loop-mounted XFS image; skipped with the reason where the
#     machine cannot mount one)                              (target <= 0.2)
#   - para.copyMode=hardlink against copy, for comparison
. "$(dirname "$0")/lib-perf.sh"

# make_node_modules <dir> [<packages> [<bytes>]]: <packages> (100) x 50
# directories x 20 files, each of about <bytes> (a line by default)
make_node_modules () {
	python3 - "$1" "${2:-100}" "${3:-0}" <<-\PY
	import os, sys
	top, packages, size = sys.argv[1], int(sys.argv[2]), int(sys.argv[3])
	for p in range(packages):
	    for d in range(50):
	        dir = os.path.join(top, "pkg%02d" % p, "lib%02d" % d)
	        os.makedirs(dir)
	        for f in range(20):
	            line = "module.exports = %d;\n" % (p * 1000 + d * 20 + f)
	            with open(os.path.join(dir, "f%02d.js" % f), "w") as fh:
	                fh.write(line * max(1, size // len(line)))
	PY
}

# setup_repo <dir> [<packages> [<bytes>]]: a repository whose main
# worktree has node_modules, and a task 't' without it
setup_repo () {
	git init -q "$1" &&
	(
		cd "$1" &&
		echo "node_modules/" >.gitignore &&
		echo "node_modules/" >.worktreeinclude &&
		git add . && git commit -q -m init &&
		make_node_modules node_modules "$2" "$3" &&
		git para add -q --no-copy t
	)
}

# compare <repo> <label-a> <cmd-a...> -- <label-b> <cmd-b...>: rounds of
# A B with the task's node_modules and the copy removed between them
measure () {
	repo=$1 mode_a=$2 mode_b=$3 ratios=
	for i in $(seq "$PERF_ROUNDS"); do
		rm -rf "$repo-worktrees/t/node_modules" "$repo/../cp-dest"
		sync
		a=$(cd "$repo" && time_ns git -c para.copyMode="$mode_a" para sync-files t)
		rm -rf "$repo-worktrees/t/node_modules"
		sync
		if test "$mode_b" = cp; then
			b=$(time_ns cp -a "$repo/node_modules" "$repo/../cp-dest")
		else
			b=$(cd "$repo" && time_ns git -c para.copyMode="$mode_b" para sync-files t)
		fi
		printf 'round %d: %s %s, %s %s\n' "$i" "$mode_a" "$(ms "$a")" \
			"$mode_b" "$(ms "$b")" >&2
		ratios="$ratios$(ratio "$a" "$b")
"
	done
	echo "$ratios" | grep . | median
}

echo "generating a 100,000-file node_modules under $PERF_ROOT ..."
setup_repo "$PERF_ROOT/repo" || exit 1
n=$(find "$PERF_ROOT/repo/node_modules" -type f | wc -l)
echo "node_modules: $n files"
r=$(measure "$PERF_ROOT/repo" copy cp)
echo "ratio sync-files (copy) / cp -a:             $r (target <= 1.0)"
r=$(measure "$PERF_ROOT/repo" hardlink copy)
echo "ratio sync-files (hardlink) / (copy):        $r"

# reflink: an XFS image on the same tmpfs, loop-mounted
xfs=$PERF_ROOT/xfs
why=
if ! command -v mkfs.xfs >/dev/null; then
	why="mkfs.xfs is not installed (xfsprogs)"
elif test "$(id -u)" != 0; then
	why="mounting a loop image needs root"
else
	mkdir -p "$xfs" &&
	truncate -s 3G "$PERF_ROOT/xfs.img" &&
	mkfs.xfs -q "$PERF_ROOT/xfs.img" &&
	mount -o loop "$PERF_ROOT/xfs.img" "$xfs" 2>/dev/null ||
		why="cannot loop-mount an XFS image here"
fi
if test -n "$why"; then
	echo "ratio sync-files (reflink) / (copy):         skipped: $why"
	exit 0
fi
trap 'umount "$xfs"; rm -rf "$PERF_ROOT"' EXIT
echo "generating the same tree on a loop-mounted XFS image ..."
setup_repo "$xfs/repo" || exit 1
r=$(measure "$xfs/repo" reflink copy)
echo "ratio sync-files (reflink) / (copy), XFS:    $r (target <= 0.2)"
# where the data, not the 100,000 inodes, is the cost: 10,000 files of
# 64 KiB
echo "generating 10,000 files of 64 KiB on the XFS image ..."
setup_repo "$xfs/big" 10 65536 || exit 1
r=$(measure "$xfs/big" reflink copy)
echo "ratio sync-files (reflink) / (copy), 64 KiB: $r"
