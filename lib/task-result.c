#include <errno.h>
#include <math.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "error.h"
#include "fs.h"
#include "json.h"
#include "json-read.h"
#include "task-result.h"
#include "task-state.h"

/* A result file larger than this is not read: it is no report of ours. */
#define RESULT_FILE_MAX (1024 * 1024)

void para_result_dispose(struct para_result *result)
{
	free(result->session_id);
	free(result->summary);
	memset(result, 0, sizeof(*result));
}

static int bad(const char *member, const char *what)
{
	return para_error_set(PARA_EINVALID, "'%s' is not %s", member, what);
}

static int get_number(double *out, const struct para_json_value *v,
		      const char *member)
{
	char *end;

	if (v->type != PARA_JSON_NUMBER)
		return bad(member, "a number");
	errno = 0;
	*out = strtod(v->text, &end);
	if (errno || *end || !isfinite(*out) || *out < 0)
		return bad(member, "a number of zero or more");
	return 0;
}

static int get_count(long long *out, const struct para_json_value *v,
		     const char *member)
{
	if (para_json_value_int(out, v, 0, 1LL << 53) < 0)
		return bad(member, "a whole number of zero or more");
	return 0;
}

/* Cuts `s` to at most `max` bytes on a character boundary. */
static char *cut(const char *s, size_t max)
{
	size_t len = strlen(s);

	if (len <= max)
		return para_strdup(s);
	while (max && ((unsigned char)s[max] & 0xc0) == 0x80)
		max--;
	return para_strndup(s, max);
}

/* "2026-12-02T05:00:00Z", with an optional fraction and offset. */
static int parse_time(long long *out, const char *s)
{
	struct tm tm;
	int y, mo, d, h, mi, sec, n = 0, oh = 0, om = 0, sign = 0;
	const char *p;
	time_t t;

	if (sscanf(s, "%4d-%2d-%2dT%2d:%2d:%2d%n", &y, &mo, &d, &h, &mi,
		   &sec, &n) != 6 || n != 19)
		return -1;
	p = s + n;
	if (*p == '.')
		for (p++; *p >= '0' && *p <= '9'; p++)
			;
	if (*p == '+' || *p == '-') {
		sign = *p == '-' ? -1 : 1;
		if (sscanf(p + 1, "%2d:%2d%n", &oh, &om, &n) != 2 || n != 5)
			return -1;
		p += 6;
	} else if (*p == 'Z') {
		p++;
	} else {
		return -1;
	}
	if (*p || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 ||
	    mi > 59 || sec > 60)
		return -1;
	memset(&tm, 0, sizeof(tm));
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = timegm(&tm);
	*out = ((long long)t - sign * (oh * 3600LL + om * 60LL)) * 1000;
	return 0;
}

static int get_retry(long long *out, const struct para_json_value *v,
		     long long now)
{
	double secs;

	if (v->type == PARA_JSON_STRING) {
		if (parse_time(out, v->text) < 0)
			return bad("retryAfter", "a number of seconds or a time "
				   "such as 2026-01-31T12:00:00Z");
		return 0;
	}
	if (get_number(&secs, v, "retryAfter") < 0)
		return -1;
	if (secs > 366 * 86400.0)
		return bad("retryAfter", "at most a year away");
	*out = now + (long long)(secs * 1000);
	return 0;
}

/* One member of the object, by name; unknown ones are passed over. */
static int take_member(struct para_result *out, const char *key,
		       const struct para_json_value *v, long long now)
{
	int error = 0;

	if (v->type == PARA_JSON_NULL)
		return 0;
	if (!strcmp(key, "costUsd")) {
		error = get_number(&out->cost_usd, v, key);
		out->has |= PARA_RESULT_COST;
	} else if (!strcmp(key, "tokensIn")) {
		error = get_count(&out->tokens_in, v, key);
		out->has |= PARA_RESULT_TOKENS_IN;
	} else if (!strcmp(key, "tokensOut")) {
		error = get_count(&out->tokens_out, v, key);
		out->has |= PARA_RESULT_TOKENS_OUT;
	} else if (!strcmp(key, "turns")) {
		error = get_count(&out->turns, v, key);
		out->has |= PARA_RESULT_TURNS;
	} else if (!strcmp(key, "sessionId") || !strcmp(key, "summary")) {
		char **to = key[1] == 'e' ? &out->session_id : &out->summary;

		if (v->type != PARA_JSON_STRING)
			return bad(key, "a string");
		free(*to);
		*to = cut(v->text, key[1] == 'e' ? 1024
				   : PARA_RESULT_SUMMARY_MAX);
		out->has |= key[1] == 'e' ? PARA_RESULT_SESSION
					  : PARA_RESULT_SUMMARY;
	} else if (!strcmp(key, "retryAfter")) {
		error = get_retry(&out->retry_at, v, now);
		out->has |= PARA_RESULT_RETRY;
	}
	return error;
}

int para_result_parse(struct para_result *out, const char *text, size_t len,
		      long long now)
{
	struct para_json_value *doc = NULL;
	struct para_result r = PARA_RESULT_INIT;
	int error;
	size_t i;

	if ((error = para_json_parse(&doc, text, len)) < 0)
		goto out;
	if (doc->type != PARA_JSON_OBJECT) {
		error = para_error_set(PARA_EINVALID, "it is not a JSON object");
		goto out;
	}
	for (i = 0; i < doc->nr && !error; i++)
		error = take_member(&r, doc->keys[i], &doc->v[i], now);
out:
	para_json_free(doc);
	if (error < 0)
		para_result_dispose(&r);
	else
		*out = r;
	return error;
}

int para_result_read(struct para_result *out, const char *path, long long now)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	struct stat st;
	int error;

	if (stat(path, &st) < 0 && errno == ENOENT)
		return para_error_set(PARA_ENOTFOUND, "no result in '%s'", path);
	if (!stat(path, &st) && st.st_size > RESULT_FILE_MAX)
		return para_error_set(PARA_EINVALID, "it is larger than %d KiB",
				      RESULT_FILE_MAX / 1024);
	if (para_strbuf_read_file(&sb, path) < 0) {
		error = errno == ENOENT
			? para_error_set(PARA_ENOTFOUND, "no result in '%s'",
					 path)
			: para_error_errno(PARA_ERROR, "cannot read '%s'", path);
		goto out;
	}
	if (sb.len == strspn(sb.buf, " \t\r\n")) {
		error = para_error_set(PARA_ENOTFOUND, "no result in '%s'", path);
		goto out;
	}
	error = para_result_parse(out, sb.buf, sb.len, now);
out:
	para_strbuf_dispose(&sb);
	return error;
}

void para_result_format(struct para_strbuf *out,
			const struct para_result *r)
{
	struct para_json j;

	para_json_init(&j, out);
	para_json_object_open(&j, NULL);
	para_json_int(&j, "attempt", r->attempt);
	para_json_string(&j, "state", para_task_state_name(r->state));
	if (r->has & PARA_RESULT_COST)
		para_json_double(&j, "costUsd", r->cost_usd);
	if (r->has & PARA_RESULT_TOKENS_IN)
		para_json_int(&j, "tokensIn", r->tokens_in);
	if (r->has & PARA_RESULT_TOKENS_OUT)
		para_json_int(&j, "tokensOut", r->tokens_out);
	if (r->has & PARA_RESULT_TURNS)
		para_json_int(&j, "turns", r->turns);
	if (r->has & PARA_RESULT_SESSION)
		para_json_string(&j, "sessionId", r->session_id);
	if (r->has & PARA_RESULT_SUMMARY)
		para_json_string(&j, "summary", r->summary);
	para_json_object_close(&j);
}

void para_result_json(struct para_json *j, const struct para_result *r,
		      int with_attempt)
{
	if (with_attempt) {
		para_json_int(j, "attempt", r->attempt);
		para_json_string(j, "state", para_task_state_name(r->state));
	}
	if (r->has & PARA_RESULT_COST)
		para_json_double(j, "costUsd", r->cost_usd);
	else
		para_json_null(j, "costUsd");
	if (r->has & PARA_RESULT_TOKENS_IN)
		para_json_int(j, "tokensIn", r->tokens_in);
	else
		para_json_null(j, "tokensIn");
	if (r->has & PARA_RESULT_TOKENS_OUT)
		para_json_int(j, "tokensOut", r->tokens_out);
	else
		para_json_null(j, "tokensOut");
	if (r->has & PARA_RESULT_TURNS)
		para_json_int(j, "turns", r->turns);
	else
		para_json_null(j, "turns");
	para_json_string(j, "sessionId", r->session_id);
	para_json_string(j, "summary", r->summary);
}

int para_result_parse_record(struct para_result *out, const char *record)
{
	struct para_json_value *doc = NULL;
	const struct para_json_value *v;
	const char *state;
	long long n = 0;
	int error;

	if (para_result_parse(out, record, strlen(record), 0) < 0 ||
	    para_json_parse(&doc, record, strlen(record)) < 0)
		goto bad;
	v = para_json_get(doc, "attempt");
	state = para_json_get_string(doc, "state");
	if (!v || para_json_value_int(&n, v, 0, 2147483647LL) < 0 || !state ||
	    para_task_state_parse(state) < 0)
		goto bad;
	out->attempt = (int)n;
	out->state = (enum para_task_state)para_task_state_parse(state);
	out->has &= ~(unsigned int)PARA_RESULT_RETRY;
	para_json_free(doc);
	return 0;
bad:
	para_json_free(doc);
	para_result_dispose(out);
	error = para_error_set(PARA_ECORRUPT, "damaged result record '%.40s'",
			       record);
	return error;
}

int para_result_latest(struct para_result *out, const struct para_task *task)
{
	size_t i = task->results.nr;

	while (i--) {
		if (!para_result_parse_record(out, task->results.v[i]))
			return 0;
		para_error_clear();
	}
	return para_error_set(PARA_ENOTFOUND, "task '%s' reported no result",
			      task->name);
}

/* Adds `r` to `sum`, which takes its strings. */
static void add_up(struct para_result *sum, struct para_result *r)
{
	sum->has |= r->has;
	sum->cost_usd += r->cost_usd;
	sum->tokens_in += r->tokens_in;
	sum->tokens_out += r->tokens_out;
	sum->turns += r->turns;
	sum->attempt = r->attempt;
	sum->state = r->state;
	if (r->session_id) {
		free(sum->session_id);
		sum->session_id = r->session_id;
		r->session_id = NULL;
	}
	if (r->summary) {
		free(sum->summary);
		sum->summary = r->summary;
		r->summary = NULL;
	}
}

int para_result_total(struct para_result *out, const struct para_task *task)
{
	struct para_result sum = PARA_RESULT_INIT, r;
	size_t i, n = 0;

	for (i = 0; i < task->results.nr; i++) {
		if (para_result_parse_record(&r, task->results.v[i]) < 0) {
			para_error_clear();
			continue;
		}
		add_up(&sum, &r);
		para_result_dispose(&r);
		n++;
	}
	if (!n)
		return para_error_set(PARA_ENOTFOUND,
				      "task '%s' reported no result",
				      task->name);
	*out = sum;
	return 0;
}

void para_result_format_cost(char *buf, size_t size, double usd)
{
	if (usd > 0 && usd < 0.01)
		snprintf(buf, size, "$%.4f", usd);
	else
		snprintf(buf, size, "$%.2f", usd);
}

void para_result_format_tokens(char *buf, size_t size, long long tokens)
{
	if (tokens < 1000)
		snprintf(buf, size, "%lld", tokens);
	else if (tokens < 1000000)
		snprintf(buf, size, "%.1fk", tokens / 1e3);
	else
		snprintf(buf, size, "%.1fM", tokens / 1e6);
}

int para_result_path(char **out, struct para_repo *repo, const char *name,
		     int attempt, int create)
{
	char *file = para_xstrfmt("%d.json", attempt);
	char *path = para_state_result_path(repo, name, file);
	char *dir = para_state_result_path(repo, name, "");
	int error = 0;

	free(file);
	if (create && (error = para_mkdir_p(dir)) == 0 && unlink(path) < 0 &&
	    errno != ENOENT)
		error = para_error_errno(PARA_ERROR, "cannot remove '%s'",
					 path);
	free(dir);
	if (error < 0) {
		free(path);
		return error;
	}
	*out = path;
	return 0;
}
