/*
 * --notify: telling the user of what happens to a task while they do
 * something else (run-internal.h).
 */
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "error.h"
#include "hook.h"
#include "run-internal.h"
#include "strbuf.h"

/*
 * notify-send returns at once when a notification daemon answers; one
 * that hangs (no session bus) is killed after this long, so that the
 * run goes on.
 */
#define NOTIFY_TIMEOUT_MS 2000

static const struct {
	const char *name;
	unsigned int event;
} events[] = {
	{ "end", PARA_NOTIFY_END },
	{ "fail", PARA_NOTIFY_FAIL },
	{ "stall", PARA_NOTIFY_STALL },
	{ "waiting", PARA_NOTIFY_WAITING },
};

static int parse_one(unsigned int *out, const char *word, size_t len)
{
	size_t i;

	for (i = 0; i < sizeof(events) / sizeof(*events); i++)
		if (strlen(events[i].name) == len &&
		    !strncmp(events[i].name, word, len)) {
			*out |= events[i].event;
			return 0;
		}
	return para_error_set(PARA_EINVALID,
			      "unknown notify event '%.*s': expected end, "
			      "fail, stall, waiting or none", (int)len, word);
}

int para_run_notify_parse(unsigned int *out, const char *text)
{
	const char *p = text;
	unsigned int set = 0;
	int error;

	*out = 0;
	if (!strcmp(text, "none"))
		return 0;
	for (;;) {
		size_t len = strcspn(p, ",");

		if ((error = parse_one(&set, p, len)) < 0)
			return error;
		if (!p[len])
			break;
		p += len + 1;
	}
	*out = set;
	return 0;
}

/* The path of `name` in $PATH, or NULL (malloc'd). */
static char *find_program(const char *name)
{
	const char *path = getenv("PATH"), *p;
	char *file;

	for (p = path; p && *p; p += *p == ':') {
		size_t len = strcspn(p, ":");

		file = len ? para_xstrfmt("%.*s/%s", (int)len, p, name)
			   : para_xstrfmt("./%s", name);
		if (!access(file, X_OK))
			return file;
		free(file);
		p += len;
	}
	return NULL;
}

/* 0 when notify-send showed it. */
static int send_desktop(struct para_run *run, const char *title,
			const char *body)
{
	char *program = find_program("notify-send");
	const char *argv[] = { NULL, "--app-name=git-para", title, body,
			       NULL };
	extern char **environ;
	struct para_hook_exec r;
	int error = -1;

	if (!program)
		return -1;
	argv[0] = program;
	if (para_hook_exec(&r, argv, (const char *const *)environ,
			   para_repo_git_cwd(run->repo),
			   NOTIFY_TIMEOUT_MS) < 0) {
		para_error_clear();
		goto out;
	}
	error = r.timed_out || r.signal || r.code ? -1 : 0;
	para_hook_exec_dispose(&r);
out:
	free(program);
	return error;
}

void para_run_notify(struct para_run *run, const struct para_run_job *job,
		     unsigned int event, const char *what)
{
	char *title;

	if (!(run->opts.notify & event))
		return;
	title = para_xstrfmt("git para: %s", job->task.name);
	if (send_desktop(run, title, what) < 0 && run->out.notice)
		run->out.notice(run->out.data, job->task.name, what);
	free(title);
}

void para_run_notify_end(struct para_run *run, const struct para_run_job *job)
{
	char what[512];

	para_attempt_describe(what, sizeof(what), &job->last);
	para_run_notify(run, job, para_task_state_ok(job->last.state) ?
			PARA_NOTIFY_END : PARA_NOTIFY_END | PARA_NOTIFY_FAIL,
			what);
}
