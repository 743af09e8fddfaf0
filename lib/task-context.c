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

static void add_head(struct para_strbuf *out, const char *repo_name, int none)
{
	para_strbuf_addstr(out, "# Tasks of ");
	add_line(out, repo_name ? repo_name : "this repository", ASK_MAX);
	para_strbuf_addstr(out, "\n\n");
	para_strbuf_addstr(out, "git-para rewrites this file whenever a task "
			   "changes; read it, do not edit it.  Each task "
			   "works in its own worktree on its own branch.\n\n");
	if (none)
		para_strbuf_addstr(out, "There are no tasks.\n\n");
}

static void add_tail(struct para_strbuf *out, const struct para_strvec *damaged)
{
	size_t i;

	for (i = 0; damaged && i < damaged->nr; i++)
		para_strbuf_addf(out, "## %s\n\n- state: unknown (its state "
				 "file is damaged)\n\n", damaged->v[i]);
	para_strbuf_addstr(out, PARA_CONTEXT_END "\n");
}

void para_context_format(struct para_strbuf *out, const char *repo_name,
			 const struct para_task *tasks, size_t nr,
			 const struct para_strvec *damaged)
{
	size_t i;

	add_head(out, repo_name, !nr && (!damaged || !damaged->nr));
	for (i = 0; i < nr; i++)
		para_context_format_task(out, &tasks[i]);
	add_tail(out, damaged);
}

/*
 * While a process defers (the runner, which rewrites the file once a
 * turn), the section of each task is kept with the bytes of the state
 * file it was made from: reading a small file is cheap, parsing it is
 * not, so only the tasks whose state file changed are parsed again.
 * (Its inode, size and mtime would not do: a file replaced twice within
 * one tick of the file system's clock may get its inode back.)
 */
struct section {
	char *name;
	struct para_strbuf raw;
	char *text;
};

static const struct para_repo *deferred;
static int stale;
static struct section *sections;
static size_t sections_nr, sections_alloc;

static void sections_clear(void)
{
	size_t i;

	for (i = 0; i < sections_nr; i++) {
		free(sections[i].name);
		para_strbuf_dispose(&sections[i].raw);
		free(sections[i].text);
	}
	free(sections);
	sections = NULL;
	sections_nr = sections_alloc = 0;
}

/* The kept section of `name`, at `hint` when it is there; or NULL. */
static struct section *section_find(const char *name, size_t hint)
{
	size_t i;

	if (hint < sections_nr && !strcmp(sections[hint].name, name))
		return &sections[hint];
	for (i = 0; i < sections_nr; i++)
		if (!strcmp(sections[i].name, name))
			return &sections[i];
	return NULL;
}

static int section_same(const struct section *c, const struct para_strbuf *raw)
{
	return c->raw.len == raw->len && !memcmp(c->raw.buf, raw->buf, raw->len);
}

static void section_keep(const char *name, size_t hint,
			 const struct para_strbuf *raw, const char *text)
{
	struct para_strbuf empty = PARA_STRBUF_INIT;
	struct section *c = section_find(name, hint);

	if (!c) {
		if (sections_nr == sections_alloc) {
			sections_alloc = sections_alloc ? 2 * sections_alloc
							: 64;
			sections = para_realloc(sections, sections_alloc *
						sizeof(*sections));
		}
		c = &sections[sections_nr++];
		c->name = para_strdup(name);
		c->raw = empty;
		c->text = NULL;
	}
	free(c->text);
	c->text = para_strdup(text);
	para_strbuf_reset(&c->raw);
	para_strbuf_add(&c->raw, raw->buf, raw->len);
}

/*
 * Appends the section of task `name` (the `i`th listed), or names it in
 * `damaged`; returns 1 when there was a task to show.
 */
static int add_task(struct para_strbuf *out, struct para_strvec *damaged,
		    const struct para_repo *repo, const char *name, size_t i)
{
	struct para_strbuf text = PARA_STRBUF_INIT, raw = PARA_STRBUF_INIT;
	struct para_task task;
	char *path = para_state_task_path(repo, name);
	int keep = repo == deferred &&
		   para_strbuf_read_file(&raw, path) == 0, shown = 0;
	struct section *c = keep ? section_find(name, i) : NULL;

	para_error_clear();
	free(path);
	if (c && section_same(c, &raw)) {
		para_strbuf_addstr(out, c->text);
		para_strbuf_dispose(&raw);
		return 1;
	}
	if (para_state_load(&task, repo, name) < 0) {
		para_error_clear();
		/* removed since it was listed: gone, not damaged */
		if (para_state_exists(repo, name))
			para_strvec_push(damaged, name);
		goto out;
	}
	para_context_format_task(&text, &task);
	/* a change between the two reads costs only a parse next time */
	if (keep)
		section_keep(name, i, &raw, text.buf);
	para_strbuf_add(out, text.buf, text.len);
	shown = 1;
	para_task_dispose(&task);
out:
	para_strbuf_dispose(&text);
	para_strbuf_dispose(&raw);
	return shown;
}

int para_context_refresh(const struct para_repo *repo)
{
	struct para_strvec names = PARA_STRVEC_INIT, damaged = PARA_STRVEC_INIT;
	struct para_strbuf body = PARA_STRBUF_INIT, data = PARA_STRBUF_INIT;
	struct para_lock lock = PARA_LOCK_INIT;
	char *path = NULL;
	size_t i, shown = 0;
	int error;

	if ((error = para_state_lock(&lock, repo, PARA_STATE_CONTEXT_LOCK,
				     PARA_LOCK_WAIT)) < 0)
		return error;
	if ((error = para_state_list(&names, repo)) < 0)
		goto out;
	for (i = 0; i < names.nr; i++)
		shown += add_task(&body, &damaged, repo, names.v[i], i);
	add_head(&data, repo->name, !shown && !damaged.nr);
	para_strbuf_add(&data, body.buf, body.len);
	add_tail(&data, &damaged);
	path = para_state_context_path(repo);
	error = para_write_file_atomic(path, data.buf, data.len);
out:
	para_lock_release(&lock);
	free(path);
	para_strbuf_dispose(&body);
	para_strbuf_dispose(&data);
	para_strvec_dispose(&names);
	para_strvec_dispose(&damaged);
	return error;
}

/* One process defers for one repository at a time. */

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
	sections_clear();
}
