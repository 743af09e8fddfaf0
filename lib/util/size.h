#ifndef PARA_SIZE_H
#define PARA_SIZE_H

/*
 * Parses an amount of memory: a non-negative number with an optional
 * binary unit, `k`, `m`, `g` or `t` (any case, optionally followed by
 * `b` or `ib`: "512M", "1.5g", "2GiB"); a bare number is bytes.  Stores
 * bytes in `*out`.  Returns 0, or PARA_EINVALID ("invalid size 'lots'")
 * for anything else: empty, signs, spaces, other units, overflow.
 */
int para_size_parse(long long *out, const char *text);

/* Formats bytes for people: "512B", "3.0K", "1.5G" (one decimal). */
void para_size_format(char *buf, unsigned long size, long long bytes);

#endif
