#ifndef PARA_TASK_RESULT_H
#define PARA_TASK_RESULT_H

#include "repo.h"
#include "strbuf.h"
#include "task.h"

/*
 * What a task's command reports about an attempt (PARA_RESULT): a JSON
 * object with any of costUsd, tokensIn, tokensOut, turns, sessionId,
 * summary and retryAfter (Documentation/git-para-run.adoc).  The run
 * records it in the task's state at the attempt's end, one record per
 * attempt that wrote one (task->results, compact JSON each).
 */

/* Which members a result has. */
enum para_result_has {
	PARA_RESULT_COST = 1 << 0,
	PARA_RESULT_TOKENS_IN = 1 << 1,
	PARA_RESULT_TOKENS_OUT = 1 << 2,
	PARA_RESULT_TURNS = 1 << 3,
	PARA_RESULT_SESSION = 1 << 4,
	PARA_RESULT_SUMMARY = 1 << 5,
	PARA_RESULT_RETRY = 1 << 6
};

/* The most of a summary that is kept, in bytes. */
#define PARA_RESULT_SUMMARY_MAX (64 * 1024)

struct para_result {
	unsigned int has;		/* enum para_result_has */
	int attempt;			/* the task's attempt (lifetime count) */
	enum para_task_state state;	/* how that attempt ended */
	double cost_usd;
	long long tokens_in, tokens_out, turns;
	char *session_id;
	char *summary;
	long long retry_at;		/* retryAfter, ms since the epoch */
};

#define PARA_RESULT_INIT { 0, 0, PARA_STATE_NEW, 0, 0, 0, 0, NULL, NULL, 0 }

void para_result_dispose(struct para_result *result);

/*
 * Parses what a command wrote.  A relative retryAfter (seconds) counts
 * from `now` (ms since the epoch).  PARA_EINVALID, saying what is wrong,
 * for anything but an object whose known members have the right types
 * (unknown members are ignored).
 */
int para_result_parse(struct para_result *out, const char *text, size_t len,
		      long long now);

/*
 * Reads and parses the file at `path`: PARA_ENOTFOUND when it is
 * missing or empty (nothing was reported), else as para_result_parse().
 */
int para_result_read(struct para_result *out, const char *path,
		     long long now);

/* The record of a result as kept in the task's state (one line). */
void para_result_format(struct para_strbuf *out,
			const struct para_result *result);

/* Reads a record back; PARA_ECORRUPT for one that is damaged. */
int para_result_parse_record(struct para_result *out, const char *record);

/*
 * The task's latest recorded result: 0, or PARA_ENOTFOUND when no
 * attempt of it reported one (damaged records are passed over).
 */
int para_result_latest(struct para_result *out, const struct para_task *task);

/*
 * The sum of every recorded attempt's result: cost, tokens and turns
 * added up (`has` says which appeared at all), the latest session id and
 * summary.  PARA_ENOTFOUND when there is none.
 */
int para_result_total(struct para_result *out, const struct para_task *task);

/*
 * Writes `r` as the members of the open JSON object (`with_attempt`:
 * attempt and state too): each member it has, the others null.
 */
struct para_json;
void para_result_json(struct para_json *j, const struct para_result *r,
		      int with_attempt);

/*
 * "$0.42", "$12.30" (cents; below one cent "$0.0042"), and token counts
 * as "950", "12.3k", "4.1M".
 */
void para_result_format_cost(char *buf, size_t size, double usd);
void para_result_format_tokens(char *buf, size_t size, long long tokens);

/*
 * Where the command of a task's attempt (lifetime number) writes its
 * result: <state>/results/<name>/<attempt>.json.  With `create` the
 * directory is made and a file left from before removed.
 */
int para_result_path(char **out, struct para_repo *repo, const char *name,
		     int attempt, int create);

#endif
