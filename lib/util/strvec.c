#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "strbuf.h"
#include "strvec.h"

static void push_owned(struct para_strvec *sv, char *s)
{
	sv->v = para_grow(sv->v, &sv->alloc, sv->nr + 2, sizeof(*sv->v));
	sv->v[sv->nr++] = s;
	sv->v[sv->nr] = NULL;
}

void para_strvec_push(struct para_strvec *sv, const char *s)
{
	push_owned(sv, para_strdup(s));
}

void para_strvec_pushf(struct para_strvec *sv, const char *fmt, ...)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	para_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	push_owned(sv, para_strbuf_detach(&sb));
}

void para_strvec_pushv(struct para_strvec *sv, const char *const *argv)
{
	for (; argv && *argv; argv++)
		para_strvec_push(sv, *argv);
}

void para_strvec_split(struct para_strvec *sv, const char *s)
{
	while (s && *s) {
		size_t n;

		s += strspn(s, " \t\r\n");
		n = strcspn(s, " \t\r\n");
		if (n)
			push_owned(sv, para_strndup(s, n));
		s += n;
	}
}

void para_strvec_split_lines(struct para_strvec *sv, const char *s)
{
	while (s && *s) {
		size_t n = strcspn(s, "\n");

		if (n)
			push_owned(sv, para_strndup(s, n));
		s += n;
		if (*s)
			s++;
	}
}

int para_strvec_contains(const struct para_strvec *sv, const char *s)
{
	size_t i;

	for (i = 0; i < sv->nr; i++)
		if (!strcmp(sv->v[i], s))
			return 1;
	return 0;
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

void para_strvec_sort(struct para_strvec *sv)
{
	if (sv->nr > 1)
		qsort(sv->v, sv->nr, sizeof(*sv->v), cmp_str);
}

void para_strvec_dispose(struct para_strvec *sv)
{
	size_t i;

	for (i = 0; i < sv->nr; i++)
		free(sv->v[i]);
	free(sv->v);
	sv->v = NULL;
	sv->nr = sv->alloc = 0;
}
