# Helpers for the completion tests: drive git's bash completion the way
# git's own t9902 does, with our _git_para loaded.

. /usr/share/bash-completion/completions/git
. "$SHARNESS_TEST_DIRECTORY/../contrib/completion/git-para.bash"

# run_completion "<command line>": fill COMPREPLY as bash would when TAB
# is pressed at the end of the line; a trailing space starts a new word.
run_completion () {
	local -a COMPREPLY _words
	local _cword
	_words=( $1 )
	test "${1: -1}" = ' ' && _words[${#_words[@]}+1]=''
	(( _cword = ${#_words[@]} - 1 ))
	COMP_WORDS=( "${_words[@]}" )
	COMP_CWORD=$_cword
	COMP_LINE=$1
	COMP_POINT=${#1}
	__git_wrap__git_main
	if test ${#COMPREPLY[@]} -gt 0; then
		printf '%s\n' "${COMPREPLY[@]}" | sort
	fi
}

# test_completion "<command line>" [<expected>]: the candidates, one a
# line, with bash's trailing space where there is one; <expected> may be
# given on stdin instead.
test_completion () {
	if test $# -gt 1 && test -z "$2"; then
		: >expect
	elif test $# -gt 1; then
		printf '%s\n' "$2" | sort >expect
	else
		sort >expect
	fi &&
	run_completion "$1" >actual &&
	test_cmp expect actual
}
