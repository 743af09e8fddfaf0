#ifndef PARA_LOCK_H
#define PARA_LOCK_H

/*
 * flock(2) locks on files under the state dir: they die with their
 * holder, so a crashed process never leaves a stale lock behind.
 */
struct para_lock {
	int fd;		/* -1 when not held */
};

#define PARA_LOCK_INIT { -1 }

enum para_lock_flags {
	PARA_LOCK_WAIT = 1 << 0,	/* block until it is free */
	PARA_LOCK_SHARED = 1 << 1	/* a reader's lock */
};

/*
 * Takes the lock on `path` (creating the file and its directory).  Fails
 * with PARA_ELOCKED when another process holds it and PARA_LOCK_WAIT is
 * not given.  A file its holder removed is not a lock: once locked, the
 * file must still be the one at `path`, or it starts over.
 */
int para_lock_take(struct para_lock *lock, const char *path, int flags);

/*
 * Removes the lock file at `path` while `lock` holds it, then releases
 * the lock: the only safe way to remove a lock file (see above).
 */
int para_lock_remove(struct para_lock *lock, const char *path);
void para_lock_release(struct para_lock *lock);

#endif
