#ifndef PARA_TASK_PORTS_H
#define PARA_TASK_PORTS_H

#include "config.h"
#include "strvec.h"
#include "task.h"

/*
 * Ports that never collide: with para.portRange (<lo>-<hi>) set, each
 * new task leases a block of para.portsPerTask (default 1) consecutive
 * TCP ports that no other task holds and that nothing else listens on
 * now (a loopback bind probe), recorded in its state.  The caller holds
 * the "tasks" lock, so that concurrent adds never lease the same port;
 * a task's ports are free again once it is removed.
 */

/*
 * Leases a block for `task` (its ports are set), given the `nr` tasks
 * `others` that hold theirs.  Without para.portRange, nothing.  Fails
 * naming the range when no block is free, or the key with a bad value.
 */
int para_ports_lease(struct para_task *task, struct para_config *config,
		     const struct para_task *const *others, size_t nr);

/* The task name made a database or compose project name: [a-z0-9_]. */
char *para_ports_id(const char *name);

#endif
