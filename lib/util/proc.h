#ifndef PARA_PROC_H
#define PARA_PROC_H

#include <sys/types.h>

/* A recorded process: ours only if pid, start time and boot id all match. */
struct para_proc {
	pid_t pid;			/* 0 when none */
	unsigned long long start;	/* field 22 of /proc/PID/stat */
	char *boot_id;
};

/*
 * Process identity that survives pid reuse and reboots: a process is the
 * one recorded only if its pid, its start time (field 22 of
 * /proc/PID/stat) and the boot id all match.
 */

/* Fills `out` for `pid` (0 for this process).  Fails if it is gone. */
int para_proc_identify(struct para_proc *out, pid_t pid);

/*
 * When process `pid` started, in whole seconds since the epoch; -1 when
 * there is no such process (or it is a zombie).
 */
long long para_proc_start_epoch(pid_t pid);

/* 1 if the recorded process is alive and is still the same process. */
int para_proc_alive(const struct para_proc *proc);

/*
 * 1 if the recorded process lives, or, once it is gone, a process of the
 * process group or session it led (a background job left behind by a
 * task's shell).
 */
int para_proc_session_alive(const struct para_proc *proc);

/* This machine's boot id (static storage), or "" if unknown. */
const char *para_proc_boot_id(void);

/*
 * Terminates the process group led by `pgid`: SIGTERM, then SIGKILL once
 * `grace_ms` have passed with members left.  Returns once the group is
 * empty (or after the SIGKILL has been sent and a short wait).
 */
void para_proc_kill_group(pid_t pgid, long long grace_ms);

/*
 * Terminates every process of this machine (ours to signal) that
 * started at `since` or later and whose environment holds each "K=V" of
 * `pairs` (NULL-terminated): those that left their process group and
 * session (`setsid cmd &`) still carry what they inherited.  SIGTERM,
 * then SIGKILL once `grace_ms` have passed; returns when none is left
 * (or after a few seconds of SIGKILL).
 */
void para_proc_kill_by_env(const char *const *pairs, unsigned long long since,
			   long long grace_ms);

/*
 * The value of `name` in the environment `pid` started with (malloc'd),
 * or NULL.
 */
char *para_proc_getenv(pid_t pid, const char *name);

/*
 * Terminates every process but this one whose environment holds each of
 * the "NAME=value" entries of `env` (NULL-terminated): what escaped a
 * process group (setsid, double forks) but still carries its marks.
 * SIGTERM, then SIGKILL to those left after `grace_ms`.  Returns how
 * many there were.
 */
size_t para_proc_kill_marked(const char *const *env, long long grace_ms);

/* 1 when some process of this machine (that we may look at) has `path` open. */
int para_proc_file_open(const char *path);

#endif
