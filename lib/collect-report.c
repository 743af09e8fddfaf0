#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "collect-report.h"
#include "error.h"
#include "task-result.h"
#include "json.h"
#include "duration.h"

#define TITLE_MAX 72

static const char *name_of(const struct para_collect *c, size_t i)
{
	return c->items[i].task.name;
}

void para_collect_format_text(struct para_strbuf *out,
			      const struct para_collect *c)
{
	size_t i, j, outside = 0;

	for (i = 0; i < c->nr; i++) {
		const struct para_collect_item *it = &c->items[i];

		para_strbuf_addf(out, "task %s: %zu changed, ", it->task.name,
				 it->changed.nr);
		if (!it->task.paths.nr)
			para_strbuf_addstr(out, "no domain\n");
		else if (!it->outside.nr)
			para_strbuf_addstr(out, "ok\n");
		else
			para_strbuf_addf(out, "%zu outside its domain\n",
					 it->outside.nr);
		for (j = 0; j < it->outside.nr; j++)
			para_strbuf_addf(out, "\t%s\n", it->outside.v[j]);
		outside += !!it->outside.nr;
	}
	for (i = 0; i < c->overlaps_nr; i++) {
		para_strbuf_addf(out, "overlap: %s:", c->overlaps[i].path);
		for (j = 0; j < c->overlaps[i].tasks_nr; j++)
			para_strbuf_addf(out, " %s",
					 name_of(c, c->overlaps[i].tasks[j]));
		para_strbuf_addch(out, '\n');
	}
	for (i = 0; i < c->conflicts_nr; i++) {
		const struct para_collect_conflict *cf = &c->conflicts[i];

		para_strbuf_addf(out, "conflict: %s %s\n", name_of(c, cf->a),
				 name_of(c, cf->b));
		for (j = 0; j < cf->files.nr; j++)
			para_strbuf_addf(out, "\t%s\n", cf->files.v[j]);
	}
	para_strbuf_addf(out,
		"tasks: %zu, pairs: %zu (merged %zu), outside domain: %zu, "
		"overlaps: %zu, conflicts: %zu\n", c->nr, c->pairs,
		c->pairs_merged, outside, c->overlaps_nr, c->conflicts_nr);
}

static void json_list(struct para_json *j, const char *key,
		      const struct para_strvec *sv)
{
	size_t i;

	para_json_array_open(j, key);
	for (i = 0; i < sv->nr; i++)
		para_json_string(j, NULL, sv->v[i]);
	para_json_array_close(j);
}

static void json_item(struct para_json *j, const struct para_collect_item *it)
{
	const struct para_task *t = &it->task;

	para_json_object_open(j, NULL);
	para_json_string(j, "name", t->name);
	para_json_string(j, "branch", t->branch);
	para_json_string(j, "state", para_task_state_name(t->state));
	para_json_string(j, "base", t->base);
	para_json_string(j, "tip", it->tip);
	json_list(j, "domain", &t->paths);
	json_list(j, "changed", &it->changed);
	json_list(j, "outside", &it->outside);
	para_json_string(j, "prUrl", t->pr_url);
	para_json_object_close(j);
}

void para_collect_format_json(struct para_strbuf *out,
			      const struct para_collect *c)
{
	struct para_json j;
	size_t i, k;

	para_json_init(&j, out);
	para_json_object_open(&j, NULL);
	para_json_int(&j, "version", 1);
	para_json_bool(&j, "ok", !para_collect_problems(c));
	para_json_int(&j, "pairs", (long long)c->pairs);
	para_json_int(&j, "pairsMerged", (long long)c->pairs_merged);
	para_json_array_open(&j, "tasks");
	for (i = 0; i < c->nr; i++)
		json_item(&j, &c->items[i]);
	para_json_array_close(&j);
	para_json_array_open(&j, "overlaps");
	for (i = 0; i < c->overlaps_nr; i++) {
		para_json_object_open(&j, NULL);
		para_json_string(&j, "path", c->overlaps[i].path);
		para_json_array_open(&j, "tasks");
		for (k = 0; k < c->overlaps[i].tasks_nr; k++)
			para_json_string(&j, NULL,
				name_of(c, c->overlaps[i].tasks[k]));
		para_json_array_close(&j);
		para_json_object_close(&j);
	}
	para_json_array_close(&j);
	para_json_array_open(&j, "conflicts");
	for (i = 0; i < c->conflicts_nr; i++) {
		para_json_object_open(&j, NULL);
		para_json_array_open(&j, "tasks");
		para_json_string(&j, NULL, name_of(c, c->conflicts[i].a));
		para_json_string(&j, NULL, name_of(c, c->conflicts[i].b));
		para_json_array_close(&j);
		json_list(&j, "files", &c->conflicts[i].files);
		para_json_object_close(&j);
	}
	para_json_array_close(&j);
	para_json_object_close(&j);
	para_strbuf_addch(out, '\n');
}

static void md_files(struct para_strbuf *out, const struct para_strvec *sv)
{
	size_t i;

	for (i = 0; i < sv->nr; i++)
		para_strbuf_addf(out, "%s`%s`", i ? ", " : "", sv->v[i]);
}

static void md_checks(struct para_strbuf *out, const struct para_collect *c,
		      size_t n)
{
	const struct para_collect_item *it = &c->items[n];
	size_t i, j, found = 0;

	if (!it->task.paths.nr)
		para_strbuf_addstr(out, "- Domain: none declared\n");
	else if (!it->outside.nr)
		para_strbuf_addstr(out, "- Domain: ok\n");
	else {
		para_strbuf_addf(out, "- Domain: %zu files outside it: ",
				 it->outside.nr);
		md_files(out, &it->outside);
		para_strbuf_addch(out, '\n');
	}
	for (i = 0; i < c->overlaps_nr; i++) {
		const struct para_collect_overlap *o = &c->overlaps[i];
		size_t k = 0;

		for (j = 0; j < o->tasks_nr; j++)
			if (o->tasks[j] == n)
				break;
		if (j == o->tasks_nr)
			continue;
		para_strbuf_addf(out, "- Overlap: `%s` also changed by",
				 o->path);
		for (j = 0; j < o->tasks_nr; j++)
			if (o->tasks[j] != n)
				para_strbuf_addf(out, "%s %s", k++ ? "," : "",
						 name_of(c, o->tasks[j]));
		para_strbuf_addch(out, '\n');
		found++;
	}
	for (i = 0; i < c->conflicts_nr; i++) {
		const struct para_collect_conflict *cf = &c->conflicts[i];

		if (cf->a != n && cf->b != n)
			continue;
		para_strbuf_addf(out, "- Conflict with %s: ",
				 name_of(c, cf->a == n ? cf->b : cf->a));
		md_files(out, &cf->files);
		para_strbuf_addch(out, '\n');
		found++;
	}
	if (!found)
		para_strbuf_addstr(out, "- No overlaps or conflicts with the "
				   "other tasks\n");
}

static void md_quote(struct para_strbuf *out, const char *text)
{
	const char *p = text;

	while (*p) {
		size_t len = strcspn(p, "\n");

		para_strbuf_addstr(out, len ? "> " : ">");
		para_strbuf_add(out, p, len);
		para_strbuf_addch(out, '\n');
		p += len + !!p[len];
	}
}

static void duration_of(char *buf, size_t size, const struct para_task *t)
{
	if (t->started > 0 && t->finished >= t->started)
		para_duration_format(buf, size, t->finished - t->started);
	else
		snprintf(buf, size, "-");
}

static void md_table(struct para_strbuf *out, const struct para_collect *c)
{
	char dur[32];
	size_t i;

	para_strbuf_addstr(out, "| Task | State | Duration | Changed | "
			   "Outside domain | Pull request |\n"
			   "|---|---|---|---|---|---|\n");
	for (i = 0; i < c->nr; i++) {
		const struct para_collect_item *it = &c->items[i];

		duration_of(dur, sizeof(dur), &it->task);
		para_strbuf_addf(out, "| %s | %s | %s | %zu | %s | %s |\n",
				 it->task.name,
				 para_task_state_name(it->task.state), dur,
				 it->changed.nr,
				 !it->task.paths.nr ? "no domain" :
				 it->outside.nr ? "yes" : "no",
				 it->task.pr_url ? it->task.pr_url : "-");
	}
}

/* "$0.25, 1.2k tokens in, 300 out, 3 turns": what `r` has of them. */
static void md_usage(struct para_strbuf *out, const struct para_result *r)
{
	char buf[32];
	size_t start = out->len;

	if (r->has & PARA_RESULT_COST) {
		para_result_format_cost(buf, sizeof(buf), r->cost_usd);
		para_strbuf_addstr(out, buf);
	}
	if (r->has & PARA_RESULT_TOKENS_IN) {
		para_result_format_tokens(buf, sizeof(buf), r->tokens_in);
		para_strbuf_addf(out, "%s%s tokens in", out->len > start
				 ? ", " : "", buf);
	}
	if (r->has & PARA_RESULT_TOKENS_OUT) {
		para_result_format_tokens(buf, sizeof(buf), r->tokens_out);
		para_strbuf_addf(out, "%s%s tokens out", out->len > start
				 ? ", " : "", buf);
	}
	if (r->has & PARA_RESULT_TURNS)
		para_strbuf_addf(out, "%s%lld turns", out->len > start
				 ? ", " : "", r->turns);
	if (out->len == start)
		para_strbuf_addstr(out, "none reported");
}

/* What the tasks reported, added up; nothing when none did. */
static void md_totals(struct para_strbuf *out, const struct para_collect *c)
{
	struct para_result sum = PARA_RESULT_INIT, r;
	size_t i, n = 0;

	for (i = 0; i < c->nr; i++) {
		if (para_result_total(&r, &c->items[i].task) < 0) {
			para_error_clear();
			continue;
		}
		sum.has |= r.has;
		sum.cost_usd += r.cost_usd;
		sum.tokens_in += r.tokens_in;
		sum.tokens_out += r.tokens_out;
		sum.turns += r.turns;
		para_result_dispose(&r);
		n++;
	}
	if (!n)
		return;
	para_strbuf_addf(out, "\n## Usage\n\n%zu of %zu tasks reported: ", n,
			 c->nr);
	md_usage(out, &sum);
	para_strbuf_addstr(out, ".\n");
}

/* A task's own usage and summary, in its section. */
static void md_result(struct para_strbuf *out, const struct para_task *t)
{
	struct para_result r;

	if (para_result_total(&r, t) < 0) {
		para_error_clear();
		return;
	}
	para_strbuf_addstr(out, "Usage: ");
	md_usage(out, &r);
	para_strbuf_addstr(out, ".\n\n");
	if (r.summary && *r.summary) {
		para_strbuf_addstr(out, "Summary:\n\n");
		md_quote(out, r.summary);
		para_strbuf_addch(out, '\n');
	}
	para_result_dispose(&r);
}

void para_collect_format_report(struct para_strbuf *out,
				const struct para_collect *c)
{
	struct para_strbuf summary = PARA_STRBUF_INIT;
	size_t i;

	para_strbuf_addstr(out, "# Tasks\n\n");
	md_table(out, c);
	md_totals(out, c);
	para_collect_format_text(&summary, c);
	para_strbuf_addstr(out, "\n## Checks\n\n```\n");
	para_strbuf_addstr(out, summary.buf);
	para_strbuf_addstr(out, "```\n");
	for (i = 0; i < c->nr; i++) {
		const struct para_collect_item *it = &c->items[i];

		para_strbuf_addf(out, "\n## %s\n\nBranch `%s`, state %s, "
				 "base `%.12s`, tip `%.12s`", it->task.name,
				 it->task.branch,
				 para_task_state_name(it->task.state),
				 it->task.base, it->tip);
		if (it->task.merged_into)
			para_strbuf_addf(out, ", merged into `%s`",
					 it->task.merged_into);
		if (it->task.pr_url)
			para_strbuf_addf(out, ", pull request %s",
					 it->task.pr_url);
		para_strbuf_addstr(out, ".\n\n");
		if (it->task.prompt && *it->task.prompt) {
			md_quote(out, it->task.prompt);
			para_strbuf_addch(out, '\n');
		}
		md_result(out, &it->task);
		para_strbuf_addf(out, "Changed files (%zu): ", it->changed.nr);
		if (it->changed.nr)
			md_files(out, &it->changed);
		else
			para_strbuf_addstr(out, "none");
		para_strbuf_addstr(out, "\n\n");
		md_checks(out, c, i);
	}
	para_strbuf_dispose(&summary);
}

void para_collect_format_pr_body(struct para_strbuf *out,
				 const struct para_collect *c, size_t i,
				 const char *log_tail)
{
	const struct para_collect_item *it = &c->items[i];
	struct para_result r = PARA_RESULT_INIT;
	size_t j;

	if (it->task.prompt && *it->task.prompt) {
		para_strbuf_addstr(out, it->task.prompt);
		para_strbuf_rtrim(out);
		para_strbuf_addstr(out, "\n\n");
	}
	/* what the agent said it did: its latest summary */
	if (para_result_total(&r, &it->task) == 0 && r.summary && *r.summary) {
		para_strbuf_addstr(out, "## Summary\n\n");
		para_strbuf_addstr(out, r.summary);
		para_strbuf_rtrim(out);
		para_strbuf_addstr(out, "\n\n");
	}
	para_result_dispose(&r);
	para_error_clear();
	para_strbuf_addf(out, "## Changes\n\n");
	for (j = 0; j < it->changed.nr; j++)
		para_strbuf_addf(out, "- `%s`\n", it->changed.v[j]);
	if (!it->changed.nr)
		para_strbuf_addstr(out, "No files changed.\n");
	para_strbuf_addstr(out, "\n## Checks\n\n");
	md_checks(out, c, i);
	if (log_tail && *log_tail) {
		para_strbuf_addstr(out, "\n## Log (last lines)\n\n~~~~\n");
		para_strbuf_addstr(out, log_tail);
		para_strbuf_rtrim(out);
		para_strbuf_addstr(out, "\n~~~~\n");
	}
	para_strbuf_addf(out, "\n<sub>Task `%s`, branch `%s`, made with "
			 "git para.</sub>\n", it->task.name, it->task.branch);
}

/* The prompt's first line, cut to TITLE_MAX bytes. */
static char *prompt_subject(const struct para_task *task)
{
	const char *p = task->prompt;
	size_t len;

	while (p && (*p == ' ' || *p == '\t' || *p == '\n'))
		p++;
	if (!p || !*p)
		return task->issue ? para_xstrfmt("Solve issue #%s", task->issue)
				   : para_xstrfmt("Task %s", task->name);
	len = strcspn(p, "\n");
	if (len > TITLE_MAX) {
		len = TITLE_MAX;
		/* never cut a UTF-8 sequence in two */
		while (len && ((unsigned char)p[len] & 0xc0) == 0x80)
			len--;
	}
	while (len && (p[len - 1] == ' ' || p[len - 1] == '\t' ||
		       p[len - 1] == '\r'))
		len--;
	return para_strndup(p, len);
}

static const char *atom_value(const struct para_task *t, const char *atom,
			      size_t len, const char *subject)
{
	if (len == 5 && !strncmp(atom, "title", 5))
		return t->title ? t->title : subject;
	if (len == 5 && !strncmp(atom, "issue", 5))
		return t->issue ? t->issue : "";
	if (len == 4 && !strncmp(atom, "task", 4))
		return t->name;
	if (len == 6 && !strncmp(atom, "branch", 6))
		return t->branch ? t->branch : "";
	if (len == 7 && !strncmp(atom, "subject", 7))
		return subject;
	return NULL;
}

/* `format` with its %(atom)s replaced; an unknown one stays as it is. */
static void expand_title(struct para_strbuf *out, const struct para_task *t,
			 const char *format, const char *subject)
{
	const char *p = format, *end, *value;

	while (*p) {
		if (p[0] == '%' && p[1] == '%') {
			para_strbuf_addch(out, '%');
			p += 2;
		} else if (p[0] == '%' && p[1] == '(' && (end = strchr(p, ')')) &&
			   (value = atom_value(t, p + 2,
					       (size_t)(end - p - 2), subject))) {
			para_strbuf_addstr(out, value);
			p = end + 1;
		} else {
			para_strbuf_addch(out, *p++);
		}
	}
}

char *para_collect_pr_title(const struct para_task *task, const char *format)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *subject = prompt_subject(task), *p;

	if (format && *format)
		expand_title(&sb, task, format, subject);
	else
		para_strbuf_addstr(&sb, task->title && *task->title
					? task->title : subject);
	free(subject);
	/* one line: what an issue's title holds is not trusted */
	for (p = sb.buf; *p; p++)
		if ((unsigned char)*p < 0x20 || *p == 0x7f)
			*p = ' ';
	para_strbuf_rtrim(&sb);
	return para_strbuf_detach(&sb);
}
