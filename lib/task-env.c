#include <string.h>

#include "strbuf.h"
#include "task-env.h"

extern char **environ;

void para_task_env_base(struct para_strvec *out)
{
	static const char *const drop[] = {
		"GIT_DIR=", "GIT_WORK_TREE=", "GIT_INDEX_FILE=",
		"GIT_COMMON_DIR=", "GIT_PREFIX=", "GIT_OBJECT_DIRECTORY=",
		"GIT_NAMESPACE=", "PARA_", NULL
	};
	char **e;
	size_t i;

	for (e = environ; *e; e++) {
		int keep = 1;

		for (i = 0; drop[i] && keep; i++)
			keep = strncmp(*e, drop[i], strlen(drop[i])) != 0;
		if (keep)
			para_strvec_push(out, *e);
	}
}

static const char *or_empty(const char *s)
{
	return s ? s : "";
}

void para_task_env_build(struct para_strvec *out, const struct para_task *task,
			 unsigned int flags, const char *const *extra)
{
	struct para_strbuf domain = PARA_STRBUF_INIT;
	size_t i;

	para_strvec_pushf(out, "PARA_TASK=%s", task->name);
	para_strvec_pushf(out, "PARA_ISSUE=%s", or_empty(task->issue));
	para_strvec_pushf(out, "PARA_PROMPT=%s", or_empty(task->prompt));
	para_strvec_pushf(out, "PARA_BRANCH=%s", or_empty(task->branch));
	para_strvec_pushf(out, "PARA_BASE=%s", or_empty(task->base));
	para_strvec_pushf(out, "PARA_WORKTREE=%s", or_empty(task->worktree));
	if (flags & PARA_TASK_ENV_DOMAIN) {
		for (i = 0; i < task->paths.nr; i++)
			para_strbuf_addf(&domain, "%s\n", task->paths.v[i]);
		para_strvec_pushf(out, "PARA_DOMAIN=%s", domain.buf);
	}
	if (extra)
		para_strvec_pushv(out, extra);
	para_strbuf_dispose(&domain);
}
