#!/bin/sh
# The whole git-para workflow on a throwaway repository, as a user would
# type it: three tasks with disjoint domains, one depending on another,
# run by the bundled example agent, then status, collect and prune.
#
#   sh contrib/demo.sh [<bindir>]      (what `make demo` runs)
#
# <bindir> holds the git-para programs (default: build/bin beside this
# script, else whatever is on PATH).  The repository is created in a
# temporary directory and removed at the end; DEMO_KEEP=1 keeps it.

set -u

here=$(cd "$(dirname "$0")" && pwd)
bindir=${1:-$here/../build/bin}
if test -x "$bindir/git-para"; then
	PATH=$(cd "$bindir" && pwd):$PATH
	export PATH
fi
if ! command -v git-para >/dev/null; then
	echo >&2 "demo: git-para not found; run 'make' first"
	exit 1
fi
agent=$here/agents/example-agent

demo=$(mktemp -d "${TMPDIR:-/tmp}/git-para-demo.XXXXXX") || exit 1
if test -n "${DEMO_KEEP-}"; then
	trap 'echo; echo "demo: the repository is kept in $demo/shop"' EXIT
else
	trap 'rm -rf "$demo"' EXIT
fi
trap 'exit 130' INT TERM

# a private git: no system or user configuration, a fixed identity
GIT_CONFIG_NOSYSTEM=1
GIT_CONFIG_GLOBAL=$demo/gitconfig
GIT_AUTHOR_NAME='Demo User'
GIT_AUTHOR_EMAIL='demo@example.com'
GIT_COMMITTER_NAME=$GIT_AUTHOR_NAME
GIT_COMMITTER_EMAIL=$GIT_AUTHOR_EMAIL
export GIT_CONFIG_NOSYSTEM GIT_CONFIG_GLOBAL GIT_AUTHOR_NAME \
	GIT_AUTHOR_EMAIL GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL
unset GIT_DIR GIT_WORK_TREE GIT_CONFIG_PARAMETERS
git config --global init.defaultBranch main
git config --global advice.detachedHead false

# the example agent thinks for a moment, so that the run shows progress
EXAMPLE_AGENT_DELAY=${EXAMPLE_AGENT_DELAY:-1}
export EXAMPLE_AGENT_DELAY

if test -t 1; then
	bold=$(printf '\033[1m') plain=$(printf '\033[m')
else
	bold= plain=
fi

say () {
	printf '\n%s# %s%s\n' "$bold" "$*" "$plain"
}

# show <command>...: the command as one would type it, quoted for sh
show () {
	line=
	for word in "$@"; do
		case "$word" in
		''|*[!A-Za-z0-9_./:=@%+,-]*)
			word="'$(printf '%s' "$word" | sed "s/'/'\\\\''/g")'" ;;
		esac
		line="$line${line:+ }$word"
	done
	printf '%s$ %s%s\n' "$bold" "$line" "$plain"
}

# run <command>...: show it, run it, stop the demo if it fails
run () {
	show "$@"
	"$@" || {
		status=$?
		printf 'demo: this command failed with exit status %d\n' \
			"$status" >&2
		exit 1
	}
}

# refused <command>...: a command that must fail, shown with its status
refused () {
	show "$@"
	if "$@"; then
		printf 'demo: this command should have been refused\n' >&2
		exit 1
	else
		printf '(exit status %d)\n' "$?"
	fi
}

say "A small repository: an API, authentication, documentation"
mkdir "$demo/shop" && cd "$demo/shop" || exit 1
git init -q &&
mkdir -p src/api src/auth docs &&
printf 'int list_orders(void);\n' >src/api/orders.c &&
printf 'int login(const char *user);\n' >src/auth/login.c &&
printf '# Shop\n' >docs/guide.md &&
git add . &&
git commit -q -m 'Initial shop' || exit 1
run git log --oneline

say "The agent every task runs (here the bundled example agent)"
run git config para.command "$agent"

say "Three tasks with disjoint domains; docs needs the api task's result"
run git para add api -p src/api/ -m 'Add an orders endpoint'
run git para add auth -p src/auth/ -m 'Rate-limit logins'
run git para add docs -p docs/ --after api -m 'Document the orders endpoint'

say "A task whose domain overlaps another's is refused"
refused git para add everything -p 'src/**/*.c' -m 'Reformat all C files'

say "Each task has its own branch and worktree"
run git worktree list
run git para status

say "Run them, two at a time: api and auth first, then docs"
run git para run -j 2

say "What they did"
run git para status

say "Check the results: domains, overlap, merge conflicts"
run git para collect --check

say "Merge them into the integration branch, in dependency order"
run git para collect --merge
run git log --oneline --first-parent para/integration
run git diff --stat main para/integration

say "A report for the team"
run git para collect --report

say "Remove what is merged; nothing is lost"
run git para prune
run git worktree list
run git para status

say "Done: the integration branch para/integration holds the work of the three tasks"
