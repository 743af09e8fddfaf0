#include <math.h>
#include <stdio.h>
#include <string.h>

#include "json.h"

void para_json_init(struct para_json *json, struct para_strbuf *out)
{
	memset(json, 0, sizeof(*json));
	json->out = out;
}

/* Length of the valid UTF-8 sequence at `s`, or 0 if it is not one. */
static size_t utf8_len(const unsigned char *s)
{
	size_t len, i;
	unsigned int cp;

	if (s[0] < 0x80)
		return 1;
	if ((s[0] & 0xe0) == 0xc0) {
		len = 2;
		cp = s[0] & 0x1f;
	} else if ((s[0] & 0xf0) == 0xe0) {
		len = 3;
		cp = s[0] & 0x0f;
	} else if ((s[0] & 0xf8) == 0xf0) {
		len = 4;
		cp = s[0] & 0x07;
	} else {
		return 0;
	}
	for (i = 1; i < len; i++) {
		if ((s[i] & 0xc0) != 0x80)
			return 0;
		cp = (cp << 6) | (s[i] & 0x3f);
	}
	/* no overlong forms, no surrogates, nothing past U+10FFFF */
	if ((len == 2 && cp < 0x80) || (len == 3 && cp < 0x800) ||
	    (len == 4 && cp < 0x10000) || cp > 0x10ffff ||
	    (cp >= 0xd800 && cp <= 0xdfff))
		return 0;
	return len;
}

void para_json_quote(struct para_strbuf *out, const char *s)
{
	const unsigned char *p = (const unsigned char *)(s ? s : "");

	para_strbuf_addch(out, '"');
	while (*p) {
		const unsigned char *run = p;
		size_t len;

		/* plain ASCII needs no escaping: copy it in one go */
		while (*p >= 0x20 && *p < 0x7f && *p != '"' && *p != '\\')
			p++;
		if (p > run)
			para_strbuf_add(out, run, (size_t)(p - run));
		if (!*p)
			break;
		len = utf8_len(p);

		if (*p == '"' || *p == '\\') {
			para_strbuf_addch(out, '\\');
			para_strbuf_addch(out, *p);
		} else if (*p == '\n') {
			para_strbuf_addstr(out, "\\n");
		} else if (*p == '\t') {
			para_strbuf_addstr(out, "\\t");
		} else if (*p == '\r') {
			para_strbuf_addstr(out, "\\r");
		} else if (*p < 0x20 || *p == 0x7f || !len) {
			para_strbuf_addf(out, "\\u%04x", *p);
		} else {
			para_strbuf_add(out, p, len);
			p += len;
			continue;
		}
		p++;
	}
	para_strbuf_addch(out, '"');
}

/* Writes the comma and the member name that go before a value. */
static void begin_value(struct para_json *json, const char *key)
{
	if (json->need_comma[json->depth])
		para_strbuf_addch(json->out, ',');
	json->need_comma[json->depth] = 1;
	if (key) {
		para_json_quote(json->out, key);
		para_strbuf_addch(json->out, ':');
	}
}

static void open_container(struct para_json *json, const char *key, int c)
{
	begin_value(json, key);
	para_strbuf_addch(json->out, c);
	if (json->depth < PARA_JSON_DEPTH_MAX - 1)
		json->depth++;
	json->need_comma[json->depth] = 0;
}

static void close_container(struct para_json *json, int c)
{
	para_strbuf_addch(json->out, c);
	if (json->depth > 0)
		json->depth--;
}

void para_json_object_open(struct para_json *json, const char *key)
{
	open_container(json, key, '{');
}

void para_json_object_close(struct para_json *json)
{
	close_container(json, '}');
}

void para_json_array_open(struct para_json *json, const char *key)
{
	open_container(json, key, '[');
}

void para_json_array_close(struct para_json *json)
{
	close_container(json, ']');
}

void para_json_string(struct para_json *json, const char *key,
		      const char *value)
{
	begin_value(json, key);
	if (value)
		para_json_quote(json->out, value);
	else
		para_strbuf_addstr(json->out, "null");
}

void para_json_int(struct para_json *json, const char *key, long long value)
{
	char digits[24], *p = digits + sizeof(digits);
	unsigned long long v = value < 0 ? 0 - (unsigned long long)value :
			       (unsigned long long)value;

	begin_value(json, key);
	do {
		*--p = (char)('0' + v % 10);
		v /= 10;
	} while (v);
	if (value < 0)
		*--p = '-';
	para_strbuf_add(json->out, p, (size_t)(digits + sizeof(digits) - p));
}

void para_json_double(struct para_json *json, const char *key, double value)
{
	char num[40];

	begin_value(json, key);
	/* JSON has no infinity nor NaN */
	if (!isfinite(value))
		value = 0;
	snprintf(num, sizeof(num), "%.10g", value);
	para_strbuf_addstr(json->out, num);
}

void para_json_bool(struct para_json *json, const char *key, int value)
{
	begin_value(json, key);
	para_strbuf_addstr(json->out, value ? "true" : "false");
}

void para_json_null(struct para_json *json, const char *key)
{
	begin_value(json, key);
	para_strbuf_addstr(json->out, "null");
}
