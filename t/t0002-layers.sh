#!/bin/sh
#
# The house has three floors, cmd/ -> lib/ -> lib/util/, each using only
# those below it, and no call circle among the library's files.

test_description='the layers of the source tree'

. "$(dirname "$0")"/test-lib.sh

SRC_DIR=$SHARNESS_TEST_DIRECTORY/..
CHECK="python3 $SHARNESS_TEST_DIRECTORY/helper/check-layers.py"

test_expect_success 'lib/util includes only its own headers' '
	$CHECK includes "$SRC_DIR" >out &&
	test_must_be_empty out
'

test_expect_success 'cmd/ reads no repository field and calls no libgit2' '
	$CHECK cmd "$SRC_DIR" >out &&
	test_must_be_empty out
'

test_expect_success 'no call circle among the library files' '
	$CHECK cycles "$PARA_BUILD_DIR" >out &&
	test_must_be_empty out
'

test_expect_success 'each test script has a number of its own' '
	(cd "$SRC_DIR"/t && ls t[0-9][0-9][0-9][0-9]-*.sh) |
	cut -c2-5 | sort | uniq -d >twice &&
	test_must_be_empty twice
'

test_expect_success 'the checks find a breach' '
	mkdir -p fake/lib/util fake/cmd &&
	printf "#include \"repo.h\"\n" >fake/lib/util/x.c &&
	printf "int f(struct para_repo *repo) { return git_x(repo->git); }\n" \
		>fake/cmd/para-x.c &&
	test_must_fail $CHECK includes fake >out &&
	test_grep "x.c:1: includes \"repo.h\"" out &&
	test_must_fail $CHECK cmd fake >out &&
	test_grep "para-x.c:1: reads a field" out &&
	test_grep "para-x.c:1: calls libgit2 (git_x(" out
'

test_expect_success 'a call circle is found' '
	mkdir -p circle/lib &&
	printf "int b(void); int a(void) { return b(); }\n" >a.c &&
	printf "int a(void); int b(void) { return a(); }\n" >b.c &&
	${CC:-cc} -c -o circle/lib/a.o a.c &&
	${CC:-cc} -c -o circle/lib/b.o b.c &&
	test_must_fail $CHECK cycles circle >out &&
	test_grep "call circle: a.o b.o" out
'

test_done
