#!/bin/sh
#
# contrib/aliases: a config file git can include, whose aliases all run
# git para.

test_description='the aliases for dotfiles'

. "$(dirname "$0")"/test-lib.sh

ALIASES=$SHARNESS_TEST_DIRECTORY/../contrib/aliases

test_expect_success 'git reads the file' '
	git config -f "$ALIASES" --get-regexp "^alias\\." >aliases &&
	test -s aliases
'

test_expect_success 'every alias runs git para' '
	while read -r name value; do
		case "$value" in
		"para "*|"!"*"git para "*|"!"*"/para/logs/"*) ;;
		*) echo "$name does not run git para: $value"; return 1 ;;
		esac
	done <aliases
'

test_expect_success 'the shell aliases are valid sh' '
	sed -n "s/^alias\\.[a-z]* !//p" aliases >scripts &&
	while read -r script; do
		sh -n -c "$script" || return 1
	done <scripts
'

test_expect_success 'included from a config file, the aliases work' '
	test_create_repo repo &&
	git -C repo config include.path "$ALIASES" &&
	test_expect_code 129 git -C repo pprune -h >out &&
	test_grep "^usage: git para prune" out
'

test_done
