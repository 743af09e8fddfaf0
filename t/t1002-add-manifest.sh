#!/bin/sh

test_description='git para add --from: many tasks from a manifest, all or nothing'

. ./test-lib.sh

test_expect_success 'setup' '
	test_create_repo repo &&
	mkdir -p repo/migrations &&
	printf "Implement the orders API.\nUse \"quotes\"; and # hashes.\n" >prompt.md &&
	cat >tasks.ini <<-\EOF
	; tasks for the orders feature
	[backend]
	issue   = 41
	paths   = src/api/ src/db/schema.sql
	after   = setup-db
	locks   = db
	prompt-file = prompt.md

	[setup-db]
	paths     = migrations/
	exclusive = true
	prompt    = Write the migrations
	EOF
	cp prompt.md repo/
'

test_expect_success '--dry-run validates the whole manifest and creates nothing' '
	(cd repo && git para add --from ../tasks.ini --dry-run >../out) &&
	test_grep "would create task .backend." out &&
	test_grep "would create task .setup-db." out &&
	test_no_task_at backend && test_no_task_at setup-db
'

test_expect_success 'a manifest creates every task' '
	(cd repo && git para add --from ../tasks.ini >../out) &&
	test_grep "Created task .backend." out &&
	test_grep "Created task .setup-db." out &&
	f=repo/.git/para/tasks/backend &&
	test "$(git config -f $f task.issue)" = 41 &&
	test "$(git config -f $f task.after)" = setup-db &&
	test "$(git config -f $f task.lock)" = db &&
	git config -f $f --get-all task.path >paths &&
	printf "src/api\nsrc/db/schema.sql\n" >expect &&
	test_cmp expect paths &&
	git config -z -f $f task.prompt >actual &&
	printf "\\0" >>prompt.md &&
	test_cmp prompt.md actual &&
	test "$(git config -f repo/.git/para/tasks/setup-db task.exclusive)" = true
'

manifest_fails () {
	name=$1 && shift &&
	cat >bad.ini &&
	(
		cd repo &&
		git for-each-ref >../refs-before &&
		test_expect_code 128 git para add --from ../bad.ini 2>../err &&
		git for-each-ref >../refs-after &&
		test_cmp ../refs-before ../refs-after
	) &&
	for t in "$@"; do
		test_no_task_at "$t" || return 1
	done
}

test_expect_success 'an unknown key names file and line' '
	manifest_fails x one <<-\EOF &&
	[one]
	paths = lib/one
	colour = blue
	EOF
	test_grep "bad.ini:3: unknown key .colour." err &&
	test_grep ! "did you mean" err
'

test_expect_success 'a mistyped key names the key that was meant' '
	manifest_fails x one <<-\EOF &&
	[one]
	path = lib/one
	EOF
	test_grep "bad.ini:2: unknown key .path. in section .one. (did you mean .paths.?)\$" err &&
	manifest_fails x one <<-\EOF &&
	[one]
	Afetr = two
	EOF
	test_grep "bad.ini:2: unknown key .Afetr. in section .one. (did you mean .after.?)\$" err
'

test_expect_success 'a command key is refused' '
	manifest_fails x one <<-\EOF &&
	[one]
	command = rm -rf /
	EOF
	test_grep "bad.ini:2: key .command. is not allowed in a manifest" err
'

test_expect_success 'a bare key is a syntax error naming the line' '
	manifest_fails x one <<-\EOF &&
	[one]
	paths = lib/one
	justakey
	EOF
	test_grep "bad.ini:3:" err
'

test_expect_success 'a duplicate section is refused' '
	manifest_fails x one <<-\EOF &&
	[one]
	paths = lib/one
	[one]
	paths = lib/two
	EOF
	test_grep "bad.ini:3: duplicate section .one." err
'

test_expect_success 'a line over the limit is refused naming the line' '
	{
		echo "[one]" &&
		printf "prompt = %01100d\n" 0
	} >long.ini &&
	(cd repo && test_expect_code 128 git para add --from ../long.ini 2>../err) &&
	test_grep "long.ini:2:" err &&
	test_no_task_at one
'

test_expect_success 'a cycle is refused and named, nothing created' '
	manifest_fails x ca cb cc <<-\EOF &&
	[ca]
	after = cc
	[cb]
	after = ca
	[cc]
	after = cb
	EOF
	test_grep "^fatal: \.\./bad\.ini: dependency cycle: .*c. -> .*c. -> .*c. -> " err
'

test_expect_success 'overlap inside the manifest is refused, nothing created' '
	manifest_fails x wa wb <<-\EOF &&
	[wa]
	paths = lib
	[wb]
	paths = lib/*.c
	EOF
	test_grep "^fatal: \.\./bad\.ini:3: the domain of task .wb. overlaps task .wa.: .lib/\*\.c. and .lib. both cover .lib/" err
'

test_expect_success 'overlap with an existing task is refused' '
	manifest_fails x wc <<-\EOF &&
	[wc]
	paths = src/api/v2
	EOF
	test_grep "^fatal: \.\./bad\.ini:1: the domain of task .wc. overlaps task .backend." err
'

test_expect_success 'a bad pattern, lock or dependency names the line of its task' '
	manifest_fails x ok-two <<-\EOF &&
	[ok-two]
	paths = lib/two

	[pat]
	paths = lib/../x
	EOF
	test_grep "^fatal: \.\./bad\.ini:4: invalid path pattern .lib/\.\./x." err &&
	manifest_fails x ok-two <<-\EOF &&
	[ok-two]
	paths = lib/two
	[lk]
	locks = a b!
	EOF
	test_grep "^fatal: \.\./bad\.ini:3: invalid lock name .b!." err &&
	manifest_fails x ok-two <<-\EOF &&
	[ok-two]
	paths = lib/two
	[dep]
	after = ok-two ghost
	EOF
	test_grep "^fatal: \.\./bad\.ini:3: task .dep. depends on unknown task .ghost." err
'

test_expect_success 'an upper-case section name is refused with its line' '
	manifest_fails x <<-\EOF &&
	[ok-one]
	paths = lib/a

	[Bad]
	paths = lib/b
	EOF
	test_grep "bad.ini:4: invalid task name .Bad." err &&
	test_no_task_at ok-one
'

test_expect_success 'a task existing already is refused, nothing created' '
	manifest_fails x fresh <<-\EOF &&
	[fresh]
	paths = lib/fresh
	[backend]
	paths = lib/other
	EOF
	test_grep "task .backend. already exists" err
'

test_expect_success 'a failing setup of the second task removes the first too' '
	cat >two.ini <<-\EOF &&
	[first]
	paths = lib/first
	[second]
	paths = lib/second
	EOF
	(
		cd repo &&
		test_expect_code 128 git -c para.setup="test \$PARA_TASK != second" \
			para add --from ../two.ini 2>../err
	) &&
	test_grep "task .second. was not created" err &&
	test_no_task_at first && test_no_task_at second
'

test_expect_success 'a missing manifest is an error' '
	(cd repo && test_expect_code 128 git para add --from ../nope.ini 2>../err) &&
	test_grep "nope.ini" err
'

test_expect_success '--from with a name or task options is refused' '
	(cd repo && test_expect_code 128 git para add --from ../two.ini x 2>../err) &&
	test_grep "cannot be used together" err &&
	(cd repo && test_expect_code 128 git para add --from ../two.ini -p lib 2>../err) &&
	test_grep "options .--from. and .--path. cannot be used together" err
'

test_done
