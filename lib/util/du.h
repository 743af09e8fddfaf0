#ifndef PARA_DU_H
#define PARA_DU_H

#include <sys/stat.h>

#include "strbuf.h"

/*
 * The disk space the tree at `path` takes, as du(1) counts it: the
 * blocks of every file and directory, not following symbolic links nor
 * crossing into other filesystems.  A file with more than one link is
 * not counted (its space is shared: removing this tree frees none of
 * it).  A missing tree takes 0 bytes.
 */
int para_disk_usage(unsigned long long *out, const char *path);

/*
 * What one entry looked at with lstat() adds to that count: its blocks,
 * or 0 for a file with more than one link.
 */
unsigned long long para_disk_usage_of(const struct stat *st);

/* "512 bytes", "1.50 KiB", "12.00 MiB", "3.25 GiB" */
void para_strbuf_add_size(struct para_strbuf *sb, unsigned long long bytes);

#endif
