/*
 * git-para-sync-files: bring what the main worktree gives new worktrees
 * (para.copy, .worktreeinclude, para.symlink) into existing ones again,
 * say after .env changed.  What a task changed is never overwritten.
 * The decisions are the library's (worktree-sync.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <unistd.h>

#include "config.h"
#include "error.h"
#include "lock.h"
#include "parse-options.h"
#include "repo.h"
#include "task-select.h"
#include "task-state.h"
#include "usage.h"
#include "worktree-sync.h"

static const char *const sync_usage[] = {
	"git para sync-files [-n | --dry-run] [<task>...]",
	NULL
};

struct sync_ctx {
	struct para_repo *repo;
	struct para_include inc;
	int dry_run;
};

static void report(const struct sync_ctx *ctx, const char *task,
		   const struct para_sync *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++) {
		const struct para_sync_item *it = &s->v[i];

		if (it->action == PARA_SYNC_CHANGED)
			warning("task '%s': '%s' kept: the task changed it",
				task, it->path);
		else if (it->action == PARA_SYNC_FOREIGN)
			warning("task '%s': '%s' kept: git-para did not put "
				"it there", task, it->path);
		else
			printf("task '%s': %s%s '%s'\n", task,
			       ctx->dry_run ? "would be " : "",
			       para_sync_action_name(it->action), it->path);
	}
}

static int sync_task(struct sync_ctx *ctx, const struct para_task *t)
{
	struct para_provision p = PARA_PROVISION_INIT;
	struct para_sync s = PARA_SYNC_INIT;
	const char *top = para_repo_top(ctx->repo);
	int error;

	if ((error = para_provision_load(&p, ctx->repo, t->name)) < 0 ||
	    (error = para_sync_plan(&s, &ctx->inc, &p, top, t->worktree)) < 0)
		goto out;
	if (!ctx->dry_run &&
	    ((error = para_sync_apply(&p, &s, &ctx->inc, top,
				      t->worktree)) < 0 ||
	     (p.nr && (error = para_provision_save(ctx->repo, t->name,
						   t->worktree, &p)) < 0)))
		goto out;
	report(ctx, t->name, &s);
out:
	para_sync_dispose(&s);
	para_provision_dispose(&p);
	return error < 0 ? error_lib() : 0;
}

static int sync_one(struct sync_ctx *ctx, const char *name, int named)
{
	struct para_lock lock = PARA_LOCK_INIT;
	struct para_task t;
	int ret = 0;

	if (para_task_name_validate(name) < 0)
		return named ? error_lib() : 0;
	if (para_state_lock(&lock, ctx->repo, name, PARA_LOCK_WAIT) < 0)
		return error_lib();
	if (para_state_load(&t, ctx->repo, name) < 0) {
		ret = named ? error_lib() : 0;
		if (!named)
			warning("%s; skipped", para_error_last());
	} else {
		if (access(t.worktree, F_OK) < 0)
			ret = named ? error("task '%s' has no worktree "
					    "('%s' is gone)", name,
					    t.worktree) : 0;
		else
			ret = sync_task(ctx, &t);
		para_task_dispose(&t);
	}
	para_lock_release(&lock);
	return ret;
}

int cmd_main(int argc, const char **argv)
{
	struct sync_ctx ctx = { 0 };
	struct para_strvec names = PARA_STRVEC_INIT, warnings = PARA_STRVEC_INIT;
	struct para_config *config = NULL;
	struct option options[] = {
		OPT_BOOL('n', "dry-run", &ctx.dry_run,
			 "show what would be copied or linked"),
		OPT_END()
	};
	size_t i;
	int failed = 0;

	argc = parse_options(argc, argv, options, sync_usage, 0);
	if (para_repo_open(&ctx.repo) < 0 ||
	    para_config_open(&config, ctx.repo) < 0)
		die_lib();
	if (!para_repo_top(ctx.repo))
		die("a bare repository has no main worktree to sync from");
	if (para_include_plan(&ctx.inc, ctx.repo, config, &warnings) < 0 ||
	    para_task_select(&names, ctx.repo, argv, argc, 0) < 0)
		die_lib();
	for (i = 0; i < warnings.nr; i++)
		warning("%s", warnings.v[i]);
	for (i = 0; i < names.nr; i++)
		if (sync_one(&ctx, names.v[i], argc > 0) < 0)
			failed = 1;
	para_include_dispose(&ctx.inc);
	para_strvec_dispose(&warnings);
	para_strvec_dispose(&names);
	para_config_free(config);
	para_repo_free(ctx.repo);
	return failed;
}
