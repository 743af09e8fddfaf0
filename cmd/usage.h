#ifndef PARA_USAGE_H
#define PARA_USAGE_H

#include <stdarg.h>

/* Each program defines it; main() in common-main.c calls it. */
int cmd_main(int argc, const char **argv);

/* "para-add" for git-para-add: names the man page, set by main(). */
extern const char *para_program;

/* Prints "fatal: <msg>" and exits 128. */
void die(const char *fmt, ...) __attribute__((format(printf, 1, 2), noreturn));
/* Prints "error: <msg>" and returns -1. */
int error(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "warning: <msg>". */
void warning(const char *fmt, ...) __attribute__((format(printf, 1, 2)));
/* Prints "fatal: <the library's last error>" and exits 128. */
void die_lib(void) __attribute__((noreturn));
/* Prints "error: <the library's last error>" and returns -1. */
int error_lib(void);

/* 1 when `fd` is a terminal and colour/progress make sense. */
int isatty_fd(int fd);

#endif
