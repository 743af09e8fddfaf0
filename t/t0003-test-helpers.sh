#!/bin/sh
#
# The helpers of t/lib-para.sh fail when their expectation does not
# hold, and say what was there instead.

test_description='the shared test helpers'

. ./test-lib.sh

test_expect_success 'test_grep passes on a match and fails, showing the file, on none' '
	printf "one\ntwo\n" >file &&
	test_grep "^two$" file &&
	test_must_fail test_grep "^three$" file 4>msg &&
	test_grep "did not match" msg &&
	test_grep "^one$" msg
'

test_expect_success 'test_grep ! fails on a match' '
	test_grep ! three file &&
	test_must_fail test_grep ! one file 4>msg &&
	test_grep "matched, but should not have" msg
'

test_expect_success 'test_path_is_file, _dir and _missing say what is wrong' '
	mkdir dir &&
	test_path_is_file file &&
	test_path_is_dir dir &&
	test_path_is_missing nothing &&
	test_must_fail test_path_is_file dir 4>msg &&
	test_grep "file .dir. does not exist" msg &&
	test_must_fail test_path_is_dir file 4>msg &&
	test_grep "directory .file. does not exist" msg &&
	test_must_fail test_path_is_missing file 4>msg &&
	test_grep "exists but should not" msg
'

test_done
