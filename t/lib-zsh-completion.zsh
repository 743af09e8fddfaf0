# Runs contrib/completion/_git-para outside zle, with the completion
# builtins replaced by stubs that print the candidates (one a line)
# matching $PREFIX.  Usage:
#   zsh -f lib-zsh-completion.zsh <_git-para> <word>... 
# the last word is the one being completed.
setopt extendedglob

compadd () {
	local -a words
	local arr
	while (( $# )); do
		case $1 in
		(-S|-P|-J|-X) shift 2 ;;
		(-a) words+=( ${(P)2} ); shift 2 ;;
		(--) shift; words+=( "$@" ); break ;;
		(-*) shift ;;
		(*) words+=( "$1" ); shift ;;
		esac
	done
	local w
	for w in $words; do
		[[ $w == ${PREFIX}* ]] && print -r -- "$IPREFIX$w"
	done
	return 0
}
_wanted () { shift 3; "$@"; }
_call_program () { shift; eval "$@"; }
_files () { print -r -- "<files>"; }
_message () { print -r -- "<message:$1>"; }
_normal () { print -r -- "<command:$words[1]>"; }
compset () {
	local m=${(M)PREFIX#${~2}}
	[[ -n $m ]] || return 1
	IPREFIX+=$m
	PREFIX=${PREFIX#$m}
}

file=$1
shift
words=( "$@" )
CURRENT=$#words
PREFIX=$words[CURRENT]
IPREFIX=
source $file
