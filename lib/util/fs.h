#ifndef PARA_FS_H
#define PARA_FS_H

#include <stddef.h>

/* Removes a directory tree (for rollback of what we created). */
int para_remove_tree(const char *path);

/* Creates `path` and its missing parents (mode 0777 less the umask). */
int para_mkdir_p(const char *path);

/* Lexically normalises an absolute path ("a/./b/../c" -> "a/c"). */
char *para_path_normalize(const char *path);

/*
 * The absolute `path` with every symbolic link of the part of it that
 * exists resolved (realpath(3) of the longest existing prefix, the rest
 * appended as it is): what git records for a worktree.  Malloc'd.
 */
char *para_path_resolve(const char *path);

/*
 * Where `path` lies below directory `dir` (both absolute, normalised):
 * the rest of `path` after "<dir>/", "" when it is `dir` itself, NULL
 * when it is elsewhere.
 */
const char *para_path_below(const char *path, const char *dir);

/*
 * Replaces the file at `path` with `len` bytes of `buf`, atomically: a
 * temporary file beside it, fsync, rename, fsync of the directory.
 */
int para_write_file_atomic(const char *path, const char *buf, size_t len);

/*
 * The same without the two fsyncs, for a file made again from others
 * (the shared context): a reader still sees the old file or the new
 * one, whole, and a crash of ours leaves one of them; only a crash of
 * the machine may lose the new one.
 */
int para_write_file_replace(const char *path, const char *buf, size_t len);

/*
 * 1 when `name` in `dir` is a temporary file of para_write_file_atomic()
 * (".<file>.tmp.<pid>") whose writer is provably gone: no process has
 * that pid, or the one that has it started after the file was last
 * written (the pid was used again).  A writer killed between its write
 * and its rename leaves such a file; nothing else ever reads it.
 */
int para_tmp_is_stale(const char *dir, const char *name);

/*
 * Removes the stale temporary files of `dir` and of the directories
 * below it, `depth` levels deep; returns how many it removed.
 */
size_t para_remove_stale_tmp(const char *dir, int depth);

/* Where the symbolic link `path` points (malloc'd), or NULL. */
char *para_fs_readlink(const char *path);

/*
 * Reads `len` bytes, or fewer at end of file; writes all `len`, going on
 * after EINTR and, for a non-blocking descriptor, EAGAIN.  Returns how
 * many were read, -1 on an error (errno set) / 0 or -1.
 */
long para_read_full(int fd, void *buf, size_t len);
int para_write_full(int fd, const void *buf, size_t len);

/*
 * Reads a small file with as few system calls as can be (status reads
 * a few of them per task) into `sb`, whitespace at its end trimmed; -1
 * with errno set when it cannot be read.
 */
struct para_strbuf;
int para_read_small(struct para_strbuf *sb, const char *path);

struct dirent64;

/*
 * Calls `fn` for each entry of the directory open at `dir_fd` but "."
 * and "..", with `dir_fd` and `data`, as getdents64() gives them: no
 * allocation and one system call for many entries (readdir() costs an
 * open, a stat and a close more a directory).  Stops at the first
 * nonzero `fn` returns, and returns it; -1 when reading the directory
 * fails (errno says why); 0 after the last entry.  `dir_fd` stays open.
 */
int para_dir_each(int dir_fd,
		  int (*fn)(int dir_fd, const struct dirent64 *de, void *data),
		  void *data);

#endif
