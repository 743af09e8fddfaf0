#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
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
 * Racily clean files proven unchanged by hashing are remembered in a
 * cache file, so that the next check need not hash them again: one
 * record "<dev> <ino> <size> <mtime> <ctime> <blob> <path>" NUL each,
 * meaning "the file with exactly this stat data has the contents of
 * this blob".  A record is written only when the file's mtime and ctime
 * are older than the coarse clock read before the file was looked at
 * (the clock the kernel stamps files with): any later change to the
 * file stamps it with a time at least that, so changes the stat data
 * and no record can match it again.
 */
struct racy_record {
	const char *text;	/* the whole record, in the loaded file */
	const char *path;
	unsigned long long dev, ino;
	long long size, mtime_s, ctime_s;
	long mtime_ns, ctime_ns;
	unsigned char oid[OID_RAW];
};

struct check {
	int dirfd;
	struct timespec index_mtime;
	int hash_racy;
	struct timespec start;	/* CLOCK_REALTIME_COARSE, at the start */
	struct para_strbuf loaded;
	struct racy_record *known;
	size_t known_nr;
	struct para_strbuf confirmed;	/* records for the next check */
	size_t confirmed_nr;
	int new_records;
};

static int hex_value(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	return -1;
}

/* "<sec>.<nsec>" */
static int parse_time(long long *sec, long *nsec, const char **p)
{
	char *end;

	*sec = strtoll(*p, &end, 10);
	if (end == *p || *end != '.')
		return -1;
	*p = end + 1;
	*nsec = strtol(*p, &end, 10);
	if (end == *p || *end != ' ')
		return -1;
	*p = end + 1;
	return 0;
}

static int parse_record(struct racy_record *r, const char *p)
{
	char *end;
	int i;

	r->text = p;
	r->dev = strtoull(p, &end, 10);
	if (end == p || *end != ' ')
		return -1;
	r->ino = strtoull(p = end + 1, &end, 10);
	if (end == p || *end != ' ')
		return -1;
	r->size = strtoll(p = end + 1, &end, 10);
	if (end == p || *end != ' ')
		return -1;
	p = end + 1;
	if (parse_time(&r->mtime_s, &r->mtime_ns, &p) < 0 ||
	    parse_time(&r->ctime_s, &r->ctime_ns, &p) < 0)
		return -1;
	for (i = 0; i < OID_RAW; i++) {
		int hi = hex_value(p[2 * i]), lo;

		if (hi < 0 || (lo = hex_value(p[2 * i + 1])) < 0)
			return -1;
		r->oid[i] = (unsigned char)(hi << 4 | lo);
	}
	p += 2 * OID_RAW;
	if (*p != ' ' || !p[1])
		return -1;
	r->path = p + 1;
	return 0;
}

static void load_racy_cache(struct check *c, const char *path)
{
	const char *p, *end;
	size_t alloc = 0;

	if (!path || para_strbuf_read_file(&c->loaded, path) < 0)
		return;
	for (p = c->loaded.buf, end = p + c->loaded.len; p < end;
	     p += strlen(p) + 1) {
		if (c->known_nr == alloc) {
			alloc = alloc ? 2 * alloc : 16;
			c->known = para_realloc(c->known,
						alloc * sizeof(*c->known));
		}
		if (!parse_record(&c->known[c->known_nr], p))
			c->known_nr++;
	}
}

static int record_fits(const struct racy_record *r, const struct stat *st,
		       const unsigned char *oid)
{
	return r->dev == (unsigned long long)st->st_dev &&
	       r->ino == (unsigned long long)st->st_ino &&
	       r->size == (long long)st->st_size &&
	       r->mtime_s == (long long)st->st_mtim.tv_sec &&
	       r->mtime_ns == st->st_mtim.tv_nsec &&
	       r->ctime_s == (long long)st->st_ctim.tv_sec &&
	       r->ctime_ns == st->st_ctim.tv_nsec &&
	       !memcmp(r->oid, oid, OID_RAW);
}

static const struct racy_record *racy_known(const struct check *c,
					    const char *path,
					    const struct stat *st,
					    const unsigned char *oid)
{
	size_t lo = 0, hi = c->known_nr;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;
		int cmp = strcmp(c->known[mid].path, path);

		if (!cmp)
			return record_fits(&c->known[mid], st, oid) ?
			       &c->known[mid] : NULL;
		if (cmp < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	return NULL;
}

static void add_record(struct check *c, const struct entry *e,
		       const struct stat *st)
{
	int i;

	para_strbuf_addf(&c->confirmed, "%llu %llu %lld %lld.%09ld %lld.%09ld ",
			 (unsigned long long)st->st_dev,
			 (unsigned long long)st->st_ino,
			 (long long)st->st_size,
			 (long long)st->st_mtim.tv_sec, st->st_mtim.tv_nsec,
			 (long long)st->st_ctim.tv_sec, st->st_ctim.tv_nsec);
	for (i = 0; i < OID_RAW; i++) {
		para_strbuf_addch(&c->confirmed, "0123456789abcdef"[e->oid[i] >> 4]);
		para_strbuf_addch(&c->confirmed, "0123456789abcdef"[e->oid[i] & 15]);
	}
	para_strbuf_addch(&c->confirmed, ' ');
	para_strbuf_add(&c->confirmed, e->path, strlen(e->path) + 1);
	c->confirmed_nr++;
}

static int before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* A racily clean file: remembered, or hashed (and then remembered). */
static int racy_unchanged(struct check *c, const struct entry *e,
			  const struct stat *st)
{
	const struct racy_record *r;

	/* a record says what the raw bytes hash to: that they are what git
	   hashes holds only while nothing converts them */
	if (!c->hash_racy)
		return 0;
	r = racy_known(c, e->path, st, e->oid);
	if (r) {
		para_strbuf_add(&c->confirmed, r->text, strlen(r->text) + 1);
		c->confirmed_nr++;
		return 1;
	}
	if (!same_content(e, c->dirfd))
		return 0;
	/* too fresh to remember: a change in this very tick would keep
	   the stat data */
	if (before(&st->st_mtim, &c->start) && before(&st->st_ctim, &c->start)) {
		add_record(c, e, st);
		c->new_records = 1;
	}
	return 1;
}

/*
 * The file is as the index recorded it.  If it was modified in the same
 * instant the index was written (racily clean, as git calls it), the
 * stat data cannot tell: its contents must be compared, when allowed.
 */
static int entry_unchanged(struct check *c, const struct entry *e)
{
	struct stat st;

	if (fstatat(c->dirfd, e->path, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (!same_type(e->mode, &st) ||
	    e->mtime_s != (uint32_t)st.st_mtim.tv_sec ||
	    e->mtime_ns != (uint32_t)st.st_mtim.tv_nsec ||
	    e->ctime_s != (uint32_t)st.st_ctim.tv_sec ||
	    e->ctime_ns != (uint32_t)st.st_ctim.tv_nsec ||
	    e->ino != (uint32_t)st.st_ino || e->uid != (uint32_t)st.st_uid ||
	    e->gid != (uint32_t)st.st_gid || e->size != (uint32_t)st.st_size)
		return 0;
	if (e->mtime_s < (uint32_t)c->index_mtime.tv_sec ||
	    (e->mtime_s == (uint32_t)c->index_mtime.tv_sec &&
	     e->mtime_ns < (uint32_t)c->index_mtime.tv_nsec))
		return 1;
	return racy_unchanged(c, e, &st);
}

/* Replaces the cache with the records this check confirmed. */
static void save_racy_cache(struct check *c, const char *path)
{
	char *tmp;
	int fd;

	if (!path || (!c->new_records && c->confirmed_nr == c->known_nr))
		return;
	if (!c->confirmed_nr) {
		unlink(path);
		return;
	}
	tmp = para_xstrfmt("%s.tmp.%ld", path, (long)getpid());
	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd >= 0 && write(fd, c->confirmed.buf, c->confirmed.len) ==
		       (ssize_t)c->confirmed.len && !close(fd)) {
		fd = -1;
		if (!rename(tmp, path))
			goto out;
	}
	if (fd >= 0)
		close(fd);
	unlink(tmp);
out:
	free(tmp);
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

static int is_directory(int worktree_fd, const char *path, unsigned char type)
{
	struct stat st;

	if (type != DT_UNKNOWN)
		return type == DT_DIR;
	return !fstatat(worktree_fd, path, &st, AT_SYMLINK_NOFOLLOW) &&
	       S_ISDIR(st.st_mode);
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
			/* a symlink to a directory holding the tracked files
			   is not their directory: git sees them deleted */
			if (!is_directory(worktree_fd, path->buf, de->d_type)) {
				ok = 0;
				break;
			}
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

/*
 * The index file, unless its header says it has more than max_entries
 * entries: a big worktree's index is not read for nothing.
 */
static int read_index(struct para_strbuf *buf, struct timespec *mtime,
		      const char *index_path, long max_entries)
{
	unsigned char hdr[12];
	struct stat st;
	int fd = open(index_path, O_RDONLY | O_CLOEXEC), error = -1;
	size_t size;
	ssize_t n;

	if (fd < 0)
		return -1;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) ||
	    st.st_size < (off_t)sizeof(hdr) ||
	    read(fd, hdr, sizeof(hdr)) != (ssize_t)sizeof(hdr) ||
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

int para_worktree_proven_clean(const char *worktree, const char *index_path,
			       const unsigned char *head_tree,
			       long max_entries, int hash_racy,
			       const char *racy_cache)
{
	struct para_strbuf buf = PARA_STRBUF_INIT, path = PARA_STRBUF_INIT;
	struct index ix = { NULL, 0, { 0 }, 0 };
	struct check c;
	int clean = 0;
	size_t i;

	memset(&c, 0, sizeof(c));
	c.dirfd = -1;
	c.confirmed.buf = para_strbuf_empty;
	c.loaded.buf = para_strbuf_empty;
	clock_gettime(CLOCK_REALTIME_COARSE, &c.start);
	if (max_entries <= 0 ||
	    read_index(&buf, &c.index_mtime, index_path, max_entries) < 0 ||
	    parse_index(&ix, (const unsigned char *)buf.buf, buf.len,
			max_entries) < 0 ||
	    !ix.tree_valid || memcmp(ix.tree, head_tree, OID_RAW))
		goto out;
	c.dirfd = open(worktree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.dirfd < 0)
		goto out;
	c.hash_racy = hash_racy && !has_attributes(&ix);
	load_racy_cache(&c, racy_cache);
	for (i = 0; i < ix.nr; i++)
		if (!entry_unchanged(&c, &ix.entries[i]))
			goto out;
	save_racy_cache(&c, racy_cache);
	clean = nothing_untracked(&ix, c.dirfd, &path);
out:
	if (c.dirfd >= 0)
		close(c.dirfd);
	free(c.known);
	para_strbuf_dispose(&c.loaded);
	para_strbuf_dispose(&c.confirmed);
	index_dispose(&ix);
	para_strbuf_dispose(&buf);
	para_strbuf_dispose(&path);
	return clean;
}
