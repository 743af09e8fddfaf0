/*
 * git-para-logs: the tasks' logs, each line prefixed with its task, and
 * followed as they grow.  The reading is lib/run-log-read.h.
 */
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd-config.h"
#include "config.h"
#include "error.h"
#include "parse-options.h"
#include "repo.h"
#include "run-log-read.h"
#include "strvec.h"
#include "task-select.h"
#include "usage.h"

static const char *const logs_usage[] = {
	"git para logs [-f [--until-done]] [-n <lines>] [--attempt <n>] [<task>...]",
	NULL
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	(void)sig;
	interrupted = 1;
}

struct out {
	int color;
};

/* The same task gets the same colour every time. */
static const char *task_color(const char *name)
{
	static const char *const colors[] = {
		"\033[32m", "\033[33m", "\033[34m", "\033[35m", "\033[36m",
		"\033[1;32m", "\033[1;33m", "\033[1;34m", "\033[1;35m",
		"\033[1;36m",
	};
	unsigned h = 5381;

	while (*name)
		h = h * 33 + (unsigned char)*name++;
	return colors[h % (sizeof(colors) / sizeof(*colors))];
}

static void print_line(void *data, const char *task, const char *text,
		       size_t len)
{
	struct out *o = data;

	if (o->color)
		printf("%s[%s]\033[m ", task_color(task), task);
	else
		printf("[%s] ", task);
	fwrite(text, 1, len, stdout);
	putchar('\n');
}

/* --attempt: every task named must have had it. */
static void check_attempt(struct para_repo *repo,
			  const struct para_strvec *names, int attempt)
{
	size_t i;
	int n;

	if (!attempt)
		return;
	for (i = 0; i < names->nr; i++) {
		if (para_logs_attempts(&n, repo, names->v[i]) < 0)
			die_lib();
		if (attempt > n)
			die("task '%s' has no attempt %d (its log holds %d)",
			    names->v[i], attempt, n);
	}
}

static void catch_signals(void)
{
	struct sigaction sa;

	memset(&sa, 0, sizeof(sa));
	sa.sa_handler = on_signal;
	sigemptyset(&sa.sa_mask);
	sigaction(SIGINT, &sa, NULL);
	sigaction(SIGTERM, &sa, NULL);
}

int cmd_main(int argc, const char **argv)
{
	struct para_strvec names = PARA_STRVEC_INIT;
	struct para_logs_opts opts = { -1, 0, 0, 0, 0, &interrupted };
	struct para_repo *repo = NULL;
	struct para_config *config = NULL;
	const char *color = "";
	struct out o = { 0 };
	int attempt = -1, failed = 0, ret;
	const struct option options[] = {
		OPT_BOOL('f', "follow", &opts.follow,
			 "go on showing the lines as they come, and new tasks'"),
		OPT_INT('n', "lines", &opts.tail, "<lines>",
			"begin with the last <lines> lines of each log"),
		OPT_INT(0, "attempt", &attempt, "<n>",
			"only the n-th attempt of each log"),
		OPT_BOOL(0, "until-done", &opts.until_done,
			 "with -f: end once the tasks have ended"),
		{ OPT_STRING_, 0, "color", &color, "<when>",
		  "colour the task names: always, never or auto",
		  OPT_OPTARG, "always" },
		OPT_END()
	};

	argc = parse_options(argc, argv, options, logs_usage, 0);
	if (opts.until_done && !opts.follow)
		usage_msg_opt("'--until-done' needs '-f'", logs_usage, options);
	if (attempt == 0)
		usage_msg_opt("'--attempt' counts from 1", logs_usage, options);
	opts.attempt = attempt < 0 ? 0 : attempt;
	if (para_lib_init() < 0 || para_repo_open(&repo) < 0 ||
	    para_config_open(&config, repo) < 0)
		die_lib();
	o.color = cfg_color(config, !color ? "never" : *color ? color : NULL);
	if (para_task_select(&names, repo, argv, (size_t)argc,
			     PARA_SELECT_EXISTING) < 0)
		die_lib();
	opts.every = !argc;
	check_attempt(repo, &names, opts.attempt);
	if (opts.follow) {
		/* each line out as it comes, whole: we are its only writer */
		setvbuf(stdout, NULL, _IOLBF, 0);
		catch_signals();
	}
	if (para_logs_read(&failed, repo, &names, &opts, print_line, &o) < 0)
		die_lib();
	fflush(stdout);
	ret = interrupted ? 130 : failed;
	para_strvec_dispose(&names);
	para_config_free(config);
	para_repo_free(repo);
	return ret;
}
