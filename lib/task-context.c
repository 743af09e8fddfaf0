/*
 * The shared context file, PARA_CONTEXT (task-context.h).
 */
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "error.h"
#include "fs.h"
#include "lock.h"
#include "task-context.h"
#include "task-result.h"
#include "task-state.h"
#include "sorted.h"

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
 * turn), it keeps the section of every task it last wrote, in order,
 * and the file as it wrote it.  A task it changes itself gets the new
 * section from that change; the others are taken as they were, as long
 * as the file is still the one it wrote: every other writer of a task's
 * state rewrites the file too (at once, or at the end of its own
 * deferral), so a file that is not ours says that something changed,
 * and then every state file is looked at again.  That is done cheaply
 * too: each section is kept with the bytes of the state file it was
 * made from, and only a file whose bytes changed is parsed again.  (Its
 * inode, size and mtime would not do: a file replaced twice within one
 * tick of the file system's clock may get its inode back.)
 */
struct section {
	char *name;
	struct para_strbuf raw;	/* the state file the text was made from */
	int raw_known;		/* raw is that file (not our own change) */
	char *text;		/* NULL: its state file is damaged */
};

static const struct para_repo *deferred;
static int stale;
static struct section *sections;
static size_t sections_nr;
/* The file as this process last wrote it, and sections are its tasks. */
static struct stat written;
static int written_valid;

static void section_dispose(struct section *c)
{
	free(c->name);
	para_strbuf_dispose(&c->raw);
	free(c->text);
}

static void sections_clear(void)
{
	size_t i;

	for (i = 0; i < sections_nr; i++)
		section_dispose(&sections[i]);
	free(sections);
	sections = NULL;
	sections_nr = 0;
	written_valid = 0;
}

/* The kept section of `name`, at `hint` when it is there; or NULL. */
static struct section *section_find(const char *name, size_t hint)
{
	size_t at;

	if (hint < sections_nr && !strcmp(sections[hint].name, name))
		return &sections[hint];
	/* kept in the order para_state_list() gives: sorted */
	if (PARA_SORTED_FIND(&at, struct section, sections, sections_nr, name,
			     name) < 0)
		return NULL;
	return &sections[at];
}

static int section_same(const struct section *c, const struct para_strbuf *raw)
{
	return c->raw_known && c->text && c->raw.len == raw->len &&
	       !memcmp(c->raw.buf, raw->buf, raw->len);
}

/*
 * The section of task `name` (the `i`th listed) into `out`: its text,
 * or NULL when its state file is damaged.  Returns 0, or 1 when the
 * task is gone.  While deferring, a kept section whose state file did
 * not change is taken as it is (`old`, which is then emptied).
 */
static int section_make(struct section *out, struct section *old,
			const struct para_repo *repo, const char *name)
{
	struct para_strbuf text = PARA_STRBUF_INIT;
	struct para_task task;
	char *path = para_state_task_path(repo, name);

	out->name = para_strdup(name);
	out->raw = (struct para_strbuf)PARA_STRBUF_INIT;
	out->text = NULL;
	out->raw_known = repo == deferred &&
			 para_strbuf_read_file(&out->raw, path) == 0;
	para_error_clear();
	free(path);
	if (old && out->raw_known && section_same(old, &out->raw)) {
		out->text = old->text;
		old->text = NULL;
		return 0;
	}
	if (para_state_load(&task, repo, name) < 0) {
		para_error_clear();
		out->raw_known = 0;
		/* removed since it was listed: gone, not damaged */
		return para_state_exists(repo, name) ? 0 : 1;
	}
	para_context_format_task(&text, &task);
	/* a change between the two reads costs only a parse next time */
	out->text = para_strbuf_detach(&text);
	para_task_dispose(&task);
	return 0;
}

/* The file from these sections. */
static void assemble(struct para_strbuf *out, const char *repo_name,
		     const struct section *list, size_t nr)
{
	struct para_strvec damaged = PARA_STRVEC_INIT;
	size_t i, shown = 0;

	for (i = 0; i < nr; i++) {
		if (list[i].text)
			shown++;
		else
			para_strvec_push(&damaged, list[i].name);
	}
	add_head(out, repo_name, !shown && !damaged.nr);
	for (i = 0; i < nr; i++)
		if (list[i].text)
			para_strbuf_addstr(out, list[i].text);
	add_tail(out, &damaged);
	para_strvec_dispose(&damaged);
}

/* Every task's section, from the state files; the kept ones replaced. */
static int sections_load(struct section **out, size_t *nr,
			 const struct para_repo *repo)
{
	struct para_strvec names = PARA_STRVEC_INIT;
	struct section *list;
	size_t i, n = 0;
	int error;

	if ((error = para_state_list(&names, repo)) < 0)
		return error;
	list = para_calloc(names.nr + 1, sizeof(*list));
	for (i = 0; i < names.nr; i++) {
		struct section *old = repo == deferred ?
			section_find(names.v[i], i) : NULL;

		if (section_make(&list[n], old, repo, names.v[i]))
			section_dispose(&list[n]);
		else
			n++;
	}
	para_strvec_dispose(&names);
	*out = list;
	*nr = n;
	return 0;
}

/*
 * Is the file still the one this process wrote last?  Every writer
 * replaces it with a new file (rename), and one written in place
 * changes its times: its identity, size and times tell.
 */
static int same_file(const struct stat *a, const struct stat *b)
{
	return a->st_dev == b->st_dev && a->st_ino == b->st_ino &&
	       a->st_size == b->st_size &&
	       a->st_mtim.tv_sec == b->st_mtim.tv_sec &&
	       a->st_mtim.tv_nsec == b->st_mtim.tv_nsec &&
	       a->st_ctim.tv_sec == b->st_ctim.tv_sec &&
	       a->st_ctim.tv_nsec == b->st_ctim.tv_nsec;
}

static int still_ours(const struct para_repo *repo, const char *path)
{
	struct stat now;

	if (repo != deferred || !written_valid)
		return 0;
	return !stat(path, &now) && same_file(&now, &written);
}

static void sections_replace(struct section *list, size_t nr)
{
	size_t i;

	for (i = 0; i < sections_nr; i++)
		section_dispose(&sections[i]);
	free(sections);
	sections = list;
	sections_nr = nr;
}

int para_context_refresh(const struct para_repo *repo)
{
	struct para_strbuf data = PARA_STRBUF_INIT;
	struct para_lock lock = PARA_LOCK_INIT;
	struct section *list = NULL;
	char *path = para_state_context_path(repo);
	size_t i, nr = 0;
	int error, reuse;

	if ((error = para_state_lock(&lock, repo, PARA_STATE_CONTEXT_LOCK,
				     PARA_LOCK_WAIT)) < 0)
		goto out;
	reuse = still_ours(repo, path);
	if (!reuse && (error = sections_load(&list, &nr, repo)) < 0)
		goto out;
	if (reuse)
		assemble(&data, repo->name, sections, sections_nr);
	else
		assemble(&data, repo->name, list, nr);
	error = para_write_file_replace(path, data.buf, data.len);
	if (repo == deferred) {
		if (!reuse) {
			sections_replace(list, nr);
			list = NULL;
		}
		written_valid = !error && !stat(path, &written);
	}
out:
	para_lock_release(&lock);
	for (i = 0; list && i < nr; i++)
		section_dispose(&list[i]);
	free(list);
	free(path);
	para_strbuf_dispose(&data);
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

void para_context_changed(const struct para_repo *repo, const char *name,
			  const char *text)
{
	struct section *c;

	if (repo != deferred) {
		if (para_context_refresh(repo) < 0)
			para_error_clear();
		return;
	}
	stale = 1;
	if (!name || !(c = section_find(name, sections_nr))) {
		/* not among the kept tasks: look at them all again */
		written_valid = 0;
		return;
	}
	free(c->text);
	c->text = para_strdup(text);
	c->raw_known = 0;
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
