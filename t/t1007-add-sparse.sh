#!/bin/sh

test_description='git para add --sparse: which domains get cone mode

A wildcard whose every match in the base tree is a directory is checked
out in cone mode, as those directories; any pattern that covers a file
keeps the whole checkout in non-cone mode.'

. ./test-lib.sh

SQ="'"

# checked_out <task>: the files of its worktree, sorted
checked_out () {
	(cd "repo-worktrees/$1" && find . -name .git -prune -o -type f -print) |
	sed "s|^\./||" | sort
}

# cone_of <task>: "true" or "false", and the patterns git was given
cone_of () {
	git -C "repo-worktrees/$1" config --worktree core.sparseCheckoutCone &&
	git -C "repo-worktrees/$1" sparse-checkout list
}

test_expect_success 'setup' '
	git init -q repo &&
	(
		cd repo &&
		for d in m1/d10 m1/d11 m1/d20 m2/d10 nest/x/b nest/x/c nest/y/b \
			nest/y/b/deep/b
		do
			mkdir -p $d && echo $d >$d/f || return 1
		done &&
		echo top >README &&
		echo doc >m1/notes.md &&
		git add . &&
		git commit -q -m init
	)
'

test_expect_success 'a wildcard of directories is checked out in cone mode' '
	git -C repo para add -q --sparse -p "m1/d1?/" glob >out 2>err &&
	test_must_be_empty err &&
	cone_of glob >actual &&
	printf "%s\n" true m1/d10 m1/d11 >expect &&
	test_cmp expect actual &&
	test "$(git -C repo-worktrees/glob config --worktree index.sparse)" = true &&
	checked_out glob >actual &&
	printf "%s\n" README m1/d10/f m1/d11/f m1/notes.md >expect &&
	test_cmp expect actual &&
	git -C repo-worktrees/glob status --porcelain >actual &&
	test_must_be_empty actual
'

test_expect_success 'files created outside the cone are seen and committed' '
	(
		cd repo-worktrees/glob &&
		mkdir -p new m2/d10 &&
		echo n >new/file && echo changed >m2/d10/f && echo x >m1/d10/g
	) &&
	git -C repo para status --json glob >status.json &&
	jq -r ".tasks[0].dirty.total" status.json >actual &&
	echo 3 >expect &&
	test_cmp expect actual &&
	git -C repo -c para.command=true para run glob >out 2>err &&
	test_must_be_empty err &&
	git -C repo diff --name-only main solve/glob >actual &&
	printf "%s\n" m1/d10/g m2/d10/f new/file >expect &&
	test_cmp expect actual &&
	git -C repo-worktrees/glob status --porcelain --untracked-files=all >actual &&
	test_must_be_empty actual &&
	(cd repo && test_expect_code 1 git para collect --check glob >../out) &&
	test_grep "^task glob: 3 changed, 2 outside its domain" out &&
	test_grep "m2/d10/f" out &&
	test_grep "new/file" out
'

test_expect_success 'nested matches: each directory once, none below a match' '
	git -C repo para add -q --allow-overlap --sparse -p "nest/*/b" \
		-p "**/deep" nested &&
	cone_of nested >actual &&
	printf "%s\n" true nest/x/b nest/y/b >expect &&
	test_cmp expect actual &&
	checked_out nested >actual &&
	printf "%s\n" README nest/x/b/f nest/y/b/deep/b/f nest/y/b/f >expect &&
	test_cmp expect actual
'

test_expect_success 'a wildcard that also covers a file keeps non-cone mode' '
	git -C repo para add -q --allow-overlap --sparse -p "m1/*" mixed &&
	cone_of mixed >actual &&
	printf "%s\n" false "/m1/*" >expect &&
	test_cmp expect actual &&
	checked_out mixed >actual &&
	printf "%s\n" m1/d10/f m1/d11/f m1/d20/f m1/notes.md >expect &&
	test_cmp expect actual
'

test_expect_success 'a directory glob with a file glob keeps non-cone mode' '
	git -C repo para add -q --allow-overlap --sparse -p "m2/d*" \
		-p "m1/*.md" files &&
	cone_of files >actual &&
	printf "%s\n" false "/m2/d*" "/m1/*.md" >expect &&
	test_cmp expect actual &&
	checked_out files >actual &&
	printf "%s\n" m1/notes.md m2/d10/f >expect &&
	test_cmp expect actual
'

test_expect_success 'a wildcard that matches nothing is warned about' '
	git -C repo para add -q --allow-overlap --sparse -p "m1/d1?" \
		-p "m3/d*" none 2>err &&
	echo "warning: task ${SQ}none${SQ}: path ${SQ}m3/d*${SQ} matches nothing in its base" >expect &&
	test_cmp expect err &&
	cone_of none >actual &&
	printf "%s\n" true m1/d10 m1/d11 >expect &&
	test_cmp expect actual
'

test_expect_success 'a wildcard that matches nothing is warned about in non-cone mode' '
	git -C repo para add --allow-overlap --sparse -p "m1/*.md" \
		-p "m2/d*" -p "m3/d*" nocone >out 2>err &&
	echo "warning: task ${SQ}nocone${SQ}: path ${SQ}m3/d*${SQ} matches nothing in its base" >expect &&
	test_cmp expect err &&
	echo "Created task ${SQ}nocone${SQ} on branch ${SQ}solve/nocone${SQ} in ${SQ}$TRASH_DIRECTORY/repo-worktrees/nocone${SQ}" >expect &&
	test_cmp expect out &&
	git -C repo para status --json nocone >status.json &&
	jq -r ".tasks[0] | .state, .sparse, .domain.patterns[]" status.json >actual &&
	printf "%s\n" new true "m1/*.md" "m2/d*" "m3/d*" >expect &&
	test_cmp expect actual &&
	cone_of nocone >actual &&
	printf "%s\n" false "/m1/*.md" "/m2/d*" "/m3/d*" >expect &&
	test_cmp expect actual &&
	checked_out nocone >actual &&
	printf "%s\n" m1/notes.md m2/d10/f >expect &&
	test_cmp expect actual
'

test_expect_success 'a domain that matches nothing at all checks out the top' '
	git -C repo para add -q --allow-overlap --sparse -p "zz*" empty 2>err &&
	test_grep "path ${SQ}zz\*${SQ} matches nothing in its base" err &&
	cone_of empty >actual &&
	echo true >expect &&
	test_cmp expect actual &&
	checked_out empty >actual &&
	echo README >expect &&
	test_cmp expect actual
'

test_expect_success 'edit expands the new domain against the base' '
	git -C repo para edit --allow-overlap -p "m1/d2?" glob &&
	cone_of glob >actual &&
	printf "%s\n" true m1/d20 >expect &&
	test_cmp expect actual &&
	test -f repo-worktrees/glob/m1/d20/f
'

test_done
