/*
 * git-para-run: run the tasks' commands in parallel, in dependency
 * order, each in its own worktree and process group, and record what
 * happened so that nothing is run twice and nothing is left behind.
 * The engine is lib/run.h; this file chooses the tasks and talks.
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <unistd.h>

#include "config.h"
#include "duration.h"
#include "error.h"
#include "hook.h"
#include "parse-options.h"
#include "proc.h"
#include "repo.h"
#include "run.h"
#include "run-tmux.h"
#include "budget.h"
#include "size.h"
#include "sysinfo.h"
#include "task-select.h"
#include "task-state.h"
#include "usage.h"

static const char *const run_usage[] = {
	"git para run [<options>] [<task>...]",
	"git para run [<options>] [<task>...] -- <command> [<arg>...]",
	NULL
};

struct output {
	int quiet;
	int progress_shown;
};

/* Output. */

static void clear_progress(struct output *o)
{
	if (o->progress_shown) {
		fputs("\r\033[K", stderr);
		fflush(stderr);
		o->progress_shown = 0;
	}
}

static size_t terminal_width(void)
{
	struct winsize ws;

	if (!ioctl(2, TIOCGWINSZ, &ws) && ws.ws_col > 20)
		return ws.ws_col;
	return 80;
}

static void draw_progress(void *data, const struct para_run *run)
{
	struct output *o = data;
	struct para_strbuf sb = PARA_STRBUF_INIT;

	para_run_progress(&sb, run, terminal_width());
	fprintf(stderr, "\r%s\033[K", sb.buf);
	fflush(stderr);
	o->progress_shown = 1;
	para_strbuf_dispose(&sb);
}

static void report(void *data, const char *task, int failure, const char *what)
{
	struct output *o = data;

	if (o->quiet && !failure)
		return;
	clear_progress(o);
	printf("%s: %s\n", task, what);
	fflush(stdout);
}

static void tagged_line(void *data, const char *task, const char *text,
			size_t len)
{
	clear_progress(data);
	printf("[%s] %.*s\n", task, (int)len, text);
	fflush(stdout);
}

/* Hook warnings come from deep in the library: the progress line goes. */
static struct output *hook_output;

static void hook_warning(const char *msg)
{
	if (hook_output)
		clear_progress(hook_output);
	warning("%s", msg);
}

static void report_error(void *data, const char *msg)
{
	clear_progress(data);
	error("%s", msg);
}

/* --notify without notify-send: the bell, and one line. */
static void notice(void *data, const char *task, const char *what)
{
	clear_progress(data);
	fprintf(stderr, "\anotify: %s: %s\n", task, what);
	fflush(stderr);
}

static void report_warning(void *data, const char *msg)
{
	clear_progress(data);
	warning("%s", msg);
}

/* Settings: options first, then configuration, then defaults. */

static void config_or_die(int error)
{
	if (error < 0 && error != PARA_ENOTFOUND)
		die_lib();
}

static int default_jobs(struct para_config *config)
{
	long n;
	int error;

	/* 0, as for --jobs, is the number of online CPUs */
	error = para_config_get_int(&n, config, "para.jobs", 0, 100000);
	if (error == PARA_ENOTFOUND || (!error && !n))
		n = para_sysinfo_cpus();
	else if (error < 0)
		die_lib();
	return n > 0 ? (int)n : 1;
}

static const char *nonempty(const char *s)
{
	return s && *s ? s : NULL;
}

/* What the command line gave for the machine's limits, unparsed. */
struct admission {
	const char *memfree, *load, *delay;
};

static void load_admission(struct para_run_options *opts,
			   struct para_config *config,
			   const struct admission *a)
{
	const char *load = a->load;

	if (a->memfree) {
		if (para_size_parse(&opts->memfree, a->memfree) < 0)
			die("invalid size '%s' for '--memfree': expected e.g. 512M or 2G",
			    a->memfree);
	} else {
		config_or_die(para_config_get_size(&opts->memfree, config,
						   "para.memFree"));
	}
	if (!load)
		config_or_die(para_config_get_string(&load, config,
						     "para.maxLoad"));
	if (load && para_sysinfo_parse_load(&opts->load, load) < 0)
		die("invalid load '%s' for '%s': expected e.g. 2.5 or 80%%",
		    load, a->load ? "--load" : "para.maxLoad");
	if (a->delay) {
		if (para_duration_parse(&opts->delay, a->delay) < 0)
			die("invalid duration '%s' for '--delay': expected e.g. 90s, 30m or 2h",
			    a->delay);
	} else {
		config_or_die(para_config_get_duration(&opts->delay, config,
						       "para.startDelay"));
	}
}

/* What the command line gave for spending and rate limits, unparsed. */
struct spending {
	const char *budget, *on_limit;
};

static void parse_amount(struct para_budget *out, const char *text,
			 const char *what)
{
	if (para_budget_parse(out, text) < 0)
		die("invalid amount '%s' for '%s': expected e.g. 25usd or "
		    "2000000tok", text, what);
}

static void load_spending(struct para_run_options *opts,
			  struct para_config *config, const struct spending *s)
{
	const char *budget = s->budget, *task = NULL, *on_limit = s->on_limit;

	if (!budget)
		config_or_die(para_config_get_string(&budget, config,
						     "para.budget"));
	if (budget && *budget)
		parse_amount(&opts->budget, budget,
			     s->budget ? "--budget" : "para.budget");
	config_or_die(para_config_get_string(&task, config,
					     "para.taskBudget"));
	if (task && *task)
		parse_amount(&opts->task_budget, task, "para.taskBudget");
	if (opts->budget_stop && !opts->budget.unit && !opts->task_budget.unit)
		die("--budget-stop needs a budget: --budget, para.budget or "
		    "para.taskBudget");
	if (!on_limit)
		config_or_die(para_config_string(&on_limit, config,
						 "para.onLimit"));
	if (!strcmp(on_limit, "stop"))
		opts->limit_stop = 1;
	else if (strcmp(on_limit, "wait"))
		die("invalid value '%s' for '%s': expected wait or stop",
		    on_limit, s->on_limit ? "--on-limit" : "para.onLimit");
	config_or_die(para_config_duration(&opts->limit_wait, config,
					   "para.limitWait"));
}

/* --tmux, else para.runner: headless or tmux */
static void load_runner(struct para_run_options *opts,
			struct para_config *config)
{
	const char *runner = NULL;

	if (opts->tmux >= 0)
		return;
	config_or_die(para_config_string(&runner, config, "para.runner"));
	if (!strcmp(runner, "tmux"))
		opts->tmux = 1;
	else if (!strcmp(runner, "headless"))
		opts->tmux = 0;
	else
		die("invalid value '%s' for 'para.runner': expected headless or tmux",
		    runner);
}

static void load_settings(struct para_run_options *opts,
			  struct para_config *config, const char *timeout)
{
	long n = 0;

	if (opts->jobs < 0)
		opts->jobs = default_jobs(config);
	else if (!opts->jobs)
		opts->jobs = para_sysinfo_cpus();
	if (timeout) {
		if (para_duration_parse(&opts->timeout, timeout) < 0)
			die("invalid duration '%s' for '--timeout': expected e.g. 90s, 30m or 2h",
			    timeout);
	} else {
		config_or_die(para_config_get_duration(&opts->timeout, config,
						       "para.timeout"));
	}
	config_or_die(para_config_duration(&opts->grace, config,
					   "para.killGrace"));
	if (opts->retries < 0) {
		config_or_die(para_config_get_int(&n, config, "para.retries",
						  0, 1000));
		opts->retries = (int)n;
	}
	config_or_die(para_config_bool(&opts->autocommit, config,
				       "para.autoCommit"));
	if (opts->retry_fresh < 0)
		config_or_die(para_config_bool(&opts->retry_fresh, config,
					       "para.retryFresh"));
	config_or_die(para_config_get_string(&opts->verify, config,
					     "para.verify"));
	config_or_die(para_config_get_string(&opts->command, config,
					     "para.command"));
	config_or_die(para_config_get_string(&opts->launcher, config,
					     "para.launcher"));
	if (!opts->backend)
		config_or_die(para_config_string(&opts->backend, config,
						 "para.backend"));
	config_or_die(para_config_get_string(&opts->slurm_options, config,
					     "para.slurmOptions"));
	config_or_die(para_config_get_string(&opts->resume_command, config,
					     "para.resumeCommand"));
	opts->resume_command = nonempty(opts->resume_command);
	load_runner(opts, config);
	opts->command = nonempty(opts->command);
	opts->launcher = nonempty(opts->launcher);
	opts->verify = nonempty(opts->verify);
	opts->slurm_options = nonempty(opts->slurm_options);
}

/* What the command line gave for watching the tasks, unparsed. */
struct watching {
	const char *idle_timeout, *notify;
};

static void load_watching(struct para_run_options *opts,
			  struct para_config *config, const struct watching *w)
{
	const char *action = NULL, *notify = w->notify;
	int on;

	if (w->idle_timeout) {
		if (para_duration_parse(&opts->idle_timeout,
					w->idle_timeout) < 0)
			die("invalid duration '%s' for '--idle-timeout': expected e.g. 90s, 30m or 2h",
			    w->idle_timeout);
	} else {
		config_or_die(para_config_get_duration(&opts->idle_timeout,
						       config,
						       "para.idleTimeout"));
	}
	config_or_die(para_config_string(&action, config, "para.idleAction"));
	if (!strcmp(action, "stop"))
		opts->idle_stop = 1;
	else if (strcmp(action, "mark"))
		die("invalid value '%s' for 'para.idleAction': expected mark or stop",
		    action);
	if (!notify)
		config_or_die(para_config_get_string(&notify, config,
						     "para.notify"));
	if (!notify)
		return;
	/* `--notify=` names no event: an error, not a "false" */
	if ((*notify || !w->notify) &&
	    para_config_parse_bool(&on, notify, "para.notify") == 0)
		opts->notify = on ? PARA_NOTIFY_DEFAULT : 0;
	else if (para_run_notify_parse(&opts->notify, notify) < 0)
		die("invalid value '%s' for '%s': %s", notify,
		    w->notify ? "--notify" : "para.notify", para_error_last());
}

/* Choosing the tasks. */

/* Is a task that another run is busy with left out, with a warning? */
static int busy_elsewhere(const struct para_task *task)
{
	enum para_task_state live = para_task_live_state(task);

	if ((live == PARA_STATE_RUNNING || live == PARA_STATE_QUEUED) &&
	    task->runner.pid != getpid()) {
		warning("task '%s' is %s in another 'git para run' (pid %ld)",
			task->name, para_task_state_name(live),
			(long)task->runner.pid);
		return 1;
	}
	return 0;
}

/* What the selection left out, to say why nothing runs. */
struct left_out {
	size_t tasks, done, busy;
	size_t incomplete;	/* left half made by a `git para add` */
	size_t unsucceeded;	/* done, but not as succeeded: empty, rejected */
};

/* Without names: the tasks not done yet that no other run holds. */
static int wanted(const struct para_run_options *opts,
		  const struct para_task *task, struct left_out *left)
{
	left->tasks++;
	if (opts->exec_argv)
		return 1;
	if (!opts->rerun && para_task_state_done(task->state)) {
		left->done++;
		if (!para_task_state_succeeded(task->state))
			left->unsucceeded++;
		return 0;
	}
	if (busy_elsewhere(task)) {
		left->busy++;
		return 0;
	}
	return 1;
}

/*
 * A task whose `git para add` is at work or died before its end has no
 * worktree to run in yet: refused by name, else left out with a warning.
 */
static int half_made(const struct para_task *task, int named)
{
	enum para_task_state live = para_task_live_state(task);

	if (live == PARA_STATE_CREATING) {
		if (named)
			die("task '%s' is being created by 'git para add' (pid %ld)",
			    task->name, (long)task->creator.pid);
		warning("task '%s' is being created by 'git para add' (pid %ld)",
			task->name, (long)task->creator.pid);
		return 1;
	}
	if (live != PARA_STATE_INCOMPLETE)
		return 0;
	if (named)
		die("task '%s' is incomplete: its 'git para add' was interrupted; 'git para prune %s' removes what is left, 'git para add' makes it again",
		    task->name, task->name);
	warning("task '%s' is incomplete: its 'git para add' was interrupted",
		task->name);
	return 1;
}

static void select_tasks(struct para_run *run, struct para_repo *repo,
			 const struct para_run_options *opts,
			 struct left_out *left, int argc, const char **argv)
{
	struct para_strvec names = PARA_STRVEC_INIT;
	int named = argc > 0;
	size_t k;

	if (para_task_select(&names, repo, argv, argc, 0) < 0)
		die_lib();
	for (k = 0; k < names.nr; k++) {
		struct para_task task;

		if (para_state_load(&task, repo, names.v[k]) < 0) {
			if (named)
				die_lib();
			error_lib();
			para_run_set_failed(run);
			continue;
		}
		if (half_made(&task, named)) {
			left->tasks++;
			left->incomplete++;
			para_task_dispose(&task);
			continue;
		}
		if (!named && !wanted(opts, &task, left)) {
			para_task_dispose(&task);
			continue;
		}
		if (!opts->exec_argv && !task.command && !opts->command)
			die("no command to run for task '%s': set 'para.command' or give '-- <command>'",
			    task.name);
		para_run_add(run, &task);
	}
	para_strvec_dispose(&names);
}

static void say_nothing_to_run(const struct left_out *left)
{
	if (!left->tasks)
		printf("nothing to run: there are no tasks (see 'git para add')\n");
	else if (left->incomplete == left->tasks)
		printf("nothing to run: every task is incomplete (see 'git para status')\n");
	else if (!left->busy && left->unsucceeded)
		printf("nothing to run: every task has finished (use --rerun; 'git para status' says how)\n");
	else if (!left->busy)
		printf("nothing to run: every task has succeeded (use --rerun)\n");
	else if (!left->done)
		printf("nothing to run: every task is running in another 'git para run'\n");
	else if (left->unsucceeded)
		printf("nothing to run: every task has finished or is running in another 'git para run'\n");
	else
		printf("nothing to run: every task has succeeded or is running in another 'git para run'\n");
}

/* The last word: one summary line, or why there was nothing to do. */
static void say_summary(const struct output *o, const struct para_run *run,
			const struct left_out *left)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	int failed = para_run_failed(run) || para_run_interrupted(run);

	if (o->quiet && !failed)
		return;
	if (!para_run_selected(run)) {
		if (!failed)
			say_nothing_to_run(left);
		return;
	}
	para_run_summary(&sb, run);
	printf("%s\n", sb.buf);
	fflush(stdout);
	para_strbuf_dispose(&sb);
}

/* `-- <command> [<arg>...]` ends the task names. */
static int split_command(int argc, const char **argv,
			 struct para_run_options *opts,
			 const struct option *options)
{
	int i;

	for (i = 0; i < argc; i++) {
		if (strcmp(argv[i], "--"))
			continue;
		if (i + 1 == argc)
			usage_msg_opt("'--' must be followed by a command",
				      run_usage, options);
		argv[argc] = NULL;
		opts->exec_argv = argv + i + 1;
		return i;
	}
	return argc;
}

int cmd_main(int argc, const char **argv)
{
	struct para_run_options opts = { .jobs = -1, .retries = -1,
					 .retry_fresh = -1, .tmux = -1 };
	struct output o = { 0, 0 };
	struct para_run_output out = { report, tagged_line, report_error,
				       report_warning, notice, NULL, &o };
	struct para_repo *repo = NULL;
	struct para_config *config = NULL;
	struct para_run *run = NULL;
	struct left_out left = { 0, 0, 0, 0, 0 };
	const char *timeout = NULL;
	struct admission admission = { NULL, NULL, NULL };
	struct spending spending = { NULL, NULL };
	struct watching watching = { NULL, NULL };
	int status;
	struct option options[] = {
		OPT_INT('j', "jobs", &opts.jobs, "<n>",
			"run at most <n> tasks at a time"),
		OPT_STRING(0, "timeout", &timeout, "<duration>",
			   "stop a task that runs longer (e.g. 90s, 30m, 2h)"),
		OPT_STRING(0, "idle-timeout", &watching.idle_timeout,
			   "<duration>",
			   "mark a task stalled when its log is still that long"),
		OPT_STRING_OPTARG(0, "notify", &watching.notify, "<events>",
				  "notify of end, fail, stall, waiting",
				  "true"),
		OPT_STRING(0, "memfree", &admission.memfree, "<size>",
			   "start a task only while more memory is available"),
		OPT_STRING(0, "load", &admission.load, "<n>|<n>%",
			   "start no task while the load is above it"),
		OPT_STRING(0, "delay", &admission.delay, "<duration>",
			   "wait at least this long between two starts"),
		OPT_STRING(0, "budget", &spending.budget, "<amount>",
			   "start no task once this much is spent (25usd, 2000000tok)"),
		OPT_BOOL(0, "budget-stop", &opts.budget_stop,
			 "stop a task that spends more than its share"),
		OPT_STRING(0, "on-limit", &spending.on_limit, "wait|stop",
			   "when a task is rate-limited: wait, or end the run"),
		OPT_INT(0, "retries", &opts.retries, "<n>",
			"try a failed task again up to <n> times"),
		OPT_BOOL(0, "retry-fresh", &opts.retry_fresh,
			 "start a retry from where the failed attempt began"),
		OPT_BOOL(0, "halt-on-failure", &opts.halt,
			 "start no new task after a failure"),
		OPT_BOOL(0, "rerun", &opts.rerun,
			 "also run tasks that succeeded already"),
		OPT_STRING(0, "backend", &opts.backend, "<name>",
			   "where the commands run: local or slurm"),
		OPT_BOOL(0, "tmux", &opts.tmux,
			 "run each task in a window of tmux session para-<repo>"),
		OPT_BOOL(0, "tag", &opts.tag,
			 "show the tasks' output, each line prefixed [<task>]"),
		OPT_BOOL('q', "quiet", &o.quiet, "report only failures"),
		OPT_END()
	};

	/* the side of a tmux window (lib/run-tmux.h), not for people */
	if (argc == 3 && !strcmp(argv[1], "--tmux-pane"))
		return para_run_tmux_pane(argv[2]);
	argc = parse_options(argc, argv, options, run_usage,
			     PARSE_OPT_KEEP_DASHDASH);
	argc = split_command(argc, argv, &opts, options);
	if (para_lib_init() < 0 || para_repo_open(&repo) < 0 ||
	    para_config_open(&config, repo) < 0)
		die_lib();
	load_settings(&opts, config, timeout);
	hook_output = &o;
	para_hook_set_warning(hook_warning);
	load_admission(&opts, config, &admission);
	load_spending(&opts, config, &spending);
	load_watching(&opts, config, &watching);
	if (!o.quiet && isatty_fd(2))
		out.tick = draw_progress;
	if (para_run_new(&run, repo, &opts, &out) < 0)
		die_lib();
	select_tasks(run, repo, &opts, &left, argc, argv);
	if (para_run_execute(run) < 0)
		die_lib();
	clear_progress(&o);
	say_summary(&o, run, &left);
	status = para_run_interrupted(run) ? 130 :
		 para_run_limit_stopped(run) ? 75 :
		 para_run_failed(run) ? 1 : 0;
	para_run_free(run);
	para_config_free(config);
	para_repo_free(repo);
	return status;
}
