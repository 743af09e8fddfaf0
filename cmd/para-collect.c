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
#include "collect-queue.h"
#include "collect-report.h"
#include "collect-state.h"
#include "config.h"
#include "error.h"
#include "parse-options.h"
#include "pr-state.h"
#include "repo.h"
#include "task-select.h"
#include "task-state.h"
#include "usage.h"

static const char *const collect_usage[] = {
	"git para collect [--check] [--json] [<task>...]",
	"git para collect --merge[=<branch>] [--verify[=<cmd>] [--one-by-one]] [--halt] [--json | --report[=<file>]] [<task>...]",
	"git para collect --push [--force] [<task>...]",
	"git para collect --pr [--force] [--stack] [--draft] [<task>...]",
	"git para collect --refresh [<task>...]",
	"git para collect --report[=<file>] [<task>...]",
	NULL
};

struct collect_opts {
	int check, json, push, pr, force, one_by_one, halt;
	int stack, draft, refresh;
	const char *merge, *report, *verify;
};

static struct para_repo *repo;
static struct para_config *config;

static void add_task(struct para_task **tasks, size_t *nr,
		     const struct para_task *task)
{
	*tasks = para_realloc(*tasks, (*nr + 1) * sizeof(**tasks));
	(*tasks)[(*nr)++] = *task;
}

/*
 * A task collect leaves out whatever it is asked: says so; a named
 * unverified one is an error, counted in `*refused`.
 */
static int skipped(const struct para_task *task, int named, size_t *refused)
{
	const char *why = para_collect_skip_reason(task->state);

	if (!why)
		return 0;
	if (named && task->state == PARA_STATE_UNVERIFIED) {
		error("not collecting task '%s': %s", task->name, why);
		(*refused)++;
	} else {
		fprintf(stderr, "skipping task '%s': %s\n", task->name, why);
	}
	return 1;
}

static size_t select_tasks(struct para_task **tasks, int argc,
			   const char **argv, size_t *refused)
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
		if (skipped(&task, argc > 0, refused))
			para_task_dispose(&task);
		else if (argc || para_collect_selected_by_default(task.state))
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

static int do_report(const struct para_collect *c,
		     const struct para_queue *q, const char *file)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	FILE *f = stdout;

	para_collect_format_report(&out, c);
	if (q)
		para_queue_format_report(&out, q, c);
	if (strcmp(file, "-") && !(f = fopen(file, "w")))
		die("cannot open '%s': %s", file, strerror(errno));
	fputs(out.buf, f);
	if (f != stdout && fclose(f))
		die("cannot write '%s': %s", file, strerror(errno));
	para_strbuf_dispose(&out);
	return 0;
}

static void say_conflict(const struct para_queue *q,
			 const struct para_collect *c, size_t k)
{
	const struct para_queue_entry *e = &q->entries[k];
	const char *name = c->items[e->item].task.name;
	size_t i;

	error("task '%s' does not merge cleanly into '%s'", name, q->branch);
	for (i = 0; i < e->files.nr; i++) {
		struct para_strbuf by = PARA_STRBUF_INIT;
		size_t j;

		/* the tasks in the branch before it that changed the file */
		for (j = 0; j < k; j++)
			if (q->entries[j].result <= PARA_QUEUE_ALREADY &&
			    para_strvec_contains(&c->items[q->entries[j].item].touched,
						 e->files.v[i]))
				para_strbuf_addf(&by, "%s%s", by.len ? ", " : "",
						 c->items[q->entries[j].item].task.name);
		fprintf(stderr, "\t%s%s%s%s\n", e->files.v[i],
			by.len ? " (also changed by " : "", by.buf ? by.buf : "",
			by.len ? ")" : "");
		para_strbuf_dispose(&by);
	}
	fprintf(stderr, "hint: set aside as 'conflict'; 'git para resolve %s' "
		"merges '%s' into its\nhint: worktree for 'git para run' to "
		"resolve, then collect it again\n", name, q->branch);
}

static void say_rejected(const struct para_queue *q,
			 const struct para_collect *c, size_t k)
{
	const struct para_queue_entry *e = &q->entries[k];
	const char *name = c->items[e->item].task.name;
	const char *tail = para_queue_output_tail(&e->output, 10);
	char *log = para_state_log_path(repo, name, 0);

	error("task '%s' was rejected: the merge with it fails '%s'", name,
	      q->verify);
	if (*tail)
		fprintf(stderr, "%s%s", tail,
			tail[strlen(tail) - 1] == '\n' ? "" : "\n");
	fprintf(stderr, "hint: the whole output is in '%s'\n", log);
	free(log);
}

/* What became of each task, in merge order. */
static void say_queue(const struct para_queue *q, const struct para_collect *c,
		      int quiet)
{
	size_t k;

	for (k = 0; k < q->nr; k++) {
		const struct para_queue_entry *e = &q->entries[k];
		const char *name = c->items[e->item].task.name;

		switch (e->result) {
		case PARA_QUEUE_MERGED:
			if (!quiet)
				printf("merged task '%s' into '%s' (%.7s)\n",
				       name, q->branch, e->commit);
			break;
		case PARA_QUEUE_ALREADY:
			if (!quiet)
				printf("task '%s' is in '%s' already\n", name,
				       q->branch);
			break;
		case PARA_QUEUE_CONFLICT:
			say_conflict(q, c, k);
			break;
		case PARA_QUEUE_REJECTED:
			say_rejected(q, c, k);
			break;
		case PARA_QUEUE_HELD:
			error("task '%s' is not merged: it depends on '%s'",
			      name, e->with);
			break;
		case PARA_QUEUE_NOT_TRIED:
			if (e->with)	/* else the branch failed verify */
				error("task '%s' is not merged: --halt "
				      "stopped at '%s'", name, e->with);
			break;
		}
	}
}

static void say_verify(const struct para_queue *q, int quiet)
{
	const char *tail;

	if (q->base_broken) {
		error("'%s' at %.7s fails '%s' without any task: nothing "
		      "merged", q->branch, q->old, q->verify);
		tail = para_queue_output_tail(&q->base_output, 10);
		if (*tail)
			fprintf(stderr, "%s%s", tail,
				tail[strlen(tail) - 1] == '\n' ? "" : "\n");
		return;
	}
	if (quiet)
		return;
	printf("verify: %zu run%s, %zu known from before; '%s' is at %.7s\n",
	       q->verify_runs, q->verify_runs == 1 ? "" : "s",
	       q->verify_cached, q->branch, q->tip);
}

static void say_progress(void *data, size_t tasks, const char *commit)
{
	(void)data;
	fprintf(stderr, "verifying %zu task%s at %.7s...\n", tasks,
		tasks == 1 ? "" : "s", commit);
}

/* `--merge --json` with nothing to merge: still JSON, an empty queue. */
static void say_empty_queue(const char *branch, const char *verify)
{
	struct para_queue q = PARA_QUEUE_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;

	q.branch = (char *)(*branch ? branch :
			    cfg_string(config, "para.integrationBranch"));
	q.verify = (char *)verify;
	para_queue_format_json(&out, &q, NULL);
	fputs(out.buf, stdout);
	para_strbuf_dispose(&out);
}

struct merge_opts {
	const char *branch, *verify, *report;
	int one_by_one, halt, json;
};

static int do_merge(struct para_collect *c, const struct merge_opts *m)
{
	struct para_queue_options qo = { NULL, NULL, 0, 0, 0, say_progress,
					 NULL };
	struct para_queue q = PARA_QUEUE_INIT;
	size_t *order = para_calloc(c->nr, sizeof(*order));
	const char *start;
	int created, quiet = m->json || (m->report && !strcmp(m->report, "-"));
	int ret;

	qo.branch = *m->branch ? m->branch :
		    cfg_string(config, "para.integrationBranch");
	qo.verify = m->verify;
	if (qo.verify)
		qo.verify_timeout = cfg_duration(config, "para.verifyTimeout");
	qo.one_by_one = m->one_by_one;
	qo.halt = m->halt;
	if (para_collect_merge_order(order, c) < 0) {
		free(order);
		die_lib();
	}
	start = c->items[order[0]].task.base;
	if ((created = para_collect_merge_prepare(repo, qo.branch,
						  start)) < 0) {
		free(order);	/* what dies here leaks nothing */
		if (created == PARA_ELOCKED)
			die_checked_out(qo.branch);
		die_lib();
	}
	if (created && !quiet)
		printf("created branch '%s' at %.7s\n", qo.branch, start);
	free(order);
	if (para_queue_run(&q, repo, c, &qo) < 0) {
		para_queue_dispose(&q);
		die_lib();
	}
	say_queue(&q, c, quiet);
	if (q.verify)
		say_verify(&q, quiet);
	ret = para_queue_problems(&q) ? 1 : 0;
	if (m->json) {
		struct para_strbuf out = PARA_STRBUF_INIT;

		para_queue_format_json(&out, &q, c);
		fputs(out.buf, stdout);
		para_strbuf_dispose(&out);
	} else if (m->report) {
		do_report(c, &q, m->report);
	}
	para_queue_dispose(&q);
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

	if (para_collect_remote_check(remote) < 0)
		die_lib();
	for (i = 0; i < c->nr; i++) {
		ok[i] = !push_one(&c->items[i], remote);
		if (!ok[i])
			ret = 1;
	}
	return ret;
}

static int open_pr(struct para_collect *c, size_t i,
		   const struct para_collect_pr_options *po)
{
	struct para_collect_pr pr = PARA_COLLECT_PR_INIT;
	const char *name = c->items[i].task.name;
	int ret = para_collect_open_pr(&pr, repo, c, i, po);

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

/* The item of task `name` among the first `upto` of `order`, or -1. */
static long item_in(const struct para_collect *c, const size_t *order,
		    size_t upto, const char *name)
{
	size_t k;

	for (k = 0; k < upto; k++)
		if (!strcmp(c->items[order[k]].task.name, name))
			return (long)order[k];
	return -1;
}

/*
 * Opens the pull requests in dependency order, so that a stacked one
 * finds the branch it goes into; one whose base did not make it is not
 * opened.
 */
static int do_pr(struct para_collect *c, int stack, int draft)
{
	struct para_collect_pr_options po = { NULL, NULL, NULL, 0, 1, 0, 0 };
	size_t *order = para_calloc(c->nr, sizeof(*order));
	char *ok = para_calloc(c->nr, 1);
	size_t k;
	int ret, closes = 1;

	po.remote = cfg_string(config, "para.remote");
	po.command = cfg_string(config, "para.prCommand");
	po.title = cfg_string(config, "para.prTitle");
	po.log_lines = (size_t)cfg_int(config, "para.prLogLines", 0, 100000, 0);
	if (para_config_bool(&closes, config, "para.prCloses") < 0)
		die_lib();
	po.closes = closes;
	po.stack = stack;
	po.draft = draft;
	if (para_collect_merge_order(order, c) < 0)
		die_lib();
	ret = do_push(c, ok);
	for (k = 0; k < c->nr; k++) {
		size_t i = order[k];
		const char *on = stack ? para_collect_pr_stacked_on(repo, c, i)
				       : NULL;
		long dep = on ? item_in(c, order, k, on) : -1;

		if (!ok[i])
			continue;
		if (dep >= 0 && !ok[dep]) {
			error("not opening a pull request for task '%s': the "
			      "one of '%s' it is stacked on failed",
			      c->items[i].task.name, on);
			ok[i] = 0;
			ret = 1;
		} else if (open_pr(c, i, &po) < 0) {
			ok[i] = 0;
			ret = 1;
		}
	}
	free(order);
	free(ok);
	return ret;
}

/* What the pull request of `name` came to, in one line. */
static void say_pr_state(const char *name, const struct para_pr_state *st)
{
	printf("task '%s': pull request %s, checks %s\n", name, st->state,
	       st->checks);
}

/*
 * --refresh: asks the forge about every selected task's pull request;
 * without names, about every task that has one.
 */
static int do_refresh(int argc, const char **argv)
{
	struct para_strvec names = PARA_STRVEC_INIT;
	size_t i, asked = 0;
	int ret = 0;

	if (para_task_select(&names, repo, argv, argc,
			     PARA_SELECT_EXISTING) < 0)
		die_lib();
	for (i = 0; i < names.nr; i++) {
		struct para_pr_state st = PARA_PR_STATE_INIT;
		int error = para_pr_state_refresh(&st, repo, config,
						  names.v[i]);

		if (error == PARA_ENOTFOUND && !argc) {
			para_error_clear();
			continue;
		}
		asked++;
		if (error < 0) {
			error_lib();
			ret = 1;
		} else {
			say_pr_state(names.v[i], &st);
		}
		para_pr_state_dispose(&st);
	}
	if (!asked)
		printf("no pull requests to refresh\n");
	para_strvec_dispose(&names);
	return ret;
}

int cmd_main(int argc, const char **argv)
{
	struct collect_opts o = { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, NULL, NULL,
				  NULL };
	struct option options[] = {
		OPT_BOOL(0, "check", &o.check,
			 "check the tasks and report problems (default)"),
		OPT_BOOL(0, "json", &o.json, "print the check report as JSON"),
		OPT_STRING_OPTARG(0, "merge", &o.merge, "<branch>",
				  "merge the tasks into the integration branch",
				  ""),
		OPT_STRING_OPTARG(0, "verify", &o.verify, "<cmd>",
				  "merge only what passes <cmd> (default: "
				  "para.verify)", ""),
		OPT_BOOL(0, "one-by-one", &o.one_by_one,
			 "verify after each merge instead of in batches"),
		OPT_BOOL(0, "halt", &o.halt,
			 "stop at the first task that does not merge"),
		OPT_BOOL(0, "push", &o.push, "push the task branches"),
		OPT_BOOL(0, "pr", &o.pr,
			 "push and open one pull request per task"),
		OPT_BOOL('f', "force", &o.force,
			 "push tasks that did not succeed too"),
		OPT_BOOL(0, "stack", &o.stack,
			 "base each pull request on its dependency's branch"),
		OPT_BOOL(0, "draft", &o.draft, "open draft pull requests"),
		OPT_BOOL(0, "refresh", &o.refresh,
			 "record the state and checks of the pull requests"),
		OPT_STRING_OPTARG(0, "report", &o.report, "<file>",
				  "write a Markdown summary of the tasks", "-"),
		OPT_END()
	};
	struct para_strvec shared = PARA_STRVEC_INIT;
	struct para_collect c = PARA_COLLECT_INIT;
	struct para_task *tasks;
	size_t nr, i, refused, unverified = 0;
	int modes, ret;

	argc = parse_options(argc, argv, options, collect_usage, 0);
	modes = !!o.merge + o.push + o.pr + (!!o.report && !o.merge) +
		o.refresh;
	if (modes > 1 || (modes && o.check))
		usage_msg_opt("--check, --merge, --push, --pr, --report and "
			      "--refresh cannot be used together",
			      collect_usage, options);
	if ((o.stack || o.draft) && !o.pr)
		usage_msg_opt("--stack and --draft go only with --pr",
			      collect_usage, options);
	if (o.json && modes && !o.merge)
		usage_msg_opt("--json goes only with --check or --merge",
			      collect_usage, options);
	if (o.json && o.report)
		usage_msg_opt("--json and --report cannot be used together",
			      collect_usage, options);
	if ((o.verify || o.halt) && !o.merge)
		usage_msg_opt("--verify and --halt go only with --merge",
			      collect_usage, options);
	if (o.one_by_one && !o.verify)
		usage_msg_opt("--one-by-one goes only with --verify",
			      collect_usage, options);
	if (o.force && !o.push && !o.pr)
		usage_msg_opt("--force goes only with --push or --pr",
			      collect_usage, options);
	if (para_lib_init() < 0 || para_repo_open(&repo) < 0 ||
	    para_config_open(&config, repo) < 0)
		die_lib();
	if (o.refresh) {
		ret = do_refresh(argc, argv);
		nr = 0;
		tasks = NULL;
		goto out;
	}
	cfg_all(&shared, config, "para.sharedPath");
	if (o.verify && !*o.verify &&
	    !*(o.verify = cfg_string(config, "para.verify") ?
		cfg_string(config, "para.verify") : ""))
		die("no verify command: give --verify=<cmd> or set para.verify");
	nr = select_tasks(&tasks, argc, argv, &unverified);
	refused = (o.push || o.pr) && !o.force ?
		  refuse_unpushable(repo, tasks, &nr) : 0;
	refused += unverified;
	if (!nr && refused) {
		ret = 1;
		goto out;
	}
	if (!nr && o.merge && o.json) {
		say_empty_queue(o.merge, o.verify);
		ret = 0;
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
	if (o.merge) {
		struct merge_opts m = { o.merge, o.verify, o.report,
					o.one_by_one, o.halt, o.json };

		ret = do_merge(&c, &m);
	}
	else if (o.push || o.pr) {
		char *ok = para_calloc(c.nr ? c.nr : 1, 1);

		ret = o.pr ? do_pr(&c, o.stack, o.draft) : do_push(&c, ok);
		if (refused)
			ret = 1;
		free(ok);
	} else if (o.report)
		ret = do_report(&c, NULL, o.report);
	else
		ret = do_check(&c, o.json);
	if (unverified)
		ret = 1;
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
