#ifndef PARA_CLEAN_RACY_H
#define PARA_CLEAN_RACY_H

/*
 * Racily clean files proven unchanged by hashing are remembered in a
 * cache file, so that the next check need not hash them again: one
 * record "<dev> <ino> <size> <mtime> <ctime> <blob> <path>" NUL each,
 * meaning "the file with exactly this stat data has the contents of
 * this blob".  A record is written only when the file's mtime and ctime
 * are older than the coarse clock read before the file was looked at
 * (the clock the kernel stamps files with): any later change to the
 * file stamps it with a time at least that, so changes the stat data
 * and no record can match it again.  That rule is the caller's
 * (cleancheck.c); this file keeps the records.
 *
 * The records a check confirms, found again or added, make up the next
 * cache: those of files no longer racy or gone are forgotten.
 */

#include <stddef.h>
#include <sys/stat.h>

#include "clean-index.h"
#include "strbuf.h"

struct para_racy_record {
	const char *text;	/* the whole record, in the loaded file */
	const char *path;
	unsigned long long dev, ino;
	long long size, mtime_s, ctime_s;
	long mtime_ns, ctime_ns;
	unsigned char oid[PARA_OID_RAW];
};

struct para_racy_cache {
	struct para_strbuf loaded;
	struct para_racy_record *known;	/* sorted by path, as written */
	size_t known_nr;
	struct para_strbuf confirmed;	/* records for the next check */
	size_t confirmed_nr;
	int new_records;
};

#define PARA_RACY_CACHE_INIT \
	{ PARA_STRBUF_INIT, NULL, 0, PARA_STRBUF_INIT, 0, 0 }

/* Loads the records of the file at `path`; none when NULL or unreadable. */
void para_racy_cache_load(struct para_racy_cache *cache, const char *path);

/* The record of the file at `path` with exactly this stat data and blob. */
const struct para_racy_record *para_racy_cache_find(
	const struct para_racy_cache *cache, const char *path,
	const struct stat *st, const unsigned char *oid);

/* Keeps a record found for the next check. */
void para_racy_cache_keep(struct para_racy_cache *cache,
			  const struct para_racy_record *r);

/* Adds a record: the file of `e` with stat data `st` has its blob. */
void para_racy_cache_add(struct para_racy_cache *cache,
			 const struct para_index_entry *e,
			 const struct stat *st);

/*
 * Replaces the file at `path` (unless NULL) with the records kept and
 * added, when they differ from those loaded; removes it when none.
 */
void para_racy_cache_save(struct para_racy_cache *cache, const char *path);

void para_racy_cache_dispose(struct para_racy_cache *cache);

#endif
