#!/bin/sh

test_description='git para collect --report: a Markdown summary'

. ./test-lib.sh
. "$T_DIR/lib-collect.sh"

test_expect_success 'setup' '
	collect_setup_repo &&
	cd repo &&
	git para add -p src/api -m "Add the orders API" api &&
	git para add -p src/db db &&
	collect_commit api src/api/orders.c "api 2" &&
	collect_commit db src/db/schema.sql "db 2" &&
	collect_commit db README "db readme" &&
	collect_succeed api db &&
	git config -f "$(collect_state_file api)" collect.prUrl https://example.com/pulls/7 &&
	git config -f "$(collect_state_file api)" run.started 1700000000000 &&
	git config -f "$(collect_state_file api)" run.finished 1700000090000
'

test_expect_success '--report prints a table and a section per task' '
	git para collect --report >out &&
	grep "^| Task | State | Duration | Changed | Outside domain | Pull request |\$" out &&
	grep "^| api | succeeded | 1m30s | 1 | no | https://example.com/pulls/7 |\$" out &&
	grep "^| db | succeeded | - | 2 | yes | - |\$" out &&
	grep "^## api\$" out &&
	grep "^> Add the orders API\$" out &&
	grep "^- Domain: 1 files outside it: .README.\$" out &&
	grep "^tasks: 2, pairs: 1 (merged 0), outside domain: 1, overlaps: 0, conflicts: 0\$" out
'

test_expect_success '--report=<file> writes the file' '
	git para collect --report=../report.md >out &&
	test_must_be_empty out &&
	grep "^## db\$" ../report.md
'

test_expect_success '--report names only the selected tasks' '
	git para collect --report api >out &&
	grep "^## api\$" out &&
	! grep "^## db\$" out
'

test_expect_success 'an unwritable report file is a fatal error' '
	test_expect_code 128 git para collect --report=no/such/dir/r.md 2>err &&
	grep "^fatal: cannot open .no/such/dir/r.md." err
'

test_done
