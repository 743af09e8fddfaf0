# Test environment for git-para, sourced by every t/tNNNN-*.sh script.
#
# Sets a fixed, private environment (author, dates, no system or user
# config, HOME in the trash directory), puts the built programs first on
# PATH, and loads sharness from Debian's package.

T_DIR=$(cd "$(dirname "$0")" && pwd)
: "${PARA_BUILD_DIR:=$T_DIR/../build}"
PARA_BUILD_DIR=$(cd "$PARA_BUILD_DIR" && pwd) || {
	echo >&2 "build directory missing: run 'make' first"
	exit 1
}
export PARA_BUILD_DIR
SHARNESS_TEST_DIRECTORY=$T_DIR
SHARNESS_BUILD_DIRECTORY=$PARA_BUILD_DIR/bin
export SHARNESS_TEST_DIRECTORY SHARNESS_BUILD_DIRECTORY

# a git of our own choosing, never the caller's repository or config
for v in $(env | sed -n 's/^\(GIT_[A-Z_]*\)=.*/\1/p'); do
	unset "$v"
done
unset PARA_TASK PARA_ISSUE PARA_PROMPT PARA_BRANCH PARA_BASE PARA_WORKTREE \
	PARA_DOMAIN PARA_SLOT PARA_ATTEMPT PARA_LOG PARA_QUERY PARA_PR_URL NO_COLOR
GIT_CONFIG_NOSYSTEM=1
GIT_AUTHOR_NAME='A U Thor'
GIT_AUTHOR_EMAIL='author@example.com'
GIT_COMMITTER_NAME='C O Mitter'
GIT_COMMITTER_EMAIL='committer@example.com'
GIT_AUTHOR_DATE='1700000000 +0000'
GIT_COMMITTER_DATE='1700000000 +0000'
GIT_MERGE_AUTOEDIT=no
export GIT_CONFIG_NOSYSTEM GIT_AUTHOR_NAME GIT_AUTHOR_EMAIL \
	GIT_COMMITTER_NAME GIT_COMMITTER_EMAIL GIT_AUTHOR_DATE \
	GIT_COMMITTER_DATE GIT_MERGE_AUTOEDIT

# sanitizer builds: fail loudly, and tell leaks apart from our bugs
ASAN_OPTIONS=${ASAN_OPTIONS:-abort_on_error=1:detect_leaks=1}
UBSAN_OPTIONS=${UBSAN_OPTIONS:-print_stacktrace=1:halt_on_error=1}
export ASAN_OPTIONS UBSAN_OPTIONS

. /usr/share/sharness/sharness.sh

git config --global init.defaultBranch main
git config --global user.name 'A U Thor'
git config --global user.email author@example.com
git config --global advice.detachedHead false


TRASH_DIRECTORY=$SHARNESS_TRASH_DIRECTORY
export TRASH_DIRECTORY
. "$T_DIR/lib-para.sh"
