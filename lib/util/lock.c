#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "lock.h"
#include "fs.h"
#include "strbuf.h"

static int open_lock_file(const char *path)
{
	int fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC, 0666);

	if (fd < 0 && errno == ENOENT) {
		char *dir = para_strdup(path);
		char *slash = strrchr(dir, '/');

		if (slash) {
			*slash = '\0';
			if (para_mkdir_p(dir) == 0)
				fd = open(path, O_RDWR | O_CREAT | O_CLOEXEC,
					  0666);
		}
		free(dir);
	}
	return fd;
}

/* 1 when `fd` is still the file at `path` (nobody removed it meanwhile). */
static int still_at_path(int fd, const char *path)
{
	struct stat a, b;

	return !fstat(fd, &a) && !stat(path, &b) &&
	       a.st_dev == b.st_dev && a.st_ino == b.st_ino;
}

/* 1 when the file open at `fd` still has a name. */
static int still_linked(int fd)
{
	struct stat st;

	return !fstat(fd, &st) && st.st_nlink > 0;
}

/* flock(), retried on EINTR: 0, or the errno it failed with. */
static int lock_fd(int fd, int op)
{
	while (flock(fd, op) < 0)
		if (errno != EINTR)
			return errno;
	return 0;
}

int para_lock_take(struct para_lock *lock, const char *path, int flags)
{
	int op = (flags & PARA_LOCK_SHARED) ? LOCK_SH : LOCK_EX;
	int fd, err;

	lock->fd = -1;
	if (!(flags & PARA_LOCK_WAIT))
		op |= LOCK_NB;
	for (;;) {
		if ((fd = open_lock_file(path)) < 0)
			return para_error_errno(PARA_ERROR,
						"cannot open lock '%s'", path);
		if ((err = lock_fd(fd, op)) != 0)
			break;
		/*
		 * The holder removed the file: lock the one at the path now.
		 * A lock file is only ever created and unlinked, never renamed
		 * or linked, so that one that still has a name has this one.
		 */
		if (still_linked(fd)) {
			lock->fd = fd;
			return 0;
		}
		close(fd);
	}
	close(fd);
	errno = err;
	if (err == EWOULDBLOCK)
		return para_error_set(PARA_ELOCKED,
				      "'%s' is locked by another process", path);
	return para_error_errno(PARA_ERROR, "cannot lock '%s'", path);
}

int para_lock_remove(struct para_lock *lock, const char *path)
{
	int error = 0;

	if (lock->fd < 0)
		return para_error_set(PARA_ERROR, "'%s' is not held", path);
	if (still_at_path(lock->fd, path) && unlink(path) < 0)
		error = para_error_errno(PARA_ERROR, "cannot remove '%s'", path);
	para_lock_release(lock);
	return error;
}

void para_lock_release(struct para_lock *lock)
{
	if (lock->fd >= 0)
		close(lock->fd);
	lock->fd = -1;
}
