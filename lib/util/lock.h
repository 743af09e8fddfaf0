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
 * not given.
 */
int para_lock_take(struct para_lock *lock, const char *path, int flags);
void para_lock_release(struct para_lock *lock);

#endif
