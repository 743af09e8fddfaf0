/*
 * git-para-resolve: send a task that collect set aside by a conflict
 * back to `git para run`, with the merge it conflicted in made in its
 * worktree and the conflicts left there to resolve (collect-resolve.h).
 */
#include <stdio.h>
#include <stdlib.h>

#include "cmd-config.h"
#include "collect-resolve.h"
#include "config.h"
#include "error.h"
#include "parse-options.h"
#include "repo.h"
#include "usage.h"

static const char *const resolve_usage[] = {
	"git para resolve [--with <task>] <task>",
	NULL
};

static void say(const struct para_resolve *r, const char *name)
{
	size_t i;

	if (r->already) {
		printf("task '%s' has '%s' merged already; it is succeeded "
		       "again: collect it with 'git para collect --merge %s'\n",
		       name, r->with, name);
		return;
	}
	if (r->clean) {
		printf("merged '%s' into task '%s' cleanly (%.7s); it is "
		       "succeeded again: collect it with 'git para collect "
		       "--merge %s'\n", r->with, name, r->commit, name);
		return;
	}
	printf("merged '%s' into task '%s' in '%s', leaving %zu conflict%s:\n",
	       r->with, name, r->worktree, r->conflicts.nr,
	       r->conflicts.nr == 1 ? "" : "s");
	for (i = 0; i < r->conflicts.nr; i++)
		printf("\t%s\n", r->conflicts.v[i]);
	printf("task '%s' is new again: 'git para run %s' asks it to resolve "
	       "them\n(PARA_CONFLICTS lists the files) and commits the merge "
	       "when it succeeds\n", name, name);
}

int cmd_main(int argc, const char **argv)
{
	const char *with = NULL;
	struct option options[] = {
		OPT_STRING(0, "with", &with, "<task>",
			   "merge this task's branch instead of the "
			   "integration branch"),
		OPT_END()
	};
	struct para_resolve r = PARA_RESOLVE_INIT;
	struct para_repo *repo = NULL;
	struct para_config *config = NULL;

	argc = parse_options(argc, argv, options, resolve_usage, 0);
	if (argc != 1)
		usage_msg_opt(argc ? "only one task is resolved at a time" :
			      "which task?", resolve_usage, options);
	if (para_lib_init() < 0 || para_repo_open(&repo) < 0 ||
	    para_config_open(&config, repo) < 0)
		die_lib();
	if (para_collect_resolve(&r, repo, argv[0], with,
				 cfg_string(config,
					    "para.integrationBranch")) < 0) {
		para_resolve_dispose(&r);
		para_config_free(config);
		para_repo_free(repo);
		die_lib();
	}
	say(&r, argv[0]);
	para_resolve_dispose(&r);
	para_config_free(config);
	para_repo_free(repo);
	return 0;
}
