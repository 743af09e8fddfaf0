#!/bin/sh
#
# Every program that is built has a manual page, and the page agrees
# with the program: its SYNOPSIS is the program's -h usage, and every
# option the program takes is described.

test_description='manual pages match the programs'

. "$(dirname "$0")"/test-lib.sh
. "$SHARNESS_TEST_DIRECTORY"/lib-doc.sh

if command -v asciidoctor >/dev/null; then
	test_set_prereq ASCIIDOCTOR
fi

for prog in $(built_programs); do
	page=$DOC_DIR/$prog.adoc

	test_expect_success "$prog has a manual page" '
		test -f "$page"
	'

	test_expect_success "$prog: SYNOPSIS is the -h usage" '
		usage_synopsis "$prog" >expect &&
		test -s expect &&
		doc_synopsis "$page" >actual &&
		test_cmp expect actual
	'

	test_expect_success "$prog: every option is described" '
		doc_section "$page" OPTIONS >options &&
		: >missing &&
		for o in $("$prog" --git-completion-helper); do
			case "$o" in
			--) break ;;
			--*) o=${o%=} ;;
			*) continue ;;
			esac &&
			grep -q -e "^$o\\b" -e "^-., $o\\b" options ||
			echo "$o" >>missing
		done &&
		test_must_be_empty missing
	'

	test_expect_success "$prog: every short option is described" '
		doc_section "$page" OPTIONS >options &&
		usage_of "$prog" >usage &&
		sed -n "s/^    -\\([^-]\\)\\b.*/\\1/p" usage >shorts &&
		: >missing &&
		for c in $(cat shorts); do
			grep -q -e "^-$c\\b" options ||
			echo "-$c" >>missing
		done &&
		test_must_be_empty missing
	'

	test_expect_success "$prog: the page has every section" '
		grep "^== " "$page" | sed "s/^== //" >titles &&
		printf "%s\n" NAME SYNOPSIS DESCRIPTION OPTIONS CONFIGURATION \
			ENVIRONMENT "EXIT STATUS" EXAMPLES "SEE ALSO" >expect &&
		grep -x -F -f expect titles >actual &&
		test_cmp expect actual
	'

	test_expect_success "$prog: NAME names the program" '
		doc_section "$page" NAME | sed -n "/./p" | head -n 1 >name &&
		test_grep "^$prog - " name
	'

	test_expect_success ASCIIDOCTOR "$prog: the page builds without warnings" '
		asciidoctor -b manpage -d manpage --failure-level=WARN \
			-o "$prog.1" "$page" 2>err &&
		test_must_be_empty err &&
		sed -n "/^\.TH/s/\\\\//gp" "$prog.1" >th &&
		grep -F ".TH \"$(echo "$prog" | tr a-z A-Z)\" \"1\"" th
	'
done

test_expect_success 'every page is of a program git-para has' '
	for page in "$DOC_DIR"/git-para*.adoc; do
		name=${page##*/} &&
		name=${name%.adoc} &&
		case "$name" in
		git-para) ;;
		git-para-*) git para -h | grep -q "^   ${name#git-para-} " ;;
		esac || {
			echo "no program for $name" &&
			return 1
		}
	done
'

test_done
