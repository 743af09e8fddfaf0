#include <stdlib.h>
#include <string.h>

#include "add-internal.h"
#include "error.h"
#include "issue.h"
#include "strbuf.h"

/* "Solve issue #42: <title>", then the body and the URL. */
static char *issue_text(const struct para_issue *issue)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;

	para_strbuf_addf(&sb, "Solve issue #%s: %s", issue->number,
			 issue->title);
	if (*issue->body) {
		para_strbuf_addstr(&sb, "\n\n");
		para_strbuf_addstr(&sb, issue->body);
		para_strbuf_rtrim(&sb);
	}
	if (issue->url)
		para_strbuf_addf(&sb, "\n\n%s", issue->url);
	return para_strbuf_detach(&sb);
}

/* The declaration `d` unless the command line gave its own `own`. */
static const struct para_strvec *declared(char **where,
					  const struct para_issue *issue,
					  const struct para_issue_decl *d,
					  const struct para_strvec *own)
{
	if ((own && own->nr) || !d->line)
		return own;
	*where = para_issue_where(issue, d->line);
	return &d->values;
}

int para_add_issue_read(struct para_add_issue *out, struct para_add *add,
			const struct para_add_input *in)
{
	const struct para_issue init = PARA_ISSUE_INIT;
	struct para_issue *issue = &out->issue;
	int error;

	memset(out, 0, sizeof(*out));
	out->issue = init;
	out->in = *in;
	if (!(out->number = para_task_issue_parse(in->issue)))
		return PARA_EINVALID;
	if ((error = para_issue_read(issue, add->repo, add->config,
				     out->number)) < 0)
		return error;
	out->text = issue_text(issue);
	out->in.paths = declared(&out->where[0], issue, &issue->paths,
				 in->paths);
	out->in.after = declared(&out->where[1], issue, &issue->after,
				 in->after);
	out->in.locks = declared(&out->where[2], issue, &issue->locks,
				 in->locks);
	out->x.title = issue->title;
	out->x.text = out->text;
	out->x.where_paths = out->where[0];
	out->x.where_after = out->where[1];
	out->x.where_locks = out->where[2];
	return 0;
}

void para_add_issue_dispose(struct para_add_issue *ai)
{
	size_t i;

	para_issue_dispose(&ai->issue);
	free(ai->number);
	free(ai->text);
	for (i = 0; i < 3; i++)
		free(ai->where[i]);
	memset(ai, 0, sizeof(*ai));
}

/* The name of the planned or recorded task of issue `digits`, or NULL. */
static const char *task_of_issue(const struct para_add *add,
				 const char *digits)
{
	size_t i;

	for (i = 0; i < add->nr; i++)
		if (add->v[i].task.issue &&
		    !strcmp(add->v[i].task.issue, digits))
			return add->v[i].task.name;
	for (i = 0; i < add->existing.nr; i++)
		if (add->existing.v[i].issue &&
		    !strcmp(add->existing.v[i].issue, digits))
			return add->existing.v[i].name;
	return NULL;
}

static int resolve_entry(struct para_add *add, struct para_add_entry *e)
{
	struct para_strvec names = PARA_STRVEC_INIT;
	const char *where = e->where_after ? e->where_after : e->where;
	size_t i;
	int error = 0;

	for (i = 0; i < e->task.after.nr && !error; i++) {
		const char *dep = e->task.after.v[i], *name = dep;
		char *digits = NULL;

		if (*dep == '#' && !(digits = para_task_issue_parse(dep)))
			error = PARA_EINVALID;
		else if (digits && !(name = task_of_issue(add, digits)))
			error = para_error_set(PARA_ENOTFOUND, "task '%s' is to "
					       "run after issue #%s, which has "
					       "no task", e->task.name, digits);
		if (!error && !para_strvec_contains(&names, name))
			para_strvec_push(&names, name);
		free(digits);
	}
	if (error) {
		para_strvec_dispose(&names);
		return where ? para_add_error_prefix(error, "%s", where) : error;
	}
	para_strvec_dispose(&e->task.after);
	e->task.after = names;
	return 0;
}

int para_add_resolve_issues(struct para_add *add)
{
	size_t i;
	int error = 0;

	for (i = 0; i < add->nr && !error; i++)
		error = resolve_entry(add, &add->v[i]);
	return error;
}
