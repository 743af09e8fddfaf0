/*
 * The GIT_CONFIG_PARAMETERS parser (lib/config.c), on any text: it must
 * accept or refuse without a crash or a leak, and what it accepts,
 * quoted again the way git quotes it ('key'='value', 'key'= for a key
 * without a value), must parse to the same keys and values.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fuzz.h"
#include "config.h"
#include "error.h"
#include "strbuf.h"
#include "strvec.h"

#define MAX_INPUT 4096

/* git's sq_quote_buf(): ' becomes '\'' and ! becomes '\!' */
static void sq_quote(struct para_strbuf *out, const char *s)
{
	para_strbuf_addch(out, '\'');
	for (; *s; s++) {
		if (*s == '\'' || *s == '!') {
			para_strbuf_addstr(out, "'\\");
			para_strbuf_addch(out, *s);
			para_strbuf_addch(out, '\'');
		} else {
			para_strbuf_addch(out, *s);
		}
	}
	para_strbuf_addch(out, '\'');
}

static void check_same(const struct para_strvec *k1,
		       const struct para_strvec *v1,
		       const struct para_strvec *k2,
		       const struct para_strvec *v2, const char *text)
{
	size_t i;

	if (k1->nr != k2->nr || v1->nr != v2->nr)
		fuzz_fail("round trip of %zu keys gives %zu: %s", k1->nr,
			  k2->nr, text);
	for (i = 0; i < k1->nr; i++) {
		if (strcmp(k1->v[i], k2->v[i]))
			fuzz_fail("key '%s' comes back as '%s': %s", k1->v[i],
				  k2->v[i], text);
		if (!v1->v[i] != !v2->v[i] ||
		    (v1->v[i] && strcmp(v1->v[i], v2->v[i])))
			fuzz_fail("value of '%s' changed: %s", k1->v[i], text);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct para_strvec keys = PARA_STRVEC_INIT, values = PARA_STRVEC_INIT;
	struct para_strvec keys2 = PARA_STRVEC_INIT, values2 = PARA_STRVEC_INIT;
	struct para_strbuf text = PARA_STRBUF_INIT, quoted = PARA_STRBUF_INIT;
	size_t i;

	if (size > MAX_INPUT || memchr(data, '\0', size))
		return 0;
	para_strbuf_add(&text, data, size);
	if (para_config_parse_parameters(&keys, &values, text.buf) < 0)
		goto out;
	if (keys.nr != values.nr)
		fuzz_fail("%zu keys, %zu values", keys.nr, values.nr);
	for (i = 0; i < keys.nr; i++) {
		if (i)
			para_strbuf_addch(&quoted, ' ');
		sq_quote(&quoted, keys.v[i]);
		para_strbuf_addch(&quoted, '=');
		if (values.v[i])
			sq_quote(&quoted, values.v[i]);
	}
	if (para_config_parse_parameters(&keys2, &values2,
					 quoted.buf ? quoted.buf : "") < 0)
		fuzz_fail("git's quoting of what was read is refused: %s",
			  para_error_last());
	check_same(&keys, &values, &keys2, &values2, text.buf);
out:
	para_strvec_dispose(&keys);
	para_strvec_dispose(&values);
	para_strvec_dispose(&keys2);
	para_strvec_dispose(&values2);
	para_strbuf_dispose(&text);
	para_strbuf_dispose(&quoted);
	return 0;
}
