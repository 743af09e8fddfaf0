#!/bin/sh
#
# zsh completion of git para: contrib/completion/_git-para run with the
# completion builtins stubbed out, so that its candidates can be checked
# without a terminal.

test_description='zsh completion of git para'

. "$(dirname "$0")"/test-lib.sh

if ! command -v zsh >/dev/null; then
	skip_all='zsh is not installed'
	test_done
fi

COMPLETION=$SHARNESS_TEST_DIRECTORY/../contrib/completion/_git-para
STUBS=$SHARNESS_TEST_DIRECTORY/lib-zsh-completion.zsh

# zsh_completion "<words>" <expected>: the candidates for the last word
# of <words> (a trailing space starts a new, empty word)
zsh_completion () {
	printf '%s\n' "$2" | sed '/^$/d' | sort >expect &&
	words="$1" &&
	if test "${words% }" != "$words"; then
		eval "zsh -f \"\$STUBS\" \"\$COMPLETION\" $words ''"
	else
		eval "zsh -f \"\$STUBS\" \"\$COMPLETION\" $words"
	fi >actual.raw &&
	sort actual.raw >actual &&
	test_cmp expect actual
}

test_expect_success 'setup: a repository with three tasks' '
	test_create_repo repo &&
	mkdir -p repo/.git/para/tasks &&
	for t in api auth docs; do
		echo "[task]" >repo/.git/para/tasks/$t || return 1
	done &&
	: >repo/.git/para/tasks/docs.lock &&
	cd repo
'

test_expect_success 'the file is valid zsh' '
	zsh -n "$COMPLETION"
'

test_expect_success 'zsh lists git para among git commands' '
	sed -n 2p "$COMPLETION" >line &&
	test_grep "^#description " line
'

test_expect_success 'subcommands' '
	zsh_completion "git-para " "add
edit
run
status
stop
wait
logs
attach
collect
resolve
sync
prune
sync-files
help" &&
	zsh_completion "git-para co" "collect"
'

test_expect_success 'task names' '
	zsh_completion "git-para run " "api
auth
docs" &&
	zsh_completion "git-para prune a" "api
auth" &&
	zsh_completion "git-para add x --after=d" "--after=docs"
'

test_expect_success 'attic names after prune --drop-attic' '
	git update-ref refs/para/attic/api HEAD &&
	git update-ref refs/para/attic/old-2 HEAD &&
	zsh_completion "git-para prune --drop-attic " "api
old-2" &&
	zsh_completion "git-para prune --expire-attic " "<message:age>"
'

test_expect_success 'refs after --base and --merge=' '
	zsh_completion "git-para add x --base ma" "main" &&
	zsh_completion "git-para collect --merge=ma" "--merge=main"
'

test_expect_success 'files after --path' '
	zsh_completion "git-para add x --path " "<files>"
'

test_expect_success 'a command after -- of run' '
	zsh_completion "git-para run api -- ma" "<command:ma>"
'

for prog in "$PARA_BUILD_DIR"/bin/git-para-*; do
	test -x "$prog" || continue
	sub=${prog##*/git-para-}
	test_expect_success "options of git para $sub come from the program" '
		"$prog" --git-completion-helper >helper &&
		tr " " "\n" <helper | sed "/^--\$/d" >expect.opts &&
		zsh_completion "git-para $sub --" "$(cat expect.opts)"
	'
done

test_done
