#include <ctype.h>
#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "error.h"
#include "size.h"

static const char units[] = "kmgt";

/* The multiplier of a unit ("", "k", "KiB", "mb", ...), or 0. */
static long long unit_bytes(const char *unit)
{
	const char *u;
	long long m = 1;
	size_t rest;

	if (!*unit)
		return 1;
	if (!(u = strchr(units, tolower((unsigned char)*unit))))
		return 0;
	rest = strlen(unit + 1);
	if (rest && strcasecmp(unit + 1, "b") && strcasecmp(unit + 1, "ib"))
		return 0;
	for (; u >= units; u--)
		m *= 1024;
	return m;
}

int para_size_parse(long long *out, const char *text)
{
	const char *p = text;
	long long whole = 0, num = 0, den = 1, m;
	int digits = 0;

	for (; *p >= '0' && *p <= '9'; p++, digits++) {
		if (whole > (LLONG_MAX - 9) / 10)
			goto bad;
		whole = whole * 10 + (*p - '0');
	}
	if (*p == '.') {
		int n = 0;

		for (p++; *p >= '0' && *p <= '9'; p++, n++)
			if (n < 6) {
				num = num * 10 + (*p - '0');
				den *= 10;
			}
		if (!n)
			goto bad;
		digits += n;
	}
	if (!digits || !(m = unit_bytes(p)) || whole > LLONG_MAX / m - 1)
		goto bad;
	/* num < 10^6 and m <= 2^40: num * m fits */
	*out = whole * m + num * m / den;
	return 0;
bad:
	return para_error_set(PARA_EINVALID, "invalid size '%s'", text);
}

void para_size_format(char *buf, unsigned long size, long long bytes)
{
	static const char *const names = "KMGT";
	double v = (double)bytes;
	int i = -1;

	if (bytes < 1024) {
		snprintf(buf, size, "%lldB", bytes < 0 ? 0 : bytes);
		return;
	}
	while (v >= 1024 && i < 3) {
		v /= 1024;
		i++;
	}
	snprintf(buf, size, "%.1f%c", v, names[i]);
}
