#!/bin/sh

test_description='git para collect --push and --pr'

. ./test-lib.sh
. "$T_DIR/lib-collect.sh"

SQ="'"

# A stand-in for gh: checks its arguments and environment, records each
# call, prints a URL, and fails for the tasks listed in $GH_FAIL.
write_gh () {
	mkdir -p bin &&
	cat >bin/gh <<-\EOF &&
	#!/bin/sh
	echo "$PARA_TASK" >>"$GH_LOG"
	test "$1 $2" = "pr create" || { echo "bad command: $*" >&2; exit 2; }
	test "$3 $4" = "--base $PARA_BASE_BRANCH" || { echo "bad base: $*" >&2; exit 2; }
	test "$5 $6" = "--head $PARA_BRANCH" || { echo "bad head: $*" >&2; exit 2; }
	test "$7" = "--title" && test "$8" = "$PARA_TITLE" || { echo "bad title: $*" >&2; exit 2; }
	test "$9" = "--body-file" && test -f "${10}" || { echo "bad body: $*" >&2; exit 2; }
	cp "${10}" "$GH_BODIES/$PARA_TASK.md"
	case " $GH_FAIL " in
	*" $PARA_TASK "*) echo "gh: could not create pull request" >&2; exit 1 ;;
	esac
	echo "Creating pull request for $PARA_BRANCH into $PARA_BASE_BRANCH"
	echo "https://example.com/pulls/$PARA_TASK"
	EOF
	chmod +x bin/gh
}

test_expect_success 'setup' '
	write_gh &&
	mkdir bodies &&
	GH_LOG=$(pwd)/gh.log GH_BODIES=$(pwd)/bodies &&
	export GH_LOG GH_BODIES &&
	PATH=$(pwd)/bin:$PATH &&
	git init -q --bare remote.git &&
	collect_setup_repo &&
	cd repo &&
	git remote add origin ../remote.git &&
	git push -q origin main &&
	git para add -p src/api -m "Add the orders API
with details" api &&
	git para add -p src/db -m "Fix the schema" db &&
	collect_commit api src/api/orders.c "api 2" &&
	collect_commit db src/db/schema.sql "db 2" &&
	collect_succeed api db
'

test_expect_success '--push pushes the task branches' '
	git para collect --push >out &&
	grep "^pushed task .api. to .origin." out &&
	grep "^pushed task .db. to .origin." out &&
	for t in api db; do
		git rev-parse solve/$t >expect &&
		git -C ../remote.git rev-parse refs/heads/solve/$t >actual &&
		test_cmp expect actual &&
		echo "pushed origin" >expect &&
		echo "$(collect_get $t run.state) $(collect_get $t collect.pushedTo)" >actual &&
		test_cmp expect actual || return 1
	done &&
	collect_worktrees_clean
'

test_expect_success 'a failing push is reported per task' '
	git para add -p docs web &&
	collect_commit web docs/guide.md "doc 2" &&
	collect_succeed web &&
	test_expect_code 1 git -c para.remote=nowhere para collect --push web api 2>err &&
	grep "^error: cannot push task .web. to .nowhere." err &&
	grep "^error: cannot push task .api. to .nowhere." err &&
	test "$(collect_get web run.state)" = succeeded &&
	test_must_fail collect_get web collect.pushedTo
'

test_expect_success '--pr pushes and opens one pull request per task' '
	git config -f "$(collect_state_file api)" --add run.result \
		"{\"attempt\":1,\"state\":\"succeeded\",\"costUsd\":0.5,\"summary\":\"Added the orders endpoint\"}" &&
	git para collect --pr api db >out &&
	grep "^opened a pull request for task .api.: https://example.com/pulls/api\$" out &&
	grep "^opened a pull request for task .db.: https://example.com/pulls/db\$" out &&
	printf "%s\n" api db >expect &&
	test_cmp expect "$GH_LOG" &&
	for t in api db; do
		echo "pr-open https://example.com/pulls/$t" >expect &&
		echo "$(collect_get $t run.state) $(collect_get $t collect.prUrl)" >actual &&
		test_cmp expect actual || return 1
	done
'

test_expect_success 'the body holds the prompt, the changes and the checks' '
	grep "^Add the orders API\$" "$GH_BODIES/api.md" &&
	grep "^with details\$" "$GH_BODIES/api.md" &&
	grep "^- .src/api/orders.c.\$" "$GH_BODIES/api.md" &&
	grep "^- Domain: ok\$" "$GH_BODIES/api.md" &&
	! test -e "$(git rev-parse --git-common-dir)/para/tmp/pr-body-api.md"
'

test_expect_success 'the body quotes the summary the task reported, if any' '
	sed -n "/^## Summary\$/,/^## Changes\$/p" "$GH_BODIES/api.md" >actual &&
	printf "## Summary\n\nAdded the orders endpoint\n\n## Changes\n" >expect &&
	test_cmp expect actual &&
	! grep "^## Summary" "$GH_BODIES/db.md"
'

test_expect_success 'no task gets a second pull request' '
	git para collect --pr api db >out &&
	grep "^task .api. has a pull request already: https://example.com/pulls/api\$" out &&
	printf "%s\n" api db >expect &&
	test_cmp expect "$GH_LOG"
'

test_expect_success 'a failing pull request command is reported, the others go on' '
	git para add -p src/auth -m "Fix login" auth &&
	collect_commit auth src/auth/login.c "auth 2" &&
	mkdir -p "$(git rev-parse --git-common-dir)/para/logs" &&
	printf "line %s\n" 1 2 3 >"$(git rev-parse --git-common-dir)/para/logs/auth.log" &&
	collect_succeed auth &&
	test_expect_code 1 env GH_FAIL=web git para collect --pr web auth >out 2>err &&
	grep "^error: the pull request command failed for task .web." err &&
	grep "^opened a pull request for task .auth." out &&
	test "$(collect_get web run.state)" = pushed &&
	test_must_fail collect_get web collect.prUrl &&
	! grep "^line" "$GH_BODIES/auth.md" &&
	git para collect --pr web >out &&
	grep "^opened a pull request for task .web.: https://example.com/pulls/web\$" out
'

test_expect_success 'a body has no log by default; para.prLogLines opts in, without local paths' '
	git para add -p src/l -m "Log me" logged &&
	collect_commit logged src/l/a "l" &&
	wt=$(collect_wt logged) &&
	top=$(pwd) &&
	log="$(git rev-parse --git-common-dir)/para/logs/logged.log" &&
	printf "%s\n" "SECRET=1" "built $wt/out.o" "in $top/src" "done" >"$log" &&
	collect_succeed logged &&
	git para collect --pr logged >out &&
	! grep -e SECRET -e "## Log" -e "$top" -e "$wt" "$GH_BODIES/logged.md" &&
	git config -f "$(collect_state_file logged)" --unset collect.prUrl &&
	git -c para.prLogLines=3 para collect --pr logged >out &&
	grep "^opened a pull request for task .logged." out &&
	sed -n "/^~~~~\$/,/^~~~~\$/p" "$GH_BODIES/logged.md" >actual &&
	cat >expect <<-\EOF &&
	~~~~
	built <worktree>/out.o
	in <repository>/src
	done
	~~~~
	EOF
	test_cmp expect actual &&
	! grep -e SECRET -e "$top" -e "$wt" "$GH_BODIES/logged.md"
'

test_expect_success 'para.prCommand gets the task in its environment' '
	git para add -p src/x -m "Title line
body" custom &&
	collect_commit custom src/x/a "x" &&
	collect_succeed custom &&
	git -c para.prCommand="echo \"\$PARA_TASK|\$PARA_TITLE|\$PARA_BASE_BRANCH|\$PARA_BRANCH\" >../custom.out; echo see http://example.org/custom/1 for it" \
		para collect --pr custom &&
	echo "custom|Title line|main|solve/custom" >expect &&
	test_cmp expect ../custom.out &&
	test "$(collect_get custom collect.prUrl)" = http://example.org/custom/1
'

test_expect_success 'a command that prints no URL is an error' '
	git para add -p src/y nourl &&
	collect_commit nourl src/y/a "y" &&
	collect_succeed nourl &&
	test_expect_code 1 git -c para.prCommand=true para collect --pr nourl 2>err &&
	grep "^error: the pull request command printed no URL for task .nourl." err &&
	test_must_fail collect_get nourl collect.prUrl
'

# remote_lacks <branch>: the bare remote has no such branch
remote_lacks () {
	test_must_fail git -C ../remote.git rev-parse -q --verify "refs/heads/$1"
}

test_expect_success 'a named task that did not succeed is not pushed' '
	git para add -p src/f bad &&
	collect_commit bad src/f/a "f" &&
	git config -f "$(collect_state_file bad)" run.state failed &&
	git para add -p src/t slow &&
	collect_commit slow src/t/a "t" &&
	git config -f "$(collect_state_file slow)" run.state timed-out &&
	git para add -p src/n fresh &&
	test_expect_code 1 git para collect --push bad slow fresh >out 2>err &&
	test_must_be_empty out &&
	cat >expect <<-EOF &&
	error: not pushing task ${SQ}bad${SQ}: it is failed, not succeeded or merged
	error: not pushing task ${SQ}slow${SQ}: it is timed-out, not succeeded or merged
	error: not pushing task ${SQ}fresh${SQ}: it is new, not succeeded or merged
	hint: use --force to push them anyway
	EOF
	test_cmp expect err &&
	for t in bad slow fresh; do
		remote_lacks solve/$t &&
		test_must_fail collect_get $t collect.pushedTo || return 1
	done &&
	test "$(collect_get bad run.state)" = failed &&
	test "$(collect_get slow run.state)" = timed-out &&
	test "$(collect_get fresh run.state)" = new
'

test_expect_success 'the others named with it are pushed, the exit status is 1' '
	test_expect_code 1 git para collect --push bad api >out 2>err &&
	grep "^pushed task .api. to .origin." out &&
	! grep bad out &&
	grep "^error: not pushing task .bad.: it is failed" err &&
	remote_lacks solve/bad &&
	test "$(collect_get bad run.state)" = failed
'

test_expect_success '--pr refuses them too, and runs no pull request command' '
	: >"$GH_LOG" &&
	test_expect_code 1 git para collect --pr bad >out 2>err &&
	test_must_be_empty out &&
	grep "^error: not pushing task .bad.: it is failed" err &&
	test_must_be_empty "$GH_LOG" &&
	remote_lacks solve/bad &&
	test_must_fail collect_get bad collect.prUrl
'

test_expect_success 'without names, only succeeded tasks are taken' '
	git para collect --push >out 2>err &&
	! grep -e bad -e slow -e fresh out err &&
	remote_lacks solve/bad && remote_lacks solve/slow
'

test_expect_success '--force pushes a failed task, which stays failed' '
	git para collect --push --force bad >out 2>err &&
	grep "^pushed task .bad. to .origin." out &&
	git rev-parse solve/bad >expect &&
	git -C ../remote.git rev-parse refs/heads/solve/bad >actual &&
	test_cmp expect actual &&
	echo "failed origin" >expect &&
	echo "$(collect_get bad run.state) $(collect_get bad collect.pushedTo)" >actual &&
	test_cmp expect actual &&
	git para collect --pr -f slow >out &&
	grep "^opened a pull request for task .slow." out &&
	echo "timed-out https://example.com/pulls/slow" >expect &&
	echo "$(collect_get slow run.state) $(collect_get slow collect.prUrl)" >actual &&
	test_cmp expect actual
'

test_expect_success '--force goes only with --push or --pr' '
	test_expect_code 129 git para collect --force bad 2>err &&
	grep "^error: --force goes only with --push or --pr" err
'

test_done
