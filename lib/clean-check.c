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
#include "du.h"
#include "fs.h"
#include "strbuf.h"

/*
 * The check itself, one walk of the index (clean-index.c reads it): the
 * stat data of every entry against its file's, racily clean files hashed
 * or found remembered (clean-racy.c), and each directory on the way read
 * for anything untracked.
 */
struct check {
	int dirfd;
	struct timespec index_mtime;
	int hash_racy;
	struct timespec start;	/* CLOCK_REALTIME_COARSE, at the start */
	struct para_racy_cache racy;
	int usage_ok;		/* usage is what the walk looked at */
	dev_t dev;		/* of the worktree */
	unsigned long long usage;
};

/*
 * A worktree proven clean holds its tracked files, the directories they
 * are in and .git, and the walk looked at each of them: what they take
 * on disk is counted on the way, as para_disk_usage() counts it.  What
 * it would count otherwise (another filesystem below, a .git
 * directory) is left to it.
 */
static void count_usage(struct check *c, const struct stat *st)
{
	if (!c->usage_ok)
		return;
	if (S_ISDIR(st->st_mode) && st->st_dev != c->dev)
		c->usage_ok = 0;
	else
		c->usage += para_disk_usage_of(st);
}

static void count_dir_usage(struct check *c, int fd)
{
	struct stat st;

	if (!c->usage_ok)
		return;
	if (fstat(fd, &st) < 0)
		c->usage_ok = 0;
	else
		count_usage(c, &st);
}

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

static int same_content(const struct para_index_entry *e, int dirfd,
			const char *name)
{
	struct para_strbuf buf = PARA_STRBUF_INIT;
	git_oid oid;
	ssize_t n;
	int fd, same = 0;

	if ((e->mode & 0170000) != 0100000 || e->size > RACY_MAX_SIZE)
		return 0;
	fd = openat(dirfd, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW);
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
			  int dirfd, const char *name, const struct stat *st)
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
	if (!same_content(e, dirfd, name))
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
static int entry_unchanged(struct check *c, const struct para_index_entry *e,
			   int dirfd, const char *name)
{
	struct stat st;

	if (fstatat(dirfd, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	count_usage(c, &st);
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
	return racy_unchanged(c, e, dirfd, name, &st);
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

static int is_directory(int dir_fd, const char *name, unsigned char type)
{
	struct stat st;

	if (type != DT_UNKNOWN)
		return type == DT_DIR;
	return !fstatat(dir_fd, name, &st, AT_SYMLINK_NOFOLLOW) &&
	       S_ISDIR(st.st_mode);
}

/*
 * The directories from the worktree down to the one of the entry being
 * looked at, each open: a file is looked at by its name in its own
 * directory, and each directory is read once, when it is entered.
 */
struct level {
	int fd;
	size_t len;		/* of the walk's dir, down to this one */
};

struct walk {
	struct check *c;
	const struct para_index *ix;
	struct level *at;	/* at[0] is the worktree */
	size_t depth, alloc;
	struct para_strbuf dir;	/* "" or the path of at[depth], and '/' */
	struct para_strbuf name;	/* scratch, for entries of dir */
};

/* An entry of the directory: 0 when tracked, or a directory of tracked. */
static int untracked_entry(int dir_fd, const struct dirent64 *de, void *data)
{
	struct walk *w = data;

	if (!w->depth && !strcmp(de->d_name, ".git"))
		return 0;
	para_strbuf_reset(&w->name);
	para_strbuf_add(&w->name, w->dir.buf, w->dir.len);
	para_strbuf_addstr(&w->name, de->d_name);
	if (is_tracked(w->ix, w->name.buf))
		return 0;
	/* a symlink to a directory holding the tracked files is not
	   their directory: git sees them deleted.  A directory of tracked
	   files is read in its turn, when the walk enters it. */
	if (!is_directory(dir_fd, de->d_name, de->d_type))
		return 1;
	para_strbuf_addch(&w->name, '/');
	return !has_tracked_below(w->ix, w->name.buf);
}

/* Enters the directory `name` of the current one: 0, or -1. */
static int enter(struct walk *w, const char *name, size_t len)
{
	size_t parent = w->dir.len;
	int fd;

	para_strbuf_add(&w->dir, name, len);
	fd = openat(w->at[w->depth].fd, w->dir.buf + parent,
		    O_RDONLY | O_DIRECTORY | O_CLOEXEC | O_NOFOLLOW);
	if (fd < 0) {
		para_strbuf_setlen(&w->dir, parent);
		return -1;
	}
	para_strbuf_addch(&w->dir, '/');
	if (w->depth + 1 >= w->alloc) {
		w->alloc *= 2;
		w->at = para_realloc(w->at, w->alloc * sizeof(*w->at));
	}
	w->depth++;
	w->at[w->depth].fd = fd;
	w->at[w->depth].len = w->dir.len;
	count_dir_usage(w->c, fd);
	return para_dir_each(fd, untracked_entry, w) ? -1 : 0;
}

static void leave(struct walk *w)
{
	close(w->at[w->depth--].fd);
	para_strbuf_setlen(&w->dir, w->at[w->depth].len);
}

/*
 * Makes the directory of `path` the current one; the name of its file
 * in it, or NULL when a directory on the way is not one, or holds
 * anything untracked.
 */
static const char *walk_to(struct walk *w, const char *path)
{
	const char *p, *slash;

	while (w->depth && strncmp(path, w->dir.buf, w->dir.len))
		leave(w);
	for (p = path + w->dir.len; (slash = strchr(p, '/')); p = slash + 1)
		if (enter(w, p, (size_t)(slash - p)) < 0)
			return NULL;
	return p;
}

/*
 * Every entry unchanged, and every directory entry of the worktree a
 * tracked file or a directory holding tracked files (nothing untracked,
 * nor ignored).  The index is sorted by path, so all entries below a
 * directory come together and each directory is entered once (its own
 * files need not: "a/b-x/f" sorts before "a/b/c").
 */
static int walk_clean(struct check *c, const struct para_index *ix)
{
	struct walk w = { c, ix, NULL, 0, 8, PARA_STRBUF_INIT,
			  PARA_STRBUF_INIT };
	int clean = 0;
	size_t i;

	w.at = para_malloc(w.alloc * sizeof(*w.at));
	w.at[0].fd = c->dirfd;
	w.at[0].len = 0;
	if (para_dir_each(c->dirfd, untracked_entry, &w))
		goto out;
	for (i = 0; i < ix->nr; i++) {
		const char *name = walk_to(&w, ix->entries[i].path);

		if (!name ||
		    !entry_unchanged(c, &ix->entries[i], w.at[w.depth].fd, name))
			goto out;
	}
	clean = 1;
out:
	while (w.depth)
		leave(&w);
	free(w.at);
	para_strbuf_dispose(&w.dir);
	para_strbuf_dispose(&w.name);
	return clean;
}

int para_worktree_proven_clean(const char *worktree, const char *index_path,
			       const unsigned char *head_tree,
			       long max_entries, int hash_racy,
			       const char *racy_cache, long long *usage)
{
	struct para_index ix = PARA_INDEX_INIT;
	struct check c = { -1, { 0, 0 }, 0, { 0, 0 }, PARA_RACY_CACHE_INIT,
			   0, 0, 0 };
	struct stat st;
	int clean = 0;

	if (usage)
		*usage = -1;
	clock_gettime(CLOCK_REALTIME_COARSE, &c.start);
	if (para_index_read(&ix, &c.index_mtime, index_path, max_entries) < 0 ||
	    !ix.tree_valid || memcmp(ix.tree, head_tree, PARA_OID_RAW))
		goto out;
	c.dirfd = open(worktree, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (c.dirfd < 0)
		goto out;
	if (usage && !fstat(c.dirfd, &st)) {
		c.usage_ok = 1;
		c.dev = st.st_dev;
		count_usage(&c, &st);
	}
	c.hash_racy = hash_racy && !has_attributes(&ix);
	para_racy_cache_load(&c.racy, racy_cache);
	if (!walk_clean(&c, &ix))
		goto out;
	para_racy_cache_save(&c.racy, racy_cache);
	clean = 1;
	/* .git: the file of a linked worktree, or what du would walk */
	if (c.usage_ok && !fstatat(c.dirfd, ".git", &st, AT_SYMLINK_NOFOLLOW) &&
	    !S_ISDIR(st.st_mode)) {
		count_usage(&c, &st);
		if (c.usage_ok)
			*usage = (long long)c.usage;
	}
out:
	if (c.dirfd >= 0)
		close(c.dirfd);
	para_racy_cache_dispose(&c.racy);
	para_index_dispose(&ix);
	return clean;
}
