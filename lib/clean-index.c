#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clean-index.h"
#include "strbuf.h"
#include "sorted.h"

#define ENTRY_FIXED 62		/* stat data, object id, flags */
#define FLAG_EXTENDED 0x4000
#define FLAG_STAGE 0x3000
#define XFLAG_UNUSUAL 0x6000	/* skip-worktree, intent-to-add */

static uint32_t get_be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

void para_index_dispose(struct para_index *ix)
{
	size_t i;

	for (i = 0; i < ix->nr; i++)
		free(ix->entries[i].path);
	free(ix->entries);
}

/* git's varint of version 4 path compression; -1 when truncated. */
static int get_varint(size_t *out, const unsigned char **p,
		      const unsigned char *end)
{
	size_t val;
	unsigned char c;

	if (*p >= end)
		return -1;
	c = *(*p)++;
	val = c & 127;
	while (c & 128) {
		if (*p >= end || val > (SIZE_MAX >> 8))
			return -1;
		c = *(*p)++;
		val = ((val + 1) << 7) | (c & 127);
	}
	*out = val;
	return 0;
}

/*
 * Version 4: the path at `name` is what follows the previous entry's
 * path once as many bytes as the varint says are stripped from its end.
 */
static int parse_compressed_path(struct para_index_entry *e,
				 const unsigned char **p,
				 const unsigned char *name,
				 const unsigned char *end, const char *prev)
{
	size_t len, strip, keep = prev ? strlen(prev) : 0;

	if (get_varint(&strip, &name, end) < 0 || strip > keep)
		return -1;
	len = strnlen((const char *)name, (size_t)(end - name));
	if (name + len >= end)
		return -1;
	e->path = para_malloc(keep - strip + len + 1);
	if (keep > strip)
		memcpy(e->path, prev, keep - strip);
	memcpy(e->path + keep - strip, name, len + 1);
	*p = name + len + 1;
	return 0;
}

/* One entry at *p; advances *p.  -1 when unusable for the check. */
static int parse_entry(struct para_index_entry *e, const unsigned char **p,
		       const unsigned char *end, unsigned version,
		       const char *prev)
{
	const unsigned char *s = *p, *name;
	unsigned flags;
	size_t len, padded, fixed = ENTRY_FIXED;

	if ((size_t)(end - s) < ENTRY_FIXED + 2)
		return -1;
	flags = (s[60] << 8) | s[61];
	if (flags & FLAG_STAGE)
		return -1;
	if (flags & FLAG_EXTENDED) {
		if (version < 3 || ((s[62] << 8 | s[63]) & XFLAG_UNUSUAL))
			return -1;
		fixed += 2;
	}
	e->ctime_s = get_be32(s);
	e->ctime_ns = get_be32(s + 4);
	e->mtime_s = get_be32(s + 8);
	e->mtime_ns = get_be32(s + 12);
	e->ino = get_be32(s + 20);
	e->mode = get_be32(s + 24);
	e->uid = get_be32(s + 28);
	e->gid = get_be32(s + 32);
	e->size = get_be32(s + 36);
	memcpy(e->oid, s + 40, PARA_OID_RAW);
	name = s + fixed;
	if (version == 4)
		return parse_compressed_path(e, p, name, end, prev);
	len = strnlen((const char *)name, (size_t)(end - name));
	/* entries are padded with 1 to 8 NULs to a multiple of 8 bytes */
	padded = (fixed + len + 8) & ~(size_t)7;
	if (name + len >= end || (size_t)(end - s) < padded)
		return -1;
	e->path = para_strndup((const char *)name, len);
	*p = s + padded;
	return 0;
}

/* The root of the TREE extension: "" NUL "<count> <subtrees>\n" <oid>. */
static void parse_tree(struct para_index *ix, const unsigned char *p,
		       size_t len)
{
	const unsigned char *end = p + len, *nl;
	char *num_end;
	long count;

	if (!len || *p)
		return;
	p++;
	nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl || (size_t)(end - nl - 1) < PARA_OID_RAW)
		return;
	count = strtol((const char *)p, &num_end, 10);
	if ((const unsigned char *)num_end == p || count < 0)
		return;
	memcpy(ix->tree, nl + 1, PARA_OID_RAW);
	ix->tree_valid = 1;
}

static int parse_extensions(struct para_index *ix, const unsigned char *p,
			    const unsigned char *end)
{
	while ((size_t)(end - p) >= 8) {
		uint32_t len = get_be32(p + 4);

		if ((size_t)(end - p - 8) < len)
			return -1;
		/* a lower-case signature is required reading: split index,
		   sparse index, ... */
		if (p[0] >= 'a' && p[0] <= 'z')
			return -1;
		if (!memcmp(p, "TREE", 4))
			parse_tree(ix, p + 8, len);
		p += 8 + len;
	}
	return p == end ? 0 : -1;
}

static int is_sorted(const struct para_index *ix)
{
	size_t i;

	for (i = 1; i < ix->nr; i++)
		if (strcmp(ix->entries[i - 1].path, ix->entries[i].path) >= 0)
			return 0;
	return 1;
}

static int parse_index(struct para_index *ix, const unsigned char *buf,
		       size_t len, long max_entries)
{
	const unsigned char *p = buf + 12, *end;
	unsigned version;
	uint32_t nr, i;

	if (len < 12 + PARA_OID_RAW || memcmp(buf, "DIRC", 4))
		return -1;
	version = get_be32(buf + 4);
	nr = get_be32(buf + 8);
	if (version < 2 || version > 4 || nr > (uint32_t)max_entries)
		return -1;
	end = buf + len - PARA_OID_RAW;
	ix->entries = para_calloc(nr + 1, sizeof(*ix->entries));
	for (i = 0; i < nr; i++) {
		const char *prev = i ? ix->entries[i - 1].path : NULL;

		if (parse_entry(&ix->entries[i], &p, end, version, prev) < 0)
			return -1;
		ix->nr++;
	}
	if (!is_sorted(ix))
		return -1;
	return parse_extensions(ix, p, end);
}


size_t para_index_lower_bound(const struct para_index *ix, const char *key)
{
	return PARA_LOWER_BOUND(struct para_index_entry, ix->entries, ix->nr,
				path, key);
}

#define HEADER_SIZE 12

/* The header of the index file open at `fd`, and its stat data. */
static int read_header(unsigned char *hdr, struct stat *st, int fd)
{
	if (fstat(fd, st) < 0 || !S_ISREG(st->st_mode) ||
	    st->st_size < (off_t)HEADER_SIZE ||
	    read(fd, hdr, HEADER_SIZE) != (ssize_t)HEADER_SIZE ||
	    memcmp(hdr, "DIRC", 4))
		return -1;
	return 0;
}

long para_index_entry_count(const char *index_path)
{
	unsigned char hdr[HEADER_SIZE];
	struct stat st;
	int fd = open(index_path, O_RDONLY | O_CLOEXEC);
	long n = -1;

	if (fd < 0)
		return -1;
	if (!read_header(hdr, &st, fd))
		n = (long)get_be32(hdr + 8);
	close(fd);
	return n;
}

/*
 * The index file, unless its header says it has more than max_entries
 * entries: a big worktree's index is not read for nothing.
 */
static int read_index(struct para_strbuf *buf, struct timespec *mtime,
		      const char *index_path, long max_entries)
{
	unsigned char hdr[HEADER_SIZE];
	struct stat st;
	int fd = open(index_path, O_RDONLY | O_CLOEXEC), error = -1;
	size_t size;
	ssize_t n;

	if (fd < 0)
		return -1;
	if (read_header(hdr, &st, fd) < 0 ||
	    get_be32(hdr + 8) > (uint32_t)max_entries)
		goto out;
	*mtime = st.st_mtim;
	size = (size_t)st.st_size;
	para_strbuf_grow(buf, size);
	para_strbuf_add(buf, hdr, sizeof(hdr));
	/* index files are replaced, never rewritten: stop at the size */
	while (buf->len < size &&
	       (n = read(fd, buf->buf + buf->len, size - buf->len)) > 0)
		para_strbuf_setlen(buf, buf->len + (size_t)n);
	if (buf->len == size)
		error = 0;
out:
	close(fd);
	return error;
}

int para_index_read(struct para_index *ix, struct timespec *mtime,
		    const char *path, long max_entries)
{
	struct para_strbuf buf = PARA_STRBUF_INIT;
	int ret = -1;

	if (max_entries > 0 &&
	    !read_index(&buf, mtime, path, max_entries) &&
	    !parse_index(ix, (const unsigned char *)buf.buf, buf.len,
			 max_entries))
		ret = 0;
	para_strbuf_dispose(&buf);
	return ret;
}
