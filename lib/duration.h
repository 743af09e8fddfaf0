#ifndef PARA_DURATION_H
#define PARA_DURATION_H

/*
 * Parses a duration: a non-negative number with an optional unit,
 * `ms`, `s` (default), `m` or `h`, e.g. "90s", "30m", "2h", "1.5s".
 * Stores milliseconds in `*out`.  Returns 0, or PARA_EINVALID.
 */
int para_duration_parse(long long *out, const char *text);

/* Formats milliseconds for people: "850ms", "12.3s", "4m05s", "2h03m". */
void para_duration_format(char *buf, unsigned long size, long long ms);

#endif
