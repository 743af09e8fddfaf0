#!/bin/sh

test_description='git para add: one task from the command line'

. ./test-lib.sh

state_dir () {
	echo "$TRASH_DIRECTORY/repo/.git/para"
}

test_expect_success 'setup' '
	test_create_repo repo
'

test_expect_success 'add --offline --issue creates branch, worktree and state' '
	(
		cd repo &&
		git para add --offline --issue 42 -p src/api >../out &&
		git show-ref --verify refs/heads/solve/issue-42 &&
		test -f ../repo-worktrees/issue-42/src/api/orders.c &&
		git -C ../repo-worktrees/issue-42 symbolic-ref HEAD >../head &&
		git config -f .git/para/tasks/issue-42 task.prompt >../prompt &&
		git config -f .git/para/tasks/issue-42 run.state >../state &&
		git config -f .git/para/tasks/issue-42 task.base >../base &&
		git rev-parse HEAD >../expect-base
	) &&
	grep "^Created task .issue-42. on branch .solve/issue-42." out &&
	echo refs/heads/solve/issue-42 >expect && test_cmp expect head &&
	echo "Solve issue #42" >expect && test_cmp expect prompt &&
	echo new >expect && test_cmp expect state &&
	test_cmp expect-base base
'

test_expect_success 'the worktree is a normal git worktree' '
	(
		cd repo &&
		git worktree list >../list &&
		git -C ../repo-worktrees/issue-42 status --short >../st
	) &&
	grep "repo-worktrees/issue-42 .*\[solve/issue-42\]" list &&
	test_must_be_empty st
'

test_expect_success 'add "#7" names the task issue-7' '
	(cd repo && git para add --offline --issue "#7" -q) &&
	test -d repo-worktrees/issue-7
'

test_expect_success 'an existing task is refused, nothing changes' '
	(
		cd repo &&
		test_expect_code 128 git para add --offline --issue 42 2>../err
	) &&
	grep "^fatal: task .issue-42. already exists" err
'

for bad in "a/b:only lower-case letters" "../x:it must start with" \
	"has space:only lower-case letters" "Upper:it must start with" \
	"upPer:only lower-case letters" "-x:unknown switch" \
	"x..y:must not contain" "x.lock:must not end with .\.lock." \
	"x.:must not end with .\..:" \
	"aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa:longer than 64"
do
	name=${bad%%:*}
	why=${bad#*:}
	why=${why%:}
	test_expect_success "bad task name '$name' is refused before anything is created" '
		(
			cd repo &&
			git for-each-ref >../refs-before &&
			test_must_fail git para add "$name" 2>../err &&
			git for-each-ref >../refs-after &&
			test_cmp ../refs-before ../refs-after
		) &&
		grep -e "$why" err &&
		! test -e "repo-worktrees/$name" &&
		! test -e "repo/.git/para/tasks/$name"
	'
done

test_expect_success 'a name with a leading dash after -- is refused by the name rule' '
	(cd repo && test_expect_code 128 git para add -- -dash 2>../err) &&
	grep "invalid task name .-dash.: it must start with a lower-case letter or a digit" err &&
	! test -e repo-worktrees/-dash
'

test_expect_success 'a name of exactly 64 bytes is accepted' '
	name=$(printf "%064d" 0 | tr 0 a) &&
	(cd repo && git para add -q "$name") &&
	test -d "repo-worktrees/$name"
'

test_expect_success 'bad name exits 128 with the rule named' '
	(cd repo && test_expect_code 128 git para add "A" 2>../err) &&
	echo "fatal: invalid task name '"'A'"': it must start with a lower-case letter or a digit" >expect &&
	test_cmp expect err
'

test_expect_success 'a name and --issue together are a fatal error' '
	(cd repo && test_expect_code 128 git para add --issue 3 three 2>../err) &&
	grep "cannot be used together" err &&
	! test -e repo-worktrees/three && ! test -e repo-worktrees/issue-3
'

test_expect_success 'no name and no --issue is an error' '
	(cd repo && test_expect_code 128 git para add 2>../err) &&
	grep "needs a name or --issue" err
'

test_expect_success 'bad issue numbers are refused' '
	(cd repo && test_expect_code 128 git para add --issue 4x 2>../err) &&
	grep "invalid issue .4x." err
'

for pat in "/etc:absolute" "../x:outside the repository" \
	".:names the whole repository" "a//b:empty segment" \
	"src/[ab:unbalanced" "a**b:\*\*" ":empty"
do
	p=${pat%%:*}
	why=${pat#*:}
	test_expect_success "bad pattern '$p' is refused, nothing created" '
		(
			cd repo &&
			test_expect_code 128 git para add -p "$p" badpat 2>../err
		) &&
		grep "^fatal: .*$why" err &&
		test_no_task_at badpat
	'
done

test_expect_success 'overlapping domains are refused with both patterns and an example' '
	(
		cd repo &&
		test_expect_code 128 git para add -p "src/*" wide 2>../err
	) &&
	grep "fatal: the domain of task .wide. overlaps task .issue-42.: .src/\*. and .src/api. both cover .src/api" err &&
	test_no_task_at wide
'

test_expect_success '--allow-overlap accepts it' '
	(cd repo && git para add -q --allow-overlap -p "src/api/*" wide) &&
	test -d repo-worktrees/wide
'

test_expect_success 'disjoint domains are accepted' '
	(cd repo && git para add -q -p src/db -p "docs/*.md" db) &&
	git config -f repo/.git/para/tasks/db --get-all task.path >actual &&
	printf "src/db\ndocs/*.md\n" >expect &&
	test_cmp expect actual
'

test_expect_success '-b names the branch, --base the start' '
	(
		cd repo &&
		git para add -q -b feature/x --base HEAD -p README readme &&
		git show-ref --verify refs/heads/feature/x
	)
'

test_expect_success 'an existing branch is refused without --reuse-branch' '
	(
		cd repo &&
		git branch solve/old &&
		test_expect_code 128 git para add old 2>../err
	) &&
	grep "a branch named .solve/old. already exists" err &&
	! test -e repo-worktrees/old &&
	! test -e repo/.git/para/tasks/old
'

test_expect_success '--reuse-branch starts the task on the existing branch' '
	(
		cd repo &&
		git para add -q --reuse-branch old &&
		git -C ../repo-worktrees/old symbolic-ref HEAD >../head
	) &&
	echo refs/heads/solve/old >expect &&
	test_cmp expect head
'

test_expect_success '--reuse-branch of a branch checked out elsewhere is refused, even with -n' '
	(
		cd repo &&
		test_expect_code 128 git para add -n --reuse-branch -b main here 2>../err &&
		git worktree add -q ../manual -b manual &&
		test_expect_code 128 git para add --reuse-branch -b manual here 2>../err2 &&
		git worktree remove ../manual
	) &&
	grep "branch .main. is checked out in another worktree" err &&
	grep "branch .manual. is checked out in another worktree" err2 &&
	test_no_task_at here &&
	git -C repo show-ref --verify -q refs/heads/main
'

test_expect_success 'an invalid branch name is refused' '
	(cd repo && test_expect_code 128 git para add -b "bad..name" bb 2>../err) &&
	grep "is not a valid branch name" err &&
	test_no_task_at bb
'
test_expect_success 'branch names git refuses are refused' '
	for b in @ HEAD -dash x.lock "a b" x/ "a@{1}"; do
		(cd repo && test_expect_code 128 git para add -b "$b" bb 2>../err) &&
		grep "^fatal: .* is not a valid branch name" err &&
		test_no_task_at bb || return 1
	done
'


test_expect_success 'a bad --base is refused' '
	(cd repo && test_expect_code 128 git para add --base nosuchrev nb 2>../err) &&
	grep "nosuchrev" err &&
	test_no_task_at nb
'

test_expect_success '--after an unknown task is refused' '
	(cd repo && test_expect_code 128 git para add --after ghost af 2>../err) &&
	grep "unknown task .ghost." err &&
	test_no_task_at af
'

test_expect_success '--after, --exclusive, --lock, --command and -m are recorded' '
	(
		cd repo &&
		git para add -q --after db --exclusive --lock db --lock gpu \
			--command "make check" -m "do it; \"now\"" rec
	) &&
	f=repo/.git/para/tasks/rec &&
	test "$(git config -f $f task.after)" = db &&
	test "$(git config -f $f task.exclusive)" = true &&
	test "$(git config -f $f --get-all task.lock | tr "\n" " ")" = "db gpu " &&
	test "$(git config -f $f task.command)" = "make check" &&
	test "$(git config -f $f task.prompt)" = "do it; \"now\""
'

test_expect_success 'an empty --command is refused' '
	(cd repo && test_expect_code 128 git para add --command= emptycmd 2>../err) &&
	grep "^fatal: --command needs a command" err &&
	test_no_task_at emptycmd
'

test_expect_success 'a task cannot run after itself' '
	(cd repo && test_expect_code 128 git para add --after self self 2>../err) &&
	grep "cannot run after itself" err
'

test_expect_success '--prompt-file reads the prompt exactly' '
	printf "line one\n# not a comment; really\n\ttabbed \\\\ end\n" >prompt.txt &&
	(cd repo && git para add -q --prompt-file ../prompt.txt pf) &&
	git config -z -f repo/.git/para/tasks/pf task.prompt >actual &&
	printf "\0" >>prompt.txt &&
	test_cmp prompt.txt actual
'

test_expect_success 'a missing --prompt-file is refused' '
	(cd repo && test_expect_code 128 git para add --prompt-file ../nope np 2>../err) &&
	grep "cannot read prompt file" err &&
	test_no_task_at np
'

test_expect_success '--prompt and --prompt-file together are refused' '
	(cd repo && test_expect_code 128 git para add -m x --prompt-file ../prompt.txt both 2>../err) &&
	grep "cannot be used together" err
'

test_expect_success '--dry-run shows the plan and creates nothing' '
	(cd repo && git para add --dry-run -p "src/auth/**" dry >../out) &&
	grep "would create task .dry." out &&
	grep "domain: *src/auth/\*\*" out &&
	test_no_task_at dry
'

test_expect_success 'para.requireDomain refuses a task without --path' '
	(
		cd repo &&
		test_expect_code 128 git -c para.requireDomain=true para add nodom 2>../err
	) &&
	grep "has no domain, and para.requireDomain is set" err &&
	test_no_task_at nodom
'

test_expect_success 'a bad boolean in para.requireDomain is fatal, naming key and value' '
	(
		cd repo &&
		test_expect_code 128 git -c para.requireDomain=maybe para add x1 2>../err
	) &&
	grep "maybe" err && grep "para.requireDomain" err
'

test_expect_success 'git -c para.requireDomain without a value means true' '
	(
		cd repo &&
		test_expect_code 128 git -c para.requireDomain para add nodom 2>../err
	) &&
	grep "has no domain, and para.requireDomain is set" err &&
	test_no_task_at nodom
'

test_expect_success 'a bare para.requireDomain line in the config means true' '
	test_when_finished "git -C repo config --unset para.requireDomain" &&
	printf "[para]\n\trequireDomain\n" >>repo/.git/config &&
	(
		cd repo &&
		test_expect_code 128 git para add nodom 2>../err
	) &&
	grep "has no domain, and para.requireDomain is set" err &&
	test_no_task_at nodom
'

test_expect_success 'GIT_CONFIG_COUNT pairs are read, git -c wins over them' '
	(
		cd repo &&
		GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=para.requireDomain \
		GIT_CONFIG_VALUE_0=true \
			test_expect_code 128 git para add nodom 2>../err &&
		GIT_CONFIG_COUNT=1 GIT_CONFIG_KEY_0=para.requireDomain \
		GIT_CONFIG_VALUE_0=true \
			git -c para.requireDomain=false para add -n nodom
	) &&
	grep "has no domain, and para.requireDomain is set" err &&
	test_no_task_at nodom
'

test_expect_success 'a bare para.copy line in the config adds no pattern' '
	test_when_finished "git -C repo config --unset para.copy" &&
	printf "[para]\n\tcopy\n" >>repo/.git/config &&
	(cd repo && git para add -q barecopy) &&
	test -d repo-worktrees/barecopy
'

test_expect_success 'para.branchPrefix through git -c' '
	(cd repo && git -c para.branchPrefix=agent/ para add -q pre) &&
	git -C repo show-ref --verify refs/heads/agent/pre
'

test_expect_success 'para.worktreeDir moves the worktrees' '
	(cd repo && git -c para.worktreeDir=../elsewhere para add -q moved) &&
	test -d elsewhere/moved
'

test_expect_success 'the base defaults to the remote default branch' '
	git clone -q repo clone &&
	(
		cd repo && test_commit later
	) &&
	(
		cd clone &&
		git fetch -q &&
		git para add -q fromremote &&
		git config -f .git/para/tasks/fromremote task.baseRef >../ref &&
		git config -f .git/para/tasks/fromremote task.base >../base &&
		git rev-parse origin/main >../expect-base
	) &&
	echo refs/remotes/origin/main >expect &&
	test_cmp expect ref &&
	test_cmp expect-base base
'

test_expect_success 'para.base overrides the remote default' '
	(
		cd clone &&
		git -c para.base=HEAD~0 para add -q fromhead &&
		git config -f .git/para/tasks/fromhead task.base >../base &&
		git rev-parse HEAD >../expect
	) &&
	test_cmp expect base
'

test_expect_success 'works from a subdirectory, inside a task worktree and with -C' '
	(cd repo/src/api && git para add -q fromsub) &&
	(cd repo-worktrees/issue-42/src && git para add -q frominside) &&
	git -C repo para add -q withc &&
	for t in fromsub frominside withc; do
		test -f repo/.git/para/tasks/$t &&
		test -d repo-worktrees/$t || return 1
	done
'

test_expect_success 'works with GIT_DIR and GIT_WORK_TREE' '
	GIT_DIR="$TRASH_DIRECTORY/repo/.git" GIT_WORK_TREE="$TRASH_DIRECTORY/repo" \
		git para add -q viaenv &&
	test -d repo-worktrees/viaenv
'

test_expect_success 'in a bare repository the worktrees go beside it, without ".git"' '
	git clone -q --bare repo project.git &&
	(
		cd project.git &&
		git para add -q -p src/api inbare &&
		git para prune inbare >../out
	) &&
	test -d project-worktrees &&
	! test -e project-worktrees/inbare &&
	! test -e project.git-worktrees &&
	grep "Removed task .inbare." out &&
	! test -e project.git/para/tasks/inbare
'

test_expect_success 'para.copy copies untracked and ignored files' '
	(
		cd repo &&
		echo "SECRET=1" >.env &&
		mkdir -p conf && echo local >conf/local.ini &&
		echo ".env" >.git/info/exclude &&
		git -c para.copy=.env -c "para.copy=conf/*.ini" para add -q copied
	) &&
	test_cmp repo/.env repo-worktrees/copied/.env &&
	test_cmp repo/conf/local.ini repo-worktrees/copied/conf/local.ini
'

test_expect_success 'para.setup runs in the new worktree with the task environment' '
	(
		cd repo &&
		git -c para.setup="echo \$PARA_TASK \$PARA_BRANCH >setup.out; pwd >>setup.out" \
			para add -q setupok
	) &&
	printf "setupok solve/setupok\n%s\n" "$TRASH_DIRECTORY/repo-worktrees/setupok" >expect &&
	test_cmp expect repo-worktrees/setupok/setup.out
'

test_expect_success 'a failing para.setup removes worktree, branch and state' '
	(
		cd repo &&
		test_expect_code 128 git -c para.setup="echo doing; exit 3" \
			para add -p src/auth setupfail >../out 2>../err
	) &&
	grep "para.setup failed in .*setupfail.* (exit code 3); task .setupfail. was not created" err &&
	grep doing err &&
	test_must_be_empty out &&
	test_no_task_at setupfail &&
	git -C repo worktree list >list &&
	! grep setupfail list
'

test_expect_success 'a para.setup without a value removes worktree, branch and state' '
	(
		cd repo &&
		test_expect_code 128 git -c para.setup para add -p src/auth setupbare \
			>../out 2>../err
	) &&
	echo "fatal: missing value for '"'"'para.setup'"'"'" >expect &&
	test_cmp expect err &&
	test_must_be_empty out &&
	test_no_task_at setupbare
'

test_expect_success 'a failing para.copy removes worktree, branch and state' '
	(
		cd repo &&
		echo t >blocker && git add blocker && git commit -q -m blocker &&
		rm blocker && mkdir blocker && echo s >blocker/secret &&
		test_expect_code 128 git -c "para.copy=blocker/*" \
			para add -p src/auth copyfail 2>../err &&
		rm -r blocker && git checkout -q blocker
	) &&
	grep "cannot copy .blocker/secret. into task .copyfail." err &&
	test_no_task_at copyfail &&
	git -C repo worktree list >list &&
	! grep copyfail list
'

test_expect_success 'an interrupted add removes what it created, exit 130' '
	(
		cd repo || exit 1
		git -c para.setup="touch \"$TRASH_DIRECTORY/started\"; sleep 2" \
			para add -p lib/int interrupted 2>../err &
		pid=$!
		n=0
		while ! test -e ../started && test $n -lt 200; do
			sleep 0.05; n=$((n + 1))
		done
		pkill -TERM -f "git-para-add -p lib/int interrupted"
		wait $pid
		echo $? >../code
	) &&
	echo 130 >expect &&
	test_cmp expect code &&
	grep "interrupted; task .interrupted. was not created" err &&
	test_no_task_at interrupted
'

test_expect_success 'a failing checkout leaves nothing behind' '
	mkdir -p repo-worktrees/blocked && echo x >repo-worktrees/blocked/file &&
	(cd repo && test_expect_code 128 git para add blocked 2>../err) &&
	grep "already exists" err &&
	! git -C repo show-ref --verify --quiet refs/heads/solve/blocked &&
	! test -e repo/.git/para/tasks/blocked
'

test_expect_success '--sparse checks out only the domain and para.sparseContext' '
	(
		cd repo &&
		git -c para.sparseContext=README para add -q --sparse -p src/auth sp
	) &&
	test -f repo-worktrees/sp/src/auth/login.c &&
	test -f repo-worktrees/sp/README &&
	! test -e repo-worktrees/sp/src/api/orders.c &&
	! test -e repo-worktrees/sp/docs &&
	git -C repo-worktrees/sp status --porcelain >st &&
	test_must_be_empty st
'

test_expect_success '--sparse keeps backslashes, "#", "!" and trailing spaces literal' '
	(
		cd repo &&
		mkdir -p "odd/#hash" "odd/!bang" "odd/end " &&
		echo 1 >"odd/#hash/f" && echo 2 >"odd/!bang/f" &&
		echo 3 >"odd/end /f" && echo 4 >"odd/back\\slash" &&
		echo 5 >odd/other &&
		git add odd && git commit -q -m odd &&
		git para add -q --sparse -p "odd/#hash" -p "odd/!bang" \
			-p "odd/end " -p "odd/back\\slash" spodd
	) &&
	(cd repo-worktrees/spodd && find odd -type f | sort >../../actual) &&
	cat >expect <<-\EOF &&
	odd/!bang/f
	odd/#hash/f
	odd/back\slash
	odd/end /f
	EOF
	test_cmp expect actual
'

test_expect_success '--sparse of a directory ending in a space keeps it (no cone)' '
	(
		cd repo &&
		git para add -q --allow-overlap --sparse -p "odd/end " spaced
	) &&
	test -f "repo-worktrees/spaced/odd/end /f" &&
	! test -e "repo-worktrees/spaced/odd/#hash" &&
	test "$(git -C repo-worktrees/spaced config --worktree core.sparseCheckoutCone)" = false
'

test_expect_success '--sparse with directory paths uses cone mode and a sparse index' '
	(cd repo && git para add -q --allow-overlap --sparse -p src/db -p docs/ cone) &&
	test -f repo-worktrees/cone/src/db/schema.sql &&
	test -f repo-worktrees/cone/docs/guide.md &&
	! test -e repo-worktrees/cone/src/api/orders.c &&
	! test -e repo-worktrees/cone/src/auth/login.c &&
	test "$(git -C repo-worktrees/cone config --worktree core.sparseCheckoutCone)" = true &&
	test "$(git -C repo-worktrees/cone config --worktree index.sparse)" = true &&
	git -C repo-worktrees/cone status --porcelain >st &&
	test_must_be_empty st
'

test_expect_success '--sparse with wildcards or files stays exact (no cone)' '
	(cd repo && git para add -q --allow-overlap --sparse -p "src/auth/*.c" nocone) &&
	test -f repo-worktrees/nocone/src/auth/login.c &&
	! test -e repo-worktrees/nocone/README &&
	test "$(git -C repo-worktrees/nocone config --worktree core.sparseCheckoutCone)" = false
'

test_expect_success '--sparse without a domain is refused' '
	(cd repo && test_expect_code 128 git para add --sparse spx 2>../err) &&
	grep "needs a domain" err &&
	test_no_task_at spx
'

test_expect_success 'libgit2 still opens the repository after sparse-checkout' '
	(cd repo && git para add -q aftersparse) &&
	test -d repo-worktrees/aftersparse
'

test_expect_success 'too many arguments is a usage error' '
	(cd repo && test_expect_code 129 git para add one two 2>../err) &&
	grep "too many arguments" err
'

test_expect_success 'a damaged state file does not stop add' '
	(
		cd repo &&
		echo "[task" >.git/para/tasks/broken &&
		git para add -q afterdamage 2>../err
	) &&
	grep "warning: damaged state file" err &&
	test -d repo-worktrees/afterdamage &&
	rm repo/.git/para/tasks/broken
'

test_expect_success 'two adds at once never create the same name twice' '
	(
		cd repo || exit 1
		( git para add -q race >../r1 2>&1; echo $? >../c1 ) &
		( git para add -q race >../r2 2>&1; echo $? >../c2 ) &
		wait
	) &&
	cat c1 c2 | sort >codes &&
	printf "0\n128\n" >expect &&
	test_cmp expect codes &&
	cat r1 r2 | grep "task .race. already exists"
'

test_expect_success 'two overlapping adds at once: one wins' '
	(
		cd repo || exit 1
		( git para add -q -p lib ov1 >../r1 2>&1; echo $? >../c1 ) &
		( git para add -q -p lib/x ov2 >../r2 2>&1; echo $? >../c2 ) &
		wait
	) &&
	cat c1 c2 | sort >codes &&
	printf "0\n128\n" >expect &&
	test_cmp expect codes &&
	cat r1 r2 | grep "overlaps task"
'

test_done
