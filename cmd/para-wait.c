/*
 * git-para-wait: block until tasks end, without polling, and exit as
 * `git para run` would have for them.  The waiting is lib/task-wait.h.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "duration.h"
#include "error.h"
#include "parse-options.h"
#include "repo.h"
#include "strbuf.h"
#include "task-select.h"
#include "task-state.h"
#include "task-wait.h"
#include "usage.h"

static const char *const wait_usage[] = {
	"git para wait [--any] [--timeout <duration>] [<task>...]",
	NULL
};

struct outcome {
	int failed;
};

static void ended(const char *name, const struct para_task *task,
		  enum para_task_state live, void *data)
{
	struct outcome *o = data;

	if (!task) {
		if (live == PARA_STATE__COUNT)
			printf("%s: removed\n", name);
		else
			error("%s", para_error_last());
		o->failed = 1;
	} else if (live == PARA_STATE_FAILED && task->exit_code >= 0) {
		printf("%s: failed with exit code %d\n", name, task->exit_code);
	} else if (live == PARA_STATE_FAILED && task->signal) {
		printf("%s: failed, killed by signal %d\n", name, task->signal);
	} else {
		printf("%s: %s\n", name, para_task_state_name(live));
	}
	if (task && !para_task_state_done(live))
		o->failed = 1;
	fflush(stdout);
}

/* Without names: the tasks that are running or waiting in a run now. */
static void select_tasks(struct para_strvec *out, struct para_repo *repo,
			 int argc, const char **argv)
{
	struct para_strvec all = PARA_STRVEC_INIT;
	struct para_task t;
	size_t i;

	if (para_task_select(argc ? out : &all, repo, argv, (size_t)argc,
			     PARA_SELECT_EXISTING) < 0)
		die_lib();
	for (i = 0; i < all.nr; i++) {
		if (para_state_load(&t, repo, all.v[i]) < 0)
			continue;
		if (para_task_wait_pending(&t, para_task_live_state(&t)) &&
		    t.state != PARA_STATE_NEW)
			para_strvec_push(out, all.v[i]);
		para_task_dispose(&t);
	}
	para_strvec_dispose(&all);
}

static void say_timeout(const struct para_strvec *pending, const char *limit)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	size_t i;

	for (i = 0; i < pending->nr; i++)
		para_strbuf_addf(&sb, "%s'%s'", i ? ", " : "", pending->v[i]);
	error("still not ended after %s: %s", limit, sb.buf);
	para_strbuf_dispose(&sb);
}

int cmd_main(int argc, const char **argv)
{
	struct para_strvec names = PARA_STRVEC_INIT, pending = PARA_STRVEC_INIT;
	struct outcome o = { 0 };
	struct para_repo *repo = NULL;
	const char *timeout = NULL;
	long long timeout_ms = -1;
	int any = 0, ret;
	const struct option options[] = {
		OPT_BOOL(0, "any", &any,
			 "return when the first of the tasks has ended"),
		OPT_STRING(0, "timeout", &timeout, "<duration>",
			   "give up after <duration> (e.g. 90s, 30m, 2h)"),
		OPT_END()
	};

	argc = parse_options(argc, argv, options, wait_usage, 0);
	if (timeout && para_duration_parse(&timeout_ms, timeout) < 0)
		die("invalid duration '%s' for '--timeout': expected e.g. 90s, 30m or 2h",
		    timeout);
	if (para_lib_init() < 0 || para_repo_open(&repo) < 0)
		die_lib();
	select_tasks(&names, repo, argc, argv);
	if (!names.nr) {
		printf("nothing to wait for: no task is running\n");
		ret = 0;
		goto out;
	}
	ret = para_task_wait(&pending, repo, &names, any, timeout_ms, ended, &o);
	if (ret < 0)
		die_lib();
	if (ret == 1)
		say_timeout(&pending, timeout);
	ret = ret == 1 || o.failed;
out:
	para_strvec_dispose(&names);
	para_strvec_dispose(&pending);
	para_repo_free(repo);
	return ret;
}
