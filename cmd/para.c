/*
 * git-para: the dispatcher.  `git para <sub> ...` runs git-para-<sub>,
 * looked up first beside this program, then on PATH.
 */
#include <errno.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "command.h"
#include "config-keys.h"
#include "similar.h"
#include "strbuf.h"
#include "usage.h"

static const char *const para_usage =
	"usage: git para [--version] [-h | --help] <command> [<args>]\n";

static const struct {
	const char *name;
	const char *help;
} commands[] = {
	{ "add", "Create a task: a branch and a worktree with a path domain" },
	{ "edit", "Change a task that is not running, by the rules of add" },
	{ "run", "Run the tasks' commands in parallel, in dependency order" },
	{ "status", "Show the tasks, their progress and their changes" },
	{ "stop", "Stop running tasks, whichever 'git para run' owns them" },
	{ "wait", "Wait until tasks have ended, and exit as run would" },
	{ "logs", "Show the tasks' logs, line by line, and follow them" },
	{ "attach", "Step into a task: its tmux window, or its agent's session" },
	{ "collect", "Check, merge, push and open pull requests for tasks" },
	{ "resolve", "Send a task set aside by a conflict back to resolve it" },
	{ "sync", "Move idle tasks onto the current tip of their base" },
	{ "prune", "Remove finished tasks without losing work" },
	{ "sync-files", "Copy and link files from the main worktree again" },
};

#define COMMANDS_NR (sizeof(commands) / sizeof(*commands))

static void print_usage(FILE *out)
{
	size_t i;

	fputs(para_usage, out);
	fputs("\nThese are the git para commands:\n\n", out);
	for (i = 0; i < COMMANDS_NR; i++)
		fprintf(out, "   %-10s %s\n", commands[i].name,
			commands[i].help);
	fputs("\n'git para help <command>' or 'git para <command> --help' "
	      "opens a command's manual.\n", out);
}

static int known_sub(const char *sub)
{
	size_t i;

	for (i = 0; i < COMMANDS_NR; i++)
		if (!strcmp(commands[i].name, sub))
			return 1;
	return 0;
}

/* "is not a git-para command", and what may have been meant, as git says */
static int not_a_command(const char *sub)
{
	const char *names[COMMANDS_NR + 1], *similar;
	size_t i;

	for (i = 0; i < COMMANDS_NR; i++)
		names[i] = commands[i].name;
	names[COMMANDS_NR] = NULL;
	fprintf(stderr, "git: 'para %s' is not a git-para command. "
		"See 'git para -h'.\n", sub);
	if ((similar = para_most_similar(sub, names)))
		fprintf(stderr, "\nThe most similar command is\n\t%s\n",
			similar);
	return 129;
}

/* Opens the manual with `git help`; its failure is ours (exit 128). */
static int run_help(const char *sub)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	char *page = sub ? para_xstrfmt("para-%s", sub) : para_strdup("para");
	int status;

	if (sub && !known_sub(sub)) {
		free(page);
		return not_a_command(sub);
	}
	para_strvec_pushv(&cmd.args,
			  (const char *const[]){ "git", "help", page, NULL });
	fflush(stdout);
	status = para_command_run(&cmd);
	free(page);
	return status ? 128 : 0;
}

/* The directory this program was started from, or NULL. */
static char *own_dir(void)
{
	char path[PATH_MAX];
	ssize_t n = readlink("/proc/self/exe", path, sizeof(path) - 1);
	char *slash;

	if (n <= 0)
		return NULL;
	path[n] = '\0';
	slash = strrchr(path, '/');
	if (!slash)
		return NULL;
	*slash = '\0';
	return para_strdup(path);
}

static int valid_sub(const char *sub)
{
	return *sub && *sub != '-' && !strchr(sub, '/');
}

static void exec_sub(const char *sub, int argc, const char **argv)
{
	char *dir = own_dir();
	char *prog = para_xstrfmt("git-para-%s", sub);

	argv[0] = prog;
	fflush(stdout);
	if (dir) {
		char *path = para_xstrfmt("%s/%s", dir, prog);

		if (!access(path, X_OK))
			execv(path, (char *const *)argv);
		free(path);
	}
	execvp(prog, (char *const *)argv);
	if (errno != ENOENT)
		die("cannot run '%s': %s", prog, strerror(errno));
	(void)argc;
	free(prog);
	free(dir);
}

static int list_for_completion(void)
{
	size_t i;

	for (i = 0; i < COMMANDS_NR; i++)
		printf("%s%s", i ? " " : "", commands[i].name);
	printf(" help --version --help\n");
	return 0;
}

/* The configuration keys and their defaults, for the documentation test. */
static int list_config_keys(void)
{
	size_t i;

	for (i = 0; i < para_config_keys_nr; i++)
		printf("%s\t%s\t%s\n", para_config_keys[i].name,
		       para_config_type_name(para_config_keys[i].type),
		       para_config_keys[i].def ? para_config_keys[i].def : "");
	return 0;
}

int cmd_main(int argc, const char **argv)
{
	const char *sub = argc > 1 ? argv[1] : NULL;

	if (!sub) {
		/* as `git` alone: the usage, but as a failure */
		print_usage(stderr);
		return 1;
	}
	if (!strcmp(sub, "-h")) {
		print_usage(stdout);
		return 0;
	}
	if (!strcmp(sub, "--version") || !strcmp(sub, "version")) {
		printf("git-para version %s\n", PARA_VERSION);
		return 0;
	}
	if (!strcmp(sub, "--help"))
		return run_help(NULL);
	if (!strcmp(sub, "--git-completion-helper"))
		return list_for_completion();
	if (!strcmp(sub, "--config-keys"))
		return list_config_keys();
	if (!strcmp(sub, "help"))
		return run_help(argc > 2 ? argv[2] : NULL);
	if (sub[0] == '-') {
		fprintf(stderr, "error: unknown option '%s'\n", sub);
		print_usage(stderr);
		return 129;
	}
	if (valid_sub(sub))
		exec_sub(sub, argc - 1, argv + 1);
	return not_a_command(sub);
}
