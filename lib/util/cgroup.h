#ifndef PARA_CGROUP_H
#define PARA_CGROUP_H

#include <sys/types.h>

/*
 * cgroup v2 file operations: finding the cgroup this process is in and
 * what it may do there, and making, filling, limiting, killing and
 * removing cgroups below it.  Nothing here knows what runs in them.
 *
 * The hierarchy is the cgroup2 mount of /proc/self/mounts
 * (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a hybrid system), and
 * our place in it the "0::" line of /proc/self/cgroup.  For tests only,
 * PARA_TEST_CGROUP_ROOT names a directory to use as our own cgroup
 * instead: a plain directory tree whose files are written as the kernel's
 * would be.
 */

struct para_cgroup_root {
	char *path;		/* our cgroup's directory */
	int can_create;		/* subgroups can be made here */
	int can_kill;		/* cgroup.kill exists (Linux 5.14) */
	int can_limit;		/* memory and cpu controllers available */
	char *reason;		/* why not can_limit, or NULL */
};

/* Fills `out`; fails only when there is no cgroup v2 hierarchy at all. */
int para_cgroup_probe(struct para_cgroup_root *out);
void para_cgroup_root_dispose(struct para_cgroup_root *root);

/*
 * Makes the cgroup `name` below the root (malloc'd path in `*out`); with
 * `limits`, first turns the memory and cpu controllers on for children.
 */
int para_cgroup_create(char **out, const struct para_cgroup_root *root,
		       const char *name, int limits);

/* memory.max in bytes (0: no limit), cpu.max as a number of CPUs. */
int para_cgroup_set_memory(const char *cgroup, long long bytes);
int para_cgroup_set_cpus(const char *cgroup, double cpus);

/* Moves `pid` (0: this process) into the cgroup. */
int para_cgroup_attach(const char *cgroup, pid_t pid);

/* Kills every process of the cgroup at once (cgroup.kill). */
int para_cgroup_kill(const char *cgroup);

/* The oom_kill count of memory.events, 0 when unknown. */
long para_cgroup_oom_kills(const char *cgroup);

/* 1 when no process is left in the cgroup. */
int para_cgroup_empty(const char *cgroup);

/* Removes the (empty) cgroup. */
int para_cgroup_remove(const char *cgroup);

#endif
