#ifndef PARA_COLLECT_REPORT_H
#define PARA_COLLECT_REPORT_H

#include "collect.h"
#include "strbuf.h"

/*
 * What `git para collect` writes about the checks: text for people,
 * JSON for tools, Markdown for the report and pull request bodies.
 */

/* The check report, one line per finding (see git-para-collect(1)). */
void para_collect_format_text(struct para_strbuf *out,
			      const struct para_collect *collect);

/* {"version":1,"ok":...,"tasks":[...],"overlaps":[...],"conflicts":[...]} */
void para_collect_format_json(struct para_strbuf *out,
			      const struct para_collect *collect);

/* The Markdown summary of every task (`--report`). */
void para_collect_format_report(struct para_strbuf *out,
				const struct para_collect *collect);

/*
 * The body of task `i`'s pull request: prompt, changed files, check
 * results and `log_tail` (may be NULL).
 */
void para_collect_format_pr_body(struct para_strbuf *out,
				 const struct para_collect *collect, size_t i,
				 const char *log_tail);

/*
 * The title of a task's pull request: with `format` (para.prTitle, may
 * be NULL), that with %(title) (the title, else the prompt's
 * first line), %(issue), %(task), %(branch), %(subject) (the prompt's
 * first line) and %% replaced; else the title, or the prompt's
 * first line, or so.  Control characters become spaces.
 */
char *para_collect_pr_title(const struct para_task *task, const char *format);


#endif
