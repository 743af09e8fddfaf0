#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "du.h"
#include "error.h"
#include "fs.h"

/*
 * The walk: each directory opened relative to its parent and each entry
 * looked at relative to its directory, so that the kernel walks one name
 * per file, not the whole path (nftw() does), and a directory costs an
 * open, its reads and a close.  One descriptor is held per level.
 */
struct du {
	dev_t dev;
	unsigned long long total;
};

unsigned long long para_disk_usage_of(const struct stat *st)
{
	if (S_ISDIR(st->st_mode) || st->st_nlink <= 1)
		return (unsigned long long)st->st_blocks * 512;
	return 0;
}

static void count(struct du *du, const struct stat *st)
{
	du->total += para_disk_usage_of(st);
}

static int walk(struct du *du, int dir_fd);

/*
 * An entry of the directory `dir_fd`: counted, and walked if a
 * directory.  Nonzero (1) stops the walk: out of descriptors.
 */
static int one(int dir_fd, const struct dirent64 *de, void *data)
{
	struct du *du = data;
	struct stat st;
	int fd;

	/* one that went meanwhile, or cannot be looked at, counts nothing */
	if (fstatat(dir_fd, de->d_name, &st, AT_SYMLINK_NOFOLLOW) < 0)
		return 0;
	if (!S_ISDIR(st.st_mode)) {
		count(du, &st);
		return 0;
	}
	if (st.st_dev != du->dev)
		return 0;	/* another filesystem: not ours to count */
	count(du, &st);
	fd = openat(dir_fd, de->d_name,
		    O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0)
		return errno == EMFILE || errno == ENFILE;
	return walk(du, fd) < 0;
}

/*
 * Counts what is below the directory `fd`, and closes it.  A directory
 * that cannot be read further counts what was read of it.
 */
static int walk(struct du *du, int fd)
{
	int stopped = para_dir_each(fd, one, du) > 0;

	close(fd);
	return stopped ? -1 : 0;
}

int para_disk_usage(unsigned long long *out, const char *path)
{
	struct du du = { 0, 0 };
	struct stat st;
	int fd;

	*out = 0;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 :
		       para_error_errno(PARA_ERROR, "cannot stat '%s'", path);
	du.dev = st.st_dev;
	count(&du, &st);
	if (!S_ISDIR(st.st_mode)) {
		*out = du.total;
		return 0;
	}
	fd = open(path, O_RDONLY | O_DIRECTORY | O_NOFOLLOW | O_CLOEXEC);
	if (fd < 0 || walk(&du, fd) < 0)
		return para_error_errno(PARA_ERROR, "cannot measure '%s'",
					path);
	*out = du.total;
	return 0;
}

void para_strbuf_add_size(struct para_strbuf *sb, unsigned long long bytes)
{
	static const char *const units[] = { "KiB", "MiB", "GiB", "TiB" };
	unsigned long long scale = 1024;
	int i;

	if (bytes < 1024) {
		para_strbuf_addf(sb, "%llu bytes", bytes);
		return;
	}
	for (i = 0; i < 3 && bytes >= scale * 1024; i++)
		scale *= 1024;
	para_strbuf_addf(sb, "%llu.%02llu %s", bytes / scale,
			 (bytes % scale) * 100 / scale, units[i]);
}
