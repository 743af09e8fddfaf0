#ifndef PARA_STRBUF_H
#define PARA_STRBUF_H

#include <stddef.h>
#include <stdarg.h>

/*
 * A growable NUL-terminated byte buffer.  `buf` is never NULL once
 * initialised with PARA_STRBUF_INIT, so it can be printed at once.
 * Allocation failure aborts: there is nothing useful to do about it in
 * a command-line tool.
 */
struct para_strbuf {
	char *buf;
	size_t len;
	size_t alloc;
};

extern char para_strbuf_empty[];
#define PARA_STRBUF_INIT { para_strbuf_empty, 0, 0 }

void para_strbuf_grow(struct para_strbuf *sb, size_t extra);
void para_strbuf_add(struct para_strbuf *sb, const void *data, size_t len);
void para_strbuf_addstr(struct para_strbuf *sb, const char *s);
void para_strbuf_addch(struct para_strbuf *sb, int c);
void para_strbuf_addf(struct para_strbuf *sb, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));
void para_strbuf_vaddf(struct para_strbuf *sb, const char *fmt, va_list ap)
	__attribute__((format(printf, 2, 0)));
void para_strbuf_setlen(struct para_strbuf *sb, size_t len);
void para_strbuf_reset(struct para_strbuf *sb);
/* Removes trailing white space (newlines included). */
void para_strbuf_rtrim(struct para_strbuf *sb);
/* Hands the buffer over to the caller (always malloc'd) and resets `sb`. */
char *para_strbuf_detach(struct para_strbuf *sb);
void para_strbuf_dispose(struct para_strbuf *sb);

/* Reads a whole file; returns 0, or -1 with errno set. */
int para_strbuf_read_file(struct para_strbuf *sb, const char *path);

/*
 * The same for a regular file or one of the kernel's (/proc), which give
 * all they have to each read: one that gives less than asked for is at
 * the end, and no read more is made to see it.  Not for pipes.
 */
int para_strbuf_read_whole(struct para_strbuf *sb, const char *path);

/* Allocation helpers that abort on failure. */
void *para_malloc(size_t n);
void *para_calloc(size_t n, size_t size);
void *para_realloc(void *p, size_t n);
/*
 * An array `v` of `*alloc` items of `size` bytes, grown (doubled, from
 * 16) where it must be to hold `nr` items; `*alloc` says its new size.
 */
void *para_grow(void *v, size_t *alloc, size_t nr, size_t size);
char *para_strdup(const char *s);
char *para_strndup(const char *s, size_t n);
char *para_xstrfmt(const char *fmt, ...) __attribute__((format(printf, 1, 2)));

#endif
