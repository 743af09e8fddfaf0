#!/bin/sh

test_description='git para edit: change a task that is not running'

. ./test-lib.sh
. "$T_DIR/lib-run.sh"

# same_state <task>: its state file is byte for byte as saved in <task>.saved
save_state () {
	cp "$(cd repo && para_state_file "$1")" "$1.saved"
}
test_para_tasks_in () {
	ls "$1/.git/para/tasks"
}
same_state () {
	cmp "$1.saved" "$(cd repo && para_state_file "$1")"
}
# state_but_paths <task>: its state file without its domain
state_but_paths () {
	grep -v "^	path = " "$(cd repo && para_state_file "$1")"
}
# paths_of <task>: its domain as recorded, a pattern a line
paths_of () {
	(cd repo && git config -f "$(para_state_file "$1")" --get-all task.path)
}

SQ="'"

test_expect_success 'setup' '
	test_create_repo repo &&
	(
		cd repo &&
		git para add -q -p src/api -m "API" api &&
		git para add -q -p src/db --after api -m "DB" db &&
		git para add -q -p docs -m "Docs" docs
	)
'

test_expect_success '-h shows the usage, exit 129' '
	test_expect_code 129 git -C repo para edit -h >out &&
	test_grep "usage: git para edit <task>" out
'

test_expect_success 'usage errors: no task, two tasks, nothing to change, both forms' '
	test_expect_code 129 git -C repo para edit 2>err &&
	test_grep "which task?" err &&
	test_expect_code 129 git -C repo para edit api db -m x 2>err &&
	test_grep "too many arguments" err &&
	test_expect_code 129 git -C repo para edit api 2>err &&
	test_grep "nothing to change" err &&
	test_expect_code 129 git -C repo para edit api --after db --no-after 2>err &&
	test_grep "options .--after. and .--no-after. cannot be used together" err &&
	test_expect_code 129 git -C repo para edit api -m x --prompt-file f 2>err &&
	test_grep "options .--prompt. and .--prompt-file. cannot be used together" err
'

test_expect_success 'an unknown task is refused' '
	test_expect_code 128 git -C repo para edit nosuch -m x 2>err &&
	test_grep "nosuch" err &&
	test_para_tasks_in repo >tasks &&
	printf "api\ndb\ndocs\n" >expect &&
	test_cmp expect tasks
'

test_expect_success 'the prompt, command, verify and locks change' '
	git -C repo para edit api -m "New prompt" --command "make api" \
		--verify "make check" --lock db-schema >out &&
	test_grep "Changed task .api." out &&
	(cd repo && test "$(test_state api task.prompt)" = "New prompt" &&
	 test "$(test_state api task.command)" = "make api" &&
	 test "$(test_state api task.verify)" = "make check" &&
	 test "$(test_state api task.lock)" = db-schema &&
	 test "$(test_state api)" = new) &&
	echo "from a file" >prompt.txt &&
	git -C repo para edit api --prompt-file ../prompt.txt --no-command \
		--no-verify --no-lock &&
	(cd repo && test "$(test_state api task.prompt)" = "from a file" &&
	 test_must_fail test_state api task.command &&
	 test_must_fail test_state api task.verify &&
	 test_must_fail test_state api task.lock)
'

test_expect_success 'an empty verify or command is refused, nothing changed' '
	save_state api &&
	test_expect_code 128 git -C repo para edit api --verify "" 2>err &&
	test_grep "fatal: --verify needs a command" err &&
	test_expect_code 128 git -C repo para edit api --command "" -m x 2>err &&
	test_grep "fatal: --command needs a command" err &&
	same_state api
'

test_expect_success 'a bad lock name or pattern is refused, nothing changed' '
	save_state api &&
	test_expect_code 128 git -C repo para edit api --lock "a b" 2>err &&
	test_grep "invalid lock name" err &&
	test_expect_code 128 git -C repo para edit api -p "../../outside" 2>err &&
	same_state api
'

test_expect_success 'a domain overlapping another task, naming it, is refused' '
	save_state docs &&
	test_expect_code 128 git -C repo para edit docs -p "src/api/**" 2>err &&
	test_grep "the domain of task .docs. overlaps task .api." err &&
	same_state docs &&
	git -C repo para edit docs -p "src/api/x" --allow-overlap &&
	(cd repo && test "$(test_state docs task.path)" = src/api/x) &&
	git -C repo para edit docs -p docs
'

test_expect_success 'a dependency cycle, itself, an unknown task: refused' '
	save_state api &&
	test_expect_code 128 git -C repo para edit api --after db 2>err &&
	test_grep "dependency cycle: " err &&
	test_grep "api" err &&
	test_expect_code 128 git -C repo para edit api --after api 2>err &&
	test_grep "task .api. cannot run after itself" err &&
	test_expect_code 128 git -C repo para edit api --after nosuch 2>err &&
	test_grep "task .api. depends on unknown task .nosuch." err &&
	same_state api
'

test_expect_success 'dependencies are replaced, and cleared' '
	git -C repo para edit db --after docs &&
	(cd repo && test "$(test_state db task.after)" = docs) &&
	git -C repo para edit db --no-after &&
	(cd repo && test_must_fail test_state db task.after) &&
	git -C repo para edit api --after db &&
	(cd repo && test "$(test_state api task.after)" = db)
'

test_expect_success 'para.requireDomain refuses --no-path' '
	save_state docs &&
	test_expect_code 128 git -C repo -c para.requireDomain=true \
		para edit docs --no-path 2>err &&
	test_grep "has no domain" err &&
	same_state docs &&
	git -C repo para edit docs --no-path &&
	(cd repo && test_must_fail test_state docs task.path) &&
	git -C repo para edit docs -p docs
'

test_expect_success 'from a subdirectory, patterns are relative to it' '
	git -C repo/src para edit api -p api -p ./db/schema.sql --allow-overlap &&
	(cd repo && git config -f "$(para_state_file api)" --get-all task.path) >paths &&
	printf "src/api\nsrc/db/schema.sql\n" >expect &&
	test_cmp expect paths &&
	git -C repo/src/api para edit api -p . &&
	(cd repo && test "$(test_state api task.path)" = src/api)
'

test_expect_success 'the shared context shows the change' '
	git -C repo para edit docs -m "Write the guide" &&
	test_grep -x -e "- task: Write the guide" repo/.git/para/context.md
'

test_expect_success 'a running task is refused by name, exit 1, nothing changed' '
	git -C repo config para.command \
		"touch \"\$TRASH_DIRECTORY/started\"; while ! test -e \"\$TRASH_DIRECTORY/go\"; do sleep 0.05; done" &&
	{ git -C repo para run docs >run.out 2>&1 & } &&
	run=$! &&
	test_wait_for 120 test -e started &&
	save_state docs &&
	test_expect_code 1 git -C repo para edit docs -m "other" 2>err &&
	test_grep "error: task .docs. is running; a task can be changed only while it is not running" err &&
	same_state docs &&
	touch go &&
	wait $run &&
	git -C repo para edit docs -m "after the run" &&
	(cd repo && test "$(test_state docs task.prompt)" = "after the run")
'

test_expect_success 'a damaged task is reported, once; another one is a warning' '
	state=$(cd repo && para_state_file db) &&
	cp "$state" db.good &&
	echo garbage >"$state" &&
	test_expect_code 128 git -C repo para edit db -m x 2>err &&
	echo "fatal: damaged state file ${SQ}$state${SQ}: no format version" >expect &&
	test_cmp expect err &&
	git -C repo para edit api -m "db is damaged" 2>err &&
	echo "warning: damaged state file ${SQ}$state${SQ}: no format version" >expect &&
	test_cmp expect err &&
	cp db.good "$state"
'

test_expect_success 'a sparse worktree gets its new domain checked out' '
	git -C repo para add -q --sparse -p src/auth sp &&
	test_path_is_file repo-worktrees/sp/src/auth/login.c &&
	test_path_is_missing repo-worktrees/sp/docs/guide.md &&
	git -C repo para edit sp -p docs --allow-overlap &&
	test_path_is_file repo-worktrees/sp/docs/guide.md &&
	test_path_is_missing repo-worktrees/sp/src/auth/login.c &&
	save_state sp &&
	test_expect_code 129 git -C repo para edit sp --no-path --no-after -p x 2>err &&
	test_expect_code 128 git -C repo para edit sp --no-path 2>err &&
	test_grep "sparse worktree: it needs a domain" err &&
	same_state sp &&
	test_path_is_file repo-worktrees/sp/docs/guide.md
'

test_expect_success 'a wildcard of the new domain that matches nothing is a warning' '
	state_but_paths sp >before &&
	git -C repo para edit sp -p docs -p "src/nosuch/*" --allow-overlap \
		>out 2>err &&
	echo "warning: task ${SQ}sp${SQ}: path ${SQ}src/nosuch/*${SQ} matches nothing in its base" >expect &&
	test_cmp expect err &&
	echo "Changed task ${SQ}sp${SQ}" >expect &&
	test_cmp expect out &&
	paths_of sp >actual &&
	printf "%s\n" docs "src/nosuch/*" >expect &&
	test_cmp expect actual &&
	state_but_paths sp >after &&
	test_cmp before after &&
	test_path_is_file repo-worktrees/sp/docs/guide.md
'

test_expect_success 'a literal path of the new domain that names nothing is a warning' '
	state_but_paths api >before &&
	git -C repo para edit api -p src/api -p src/apii >out 2>err &&
	echo "warning: task ${SQ}api${SQ}: path ${SQ}src/apii${SQ} matches nothing in its base" >expect &&
	test_cmp expect err &&
	echo "Changed task ${SQ}api${SQ}" >expect &&
	test_cmp expect out &&
	paths_of api >actual &&
	printf "%s\n" src/api src/apii >expect &&
	test_cmp expect actual &&
	state_but_paths api >after &&
	test_cmp before after
'

test_expect_success 'a new domain that matches gives no warning' '
	git -C repo para edit api -p src/api >out 2>err &&
	test_must_be_empty err &&
	paths_of api >actual &&
	echo src/api >expect &&
	test_cmp expect actual &&
	git -C repo para edit sp -p "doc*" --allow-overlap >out 2>err &&
	test_must_be_empty err &&
	paths_of sp >actual &&
	echo "doc*" >expect &&
	test_cmp expect actual &&
	test_path_is_file repo-worktrees/sp/docs/guide.md
'

test_done
