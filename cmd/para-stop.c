/*
 * git-para-stop: stop running or orphaned tasks from any terminal,
 * whichever 'git para run' owns them.  The stopping is lib/stop.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "config.h"
#include "error.h"
#include "parse-options.h"
#include "repo.h"
#include "stop.h"
#include "strvec.h"
#include "task-select.h"
#include "task-state.h"
#include "usage.h"

static const char *const stop_usage[] = {
	"git para stop <task>...",
	"git para stop --all",
	NULL
};

/* --all: every task that is running or orphaned now. */
static void select_running(struct para_strvec *out, struct para_repo *repo)
{
	struct para_strvec all = PARA_STRVEC_INIT;
	struct para_task t;
	size_t i;

	if (para_state_list(&all, repo) < 0)
		die_lib();
	for (i = 0; i < all.nr; i++) {
		if (para_state_load(&t, repo, all.v[i]) < 0)
			continue;
		if (para_stop_possible(para_task_live_state(&t)))
			para_strvec_push(out, all.v[i]);
		para_task_dispose(&t);
	}
	para_strvec_dispose(&all);
}

static int stop_one(struct para_repo *repo, const char *name, long long grace)
{
	enum para_task_state state;

	if (para_stop_task(&state, repo, name, grace) < 0)
		return error_lib();
	if (state == PARA_STATE_CANCELLED)
		printf("Stopped task '%s'\n", name);
	else if (state == PARA_STATE_RUNNING)
		return error("task '%s' is still running", name);
	else
		printf("Task '%s' ended before it was stopped (%s)\n", name,
		       para_task_state_name(state));
	fflush(stdout);
	return 0;
}

int cmd_main(int argc, const char **argv)
{
	struct para_strvec names = PARA_STRVEC_INIT;
	struct para_repo *repo = NULL;
	struct para_config *config = NULL;
	long long grace = 0;
	int all = 0, ret = 0;
	size_t i;
	const struct option options[] = {
		OPT_BOOL(0, "all", &all, "stop every running task"),
		OPT_END()
	};

	argc = parse_options(argc, argv, options, stop_usage, 0);
	if (all && argc)
		usage_msg_opt("'--all' cannot be used with task names",
			      stop_usage, options);
	if (!all && !argc)
		usage_msg_opt("name the tasks to stop, or use '--all'",
			      stop_usage, options);
	if (para_lib_init() < 0 || para_repo_open(&repo) < 0 ||
	    para_config_open(&config, repo) < 0 ||
	    para_config_duration(&grace, config, "para.killGrace") < 0)
		die_lib();
	if (all)
		select_running(&names, repo);
	else if (para_task_select(&names, repo, argv, (size_t)argc,
				  PARA_SELECT_EXISTING) < 0)
		die_lib();
	if (all && !names.nr)
		printf("nothing to stop: no task is running\n");
	for (i = 0; i < names.nr; i++)
		if (stop_one(repo, names.v[i], grace) < 0)
			ret = 1;
	para_strvec_dispose(&names);
	para_config_free(config);
	para_repo_free(repo);
	return ret;
}
