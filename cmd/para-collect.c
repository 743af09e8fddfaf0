/*
 * git para collect: check the tasks' branches against their domains and
 * each other, then merge them into an integration branch, push them, open
 * pull requests, or write a report.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect.h"
#include "collect-report.h"
#include "command.h"
#include "config.h"
#include "error.h"
#include "graph.h"
#include "merge.h"
#include "parse-options.h"
#include "repo.h"
#include "state.h"
#include "usage.h"

static const char *const collect_usage[] = {
	"git para collect [--check] [--json] [<task>...]",
	"git para collect --merge[=<branch>] [<task>...]",
	"git para collect --push [<task>...]",
	"git para collect --pr [<task>...]",
	"git para collect --report[=<file>] [<task>...]",
	NULL
};

#define DEFAULT_PR_COMMAND \
	"gh pr create --base \"$PARA_BASE_BRANCH\" --head \"$PARA_BRANCH\" " \
	"--title \"$PARA_TITLE\" --body-file \"$PARA_BODY_FILE\""

#define LOG_TAIL_LINES 30

struct collect_opts {
	int check, json, push, pr;
	const char *merge, *report;
};

static struct para_repo *repo;
static struct para_config *config;

static const char *config_string(const char *key, const char *def)
{
	const char *value = def;
	int error = para_config_get_string(&value, config, key);

	if (error < 0 && error != PARA_ENOTFOUND)
		die_lib();
	return value;
}

/* Tasks collect works on when none are named: those that ran to success. */
static int selected_by_default(enum para_task_state state)
{
	return state == PARA_STATE_SUCCEEDED || state == PARA_STATE_MERGED ||
	       state == PARA_STATE_PUSHED || state == PARA_STATE_PR_OPEN;
}

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
	if (argc) {
		for (i = 0; i < (size_t)argc; i++) {
			if (para_strvec_contains(&names, argv[i]))
				continue;
			para_strvec_push(&names, argv[i]);
			if (para_state_load(&task, repo, argv[i]) < 0)
				die_lib();
			add_task(tasks, &nr, &task);
		}
		para_strvec_dispose(&names);
		return nr;
	}
	if (para_state_list(&names, repo) < 0)
		die_lib();
	for (i = 0; i < names.nr; i++) {
		if (para_state_load(&task, repo, names.v[i]) < 0) {
			warning("%s", para_error_last());
			continue;
		}
		if (selected_by_default(task.state))
			add_task(tasks, &nr, &task);
		else
			para_task_dispose(&task);
	}
	para_strvec_dispose(&names);
	return nr;
}

/* Changes a task's recorded state under its lock. */
typedef void (*update_fn)(struct para_task *task, const char *value);

static int update_task(const char *name, update_fn fn, const char *value)
{
	struct para_lock lock = PARA_LOCK_INIT;
	struct para_task task;
	int error;

	if ((error = para_state_lock(&lock, repo, name, PARA_LOCK_WAIT)) < 0)
		return error_lib();
	if ((error = para_state_load(&task, repo, name)) >= 0) {
		fn(&task, value);
		error = para_state_save(repo, &task);
		para_task_dispose(&task);
	}
	para_lock_release(&lock);
	return error < 0 ? error_lib() : 0;
}

static void set_merged(struct para_task *task, const char *branch)
{
	free(task->merged_into);
	task->merged_into = para_strdup(branch);
	if (!selected_by_default(task->state) ||
	    task->state == PARA_STATE_SUCCEEDED)
		task->state = PARA_STATE_MERGED;
}

static void set_pushed(struct para_task *task, const char *remote)
{
	free(task->pushed_to);
	task->pushed_to = para_strdup(remote);
	if (task->state != PARA_STATE_PR_OPEN)
		task->state = PARA_STATE_PUSHED;
}

static void set_pr(struct para_task *task, const char *url)
{
	free(task->pr_url);
	task->pr_url = para_strdup(url);
	task->state = PARA_STATE_PR_OPEN;
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

/* The selected tasks, dependencies first (unselected ones are ignored). */
static size_t *merge_order(struct para_collect *c)
{
	struct para_graph_node *nodes = para_calloc(c->nr, sizeof(*nodes));
	struct para_strvec *deps = para_calloc(c->nr, sizeof(*deps));
	size_t *order = para_calloc(c->nr, sizeof(*order));
	size_t i, j;

	for (i = 0; i < c->nr; i++) {
		const struct para_task *t = &c->items[i].task;

		for (j = 0; j < t->after.nr; j++)
			if (para_collect_find(c, t->after.v[j]))
				para_strvec_push(&deps[i], t->after.v[j]);
		nodes[i].name = t->name;
		nodes[i].after = (const char *const *)deps[i].v;
		nodes[i].after_nr = deps[i].nr;
	}
	if (para_graph_order(order, nodes, c->nr) < 0)
		die_lib();
	for (i = 0; i < c->nr; i++)
		para_strvec_dispose(&deps[i]);
	free(deps);
	free(nodes);
	return order;
}

static int touched_by(const struct para_collect_item *it, const char *path)
{
	return para_strvec_contains(&it->touched, path);
}

static void report_conflict(struct para_collect *c, const size_t *order,
			    size_t k, const char *branch,
			    const struct para_strvec *files)
{
	const struct para_collect_item *it = &c->items[order[k]];
	size_t i, j;

	error("task '%s' does not merge cleanly into '%s'", it->task.name,
	      branch);
	for (i = 0; i < files->nr; i++) {
		struct para_strbuf by = PARA_STRBUF_INIT;

		for (j = 0; j < k; j++)
			if (touched_by(&c->items[order[j]], files->v[i]))
				para_strbuf_addf(&by, "%s%s", by.len ? ", " : "",
						 c->items[order[j]].task.name);
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

static void check_branch_name(const char *branch)
{
	char *ref = para_xstrfmt("refs/heads/%s", branch);
	int valid = 0;

	if (git_reference_name_is_valid(&valid, ref) < 0 || !valid)
		die("'%s' is not a valid branch name", branch);
	free(ref);
}

static int merge_one(struct para_collect *c, const size_t *order, size_t k,
		     const char *branch)
{
	struct para_collect_item *it = &c->items[order[k]];
	struct para_merge_result res = PARA_MERGE_RESULT_INIT;
	char *msg = para_xstrfmt("Merge task '%s' (branch '%s')",
				 it->task.name, it->task.branch);
	int ret = 0;

	if (para_merge_into(&res, repo, branch, it->tip, msg) < 0)
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
		if (update_task(it->task.name, set_merged, branch) < 0)
			ret = 1;
	}
	para_merge_result_dispose(&res);
	free(msg);
	return ret;
}

static int do_merge(struct para_collect *c, const char *branch)
{
	size_t *order, k;
	char *where = NULL;
	int ret = 0, created;

	if (!*branch)
		branch = config_string("para.integrationBranch",
				       "para/integration");
	check_branch_name(branch);
	if (para_merge_checked_out(&where, repo, branch) < 0)
		die_lib();
	if (where)
		die("cannot merge into branch '%s': it is checked out at '%s'",
		    branch, where);
	order = merge_order(c);
	created = para_merge_create_branch(repo, branch,
					   c->items[order[0]].task.base);
	if (created < 0)
		die_lib();
	if (created)
		printf("created branch '%s' at %.7s\n", branch,
		       c->items[order[0]].task.base);
	for (k = 0; k < c->nr && !ret; k++)
		ret = merge_one(c, order, k, branch);
	free(order);
	return ret;
}

/* Where git would run: relative remote URLs and `gh` resolve from there. */
static const char *top_dir(void)
{
	return repo->main_workdir ? repo->main_workdir : repo->commondir;
}

static int push_one(const struct para_collect_item *it, const char *remote)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;
	int status;

	cmd.git = 1;
	cmd.dir = top_dir();
	cmd.out = &out;
	cmd.err_to_out = 1;
	para_strvec_pushf(&cmd.args, "--git-dir=%s", repo->commondir);
	para_strvec_push(&cmd.args, "push");
	para_strvec_push(&cmd.args, remote);
	para_strvec_pushf(&cmd.args, "refs/heads/%s:refs/heads/%s",
			  it->task.branch, it->task.branch);
	status = para_command_run(&cmd);
	if (status) {
		para_strbuf_rtrim(&out);
		if (status < 0)
			error_lib();
		error("cannot push task '%s' to '%s'%s%s", it->task.name,
		      remote, out.len ? ":\n" : "", out.buf);
	} else {
		printf("pushed task '%s' to '%s' (%s)\n", it->task.name,
		       remote, it->task.branch);
		if (update_task(it->task.name, set_pushed, remote) < 0)
			status = -1;
	}
	para_strbuf_dispose(&out);
	return status ? -1 : 0;
}

/* Pushes every task; `ok[i]` says whether task i made it. */
static int do_push(struct para_collect *c, char *ok)
{
	const char *remote = config_string("para.remote", "origin");
	size_t i;
	int ret = 0;

	for (i = 0; i < c->nr; i++) {
		ok[i] = !push_one(&c->items[i], remote);
		if (!ok[i])
			ret = 1;
	}
	return ret;
}

/* The last lines of a task's log, or NULL. */
static char *log_tail(const char *name)
{
	char *path = para_xstrfmt("%s/logs/%s.log", repo->state_dir, name);
	struct para_strbuf sb = PARA_STRBUF_INIT;
	size_t start, lines = 0;

	if (para_strbuf_read_file(&sb, path) < 0) {
		free(path);
		return NULL;
	}
	free(path);
	para_strbuf_rtrim(&sb);
	for (start = sb.len; start > 0; start--)
		if (sb.buf[start - 1] == '\n' && ++lines == LOG_TAIL_LINES)
			break;
	memmove(sb.buf, sb.buf + start, sb.len - start);
	para_strbuf_setlen(&sb, sb.len - start);
	return para_strbuf_detach(&sb);
}

static int branch_known(const char *name, const char *remote)
{
	char *local = para_xstrfmt("refs/heads/%s", name);
	char *tracking = para_xstrfmt("refs/remotes/%s/%s", remote, name);
	int known = para_repo_ref_exists(repo, local) ||
		    para_repo_ref_exists(repo, tracking);

	free(local);
	free(tracking);
	return known && strcmp(name, "HEAD");
}

static const char *skip_prefix(const char *s, const char *prefix)
{
	size_t len = strlen(prefix);

	return strncmp(s, prefix, len) ? s : s + len;
}

/* The branch a symbolic ref points to, without `strip`, or NULL. */
static char *symref_branch(const char *symref, const char *strip)
{
	git_reference *ref = NULL;
	const char *target;
	char *name = NULL;

	if (git_reference_lookup(&ref, repo->git, symref) < 0)
		return NULL;
	target = git_reference_symbolic_target(ref);
	if (target && !strncmp(target, strip, strlen(strip)))
		name = para_strdup(target + strlen(strip));
	git_reference_free(ref);
	return name;
}

/* The branch a task's pull request goes into: where its base came from. */
static char *base_branch(const struct para_task *t, const char *remote)
{
	char *remote_prefix = para_xstrfmt("refs/remotes/%s/", remote);
	char *short_prefix = para_xstrfmt("%s/", remote);
	const char *name = t->base_ref ? t->base_ref : "";
	char *result = NULL;

	name = skip_prefix(name, "refs/heads/");
	name = skip_prefix(name, remote_prefix);
	name = skip_prefix(name, short_prefix);
	if (branch_known(name, remote))
		result = para_strdup(name);
	else {
		char *head = para_xstrfmt("%sHEAD", remote_prefix);

		result = symref_branch(head, remote_prefix);
		free(head);
	}
	if (!result) {
		git_repository *main = NULL;

		if (!git_repository_open_bare(&main, repo->commondir)) {
			git_reference *ref = NULL;

			if (!git_reference_lookup(&ref, main, "HEAD") &&
			    git_reference_symbolic_target(ref))
				result = para_strdup(skip_prefix(
					git_reference_symbolic_target(ref),
					"refs/heads/"));
			git_reference_free(ref);
			git_repository_free(main);
		}
	}
	free(remote_prefix);
	free(short_prefix);
	return result ? result : para_strdup("main");
}

/* The last line of `out` that holds an http(s) URL, or NULL. */
static char *find_url(const char *out)
{
	char *url = NULL;
	const char *line = out;

	while (*line) {
		size_t len = strcspn(line, "\n");
		const char *p = line, *end = line + len;

		for (; p < end; p++)
			if (!strncmp(p, "https://", 8) ||
			    !strncmp(p, "http://", 7)) {
				free(url);
				url = para_strndup(p, strcspn(p, " \t\r\n"));
				break;
			}
		line = end + !!*end;
	}
	return url;
}

static int write_body(char **path_out, struct para_collect *c, size_t i)
{
	struct para_strbuf body = PARA_STRBUF_INIT;
	char *tail = log_tail(c->items[i].task.name), *dir = NULL;
	FILE *f;
	int ret = 0;

	*path_out = NULL;
	para_collect_format_pr_body(&body, c, i, tail);
	if (para_repo_state_path(&dir, repo, "tmp") < 0) {
		ret = error_lib();
		goto out;
	}
	*path_out = para_xstrfmt("%s/pr-body-%s.md", dir, c->items[i].task.name);
	f = fopen(*path_out, "w");
	if (!f || fputs(body.buf, f) < 0 || fclose(f)) {
		ret = error("cannot write '%s': %s", *path_out, strerror(errno));
		if (f)
			fclose(f);
	}
out:
	free(tail);
	free(dir);
	para_strbuf_dispose(&body);
	return ret;
}

static int run_pr_command(char **url_out, struct para_collect *c, size_t i,
			  const char *remote, const char *body_file)
{
	const struct para_task *t = &c->items[i].task;
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;
	char *title = para_collect_pr_title(t), *base = base_branch(t, remote);
	int status;

	cmd.dir = top_dir();
	cmd.out = &out;
	cmd.stdin_null = 1;
	para_strvec_push(&cmd.args, "/bin/sh");
	para_strvec_push(&cmd.args, "-c");
	para_strvec_push(&cmd.args, config_string("para.prCommand",
						  DEFAULT_PR_COMMAND));
	para_strvec_pushf(&cmd.env, "PARA_TASK=%s", t->name);
	para_strvec_pushf(&cmd.env, "PARA_BRANCH=%s", t->branch);
	para_strvec_pushf(&cmd.env, "PARA_BASE_BRANCH=%s", base);
	para_strvec_pushf(&cmd.env, "PARA_BASE=%s", t->base);
	para_strvec_pushf(&cmd.env, "PARA_TITLE=%s", title);
	para_strvec_pushf(&cmd.env, "PARA_BODY_FILE=%s", body_file);
	para_strvec_pushf(&cmd.env, "PARA_REMOTE=%s", remote);
	para_strvec_pushf(&cmd.env, "PARA_WORKTREE=%s", t->worktree);
	para_strvec_pushf(&cmd.env, "PARA_PROMPT=%s", t->prompt ? t->prompt : "");
	para_strvec_pushf(&cmd.env, "PARA_ISSUE=%s", t->issue ? t->issue : "");
	status = para_command_run(&cmd);
	*url_out = find_url(out.buf);
	if (status < 0)
		error_lib();
	if (status) {
		fputs(out.buf, stderr);
		error("the pull request command failed for task '%s' "
		      "(exit status %d)", t->name, status);
	} else if (!*url_out) {
		fputs(out.buf, stderr);
		error("the pull request command printed no URL for task '%s'",
		      t->name);
	}
	free(title);
	free(base);
	para_strbuf_dispose(&out);
	return status || !*url_out ? -1 : 0;
}

/*
 * Opens task i's pull request, holding the task's lock throughout so
 * that two collects never open two.
 */
static int open_pr(struct para_collect *c, size_t i, const char *remote)
{
	const char *name = c->items[i].task.name;
	struct para_lock lock = PARA_LOCK_INIT;
	struct para_task task;
	char *body = NULL, *url = NULL;
	int ret;

	if (para_state_lock(&lock, repo, name, PARA_LOCK_WAIT) < 0)
		return error_lib();
	if ((ret = para_state_load(&task, repo, name)) < 0) {
		para_lock_release(&lock);
		return error_lib();
	}
	if (task.pr_url) {
		printf("task '%s' has a pull request already: %s\n", name,
		       task.pr_url);
		goto out;
	}
	if ((ret = write_body(&body, c, i)) < 0 ||
	    (ret = run_pr_command(&url, c, i, remote, body)) < 0)
		goto out;
	set_pr(&task, url);
	if ((ret = para_state_save(repo, &task)) < 0)
		error_lib();
	else
		printf("opened a pull request for task '%s': %s\n", name, url);
out:
	if (body)
		unlink(body);
	free(body);
	free(url);
	para_task_dispose(&task);
	para_lock_release(&lock);
	return ret;
}

static int do_pr(struct para_collect *c)
{
	const char *remote = config_string("para.remote", "origin");
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
	struct collect_opts o = { 0, 0, 0, 0, NULL, NULL };
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
		OPT_STRING_OPTARG(0, "report", &o.report, "<file>",
				  "write a Markdown summary of the tasks", "-"),
		OPT_END()
	};
	struct para_strvec shared = PARA_STRVEC_INIT;
	struct para_collect c = PARA_COLLECT_INIT;
	struct para_task *tasks;
	size_t nr, i;
	int modes, ret;

	argc = parse_options(argc, argv, options, collect_usage, 0);
	modes = !!o.merge + o.push + o.pr + !!o.report;
	if (modes > 1 || (modes && o.check))
		usage_msg_opt("--check, --merge, --push, --pr and --report "
			      "cannot be used together", collect_usage, options);
	if (o.json && modes)
		usage_msg_opt("--json goes only with --check", collect_usage,
			      options);
	if (para_lib_init() < 0 || para_repo_open(&repo) < 0 ||
	    para_config_open(&config, repo) < 0 ||
	    para_config_get_all(&shared, config, "para.sharedPath") < 0)
		die_lib();
	nr = select_tasks(&tasks, argc, argv);
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
