#include <stdarg.h>
#include <stddef.h>
#include <setjmp.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <cmocka.h>

#include "error.h"
#include "size.h"
#include "sysinfo.h"

static void assert_size(const char *text, long long expect)
{
	long long n = -1;

	assert_int_equal(para_size_parse(&n, text), 0);
	assert_int_equal(n, expect);
}

static void assert_not_size(const char *text)
{
	long long n = 42;
	char msg[128];

	assert_int_equal(para_size_parse(&n, text), PARA_EINVALID);
	snprintf(msg, sizeof(msg), "invalid size '%s'", text);
	assert_string_equal(para_error_last(), msg);
	assert_int_equal(n, 42);
}

static void test_size_units(void **state)
{
	(void)state;
	assert_size("0", 0);
	assert_size("4096", 4096);
	assert_size("1k", 1024);
	assert_size("512M", 512LL << 20);
	assert_size("2g", 2LL << 30);
	assert_size("2GiB", 2LL << 30);
	assert_size("2gb", 2LL << 30);
	assert_size("1.5G", 3LL << 29);
	assert_size("1T", 1LL << 40);
	assert_size(".5k", 512);
}

static void test_size_refused(void **state)
{
	(void)state;
	assert_not_size("");
	assert_not_size("lots");
	assert_not_size("-1G");
	assert_not_size("1 G");
	assert_not_size("1.G");
	assert_not_size("1P");
	assert_not_size("1Gx");
	assert_not_size("99999999999999999999");
	assert_not_size("9000000T");
}

static void test_size_format(void **state)
{
	char buf[32];

	(void)state;
	para_size_format(buf, sizeof(buf), 512);
	assert_string_equal(buf, "512B");
	para_size_format(buf, sizeof(buf), 1536);
	assert_string_equal(buf, "1.5K");
	para_size_format(buf, sizeof(buf), 3LL << 29);
	assert_string_equal(buf, "1.5G");
}

static char *write_temp(const char *text)
{
	char *path = strdup("/tmp/para-sysinfo-XXXXXX");
	int fd = mkstemp(path);
	FILE *f = fdopen(fd, "w");

	fputs(text, f);
	fclose(f);
	return path;
}

static void test_override_files(void **state)
{
	struct para_sysinfo si;
	char *mem = write_temp("MemTotal:  1000 kB\nMemFree: 10 kB\n"
			       "MemAvailable:    2048 kB\nBuffers: 1 kB\n");
	char *load = write_temp("1.25 0.50 0.10 1/100 4242\n");

	(void)state;
	setenv("PARA_TEST_MEMINFO", mem, 1);
	setenv("PARA_TEST_LOADAVG", load, 1);
	para_sysinfo_read(&si, PARA_SYSINFO_MEMORY | PARA_SYSINFO_LOAD);
	assert_int_equal(si.mem_available, 2048 * 1024);
	assert_true(si.load > 1.24 && si.load < 1.26);
	para_sysinfo_read(&si, PARA_SYSINFO_LOAD);
	assert_int_equal(si.mem_available, -1);
	unlink(mem);
	unlink(load);
	/* gone or damaged: unknown, never a failure */
	para_sysinfo_read(&si, PARA_SYSINFO_MEMORY | PARA_SYSINFO_LOAD);
	assert_int_equal(si.mem_available, -1);
	assert_true(si.load < 0);
	free(mem);
	mem = write_temp("MemTotal: 5 kB\n");
	para_sysinfo_read(&si, PARA_SYSINFO_MEMORY);
	assert_int_equal(si.mem_available, -1);
	unlink(mem);
	free(mem);
	free(load);
	unsetenv("PARA_TEST_MEMINFO");
	unsetenv("PARA_TEST_LOADAVG");
}

static void test_the_real_machine(void **state)
{
	struct para_sysinfo si;

	(void)state;
	para_sysinfo_read(&si, PARA_SYSINFO_MEMORY | PARA_SYSINFO_LOAD);
	assert_true(si.mem_available > 0);
	assert_true(si.load >= 0);
	assert_true(para_sysinfo_cpus() >= 1);
}

int main(void)
{
	const struct CMUnitTest tests[] = {
		cmocka_unit_test(test_size_units),
		cmocka_unit_test(test_size_refused),
		cmocka_unit_test(test_size_format),
		cmocka_unit_test(test_override_files),
		cmocka_unit_test(test_the_real_machine),
	};

	return cmocka_run_group_tests(tests, NULL, NULL);
}
