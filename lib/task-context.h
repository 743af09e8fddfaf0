#ifndef PARA_TASK_CONTEXT_H
#define PARA_TASK_CONTEXT_H

#include "repo.h"
#include "strbuf.h"
#include "task.h"

/*
 * The shared context (PARA_CONTEXT): one Markdown file in the state
 * directory, never in a worktree, that tells every task what the others
 * are and do: each task's name, state (and the state its command
 * reported), branch, domain, dependencies and what it is asked to do.
 * It is rewritten whole, atomically, whenever one of those changes
 * (task-update.c), when tasks are added and when they are pruned, so a
 * reader sees either the last version or the one before, never a part.
 * Its last line is PARA_CONTEXT_END.
 */

#define PARA_CONTEXT_END "<!-- end of git-para context -->"

/* Appends the section of one task. */
void para_context_format_task(struct para_strbuf *out,
			      const struct para_task *task);

/*
 * Appends the whole file for these tasks (in this order); `damaged`
 * names the tasks whose state could not be read (may be NULL).
 */
void para_context_format(struct para_strbuf *out, const char *repo_name,
			 const struct para_task *tasks, size_t nr,
			 const struct para_strvec *damaged);

/*
 * Writes the file from every recorded task, under its own lock, so that
 * of two writers the later one's view of the tasks is the one kept.
 */
int para_context_refresh(const struct para_repo *repo);

/*
 * A process that changes many tasks in a row (the runner) writes the
 * file once for them all: between para_context_defer(repo, 1) and
 * para_context_defer(repo, 0), para_context_changed() only notes that
 * the file is stale, and para_context_flush() writes it if it is (the
 * runner: once per turn, before it sleeps; the end of the deferral
 * flushes too).  Outside a deferral para_context_changed() writes at
 * once.  `text` is the section of task `name` as its change left it
 * (para_context_format_task()): a deferring process need not read the
 * state it wrote itself.  Errors are dropped: a context that cannot be
 * written is stale.
 */
void para_context_defer(const struct para_repo *repo, int on);
void para_context_changed(const struct para_repo *repo, const char *name,
			  const char *text);
void para_context_flush(const struct para_repo *repo);

#endif
