#ifndef PARA_ERROR_GIT_H
#define PARA_ERROR_GIT_H

#include "error.h"

/* Sets the message from libgit2's last error, prefixed by `fmt`. */
int para_error_git(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

#endif
