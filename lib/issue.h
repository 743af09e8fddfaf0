#ifndef PARA_ISSUE_H
#define PARA_ISSUE_H

#include "config.h"
#include "repo.h"
#include "strvec.h"

/*
 * Issues read from the tracker: para.issueCommand prints one issue as
 * JSON (`gh issue view --json number,title,body,labels,url`, or glab's
 * equivalent), para.issueListCommand the issues a query finds.  The
 * commands come from git config only; the issue number and the query
 * reach them in the environment (PARA_ISSUE, PARA_QUERY), never in the
 * command string, and nothing an issue says is ever run.
 *
 * An issue's body may declare its task, one declaration a line, outside
 * fenced code blocks, the name in any case:
 *
 *   Paths: src/api/ src/db/schema.sql
 *   After: #41 setup-db
 *   Locks: db
 *
 * The values are split at white space and judged by the add transaction
 * as a manifest's are; the issue and the line go with them so that its
 * errors can name them.
 */
struct para_issue_decl {
	struct para_strvec values;
	int line;		/* of the body, from 1; 0 when not declared */
};

struct para_issue {
	char *number;		/* digits */
	char *title;
	char *body;
	char *url;		/* NULL when the command gave none */
	struct para_issue_decl paths, after, locks;
};

#define PARA_ISSUE_INIT { NULL, NULL, NULL, NULL, \
	{ PARA_STRVEC_INIT, 0 }, { PARA_STRVEC_INIT, 0 }, \
	{ PARA_STRVEC_INIT, 0 } }

void para_issue_dispose(struct para_issue *issue);

/*
 * Runs para.issueCommand for issue `number` (digits) and reads what it
 * prints.  A command that fails is an error naming the command, its exit
 * status and what it printed on stderr.
 */
int para_issue_read(struct para_issue *out, struct para_repo *repo,
		    struct para_config *config, const char *number);

/*
 * Parses the JSON document `json` that describes issue `number`: an
 * object with a string "title", and optionally "body", "url" and
 * "number" (which must then be `number`).  Then parses the body's
 * declarations.  Errors name the issue.
 */
int para_issue_parse(struct para_issue *out, const char *number,
		     const char *json, size_t len);

/*
 * Runs para.issueListCommand with PARA_QUERY set to `query` and appends
 * the number of each issue it lists (a JSON array of objects with a
 * "number") to `out`, in order, without repeats.
 */
int para_issue_list(struct para_strvec *out, struct para_repo *repo,
		    struct para_config *config, const char *query);

/* Parses a list command's output (exposed for the unit tests). */
int para_issue_parse_list(struct para_strvec *out, const char *json,
			  size_t len);

/* "issue #42, line 3" for a declaration, "issue #42" for line 0. */
char *para_issue_where(const struct para_issue *issue, int line);

#endif
