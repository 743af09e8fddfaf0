/*
 * Errors from libgit2, in a file of their own so that programs that do
 * not use libgit2 (the dispatcher) do not link it.
 */
#include <stdarg.h>
#include <git2.h>

#include "error-git.h"

int para_error_git(int code, const char *fmt, ...)
{
	const git_error *e = git_error_last();
	va_list ap;

	va_start(ap, fmt);
	para_error_vset(e && e->message ? e->message : "unknown libgit2 error",
		    fmt, ap);
	va_end(ap);
	return code;
}

