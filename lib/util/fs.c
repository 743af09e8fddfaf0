#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <limits.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "error.h"
#include "strbuf.h"
#include "proc.h"
#include "strvec.h"
#include "testpoint.h"

int para_remove_tree(const char *path)
{
	struct stat st;
	DIR *d;
	struct dirent *de;
	int error = 0;

	if (lstat(path, &st) < 0)
		return errno == ENOENT ? 0 : -1;
	if (!S_ISDIR(st.st_mode))
		return unlink(path);
	d = opendir(path);
	if (!d)
		return -1;
	while ((de = readdir(d))) {
		char *sub;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		sub = para_xstrfmt("%s/%s", path, de->d_name);
		if (para_remove_tree(sub) < 0)
			error = -1;
		free(sub);
	}
	closedir(d);
	if (rmdir(path) < 0)
		error = -1;
	return error;
}

int para_mkdir_p(const char *path)
{
	struct stat st;
	char *copy, *p;
	int error = 0;

	/* all there already, the common case: one call, not one a level */
	if (!stat(path, &st) && S_ISDIR(st.st_mode))
		return 0;
	copy = para_strdup(path);
	p = copy;
	do {
		p = strchr(p + 1, '/');
		if (p)
			*p = '\0';
		if (mkdir(copy, 0777) < 0 && errno != EEXIST)
			error = para_error_errno(PARA_ERROR,
				"cannot create directory '%s'", copy);
		if (p)
			*p = '/';
	} while (p && !error);
	free(copy);
	return error;
}

char *para_path_normalize(const char *path)
{
	struct para_strvec parts = PARA_STRVEC_INIT, out = PARA_STRVEC_INIT;
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *copy = para_strdup(path), *save = NULL, *seg;
	size_t i;

	for (seg = strtok_r(copy, "/", &save); seg;
	     seg = strtok_r(NULL, "/", &save))
		para_strvec_push(&parts, seg);
	for (i = 0; i < parts.nr; i++) {
		if (!strcmp(parts.v[i], "."))
			continue;
		if (!strcmp(parts.v[i], "..")) {
			if (out.nr)
				free(out.v[--out.nr]), out.v[out.nr] = NULL;
			continue;
		}
		para_strvec_push(&out, parts.v[i]);
	}
	for (i = 0; i < out.nr; i++)
		para_strbuf_addf(&sb, "/%s", out.v[i]);
	if (!sb.len)
		para_strbuf_addch(&sb, '/');
	para_strvec_dispose(&parts);
	para_strvec_dispose(&out);
	free(copy);
	return para_strbuf_detach(&sb);
}

static int write_all(int fd, const char *buf, size_t len)
{
	while (len) {
		ssize_t n = write(fd, buf, len);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		buf += n;
		len -= (size_t)n;
	}
	return 0;
}

static int fsync_dir(const char *dir)
{
	int fd = open(dir, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	int ret;

	if (fd < 0)
		return -1;
	ret = fsync(fd);
	close(fd);
	return ret;
}

static int write_atomic(const char *path, const char *buf, size_t len,
			int durable)
{
	const char *slash = strrchr(path, '/');
	char *dir = slash ? para_strndup(path, (size_t)(slash - path))
			  : para_strdup(".");
	char *tmp = para_xstrfmt("%s/.%s.tmp.%ld", dir, slash ? slash + 1 : path,
				 (long)getpid());
	int fd, error = 0;

	fd = open(tmp, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0666);
	if (fd < 0 || write_all(fd, buf, len) < 0 ||
	    (durable && fsync(fd) < 0)) {
		error = para_error_errno(PARA_ERROR, "cannot write '%s'", tmp);
		goto out;
	}
	close(fd);
	fd = -1;
	para_test_crash("write-before-rename");
	if (rename(tmp, path) < 0) {
		error = para_error_errno(PARA_ERROR, "cannot rename '%s'", tmp);
		goto out;
	}
	if (durable)
		fsync_dir(dir);
out:
	if (fd >= 0)
		close(fd);
	if (error < 0)
		unlink(tmp);
	free(dir);
	free(tmp);
	return error;
}

int para_write_file_atomic(const char *path, const char *buf, size_t len)
{
	return write_atomic(path, buf, len, 1);
}

int para_write_file_replace(const char *path, const char *buf, size_t len)
{
	return write_atomic(path, buf, len, 0);
}

/* The pid of ".<file>.tmp.<pid>", or 0 when `name` is not such a name. */
static long tmp_pid(const char *name)
{
	const char *p = strstr(name, ".tmp.");
	char *end;
	long pid;

	if (name[0] != '.' || !p)
		return 0;
	while (strstr(p + 1, ".tmp."))
		p = strstr(p + 1, ".tmp.");
	if (p == name || !p[5])
		return 0;
	errno = 0;
	pid = strtol(p + 5, &end, 10);
	return errno || *end || pid <= 0 ? 0 : pid;
}

int para_tmp_is_stale(const char *dir, const char *name)
{
	long pid = tmp_pid(name);
	char *path;
	struct stat file;
	long long started;
	int stale;

	if (!pid)
		return 0;
	path = para_xstrfmt("%s/%s", dir, name);
	if (lstat(path, &file) < 0 || !S_ISREG(file.st_mode)) {
		stale = 0;
	} else if ((started = para_proc_start_epoch((pid_t)pid)) < 0) {
		/* no such process: ESRCH, not a process we may not see */
		stale = kill((pid_t)pid, 0) < 0 && errno == ESRCH;
	} else {
		/* a second of slack: the start time is rounded down */
		stale = started > (long long)file.st_mtim.tv_sec + 1;
	}
	free(path);
	return stale;
}

size_t para_remove_stale_tmp(const char *dir, int depth)
{
	DIR *d = opendir(dir);
	struct dirent *de;
	size_t removed = 0;

	if (!d)
		return 0;
	while ((de = readdir(d))) {
		char *path;

		if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
			continue;
		path = para_xstrfmt("%s/%s", dir, de->d_name);
		if (para_tmp_is_stale(dir, de->d_name)) {
			if (!unlink(path))
				removed++;
		} else if (depth > 0 && de->d_name[0] != '.' &&
			   de->d_type == DT_DIR) {
			removed += para_remove_stale_tmp(path, depth - 1);
		}
		free(path);
	}
	closedir(d);
	return removed;
}

char *para_path_resolve(const char *path)
{
	char *norm = para_path_normalize(path), *prefix = para_strdup(norm);
	char *real = NULL, *out;
	size_t len = strlen(prefix);

	for (;;) {
		if ((real = realpath(len ? prefix : "/", NULL)))
			break;
		while (len && prefix[len - 1] != '/')
			len--;
		if (len)
			len--;	/* the slash */
		prefix[len] = '\0';
		if (!len && norm[0] != '/')
			break;
	}
	if (!real)
		out = para_strdup(norm);
	else if (!norm[len])
		out = para_strdup(real);
	else
		/* norm + len starts with its '/'; "/" has one already */
		out = para_xstrfmt("%s%s", real, norm + len +
				   !strcmp(real, "/"));
	free(real);
	free(prefix);
	free(norm);
	return out;
}

const char *para_path_below(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	while (len > 1 && dir[len - 1] == '/')
		len--;
	if (strncmp(path, dir, len))
		return NULL;
	if (!path[len])
		return path + len;
	if (path[len] != '/' && !(len == 1 && dir[0] == '/'))
		return NULL;
	return path + len + (path[len] == '/');
}

char *para_fs_readlink(const char *path)
{
	char buf[PATH_MAX];
	ssize_t n = readlink(path, buf, sizeof(buf) - 1);

	if (n < 0)
		return NULL;
	buf[n] = '\0';
	return para_strdup(buf);
}

long para_read_full(int fd, void *buf, size_t len)
{
	size_t got = 0;

	while (got < len) {
		ssize_t n = read(fd, (char *)buf + got, len - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -1;
		if (!n)
			break;
		got += (size_t)n;
	}
	return (long)got;
}

int para_write_full(int fd, const void *buf, size_t len)
{
	size_t done = 0;

	while (done < len) {
		ssize_t n = write(fd, (const char *)buf + done, len - done);

		if (n < 0 && errno == EAGAIN) {
			struct pollfd pfd = { fd, POLLOUT, 0 };

			poll(&pfd, 1, 1000);
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			return -1;
		done += (size_t)n;
	}
	return 0;
}

int para_read_small(struct para_strbuf *sb, const char *path)
{
	char buf[4096];
	ssize_t n;
	int fd = open(path, O_RDONLY | O_CLOEXEC), err;

	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf));
	err = errno;
	close(fd);
	if (n < 0) {
		errno = err;
		return -1;
	}
	if ((size_t)n == sizeof(buf)) {	/* not small after all */
		para_strbuf_reset(sb);
		if (para_strbuf_read_file(sb, path) < 0)
			return -1;
	} else {
		para_strbuf_reset(sb);
		para_strbuf_add(sb, buf, (size_t)n);
	}
	para_strbuf_rtrim(sb);
	return 0;
}

int para_dir_each(int dir_fd,
		  int (*fn)(int dir_fd, const struct dirent64 *de, void *data),
		  void *data)
{
	char buf[8192];
	ssize_t n;

	while ((n = getdents64(dir_fd, buf, sizeof(buf))) > 0) {
		ssize_t off = 0;

		while (off < n) {
			const struct dirent64 *de =
				(const struct dirent64 *)(buf + off);
			int ret;

			off += de->d_reclen;
			if (!strcmp(de->d_name, ".") || !strcmp(de->d_name, ".."))
				continue;
			if ((ret = fn(dir_fd, de, data)) != 0)
				return ret;
		}
	}
	return n < 0 ? -1 : 0;
}
