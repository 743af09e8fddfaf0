/*
 * git-para-edit: change a task that is not running, by the rules of
 * `git para add` and all or nothing (lib/add.h, para_add_edit()).
 */
#include <stdio.h>
#include <stdlib.h>

#include "add.h"
#include "config.h"
#include "domain.h"
#include "error.h"
#include "parse-options.h"
#include "repo.h"
#include "strbuf.h"
#include "task-select.h"
#include "usage.h"

static const char *const edit_usage[] = {
	"git para edit <task> [-m <text> | --prompt-file <file>] [-p <pattern>... | --no-path] [--after <task>... | --no-after] [--lock <name>... | --no-lock] [--command <cmd> | --no-command] [--verify <cmd> | --no-verify] [--allow-overlap]",
	NULL
};

struct edit_options {
	const char *prompt, *prompt_file, *command, *verify;
	struct para_strvec paths, after, locks;
	int no_paths, no_after, no_locks, no_command, no_verify;
	int allow_overlap;
};

/* A flag whose name starts with "no-": it has no "--no-no-" form. */
#define OPT_NO(l, v, h) { OPT_BOOL_, 0, (l), (v), NULL, (h), OPT_NONEG, NULL }


static void refuse_both(int a, int b, const char *na, const char *nb,
			const struct option *options)
{
	char *msg;

	if (!a || !b)
		return;
	msg = para_xstrfmt("options '%s' and '%s' cannot be used together",
			   na, nb);
	usage_msg_opt(msg, edit_usage, options);
}

static void check_options(const struct edit_options *o,
			  const struct option *options)
{
	refuse_both(!!o->prompt, !!o->prompt_file, "--prompt", "--prompt-file",
		    options);
	refuse_both(o->paths.nr > 0, o->no_paths, "--path", "--no-path",
		    options);
	refuse_both(o->after.nr > 0, o->no_after, "--after", "--no-after",
		    options);
	refuse_both(o->locks.nr > 0, o->no_locks, "--lock", "--no-lock",
		    options);
	refuse_both(!!o->command, o->no_command, "--command", "--no-command",
		    options);
	refuse_both(!!o->verify, o->no_verify, "--verify", "--no-verify",
		    options);
	if (!o->prompt && !o->prompt_file && !o->paths.nr && !o->no_paths &&
	    !o->after.nr && !o->no_after && !o->locks.nr && !o->no_locks &&
	    !o->command && !o->no_command && !o->verify && !o->no_verify)
		usage_msg_opt("nothing to change", edit_usage, options);
}

static void fill(struct para_add_edit *in, const struct edit_options *o)
{
	in->prompt = o->prompt;
	in->prompt_file = o->prompt_file;
	in->set_paths = o->paths.nr || o->no_paths;
	in->paths = &o->paths;
	in->set_after = o->after.nr || o->no_after;
	in->after = &o->after;
	in->set_locks = o->locks.nr || o->no_locks;
	in->locks = &o->locks;
	in->set_command = o->command || o->no_command;
	in->command = o->command;
	in->set_verify = o->verify || o->no_verify;
	in->verify = o->verify;
}

/* What add would warn about, for the new values too (lib/add.h). */
static void print_warnings(const struct para_add *add)
{
	const struct para_strvec *w = para_add_warnings(add);
	size_t i;

	for (i = 0; i < w->nr; i++)
		warning("%s", w->v[i]);
}

int cmd_main(int argc, const char **argv)
{
	struct edit_options o = { 0 };
	char *prefix;
	struct option options[] = {
		OPT_STRING('m', "prompt", &o.prompt, "<text>",
			   "the task's new prompt"),
		OPT_STRING(0, "prompt-file", &o.prompt_file, "<file>",
			   "read the task's new prompt from <file>"),
		OPT_LIST('p', "path", &o.paths, "<pattern>",
			 "the task's new domain, a pattern each"),
		OPT_NO("no-path", &o.no_paths, "the task gets no domain"),
		OPT_LIST(0, "after", &o.after, "<task>",
			 "the tasks it runs after, instead of its own"),
		OPT_NO("no-after", &o.no_after, "it runs after no task"),
		OPT_LIST(0, "lock", &o.locks, "<name>",
			 "the locks it holds, instead of its own"),
		OPT_NO("no-lock", &o.no_locks, "it holds no lock"),
		OPT_STRING(0, "command", &o.command, "<cmd>",
			   "run <cmd> for this task instead of para.command"),
		OPT_NO("no-command", &o.no_command,
		       "run para.command for this task again"),
		OPT_STRING(0, "verify", &o.verify, "<cmd>",
			   "check its work with <cmd> instead of para.verify"),
		OPT_NO("no-verify", &o.no_verify,
		       "check its work with para.verify again"),
		OPT_BOOL(0, "allow-overlap", &o.allow_overlap,
			 "accept a domain that overlaps another task's"),
		OPT_END()
	};
	struct para_strvec names = PARA_STRVEC_INIT;
	struct para_add_options ao = { 0 };
	struct para_add_edit in = { 0 };
	struct para_config *config = NULL;
	struct para_repo *repo = NULL;
	struct para_add *add = NULL;
	int status = 0, error;

	argc = parse_options(argc, argv, options, edit_usage, 0);
	if (argc != 1)
		usage_msg_opt(argc ? "too many arguments" : "which task?",
			      edit_usage, options);
	check_options(&o, options);
	if (para_repo_open(&repo) < 0 || para_config_open(&config, repo) < 0)
		die_lib();
	if (para_task_select(&names, repo, argv, 1, PARA_SELECT_EXISTING) < 0)
		die_lib();
	ao.allow_overlap = o.allow_overlap;
	if (para_add_new(&add, repo, config, &ao) < 0)
		die_lib();
	/* -p patterns are relative to the current directory, as pathspecs */
	prefix = para_repo_prefix(repo);
	if (para_patterns_from_prefix(&o.paths, prefix) < 0)
		die_lib();
	free(prefix);
	fill(&in, &o);
	error = para_add_edit(add, argv[0], &in);
	print_warnings(add);
	if (error == PARA_ELOCKED) {
		error_lib();	/* busy: a negative answer, not a failure */
		status = 1;
	} else if (error < 0)
		die_lib();
	else
		printf("Changed task '%s'\n", argv[0]);
	para_add_free(add);
	para_config_free(config);
	para_repo_free(repo);
	para_strvec_dispose(&names);
	para_strvec_dispose(&o.paths);
	para_strvec_dispose(&o.after);
	para_strvec_dispose(&o.locks);
	return status;
}
