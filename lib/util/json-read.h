#ifndef PARA_JSON_READ_H
#define PARA_JSON_READ_H

#include <stddef.h>

/*
 * A small JSON reader (RFC 8259) for what other programs print: the
 * whole document is parsed into a tree of values at once.  It is strict,
 * because its input comes from elsewhere: the text must be UTF-8 (no
 * overlong forms, no surrogates), escapes must be complete and pair
 * their surrogates, nesting is limited to PARA_JSON_READ_DEPTH_MAX, a
 * member name may appear once per object, and nothing but white space
 * may follow the value.  A string holding "\u0000" is refused, so that
 * every string is a C string.  Errors are PARA_EINVALID, naming the line
 * and column ("line 3, column 7: ...").
 */

#define PARA_JSON_READ_DEPTH_MAX 64

enum para_json_type {
	PARA_JSON_NULL,
	PARA_JSON_FALSE,
	PARA_JSON_TRUE,
	PARA_JSON_NUMBER,
	PARA_JSON_STRING,
	PARA_JSON_ARRAY,
	PARA_JSON_OBJECT
};

struct para_json_value {
	enum para_json_type type;
	char *text;		/* a string's value, a number as written */
	size_t len;		/* strlen(text) */
	struct para_json_value *v;	/* an array's items, an object's values */
	char **keys;		/* an object's member names, in order */
	size_t nr;
};

/* Parses `len` bytes of `text`; `*out` is freed with para_json_free(). */
int para_json_parse(struct para_json_value **out, const char *text,
		    size_t len);
void para_json_free(struct para_json_value *value);

/* The member `key` of an object, or NULL (also when `obj` is no object). */
const struct para_json_value *para_json_get(const struct para_json_value *obj,
					    const char *key);

/* The string member `key`, or NULL when it is missing or no string. */
const char *para_json_get_string(const struct para_json_value *obj,
				 const char *key);

/*
 * A number that is a whole number in [min, max] ("42", not "4.2e1"):
 * 0 and `*out` set, or PARA_EINVALID.
 */
int para_json_value_int(long long *out, const struct para_json_value *value,
		  long long min, long long max);

#endif
