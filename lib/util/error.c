#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>

#include "error.h"

static __thread char last_message[4096];

void
para_error_vset(const char *suffix, const char *fmt, va_list ap)
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
	para_error_vset(NULL, fmt, ap);
	va_end(ap);
	return code;
}

int para_error_errno(int code, const char *fmt, ...)
{
	int saved = errno;
	va_list ap;

	va_start(ap, fmt);
	para_error_vset(strerror(saved), fmt, ap);
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
