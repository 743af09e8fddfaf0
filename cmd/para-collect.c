/*
 * git para collect: check the tasks' branches against their domains and
 * each other, then merge them into an integration branch, push them, open
 * pull requests, or write a report.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-config.h"
#include "collect.h"
#include "collect-merge.h"
#include "collect-pr.h"
#include "collect-report.h"
#include "collect-state.h"
#include "config.h"
#include "error.h"
#include "parse-options.h"
#include "repo.h"
#include "task-select.h"
#include "task-state.h"
#include "usage.h"

static const char *const collect_usage[] = {
	"git para collect [--check] [--json] [<task>...]",
	"git para collect --merge[=<branch>] [<task>...]",
	"git para collect --push [--force] [<task>...]",
	"git para collect --pr [--force] [<task>...]",
	"git para collect --report[=<file>] [<task>...]",
	NULL
};

struct collect_opts {
	int check, json, push, pr, force;
	const char *merge, *report;
};

static struct para_repo *repo;
static struct para_config *config;

static void add_task(struct para_task **tasks, size_t *nr,
		     const struct para_task *task)
{
	*tasks = para_realloc(*tasks, (*nr + 1) * sizeof(**tasks));
	(*tasks)[(*nr)++] = *task;
}

static size_t select_tasks(struct para_task **tasks, int argc,
			   const char **argv)
{
	struct para_strvec names = PARA_STRVEC_INIT;
	struct para_task task;
	size_t i, nr = 0;

	*tasks = NULL;
	if (para_task_select(&names, repo, argv, argc, 0) < 0)
		die_lib();
	for (i = 0; i < names.nr; i++) {
		if (para_state_load(&task, repo, names.v[i]) < 0) {
			if (argc)
				die_lib();
			warning("%s", para_error_last());
			continue;
		}
		if (argc || para_collect_selected_by_default(task.state))
			add_task(tasks, &nr, &task);
		else
			para_task_dispose(&task);
	}
	para_strvec_dispose(&names);
	return nr;
}

/*
 * Drops the named tasks that --push and --pr do not take (failed, never
 * run, ...), each with an error naming its state; returns how many.
 */
static size_t refuse_unpushable(struct para_repo *r,
				struct para_task *tasks, size_t *nr)
{
	struct para_strvec leaked = PARA_STRVEC_INIT;
	size_t i, kept = 0, refused = 0;

	for (i = 0; i < *nr; i++) {
		para_strvec_dispose(&leaked);
		if (!para_collect_may_push(tasks[i].state))
			error("not pushing task '%s': it is %s, not succeeded "
			      "or merged", tasks[i].name,
			      para_task_state_name(tasks[i].state));
		else if (para_collect_provisioned_in_branch(&leaked, r,
							    &tasks[i]) < 0)
			die_lib();
		else if (leaked.nr)
			error("not pushing task '%s': its branch commits '%s', "
			      "which git-para provisioned and the task did not "
			      "change", tasks[i].name, leaked.v[0]);
		else {
			tasks[kept++] = tasks[i];
			continue;
		}
		para_task_dispose(&tasks[i]);
		refused++;
	}
	para_strvec_dispose(&leaked);
	if (refused)
		fprintf(stderr, "hint: use --force to push %s anyway\n",
			refused > 1 ? "them" : "it");
	*nr = kept;
	return refused;
}

/* Warnings about what the checks found, for the modes that act. */
static void warn_problems(const struct para_collect *c)
{
	size_t i, j;

	for (i = 0; i < c->nr; i++)
		for (j = 0; j < c->items[i].outside.nr; j++)
			warning("task '%s' changed '%s' outside its domain",
				c->items[i].task.name,
				c->items[i].outside.v[j]);
	for (i = 0; i < c->overlaps_nr; i++)
		warning("'%s' was changed by %zu tasks",
			c->overlaps[i].path, c->overlaps[i].tasks_nr);
	for (i = 0; i < c->conflicts_nr; i++)
		warning("tasks '%s' and '%s' conflict in %zu files",
			c->items[c->conflicts[i].a].task.name,
			c->items[c->conflicts[i].b].task.name,
			c->conflicts[i].files.nr);
}

static int do_check(const struct para_collect *c, int json)
{
	struct para_strbuf out = PARA_STRBUF_INIT;

	if (json)
		para_collect_format_json(&out, c);
	else
		para_collect_format_text(&out, c);
	fputs(out.buf, stdout);
	para_strbuf_dispose(&out);
	return para_collect_problems(c) ? 1 : 0;
}

static void report_conflict(struct para_collect *c, const size_t *order,
			    size_t k, const char *branch,
			    const struct para_strvec *files)
{
	const struct para_collect_item *it = &c->items[order[k]];
	size_t i;

	error("task '%s' does not merge cleanly into '%s'", it->task.name,
	      branch);
	for (i = 0; i < files->nr; i++) {
		struct para_strbuf by = PARA_STRBUF_INIT;

		para_collect_merge_touched_by(&by, c, order, k, files->v[i]);
		fprintf(stderr, "\t%s%s%s%s\n", files->v[i],
			by.len ? " (also changed by " : "", by.buf,
			by.len ? ")" : "");
		para_strbuf_dispose(&by);
	}
	fprintf(stderr, "hint: resolve it on branch '%s' (for example by "
		"merging '%s' into it),\nhint: then run 'git para collect "
		"--merge' again: merged tasks are skipped\n", it->task.branch,
		branch);
}

static int merge_one(struct para_collect *c, const size_t *order, size_t k,
		     const char *branch)
{
	const struct para_collect_item *it = &c->items[order[k]];
	struct para_merge_result res = PARA_MERGE_RESULT_INIT;
	int ret = 0;

	if (para_collect_merge_item(&res, repo, it, branch) < 0)
		die_lib();
	if (res.conflicts.nr) {
		report_conflict(c, order, k, branch, &res.conflicts);
		ret = 1;
	} else {
		if (res.already)
			printf("task '%s' is in '%s' already\n",
			       it->task.name, branch);
		else
			printf("merged task '%s' into '%s' (%.7s)\n",
			       it->task.name, branch, res.commit);
		if (para_collect_mark_merged(repo, it->task.name,
					     branch) < 0) {
			error_lib();
			ret = 1;
		}
	}
	para_merge_result_dispose(&res);
	return ret;
}

/* `path` quoted for a POSIX shell when it needs it. */
static void shell_quote(struct para_strbuf *out, const char *path)
{
	static const char safe[] = "abcdefghijklmnopqrstuvwxyz"
		"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789/._-+,:@%";
	const char *p;

	if (!path[strspn(path, safe)]) {
		para_strbuf_addstr(out, path);
		return;
	}
	para_strbuf_addch(out, '\'');
	for (p = path; *p; p++)
		if (*p == '\'')
			para_strbuf_addstr(out, "'\\''");
		else
			para_strbuf_addch(out, *p);
	para_strbuf_addch(out, '\'');
}

/* The branch is checked out somewhere: say so, and what to run instead. */
static void __attribute__((noreturn)) die_checked_out(const char *branch)
{
	struct para_strbuf dir = PARA_STRBUF_INIT;
	char *msg = para_strdup(para_error_last()), *where = NULL;

	if (para_merge_checked_out(&where, repo, branch) <= 0 || !where)
		die("%s", msg);
	shell_quote(&dir, where);
	fprintf(stderr, "fatal: %s\n", msg);
	fprintf(stderr, "hint: collect never changes a worktree's files; "
		"free the branch there first:\n"
		"hint:   git -C %s switch --detach\n"
		"hint: and run 'git para collect --merge=%s' again, or "
		"merge into\nhint: another branch with "
		"'git para collect --merge=<branch>'\n", dir.buf, branch);
	para_strbuf_dispose(&dir);
	free(where);
	free(msg);
	exit(128);
}

static int do_merge(struct para_collect *c, const char *branch)
{
	size_t *order = para_calloc(c->nr, sizeof(*order)), k;
	const char *start;
	int ret = 0, created;

	if (!*branch)
		branch = cfg_string(config, "para.integrationBranch");
	if (para_collect_merge_order(order, c) < 0) {
		free(order);
		die_lib();
	}
	start = c->items[order[0]].task.base;
	if ((created = para_collect_merge_prepare(repo, branch, start)) < 0) {
		free(order);	/* what dies here leaks nothing */
		if (created == PARA_ELOCKED)
			die_checked_out(branch);
		die_lib();
	}
	if (created)
		printf("created branch '%s' at %.7s\n", branch, start);
	for (k = 0; k < c->nr && !ret; k++)
		ret = merge_one(c, order, k, branch);
	free(order);
	return ret;
}

static int push_one(const struct para_collect_item *it, const char *remote)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	int ret = para_collect_push(&out, repo, it, remote);

	if (ret < 0) {
		error_lib();
	} else {
		printf("pushed task '%s' to '%s' (%s)\n", it->task.name,
		       remote, it->task.branch);
		if ((ret = para_collect_mark_pushed(repo, it->task.name,
						    remote)) < 0)
			error_lib();
	}
	para_strbuf_dispose(&out);
	return ret;
}

/* Pushes every task; `ok[i]` says whether task i made it. */
static int do_push(struct para_collect *c, char *ok)
{
	const char *remote = cfg_string(config, "para.remote");
	size_t i;
	int ret = 0;

	for (i = 0; i < c->nr; i++) {
		ok[i] = !push_one(&c->items[i], remote);
		if (!ok[i])
			ret = 1;
	}
	return ret;
}

static int open_pr(struct para_collect *c, size_t i, const char *remote)
{
	struct para_collect_pr pr = PARA_COLLECT_PR_INIT;
	const char *name = c->items[i].task.name;
	int ret = para_collect_open_pr(&pr, repo, c, i, remote,
				       cfg_string(config, "para.prCommand"),
				       (size_t)cfg_int(config, "para.prLogLines",
						       0, 100000, 0));

	if (ret < 0) {
		fputs(pr.output.buf, stderr);
		error_lib();
	} else if (pr.existed) {
		printf("task '%s' has a pull request already: %s\n", name,
		       pr.url);
	} else {
		printf("opened a pull request for task '%s': %s\n", name,
		       pr.url);
	}
	para_collect_pr_dispose(&pr);
	return ret;
}

static int do_pr(struct para_collect *c)
{
	const char *remote = cfg_string(config, "para.remote");
	char *pushed = para_calloc(c->nr, 1);
	size_t i;
	int ret = do_push(c, pushed);

	for (i = 0; i < c->nr; i++) {
		if (!pushed[i])
			continue;
		if (open_pr(c, i, remote) < 0)
			ret = 1;
	}
	free(pushed);
	return ret;
}

static int do_report(const struct para_collect *c, const char *file)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	FILE *f = stdout;

	para_collect_format_report(&out, c);
	if (strcmp(file, "-") && !(f = fopen(file, "w")))
		die("cannot open '%s': %s", file, strerror(errno));
	fputs(out.buf, f);
	if (f != stdout && fclose(f))
		die("cannot write '%s': %s", file, strerror(errno));
	para_strbuf_dispose(&out);
	return 0;
}

int cmd_main(int argc, const char **argv)
{
	struct collect_opts o = { 0, 0, 0, 0, 0, NULL, NULL };
	struct option options[] = {
		OPT_BOOL(0, "check", &o.check,
			 "check the tasks and report problems (default)"),
		OPT_BOOL(0, "json", &o.json, "print the check report as JSON"),
		OPT_STRING_OPTARG(0, "merge", &o.merge, "<branch>",
				  "merge the tasks into the integration branch",
				  ""),
		OPT_BOOL(0, "push", &o.push, "push the task branches"),
		OPT_BOOL(0, "pr", &o.pr,
			 "push and open one pull request per task"),
		OPT_BOOL('f', "force", &o.force,
			 "push tasks that did not succeed too"),
		OPT_STRING_OPTARG(0, "report", &o.report, "<file>",
				  "write a Markdown summary of the tasks", "-"),
		OPT_END()
	};
	struct para_strvec shared = PARA_STRVEC_INIT;
	struct para_collect c = PARA_COLLECT_INIT;
	struct para_task *tasks;
	size_t nr, i, refused;
	int modes, ret;

	argc = parse_options(argc, argv, options, collect_usage, 0);
	modes = !!o.merge + o.push + o.pr + !!o.report;
	if (modes > 1 || (modes && o.check))
		usage_msg_opt("--check, --merge, --push, --pr and --report "
			      "cannot be used together", collect_usage, options);
	if (o.json && modes)
		usage_msg_opt("--json goes only with --check", collect_usage,
			      options);
	if (o.force && !o.push && !o.pr)
		usage_msg_opt("--force goes only with --push or --pr",
			      collect_usage, options);
	if (para_lib_init() < 0 || para_repo_open(&repo) < 0 ||
	    para_config_open(&config, repo) < 0)
		die_lib();
	cfg_all(&shared, config, "para.sharedPath");
	nr = select_tasks(&tasks, argc, argv);
	refused = (o.push || o.pr) && !o.force ?
		  refuse_unpushable(repo, tasks, &nr) : 0;
	if (!nr && refused) {
		ret = 1;
		goto out;
	}
	if (!nr && !o.json) {
		printf("no succeeded tasks to collect\n");
		ret = 0;
		goto out;
	}
	if (para_collect_check(&c, repo, tasks, nr, &shared, 0) < 0)
		die_lib();
	if (o.merge || o.push || o.pr)
		warn_problems(&c);
	if (o.merge)
		ret = do_merge(&c, o.merge);
	else if (o.push || o.pr) {
		char *ok = para_calloc(c.nr ? c.nr : 1, 1);

		ret = o.pr ? do_pr(&c) : do_push(&c, ok);
		if (refused)
			ret = 1;
		free(ok);
	} else if (o.report)
		ret = do_report(&c, o.report);
	else
		ret = do_check(&c, o.json);
out:
	for (i = 0; i < nr; i++)
		para_task_dispose(&tasks[i]);
	free(tasks);
	para_collect_dispose(&c);
	para_strvec_dispose(&shared);
	para_config_free(config);
	para_repo_free(repo);
	return ret;
}
