#ifndef PARA_DURATION_H
#define PARA_DURATION_H

/*
 * Parses a duration: a non-negative number with an optional unit,
 * `ms`, `s` (default), `m` or `h`, e.g. "90s", "30m", "2h", "1.5s".
 * Stores milliseconds in `*out`, a fraction rounded to the nearest
 * millisecond.  Returns 0, or PARA_EINVALID ("invalid duration 'soon'")
 * for anything else: empty, signs, spaces, other units, overflow.
 */
int para_duration_parse(long long *out, const char *text);

/*
 * Formats milliseconds for people: "850ms", "12.3s", "4m05s", "2h03m"
 * (truncated, never rounded up to the next unit; negative counts as 0).
 */
void para_duration_format(char *buf, unsigned long size, long long ms);

#endif
