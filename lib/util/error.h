#ifndef PARA_ERROR_H
#define PARA_ERROR_H

#include <stdarg.h>

/*
 * Library error reporting, in the manner of libgit2: functions return a
 * negative value and leave a message for the caller, who decides how to
 * show it.  The message is per thread.
 */

/*
 * git-para's own numbers, apart from libgit2's (which go up to about
 * -40), so that a libgit2 code passed up by mistake never reads as one of
 * these.  Callers compare only with these names.
 */
enum para_error_code {
	PARA_OK = 0,
	PARA_ERROR = -1,	/* generic failure */
	PARA_ENOTFOUND = -101,	/* the object asked for does not exist */
	PARA_EEXISTS = -102,	/* the object to create exists already */
	PARA_EINVALID = -103,	/* user input is malformed */
	PARA_ELOCKED = -104,	/* somebody else holds the lock */
	PARA_ECORRUPT = -105	/* a state file is damaged */
};

/* Sets the message; always returns `code` so callers can `return para_error_set(...)`. */
int para_error_set(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Sets the message from errno, prefixed by `fmt`. */
int para_error_errno(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* Sets the message from `fmt`, with ": <suffix>" after it if not NULL. */
void para_error_vset(const char *suffix, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));

/* The last message, or "unknown error"; never NULL. */
const char *para_error_last(void);

void para_error_clear(void);

#endif
