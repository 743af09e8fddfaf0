#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "error.h"
#include "usage.h"

const char *para_program = "para";

static void report(const char *prefix, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

static void report(const char *prefix, const char *fmt, va_list ap)
{
	char msg[8192];

	vsnprintf(msg, sizeof(msg), fmt, ap);
	fflush(stdout);
	fprintf(stderr, "%s%s\n", prefix, msg);
}

void die(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("fatal: ", fmt, ap);
	va_end(ap);
	exit(128);
}

int error(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("error: ", fmt, ap);
	va_end(ap);
	return -1;
}

void warning(const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	report("warning: ", fmt, ap);
	va_end(ap);
}

void die_lib(void)
{
	die("%s", para_error_last());
}

int error_lib(void)
{
	return error("%s", para_error_last());
}

int isatty_fd(int fd)
{
	return isatty(fd);
}
