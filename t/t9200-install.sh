#!/bin/sh
#
# make install: the layout (programs, man pages, completion, agents),
# DESTDIR, uninstall, and an installed git-para found by git through PATH
# with its manual pages found by `git help`.

test_description='make install and uninstall'

. "$(dirname "$0")"/test-lib.sh

SRC_DIR=$(cd "$SHARNESS_TEST_DIRECTORY/.." && pwd)
case "$PARA_BUILD_DIR" in
*/build-sanitize) MAKE_ARGS=SANITIZE=1 ;;
*) MAKE_ARGS= ;;
esac

if ! command -v asciidoctor >/dev/null || ! command -v man >/dev/null; then
	skip_all='asciidoctor or man is not installed'
	test_done
fi

programs=$(cd "$PARA_BUILD_DIR/bin" && ls git-para*)
pages=$(cd "$SRC_DIR/Documentation" && ls git-para*.adoc | sed 's/adoc$/1/')

# a PATH with the installed programs but not the build directory
install_path () {
	echo "$1/bin:$(echo "$PATH" | tr : '\n' |
		grep -v -x -F "$PARA_BUILD_DIR/bin" | paste -s -d :)"
}

test_expect_success 'make install into a prefix' '
	P=$(pwd)/prefix &&
	make -C "$SRC_DIR" -s $MAKE_ARGS install prefix="$P" >out 2>err &&
	for f in $programs; do
		test -x "$P/bin/$f" || return 1
	done &&
	for f in $pages; do
		test -f "$P/share/man/man1/$f" || return 1
	done &&
	test -f "$P/share/bash-completion/completions/git-para" &&
	test -f "$P/share/zsh/site-functions/_git-para" &&
	test -x "$P/share/git-para/agents/example-agent" &&
	test -x "$P/share/git-para/agents/claude-code"
'

test_expect_success 'nothing but the documented layout is installed' '
	(cd prefix && find . -type f | sort) >actual &&
	{
		for f in $programs; do echo "./bin/$f"; done &&
		for f in $pages; do echo "./share/man/man1/$f"; done &&
		echo ./share/bash-completion/completions/git-para &&
		echo ./share/zsh/site-functions/_git-para &&
		for f in aider claude-code codex example-agent para-agent-prompt
		do
			echo "./share/git-para/agents/$f"
		done
	} | sort >layout &&
	test_cmp layout actual
'

test_expect_success 'git finds the installed git para through PATH' '
	test_create_repo repo &&
	(
		PATH=$(install_path "$(pwd)/prefix") &&
		export PATH &&
		cd repo &&
		test "$(command -v git-para)" = "$(cd .. && pwd)/prefix/bin/git-para" &&
		git para --version >out &&
		test_grep "^git-para version " out &&
		git para -h >usage &&
		test_grep "^usage: git para " usage
	)
'

test_expect_success 'the installed dispatcher runs the installed commands' '
	(
		PATH=$(install_path "$(pwd)/prefix") &&
		export PATH &&
		cd repo &&
		for f in $programs; do
			test "$f" = git-para && continue
			test_expect_code 129 git para "${f#git-para-}" -h >out &&
			grep "^usage: git para ${f#git-para-}" out || return 1
		done
	)
'

# man-db maps <prefix>/bin on PATH to <prefix>/share/man when MANPATH is
# not set; `git help` then finds the pages.  The viewer below prints the
# page's file instead of showing it.
test_expect_success 'man finds the pages from PATH alone' '
	(
		unset MANPATH &&
		PATH=$(install_path "$(pwd)/prefix") &&
		export PATH &&
		man -w git-para >actual &&
		echo "$(pwd)/prefix/share/man/man1/git-para.1" >expect &&
		test_cmp expect actual
	)
'

test_expect_success 'git help para, git help para-<cmd>, git para <cmd> --help' '
	P=$(pwd)/prefix &&
	(
		unset MANPATH &&
		PATH=$(install_path "$P") &&
		export PATH &&
		cd repo &&
		git config man.viewer locate &&
		git config man.locate.cmd "man -w" &&
		git help para >actual &&
		echo "$P/share/man/man1/git-para.1" >expect &&
		test_cmp expect actual &&
		git para help >actual &&
		test_cmp expect actual &&
		git para --help >actual &&
		test_cmp expect actual &&
		for f in $programs; do
			test "$f" = git-para && continue
			sub=${f#git-para-} &&
			echo "$P/share/man/man1/$f.1" >expect &&
			git help "para-$sub" >actual &&
			test_cmp expect actual &&
			git para help "$sub" >actual &&
			test_cmp expect actual &&
			git para "$sub" --help >actual &&
			test_cmp expect actual &&
			"$f" --help >actual &&
			test_cmp expect actual || return 1
		done
	)
'

test_expect_success 'make uninstall removes everything installed' '
	make -C "$SRC_DIR" -s $MAKE_ARGS uninstall prefix="$(pwd)/prefix" >out &&
	(cd prefix && find . -type f) >left &&
	test_must_be_empty left &&
	! test -d prefix/share/git-para
'

test_expect_success 'DESTDIR: installed under it, for the prefix' '
	make -C "$SRC_DIR" -s $MAKE_ARGS install prefix=/opt/para \
		DESTDIR="$(pwd)/stage" >out 2>err &&
	test -x stage/opt/para/bin/git-para &&
	test -f stage/opt/para/share/man/man1/git-para-add.1 &&
	test -f stage/opt/para/share/bash-completion/completions/git-para &&
	! test -e /opt/para/bin/git-para &&
	(cd stage && find . -type f | sed "s|^\./opt/para/|./|" | sort) >actual &&
	test_cmp layout actual
'

test_expect_success 'DESTDIR: uninstall' '
	make -C "$SRC_DIR" -s $MAKE_ARGS uninstall prefix=/opt/para \
		DESTDIR="$(pwd)/stage" &&
	(cd stage && find . -type f) >left &&
	test_must_be_empty left
'

test_done
