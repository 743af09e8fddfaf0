/*
 * git para status: one line per task, or JSON / porcelain for tools.
 */
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "clock.h"
#include "cmd-config.h"
#include "config.h"
#include "domain.h"
#include "duration.h"
#include "error.h"
#include "status-gather.h"
#include "json.h"
#include "parse-options.h"
#include "pr-state.h"
#include "proc.h"
#include "repo.h"
#include "task-context.h"
#include "task-select.h"
#include "task-state.h"
#include "status-format.h"
#include "strbuf.h"
#include "usage.h"

static const char *const status_usage[] = {
	"git para status [-v] [--porcelain | --json] [--watch[=<seconds>]] [--refresh] [<task>...]",
	"git para status --context",
	NULL
};

static volatile sig_atomic_t interrupted;

static void on_interrupt(int sig)
{
	(void)sig;
	interrupted = 1;
}

/* The tasks to show: the names given (checked), else every task. */
static void select_tasks(struct para_strvec *out, struct para_repo *repo,
			 int argc, const char **argv)
{
	if (para_task_select(out, repo, argv, argc, PARA_SELECT_EXISTING) < 0)
		die_lib();
}

/*
 * --refresh: the state of each selected task's pull request, recorded
 * before the tasks are shown; a forge that cannot be asked is a warning.
 */
static void refresh_prs(struct para_repo *repo, struct para_config *config,
			int argc, const char **argv)
{
	struct para_strvec names = PARA_STRVEC_INIT;
	size_t i;
	int error;

	select_tasks(&names, repo, argc, argv);
	/* no pull request, or a damaged state file that status reports */
	for (i = 0; i < names.nr; i++)
		if ((error = para_pr_state_refresh(NULL, repo, config,
						   names.v[i])) < 0 &&
		    error != PARA_ENOTFOUND && error != PARA_ECORRUPT)
			warning("%s", para_error_last());
	para_strvec_dispose(&names);
}

static void read_shared_paths(struct para_status_options *opts,
			      struct para_config *config)
{
	size_t i;

	if (para_config_get_all(&opts->shared_paths, config,
				"para.sharedPath") < 0)
		die_lib();
	for (i = 0; i < opts->shared_paths.nr; i++)
		if (para_pattern_validate(opts->shared_paths.v[i]) < 0)
			die("invalid value for 'para.sharedPath': '%s'",
			    opts->shared_paths.v[i]);
}

struct status_opts {
	int verbose;
	int porcelain;
	int json;
	int color;
	const char *watch;
	long long interval;
	int refresh;
	int context;
};

static void render(struct para_strbuf *out, struct para_facts *facts,
		   size_t nr, const struct status_opts *o)
{
	struct para_status_format fmt = { o->verbose, o->color, para_now_ms() };

	if (o->json)
		para_status_json(out, facts, nr, &fmt);
	else if (o->porcelain)
		para_status_porcelain(out, facts, nr, &fmt);
	else
		para_status_human(out, facts, nr, &fmt);
}

static void warn_damaged(struct para_facts *facts, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		if (facts[i].damaged)
			warning("%s", facts[i].error);
}

static int show_once(struct para_repo *repo, const struct para_strvec *names,
		     const struct para_status_options *fopts,
		     const struct status_opts *o, struct para_strbuf *out,
		     int first)
{
	struct para_facts *facts = NULL;

	if (para_status_gather(&facts, repo, names, fopts) < 0)
		die_lib();
	if (first)
		warn_damaged(facts, names->nr);
	render(out, facts, names->nr, o);
	para_status_free_all(facts, names->nr);
	return 0;
}

/* Paints over the last frame: no flicker, no scrolling. */
static void repaint(const struct para_strbuf *frame, int first)
{
	const char *p = frame->buf, *nl;

	if (first)
		fputs("\033[?25l\033[H\033[2J", stdout);
	else
		fputs("\033[H", stdout);
	while ((nl = strchr(p, '\n'))) {
		fwrite(p, 1, (size_t)(nl - p), stdout);
		fputs("\033[K\n", stdout);
		p = nl + 1;
	}
	fputs("\033[J", stdout);
}

static void sleep_ms(long long ms)
{
	struct timespec ts = { (time_t)(ms / 1000), (long)(ms % 1000) * 1000000L };

	nanosleep(&ts, NULL);
}

/*
 * Redraws until interrupted.  On a terminal the screen is repainted in
 * place; otherwise each snapshot is printed after the last, followed by
 * an empty line.
 */
static int watch(struct para_repo *repo, int argc, const char **argv,
		 const struct para_status_options *fopts,
		 const struct status_opts *o)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	int tty = isatty_fd(1), first = 1;
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_interrupt;
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
	while (!interrupted) {
		struct para_strvec names = PARA_STRVEC_INIT;

		select_tasks(&names, repo, argc, argv);
		para_strbuf_reset(&out);
		show_once(repo, &names, fopts, o, &out, first);
		para_strvec_dispose(&names);
		if (tty) {
			repaint(&out, first);
		} else {
			fwrite(out.buf, 1, out.len, stdout);
			putchar('\n');
		}
		fflush(stdout);
		first = 0;
		sleep_ms(o->interval);
	}
	if (tty)
		fputs("\033[?25h", stdout);
	fflush(stdout);
	para_strbuf_dispose(&out);
	return 130;
}

/*
 * --context: the shared context as the tasks read it, written afresh
 * from their state first; where it cannot be written, as it was.
 */
static int show_context(struct para_repo *repo)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *path = para_state_context_path(repo);

	if (para_context_refresh(repo) < 0)
		warning("%s", para_error_last());
	if (para_strbuf_read_file(&sb, path) < 0)
		die("cannot read '%s': %s", path, strerror(errno));
	fwrite(sb.buf, 1, sb.len, stdout);
	para_strbuf_dispose(&sb);
	free(path);
	return 0;
}

/* GIT_TEST_PARA_STATUS=git|libgit2 forces one way of looking, for tests. */
static enum para_worktree_via status_via_from_env(void)
{
	const char *v = getenv("GIT_TEST_PARA_STATUS");

	if (v && !strcmp(v, "git"))
		return PARA_WORKTREE_VIA_GIT;
	if (v && !strcmp(v, "libgit2"))
		return PARA_WORKTREE_VIA_LIBGIT2;
	return PARA_WORKTREE_VIA_AUTO;
}

static void parse_interval(struct status_opts *o)
{
	if (!o->watch)
		return;
	if (para_duration_parse(&o->interval, o->watch) < 0 ||
	    o->interval <= 0) {
		fprintf(stderr,
			"error: invalid --watch interval '%s': expected seconds, like 2 or 0.5\n",
			o->watch);
		exit(129);
	}
}

int cmd_main(int argc, const char **argv)
{
	struct status_opts o = { 0, 0, 0, 0, NULL, 0, 0, 0 };
	struct para_status_options fopts = PARA_STATUS_OPTIONS_INIT;
	struct para_strvec names = PARA_STRVEC_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;
	struct para_config *config = NULL;
	struct para_repo *repo = NULL;
	int jobs = 0, ret;
	const struct option options[] = {
		OPT_BOOL('v', "verbose", &o.verbose,
			 "also show pids, log paths and the last log lines"),
		OPT_BOOL(0, "porcelain", &o.porcelain,
			 "tab-separated output for scripts"),
		OPT_BOOL(0, "json", &o.json, "one JSON document for tools"),
		OPT_STRING_OPTARG(0, "watch", &o.watch, "<seconds>",
				  "redraw every <seconds> (2) until interrupted",
				  "2"),
		OPT_INT('j', "jobs", &jobs, "<n>",
			"git processes to run at once (default: online CPUs)"),
		OPT_BOOL(0, "refresh", &o.refresh,
			 "first ask the forge about the tasks' pull requests"),
		OPT_BOOL(0, "context", &o.context,
			 "print the shared context the tasks read (PARA_CONTEXT)"),
		OPT_END()
	};

	argc = parse_options(argc, argv, options, status_usage, 0);
	if (o.porcelain && o.json)
		usage_msg_opt("options '--porcelain' and '--json' cannot be used together",
			      status_usage, options);
	if (o.context && (argc || o.verbose || o.porcelain || o.json ||
			  o.watch || o.refresh))
		usage_msg_opt("option '--context' cannot be used with tasks or "
			      "other options", status_usage, options);
	parse_interval(&o);
	fopts.jobs = jobs;
	fopts.status_via = status_via_from_env();
	if (para_repo_open(&repo) < 0)
		die_lib();
	if (para_config_open(&config, repo) < 0)
		die_lib();
	read_shared_paths(&fopts, config);
	fopts.config = config;
	o.color = !o.json && !o.porcelain && cfg_color(config, NULL);
	if (o.context) {
		ret = show_context(repo);
		goto out;
	}
	if (o.refresh)
		refresh_prs(repo, config, argc, argv);
	if (o.watch) {
		ret = watch(repo, argc, argv, &fopts, &o);
		goto out;
	}
	select_tasks(&names, repo, argc, argv);
	ret = show_once(repo, &names, &fopts, &o, &out, 1);
	fwrite(out.buf, 1, out.len, stdout);
out:
	para_strbuf_dispose(&out);
	para_strvec_dispose(&names);
	para_strvec_dispose(&fopts.shared_paths);
	para_config_free(config);
	para_repo_free(repo);
	return ret;
}
