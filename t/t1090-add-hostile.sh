#!/bin/sh

test_description='git para add: hostile input and a hostile environment'

. ./test-lib.sh

test_expect_success 'setup' '
	test_create_repo repo
'

test_expect_success 'a pattern with a newline is refused: PARA_DOMAIN holds one a line' '
	test_must_fail git -C repo para add -p "src/api
src/db" nl 2>err &&
	cat >expect <<-\EOF &&
	fatal: invalid path pattern '\''src/api
	src/db'\'': a newline is not allowed
	EOF
	test_cmp expect err &&
	(cd repo && test_no_task nl)
'

test_expect_success 'a prompt longer than an environment variable can hold is refused, the limit named' '
	printf "%131059s" "" | tr " " x >fits &&
	printf "%131060s" "" | tr " " x >toolong &&
	test_must_fail git -C repo para add --prompt-file ../toolong long 2>err &&
	echo "fatal: the prompt of task '\''long'\'' is 131060 bytes, more than the 131059 that PARA_PROMPT can hold (an environment variable is limited to 128 KiB)" >expect &&
	test_cmp expect err &&
	(cd repo && test_no_task long)
'

test_expect_success 'the longest prompt that fits reaches the task whole' '
	git -C repo para add --prompt-file ../fits fits 2>err &&
	git -C repo para run fits -- sh -c "printf %s \"\$PARA_PROMPT\" >\"\$TRASH_DIRECTORY/got\"" &&
	test_cmp fits got
'

test_expect_success 'para.setup sees the task, not what the caller had in PARA_*' '
	cat >setup.sh <<-\EOF &&
	env | grep "^PARA_" | sort >"$TRASH_DIRECTORY/setup-env"
	EOF
	git -C repo config para.setup "sh \"$TRASH_DIRECTORY/setup.sh\"" &&
	PARA_TASK=evil PARA_DOMAIN=/ PARA_SLOT=7 PARA_EXTRA=x \
		git -C repo para add -p src/api env1 2>err &&
	git -C repo config --unset para.setup &&
	test_grep "^PARA_TASK=env1\$" setup-env &&
	test_grep "^PARA_DOMAIN=src/api\$" setup-env &&
	test_grep ! "PARA_SLOT" setup-env &&
	test_grep ! "PARA_EXTRA" setup-env &&
	test_grep ! "evil" setup-env
'

test_expect_success 'a para.worktreeDir inside the main worktree that git does not ignore is refused' '
	test_create_repo inrepo &&
	git -C inrepo config para.worktreeDir wts &&
	test_expect_code 128 git -C inrepo para add -m a a 2>err &&
	echo "fatal: the worktree of task '\''a'\'' would be '\''$TRASH_DIRECTORY/inrepo/wts/a'\'', inside the main worktree where git does not ignore it; ignore its para.worktreeDir there (e.g. in .gitignore) or choose one outside" >expect &&
	test_cmp expect err &&
	test_path_is_missing inrepo/wts &&
	(cd inrepo && test_no_task a)
'

test_expect_success 'ignored there, it is fine, and the main worktree stays clean' '
	echo /wts/ >inrepo/.git/info/exclude &&
	git -C inrepo para add -m a a &&
	test_path_is_file inrepo/wts/a/README &&
	git -C inrepo status --porcelain >status &&
	test_must_be_empty status
'

test_expect_success 'a symlinked para.worktreeDir: paths resolved as git records them' '
	test_create_repo linked &&
	echo "SECRET=1" >linked/.env &&
	mkdir real-wts &&
	ln -s real-wts link-wts &&
	git -C linked config para.worktreeDir "$TRASH_DIRECTORY/link-wts" &&
	git -C linked config para.copy .env &&
	git -C linked para add -m a a >out &&
	echo "Created task '\''a'\'' on branch '\''solve/a'\'' in '\''$TRASH_DIRECTORY/real-wts/a'\''" >expect &&
	test_cmp expect out &&
	test_cmp linked/.env real-wts/a/.env &&
	git -C linked para status a >out &&
	test_grep "^a  *new " out &&
	rm -rf real-wts/a &&
	git -C linked para prune a >out &&
	test_grep "^Removed task .a." out &&
	(cd linked && test_no_task a) &&
	git -C linked worktree list --porcelain >list &&
	! grep real-wts list
'

test_done
