#ifndef PARA_TASK_SELECT_H
#define PARA_TASK_SELECT_H

#include "repo.h"
#include "strvec.h"

enum para_select_flags {
	/* a name that is no recorded task fails with PARA_ENOTFOUND */
	PARA_SELECT_EXISTING = 1 << 0
};

/*
 * The tasks a command is about: the `nr` names given, each once and in
 * the order given, or every recorded task (sorted) when none is given.
 * Appends them to `out`.
 */
int para_task_select(struct para_strvec *out, const struct para_repo *repo,
		     const char **names, size_t nr, unsigned flags);

#endif
