#ifndef PARA_STRVEC_H
#define PARA_STRVEC_H

#include <stddef.h>

/* A NULL-terminated, growable array of owned strings (an argv). */
struct para_strvec {
	char **v;
	size_t nr;
	size_t alloc;
};

#define PARA_STRVEC_INIT { NULL, 0, 0 }

void para_strvec_push(struct para_strvec *sv, const char *s);
void para_strvec_pushf(struct para_strvec *sv, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void para_strvec_pushv(struct para_strvec *sv, const char *const *argv);
/* Appends each whitespace-separated word of `s`. */
void para_strvec_split(struct para_strvec *sv, const char *s);
/* Appends each line of `s` (without its newline), skipping empty ones. */
void para_strvec_split_lines(struct para_strvec *sv, const char *s);
int para_strvec_contains(const struct para_strvec *sv, const char *s);
void para_strvec_sort(struct para_strvec *sv);
void para_strvec_dispose(struct para_strvec *sv);

#endif
