#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <git2.h>

#include "error.h"

static __thread char last_message[4096];

static void __attribute__((format(printf, 2, 0)))
set_message(const char *suffix, const char *fmt, va_list ap)
{
	int n = vsnprintf(last_message, sizeof(last_message), fmt, ap);

	if (n < 0)
		n = 0;
	if (suffix && (size_t)n < sizeof(last_message))
		snprintf(last_message + n, sizeof(last_message) - n, ": %s",
			 suffix);
}

int para_error_set(int code, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	set_message(NULL, fmt, ap);
	va_end(ap);
	return code;
}

int para_error_git(int code, const char *fmt, ...)
{
	const git_error *e = git_error_last();
	va_list ap;

	va_start(ap, fmt);
	set_message(e && e->message ? e->message : "unknown libgit2 error",
		    fmt, ap);
	va_end(ap);
	return code;
}

int para_error_errno(int code, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	set_message(strerror(saved), fmt, ap);
	va_end(ap);
	errno = saved;
	return code;
}

const char *para_error_last(void)
{
	return last_message[0] ? last_message : "unknown error";
}

void para_error_clear(void)
{
	last_message[0] = '\0';
}
