#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "error.h"
#include "issue.h"
#include "json-read.h"
#include "strbuf.h"
#include "tracker.h"

void para_issue_dispose(struct para_issue *issue)
{
	const struct para_issue init = PARA_ISSUE_INIT;

	free(issue->number);
	free(issue->title);
	free(issue->body);
	free(issue->url);
	para_strvec_dispose(&issue->paths.values);
	para_strvec_dispose(&issue->after.values);
	para_strvec_dispose(&issue->locks.values);
	*issue = init;
}

char *para_issue_where(const struct para_issue *issue, int line)
{
	if (line)
		return para_xstrfmt("issue #%s, line %d", issue->number, line);
	return para_xstrfmt("issue #%s", issue->number);
}

#define OFFLINE_HINT "use --offline to go without the issue tracker"

/* Sets "<prefix>: <the last error>"; returns `code`. */
static int prefix_error(int code, const char *prefix, const char *middle)
{
	char *cause = para_strdup(para_error_last());

	para_error_set(code, "%s: %s%s", prefix, middle, cause);
	free(cause);
	return code;
}

/* A declaration's name at the start of `line`, or NULL. */
static struct para_issue_decl *decl_of(struct para_issue *issue,
				       const char *line, const char **value)
{
	static const char *const names[] = { "paths", "after", "locks" };
	struct para_issue_decl *decls[3];
	size_t i, len;

	decls[0] = &issue->paths;
	decls[1] = &issue->after;
	decls[2] = &issue->locks;
	for (i = 0; i < 3; i++) {
		len = strlen(names[i]);
		if (!strncasecmp(line, names[i], len) && line[len] == ':') {
			*value = line + len + 1;
			return decls[i];
		}
	}
	return NULL;
}

static int fence_at(const char *line)
{
	while (*line == ' ')
		line++;
	return !strncmp(line, "```", 3) || !strncmp(line, "~~~", 3);
}

static int parse_line(struct para_issue *issue, const char *line, int nr)
{
	const char *value;
	struct para_issue_decl *d = decl_of(issue, line, &value);
	char *where;
	int error;

	if (!d)
		return 0;
	if (d->line) {
		where = para_issue_where(issue, nr);
		error = para_error_set(PARA_EINVALID, "%s: '%.*s' is declared "
				       "twice (first at line %d)", where,
				       (int)(value - line - 1), line, d->line);
		free(where);
		return error;
	}
	d->line = nr;
	para_strvec_split(&d->values, value);
	if (!d->values.nr) {
		where = para_issue_where(issue, nr);
		error = para_error_set(PARA_EINVALID, "%s: '%.*s' declares "
				       "nothing", where,
				       (int)(value - line - 1), line);
		free(where);
		return error;
	}
	return 0;
}

static int parse_body(struct para_issue *issue)
{
	const char *p = issue->body;
	int nr = 0, fenced = 0, error = 0;

	while (*p && !error) {
		size_t len = strcspn(p, "\n");
		char *line = para_strndup(p, len);

		nr++;
		if (len && line[len - 1] == '\r')
			line[len - 1] = '\0';
		if (fence_at(line))
			fenced = !fenced;
		else if (!fenced)
			error = parse_line(issue, line, nr);
		free(line);
		p += len + !!p[len];
	}
	return error;
}

static int check_number(const struct para_json_value *doc, const char *number)
{
	const struct para_json_value *n = para_json_get(doc, "number");
	long long got = 0;

	if (!n)
		return 0;
	if (n->type != PARA_JSON_NUMBER)
		return para_error_set(PARA_EINVALID, "the issue's \"number\" "
				      "is not a number");
	if (para_json_value_int(&got, n, 1, 999999999999LL) < 0 ||
	    strtoll(number, NULL, 10) != got)
		return para_error_set(PARA_EINVALID, "the issue command "
				      "described another issue (number %s)",
				      n->text);
	return 0;
}

static int fill(struct para_issue *out, const struct para_json_value *doc,
		const char *number)
{
	const char *title = para_json_get_string(doc, "title");
	const char *body = para_json_get_string(doc, "body");
	const char *url = para_json_get_string(doc, "url");
	const struct para_json_value *v;
	int error;

	if (doc->type != PARA_JSON_OBJECT)
		return para_error_set(PARA_EINVALID, "the issue command printed "
				      "no JSON object");
	if ((error = check_number(doc, number)) < 0)
		return error;
	if (!title)
		return para_error_set(PARA_EINVALID, "the issue command printed "
				      "no \"title\" string");
	if ((v = para_json_get(doc, "body")) && !body &&
	    v->type != PARA_JSON_NULL)
		return para_error_set(PARA_EINVALID, "the issue's \"body\" is "
				      "not a string");
	out->title = para_strdup(title);
	out->body = para_strdup(body ? body : "");
	out->url = url && *url ? para_strdup(url) : NULL;
	return 0;
}

int para_issue_parse(struct para_issue *out, const char *number,
		     const char *json, size_t len)
{
	struct para_json_value *doc = NULL;
	char *where;
	int error;

	para_issue_dispose(out);
	out->number = para_strdup(number);
	if ((error = para_json_parse(&doc, json, len)) < 0 ||
	    (error = fill(out, doc, number)) < 0) {
		where = para_xstrfmt("cannot read issue #%s", number);
		prefix_error(error, where, doc ? "" : "the issue command "
			     "printed no valid JSON: ");
		free(where);
		goto out;
	}
	error = parse_body(out);
out:
	para_json_free(doc);
	if (error < 0)
		para_issue_dispose(out);
	return error;
}

int para_issue_read(struct para_issue *out, struct para_repo *repo,
		    struct para_config *config, const char *number)
{
	struct para_strbuf json = PARA_STRBUF_INIT;
	struct para_strvec env = PARA_STRVEC_INIT;
	char *what = para_xstrfmt("cannot read issue #%s", number);
	int error;

	para_strvec_pushf(&env, "PARA_ISSUE=%s", number);
	if (!number[0] || number[strspn(number, "0123456789")])
		error = para_error_set(PARA_EINVALID, "invalid issue '%s'",
				       number);
	else if ((error = para_tracker_run(&json, repo, config,
					   "para.issueCommand", &env, what,
					   OFFLINE_HINT)) == 0)
		error = para_issue_parse(out, number, json.buf, json.len);
	para_strbuf_dispose(&json);
	para_strvec_dispose(&env);
	free(what);
	return error;
}

int para_issue_parse_list(struct para_strvec *out, const char *json,
			  size_t len)
{
	struct para_json_value *doc = NULL;
	size_t i;
	int error;

	if ((error = para_json_parse(&doc, json, len)) < 0)
		return error;
	if (doc->type != PARA_JSON_ARRAY)
		error = para_error_set(PARA_EINVALID, "not a JSON array");
	for (i = 0; !error && i < doc->nr; i++) {
		long long n = 0;
		char digits[32];

		if (para_json_value_int(&n, para_json_get(&doc->v[i], "number"),
					1, 999999999999LL) < 0) {
			error = para_error_set(PARA_EINVALID, "item %zu has no "
					       "\"number\" that is an issue's",
					       i + 1);
			break;
		}
		snprintf(digits, sizeof(digits), "%lld", n);
		if (!para_strvec_contains(out, digits))
			para_strvec_push(out, digits);
	}
	para_json_free(doc);
	return error;
}

int para_issue_list(struct para_strvec *out, struct para_repo *repo,
		    struct para_config *config, const char *query)
{
	struct para_strbuf json = PARA_STRBUF_INIT;
	struct para_strvec env = PARA_STRVEC_INIT;
	char *what = para_xstrfmt("cannot list the issues for '%s'", query);
	int error;

	para_strvec_pushf(&env, "PARA_QUERY=%s", query);
	if ((error = para_tracker_run(&json, repo, config,
				      "para.issueListCommand", &env, what,
				      NULL)) < 0)
		goto out;
	if ((error = para_issue_parse_list(out, json.buf, json.len)) < 0)
		prefix_error(error, what, "para.issueListCommand printed no "
			     "list of issues: ");
out:
	para_strbuf_dispose(&json);
	para_strvec_dispose(&env);
	free(what);
	return error;
}
