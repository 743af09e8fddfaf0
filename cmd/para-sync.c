/*
 * git-para-sync: move idle tasks with clean worktrees onto the current
 * tip of their base ref, by merge or rebase, finding a conflict in the
 * object store before any worktree is touched (collect-sync.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd-config.h"
#include "collect-sync.h"
#include "error.h"
#include "parse-options.h"
#include "repo.h"
#include "task-select.h"
#include "task-state.h"
#include "usage.h"

static const char *const sync_usage[] = {
	"git para sync [--rebase] [<task>...]",
	NULL
};

/* Without names: the tasks whose branch is not handed on already. */
static int wanted(struct para_repo *repo, const char *name)
{
	struct para_task t;
	int want;

	if (para_state_load(&t, repo, name) < 0) {
		warning("%s", para_error_last());
		return 0;
	}
	want = t.state != PARA_STATE_MERGED && t.state != PARA_STATE_PUSHED &&
	       t.state != PARA_STATE_PR_OPEN;
	para_task_dispose(&t);
	return want;
}

static int say(const struct para_collect_sync *s, const char *name)
{
	size_t i;

	switch (s->result) {
	case PARA_COLLECT_SYNC_UP_TO_DATE:
		printf("task '%s' is up to date with '%s' (%.7s)\n", name,
		       s->onto_ref, s->onto);
		return 0;
	case PARA_COLLECT_SYNC_MERGED:
		printf("merged '%s' (%.7s) into task '%s' (%.7s)\n",
		       s->onto_ref, s->onto, name, s->new_tip);
		return 0;
	case PARA_COLLECT_SYNC_REBASED:
		printf("rebased task '%s' onto '%s' (%.7s); its old tip %.7s "
		       "is kept as refs/para/attic/%s\n", name, s->onto_ref,
		       s->onto, s->old_tip, s->attic);
		return 0;
	case PARA_COLLECT_SYNC_CONFLICT:
		break;
	}
	if (s->conflict_subject)
		error("task '%s' does not rebase cleanly onto '%s': its commit "
		      "'%s' conflicts in", name, s->onto_ref,
		      s->conflict_subject);
	else
		error("task '%s' does not merge cleanly with '%s' in", name,
		      s->onto_ref);
	for (i = 0; i < s->conflicts.nr; i++)
		fprintf(stderr, "\t%s\n", s->conflicts.v[i]);
	fprintf(stderr, "hint: nothing was changed; merge '%s' in the task's "
		"worktree to resolve it there\n", s->onto_ref);
	return 1;
}

int cmd_main(int argc, const char **argv)
{
	int rebase = 0, ret = 0;
	struct option options[] = {
		OPT_BOOL(0, "rebase", &rebase,
			 "replay the tasks' commits instead of merging; the "
			 "old tips go to the attic"),
		OPT_END()
	};
	struct para_strvec names = PARA_STRVEC_INIT;
	struct para_repo *repo = NULL;
	size_t i, synced = 0;

	argc = parse_options(argc, argv, options, sync_usage, 0);
	if (para_lib_init() < 0 || para_repo_open(&repo) < 0 ||
	    para_task_select(&names, repo, argv, argc,
			     PARA_SELECT_EXISTING) < 0)
		die_lib();
	for (i = 0; i < names.nr; i++) {
		struct para_collect_sync s = PARA_COLLECT_SYNC_INIT;

		if (!argc && !wanted(repo, names.v[i]))
			continue;
		synced++;
		if (para_collect_sync_task(&s, repo, names.v[i], rebase) < 0) {
			error_lib();
			ret = 1;
		} else
			ret |= say(&s, names.v[i]);
		para_collect_sync_dispose(&s);
	}
	if (!synced)
		printf("no tasks to sync\n");
	para_strvec_dispose(&names);
	para_repo_free(repo);
	return ret;
}
