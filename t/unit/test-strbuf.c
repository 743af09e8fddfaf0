#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "strbuf.h"

static char dir[] = "/tmp/para-strbuf-XXXXXX";

static int setup(void **st)
{
	(void)st;
	return mkdtemp(dir) ? 0 : -1;
}

static int teardown(void **st)
{
	char *cmd = para_xstrfmt("rm -rf '%s'", dir);

	(void)st;
	if (system(cmd) != 0)
		fprintf(stderr, "cannot remove %s\n", dir);
	free(cmd);
	return 0;
}

/* A file of `size` bytes, each its offset's low byte; its path. */
static char *make_file(const char *name, size_t size)
{
	char *path = para_xstrfmt("%s/%s", dir, name);
	FILE *f = fopen(path, "w");
	size_t i;

	assert_non_null(f);
	for (i = 0; i < size; i++)
		fputc((int)(i & 0xff), f);
	assert_int_equal(fclose(f), 0);
	return path;
}

static void check_whole(const char *name, size_t size)
{
	struct para_strbuf a = PARA_STRBUF_INIT, b = PARA_STRBUF_INIT;
	char *path = make_file(name, size);
	size_t i;

	assert_int_equal(para_strbuf_read_whole(&a, path), 0);
	assert_int_equal(para_strbuf_read_file(&b, path), 0);
	assert_int_equal(a.len, size);
	assert_int_equal(b.len, size);
	for (i = 0; i < size; i++)
		if ((unsigned char)a.buf[i] != (i & 0xff))
			fail_msg("byte %zu of %s is wrong", i, name);
	assert_int_equal(a.buf[a.len], '\0');
	para_strbuf_dispose(&a);
	para_strbuf_dispose(&b);
	free(path);
}

/* Empty, small, one read exactly, one more, many reads: all of it. */
static void test_read_whole_sizes(void **st)
{
	(void)st;
	check_whole("empty", 0);
	check_whole("small", 100);
	check_whole("one-chunk", 65536);
	check_whole("one-more", 65537);
	check_whole("many", 300000);
}

/* The kernel's files, and what is not there. */
static void test_read_whole_proc_and_missing(void **st)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *path = para_xstrfmt("/proc/%ld/stat", (long)getpid());
	char *missing = para_xstrfmt("%s/nothing", dir);

	(void)st;
	assert_int_equal(para_strbuf_read_whole(&sb, path), 0);
	assert_true(sb.len > 0);
	assert_int_equal(sb.buf[sb.len - 1], '\n');
	assert_true(strtol(sb.buf, NULL, 10) == (long)getpid());
	para_strbuf_reset(&sb);
	assert_int_equal(para_strbuf_read_whole(&sb, missing), -1);
	assert_int_equal(errno, ENOENT);
	assert_int_equal(sb.len, 0);
	para_strbuf_dispose(&sb);
	free(path);
	free(missing);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_read_whole_sizes),
		cmocka_unit_test(test_read_whole_proc_and_missing),
	};

	return cmocka_run_group_tests(tests, setup, teardown);
}
