#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <cmocka.h>

#include "du.h"
#include "error.h"
#include "lib-unit.h"

static char root[] = "/tmp/para-du-XXXXXX";

/* What find(1) counts of the tree: directories, and files of one link. */
static unsigned long long find_total(const char *path)
{
	char cmd[256];
	unsigned long long total = 0, blocks;
	FILE *f;

	snprintf(cmd, sizeof(cmd),
		 "find '%s' -xdev \\( -type d -o -links 1 \\) -printf '%%b\\n'",
		 path);
	f = popen(cmd, "r");
	assert_non_null(f);
	while (fscanf(f, "%llu", &blocks) == 1)
		total += blocks * 512;
	assert_int_equal(pclose(f), 0);
	return total;
}

static void test_tree(void **st)
{
	unsigned long long got = 1, before;
	char *tree;

	(void)st;
	assert_non_null(mkdtemp(root));
	tree = para_xstrfmt("%s/tree", root);
	unit_sh("cd %s && mkdir -p tree/a/b/c tree/empty && "
		": >tree/zero && echo x >tree/a/one && "
		"head -c 100000 /dev/zero >tree/a/b/big && "
		"head -c 5000 /dev/zero >tree/a/b/c/mid && "
		"head -c 1000000 /dev/zero >outside && "
		"ln -s ../outside tree/link", root);
	assert_int_equal(para_disk_usage(&got, tree), 0);
	assert_true(got >= 100000 + 5000);
	assert_true(got < 1000000);	/* the link is not followed */
	assert_int_equal(got, find_total(tree));

	/* a file of two links is shared: removing the tree frees none of it */
	before = got;
	unit_sh("cd %s && ln tree/a/b/big outside-link", root);
	assert_int_equal(para_disk_usage(&got, tree), 0);
	assert_true(got < before);
	assert_int_equal(got, find_total(tree));

	/* a file alone is measured; a missing tree takes nothing */
	assert_int_equal(para_disk_usage(&got, root), 0);
	assert_int_equal(got, find_total(root));
	free(tree);
	tree = para_xstrfmt("%s/tree/a/b/c/mid", root);
	assert_int_equal(para_disk_usage(&got, tree), 0);
	assert_int_equal(got, find_total(tree));
	free(tree);
	tree = para_xstrfmt("%s/missing", root);
	got = 1;
	assert_int_equal(para_disk_usage(&got, tree), 0);
	assert_int_equal(got, 0);
	free(tree);
	unit_sh("rm -rf %s", root);
}

/* Deeper than nftw() would keep open: one descriptor a level is fine. */
static void test_deep(void **st)
{
	unsigned long long got = 0;
	char dir[] = "/tmp/para-du-deep-XXXXXX";

	(void)st;
	assert_non_null(mkdtemp(dir));
	unit_sh("cd %s && i=0 && while test $i -lt 100; do "
		"mkdir d && cd d && i=$((i + 1)); done && echo x >f", dir);
	assert_int_equal(para_disk_usage(&got, dir), 0);
	assert_int_equal(got, find_total(dir));
	unit_sh("rm -rf %s", dir);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_tree),
		cmocka_unit_test(test_deep),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
