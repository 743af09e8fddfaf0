#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "strbuf.h"

char para_strbuf_empty[1];

static void die_oom(void)
{
	static const char msg[] = "fatal: out of memory\n";

	if (write(2, msg, sizeof(msg) - 1) < 0)
		abort();
	abort();
}

void *para_malloc(size_t n)
{
	void *p = malloc(n ? n : 1);

	if (!p)
		die_oom();
	return p;
}

void *para_calloc(size_t n, size_t size)
{
	void *p = calloc(n ? n : 1, size ? size : 1);

	if (!p)
		die_oom();
	return p;
}

void *para_realloc(void *p, size_t n)
{
	p = realloc(p, n ? n : 1);
	if (!p)
		die_oom();
	return p;
}

void *para_grow(void *v, size_t *alloc, size_t nr, size_t size)
{
	if (nr <= *alloc)
		return v;
	while (*alloc < nr)
		*alloc = *alloc ? 2 * *alloc : 16;
	return para_realloc(v, *alloc * size);
}

char *para_strdup(const char *s)
{
	return para_strndup(s, strlen(s));
}

char *para_strndup(const char *s, size_t n)
{
	char *p = para_malloc(n + 1);

	memcpy(p, s, n);
	p[n] = '\0';
	return p;
}

char *para_xstrfmt(const char *fmt, ...)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	para_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	return para_strbuf_detach(&sb);
}

void para_strbuf_grow(struct para_strbuf *sb, size_t extra)
{
	size_t want = sb->len + extra + 1;

	if (want <= sb->alloc)
		return;
	if (sb->alloc == 0)
		sb->buf = NULL;
	sb->alloc = sb->alloc * 3 / 2 > want ? sb->alloc * 3 / 2 : want + 16;
	sb->buf = para_realloc(sb->buf, sb->alloc);
	if (sb->len == 0)
		sb->buf[0] = '\0';
}

void para_strbuf_add(struct para_strbuf *sb, const void *data, size_t len)
{
	para_strbuf_grow(sb, len);
	memcpy(sb->buf + sb->len, data, len);
	sb->len += len;
	sb->buf[sb->len] = '\0';
}

void para_strbuf_addstr(struct para_strbuf *sb, const char *s)
{
	para_strbuf_add(sb, s, strlen(s));
}

void para_strbuf_addch(struct para_strbuf *sb, int c)
{
	char ch = (char)c;

	para_strbuf_add(sb, &ch, 1);
}

void para_strbuf_vaddf(struct para_strbuf *sb, const char *fmt, va_list ap)
{
	va_list cp;
	int n;

	va_copy(cp, ap);
	n = vsnprintf(NULL, 0, fmt, cp);
	va_end(cp);
	if (n < 0)
		return;
	para_strbuf_grow(sb, (size_t)n);
	vsnprintf(sb->buf + sb->len, (size_t)n + 1, fmt, ap);
	sb->len += (size_t)n;
}

void para_strbuf_addf(struct para_strbuf *sb, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	para_strbuf_vaddf(sb, fmt, ap);
	va_end(ap);
}

void para_strbuf_setlen(struct para_strbuf *sb, size_t len)
{
	if (!sb->alloc)
		return;
	sb->len = len;
	sb->buf[len] = '\0';
}

void para_strbuf_reset(struct para_strbuf *sb)
{
	para_strbuf_setlen(sb, 0);
}

void para_strbuf_rtrim(struct para_strbuf *sb)
{
	while (sb->len && strchr(" \t\r\n", sb->buf[sb->len - 1]))
		sb->len--;
	if (sb->alloc)
		sb->buf[sb->len] = '\0';
}

char *para_strbuf_detach(struct para_strbuf *sb)
{
	char *p = sb->alloc ? sb->buf : para_strdup("");

	sb->buf = para_strbuf_empty;
	sb->len = sb->alloc = 0;
	return p;
}

void para_strbuf_dispose(struct para_strbuf *sb)
{
	if (sb->alloc)
		free(sb->buf);
	sb->buf = para_strbuf_empty;
	sb->len = sb->alloc = 0;
}

static int read_path(struct para_strbuf *sb, const char *path, int whole)
{
	char chunk[65536];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -1;
	while ((n = read(fd, chunk, sizeof(chunk))) != 0) {
		if (n < 0) {
			if (errno == EINTR)
				continue;
			close(fd);
			return -1;
		}
		para_strbuf_add(sb, chunk, (size_t)n);
		if (whole && (size_t)n < sizeof(chunk))
			break;
	}
	close(fd);
	return 0;
}

int para_strbuf_read_file(struct para_strbuf *sb, const char *path)
{
	return read_path(sb, path, 0);
}

int para_strbuf_read_whole(struct para_strbuf *sb, const char *path)
{
	return read_path(sb, path, 1);
}
