#ifndef PARA_FS_COPY_H
#define PARA_FS_COPY_H

/*
 * Copying trees of untracked files (node_modules, .venv, .env) into a
 * new worktree, as fast as the filesystem allows.
 */

enum para_copy_mode {
	PARA_COPY_REFLINK = 0,	/* share the blocks until either side
				   writes (FICLONE), else copy */
	PARA_COPY_HARDLINK,	/* the same file: a write shows in both;
				   across filesystems, copy */
	PARA_COPY_PLAIN		/* copy the data */
};

/* "reflink", "hardlink", "copy"; -1 (PARA_EINVALID set) for others. */
int para_copy_mode_parse(enum para_copy_mode *out, const char *text);
const char *para_copy_mode_name(enum para_copy_mode mode);

struct para_copy_stats {
	unsigned long files;	/* regular files */
	unsigned long cloned;	/* of those, reflinked */
	unsigned long linked;	/* of those, hard-linked */
	unsigned long long bytes;
};

/*
 * Copies `rel` (a file, a symbolic link or a whole directory) from the
 * tree at `from` to the same place in the tree at `to`, creating the
 * parents it needs and keeping modes and modification times; a symbolic
 * link is copied as a link.  What is already at the destination is
 * replaced (a directory is merged into).  Never follows a symbolic link
 * at the destination.  `stats` may be NULL.
 */
int para_copy_path(struct para_copy_stats *stats, const char *from,
		   const char *to, const char *rel, enum para_copy_mode mode);

#endif
