#!/bin/sh
#
# Every configuration key the code reads is described in
# Documentation/config/para.adoc, which every manual page includes.

test_description='configuration keys are documented'

. "$(dirname "$0")"/test-lib.sh
. "$SHARNESS_TEST_DIRECTORY"/lib-doc.sh

SRC_DIR=$SHARNESS_TEST_DIRECTORY/..

# names in the code that look like keys but are not configuration:
# para.version is the format version inside the task state files
not_config='para.version'

test_expect_success 'list the keys the code reads' '
	cat "$SRC_DIR"/lib/*.c "$SRC_DIR"/lib/*.h \
		"$SRC_DIR"/cmd/*.c "$SRC_DIR"/cmd/*.h >sources &&
	grep -o -E "\"(para\\.[a-zA-Z]+(\\.<[a-z]+>)?|color\\.para)\"" sources |
		tr -d "\"" | tr A-Z a-z | sort -u >keys.all &&
	grep -v -x -F "$not_config" keys.all >keys &&
	test_grep "^para\\." keys
'

test_expect_success 'list the keys that are documented' '
	sed -n "s/^\\([a-zA-Z]*\\.[a-zA-Z]*\\(\\.<[a-z]*>\\)\\{0,1\\}\\)::\$/\\1/p" \
		"$DOC_DIR"/config/para.adoc | tr A-Z a-z | sort >documented &&
	test -s documented
'

test_expect_success 'every key read is documented' '
	comm -23 keys documented >undocumented &&
	test_must_be_empty undocumented
'

test_expect_success 'the key table and the page list the same keys' '
	git para --config-keys >table &&
	cut -f 1 table | sort >table.keys &&
	test $(wc -l <table.keys) -gt 10 &&
	sed -n "s/^\\([a-zA-Z]*\\.[a-zA-Z]*\\(\\.<[a-z]*>\\)\\{0,1\\}\\)::\$/\\1/p" \
		"$DOC_DIR"/config/para.adoc | sort >documented.exact &&
	test_cmp documented.exact table.keys
'

test_expect_success 'the code spells every key as the table does' '
	grep -o -E "\"(para\\.[a-zA-Z]+(\\.<[a-z]+>)?|color\\.para)\"" sources |
		tr -d "\"" | sort -u >spelled.all &&
	grep -v -x -F "$not_config" spelled.all >spelled &&
	comm -23 spelled table.keys >misspelled &&
	test_must_be_empty misspelled
'

test_expect_success 'a default in the table is the documented one' '
	while IFS="	" read -r key type def; do
		test -n "$def" || continue
		case "$def" in *" "*) continue ;; esac
		sed -n "/^$key::\$/,/^\$/p" "$DOC_DIR"/config/para.adoc >entry &&
		grep -q -F "\`$def\`" entry || {
			echo "$key: default $def is not documented" &&
			return 1
		}
	done <table
'

test_expect_success 'every key is documented once' '
	uniq -d documented >twice &&
	test_must_be_empty twice
'

# environment variables the code reads that need no entry: test knobs,
# and what only serves to find the user's git configuration files
not_documented='HOME XDG_CONFIG_HOME'

test_expect_success 'every environment variable read is documented' '
	grep -o -E "getenv\\(\"[A-Z_]+\"\\)|\"GIT_CONFIG_[A-Z]+\"" sources |
		sed -e "s/^getenv(//" -e "s/)\$//" | tr -d "\"" |
		sort -u >vars.all &&
	grep -v -e "^GIT_TEST_" $(printf " -e ^%s\$" $not_documented) \
		vars.all >vars &&
	test_grep -x GIT_CONFIG_COUNT vars &&
	cat "$DOC_DIR"/includes/*.adoc "$DOC_DIR"/git-para*.adoc >env-doc &&
	for v in $(cat vars); do
		grep -q -E "^(.*, )?\\+?$v\\+?(,.*)?::\$" env-doc || {
			echo "$v is not documented" &&
			return 1
		}
	done
'

test_expect_success 'every page includes the configuration' '
	for page in "$DOC_DIR"/git-para*.adoc; do
		doc_section "$page" CONFIGURATION >section &&
		grep -x "include::config/para.adoc\\[\\]" section || {
			echo "${page##*/} does not include config/para.adoc" &&
			return 1
		}
	done
'

test_expect_success 'the README table lists every documented key' '
	for key in $(cat documented); do
		grep -i -q "^| \`$key\`" "$SRC_DIR"/README.md || {
			echo "README.md: $key missing" &&
			return 1
		}
	done
'

test_done
