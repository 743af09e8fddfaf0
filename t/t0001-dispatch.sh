#!/bin/sh

test_description='git para dispatcher: usage, version, help and dispatch'

. ./test-lib.sh

SQ="'"

test_expect_success 'setup' '
	test_create_repo repo
'

test_expect_success 'git para alone prints the usage on stderr, exit 1' '
	test_expect_code 1 git para >out 2>err &&
	test_must_be_empty out &&
	test_grep "^usage: git para" err &&
	for c in add run status stop wait logs attach collect resolve sync prune; do
		grep "^   $c " err || return 1
	done
'

test_expect_success 'git para -h prints the same usage on stdout, exit 0' '
	test_expect_code 1 git para 2>expect &&
	git para -h >actual 2>err &&
	test_must_be_empty err &&
	test_cmp expect actual
'

test_expect_success 'unknown subcommand exits 129 with a git-style message' '
	test_expect_code 129 git para frobnicate >out 2>err &&
	test_must_be_empty out &&
	test_grep "^git: .para frobnicate. is not a git-para command" err
'

test_expect_success 'a mistyped subcommand names the most similar one' '
	test_expect_code 129 git para stauts >out 2>err &&
	test_must_be_empty out &&
	cat >expect <<-EOF &&
	git: ${SQ}para stauts${SQ} is not a git-para command. See ${SQ}git para -h${SQ}.

	The most similar command is
	EOF
	printf "\tstatus\n" >>expect &&
	test_cmp expect err &&
	test_expect_code 129 git para help colect 2>err &&
	test_grep "^	collect$" err
'

test_expect_success 'no guess when nothing is close' '
	test_expect_code 129 git para frobnicate 2>err &&
	test_grep ! "most similar" err
'

test_expect_success 'unknown option of the dispatcher exits 129' '
	test_expect_code 129 git para --bogus 2>err &&
	test_grep "^error: unknown option .--bogus." err
'

test_expect_success '--version prints the version' '
	git para --version >out &&
	test_grep "^git-para version [0-9]" out
'

test_expect_success 'the subcommand is found beside the dispatcher first' '
	mkdir -p elsewhere &&
	printf "#!/bin/sh\necho impostor\n" >elsewhere/git-para-add &&
	chmod +x elsewhere/git-para-add &&
	(
		cd repo &&
		PATH="$TRASH_DIRECTORY/elsewhere:$PATH" &&
		test_expect_code 129 "$PARA_BUILD_DIR/bin/git-para" add -h >../out
	) &&
	test_grep "^usage: git para add" out
'

test_expect_success 'a subcommand on PATH extends git para' '
	printf "#!/bin/sh\necho extra \"\$@\"\nexit 3\n" >elsewhere/git-para-extra &&
	chmod +x elsewhere/git-para-extra &&
	(
		PATH="$TRASH_DIRECTORY/elsewhere:$PATH" &&
		export PATH &&
		test_expect_code 3 git para extra one two >out
	) &&
	echo "extra one two" >expect &&
	test_cmp expect out
'

test_expect_success 'the exit status of the subcommand passes through' '
	(
		cd repo &&
		test_expect_code 129 git para add --no-such-option 2>../err
	) &&
	test_grep "^error: unknown option .no-such-option." err
'

test_expect_success 'long options may be abbreviated, as in git' '
	(
		cd repo &&
		git para add --dry --pa src/api --no-allow abbrev >../out
	) &&
	test_grep "^would create task .abbrev." out &&
	test_grep "domain: *src/api" out &&
	! test -e repo/.git/para/tasks/abbrev
'

test_expect_success 'an ambiguous abbreviation is a usage error naming both' '
	(
		cd repo &&
		test_expect_code 129 git para add --promp x abbrev 2>../err
	) &&
	test_grep "^error: ambiguous option: promp (could be --prompt or --prompt-file)" err &&
	! test -e repo/.git/para/tasks/abbrev
'

test_expect_success 'an exact name wins over a longer option it abbreviates' '
	(cd repo && git para add -n --prompt hello exact >../out) &&
	test_grep "^would create task .exact." out
'

test_expect_success 'help runs git help para' '
	mkdir -p fakebin &&
	printf "#!/bin/sh\necho \"viewer \$*\"\n" >fakebin/fake-viewer &&
	chmod +x fakebin/fake-viewer &&
	(
		cd repo &&
		git config help.format man &&
		git config man.viewer fake &&
		git config man.fake.cmd "\"$TRASH_DIRECTORY/fakebin/fake-viewer\"" &&
		git para help >../out1 &&
		git para help add >../out2 &&
		git para add --help >../out3 &&
		git para --help >../out4
	) &&
	test_grep "viewer git-para$" out1 &&
	test_grep "viewer git-para-add$" out2 &&
	test_grep "viewer git-para-add$" out3 &&
	test_grep "viewer git-para$" out4
'

test_expect_success 'help for an unknown command is a usage error' '
	test_expect_code 129 git para help nosuch 2>err &&
	test_grep "^git: .para nosuch. is not a git-para command" err
'

test_expect_success 'a missing manual page is a fatal error, never man'"'"'s own code' '
	(
		cd repo &&
		git config --unset man.viewer &&
		MANPATH="$TRASH_DIRECTORY/nowhere" &&
		export MANPATH &&
		test_expect_code 128 git para help add >/dev/null 2>&1
	)
'

test_expect_success 'every program prints its usage for -h on stdout, exit 129' '
	for p in "$PARA_BUILD_DIR"/bin/git-para-*; do
		sub=${p##*/git-para-} &&
		test_expect_code 129 "$p" -h >out 2>err &&
		test_must_be_empty err &&
		grep "^usage: git para $sub" out || return 1
	done
'

test_expect_success 'every program supports --git-completion-helper' '
	for p in "$PARA_BUILD_DIR"/bin/git-para-*; do
		"$p" --git-completion-helper >out &&
		grep -e "--" out || return 1
	done &&
	git para --git-completion-helper >out &&
	test_grep "add" out
'

test_expect_success 'outside a repository a command fails with 128' '
	mkdir -p notrepo &&
	(
		cd notrepo &&
		GIT_CEILING_DIRECTORIES="$TRASH_DIRECTORY" &&
		export GIT_CEILING_DIRECTORIES &&
		test_expect_code 128 git para add foo 2>../err
	) &&
	test_grep "^fatal: not a git repository" err
'

test_done
