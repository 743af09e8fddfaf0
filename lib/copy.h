#ifndef PARA_COPY_H
#define PARA_COPY_H

/*
 * Copies `rel` (a path relative to both trees) from the tree at `from`
 * to the tree at `to`, creating parent directories and keeping the mode;
 * a symbolic link is copied as a link.
 */
int para_copy_file(const char *from, const char *to, const char *rel);

/* Removes a directory tree (for rollback of what we created). */
int para_remove_tree(const char *path);

#endif
