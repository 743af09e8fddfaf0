#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "strbuf.h"
#include "worktree-status.h"

static void test_counts_parse(void **state)
{
	static const char out[] = "?? new\0M  staged\0 M unstaged\0MM both\0"
				  "UU conflict\0AA added\0";
	struct para_strbuf sb = PARA_STRBUF_INIT;
	struct para_worktree_counts c;

	(void)state;
	para_strbuf_add(&sb, out, sizeof(out) - 1);
	para_worktree_counts_parse(&c, &sb);
	assert_int_equal(c.dirty, 6);
	assert_int_equal(c.untracked, 1);
	assert_int_equal(c.staged, 2);
	assert_int_equal(c.unstaged, 2);
	assert_int_equal(c.conflicted, 2);
	para_strbuf_reset(&sb);
	para_worktree_counts_parse(&c, &sb);
	assert_int_equal(c.dirty, 0);
	para_strbuf_dispose(&sb);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_counts_parse),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
