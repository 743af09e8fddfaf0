#ifndef PARA_ADD_INTERNAL_H
#define PARA_ADD_INTERNAL_H

/* Shared by the add transaction's files (add*.c) only. */

#include "add.h"
#include "worktree-include.h"
#include "worktree-provision.h"
#include "domain.h"
#include "issue.h"
#include "lock.h"

/* A planned task, and what this transaction has created for it. */
struct para_add_entry {
	struct para_task task;
	struct para_domain *domain;
	char *where;		/* "<manifest>:<line>", or NULL */
	/* "issue #<n>, line <line>" of an issue's declarations, or NULL */
	char *where_paths, *where_after, *where_locks;
	int made_worktree, made_branch, made_state, made_provision;
	struct para_provision provision;	/* what git-para put there */
};

/* The tasks recorded already; damaged ones are left out. */
struct para_add_existing {
	struct para_task *v;
	size_t nr;
};

struct para_add {
	struct para_repo *repo;
	struct para_config *config;
	struct para_add_options opts;
	struct para_add_entry *v;
	size_t nr;
	char *from;		/* the manifest, or NULL */
	struct para_lock lock;
	struct para_add_existing existing;
	struct para_strvec warnings;
	struct para_include include;	/* what new worktrees get */
	int include_listed;
	int base_noticed;	/* the local branch ahead, said once */
	int checked;
	int interrupted;
};

/* What an issue gives a planned task besides its input (add-issue.c). */
struct para_add_extra {
	const char *title;
	const char *text;	/* the prompt's start */
	const char *where_paths, *where_after, *where_locks;
};

/*
 * add.c: the rules for a task's values, one owner each, for add and
 * edit (add-edit.c).  The domain's patterns are normalised, added to the
 * task's and compiled into e->domain (refused empty under
 * para.requireDomain when `require`); the prompt is the issue's text
 * and the user's own; a command or verify given empty is refused; lock
 * names are checked.
 */
int para_add_set_domain(struct para_add_entry *e,
			const struct para_strvec *paths, int require);
int para_add_set_prompt(struct para_add_entry *e,
			const struct para_add_input *in, const char *issue_text);
int para_add_set_command(struct para_add_entry *e, const char *command);
int para_add_set_verify(struct para_add_entry *e, const char *verify);
void para_add_set_after(struct para_add_entry *e,
			const struct para_strvec *after);
int para_add_set_locks(struct para_add_entry *e,
		       const struct para_strvec *locks, const char *where);

/* add.c: plans one task, kept only when the whole of it is valid. */
int para_add_plan_task(struct para_add *add, const struct para_add_input *in,
		       const char *where, const struct para_add_extra *x);

/*
 * add-issue.c: what the issue of `in` gives its task, read with
 * para.issueCommand: `in` with the issue's declarations where `in` has
 * none, and the extra.  Disposed of with para_add_issue_dispose().
 */
struct para_add_issue {
	struct para_add_input in;
	struct para_add_extra x;
	struct para_issue issue;
	char *number, *text, *where[3];
};

int para_add_issue_read(struct para_add_issue *out, struct para_add *add,
			const struct para_add_input *in);
void para_add_issue_dispose(struct para_add_issue *ai);

/* add-issue.c: "#<n>" dependencies made the names of issue n's tasks. */
int para_add_resolve_issues(struct para_add *add);

/* Puts "<fmt...>: " before the last error's message; returns `code`. */
int para_add_error_prefix(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* add-check.c: the checks against the existing tasks and the plan. */
int para_add_load_existing(struct para_add *add);
/*
 * A planned task recorded as incomplete (its add died): what that add
 * left is undone, with a warning, or refused under --dry-run.
 */
int para_add_clear_incomplete(struct para_add *add);
void para_add_existing_dispose(struct para_add_existing *ex);
int para_add_check_new(struct para_add *add);
int para_add_check_graph(struct para_add *add);
int para_add_check_overlaps(struct para_add *add);
/* para.symlink paths inside a planned task's domain are refused. */
int para_add_check_links(struct para_add *add);

/*
 * add.c: the warnings about e's domain that its base gives, for add
 * and edit: each literal pattern that names nothing there.  Wildcards
 * are looked up, and warned about, by a sparse checkout's plan
 * (para_add_sparse_update()).
 */
void para_add_notice_domain(struct para_add *add,
			    const struct para_add_entry *e);

/*
 * add-create.c: the warning that a pattern of e's domain matches
 * nothing in its base.
 */
void para_add_notice_unmatched(struct para_add *add,
			       const struct para_add_entry *e,
			       const char *pattern);

/* add-create.c: a sparse worktree made to check out e's domain. */
int para_add_sparse_update(struct para_add *add,
			   const struct para_add_entry *e);

/* add-create.c: one task's creation, and its undoing. */
int para_add_create_task(struct para_add *add, struct para_add_entry *e);
void para_add_rollback(struct para_add *add);

#endif
