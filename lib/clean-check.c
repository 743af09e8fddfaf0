#include <dirent.h>
#include <fcntl.h>
#include <stdint.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include <git2.h>

#include "clean-check.h"
#include "clean-index.h"
#include "clean-racy.h"
#include "fs.h"
#include "strbuf.h"

/*
 * The check itself: the stat data of every entry of the index
 * (index-file.c reads it) against lstat() of its file, racily clean
 * files hashed or found remembered (racy-cache.c), then a walk of the
 * worktree for anything untracked.
 */
struct check {
	int dirfd;
	struct timespec index_mtime;
	int hash_racy;
	struct timespec start;	/* CLOCK_REALTIME_COARSE, at the start */
	struct para_racy_cache racy;
};

/* A tracked .gitattributes anywhere may convert what git hashes. */
static int has_attributes(const struct para_index *ix)
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

static int same_content(const struct para_index_entry *e, int dirfd)
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
		same = !memcmp(oid.id, e->oid, PARA_OID_RAW);
	para_strbuf_dispose(&buf);
	return same;
}

static int before(const struct timespec *a, const struct timespec *b)
{
	return a->tv_sec < b->tv_sec ||
	       (a->tv_sec == b->tv_sec && a->tv_nsec < b->tv_nsec);
}

/* A racily clean file: remembered, or hashed (and then remembered). */
static int racy_unchanged(struct check *c, const struct para_index_entry *e,
			  const struct stat *st)
{
	const struct para_racy_record *r;

	/* a record says what the raw bytes hash to: that they are what git
	   hashes holds only while nothing converts them */
	if (!c->hash_racy)
		return 0;
	r = para_racy_cache_find(&c->racy, e->path, st, e->oid);
	if (r) {
		para_racy_cache_keep(&c->racy, r);
		return 1;
	}
	if (!same_content(e, c->dirfd))
		return 0;
	/* too fresh to remember: a change in this very tick would keep
	   the stat data */
	if (before(&st->st_mtim, &c->start) && before(&st->st_ctim, &c->start))
		para_racy_cache_add(&c->racy, e, st);
	return 1;
}

/*
 * The file is as the index recorded it.  If it was modified in the same
 * instant the index was written (racily clean, as git calls it), the
 * stat data cannot tell: its contents must be compared, when allowed.
 */
static int entry_unchanged(struct check *c, const struct para_index_entry *e)
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

static int is_tracked(const struct para_index *ix, const char *path)
{
	size_t i = para_index_lower_bound(ix, path);

	return i < ix->nr && !strcmp(ix->entries[i].path, path);
}

/* `dir` ends in '/': some tracked file lies below it. */
static int has_tracked_below(const struct para_index *ix, const char *dir)
{
	size_t i = para_index_lower_bound(ix, dir), len = strlen(dir);

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

static int nothing_untracked(const struct para_index *ix, int worktree_fd,
			     struct para_strbuf *path);

struct below {
	const struct para_index *ix;
	int worktree_fd;
	struct para_strbuf *path;	/* of the directory, "" or ending '/' */
	size_t base;
};

/* An entry of the directory: 0 when tracked, or all tracked below it. */
static int untracked_entry(int dir_fd, const struct dirent64 *de, void *data)
{
	struct below *b = data;

	(void)dir_fd;
	if (!b->base && !strcmp(de->d_name, ".git"))
		return 0;
	para_strbuf_setlen(b->path, b->base);
	para_strbuf_addstr(b->path, de->d_name);
	if (is_tracked(b->ix, b->path->buf))
		return 0;
	/* a symlink to a directory holding the tracked files is not
	   their directory: git sees them deleted */
	if (!is_directory(b->worktree_fd, b->path->buf, de->d_type))
		return 1;
	para_strbuf_addch(b->path, '/');
	return !has_tracked_below(b->ix, b->path->buf) ||
	       !nothing_untracked(b->ix, b->worktree_fd, b->path);
}

/*
 * Every directory entry below `path` (relative, "" or ending in '/') is
 * tracked or a directory of tracked files.  Directories only: tracked
 * files were looked at already.
 */
static int nothing_untracked(const struct para_index *ix, int worktree_fd,
			     struct para_strbuf *path)
{
	struct below b = { ix, worktree_fd, path, path->len };
	int fd, ok;

	fd = openat(worktree_fd, b.base ? path->buf : ".",
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0)
		return 0;
	ok = !para_dir_each(fd, untracked_entry, &b);
	close(fd);
	para_strbuf_setlen(path, b.base);
	return ok;
}

int para_worktree_proven_clean(const char *worktree, const char *index_path,
			       const unsigned char *head_tree,
			       long max_entries, int hash_racy,
			       const char *racy_cache)
{
	struct para_strbuf path = PARA_STRBUF_INIT;
	struct para_index ix = PARA_INDEX_INIT;
	struct check c = { -1, { 0, 0 }, 0, { 0, 0 }, PARA_RACY_CACHE_INIT };
	int clean = 0;
	size_t i;

	clock_gettime(CLOCK_REALTIME_COARSE, &c.start);
	if (para_index_read(&ix, &c.index_mtime, index_path, max_entries) < 0 ||
	    !ix.tree_valid || memcmp(ix.tree, head_tree, PARA_OID_RAW))
		goto out;
	c.dirfd = open(worktree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.dirfd < 0)
		goto out;
	c.hash_racy = hash_racy && !has_attributes(&ix);
	para_racy_cache_load(&c.racy, racy_cache);
	for (i = 0; i < ix.nr; i++)
		if (!entry_unchanged(&c, &ix.entries[i]))
			goto out;
	para_racy_cache_save(&c.racy, racy_cache);
	clean = nothing_untracked(&ix, c.dirfd, &path);
out:
	if (c.dirfd >= 0)
		close(c.dirfd);
	para_racy_cache_dispose(&c.racy);
	para_index_dispose(&ix);
	para_strbuf_dispose(&path);
	return clean;
}
