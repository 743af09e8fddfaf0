#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/file.h>
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

int para_lock_take(struct para_lock *lock, const char *path, int flags)
{
	int op = (flags & PARA_LOCK_SHARED) ? LOCK_SH : LOCK_EX;
	int fd = open_lock_file(path);

	lock->fd = -1;
	if (fd < 0)
		return para_error_errno(PARA_ERROR, "cannot open lock '%s'",
					path);
	if (!(flags & PARA_LOCK_WAIT))
		op |= LOCK_NB;
	while (flock(fd, op) < 0) {
		if (errno == EINTR)
			continue;
		close(fd);
		if (errno == EWOULDBLOCK)
			return para_error_set(PARA_ELOCKED,
				"'%s' is locked by another process", path);
		return para_error_errno(PARA_ERROR, "cannot lock '%s'", path);
	}
	lock->fd = fd;
	return 0;
}

void para_lock_release(struct para_lock *lock)
{
	if (lock->fd >= 0)
		close(lock->fd);
	lock->fd = -1;
}
