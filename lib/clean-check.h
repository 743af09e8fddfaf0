#ifndef PARA_CLEAN_CHECK_H
#define PARA_CLEAN_CHECK_H

/*
 * A cheap proof that a worktree is clean, for `git para status` of many
 * small worktrees: a full status (libgit2's or git's) costs far more than
 * looking at the index and a handful of files.
 *
 * The worktree is clean when, as git's own racy-clean logic has it:
 *  - the index is readable, has no conflicts, no skip-worktree or
 *    intent-to-add entries, no submodules, no split or sparse index, and
 *    its cached root tree is valid and is `head_tree` (nothing staged);
 *  - every entry's recorded stat data (ctime, mtime, inode, uid, gid,
 *    size, file type and executable bit) equals lstat() of its file;
 *  - no file is as new as the index itself (racily clean: modified
 *    perhaps in the same clock tick after the index was written, which
 *    the stat data cannot show), or, when `hash_racy` allows it, such a
 *    file's bytes hash to the entry's blob.  Hashing raw bytes is what
 *    git does only when no attribute or core.autocrlf converts them:
 *    the caller must know that;
 *  - every directory entry of the worktree is a tracked file or a
 *    directory holding tracked files (nothing untracked, nor ignored).
 * Anything else, and any doubt, answers "not proven": the caller then
 * runs a real status.  So the check can never hide a change; it only
 * spares the status of worktrees nobody touched.
 */

/*
 * 1 when the worktree is proven clean, 0 when it is not proven (run a
 * real status).  `index_path` is the worktree's index file, `head_tree`
 * the 20-byte id of the tree its HEAD commit points at.  `max_entries`
 * bounds the work: bigger indexes are not looked at (0).  `racy_cache`,
 * unless NULL, is a file of the worktree's own where racily clean files
 * proven unchanged are remembered (clean-racy.h says why that is safe).
 * `usage`, unless NULL, gets what a worktree proven clean takes on disk
 * as para_disk_usage() counts it, found on the way; else -1.
 */
int para_worktree_proven_clean(const char *worktree, const char *index_path,
			       const unsigned char *head_tree,
			       long max_entries, int hash_racy,
			       const char *racy_cache, long long *usage);

#endif
