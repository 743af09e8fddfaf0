#ifndef PARA_JSON_H
#define PARA_JSON_H

#include <stddef.h>
#include "strbuf.h"

/*
 * A small streaming JSON writer into a strbuf.  The writer keeps track
 * of where commas go; the caller opens and closes objects and arrays in
 * order.  Output is compact (one line).  Strings are written as UTF-8;
 * bytes that are not valid UTF-8 are written as \u00XX (read as
 * Latin-1), so the document is always valid JSON.
 */

#define PARA_JSON_DEPTH_MAX 32

struct para_json {
	struct para_strbuf *out;
	int depth;
	int need_comma[PARA_JSON_DEPTH_MAX];
};

void para_json_init(struct para_json *json, struct para_strbuf *out);

/* Containers; `key` is the member name inside an object, else NULL. */
void para_json_object_open(struct para_json *json, const char *key);
void para_json_object_close(struct para_json *json);
void para_json_array_open(struct para_json *json, const char *key);
void para_json_array_close(struct para_json *json);

/* Values; a NULL string is written as null. */
void para_json_string(struct para_json *json, const char *key,
		      const char *value);
void para_json_int(struct para_json *json, const char *key, long long value);
/* A real number, with up to ten significant digits. */
void para_json_double(struct para_json *json, const char *key, double value);
void para_json_bool(struct para_json *json, const char *key, int value);
void para_json_null(struct para_json *json, const char *key);

/* Appends `s` as a quoted JSON string (exposed for the unit tests). */
void para_json_quote(struct para_strbuf *out, const char *s);

#endif
