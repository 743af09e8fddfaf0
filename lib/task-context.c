/*
 * The shared context file, PARA_CONTEXT (task-context.h).
 */
#include <stdlib.h>
#include <string.h>

#include "error.h"
#include "fs.h"
#include "lock.h"
#include "task-context.h"
#include "task-result.h"
#include "task-state.h"

/* What a task is asked to do, shown at most this long (bytes). */
#define ASK_MAX 300
/* ... and what it reported of its work. */
#define SUMMARY_MAX 2000

/* A value on one line: control characters (newlines) become spaces. */
static void add_line(struct para_strbuf *out, const char *s, size_t max)
{
	size_t i;

	for (i = 0; s[i] && i < max; i++)
		para_strbuf_addch(out, (unsigned char)s[i] < 0x20 ||
				  s[i] == 0x7f ? ' ' : s[i]);
	if (s[i]) {
		/* never cut a UTF-8 character in two */
		while (out->len && ((unsigned char)out->buf[out->len - 1] &
				    0xc0) == 0x80)
			para_strbuf_setlen(out, out->len - 1);
		if (out->len && (unsigned char)out->buf[out->len - 1] >= 0xc0)
			para_strbuf_setlen(out, out->len - 1);
		para_strbuf_addstr(out, "...");
	}
}

/* A code span that holds any pattern: a fence longer than its backticks. */
static void add_code(struct para_strbuf *out, const char *s)
{
	int fence = strchr(s, '`') != NULL;

	para_strbuf_addstr(out, fence ? "`` " : "`");
	add_line(out, s, strlen(s));
	para_strbuf_addstr(out, fence ? " ``" : "`");
}

static void add_list(struct para_strbuf *out, const char *what,
		     const struct para_strvec *v, const char *none)
{
	size_t i;

	para_strbuf_addf(out, "- %s: ", what);
	if (!v->nr)
		para_strbuf_addstr(out, none);
	for (i = 0; i < v->nr; i++) {
		if (i)
			para_strbuf_addstr(out, ", ");
		add_code(out, v->v[i]);
	}
	para_strbuf_addch(out, '\n');
}

/* The prompt's first non-empty line, or the title. */
static const char *ask_of(const struct para_task *task, size_t *len)
{
	const char *p = task->prompt;

	if (task->title && *task->title)
		p = task->title;
	if (!p)
		return NULL;
	p += strspn(p, " \t\r\n");
	*len = strcspn(p, "\n");
	return *p ? p : NULL;
}

/*
 * What the task's latest report said of its work (PARA_RESULT's summary),
 * as a quote under the item, at most SUMMARY_MAX bytes of it.
 */
static void add_summary(struct para_strbuf *out, const struct para_task *task)
{
	struct para_result r = PARA_RESULT_INIT;
	const char *p;
	size_t left = SUMMARY_MAX;

	if (para_result_total(&r, task) < 0) {
		para_error_clear();
		return;
	}
	if (!(r.has & PARA_RESULT_SUMMARY) || !r.summary ||
	    !*(p = r.summary + strspn(r.summary, " \t\r\n")))
		goto out;
	para_strbuf_addstr(out, "- summary:\n");
	while (*p && left) {
		size_t len = strcspn(p, "\n");
		char *line = para_strndup(p, len);

		para_strbuf_addstr(out, "  > ");
		add_line(out, line, len < left ? len : left);
		para_strbuf_addch(out, '\n');
		left -= len < left ? len : left;
		free(line);
		p += len + (p[len] == '\n');
	}
out:
	para_result_dispose(&r);
}

void para_context_format_task(struct para_strbuf *out,
			      const struct para_task *task)
{
	const char *ask;
	size_t len = 0;

	para_strbuf_addf(out, "## %s\n\n", task->name);
	para_strbuf_addf(out, "- state: %s",
			 para_task_state_name(task->state));
	if (task->state == PARA_STATE_RUNNING && task->agent_state) {
		para_strbuf_addstr(out, ": ");
		add_line(out, task->agent_state, ASK_MAX);
		if (task->agent_message && *task->agent_message) {
			para_strbuf_addstr(out, " (");
			add_line(out, task->agent_message, ASK_MAX);
			para_strbuf_addch(out, ')');
		}
	}
	if (task->state == PARA_STATE_RUNNING && task->stalled)
		para_strbuf_addstr(out, task->agent_state ? ", stalled"
				   : ": stalled");
	para_strbuf_addch(out, '\n');
	if (task->branch) {
		para_strbuf_addstr(out, "- branch: ");
		add_code(out, task->branch);
		para_strbuf_addch(out, '\n');
	}
	add_list(out, "domain", &task->paths, "the whole tree");
	add_list(out, "after", &task->after, "none");
	if ((ask = ask_of(task, &len))) {
		char *line = para_strndup(ask, len);

		para_strbuf_addstr(out, "- task: ");
		add_line(out, line, ASK_MAX);
		para_strbuf_addch(out, '\n');
		free(line);
	}
	add_summary(out, task);
	para_strbuf_addch(out, '\n');
}

void para_context_format(struct para_strbuf *out, const char *repo_name,
			 const struct para_task *tasks, size_t nr,
			 const struct para_strvec *damaged)
{
	size_t i;

	para_strbuf_addstr(out, "# Tasks of ");
	add_line(out, repo_name ? repo_name : "this repository", ASK_MAX);
	para_strbuf_addstr(out, "\n\n");
	para_strbuf_addstr(out, "git-para rewrites this file whenever a task "
			   "changes; read it, do not edit it.  Each task "
			   "works in its own worktree on its own branch.\n\n");
	if (!nr && (!damaged || !damaged->nr))
		para_strbuf_addstr(out, "There are no tasks.\n\n");
	for (i = 0; i < nr; i++)
		para_context_format_task(out, &tasks[i]);
	for (i = 0; damaged && i < damaged->nr; i++)
		para_strbuf_addf(out, "## %s\n\n- state: unknown (its state "
				 "file is damaged)\n\n", damaged->v[i]);
	para_strbuf_addstr(out, PARA_CONTEXT_END "\n");
}

/* Every task that loads, in name order; the others by name. */
static void load_all(struct para_task **out, size_t *nr,
		     struct para_strvec *damaged, const struct para_repo *repo,
		     const struct para_strvec *names)
{
	size_t i;

	*out = para_calloc(names->nr + 1, sizeof(**out));
	*nr = 0;
	for (i = 0; i < names->nr; i++) {
		if (para_state_load(&(*out)[*nr], repo, names->v[i]) < 0) {
			para_error_clear();
			/* removed since it was listed: gone, not damaged */
			if (para_state_exists(repo, names->v[i]))
				para_strvec_push(damaged, names->v[i]);
			continue;
		}
		(*nr)++;
	}
}

int para_context_refresh(const struct para_repo *repo)
{
	struct para_strvec names = PARA_STRVEC_INIT, damaged = PARA_STRVEC_INIT;
	struct para_strbuf data = PARA_STRBUF_INIT;
	struct para_lock lock = PARA_LOCK_INIT;
	struct para_task *tasks = NULL;
	char *path = NULL;
	size_t nr = 0, i;
	int error;

	if ((error = para_state_lock(&lock, repo, PARA_STATE_CONTEXT_LOCK,
				     PARA_LOCK_WAIT)) < 0)
		return error;
	if ((error = para_state_list(&names, repo)) < 0)
		goto out;
	load_all(&tasks, &nr, &damaged, repo, &names);
	para_context_format(&data, repo->name, tasks, nr, &damaged);
	path = para_state_context_path(repo);
	error = para_write_file_atomic(path, data.buf, data.len);
out:
	para_lock_release(&lock);
	for (i = 0; i < nr; i++)
		para_task_dispose(&tasks[i]);
	free(tasks);
	free(path);
	para_strbuf_dispose(&data);
	para_strvec_dispose(&names);
	para_strvec_dispose(&damaged);
	return error;
}

/* One process defers for one repository at a time. */
static const struct para_repo *deferred;
static int stale;

void para_context_flush(const struct para_repo *repo)
{
	if (!stale || repo != deferred)
		return;
	stale = 0;
	if (para_context_refresh(repo) < 0)
		para_error_clear();
}

void para_context_changed(const struct para_repo *repo)
{
	if (repo == deferred) {
		stale = 1;
		return;
	}
	if (para_context_refresh(repo) < 0)
		para_error_clear();
}

void para_context_defer(const struct para_repo *repo, int on)
{
	if (on) {
		deferred = repo;
		stale = 0;
		return;
	}
	para_context_flush(repo);
	deferred = NULL;
}
