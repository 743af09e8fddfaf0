#ifndef PARA_CLEAN_INDEX_H
#define PARA_CLEAN_INDEX_H

/*
 * Reading git's index file (version 2 to 4: a header, the entries
 * sorted by path, extensions, a checksum), for the cheap clean check of
 * clean-check.c, and the entry count of its header.  Only what that
 * check needs is kept of each entry, and any index it could not trust
 * is refused: conflicts,
 * skip-worktree or intent-to-add entries, required extensions (split or
 * sparse index), unsorted or truncated data.
 */

#include <stddef.h>
#include <stdint.h>
#include <time.h>

#define PARA_OID_RAW 20

struct para_index_entry {
	char *path;
	uint32_t ctime_s, ctime_ns, mtime_s, mtime_ns, ino, mode, uid, gid;
	uint32_t size;
	unsigned char oid[PARA_OID_RAW];
};

struct para_index {
	struct para_index_entry *entries;
	size_t nr;
	unsigned char tree[PARA_OID_RAW];	/* the cached root tree */
	int tree_valid;
};

#define PARA_INDEX_INIT { NULL, 0, { 0 }, 0 }

/*
 * Reads the index file at `path` into `ix` and its modification time
 * into `mtime`.  -1 when it cannot be read, is refused as said above, or
 * its header says it has more than `max_entries` entries: a big
 * worktree's index is not read for nothing.  `ix` is to be disposed of
 * either way.
 */
int para_index_read(struct para_index *ix, struct timespec *mtime,
		    const char *path, long max_entries);

void para_index_dispose(struct para_index *ix);

/* The entry count in the header of the index file at `path`, or -1. */
long para_index_entry_count(const char *path);

/* Position of the first entry whose path is >= key. */
size_t para_index_lower_bound(const struct para_index *ix, const char *key);

#endif
