#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "sysinfo.h"

/* Reads the start of a small file into `buf` (NUL-terminated). */
static int read_small(char *buf, size_t size, const char *test_var,
		      const char *path)
{
	const char *over = getenv(test_var);
	ssize_t n, got = 0;
	int fd;

	if (over && *over)
		path = over;
	if ((fd = open(path, O_RDONLY | O_CLOEXEC)) < 0)
		return -1;
	while ((size_t)got < size - 1 &&
	       (n = read(fd, buf + got, size - 1 - (size_t)got)) > 0)
		got += n;
	close(fd);
	buf[got] = '\0';
	return got > 0 ? 0 : -1;
}

static long long mem_available(void)
{
	char buf[8192], *p, *end;
	long long kb;

	if (read_small(buf, sizeof(buf), "PARA_TEST_MEMINFO",
		       "/proc/meminfo") < 0)
		return -1;
	for (p = buf; p; p = strchr(p, '\n'), p = p ? p + 1 : NULL) {
		if (strncmp(p, "MemAvailable:", 13))
			continue;
		kb = strtoll(p + 13, &end, 10);
		if (end == p + 13 || kb < 0)
			return -1;
		return kb * 1024;
	}
	return -1;
}

static double load_average(void)
{
	char buf[256], *end;
	double load;

	if (read_small(buf, sizeof(buf), "PARA_TEST_LOADAVG",
		       "/proc/loadavg") < 0)
		return -1;
	load = strtod(buf, &end);
	return end == buf || load < 0 ? -1 : load;
}

void para_sysinfo_read(struct para_sysinfo *out, unsigned int want)
{
	out->mem_available = want & PARA_SYSINFO_MEMORY ? mem_available() : -1;
	out->load = want & PARA_SYSINFO_LOAD ? load_average() : -1;
}

int para_sysinfo_parse_load(double *out, const char *text)
{
	char *end;
	double v;

	if (!(*text >= '0' && *text <= '9') && *text != '.')
		goto bad;
	v = strtod(text, &end);
	if (end == text || v <= 0 || v > 1e6)
		goto bad;
	if (*end == '%' && !end[1])
		v = v * para_sysinfo_cpus() / 100;
	else if (*end)
		goto bad;
	*out = v;
	return 0;
bad:
	return para_error_set(PARA_EINVALID, "invalid load '%s'", text);
}

int para_sysinfo_cpus(void)
{
	long n = sysconf(_SC_NPROCESSORS_ONLN);

	return n > 0 ? (int)n : 1;
}
