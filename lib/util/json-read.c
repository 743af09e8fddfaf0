#include <errno.h>
#include <stdarg.h>
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "json-read.h"
#include "strbuf.h"

struct reader {
	const unsigned char *p, *start, *end;
	int depth;
};

static int parse_value(struct para_json_value *out, struct reader *r);

/* "line L, column C: <message>", counted in bytes up to the error. */
static int fail(const struct reader *r, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

static int fail(const struct reader *r, const char *fmt, ...)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	const unsigned char *q;
	size_t line = 1, col = 1;
	va_list ap;

	for (q = r->start; q < r->p && q < r->end; q++) {
		if (*q == '\n') {
			line++;
			col = 1;
		} else if ((*q & 0xc0) != 0x80) {
			col++;
		}
	}
	va_start(ap, fmt);
	para_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	para_error_set(PARA_EINVALID, "line %zu, column %zu: %s", line, col,
		       sb.buf);
	para_strbuf_dispose(&sb);
	return PARA_EINVALID;
}

static void dispose(struct para_json_value *v)
{
	size_t i;

	for (i = 0; i < v->nr; i++) {
		dispose(&v->v[i]);
		if (v->keys)
			free(v->keys[i]);
	}
	free(v->v);
	free(v->keys);
	free(v->text);
	memset(v, 0, sizeof(*v));
}

void para_json_free(struct para_json_value *value)
{
	if (!value)
		return;
	dispose(value);
	free(value);
}

static void skip_space(struct reader *r)
{
	while (r->p < r->end && (*r->p == ' ' || *r->p == '\t' ||
				 *r->p == '\n' || *r->p == '\r'))
		r->p++;
}

/* The length of the UTF-8 sequence at `p`, 0 when it is not one. */
static size_t utf8_len(const unsigned char *p, const unsigned char *end)
{
	size_t n, i;
	unsigned int cp;

	if (*p < 0x80)
		return 1;
	if (*p >= 0xc2 && *p <= 0xdf)
		n = 2, cp = *p & 0x1f;
	else if (*p >= 0xe0 && *p <= 0xef)
		n = 3, cp = *p & 0x0f;
	else if (*p >= 0xf0 && *p <= 0xf4)
		n = 4, cp = *p & 0x07;
	else
		return 0;
	if ((size_t)(end - p) < n)
		return 0;
	for (i = 1; i < n; i++) {
		if ((p[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (p[i] & 0x3f);
	}
	if ((n == 3 && (cp < 0x800 || (cp >= 0xd800 && cp <= 0xdfff))) ||
	    (n == 4 && (cp < 0x10000 || cp > 0x10ffff)))
		return 0;
	return n;
}

static void add_utf8(struct para_strbuf *sb, unsigned long cp)
{
	if (cp < 0x80) {
		para_strbuf_addch(sb, (int)cp);
	} else if (cp < 0x800) {
		para_strbuf_addch(sb, (int)(0xc0 | (cp >> 6)));
		para_strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else if (cp < 0x10000) {
		para_strbuf_addch(sb, (int)(0xe0 | (cp >> 12)));
		para_strbuf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3f)));
		para_strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	} else {
		para_strbuf_addch(sb, (int)(0xf0 | (cp >> 18)));
		para_strbuf_addch(sb, (int)(0x80 | ((cp >> 12) & 0x3f)));
		para_strbuf_addch(sb, (int)(0x80 | ((cp >> 6) & 0x3f)));
		para_strbuf_addch(sb, (int)(0x80 | (cp & 0x3f)));
	}
}

/* Four hex digits after "\u"; -1 when they are not. */
static long hex4(const unsigned char *p, const unsigned char *end)
{
	long v = 0;
	int i;

	if (end - p < 4)
		return -1;
	for (i = 0; i < 4; i++) {
		int c = p[i];

		v <<= 4;
		if (c >= '0' && c <= '9')
			v |= c - '0';
		else if (c >= 'a' && c <= 'f')
			v |= c - 'a' + 10;
		else if (c >= 'A' && c <= 'F')
			v |= c - 'A' + 10;
		else
			return -1;
	}
	return v;
}

/* "\uXXXX", a surrogate pair taken together; `r->p` is at the 'u'. */
static int parse_unicode(struct para_strbuf *sb, struct reader *r)
{
	long hi = hex4(r->p + 1, r->end), lo;

	if (hi < 0)
		return fail(r, "bad \\u escape (four hex digits expected)");
	r->p += 5;
	if (hi >= 0xdc00 && hi <= 0xdfff)
		return fail(r, "lone low surrogate \\u%04lx", hi);
	if (hi >= 0xd800 && hi <= 0xdbff) {
		if (r->end - r->p < 2 || r->p[0] != '\\' || r->p[1] != 'u' ||
		    (lo = hex4(r->p + 2, r->end)) < 0xdc00 || lo > 0xdfff)
			return fail(r, "high surrogate \\u%04lx without its "
				    "low surrogate", hi);
		r->p += 6;
		hi = 0x10000 + ((hi - 0xd800) << 10) + (lo - 0xdc00);
	}
	if (!hi)
		return fail(r, "\\u0000 in a string is not accepted");
	add_utf8(sb, (unsigned long)hi);
	return 0;
}

static int parse_escape(struct para_strbuf *sb, struct reader *r)
{
	static const char from[] = "\"\\/bfnrt", to[] = "\"\\/\b\f\n\r\t";
	const char *hit;

	r->p++;
	if (r->p >= r->end)
		return fail(r, "unterminated string");
	if (*r->p == 'u')
		return parse_unicode(sb, r);
	if (!*r->p || !(hit = strchr(from, *r->p)))
		return fail(r, "bad escape '\\%c'", *r->p >= 0x20 &&
			    *r->p < 0x7f ? *r->p : '?');
	para_strbuf_addch(sb, to[hit - from]);
	r->p++;
	return 0;
}

/* A string; `r->p` is at the opening quote. */
static int parse_string(char **out, size_t *len, struct reader *r)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	int error = 0;
	size_t n;

	r->p++;
	while (!error) {
		const unsigned char *run = r->p;

		while (r->p < r->end && *r->p != '"' && *r->p != '\\' &&
		       *r->p >= 0x20 && *r->p < 0x80)
			r->p++;
		para_strbuf_add(&sb, run, (size_t)(r->p - run));
		if (r->p >= r->end)
			error = fail(r, "unterminated string");
		else if (*r->p == '"')
			break;
		else if (*r->p == '\\')
			error = parse_escape(&sb, r);
		else if (*r->p < 0x20)
			error = fail(r, "control character 0x%02x in a string",
				     *r->p);
		else if (!(n = utf8_len(r->p, r->end)))
			error = fail(r, "invalid UTF-8 in a string");
		else {
			para_strbuf_add(&sb, r->p, n);
			r->p += n;
		}
	}
	if (error) {
		para_strbuf_dispose(&sb);
		return error;
	}
	r->p++;
	*len = sb.len;
	*out = para_strbuf_detach(&sb);
	return 0;
}

static size_t digits(const unsigned char *p, const unsigned char *end)
{
	const unsigned char *q = p;

	while (q < end && *q >= '0' && *q <= '9')
		q++;
	return (size_t)(q - p);
}

static int parse_number(struct para_json_value *out, struct reader *r)
{
	const unsigned char *start = r->p;
	size_t n;

	if (r->p < r->end && *r->p == '-')
		r->p++;
	n = digits(r->p, r->end);
	if (!n || (n > 1 && *r->p == '0'))
		return fail(r, "bad number");
	r->p += n;
	if (r->p < r->end && *r->p == '.') {
		r->p++;
		if (!(n = digits(r->p, r->end)))
			return fail(r, "bad number");
		r->p += n;
	}
	if (r->p < r->end && (*r->p == 'e' || *r->p == 'E')) {
		r->p++;
		if (r->p < r->end && (*r->p == '+' || *r->p == '-'))
			r->p++;
		if (!(n = digits(r->p, r->end)))
			return fail(r, "bad number");
		r->p += n;
	}
	out->type = PARA_JSON_NUMBER;
	out->len = (size_t)(r->p - start);
	out->text = para_strndup((const char *)start, out->len);
	return 0;
}

static int parse_word(struct para_json_value *out, struct reader *r,
		      const char *word, enum para_json_type type)
{
	size_t len = strlen(word);

	if ((size_t)(r->end - r->p) < len || memcmp(r->p, word, len))
		return fail(r, "unexpected character");
	r->p += len;
	out->type = type;
	return 0;
}

static struct para_json_value *grow(struct para_json_value *v, size_t *alloc)
{
	if (v->nr == *alloc) {
		*alloc = *alloc ? 2 * *alloc : 4;
		v->v = para_realloc(v->v, *alloc * sizeof(*v->v));
		if (v->type == PARA_JSON_OBJECT)
			v->keys = para_realloc(v->keys,
					       *alloc * sizeof(*v->keys));
	}
	memset(&v->v[v->nr], 0, sizeof(*v->v));
	return &v->v[v->nr];
}

static int parse_member_name(char **key, struct para_json_value *obj,
			     struct reader *r)
{
	const unsigned char *at;
	size_t len, i;
	int error;

	skip_space(r);
	at = r->p;
	if (r->p >= r->end || *r->p != '"')
		return fail(r, "member name expected");
	if ((error = parse_string(key, &len, r)) < 0)
		return error;
	for (i = 0; i < obj->nr; i++)
		if (!strcmp(obj->keys[i], *key)) {
			r->p = at;
			free(*key);
			*key = NULL;
			return fail(r, "duplicate member name");
		}
	skip_space(r);
	if (r->p >= r->end || *r->p != ':')
		return fail(r, "':' expected");
	r->p++;
	return 0;
}

/* An array or an object; `r->p` is at its '[' or '{'. */
static int parse_container(struct para_json_value *out, struct reader *r)
{
	int object = *r->p == '{', error = 0;
	char close = object ? '}' : ']';
	size_t alloc = 0;

	if (++r->depth > PARA_JSON_READ_DEPTH_MAX)
		return fail(r, "nested deeper than %d levels",
			    PARA_JSON_READ_DEPTH_MAX);
	out->type = object ? PARA_JSON_OBJECT : PARA_JSON_ARRAY;
	r->p++;
	skip_space(r);
	if (r->p < r->end && *r->p == close) {
		r->p++;
		r->depth--;
		return 0;
	}
	for (;;) {
		struct para_json_value *item = grow(out, &alloc);
		char *key = NULL;

		if (object && (error = parse_member_name(&key, out, r)) < 0) {
			free(key);
			break;
		}
		if ((error = parse_value(item, r)) < 0) {
			dispose(item);
			free(key);
			break;
		}
		if (object)
			out->keys[out->nr] = key;
		out->nr++;
		skip_space(r);
		if (r->p < r->end && *r->p == ',') {
			r->p++;
			continue;
		}
		if (r->p < r->end && *r->p == close) {
			r->p++;
			break;
		}
		error = fail(r, "',' or '%c' expected", close);
		break;
	}
	r->depth--;
	return error;
}

static int parse_value(struct para_json_value *out, struct reader *r)
{
	skip_space(r);
	if (r->p >= r->end)
		return fail(r, "value expected");
	switch (*r->p) {
	case '{':
	case '[':
		return parse_container(out, r);
	case '"':
		out->type = PARA_JSON_STRING;
		return parse_string(&out->text, &out->len, r);
	case 't':
		return parse_word(out, r, "true", PARA_JSON_TRUE);
	case 'f':
		return parse_word(out, r, "false", PARA_JSON_FALSE);
	case 'n':
		return parse_word(out, r, "null", PARA_JSON_NULL);
	default:
		if (*r->p == '-' || (*r->p >= '0' && *r->p <= '9'))
			return parse_number(out, r);
		return fail(r, "unexpected character");
	}
}

int para_json_parse(struct para_json_value **out, const char *text,
		    size_t len)
{
	struct para_json_value *v = para_calloc(1, sizeof(*v));
	struct reader r;
	int error;

	r.start = r.p = (const unsigned char *)text;
	r.end = r.start + len;
	r.depth = 0;
	if ((error = parse_value(v, &r)) == 0) {
		skip_space(&r);
		if (r.p < r.end)
			error = fail(&r, "text after the value");
	}
	if (error < 0) {
		para_json_free(v);
		v = NULL;
	}
	*out = v;
	return error;
}

const struct para_json_value *para_json_get(const struct para_json_value *obj,
					    const char *key)
{
	size_t i;

	if (!obj || obj->type != PARA_JSON_OBJECT)
		return NULL;
	for (i = 0; i < obj->nr; i++)
		if (!strcmp(obj->keys[i], key))
			return &obj->v[i];
	return NULL;
}

const char *para_json_get_string(const struct para_json_value *obj,
				 const char *key)
{
	const struct para_json_value *v = para_json_get(obj, key);

	return v && v->type == PARA_JSON_STRING ? v->text : NULL;
}

int para_json_value_int(long long *out, const struct para_json_value *value,
		  long long min, long long max)
{
	long long n;
	char *end;

	if (!value || value->type != PARA_JSON_NUMBER ||
	    strpbrk(value->text, ".eE"))
		return para_error_set(PARA_EINVALID, "not a whole number");
	errno = 0;
	n = strtoll(value->text, &end, 10);
	if (errno || *end || n < min || n > max)
		return para_error_set(PARA_EINVALID, "number '%s' out of range",
				      value->text);
	*out = n;
	return 0;
}
