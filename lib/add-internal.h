#ifndef PARA_ADD_INTERNAL_H
#define PARA_ADD_INTERNAL_H

/* Shared by the add transaction's files (add*.c) only. */

#include "add.h"
#include "worktree-provision.h"
#include "domain.h"
#include "lock.h"

/* A planned task, and what this transaction has created for it. */
struct para_add_entry {
	struct para_task task;
	struct para_domain *domain;
	char *where;		/* "<manifest>:<line>", or NULL */
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
	int copy_warned;	/* para.copy patterns checked once */
	int base_noticed;	/* the local branch ahead, said once */
	int checked;
	int interrupted;
};

/* Puts "<fmt...>: " before the last error's message; returns `code`. */
int para_add_error_prefix(int code, const char *fmt, ...)
	__attribute__((format(printf, 2, 3)));

/* add-check.c: the checks against the existing tasks and the plan. */
int para_add_load_existing(struct para_add *add);
void para_add_existing_dispose(struct para_add_existing *ex);
int para_add_check_new(struct para_add *add);
int para_add_check_graph(struct para_add *add);
int para_add_check_overlaps(struct para_add *add);

/* add-create.c: one task's creation, and its undoing. */
int para_add_create_task(struct para_add *add, struct para_add_entry *e);
void para_add_rollback(struct para_add *add);

#endif
