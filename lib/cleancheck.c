#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "cleancheck.h"
#include "strbuf.h"

/*
 * The index format is git's Documentation/gitformat-index.txt: a header,
 * the entries sorted by path, extensions, a checksum.  Only what the
 * check needs is kept of each entry.
 */
struct entry {
	char *path;
	uint32_t ctime_s, ctime_ns, mtime_s, mtime_ns, ino, mode, uid, gid;
	uint32_t size;
	unsigned char oid[20];
};

struct index {
	struct entry *entries;
	size_t nr;
	unsigned char tree[20];	/* the cached root tree */
	int tree_valid;
};

#define ENTRY_FIXED 62		/* stat data, object id, flags */
#define OID_RAW 20
#define FLAG_EXTENDED 0x4000
#define FLAG_STAGE 0x3000
#define XFLAG_UNUSUAL 0x6000	/* skip-worktree, intent-to-add */

static uint32_t get_be32(const unsigned char *p)
{
	return ((uint32_t)p[0] << 24) | ((uint32_t)p[1] << 16) |
	       ((uint32_t)p[2] << 8) | p[3];
}

static void index_dispose(struct index *ix)
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

/* One entry at *p; advances *p.  -1 when unusable for the check. */
static int parse_entry(struct entry *e, const unsigned char **p,
		       const unsigned char *end, unsigned version,
		       const char *prev)
{
	const unsigned char *s = *p, *name;
	unsigned flags;
	size_t len, fixed = ENTRY_FIXED;

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
	memcpy(e->oid, s + 40, OID_RAW);
	name = s + fixed;
	if (version == 4) {
		size_t strip, keep = prev ? strlen(prev) : 0;

		if (get_varint(&strip, &name, end) < 0 || strip > keep)
			return -1;
		len = strnlen((const char *)name, (size_t)(end - name));
		if (name + len >= end)
			return -1;
		e->path = para_malloc(keep - strip + len + 1);
		memcpy(e->path, prev, keep - strip);
		memcpy(e->path + keep - strip, name, len + 1);
		*p = name + len + 1;
		return 0;
	}
	len = strnlen((const char *)name, (size_t)(end - name));
	if (name + len >= end)
		return -1;
	e->path = para_strndup((const char *)name, len);
	/* entries are padded with 1 to 8 NULs to a multiple of 8 bytes */
	len = (fixed + len + 8) & ~(size_t)7;
	if ((size_t)(end - s) < len)
		return -1;
	*p = s + len;
	return 0;
}

/* The root of the TREE extension: "" NUL "<count> <subtrees>\n" <oid>. */
static void parse_tree(struct index *ix, const unsigned char *p, size_t len)
{
	const unsigned char *end = p + len, *nl;
	char *num_end;
	long count;

	if (!len || *p)
		return;
	p++;
	nl = memchr(p, '\n', (size_t)(end - p));
	if (!nl || (size_t)(end - nl - 1) < OID_RAW)
		return;
	count = strtol((const char *)p, &num_end, 10);
	if ((const unsigned char *)num_end == p || count < 0)
		return;
	memcpy(ix->tree, nl + 1, OID_RAW);
	ix->tree_valid = 1;
}

static int parse_extensions(struct index *ix, const unsigned char *p,
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

static int is_sorted(const struct index *ix)
{
	size_t i;

	for (i = 1; i < ix->nr; i++)
		if (strcmp(ix->entries[i - 1].path, ix->entries[i].path) >= 0)
			return 0;
	return 1;
}

static int parse_index(struct index *ix, const unsigned char *buf, size_t len,
		       long max_entries)
{
	const unsigned char *p = buf + 12, *end;
	unsigned version;
	uint32_t nr, i;

	if (len < 12 + OID_RAW || memcmp(buf, "DIRC", 4))
		return -1;
	version = get_be32(buf + 4);
	nr = get_be32(buf + 8);
	if (version < 2 || version > 4 || nr > (uint32_t)max_entries)
		return -1;
	end = buf + len - OID_RAW;
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

/* A tracked .gitattributes anywhere may convert what git hashes. */
static int has_attributes(const struct index *ix)
{
	size_t i;

	for (i = 0; i < ix->nr; i++) {
		const char *slash = strrchr(ix->entries[i].path, '/');
		const char *base = slash ? slash + 1 : ix->entries[i].path;

		if (!strcmp(base, ".gitattributes"))
			return 1;
	}
	return 0;
}

static int same_type(uint32_t mode, const struct stat *st)
{
	switch (mode) {
	case 0100644:
		return S_ISREG(st->st_mode) && !(st->st_mode & 0100);
	case 0100755:
		return S_ISREG(st->st_mode) && (st->st_mode & 0100);
	case 0120000:
		return S_ISLNK(st->st_mode);
	default:	/* submodules and anything else: ask git */
		return 0;
	}
}

/*
 * Whether the contents of a regular file are those of the entry's blob:
 * its bytes are hashed as git would, no conversion being configured.
 */
#define RACY_MAX_SIZE (1 << 20)

static int same_content(const struct entry *e, int dirfd)
{
	struct para_strbuf buf = PARA_STRBUF_INIT;
	git_oid oid;
	ssize_t n;
	int fd, same = 0;

	if ((e->mode & 0170000) != 0100000 || e->size > RACY_MAX_SIZE)
		return 0;
	fd = openat(dirfd, e->path, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	/* one byte more than expected: a short read means the end */
	para_strbuf_grow(&buf, e->size + 1);
	do {
		n = read(fd, buf.buf + buf.len, e->size + 1 - buf.len);
		if (n > 0)
			para_strbuf_setlen(&buf, buf.len + (size_t)n);
	} while (n > 0 && buf.len < e->size);
	close(fd);
	if (buf.len == e->size &&
	    !git_odb_hash(&oid, buf.buf, buf.len, GIT_OBJECT_BLOB))
		same = !memcmp(oid.id, e->oid, OID_RAW);
	para_strbuf_dispose(&buf);
	return same;
}

/*
 * The file is as the index recorded it.  If it was modified in the same
 * instant the index was written (racily clean, as git calls it), the
 * stat data cannot tell: its contents must be compared, when allowed.
 */
static int entry_unchanged(const struct entry *e, int dirfd,
			   const struct timespec *index_mtime, int hash_racy)
{
	struct stat st;

	if (fstatat(dirfd, e->path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (!same_type(e->mode, &st) ||
	    e->mtime_s != (uint32_t)st.st_mtim.tv_sec ||
	    e->mtime_ns != (uint32_t)st.st_mtim.tv_nsec ||
	    e->ctime_s != (uint32_t)st.st_ctim.tv_sec ||
	    e->ctime_ns != (uint32_t)st.st_ctim.tv_nsec ||
	    e->ino != (uint32_t)st.st_ino || e->uid != (uint32_t)st.st_uid ||
	    e->gid != (uint32_t)st.st_gid || e->size != (uint32_t)st.st_size)
		return 0;
	if (e->mtime_s < (uint32_t)index_mtime->tv_sec ||
	    (e->mtime_s == (uint32_t)index_mtime->tv_sec &&
	     e->mtime_ns < (uint32_t)index_mtime->tv_nsec))
		return 1;
	return hash_racy && same_content(e, dirfd);
}

/* Index of the first entry whose path is >= key. */
static size_t lower_bound(const struct index *ix, const char *key)
{
	size_t lo = 0, hi = ix->nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (strcmp(ix->entries[mid].path, key) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return lo;
}

static int is_tracked(const struct index *ix, const char *path)
{
	size_t i = lower_bound(ix, path);

	return i < ix->nr && !strcmp(ix->entries[i].path, path);
}

/* `dir` ends in '/': some tracked file lies below it. */
static int has_tracked_below(const struct index *ix, const char *dir)
{
	size_t i = lower_bound(ix, dir), len = strlen(dir);

	return i < ix->nr && !strncmp(ix->entries[i].path, dir, len);
}

/*
 * Every directory entry below `path` (relative, "" or ending in '/') is
 * tracked or a directory of tracked files.  Directories only: tracked
 * files were looked at already.  getdents64() rather than readdir():
 * opendir() costs three more system calls a directory.
 */
static int nothing_untracked(const struct index *ix, int worktree_fd,
			     struct para_strbuf *path)
{
	size_t base = path->len;
	char buf[8192];
	ssize_t n;
	int fd, ok = 1;

	fd = openat(worktree_fd, base ? path->buf : ".",
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	while (ok && (n = getdents64(fd, buf, sizeof(buf))) > 0) {
		ssize_t off = 0;

		while (ok && off < n) {
			struct dirent64 *de = (struct dirent64 *)(buf + off);
			const char *name = de->d_name;

			off += de->d_reclen;
			if (!strcmp(name, ".") || !strcmp(name, "..") ||
			    (!base && !strcmp(name, ".git")))
				continue;
			para_strbuf_setlen(path, base);
			para_strbuf_addstr(path, name);
			if (is_tracked(ix, path->buf))
				continue;
			para_strbuf_addch(path, '/');
			ok = has_tracked_below(ix, path->buf) &&
			     nothing_untracked(ix, worktree_fd, path);
		}
	}
	if (n < 0)
		ok = 0;
	close(fd);
	para_strbuf_setlen(path, base);
	return ok;
}

static int read_index(struct para_strbuf *buf, struct timespec *mtime,
		      const char *index_path)
{
	struct stat st;
	int fd = open(index_path, O_RDONLY | O_CLOEXEC), error = -1;
	ssize_t n;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode))
		goto out;
	*mtime = st.st_mtim;
	para_strbuf_grow(buf, (size_t)st.st_size + 1);
	/* index files are replaced, never rewritten: stop at the size */
	while (buf->len < (size_t)st.st_size &&
	       (n = read(fd, buf->buf + buf->len,
			 (size_t)st.st_size - buf->len)) > 0)
		para_strbuf_setlen(buf, buf->len + (size_t)n);
	if (buf->len == (size_t)st.st_size)
		error = 0;
out:
	close(fd);
	return error;
}

int para_worktree_proven_clean(const char *worktree, const char *index_path,
			       const unsigned char *head_tree,
			       long max_entries, int hash_racy)
{
	struct para_strbuf buf = PARA_STRBUF_INIT, path = PARA_STRBUF_INIT;
	struct index ix = { NULL, 0, { 0 }, 0 };
	struct timespec mtime;
	int fd = -1, clean = 0;
	size_t i;

	if (max_entries <= 0 || read_index(&buf, &mtime, index_path) < 0 ||
	    parse_index(&ix, (const unsigned char *)buf.buf, buf.len,
			max_entries) < 0 ||
	    !ix.tree_valid || memcmp(ix.tree, head_tree, OID_RAW))
		goto out;
	fd = open(worktree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		goto out;
	if (hash_racy && has_attributes(&ix))
		hash_racy = 0;
	for (i = 0; i < ix.nr; i++)
		if (!entry_unchanged(&ix.entries[i], fd, &mtime, hash_racy))
			goto out;
	clean = nothing_untracked(&ix, fd, &path);
out:
	if (fd >= 0)
		close(fd);
	index_dispose(&ix);
	para_strbuf_dispose(&buf);
	para_strbuf_dispose(&path);
	return clean;
}
