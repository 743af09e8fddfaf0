#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <limits.h>
#include <linux/fs.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "fs.h"
#include "fs-copy.h"
#include "strbuf.h"

static const char *const mode_names[] = { "reflink", "hardlink", "copy" };

int para_copy_mode_parse(enum para_copy_mode *out, const char *text)
{
	int i;

	for (i = 0; i < 3; i++)
		if (text && !strcmp(text, mode_names[i])) {
			*out = (enum para_copy_mode)i;
			return 0;
		}
	return para_error_set(PARA_EINVALID, "invalid copy mode '%s' "
			      "(reflink, hardlink or copy)", text ? text : "");
}

const char *para_copy_mode_name(enum para_copy_mode mode)
{
	return mode_names[mode];
}

struct copier {
	enum para_copy_mode mode;
	int no_clone, no_link;	/* the filesystem said no once: stop asking */
	struct para_copy_stats *stats;
	const char *from, *to;	/* for messages */
};

/* An error naming `rel` under the source tree. */
static int fail(const struct copier *c, const char *what, const char *rel)
{
	return para_error_errno(PARA_ERROR, "cannot %s '%s/%s'", what,
				c->from, rel);
}

/*
 * In the kernel where it can be (which may share blocks, as a clone
 * does), with read and write where not or when `plain`.
 */
static int copy_bytes(int in, int out, off_t size, int plain)
{
	char buf[131072];
	ssize_t n;
	off_t left = plain ? 0 : size;

	while (left > 0) {
		n = copy_file_range(in, NULL, out, NULL, (size_t)left, 0);
		if (n <= 0)
			break;
		left -= n;
	}
	if (plain)
		left = size;
	else if (left <= 0)
		return 0;
	if (lseek(in, size - left, SEEK_SET) < 0 ||
	    lseek(out, size - left, SEEK_SET) < 0)
		return -1;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			return -1;
	return n < 0 ? -1 : 0;
}

static int clone_or_copy(struct copier *c, int in, int out,
			 const struct stat *st)
{
	if (c->mode == PARA_COPY_REFLINK && !c->no_clone) {
		if (!ioctl(out, FICLONE, in)) {
			c->stats->cloned++;
			return 0;
		}
		if (errno == EOPNOTSUPP || errno == EXDEV || errno == EINVAL ||
		    errno == ENOTTY || errno == ENOSYS)
			c->no_clone = 1;
	}
	return copy_bytes(in, out, st->st_size, c->mode == PARA_COPY_PLAIN);
}

static int try_link(struct copier *c, int sdir, int ddir, const char *name)
{
	if (c->mode != PARA_COPY_HARDLINK || c->no_link)
		return -1;
	if (!linkat(sdir, name, ddir, name, 0) ||
	    (errno == EEXIST && !unlinkat(ddir, name, 0) &&
	     !linkat(sdir, name, ddir, name, 0))) {
		c->stats->linked++;
		return 0;
	}
	if (errno == EXDEV || errno == EPERM || errno == EOPNOTSUPP)
		c->no_link = 1;
	return -1;
}

static int copy_file(struct copier *c, int sdir, int ddir, const char *name,
		     const struct stat *st, const char *rel)
{
	struct timespec times[2] = { st->st_atim, st->st_mtim };
	int in, out, error = 0;

	c->stats->files++;
	c->stats->bytes += (unsigned long long)st->st_size;
	if (!try_link(c, sdir, ddir, name))
		return 0;
	if ((in = openat(sdir, name, O_RDONLY | O_CLOEXEC | O_NOFOLLOW)) < 0)
		return fail(c, "read", rel);
	out = openat(ddir, name, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC |
		     O_NOFOLLOW, 0600);
	if (out < 0 && errno == ELOOP && !unlinkat(ddir, name, 0))
		out = openat(ddir, name, O_WRONLY | O_CREAT | O_TRUNC |
			     O_CLOEXEC | O_NOFOLLOW, 0600);
	if (out < 0) {
		error = para_error_errno(PARA_ERROR, "cannot create '%s/%s'",
					 c->to, rel);
		goto out;
	}
	if (clone_or_copy(c, in, out, st) < 0 ||
	    fchmod(out, st->st_mode & 07777) < 0 || futimens(out, times) < 0)
		error = para_error_errno(PARA_ERROR, "cannot write '%s/%s'",
					 c->to, rel);
	close(out);
out:
	close(in);
	return error;
}

static int copy_symlink(struct copier *c, int sdir, int ddir,
			const char *name, const struct stat *st,
			const char *rel)
{
	struct timespec times[2] = { st->st_atim, st->st_mtim };
	char target[PATH_MAX];
	ssize_t n = readlinkat(sdir, name, target, sizeof(target) - 1);

	if (n < 0)
		return fail(c, "read link", rel);
	target[n] = '\0';
	if (unlinkat(ddir, name, 0) < 0 && errno == EISDIR) {
		char *path = para_xstrfmt("%s/%s", c->to, rel);

		para_remove_tree(path);
		free(path);
	}
	if (symlinkat(target, ddir, name) < 0)
		return para_error_errno(PARA_ERROR, "cannot create '%s/%s'",
					c->to, rel);
	utimensat(ddir, name, times, AT_SYMLINK_NOFOLLOW);
	return 0;
}

static int copy_entry(struct copier *c, int sdir, int ddir, const char *name,
		      const char *rel);

static int copy_dir(struct copier *c, int sdir, int ddir, const char *name,
		    const struct stat *st, const char *rel)
{
	struct timespec times[2] = { st->st_atim, st->st_mtim };
	struct para_strbuf sub = PARA_STRBUF_INIT;
	int from = -1, to = -1, dupfd, error = 0;
	struct dirent *de;
	DIR *d = NULL;

	if (mkdirat(ddir, name, 0700) < 0 && errno == EEXIST &&
	    unlinkat(ddir, name, 0) == 0)
		mkdirat(ddir, name, 0700);
	if ((from = openat(sdir, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
			   O_NOFOLLOW)) < 0)
		return fail(c, "read", rel);
	if ((to = openat(ddir, name, O_RDONLY | O_DIRECTORY | O_CLOEXEC |
			 O_NOFOLLOW)) < 0) {
		error = para_error_errno(PARA_ERROR, "cannot create '%s/%s'",
					 c->to, rel);
		goto out;
	}
	if ((dupfd = dup(from)) < 0 || !(d = fdopendir(dupfd))) {
		error = fail(c, "read", rel);
		goto out;
	}
	while (!error && (de = readdir(d))) {
		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		para_strbuf_reset(&sub);
		para_strbuf_addf(&sub, "%s/%s", rel, de->d_name);
		error = copy_entry(c, from, to, de->d_name, sub.buf);
	}
	if (!error && (fchmod(to, st->st_mode & 07777) < 0 ||
		       futimens(to, times) < 0))
		error = para_error_errno(PARA_ERROR, "cannot set the mode of "
					 "'%s/%s'", c->to, rel);
out:
	if (d)
		closedir(d);
	if (to >= 0)
		close(to);
	close(from);
	para_strbuf_dispose(&sub);
	return error;
}

static int copy_entry(struct copier *c, int sdir, int ddir, const char *name,
		      const char *rel)
{
	struct stat st;

	if (fstatat(sdir, name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return fail(c, "stat", rel);
	if (S_ISDIR(st.st_mode))
		return copy_dir(c, sdir, ddir, name, &st, rel);
	if (S_ISLNK(st.st_mode))
		return copy_symlink(c, sdir, ddir, name, &st, rel);
	if (S_ISREG(st.st_mode))
		return copy_file(c, sdir, ddir, name, &st, rel);
	return 0;	/* sockets, fifos, devices: not provisioned */
}

/* Opens the directory `rel` of `top`, creating it when `create`. */
static int open_dir(const char *top, const char *rel, int create)
{
	char *path = *rel ? para_xstrfmt("%s/%s", top, rel) : para_strdup(top);
	int fd;

	if (create && para_mkdir_p(path) < 0) {
		free(path);
		return -1;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	if (fd < 0)
		para_error_errno(PARA_ERROR, "cannot open '%s'", path);
	free(path);
	return fd;
}

int para_copy_path(struct para_copy_stats *stats, const char *from,
		   const char *to, const char *rel, enum para_copy_mode mode)
{
	struct para_copy_stats none = { 0, 0, 0, 0 };
	struct copier c = { mode, 0, 0, stats ? stats : &none, from, to };
	char *parent = para_strdup(rel), *slash, *base, *clean;
	int sdir = -1, ddir = -1, error = -1;
	size_t len = strlen(parent);

	while (len > 1 && parent[len - 1] == '/')
		parent[--len] = '\0';
	clean = para_strdup(parent);
	slash = strrchr(parent, '/');
	base = slash ? slash + 1 : parent;
	if (slash)
		*slash = '\0';
	if ((sdir = open_dir(from, slash ? parent : "", 0)) >= 0 &&
	    (ddir = open_dir(to, slash ? parent : "", 1)) >= 0)
		error = copy_entry(&c, sdir, ddir, base, clean);
	if (sdir >= 0)
		close(sdir);
	if (ddir >= 0)
		close(ddir);
	free(clean);
	free(parent);
	return error;
}
