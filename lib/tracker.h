#ifndef PARA_TRACKER_H
#define PARA_TRACKER_H

#include "config.h"
#include "repo.h"
#include "strbuf.h"
#include "strvec.h"

/*
 * Running the user's commands that talk to the issue tracker and the
 * forge (para.issueCommand, para.issueListCommand, para.prStateCommand):
 * the command of config key `key` runs as `/bin/sh -c <command>` from where git would run for the user, stdin
 * from /dev/null, with `env` ("K=V") added to the environment, stdout
 * captured in `out`.  A command that cannot be run or exits non-zero is
 * an error "<what>: <key> '<command>' failed (exit status N): <stderr>",
 * then `hint` on a line of its own when not NULL.
 */
int para_tracker_run(struct para_strbuf *out, struct para_repo *repo,
		     struct para_config *config, const char *key,
		     const struct para_strvec *env, const char *what,
		     const char *hint);

#endif
