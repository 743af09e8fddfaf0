#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "add-internal.h"
#include "domain-index.h"
#include "error.h"
#include "graph.h"
#include "strbuf.h"
#include "task-state.h"

int para_add_error_prefix(int code, const char *fmt, ...)
{
	char *cause = para_strdup(para_error_last());
	struct para_strbuf sb = PARA_STRBUF_INIT;
	va_list ap;

	va_start(ap, fmt);
	para_strbuf_vaddf(&sb, fmt, ap);
	va_end(ap);
	para_error_set(code, "%s: %s", sb.buf, cause);
	para_strbuf_dispose(&sb);
	free(cause);
	return code;
}

/* The last error, after "<where>: " when `where` is not NULL. */
static int error_in(const char *where, int code)
{
	return where ? para_add_error_prefix(code, "%s", where) : code;
}

/* An error about the planned task `e`, which names its manifest line. */
static int error_of(const struct para_add_entry *e, int code, const char *fmt,
		    ...) __attribute__((format(printf, 3, 4)));

static int error_of(const struct para_add_entry *e, int code, const char *fmt,
		    ...)
{
	va_list ap;

	va_start(ap, fmt);
	para_error_vset(NULL, fmt, ap);
	va_end(ap);
	return error_in(e->where, code);
}

/* As error_of(), naming the issue line that declared the dependencies. */
static int after_error(const struct para_add_entry *e, int code,
		       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int after_error(const struct para_add_entry *e, int code,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	para_error_vset(NULL, fmt, ap);
	va_end(ap);
	return error_in(e->where_after ? e->where_after : e->where, code);
}

/* What para_add_undo() did, as "its worktree 'w' and its branch 'b'". */
static void say_undone(struct para_strbuf *out, const struct para_task *t,
		       const struct para_add_undone *u)
{
	if (u->worktree)
		para_strbuf_addf(out, "its worktree '%s'", t->worktree);
	if (u->branch)
		para_strbuf_addf(out, "%sits branch '%s'", out->len ? " and " :
				 "", t->branch);
	if (!out->len)
		para_strbuf_addstr(out, "its record");
	if (u->branch_kept)
		para_strbuf_addf(out, "; its branch '%s' has commits of its "
				 "own and is kept", t->branch);
}

int para_add_clear_incomplete(struct para_add *add)
{
	size_t i;
	int error = 0;

	for (i = 0; i < add->nr && !error; i++) {
		struct para_add_entry *e = &add->v[i];
		struct para_add_undone undone;
		struct para_strbuf sb = PARA_STRBUF_INIT;
		struct para_task old;

		para_task_init(&old);
		if (!para_state_exists(add->repo, e->task.name) ||
		    para_state_load(&old, add->repo, e->task.name) < 0 ||
		    para_task_live_state(&old) != PARA_STATE_INCOMPLETE) {
			para_error_clear();
			para_task_dispose(&old);
			continue;
		}
		if (add->opts.dry_run)
			error = error_of(e, PARA_EEXISTS, "task '%s' is "
					 "incomplete: its 'git para add' was "
					 "interrupted; without --dry-run, add "
					 "removes what that left and makes it "
					 "again", e->task.name);
		else if ((error = para_add_undo(&undone, add->repo, &old)) < 0)
			error = error_in(e->where, error);
		else {
			say_undone(&sb, &old, &undone);
			para_strvec_pushf(&add->warnings, "task '%s' was left "
					  "incomplete by an interrupted 'git "
					  "para add'; removed %s", e->task.name,
					  sb.buf);
		}
		para_strbuf_dispose(&sb);
		para_task_dispose(&old);
	}
	return error;
}

int para_add_load_existing(struct para_add *add)
{
	struct para_add_existing *ex = &add->existing;
	struct para_strvec names = PARA_STRVEC_INIT;
	size_t i;
	int error;

	para_add_existing_dispose(ex);
	if ((error = para_state_list(&names, add->repo)) < 0)
		goto out;
	ex->v = para_calloc(names.nr + 1, sizeof(*ex->v));
	for (i = 0; i < names.nr; i++) {
		if (para_state_load(&ex->v[ex->nr], add->repo, names.v[i]) < 0) {
			para_strvec_push(&add->warnings, para_error_last());
			continue;
		}
		ex->nr++;
	}
out:
	para_strvec_dispose(&names);
	return error;
}

void para_add_existing_dispose(struct para_add_existing *ex)
{
	size_t i;

	for (i = 0; i < ex->nr; i++)
		para_task_dispose(&ex->v[i]);
	free(ex->v);
	ex->v = NULL;
	ex->nr = 0;
}

static int is_planned(const struct para_add *add, const char *name, size_t upto)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (!strcmp(add->v[i].task.name, name))
			return 1;
	return 0;
}

static int is_existing(const struct para_add_existing *ex, const char *name)
{
	size_t i;

	for (i = 0; i < ex->nr; i++)
		if (!strcmp(ex->v[i].name, name))
			return 1;
	return 0;
}

static int branch_in_use(const struct para_add_existing *ex, const char *branch)
{
	size_t i;

	for (i = 0; i < ex->nr; i++)
		if (!strcmp(ex->v[i].branch, branch))
			return 1;
	return 0;
}

/* A reused branch must not be checked out already: git would refuse. */
static int check_not_checked_out(const struct para_add_entry *e,
				 struct para_repo *repo, const char *ref)
{
	git_reference *branch = NULL;
	int error = 0;

	if (git_reference_lookup(&branch, repo->git, ref) < 0)
		return 0;
	if (git_branch_is_checked_out(branch) == 1)
		error = error_of(e, PARA_EEXISTS, "branch '%s' is checked out "
				 "in another worktree; --reuse-branch needs a "
				 "branch no worktree uses", e->task.branch);
	git_reference_free(branch);
	return error;
}

/* The branch of planned task `i`: free, or there to reuse. */
static int check_branch(struct para_add *add, size_t i, const char *ref)
{
	struct para_add_entry *e = &add->v[i];
	struct para_task *t = &e->task;
	int exists = para_repo_ref_exists(add->repo, ref);
	int reuse = add->opts.reuse_branch;
	size_t j;

	for (j = 0; j < i; j++)
		if (!strcmp(add->v[j].task.branch, t->branch))
			return error_of(e, PARA_EEXISTS, "tasks '%s' and '%s' "
					"would share branch '%s'",
					add->v[j].task.name, t->name, t->branch);
	if (exists && !reuse)
		return error_of(e, PARA_EEXISTS, "a branch named '%s' already "
				"exists; use --reuse-branch to start task '%s' "
				"on it", t->branch, t->name);
	if (!exists && reuse)
		return error_of(e, PARA_ENOTFOUND, "--reuse-branch: no branch "
				"named '%s'", t->branch);
	if (branch_in_use(&add->existing, t->branch))
		return error_of(e, PARA_EEXISTS, "branch '%s' belongs to "
				"another task", t->branch);
	t->reused_branch = exists;
	return exists ? check_not_checked_out(e, add->repo, ref) : 0;
}

int para_add_check_new(struct para_add *add)
{
	size_t i;
	int error = 0;

	for (i = 0; i < add->nr && !error; i++) {
		struct para_add_entry *e = &add->v[i];
		char *ref = para_xstrfmt("refs/heads/%s", e->task.branch);
		struct stat st;

		if (para_state_exists(add->repo, e->task.name) ||
		    is_planned(add, e->task.name, i))
			error = error_of(e, PARA_EEXISTS, "task '%s' already "
					 "exists", e->task.name);
		else if ((error = check_branch(add, i, ref)) < 0)
			;
		else if (!lstat(e->task.worktree, &st))
			error = error_of(e, PARA_EEXISTS, "'%s' already exists",
					 e->task.worktree);
		free(ref);
	}
	return error;
}

/* Each new task's dependencies: not itself, and tasks that exist. */
static int check_after(struct para_add *add)
{
	size_t i, j;

	for (i = 0; i < add->nr; i++) {
		struct para_add_entry *e = &add->v[i];
		struct para_task *t = &e->task;

		if (para_strvec_contains(&t->after, t->name))
			return after_error(e, PARA_EINVALID, "task '%s' cannot "
					   "run after itself", t->name);
		for (j = 0; j < t->after.nr; j++)
			if (!is_planned(add, t->after.v[j], add->nr) &&
			    !is_existing(&add->existing, t->after.v[j]))
				return after_error(e, PARA_ENOTFOUND, "task '%s' "
						   "depends on unknown task "
						   "'%s'", t->name,
						   t->after.v[j]);
	}
	return 0;
}

static void graph_node(struct para_graph_node *node, const struct para_task *t)
{
	node->name = t->name;
	node->after = (const char *const *)t->after.v;
	node->after_nr = t->after.nr;
}

/* 1 when the cycle of the last error ("a -> b -> a") goes through `name`. */
static int in_cycle(const char *name)
{
	const char *msg = para_error_last(), *p = msg;
	size_t len = strlen(name);

	while ((p = strstr(p, name))) {
		if ((p == msg || p[-1] == ' ') && (!p[len] || p[len] == ' '))
			return 1;
		p += len;
	}
	return 0;
}

/* The issue line declaring a dependency that makes the cycle, or NULL. */
static const char *cycle_where(const struct para_add *add)
{
	size_t i;

	for (i = 0; i < add->nr; i++)
		if (add->v[i].where_after && in_cycle(add->v[i].task.name))
			return add->v[i].where_after;
	return NULL;
}

/* No cycle among the existing tasks and the new ones. */
int para_add_check_graph(struct para_add *add)
{
	const struct para_add_existing *ex = &add->existing;
	size_t n = ex->nr + add->nr, i;
	struct para_graph_node *nodes;
	const char *where;
	size_t *order;
	int error;

	if ((error = check_after(add)) < 0)
		return error;
	nodes = para_calloc(n + 1, sizeof(*nodes));
	order = para_calloc(n + 1, sizeof(*order));
	for (i = 0; i < ex->nr; i++)
		graph_node(&nodes[i], &ex->v[i]);
	for (i = 0; i < add->nr; i++)
		graph_node(&nodes[ex->nr + i], &add->v[i].task);
	error = para_graph_order(order, nodes, n);
	free(order);
	free(nodes);
	if (error < 0 && add->from)
		para_add_error_prefix(error, "%s", add->from);
	else if (error < 0 && (where = cycle_where(add)))
		para_add_error_prefix(error, "%s", where);
	return error;
}

/* As error_of(), naming the issue line that declared the domain. */
static int paths_error(const struct para_add_entry *e, int code,
		       const char *fmt, ...) __attribute__((format(printf, 3, 4)));

static int paths_error(const struct para_add_entry *e, int code,
		       const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	para_error_vset(NULL, fmt, ap);
	va_end(ap);
	return error_in(e->where_paths ? e->where_paths : e->where, code);
}

static int is_active(const struct para_task *t)
{
	return t->state != PARA_STATE_MERGED &&
	       t->state != PARA_STATE_PUSHED && t->state != PARA_STATE_PR_OPEN;
}

static int check_pair(const struct para_add_entry *e, const char *other,
		      const struct para_domain *od)
{
	const char *where = e->where_paths ? e->where_paths : e->where;
	char *example = NULL;
	size_t ia = 0, ib = 0;
	int r = para_domain_overlap(&example, &ia, &ib, e->domain, od);

	if (r < 0 && where)
		r = para_add_error_prefix(r, "%s", where);
	else if (r > 0)
		r = paths_error(e, PARA_EEXISTS, "the domain of task '%s' overlaps "
			     "task '%s': '%s' and '%s' both cover '%s'\n"
			     "hint: narrow the --path patterns, or use "
			     "--allow-overlap", e->task.name, other,
			     para_domain_pattern(e->domain, ia),
			     para_domain_pattern(od, ib), example);
	free(example);
	return r;
}

/* The domains of the active tasks, built once; NULL where none applies. */
static struct para_domain **existing_domains(struct para_add *add)
{
	const struct para_add_existing *ex = &add->existing;
	struct para_domain **v = para_calloc(ex->nr + 1, sizeof(*v));
	size_t j;

	for (j = 0; j < ex->nr; j++) {
		if (!is_active(&ex->v[j]) || !ex->v[j].paths.nr)
			continue;
		if (para_domain_new(&v[j], (const char *const *)ex->v[j].paths.v,
				    ex->v[j].paths.nr) < 0)
			para_strvec_pushf(&add->warnings, "task '%s': %s",
					  ex->v[j].name, para_error_last());
	}
	return v;
}

/*
 * Task `i` against the existing tasks, then the planned ones before it,
 * in that order; the index leaves out only pairs that cannot overlap, so
 * the first overlap found is the one a check of every pair would find.
 */
static int check_entry_overlaps(struct para_add *add, size_t i,
				struct para_domain **od,
				struct para_domain_index *index)
{
	const struct para_add_entry *e = &add->v[i];
	size_t ex_nr = add->existing.nr, *ids, n, k;
	int error = 0;

	n = para_domain_index_candidates(&ids, index, e->domain, ex_nr + i);
	for (k = 0; k < n && !error; k++)
		if (ids[k] < ex_nr)
			error = check_pair(e, add->existing.v[ids[k]].name,
					   od[ids[k]]);
		else
			error = check_pair(e, add->v[ids[k] - ex_nr].task.name,
					   add->v[ids[k] - ex_nr].domain);
	free(ids);
	return error < 0 ? error : 0;
}

int para_add_check_overlaps(struct para_add *add)
{
	struct para_domain **od = existing_domains(add);
	struct para_domain_index *index = para_domain_index_new();
	size_t i, ex_nr = add->existing.nr;
	int error = 0;

	for (i = 0; i < ex_nr; i++)
		if (od[i])
			para_domain_index_add(index, od[i], i);
	for (i = 0; i < add->nr; i++)
		if (add->v[i].task.paths.nr)
			para_domain_index_add(index, add->v[i].domain, ex_nr + i);
	for (i = 0; i < add->nr && !error; i++)
		if (add->v[i].task.paths.nr)
			error = check_entry_overlaps(add, i, od, index);
	para_domain_index_free(index);
	for (i = 0; i < ex_nr; i++)
		para_domain_free(od[i]);
	free(od);
	return error;
}

int para_add_check_links(struct para_add *add)
{
	struct para_strvec links = PARA_STRVEC_INIT;
	size_t i;
	int error = 0;

	if (add->opts.no_copy ||
	    (error = para_include_links(&links, add->config)) < 0)
		return add->opts.no_copy ? 0 : error;
	for (i = 0; i < add->nr && !error; i++)
		if ((error = para_include_check_domain(&links, add->v[i].domain,
						       add->v[i].task.name)) < 0)
			error = error_in(add->v[i].where, error);
	para_strvec_dispose(&links);
	return error;
}
