#include <limits.h>
#include <stdio.h>
#include <string.h>

#include "duration.h"
#include "error.h"

/*
 * Fractional digits past this many are checked but ignored: a tenth of a
 * nanosecond never changes a result rounded to milliseconds, and keeping
 * the fraction below 10^9 lets `fraction * unit` fit in 64 bits.
 */
#define FRACTION_DIGITS 9

static int unit_ms(long long *out, const char *unit)
{
	if (!strcmp(unit, "") || !strcmp(unit, "s"))
		*out = 1000;
	else if (!strcmp(unit, "ms"))
		*out = 1;
	else if (!strcmp(unit, "m"))
		*out = 60 * 1000;
	else if (!strcmp(unit, "h"))
		*out = 60 * 60 * 1000;
	else
		return -1;
	return 0;
}

/* Reads a run of digits into `*out`; returns how many, or -1 on overflow. */
static int read_integer(long long *out, const char **p)
{
	int n = 0;

	*out = 0;
	for (; **p >= '0' && **p <= '9'; (*p)++, n++) {
		int digit = **p - '0';

		if (*out > (LLONG_MAX - digit) / 10)
			return -1;
		*out = *out * 10 + digit;
	}
	return n;
}

/* Reads the digits after the point as `*num / *den`. */
static int read_fraction(long long *num, long long *den, const char **p)
{
	int n = 0;

	*num = 0;
	*den = 1;
	for (; **p >= '0' && **p <= '9'; (*p)++, n++) {
		if (n >= FRACTION_DIGITS)
			continue;
		*num = *num * 10 + (**p - '0');
		*den *= 10;
	}
	return n;
}

int para_duration_parse(long long *out, const char *text)
{
	const char *p = text ? text : "";
	long long whole, num = 0, den = 1, unit, frac_ms;
	int digits;

	digits = read_integer(&whole, &p);
	if (digits < 0)
		goto too_large;
	if (!digits)
		goto invalid;
	if (*p == '.') {
		p++;
		if (read_fraction(&num, &den, &p) <= 0)
			goto invalid;
	}
	if (unit_ms(&unit, p) < 0)
		goto invalid;
	/* round half up to the millisecond */
	frac_ms = (num * unit + den / 2) / den;
	if (whole > (LLONG_MAX - frac_ms) / unit)
		goto too_large;
	*out = whole * unit + frac_ms;
	return 0;

invalid:
	return para_error_set(PARA_EINVALID, "invalid duration '%s'",
			      text ? text : "");
too_large:
	return para_error_set(PARA_EINVALID, "invalid duration '%s': too large",
			      text);
}

void para_duration_format(char *buf, unsigned long size, long long ms)
{
	if (!buf || !size)
		return;
	if (ms < 0)
		ms = 0;
	if (ms < 1000)
		snprintf(buf, size, "%lldms", ms);
	else if (ms < 60 * 1000)
		snprintf(buf, size, "%lld.%llds", ms / 1000, ms % 1000 / 100);
	else if (ms < 60 * 60 * 1000)
		snprintf(buf, size, "%lldm%02llds", ms / 60000,
			 ms / 1000 % 60);
	else
		snprintf(buf, size, "%lldh%02lldm", ms / 3600000,
			 ms / 60000 % 60);
}
