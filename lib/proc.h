#ifndef PARA_PROC_H
#define PARA_PROC_H

#include "task.h"

/*
 * Process identity that survives pid reuse and reboots: a process is the
 * one recorded only if its pid, its start time (field 22 of
 * /proc/PID/stat) and the boot id all match.
 */

/* Fills `out` for `pid` (0 for this process).  Fails if it is gone. */
int para_proc_identify(struct para_proc *out, pid_t pid);

/* 1 if the recorded process is alive and is still the same process. */
int para_proc_alive(const struct para_proc *proc);

/* This machine's boot id (static storage), or "" if unknown. */
const char *para_proc_boot_id(void);

/*
 * Terminates the process group led by `pgid`: SIGTERM, then SIGKILL once
 * `grace_ms` have passed with members left.  Returns once the group is
 * empty (or after the SIGKILL has been sent and a short wait).
 */
void para_proc_kill_group(pid_t pgid, long long grace_ms);

/*
 * The state to show for a task: a recorded `running` or `queued` task
 * whose supervising `git para run` is gone is `orphaned` while its
 * process lives and `lost` once it is gone.
 */
enum para_task_state para_task_live_state(const struct para_task *task);

/* Milliseconds since the epoch. */
long long para_now_ms(void);

/*
 * The value of `name` in the environment `pid` started with (malloc'd),
 * or NULL.
 */
char *para_proc_getenv(pid_t pid, const char *name);

#endif
