#!/bin/sh
#
# What git-para itself puts into a worktree (para.copy, para.setup) is
# never the task's work: not committed, pushed, counted as a change, an
# overlap or a conflict, and it never blocks a dependency merge, whether
# or not the repository ignores it.  Here the repository does not.

test_description='provisioned files are not the task'"'"'s work'

. ./test-lib.sh

wt () {
	git config -f .git/para/tasks/"$1" task.worktree
}

test_expect_success 'setup: a repository that does not ignore .env' '
	git init -q --bare origin.git &&
	test_create_repo repo &&
	(
		cd repo &&
		echo "*.o" >.gitignore &&
		git add .gitignore &&
		git commit -q -m "ignore objects only" &&
		git remote add origin ../origin.git &&
		git push -q origin main &&
		git fetch -q origin &&
		git remote set-head origin main &&
		echo "API_KEY=s3cr3t" >.env &&
		git config para.copy .env &&
		git config para.setup "echo built >.setup-stamp && mkdir -p build && echo o >build/out" &&
		git config --add para.sharedPath nothing-shared
	)
'

test_expect_success 'add provisions .env and the setup output, hidden from git' '
	(
		cd repo &&
		git para add -p src/api -m "api work" a 2>../err &&
		test_grep ! "warning" ../err &&
		w=$(wt a) &&
		test_path_is_file "$w/.env" &&
		test_path_is_file "$w/.setup-stamp" &&
		git -C "$w" status --porcelain >../st &&
		test_must_be_empty ../st &&
		git para add -p src/db --after a -m "db work" b &&
		git para add -p docs --sparse -m "docs" c
	)
'

test_expect_success 'the main worktree still sees its .env' '
	git -C repo status --porcelain >st &&
	echo "?? .env" >expect &&
	test_cmp expect st
'

test_expect_success 'status shows the tasks clean; -v and --json list what was provisioned' '
	(
		cd repo &&
		git para status --porcelain >../out &&
		cut -f1,7 ../out >../dirty &&
		printf "a\t0\nb\t0\nc\t0\n" >../expect &&
		test_cmp ../expect ../dirty &&
		git para status -v a >../out &&
		test_grep "provisioned .env (copy)" ../out &&
		test_grep "provisioned .setup-stamp (setup)" ../out &&
		test_grep "provisioned build/ (setup)" ../out &&
		git para status --json a >../out.json &&
		python3 -c "
import json, sys
t = json.load(open(\"../out.json\"))[\"tasks\"][0]
got = sorted((p[\"path\"], p[\"how\"]) for p in t[\"provisioned\"])
want = [(\".env\", \"copy\"), (\".setup-stamp\", \"setup\"), (\"build/\", \"setup\")]
sys.exit(0 if got == want else \"got %r\" % got)
"
	)
'

test_expect_success 'run: autoCommit commits the work only; the dependency merge works' '
	(
		cd repo &&
		git config para.command "echo \$PARA_TASK >>\"\$(echo \$PARA_DOMAIN | cut -d\" \" -f1)/by-\$PARA_TASK\"" &&
		git para run -j1 >out 2>err &&
		test_grep "3 succeeded" out &&
		for t in a b c
		do
			git ls-tree -r --name-only solve/$t >files &&
			test_grep ! -e "^.env$" -e setup-stamp -e "^build/" files ||
			return 1
		done &&
		git ls-tree -r --name-only solve/b >files &&
		test_grep "^src/api/by-a$" files &&
		test_grep "^src/db/by-b$" files &&
		git ls-tree -r --name-only solve/c >files &&
		test_grep "^docs/by-c$" files
	)
'

test_expect_success 'collect finds no domain breach, overlap or conflict' '
	(
		cd repo &&
		git para collect --check >out &&
		test_grep ! ".env" out &&
		test_grep ! "setup-stamp" out
	)
'

test_expect_success 'collect --push pushes no provisioned file' '
	(
		cd repo &&
		git para collect --push a b c >out 2>err
	) &&
	for t in a b c
	do
		git -C origin.git ls-tree -r --name-only solve/$t >files &&
		test_grep ! -e "^.env$" -e setup-stamp files ||
		return 1
	done &&
	git -C origin.git grep -q s3cr3t $(git -C origin.git for-each-ref --format="%(refname)") -- . && return 1 ||
	true
'

test_expect_success 'a provisioned file the task changes is its work, with a warning' '
	(
		cd repo &&
		git para add -p src/auth -m "rotate the key" d &&
		git para run d -- true &&
		git para run d -- sh -c "echo API_KEY=new >.env" &&
		git config para.command "echo rotated >src/auth/rotated" &&
		git para run d >out 2>err &&
		cat out err >all &&
		test_grep "changed the provisioned file .\.env." all &&
		git show solve/d:.env >env &&
		echo API_KEY=new >expect &&
		test_cmp expect env &&
		git show solve/d:src/auth/rotated
	)
'

test_expect_success 'a branch that commits an unchanged provisioned file is not pushed' '
	(
		cd repo &&
		git para add -p src/leak -m "leak" g &&
		git para run g -- sh -c "git add -f .env && git commit -q -m oops" &&
		git config -f .git/para/tasks/g run.state succeeded &&
		test_expect_code 1 git para collect --push g >out 2>err &&
		test_grep "not pushing task .g.: its branch commits .\.env., which git-para provisioned and the task did not change" err &&
		test_must_fail git -C ../origin.git rev-parse --verify -q refs/heads/solve/g &&
		test "$(git config -f .git/para/tasks/g run.state)" = succeeded
	)
'

test_expect_success 'a para.copy pattern that matches nothing warns' '
	(
		cd repo &&
		git -c para.copy=.env -c para.copy=.envrc para add -p docs/e e 2>err &&
		test_grep "warning: para.copy pattern .\.envrc. matches no untracked file" err &&
		test_path_is_file "$(wt e)/.env"
	)
'

test_expect_success 'a failed add leaves no provision record behind' '
	(
		cd repo &&
		test_must_fail git -c para.setup="touch made && false" para add f 2>err &&
		test_grep "para.setup failed" err &&
		test_path_is_missing .git/para/provision/f &&
		test_path_is_missing .git/para/provision/f.exclude
	)
'

test_expect_success 'prune removes the record with the task' '
	(
		cd repo &&
		test_path_is_file .git/para/provision/e &&
		git para prune e &&
		test_path_is_missing .git/para/provision/e &&
		test_path_is_missing .git/para/provision/e.exclude
	)
'

test_done
