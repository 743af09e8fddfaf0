#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "config.h"
#include "error.h"
#include "json-read.h"
#include "pr-state.h"
#include "strbuf.h"
#include "task-env.h"
#include "task-state.h"
#include "tracker.h"

void para_pr_state_dispose(struct para_pr_state *st)
{
	free(st->state);
	free(st->checks);
	free(st->merged_at);
	st->state = st->checks = st->merged_at = NULL;
}

int para_pr_state_merged(const struct para_task *task)
{
	return task->pr_state && !strcmp(task->pr_state, "merged");
}

static int one_of(const char *s, const char *const *list)
{
	for (; s && *list; list++)
		if (!strcmp(s, *list))
			return 1;
	return 0;
}

enum verdict { PASSING, PENDING, FAILING };

/*
 * One check: a CheckRun (status, conclusion) or a StatusContext (state),
 * as gh shows them.
 */
static enum verdict check_verdict(const struct para_json_value *check)
{
	static const char *const good[] = {
		"SUCCESS", "NEUTRAL", "SKIPPED", NULL
	};
	static const char *const bad[] = {
		"FAILURE", "ERROR", "CANCELLED", "TIMED_OUT",
		"ACTION_REQUIRED", "STARTUP_FAILURE", NULL
	};
	const char *conclusion = para_json_get_string(check, "conclusion");
	const char *state = para_json_get_string(check, "state");

	if (one_of(conclusion, bad) || one_of(state, bad))
		return FAILING;
	if (one_of(conclusion, good) || one_of(state, good))
		return PASSING;
	return PENDING;
}

static int parse_checks(char **out, const struct para_json_value *rollup)
{
	enum verdict worst = PASSING;
	size_t i;

	if (!rollup || rollup->type == PARA_JSON_NULL) {
		*out = para_strdup("none");
		return 0;
	}
	if (rollup->type != PARA_JSON_ARRAY)
		return para_error_set(PARA_EINVALID, "\"statusCheckRollup\" is "
				      "not an array");
	for (i = 0; i < rollup->nr; i++) {
		enum verdict v = check_verdict(&rollup->v[i]);

		if (v > worst)
			worst = v;
	}
	*out = para_strdup(!rollup->nr ? "none" : worst == FAILING ? "failing"
			   : worst == PENDING ? "pending" : "passing");
	return 0;
}

static int parse_doc(struct para_pr_state *out,
		     const struct para_json_value *doc)
{
	static const char *const states[] = { "OPEN", "CLOSED", "MERGED", NULL };
	static const char *const names[] = { "open", "closed", "merged" };
	const char *state = para_json_get_string(doc, "state");
	const char *merged = para_json_get_string(doc, "mergedAt");
	size_t i;

	if (doc->type != PARA_JSON_OBJECT)
		return para_error_set(PARA_EINVALID, "no JSON object");
	for (i = 0; state && states[i] && strcmp(state, states[i]); i++)
		;
	if (!state || !states[i])
		return para_error_set(PARA_EINVALID, "\"state\" is not OPEN, "
				      "CLOSED or MERGED");
	out->state = para_strdup(names[i]);
	/* gh shows an unmerged one as null, "" or the zero time */
	if (merged && *merged && strncmp(merged, "0001-01-01", 10))
		out->merged_at = para_strdup(merged);
	return parse_checks(&out->checks,
			    para_json_get(doc, "statusCheckRollup"));
}

int para_pr_state_parse(struct para_pr_state *out, const char *json,
			size_t len)
{
	struct para_json_value *doc = NULL;
	int error;

	para_pr_state_dispose(out);
	if ((error = para_json_parse(&doc, json, len)) < 0 ||
	    (error = parse_doc(out, doc)) < 0)
		para_pr_state_dispose(out);
	para_json_free(doc);
	return error;
}

struct record {
	const char *url;
	const struct para_pr_state *st;
};

static int set_state(struct para_task *task, void *payload)
{
	const struct record *r = payload;

	/* a pull request recorded since is not the one seen */
	if (!task->pr_url || strcmp(task->pr_url, r->url))
		return 1;
	free(task->pr_state);
	free(task->pr_checks);
	free(task->pr_merged_at);
	task->pr_state = para_strdup(r->st->state);
	task->pr_checks = para_strdup(r->st->checks);
	task->pr_merged_at = r->st->merged_at ? para_strdup(r->st->merged_at)
					      : NULL;
	task->pr_refreshed = para_now_ms();
	return 0;
}

/* Runs the command for `task` and parses what it printed into `st`. */
static int ask(struct para_pr_state *st, struct para_repo *repo,
	       struct para_config *config, const struct para_task *task)
{
	struct para_strbuf json = PARA_STRBUF_INIT;
	struct para_strvec env = PARA_STRVEC_INIT;
	char *what = para_xstrfmt("cannot refresh the pull request of task "
				  "'%s'", task->name);
	int error;

	para_task_env_build(&env, task, 0, NULL);
	para_strvec_pushf(&env, "PARA_PR_URL=%s", task->pr_url);
	if ((error = para_tracker_run(&json, repo, config,
				      "para.prStateCommand", &env, what,
				      NULL)) < 0)
		goto out;
	if ((error = para_pr_state_parse(st, json.buf, json.len)) < 0) {
		char *cause = para_strdup(para_error_last());

		error = para_error_set(error, "%s: para.prStateCommand printed "
				       "no pull request state: %s", what, cause);
		free(cause);
	}
out:
	para_strbuf_dispose(&json);
	para_strvec_dispose(&env);
	free(what);
	return error;
}

int para_pr_state_refresh(struct para_pr_state *out, struct para_repo *repo,
			  struct para_config *config, const char *name)
{
	struct para_pr_state st = PARA_PR_STATE_INIT;
	struct para_task task;
	struct record r;
	int error;

	para_task_init(&task);
	if ((error = para_state_load(&task, repo, name)) < 0)
		goto out;
	if (!task.pr_url || !*task.pr_url) {
		error = para_error_set(PARA_ENOTFOUND, "task '%s' has no pull "
				       "request", name);
		goto out;
	}
	if ((error = ask(&st, repo, config, &task)) < 0)
		goto out;
	r.url = task.pr_url;
	r.st = &st;
	if ((error = para_state_update(repo, name, set_state, &r)) < 0)
		goto out;
	if (out) {
		para_pr_state_dispose(out);
		*out = st;
		st = (struct para_pr_state)PARA_PR_STATE_INIT;
	}
out:
	para_pr_state_dispose(&st);
	para_task_dispose(&task);
	return error;
}
