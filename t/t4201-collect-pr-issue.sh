#!/bin/sh

test_description='git para collect --pr for issues: Fixes, titles, stacks, drafts, refresh'

. ./test-lib.sh
. "$T_DIR/lib-collect.sh"
. "$T_DIR/lib-gh.sh"

SQ="'"

# pr_calls: the pr create calls the stand-in saw, without the body file
pr_calls () {
	gh_calls | sed -n "s/ <--body-file> <[^>]*>//; s/ PARA_ISSUE=.*//; /<pr> <create>/p"
}

test_expect_success 'setup: three issues, each after the one before' '
	gh_setup &&
	git init -q --bare remote.git &&
	collect_setup_repo &&
	cd repo &&
	git remote add origin ../remote.git &&
	git push -q origin main &&
	gh_issue 41 "Schema for orders" "Paths: src/db/" &&
	gh_issue 42 "Orders API" "Paths: src/api/
After: #41" &&
	gh_issue 43 "Document the orders API" "Paths: docs/
After: #42" &&
	git para add --issue 41 --issue 42 --issue 43 &&
	collect_commit issue-41 src/db/schema.sql "db 2" &&
	collect_commit issue-42 src/api/orders.c "api 2" &&
	collect_commit issue-43 docs/guide.md "doc 2" &&
	collect_succeed issue-41 issue-42 issue-43
'

test_expect_success 'collect --pr --stack: each pull request goes into its dependency' '
	rm -f "$GH_DIR/log" &&
	git para collect --pr --stack >out &&
	cat >expect <<-EOF &&
	gh <pr> <create> <--base> <main> <--head> <solve/issue-41> <--title> <Schema for orders>
	gh <pr> <create> <--base> <solve/issue-41> <--head> <solve/issue-42> <--title> <Orders API>
	gh <pr> <create> <--base> <solve/issue-42> <--head> <solve/issue-43> <--title> <Document the orders API>
	EOF
	pr_calls >actual &&
	test_cmp expect actual &&
	test_grep "^opened a pull request for task .issue-42.: https://github.com/example/shop/pull/2\$" out &&
	echo https://github.com/example/shop/pull/3 >expect &&
	collect_get issue-43 collect.prUrl >actual &&
	test_cmp expect actual
'

test_expect_success 'the bodies say Fixes and what they are stacked on' '
	test_grep "^Fixes #41\$" "$GH_DIR/body-solve-issue-41.md" &&
	test_grep "^Fixes #42\$" "$GH_DIR/body-solve-issue-42.md" &&
	test_grep ! "Stacked on" "$GH_DIR/body-solve-issue-41.md" &&
	test_grep "^Stacked on https://github.com/example/shop/pull/1, task .issue-41.: this pull request goes into its branch .solve/issue-41. and shows only this task.s changes. Merge that one first.\$" "$GH_DIR/body-solve-issue-42.md" &&
	test_grep "^Stacked on https://github.com/example/shop/pull/2, task .issue-42.: " "$GH_DIR/body-solve-issue-43.md" &&
	test_grep "^Solve issue #42: Orders API\$" "$GH_DIR/body-solve-issue-42.md"
'

test_expect_success 'a second --pr opens nothing' '
	rm -f "$GH_DIR/log" &&
	git para collect --pr --stack issue-42 >out &&
	test_grep "^task .issue-42. has a pull request already: https://github.com/example/shop/pull/2\$" out &&
	pr_calls >actual &&
	test_must_be_empty actual
'

test_expect_success 'setup: more tasks' '
	gh_issue 50 "Auth: \$(touch pwned) \`id\`" "Paths: src/auth/" &&
	git para add --issue 50 &&
	git para add -p README -m "Polish the readme
in detail" readme &&
	gh_issue 52 "Guide" "After: #50" &&
	git para add --issue 52 -p docs/other/ &&
	collect_commit issue-50 src/auth/login.c "auth 2" &&
	collect_commit readme README "readme 2" &&
	collect_commit issue-52 docs/other/x.md "x" &&
	collect_succeed issue-50 readme issue-52
'

test_expect_success 'without --stack a dependent pull request goes into the base' '
	rm -f "$GH_DIR/log" &&
	git -c para.prCloses=false para collect --pr --draft issue-50 issue-52 readme &&
	cat >expect <<-EOF &&
	gh <pr> <create> <--base> <main> <--head> <solve/issue-50> <--title> <Auth: \$(touch pwned) \`id\`> <--draft>
	gh <pr> <create> <--base> <main> <--head> <solve/issue-52> <--title> <Guide> <--draft>
	gh <pr> <create> <--base> <main> <--head> <solve/readme> <--title> <Polish the readme> <--draft>
	EOF
	pr_calls >actual &&
	test_cmp expect actual &&
	test_grep ! "Fixes" "$GH_DIR/body-solve-issue-50.md" &&
	test_grep ! "Stacked" "$GH_DIR/body-solve-issue-52.md" &&
	test_path_is_missing pwned && test_path_is_missing ../pwned
'

test_expect_success 'para.prTitle shapes the title; no --draft, no --draft argument' '
	gh_issue 60 "Cache" "Paths: src/cache/" &&
	git para add --issue 60 &&
	git para add -p lib/ -m "Tidy up" tidy &&
	collect_commit issue-60 src/cache/c.c "c" &&
	collect_commit tidy lib/t.c "t" &&
	collect_succeed issue-60 tidy &&
	rm -f "$GH_DIR/log" &&
	git -c para.prTitle="%(title) (#%(issue), %(task), 100%%) %(nope)" para collect --pr issue-60 tidy &&
	cat >expect <<-EOF &&
	gh <pr> <create> <--base> <main> <--head> <solve/issue-60> <--title> <Cache (#60, issue-60, 100%) %(nope)>
	gh <pr> <create> <--base> <main> <--head> <solve/tidy> <--title> <Tidy up (#, tidy, 100%) %(nope)>
	EOF
	pr_calls >actual &&
	test_cmp expect actual
'

test_expect_success 'a stacked pull request whose base failed is not opened' '
	gh_issue 70 "Base" "Paths: src/base/" &&
	gh_issue 71 "Top" "Paths: src/top/
After: #70" &&
	git para add --issue 70 --issue 71 &&
	collect_commit issue-70 src/base/b.c "b" &&
	collect_commit issue-71 src/top/t.c "t" &&
	collect_succeed issue-70 issue-71 &&
	rm -f "$GH_DIR/log" &&
	test_expect_code 1 git -c para.prCommand="test \"\$PARA_TASK\" != issue-70 || { echo nope >&2; exit 1; }; gh pr create --base \"\$PARA_BASE_BRANCH\" --head \"\$PARA_BRANCH\" --title \"\$PARA_TITLE\" --body-file \"\$PARA_BODY_FILE\"" \
		para collect --pr --stack issue-70 issue-71 2>err &&
	test_grep "^error: the pull request command failed for task .issue-70. (exit status 1)" err &&
	test_grep "^error: not opening a pull request for task .issue-71.: the one of .issue-70. it is stacked on failed\$" err &&
	pr_calls >actual &&
	test_must_be_empty actual &&
	test_must_fail collect_get issue-71 collect.prUrl
'

test_expect_success 'a stack on a dependency pushed before' '
	rm -f "$GH_DIR/log" &&
	git para collect --pr --stack issue-70 &&
	git para collect --pr --stack issue-71 &&
	pr_calls >actual &&
	test_grep "<--base> <solve/issue-70> <--head> <solve/issue-71>" actual
'

test_expect_success '--stack and --draft go only with --pr' '
	test_expect_code 129 git para collect --stack 2>err &&
	test_grep "^error: --stack and --draft go only with --pr" err &&
	test_expect_code 129 git para collect --push --draft 2>err &&
	test_grep "^error: --stack and --draft go only with --pr" err &&
	test_expect_code 129 git para collect --refresh --pr 2>err &&
	test_grep "cannot be used together" err
'

test_expect_success 'collect --refresh records state and checks' '
	gh_pr 1 MERGED build=SUCCESS lint=SKIPPED ci/legacy:SUCCESS &&
	gh_pr 2 OPEN build=SUCCESS test=FAILURE &&
	gh_pr 3 OPEN build= ci/legacy:SUCCESS &&
	gh_pr 4 CLOSED &&
	gh_pr 5 OPEN ci/legacy:ERROR &&
	for n in 6 7 8 9 10 11; do gh_pr $n OPEN build=NEUTRAL || return 1; done &&
	rm -f "$GH_DIR/log" &&
	git para collect --refresh >out &&
	cat >expect <<-EOF &&
	task ${SQ}issue-41${SQ}: pull request merged, checks passing
	task ${SQ}issue-42${SQ}: pull request open, checks failing
	task ${SQ}issue-43${SQ}: pull request open, checks pending
	task ${SQ}issue-50${SQ}: pull request closed, checks none
	task ${SQ}issue-52${SQ}: pull request open, checks failing
	task ${SQ}issue-60${SQ}: pull request open, checks passing
	task ${SQ}issue-70${SQ}: pull request open, checks passing
	task ${SQ}issue-71${SQ}: pull request open, checks passing
	task ${SQ}readme${SQ}: pull request open, checks passing
	task ${SQ}tidy${SQ}: pull request open, checks passing
	EOF
	test_cmp expect out &&
	test_grep "^gh <pr> <view> <https://github.com/example/shop/pull/1> <--json> <state,mergedAt,statusCheckRollup> PARA_ISSUE=<41>" "$GH_DIR/log" &&
	echo "merged passing 2026-01-05T10:00:00Z" >expect &&
	echo "$(collect_get issue-41 collect.prState) $(collect_get issue-41 collect.prChecks) $(collect_get issue-41 collect.prMergedAt)" >actual &&
	test_cmp expect actual &&
	test_must_fail collect_get issue-42 collect.prMergedAt &&
	test $(collect_get issue-42 collect.prRefreshed) -gt 0 &&
	echo pr-open >expect && collect_get issue-41 run.state >actual &&
	test_cmp expect actual
'

test_expect_success 'status shows what the refresh found' '
	git para status >out &&
	test_grep "^issue-41 .* PR merged, checks passing *\$" out &&
	test_grep "^issue-42 .* PR open, checks failing *\$" out &&
	git para status -v issue-41 >out &&
	test_grep "^    pr https://github.com/example/shop/pull/1 (merged)\$" out &&
	git para status --json issue-41 >json &&
	test_grep "\"prUrl\":\"https://github.com/example/shop/pull/1\",\"prState\":\"merged\",\"prChecks\":\"passing\",\"prMergedAt\":\"2026-01-05T10:00:00Z\",\"prRefreshed\":[0-9]" json
'

test_expect_success 'status --refresh asks first' '
	gh_pr 2 OPEN build=SUCCESS test=SUCCESS &&
	rm -f "$GH_DIR/log" &&
	git para status --refresh issue-42 issue-41 >out &&
	test_grep "^issue-42 .* PR open, checks passing *\$" out &&
	test $(gh_calls | wc -l) = 2
'

test_expect_success 'a refresh that fails names the command and records nothing' '
	gh_pr 3 MERGED &&
	test_expect_code 1 git -c para.prStateCommand="echo forge down >&2; exit 3" para collect --refresh issue-43 2>err &&
	echo "error: cannot refresh the pull request of task ${SQ}issue-43${SQ}: para.prStateCommand ${SQ}echo forge down >&2; exit 3${SQ} failed (exit status 3): forge down" >expect &&
	test_cmp expect err &&
	echo "open pending" >expect &&
	echo "$(collect_get issue-43 collect.prState) $(collect_get issue-43 collect.prChecks)" >actual &&
	test_cmp expect actual &&
	git -c para.prStateCommand="exit 3" para status --refresh issue-43 >out 2>err &&
	test_grep "^warning: cannot refresh the pull request of task .issue-43.: para.prStateCommand .exit 3. failed (exit status 3)\$" err &&
	test_grep "^issue-43 .* PR open, checks pending" out
'

test_expect_success 'a refresh with output that is no pull request state' '
	test_expect_code 1 git -c para.prStateCommand="echo {\\\"state\\\":\\\"WEIRD\\\"}" para collect --refresh issue-43 2>err &&
	echo "error: cannot refresh the pull request of task ${SQ}issue-43${SQ}: para.prStateCommand printed no pull request state: \"state\" is not OPEN, CLOSED or MERGED" >expect &&
	test_cmp expect err &&
	test_expect_code 1 git -c para.prStateCommand="echo [" para collect --refresh issue-43 2>err &&
	test_grep "printed no pull request state: line 2, column 1: value expected" err
'

test_expect_success 'a named task without a pull request' '
	git para add -p misc/ nopr &&
	test_expect_code 1 git para collect --refresh nopr 2>err &&
	echo "error: task ${SQ}nopr${SQ} has no pull request" >expect &&
	test_cmp expect err &&
	test_expect_code 128 git para collect --refresh nosuch 2>err &&
	test_grep "nosuch" err
'

test_expect_success JQ 'the GitLab variant of the manual reads glab mr view' '
	cat >"$TRASH_DIRECTORY/bin/glab" <<-\EOF &&
	#!/bin/sh
	test "$1 $2 $4 $5" = "mr view --output json" || exit 2
	case "$3" in
	solve/issue-41) echo "{\"iid\":1,\"state\":\"merged\",\"merged_at\":\"2026-02-01T00:00:00Z\",\"head_pipeline\":{\"status\":\"success\"}}" ;;
	solve/issue-42) echo "{\"iid\":2,\"state\":\"opened\",\"merged_at\":null,\"head_pipeline\":{\"status\":\"failed\"}}" ;;
	solve/issue-43) echo "{\"iid\":3,\"state\":\"opened\",\"merged_at\":null,\"head_pipeline\":{\"status\":\"running\"}}" ;;
	*) echo "{\"iid\":4,\"state\":\"closed\",\"merged_at\":null,\"head_pipeline\":null}" ;;
	esac
	EOF
	chmod +x "$TRASH_DIRECTORY/bin/glab" &&
	sed -n "s/^\$ git config para.prStateCommand //p" \
		"$T_DIR/../Documentation/git-para-collect.adoc" >cmd &&
	eval "git config para.prStateCommand $(cat cmd)" &&
	git para collect --refresh issue-41 issue-42 issue-43 readme >out &&
	git config --unset para.prStateCommand &&
	cat >expect <<-EOF &&
	task ${SQ}issue-41${SQ}: pull request merged, checks passing
	task ${SQ}issue-42${SQ}: pull request open, checks failing
	task ${SQ}issue-43${SQ}: pull request open, checks pending
	task ${SQ}readme${SQ}: pull request closed, checks none
	EOF
	test_cmp expect out
'

test_done
