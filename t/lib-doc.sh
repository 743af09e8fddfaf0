# Helpers for the documentation tests.

DOC_DIR=$SHARNESS_TEST_DIRECTORY/../Documentation

# doc_synopsis <page.adoc>: the SYNOPSIS lines of a page, markup removed
doc_synopsis () {
	sed -n '/^== SYNOPSIS/,/^== /p' "$1" |
	sed -n '/^\[verse\]/,/^$/p' |
	sed -e '/^\[verse\]/d' -e '/^$/d' -e 's/[*\\]//g'
}

# usage_of <program>: its `-h` output, failing unless it exits as git's
# programs do: 0 for the dispatcher (as `git -h`), 129 for the others
usage_of () {
	"$1" -h
	usage_rc=$?
	case "${1##*/}" in
	git-para) test $usage_rc = 0 ;;
	*) test $usage_rc = 129 ;;
	esac
}

# usage_synopsis <program>: the usage lines of `<program> -h`
usage_synopsis () {
	usage_of "$1" >usage.out &&
	sed -n -e '/^$/q' -e 's/^usage: //p' -e 's/^   or: //p' usage.out
}

# doc_section <page.adoc> <title>: the text of one section
doc_section () {
	sed -n "/^== $2\$/,/^== /p" "$1" | sed '1d;$d'
}

# built_programs: the programs in the build directory, one a line
built_programs () {
	for p in "$PARA_BUILD_DIR"/bin/git-para "$PARA_BUILD_DIR"/bin/git-para-*; do
		test -x "$p" && echo "${p##*/}"
	done
}
