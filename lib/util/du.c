#include <errno.h>
#include <ftw.h>
#include <sys/stat.h>

#include "du.h"
#include "error.h"

/* nftw() has no closure argument; du runs in one thread at a time */
static unsigned long long du_total;

static int du_one(const char *path, const struct stat *st, int flag,
		  struct FTW *ftw)
{
	(void)path;
	(void)ftw;
	if (flag == FTW_NS)
		return 0;
	if (S_ISDIR(st->st_mode) || st->st_nlink <= 1)
		du_total += (unsigned long long)st->st_blocks * 512;
	return 0;
}

int para_disk_usage(unsigned long long *out, const char *path)
{
	struct stat st;

	*out = 0;
	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 :
		       para_error_errno(PARA_ERROR, "cannot stat '%s'", path);
	du_total = 0;
	if (nftw(path, du_one, 32, FTW_PHYS | FTW_MOUNT) < 0)
		return para_error_errno(PARA_ERROR, "cannot measure '%s'",
					path);
	*out = du_total;
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
