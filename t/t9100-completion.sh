#!/bin/bash
#
# bash completion of `git para`, driven through git's own completion
# script as bash would drive it.

test_description='bash completion of git para'

if test -z "$BASH_VERSION"; then
	exec bash "$0" "$@"
fi

. "$(dirname "$0")"/test-lib.sh

if ! test -r /usr/share/bash-completion/completions/git; then
	skip_all='git bash completion script not installed'
	test_done
fi

. "$SHARNESS_TEST_DIRECTORY"/lib-completion.sh

# the words of a program's --git-completion-helper as bash offers them
helper_candidates () {
	for w in $("$1" --git-completion-helper); do
		case "$w" in
		--) echo "--no-... " ; break ;;
		*=) echo "$w" ;;
		*) echo "$w " ;;
		esac
	done
}

test_expect_success 'setup: a repository with three tasks' '
	test_create_repo repo &&
	tasks=$(git -C repo rev-parse --git-common-dir)/para/tasks &&
	mkdir -p "repo/$tasks" &&
	for t in issue-41 issue-42 docs; do
		echo "[task]" >"repo/$tasks/$t" || return 1
	done &&
	: >"repo/$tasks/docs.lock" &&
	: >"repo/$tasks/.tmp-x" &&
	cd repo
'

test_expect_success 'git para offers itself among git commands' '
	run_completion "git pa" >actual &&
	test_grep -x "para " actual
'

test_expect_success 'subcommands' '
	test_completion "git para " <<-\EOF
	add 
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
	help 
	EOF
'

test_expect_success 'subcommands by prefix' '
	test_completion "git para p" "prune " &&
	test_completion "git para co" "collect "
'

test_expect_success 'options of git para itself' '
	test_completion "git para --v" "--version "
'

test_expect_success 'help completes the subcommands' '
	test_completion "git para help sta" "status " &&
	test_completion "git para help sto" "stop " &&
	test_completion "git para help sync-" "sync-files " &&
	test_completion "git para help w" "wait " &&
	test_completion "git para help h" ""
'

test_expect_success 'task names where a task is expected' '
	test_completion "git para run " <<-\EOF &&
	docs 
	issue-41 
	issue-42 
	EOF
	test_completion "git para status issue-4" <<-\EOF &&
	issue-41 
	issue-42 
	EOF
	test_completion "git para collect --merge issue-42 d" "docs " &&
	test_completion "git para prune --force i" <<-\EOF
	issue-41 
	issue-42 
	EOF
'

test_expect_success 'attic names after prune --drop-attic' '
	git update-ref refs/para/attic/issue-7 HEAD &&
	git update-ref refs/para/attic/issue-7-2 HEAD &&
	test_when_finished "git update-ref -d refs/para/attic/issue-7 &&
		git update-ref -d refs/para/attic/issue-7-2" &&
	test_completion "git para prune --drop-attic iss" <<-\EOF &&
	issue-7 
	issue-7-2 
	EOF
	test_completion "git para prune --expire-attic " ""
'

test_expect_success 'task names after --after, in both forms' '
	test_completion "git para add x --after is" <<-\EOF &&
	issue-41 
	issue-42 
	EOF
	test_completion "git para add x --after=d" "docs "
'

test_expect_success 'task names from a task worktree and with -C' '
	git worktree add -q ../wt &&
	(
		cd ../wt &&
		test_completion "git para run d" "docs "
	) &&
	(
		cd .. &&
		test_completion "git -C repo para run d" "docs "
	)
'

test_expect_success 'no task names outside a repository' '
	(
		cd /tmp &&
		GIT_CEILING_DIRECTORIES=/tmp &&
		export GIT_CEILING_DIRECTORIES &&
		test_completion "git para run " ""
	)
'

test_expect_success 'no task names for the name of a new task' '
	test_completion "git para add " ""
'

test_expect_success 'refs after --base and --merge=' '
	test_completion "git para add x --base ma" "main " &&
	test_completion "git para collect --merge=ma" "main "
'

test_expect_success 'nothing offered after -- of git para run' '
	test_completion "git para run docs -- " ""
'

test_expect_success 'files after options that take a path' '
	test_completion "git para add x --path " "" &&
	test_completion "git para add --from " ""
'

# The options come from each program's --git-completion-helper: check
# every program that is built.
for prog in "$PARA_BUILD_DIR"/bin/git-para-*; do
	test -x "$prog" || continue
	sub=${prog##*/git-para-}
	test_expect_success "options of git para $sub" '
		helper_candidates "$prog" >expect.raw &&
		sort expect.raw >expect &&
		run_completion "git para $sub --" >actual &&
		test_cmp expect actual
	'
done

# An option that takes a value other than a task must not be completed
# with task names: each needs its entry in __git_para_complete_optarg.
for sub in edit run status stop wait logs collect prune; do
	prog=$PARA_BUILD_DIR/bin/git-para-$sub
	test -x "$prog" || continue
	test_expect_success "no task names as the value of an option of $sub" '
		test_expect_code 129 "$prog" -h >usage &&
		sed -n -e "s/^    \\(-[^-]\\), \\(--[a-z-]*\\) <.*/\\1 \\2/p" \
			-e "s/^    \\(--[a-z-]*\\) <.*/\\1/p" usage >opts &&
		for o in $(cat opts); do
			case "$o" in --after) continue ;; esac &&
			test_completion "git para $sub $o " "" || {
				echo "$sub $o: task names offered" &&
				return 1
			}
		done
	'
done

test_expect_success 'git-para run directly completes the same way' '
	COMP_WORDS=(git-para ru) COMP_CWORD=1 COMP_LINE="git-para ru" \
		COMP_POINT=11 &&
	COMPREPLY=() &&
	__git_wrap_git_para &&
	test "${COMPREPLY[*]}" = "run "
'

test_done
