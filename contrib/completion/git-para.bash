# bash completion for git-para                                 -*- sh -*-
#
# git's own completion (git-completion.bash, /usr/share/bash-completion/
# completions/git on Debian) calls _git_para when completing `git para`.
# Installed as <datadir>/bash-completion/completions/git-para, it is loaded
# on demand by bash-completion; otherwise source it after git's completion:
#
#   . /usr/share/bash-completion/completions/git
#   . /path/to/git-para.bash
#
# Subcommands and options come from the programs themselves
# (--git-completion-helper), task names from <common-dir>/para/tasks/, so
# nothing here needs updating when an option is added.

# The subcommands, asked of git-para itself; words starting with "-" are
# its own options.
__git_para_subcommands ()
{
	local w list
	list=$(__git para --git-completion-helper 2>/dev/null)
	if [ -z "$list" ]; then
		list="add edit run status stop wait logs attach collect resolve sync prune sync-files help"
	fi
	for w in $list; do
		case "$w" in
		-*) ;;
		*) printf '%s\n' "$w" ;;
		esac
	done
}

# The names of the tasks, one a line.
__git_para_tasks ()
{
	local dir f name
	dir=$(__git rev-parse --path-format=absolute --git-common-dir 2>/dev/null) ||
		return 0
	for f in "$dir"/para/tasks/*; do
		name=${f##*/}
		case "$name" in
		''|'*'|.*|*.lock|*.tmp|*[!a-z0-9._-]*) continue ;;
		esac
		test -f "$f" && printf '%s\n' "$name"
	done
}

# The names of the entries in the attic (refs/para/attic/<name>).
__git_para_attic ()
{
	__git for-each-ref --format='%(refname:lstrip=3)' refs/para/attic/ \
		2>/dev/null
}

__git_para_complete_tasks ()
{
	__gitcomp_nl "$(__git_para_tasks)" "${1-}" "${2-$cur}"
}

# Completes the argument of an option of `git para <sub>`, whether given
# as "--opt=<arg>" (in $cur) or as "--opt <arg>" (after $prev).  Returns 1
# when the current word is no option argument.
__git_para_complete_optarg ()
{
	local sub="$1"

	case "$cur" in
	--after=*|--with=*)
		__git_para_complete_tasks "" "${cur#*=}"
		return 0 ;;
	--base=*|--merge=*)
		__git_complete_refs --cur="${cur#*=}"
		return 0 ;;
	--*=*)
		# a file, a pattern, a number, a duration: no list to offer
		return 0 ;;
	esac

	case "$prev" in
	--after|--with)
		__git_para_complete_tasks
		return 0 ;;
	--base)
		__git_complete_refs
		return 0 ;;
	-b|--branch)
		test "$sub" = add && __git_complete_refs --mode=heads
		return 0 ;;
	-p|--path|--prompt-file|--from)
		# paths: let readline's filename completion do it
		return 0 ;;
	--verify)
		# add and edit take a command; collect's --verify[=<cmd>] is a flag
		test "$sub" = add || test "$sub" = edit
		return ;;
	-m|--prompt|--command|--issue|--issues|--lock|-j|--jobs|--timeout|\
	--idle-timeout|\
	--retries|--expire-attic|--memfree|--load|--delay|--mem|--cpus|--backend|\
	-n|--lines|--attempt|--budget)
		return 0 ;;
	esac
	return 1
}

_git_para ()
{
	local subcommands sub
	subcommands=$(__git_para_subcommands)
	sub=$(__git_find_on_cmdline "$subcommands")

	if [ -z "$sub" ]; then
		case "$cur" in
		-*) __gitcomp "--version --help" ;;
		*) __gitcomp_nl "$subcommands" ;;
		esac
		return
	fi

	case "$sub" in
	help)
		__gitcomp_nl "$(printf '%s\n' $subcommands | grep -vx help)"
		return ;;
	esac

	# after "git para run ... --": the command and its arguments
	__git_has_doubledash && return

	__git_para_complete_optarg "$sub" && return

	case "$cur" in
	-*)
		__gitcomp_builtin "para_$sub"
		return ;;
	esac

	case "$sub" in
	prune)
		if [ -n "$(__git_find_on_cmdline "--drop-attic")" ]; then
			__gitcomp_nl "$(__git_para_attic)"
		else
			__git_para_complete_tasks
		fi ;;
	edit|run|status|stop|wait|logs|attach|collect|resolve|sync|sync-files)
		__git_para_complete_tasks ;;
	esac
}

# `git-para ...` run directly too; loaded on its own by bash-completion,
# this file needs git's completion first.
if ! declare -f __git_complete >/dev/null 2>&1 &&
   declare -f __load_completion >/dev/null 2>&1; then
	__load_completion git
fi
if declare -f __git_complete >/dev/null 2>&1; then
	__git_complete git-para _git_para
fi
