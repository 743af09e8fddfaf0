/*
 * git-para-add: create tasks, each a branch and a worktree with an
 * optional path domain.  All or nothing: whatever fails, what this run
 * created is removed again (lib/add.h).
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>

#include "add.h"
#include "config.h"
#include "domain.h"
#include "error.h"
#include "parse-options.h"
#include "repo.h"
#include "size.h"
#include "task.h"
#include "usage.h"

static const char *const add_usage[] = {
	"git para add [<options>] [<name>]",
	"git para add --issue <n> [--issue <n>...] [--issues <query>] [<options>]",
	"git para add --from <manifest> [--dry-run]",
	NULL
};

struct add_options {
	const char *branch, *base, *prompt, *prompt_file, *command;
	const char *verify, *from, *query, *mem, *cpus;
	struct para_strvec issues, paths, after, locks;
	int exclusive, allow_overlap, reuse_branch, sparse, dry_run, quiet;
	int offline, no_copy, no_setup;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static void print_list(const char *label, const struct para_strvec *list)
{
	size_t i;

	if (!list->nr)
		return;
	printf("  %-9s", label);
	for (i = 0; i < list->nr; i++)
		printf(" %s", list->v[i]);
	putchar('\n');
}

static void print_resources(const struct para_task *t)
{
	char mem[32];

	if (t->mem) {
		para_size_format(mem, sizeof(mem), t->mem);
		printf("  %-9s %s\n", "mem:", mem);
	}
	if (t->cpus)
		printf("  %-9s %d\n", "cpus:", t->cpus);
}

static void print_dry_run(const struct para_add *add)
{
	size_t i;

	for (i = 0; i < para_add_count(add); i++) {
		const struct para_task *t = para_add_task(add, i);

		printf("would create task '%s'\n", t->name);
		if (t->title)
			printf("  issue:    #%s %s\n", t->issue, t->title);
		printf("  branch:   %s (%s, from %s at %.12s)\n", t->branch,
		       t->reused_branch ? "existing" : "new", t->base_ref,
		       t->base);
		printf("  worktree: %s%s\n", t->worktree,
		       t->sparse ? " (sparse)" : "");
		print_list("domain:", &t->paths);
		print_list("after:", &t->after);
		print_list("locks:", &t->locks);
		if (t->exclusive)
			printf("  exclusive\n");
		print_resources(t);
	}
}

static void print_created(const struct para_add *add, int quiet)
{
	size_t i;

	for (i = 0; !quiet && i < para_add_count(add); i++) {
		const struct para_task *t = para_add_task(add, i);

		printf("Created task '%s' on branch '%s' in '%s'\n", t->name,
		       t->branch, t->worktree);
	}
}

static void refuse_with_from(const struct add_options *o, int argc)
{
	static const char *const names[] = {
		"--issue", "--issues", "--branch", "--prompt", "--prompt-file",
		"--command", "--verify", "--path", "--after", "--lock",
		"--exclusive", "--mem", "--cpus"
	};
	int used[] = {
		o->issues.nr > 0, !!o->query, !!o->branch, !!o->prompt,
		!!o->prompt_file, !!o->command, !!o->verify,
		o->paths.nr > 0, o->after.nr > 0,
		o->locks.nr > 0, o->exclusive, !!o->mem, !!o->cpus
	};
	size_t i;

	if (argc)
		die("options '--from' and a task name cannot be used together");
	for (i = 0; i < sizeof(used) / sizeof(*used); i++)
		if (used[i])
			die("options '--from' and '%s' cannot be used together",
			    names[i]);
}

/*
 * -p patterns are relative to the current directory, as git's pathspecs
 * are ("./x" and "../x" included); a manifest's are relative to the top.
 */

static void plan(struct para_add *add, const struct add_options *o,
		 const char *name)
{
	struct para_add_input in = {
		name, NULL, o->branch, o->base, o->prompt,
		o->prompt_file, o->command, o->verify, &o->paths, &o->after,
		&o->locks,
		o->exclusive, 0, 0
	};
	size_t i;

	if (o->mem && (para_size_parse(&in.mem, o->mem) < 0 || !in.mem))
		die("invalid size '%s' for '--mem': expected e.g. 512M or 2G",
		    o->mem);
	if (o->cpus && para_task_cpus_parse(&in.cpus, o->cpus) < 0)
		die("invalid number of CPUs '%s' for '--cpus': expected a whole number from 1 to %d",
		    o->cpus, PARA_TASK_CPUS_MAX);
	if (o->from) {
		if (para_add_plan_manifest(add, o->from, o->base) < 0)
			die_lib();
		return;
	}
	for (i = 0; i < o->issues.nr; i++) {
		in.issue = o->issues.v[i];
		if (para_add_plan(add, &in) < 0)
			die_lib();
	}
	if (o->query && para_add_plan_query(add, &in, o->query) < 0)
		die_lib();
	if (!o->issues.nr && !o->query && para_add_plan(add, &in) < 0)
		die_lib();
}

static void refuse_with_issues(const struct add_options *o, int argc)
{
	int issues = (int)o->issues.nr + !!o->query;

	if (argc && issues)
		die("options '--issue' and a task name cannot be used together");
	if (o->query && o->offline)
		die("options '--issues' and '--offline' cannot be used together");
	if (o->branch && (o->issues.nr > 1 || o->query))
		die("option '--branch' names one branch; it cannot be used "
		    "with more than one issue");
}

/* The warnings not shown yet: `*shown` of them were. */
static void print_warnings(const struct para_add *add, size_t *shown)
{
	const struct para_strvec *w = para_add_warnings(add);

	for (; *shown < w->nr; (*shown)++)
		warning("%s", w->v[*shown]);
}

/*
 * The checks and the creation are one step for concurrent adds: check
 * keeps the tasks lock until create is done.
 */
static int check_and_create(struct para_add *add, const struct add_options *o)
{
	int error = para_add_check(add);
	size_t shown = 0;

	print_warnings(add, &shown);
	if (error < 0)
		die_lib();
	if (o->dry_run) {
		print_dry_run(add);
		return 0;
	}
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	signal(SIGHUP, on_signal);
	error = para_add_create(add);
	print_warnings(add, &shown);
	if (error < 0) {
		if (!para_add_interrupted(add))
			die_lib();
		error_lib();
		return 130;
	}
	print_created(add, o->quiet);
	return 0;
}

int cmd_main(int argc, const char **argv)
{
	struct add_options o = { 0 };
	char *prefix;
	struct option options[] = {
		OPT_LIST(0, "issue", &o.issues, "<n>",
			 "add the task of issue <n>, read with para.issueCommand"),
		OPT_STRING(0, "issues", &o.query, "<query>",
			   "add a task for each issue para.issueListCommand finds"),
		OPT_BOOL(0, "offline", &o.offline,
			 "do not read the issues: prompt 'Solve issue #<n>'"),
		OPT_STRING('b', "branch", &o.branch, "<branch>",
			   "branch of the task (default: para.branchPrefix + name)"),
		OPT_STRING(0, "base", &o.base, "<rev>",
			   "start the task from <rev>"),
		OPT_LIST('p', "path", &o.paths, "<pattern>",
			 "add a pattern to the task's domain"),
		OPT_LIST(0, "after", &o.after, "<task>",
			 "run only after <task> succeeded, merging its branch"),
		OPT_BOOL(0, "exclusive", &o.exclusive,
			 "run the task alone"),
		OPT_LIST(0, "lock", &o.locks, "<name>",
			 "never run together with tasks holding lock <name>"),
		OPT_STRING(0, "mem", &o.mem, "<size>",
			   "the memory the task needs (e.g. 4G)"),
		OPT_STRING(0, "cpus", &o.cpus, "<n>",
			   "the CPUs the task needs"),
		OPT_STRING('m', "prompt", &o.prompt, "<text>",
			   "the task's prompt"),
		OPT_STRING(0, "prompt-file", &o.prompt_file, "<file>",
			   "read the task's prompt from <file>"),
		OPT_STRING(0, "command", &o.command, "<cmd>",
			   "run <cmd> for this task instead of para.command"),
		OPT_STRING(0, "verify", &o.verify, "<cmd>",
			   "check the task's work with <cmd> instead of para.verify"),
		OPT_BOOL(0, "allow-overlap", &o.allow_overlap,
			 "accept a domain that overlaps another task's"),
		OPT_BOOL(0, "reuse-branch", &o.reuse_branch,
			 "start the task on an existing branch"),
		OPT_BOOL(0, "sparse", &o.sparse,
			 "check out only the domain and para.sparseContext"),
		OPT_BOOL(0, "no-copy", &o.no_copy,
			 "bring nothing from the main worktree (para.copy, .worktreeinclude, para.symlink)"),
		OPT_BOOL(0, "no-setup", &o.no_setup, "do not run para.setup"),
		OPT_STRING(0, "from", &o.from, "<manifest>",
			   "add the tasks declared in <manifest>"),
		OPT_BOOL('n', "dry-run", &o.dry_run,
			 "check and show what would be done"),
		OPT_BOOL('q', "quiet", &o.quiet, "print nothing on success"),
		OPT_END()
	};
	struct para_add_options ao = { 0 };
	struct para_repo *repo = NULL;
	struct para_config *config = NULL;
	struct para_add *add = NULL;
	int status;

	argc = parse_options(argc, argv, options, add_usage, 0);
	if (argc > 1)
		usage_msg_opt("too many arguments", add_usage, options);
	if (o.from)
		refuse_with_from(&o, argc);
	refuse_with_issues(&o, argc);
	if (para_repo_open(&repo) < 0 || para_config_open(&config, repo) < 0)
		die_lib();
	ao.sparse = o.sparse;
	ao.no_copy = o.no_copy;
	ao.no_setup = o.no_setup;
	ao.dry_run = o.dry_run;
	ao.reuse_branch = o.reuse_branch;
	ao.allow_overlap = o.allow_overlap;
	ao.offline = o.offline;
	ao.interrupted = &interrupted;
	if (para_add_new(&add, repo, config, &ao) < 0)
		die_lib();
	/* -p patterns are relative to the current directory, as pathspecs */
	prefix = para_repo_prefix(repo);
	if (para_patterns_from_prefix(&o.paths, prefix) < 0)
		die_lib();
	free(prefix);
	plan(add, &o, argc ? argv[0] : NULL);
	status = check_and_create(add, &o);
	para_add_free(add);
	para_config_free(config);
	para_repo_free(repo);
	para_strvec_dispose(&o.issues);
	para_strvec_dispose(&o.paths);
	para_strvec_dispose(&o.after);
	para_strvec_dispose(&o.locks);
	return status;
}
