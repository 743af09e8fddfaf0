#ifndef PARA_CGROUP_H
#define PARA_CGROUP_H

#include <sys/types.h>

#include "strvec.h"

/*
 * cgroup file operations: finding the cgroup this process is in and
 * what it may do there, and making, filling, limiting, killing and
 * removing cgroups below it.  Nothing here knows what runs in them.
 *
 * A cgroup lives in the cgroup v2 hierarchy, the cgroup2 mount of
 * /proc/self/mounts (/sys/fs/cgroup, or /sys/fs/cgroup/unified on a
 * hybrid system), below our place in it (the "0::" line of
 * /proc/self/cgroup): that gives containment and cgroup.kill.  Memory
 * and CPU limits come from the v2 memory and cpu controllers; where v2
 * has none of them (a hybrid system whose controllers are all in v1),
 * from the v1 memory and cpu hierarchies instead, below our place in
 * each, with directories of the same names.
 *
 * For tests only, PARA_TEST_CGROUP_ROOT names a directory to use as our
 * own v2 cgroup instead: a plain directory tree whose files are written
 * as the kernel's would be (no v1 hierarchy is looked for then).
 */

struct para_cgroup {
	char *path;		/* the v2 directory */
	char *memory;		/* the v1 memory directory, or NULL */
	char *cpu;		/* the v1 cpu directory, or NULL */
};

#define PARA_CGROUP_INIT { NULL, NULL, NULL }

struct para_cgroup_root {
	struct para_cgroup own;	/* our cgroup (v1 parts when limits
				   come from v1) */
	int can_create;		/* subgroups can be made here */
	int can_kill;		/* cgroup.kill exists (Linux 5.14) */
	int can_limit;		/* memory and cpu limits can be set */
	char *reason;		/* why not can_limit, or NULL */
};

/* Fills `out`; fails only when there is no cgroup v2 hierarchy at all. */
int para_cgroup_probe(struct para_cgroup_root *out);
void para_cgroup_root_dispose(struct para_cgroup_root *root);

/*
 * Makes the cgroup `name` below `parent` (with `limits`, in the v1
 * hierarchies of the parent too, or with the memory and cpu controllers
 * turned on for the children of a v2 parent).  An existing one is fine.
 */
int para_cgroup_create(struct para_cgroup *out,
		       const struct para_cgroup *parent, const char *name,
		       int limits);

/* The cgroup `name` below `parent`, made or not. */
void para_cgroup_child(struct para_cgroup *out,
		       const struct para_cgroup *parent, const char *name);

void para_cgroup_dispose(struct para_cgroup *cg);

/*
 * Its directories as recorded text (the v2 one first, then "memory:" or
 * "cpu:" and a v1 one), and back.
 */
void para_cgroup_record(struct para_strvec *out, const struct para_cgroup *cg);
int para_cgroup_from_record(struct para_cgroup *out,
			    const struct para_strvec *record);

/* The memory limit in bytes (0: none), the CPU limit as CPUs (0: none). */
int para_cgroup_set_memory(const struct para_cgroup *cg, long long bytes);
int para_cgroup_set_cpus(const struct para_cgroup *cg, double cpus);

/* Moves `pid` (0: this process) into the cgroup. */
int para_cgroup_attach(const struct para_cgroup *cg, pid_t pid);

/* The same for the v1 parts alone: `pid` was born in the v2 one. */
int para_cgroup_attach_v1(const struct para_cgroup *cg, pid_t pid);

/* Sends `sig` to each process of the cgroup. */
void para_cgroup_signal(const struct para_cgroup *cg, int sig);

/*
 * Kills every process of the cgroup at once (cgroup.kill; where there is
 * none, SIGKILL to each process).
 */
int para_cgroup_kill(const struct para_cgroup *cg);

/* How many processes the kernel killed for memory in it, 0 when unknown. */
long para_cgroup_oom_kills(const struct para_cgroup *cg);

/* 1 when no process is left in the cgroup (or it is gone). */
int para_cgroup_empty(const struct para_cgroup *cg);

/* Removes the (empty) cgroup; one that is gone already is fine. */
int para_cgroup_remove(const struct para_cgroup *cg);

/* The names of the cgroups right below `cg` that begin with `prefix`. */
int para_cgroup_list(struct para_strvec *out, const struct para_cgroup *cg,
		     const char *prefix);

#endif
