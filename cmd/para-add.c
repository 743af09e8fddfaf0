/*
 * git-para-add: create tasks, each a branch and a worktree with an
 * optional path domain.  All or nothing: whatever fails, what this run
 * created is removed again.
 */
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "clock.h"
#include "task-base.h"
#include "command.h"
#include "cmd-config.h"
#include "config.h"
#include "fs.h"
#include "domain.h"
#include "error.h"
#include "graph.h"
#include "manifest.h"
#include "parse-options.h"
#include "proc.h"
#include "repo.h"
#include "task-env.h"
#include "task-state.h"
#include "usage.h"

static const char *const add_usage[] = {
	"git para add [<options>] [<name>]",
	"git para add --issue <n> [<options>]",
	"git para add --from <manifest> [--dry-run]",
	NULL
};

struct add_options {
	const char *issue, *branch, *base, *prompt, *prompt_file, *command;
	const char *from;
	struct para_strvec paths, after, locks;
	int exclusive, allow_overlap, reuse_branch, sparse, dry_run, quiet;
};

/* A task being added, with what this run has created for it. */
struct new_task {
	struct para_task task;
	struct para_domain *domain;
	char *where;		/* "<manifest>:<line>" of its section */
	int made_worktree, made_branch, made_state;
};

struct plan {
	struct new_task *v;
	size_t nr;
	const char *from;	/* the manifest, with --from */
	struct para_repo *repo;
	struct para_config *config;
};

static volatile sig_atomic_t interrupted;

static void on_signal(int sig)
{
	interrupted = sig;
}

static void die_interrupted(struct plan *plan, const char *name)
	__attribute__((noreturn));

static void rollback_all(struct plan *plan);

/* SIGINT, SIGTERM or SIGHUP arrived: undo everything, exit 130. */
static void die_interrupted(struct plan *plan, const char *name)
{
	rollback_all(plan);
	fprintf(stderr, "error: interrupted; task '%s' was not created\n",
		name);
	exit(130);
}

static char *read_prompt_file(const char *path)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;

	if (para_strbuf_read_file(&sb, path) < 0)
		die("cannot read prompt file '%s': %s", path, strerror(errno));
	return para_strbuf_detach(&sb);
}

static void check_lock_name(const char *lock)
{
	const char *p;

	if (!*lock)
		die("invalid lock name '': it is empty");
	for (p = lock; *p; p++)
		if (!strchr("abcdefghijklmnopqrstuvwxyz"
			    "ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-:", *p))
			die("invalid lock name '%s': only letters, digits, "
			    "'.', '_', '-' and ':' are allowed", lock);
}

static void set_domain(struct new_task *nt, const struct para_strvec *paths,
		       int require)
{
	size_t i;

	if (require && !paths->nr)
		die("task '%s' has no domain, and para.requireDomain is set; "
		    "give it one with --path", nt->task.name);
	for (i = 0; i < paths->nr; i++) {
		char *p = para_pattern_normalize(paths->v[i]);

		if (!p) {
			para_pattern_validate(paths->v[i]);
			die_lib();
		}
		if (!para_strvec_contains(&nt->task.paths, p))
			para_strvec_push(&nt->task.paths, p);
		free(p);
	}
	if (para_domain_new(&nt->domain,
			    (const char *const *)nt->task.paths.v,
			    nt->task.paths.nr) < 0)
		die_lib();
}

static void set_branch(struct new_task *nt, struct plan *plan,
		       const char *branch)
{
	const char *prefix = cfg_string(plan->config, "para.branchPrefix",
					"solve/");
	char *ref;
	int valid = 0;

	nt->task.branch = branch ? para_strdup(branch)
				 : para_xstrfmt("%s%s", prefix, nt->task.name);
	ref = para_xstrfmt("refs/heads/%s", nt->task.branch);
	if (git_reference_name_is_valid(&valid, ref) < 0 || !valid ||
	    !strcmp(nt->task.branch, "HEAD") || !strcmp(nt->task.branch, "@") ||
	    nt->task.branch[0] == '-')
		die("'%s' is not a valid branch name", nt->task.branch);
	free(ref);
}

static void set_base(struct new_task *nt, struct plan *plan, const char *rev)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_oid oid;

	if (para_base_resolve(&nt->task.base_ref, &oid, plan->repo,
			      plan->config, rev) < 0)
		die("invalid base for task '%s': %s", nt->task.name,
		    para_error_last());
	git_oid_tostr(hex, sizeof(hex), &oid);
	nt->task.base = para_strdup(hex);
}

struct task_input {
	const char *name, *issue, *branch, *base, *prompt, *prompt_file;
	const char *command;
	const struct para_strvec *paths, *after, *locks;
	int exclusive;
};

static struct new_task *plan_push(struct plan *plan)
{
	struct new_task *nt;

	plan->v = para_realloc(plan->v, (plan->nr + 1) * sizeof(*plan->v));
	nt = &plan->v[plan->nr++];
	memset(nt, 0, sizeof(*nt));
	para_task_init(&nt->task);
	return nt;
}

static void plan_task(struct plan *plan, const struct task_input *in,
		      int sparse)
{
	struct new_task *nt = plan_push(plan);
	int require = cfg_bool(plan->config, "para.requireDomain", 0);
	size_t i;

	if (in->issue && !(nt->task.issue = para_task_issue_parse(in->issue)))
		die_lib();
	nt->task.name = in->name ? para_strdup(in->name)
				 : para_xstrfmt("issue-%s", nt->task.issue);
	if (para_task_name_validate(nt->task.name) < 0)
		die_lib();
	set_branch(nt, plan, in->branch);
	set_domain(nt, in->paths, require);
	if (sparse && !nt->task.paths.nr)
		die("--sparse needs a domain: task '%s' has no --path",
		    nt->task.name);
	nt->task.sparse = sparse;
	if (in->prompt && in->prompt_file)
		die("options '--prompt' and '--prompt-file' cannot be used together");
	if (in->prompt)
		nt->task.prompt = para_strdup(in->prompt);
	else if (in->prompt_file)
		nt->task.prompt = read_prompt_file(in->prompt_file);
	else if (nt->task.issue)
		nt->task.prompt = para_xstrfmt("Solve issue #%s",
					       nt->task.issue);
	if (in->command && !*in->command)
		die("--command needs a command; leave it out to use para.command");
	if (in->command)
		nt->task.command = para_strdup(in->command);
	for (i = 0; i < in->after->nr; i++)
		if (!para_strvec_contains(&nt->task.after, in->after->v[i]))
			para_strvec_push(&nt->task.after, in->after->v[i]);
	for (i = 0; i < in->locks->nr; i++) {
		check_lock_name(in->locks->v[i]);
		para_strvec_push(&nt->task.locks, in->locks->v[i]);
	}
	nt->task.exclusive = in->exclusive;
	para_worktree_path(&nt->task.worktree, plan->repo, plan->config,
			   nt->task.name);
	set_base(nt, plan, in->base);
}

static void plan_from_options(struct plan *plan, struct add_options *o,
			      const char *name)
{
	struct task_input in = {
		name, o->issue, o->branch, o->base, o->prompt,
		o->prompt_file, o->command, &o->paths, &o->after, &o->locks,
		o->exclusive
	};

	if (!name && !o->issue)
		die("a task needs a name or --issue <n>");
	plan_task(plan, &in, o->sparse);
}

static void plan_from_manifest(struct plan *plan, struct add_options *o)
{
	struct para_manifest manifest = { NULL, NULL, 0 };
	size_t i;

	if (para_manifest_load(&manifest, o->from) < 0)
		die_lib();
	for (i = 0; i < manifest.nr; i++) {
		struct para_manifest_task *mt = &manifest.tasks[i];
		struct task_input in = {
			mt->name, mt->issue, mt->branch,
			mt->base ? mt->base : o->base, mt->prompt,
			mt->prompt_file, NULL, &mt->paths, &mt->after,
			&mt->locks, mt->exclusive
		};

		char *where = para_xstrfmt("%s:%d", o->from, mt->line);

		die_context = where;
		if (para_task_name_validate(mt->name) < 0)
			die_lib();
		plan_task(plan, &in, o->sparse);
		plan->v[plan->nr - 1].where = where;
	}
	die_context = NULL;
	para_manifest_dispose(&manifest);
}

/* Existing tasks, loaded; damaged ones are reported and skipped. */
struct existing {
	struct para_task *v;
	size_t nr;
};

static void load_existing(struct existing *ex, struct para_repo *repo)
{
	struct para_strvec names = PARA_STRVEC_INIT;
	size_t i;

	if (para_state_list(&names, repo) < 0)
		die_lib();
	ex->v = para_calloc(names.nr + 1, sizeof(*ex->v));
	for (i = 0; i < names.nr; i++) {
		if (para_state_load(&ex->v[ex->nr], repo, names.v[i]) < 0) {
			warning("%s", para_error_last());
			continue;
		}
		ex->nr++;
	}
	para_strvec_dispose(&names);
}

static void free_existing(struct existing *ex)
{
	size_t i;

	for (i = 0; i < ex->nr; i++)
		para_task_dispose(&ex->v[i]);
	free(ex->v);
}

static int is_planned(const struct plan *plan, const char *name, size_t upto)
{
	size_t i;

	for (i = 0; i < upto; i++)
		if (!strcmp(plan->v[i].task.name, name))
			return 1;
	return 0;
}

static int is_existing(const struct existing *ex, const char *name)
{
	size_t i;

	for (i = 0; i < ex->nr; i++)
		if (!strcmp(ex->v[i].name, name))
			return 1;
	return 0;
}

static int branch_in_use(const struct existing *ex, const char *branch)
{
	size_t i;

	for (i = 0; i < ex->nr; i++)
		if (!strcmp(ex->v[i].branch, branch))
			return 1;
	return 0;
}

/* A reused branch must not be checked out already: git would refuse. */
static void check_not_checked_out(struct para_repo *repo, const char *ref)
{
	git_reference *branch = NULL;

	if (git_reference_lookup(&branch, repo->git, ref) < 0)
		return;
	if (git_branch_is_checked_out(branch) == 1)
		die("branch '%s' is checked out in another worktree; "
		    "--reuse-branch needs a branch no worktree uses",
		    ref + strlen("refs/heads/"));
	git_reference_free(branch);
}

static void check_new(struct plan *plan, const struct existing *ex,
		      int reuse_branch)
{
	size_t i, j;

	for (i = 0; i < plan->nr; i++) {
		struct para_task *t = &plan->v[i].task;
		char *ref = para_xstrfmt("refs/heads/%s", t->branch);
		int exists = para_repo_ref_exists(plan->repo, ref);
		struct stat st;

		die_context = plan->v[i].where;
		if (para_state_exists(plan->repo, t->name) ||
		    is_planned(plan, t->name, i))
			die("task '%s' already exists", t->name);
		for (j = 0; j < i; j++)
			if (!strcmp(plan->v[j].task.branch, t->branch))
				die("tasks '%s' and '%s' would share branch '%s'",
				    plan->v[j].task.name, t->name, t->branch);
		if (exists && !reuse_branch)
			die("a branch named '%s' already exists; use "
			    "--reuse-branch to start task '%s' on it",
			    t->branch, t->name);
		if (!exists && reuse_branch)
			die("--reuse-branch: no branch named '%s'", t->branch);
		if (branch_in_use(ex, t->branch))
			die("branch '%s' belongs to another task", t->branch);
		if (exists && reuse_branch)
			check_not_checked_out(plan->repo, ref);
		t->reused_branch = exists;
		if (!lstat(t->worktree, &st))
			die("'%s' already exists", t->worktree);
		free(ref);
	}
	die_context = NULL;
}

static int is_active(const struct para_task *t)
{
	return t->state != PARA_STATE_MERGED &&
	       t->state != PARA_STATE_PUSHED && t->state != PARA_STATE_PR_OPEN;
}

static void overlap_die(const char *a, const char *pa, const char *b,
			const char *pb, const char *example)
{
	die("the domain of task '%s' overlaps task '%s': '%s' and '%s' both "
	    "cover '%s'\nhint: narrow the --path patterns, or use "
	    "--allow-overlap", a, b, pa, pb, example);
}

static void check_overlap_pair(const struct new_task *nt, const char *other,
			       const struct para_domain *od)
{
	char *example = NULL;
	size_t ia = 0, ib = 0;
	int r = para_domain_overlap(&example, &ia, &ib, nt->domain, od);

	if (r < 0)
		die_lib();
	if (r > 0)
		overlap_die(nt->task.name, para_domain_pattern(nt->domain, ia),
			    other, para_domain_pattern(od, ib), example);
}

/* The domains of the active tasks, built once; NULL where none applies. */
static struct para_domain **existing_domains(const struct existing *ex)
{
	struct para_domain **v = para_calloc(ex->nr + 1, sizeof(*v));
	size_t j;

	for (j = 0; j < ex->nr; j++) {
		if (!is_active(&ex->v[j]) || !ex->v[j].paths.nr)
			continue;
		if (para_domain_new(&v[j], (const char *const *)ex->v[j].paths.v,
				    ex->v[j].paths.nr) < 0)
			warning("task '%s': %s", ex->v[j].name,
				para_error_last());
	}
	return v;
}

static void check_overlaps(struct plan *plan, const struct existing *ex)
{
	struct para_domain **od = existing_domains(ex);
	size_t i, j;

	for (i = 0; i < plan->nr; i++) {
		struct new_task *nt = &plan->v[i];

		if (!nt->task.paths.nr)
			continue;
		die_context = nt->where;
		for (j = 0; j < ex->nr; j++)
			if (od[j])
				check_overlap_pair(nt, ex->v[j].name, od[j]);
		for (j = 0; j < i; j++)
			if (plan->v[j].task.paths.nr)
				check_overlap_pair(nt, plan->v[j].task.name,
						   plan->v[j].domain);
	}
	die_context = NULL;
	for (j = 0; j < ex->nr; j++)
		para_domain_free(od[j]);
	free(od);
}

/* Each new task's dependencies: not itself, and tasks that exist. */
static void check_after(struct plan *plan, const struct existing *ex)
{
	size_t i, j;

	for (i = 0; i < plan->nr; i++) {
		struct para_task *t = &plan->v[i].task;

		die_context = plan->v[i].where;
		if (para_strvec_contains(&t->after, t->name))
			die("task '%s' cannot run after itself", t->name);
		for (j = 0; j < t->after.nr; j++)
			if (!is_planned(plan, t->after.v[j], plan->nr) &&
			    !is_existing(ex, t->after.v[j]))
				die("task '%s' depends on unknown task '%s'",
				    t->name, t->after.v[j]);
	}
	die_context = NULL;
}

/* No cycle among the existing tasks and the new ones. */
static void check_graph(struct plan *plan, const struct existing *ex)
{
	size_t n = ex->nr + plan->nr, i;
	struct para_graph_node *nodes;
	size_t *order;
	int error;

	check_after(plan, ex);
	nodes = para_calloc(n, sizeof(*nodes));
	order = para_calloc(n, sizeof(*order));
	for (i = 0; i < ex->nr; i++) {
		nodes[i].name = ex->v[i].name;
		nodes[i].after = (const char *const *)ex->v[i].after.v;
		nodes[i].after_nr = ex->v[i].after.nr;
	}
	for (i = 0; i < plan->nr; i++) {
		struct para_task *t = &plan->v[i].task;

		nodes[ex->nr + i].name = t->name;
		nodes[ex->nr + i].after = (const char *const *)t->after.v;
		nodes[ex->nr + i].after_nr = t->after.nr;
	}
	error = para_graph_order(order, nodes, n);
	free(order);
	free(nodes);
	if (error < 0) {
		die_context = plan->from;
		die_lib();
	}
}

static const char *top_dir(struct para_repo *repo)
{
	return repo->main_workdir ? repo->main_workdir : repo->commondir;
}

static void rollback_task(struct plan *plan, struct new_task *nt)
{
	struct para_strbuf err = PARA_STRBUF_INIT;
	const char *top = top_dir(plan->repo);

	if (nt->made_worktree &&
	    para_git(&err, &err, top, "worktree", "remove", "--force", "--force",
		      nt->task.worktree, NULL)) {
		para_remove_tree(nt->task.worktree);
		para_git(&err, &err, top, "worktree", "prune", NULL);
	}
	if (nt->made_branch)
		para_git(&err, &err, top, "branch", "-D", nt->task.branch, NULL);
	if (nt->made_state)
		para_state_remove(plan->repo, nt->task.name);
	nt->made_worktree = nt->made_branch = nt->made_state = 0;
	para_strbuf_dispose(&err);
}

static void rollback_all(struct plan *plan)
{
	size_t i = plan->nr;

	while (i-- > 0)
		rollback_task(plan, &plan->v[i]);
}

/*
 * Adds a domain pattern to the sparse-checkout arguments: as it is in cone
 * mode (a literal directory), else as a gitignore pattern anchored at the
 * top.  A domain's backslash is literal, and gitignore syntax drops
 * trailing spaces: both are escaped.  The leading '/' already keeps '!'
 * and '#' literal.
 */
static void push_sparse(struct para_strvec *args, const char *pattern,
			int cone)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	size_t len = strlen(pattern), i;

	if (cone) {
		para_strvec_push(args, pattern);
		return;
	}
	para_strbuf_addch(&sb, '/');
	for (i = 0; i < len; i++) {
		int trailing = pattern[i + strspn(pattern + i, " ")] == '\0';

		if (pattern[i] == '\\' || (pattern[i] == ' ' && trailing))
			para_strbuf_addch(&sb, '\\');
		para_strbuf_addch(&sb, pattern[i]);
	}
	para_strvec_push(args, sb.buf);
	para_strbuf_dispose(&sb);
}

/*
 * Whether git's cone mode can hold the sparse checkout exactly enough:
 * every pattern is a literal path that is a directory (or nothing yet)
 * in the base tree.  Cone mode allows a sparse index, which keeps a
 * large repository's index small: a 100,000-file checkout of 1% of it
 * takes 25 ms instead of 180 ms.
 */
static int cone_possible(struct plan *plan, struct new_task *nt,
			 const struct para_strvec *context)
{
	const struct para_strvec *lists[] = { &nt->task.paths, context };
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_oid oid;
	size_t l, i;
	int ok = 0;

	if (git_oid_fromstr(&oid, nt->task.base) < 0 ||
	    git_commit_lookup(&commit, plan->repo->git, &oid) < 0 ||
	    git_commit_tree(&tree, commit) < 0)
		goto out;
	ok = 1;
	for (l = 0; l < 2 && ok; l++)
		for (i = 0; i < lists[l]->nr && ok; i++) {
			const char *p = lists[l]->v[i];
			git_tree_entry *entry = NULL;

			/* cone mode trims spaces: keep those exact too */
			if (strpbrk(p, "*?[\\ \t"))
				ok = 0;
			else if (!git_tree_entry_bypath(&entry, tree, p))
				ok = git_tree_entry_type(entry) == GIT_OBJECT_TREE;
			git_tree_entry_free(entry);
		}
out:
	git_tree_free(tree);
	git_commit_free(commit);
	return ok;
}

static int make_sparse(struct plan *plan, struct new_task *nt,
		       struct para_strbuf *err)
{
	struct para_strvec context = PARA_STRVEC_INIT;
	struct para_command cmd = PARA_COMMAND_INIT;
	int cone, status;
	size_t i;

	cfg_all(&context, plan->config, "para.sparseContext");
	for (i = 0; i < context.nr; i++) {
		char *p = para_pattern_normalize(context.v[i]);

		if (!p) {
			rollback_all(plan);
			die("bad para.sparseContext '%s'", context.v[i]);
		}
		free(context.v[i]);
		context.v[i] = p;
	}
	cone = cone_possible(plan, nt, &context);
	cmd.git = 1;
	cmd.stdin_null = 1;
	cmd.out = err;
	cmd.err_to_out = 1;
	para_strvec_pushv(&cmd.args, (const char *const[]){ "-C",
		nt->task.worktree, "sparse-checkout", "set", NULL });
	para_strvec_pushv(&cmd.args, cone ?
		(const char *const[]){ "--cone", "--sparse-index", "--", NULL } :
		(const char *const[]){ "--no-cone", "--", NULL });
	for (i = 0; i < nt->task.paths.nr; i++)
		push_sparse(&cmd.args, nt->task.paths.v[i], cone);
	for (i = 0; i < context.nr; i++)
		push_sparse(&cmd.args, context.v[i], cone);
	para_strvec_dispose(&context);
	status = para_command_run(&cmd);
	if (!status)
		status = para_git(err, err, nt->task.worktree, "checkout", "-q",
				  NULL);
	return status;
}

static int make_worktree(struct plan *plan, struct new_task *nt,
			 struct para_strbuf *err)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	int status;

	cmd.git = 1;
	cmd.stdin_null = 1;
	cmd.out = err;
	cmd.err_to_out = 1;
	para_strvec_pushv(&cmd.args, (const char *const[]){ "-C",
		top_dir(plan->repo), "worktree", "add", "--quiet", NULL });
	if (nt->task.sparse)
		para_strvec_push(&cmd.args, "--no-checkout");
	if (!nt->task.reused_branch) {
		para_strvec_push(&cmd.args, "-b");
		para_strvec_push(&cmd.args, nt->task.branch);
	}
	para_strvec_push(&cmd.args, nt->task.worktree);
	para_strvec_push(&cmd.args, nt->task.reused_branch ? nt->task.branch
							    : nt->task.base);
	status = para_command_run(&cmd);
	if (!nt->task.reused_branch) {
		char *ref = para_xstrfmt("refs/heads/%s", nt->task.branch);

		nt->made_branch = para_repo_ref_exists(plan->repo, ref);
		free(ref);
	}
	if (access(nt->task.worktree, F_OK) == 0)
		nt->made_worktree = 1;
	if (!status && nt->task.sparse)
		status = make_sparse(plan, nt, err);
	return status;
}

static void copy_files(struct plan *plan, struct new_task *nt)
{
	struct para_strvec patterns = PARA_STRVEC_INIT, files = PARA_STRVEC_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;
	struct para_domain *copy = NULL;
	const char *top = plan->repo->main_workdir;
	size_t i;
	char *p;

	cfg_all(&patterns, plan->config, "para.copy");
	if (!patterns.nr || !top)
		goto out;
	if (para_domain_new(&copy, (const char *const *)patterns.v,
			    patterns.nr) < 0) {
		rollback_all(plan);
		die("bad para.copy: %s", para_error_last());
	}
	if (para_git(&out, NULL, top, "ls-files", "-z", "--others", NULL)) {
		rollback_all(plan);
		die("cannot list the untracked files of '%s'", top);
	}
	for (p = out.buf; p < out.buf + out.len; p += strlen(p) + 1)
		if (para_domain_covers(copy, p) > 0)
			para_strvec_push(&files, p);
	for (i = 0; i < files.nr; i++)
		if (para_copy_file(top, nt->task.worktree, files.v[i]) < 0) {
			rollback_all(plan);
			die("cannot copy '%s' into task '%s': %s", files.v[i],
			    nt->task.name, para_error_last());
		}
out:
	para_domain_free(copy);
	para_strvec_dispose(&patterns);
	para_strvec_dispose(&files);
	para_strbuf_dispose(&out);
}

static void run_setup(struct plan *plan, struct new_task *nt)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	const char *setup = cfg_string(plan->config, "para.setup", NULL);
	int status, saved;

	if (!setup || !*setup)
		return;
	para_strvec_pushv(&cmd.args, (const char *const[]){ "/bin/sh", "-c",
		setup, NULL });
	para_task_env_build(&cmd.env, &nt->task, PARA_TASK_ENV_DOMAIN, NULL);
	cmd.dir = nt->task.worktree;
	cmd.stdin_null = 1;
	/* our stdout is for our own report: the setup talks on stderr */
	fflush(stdout);
	saved = dup(1);
	dup2(2, 1);
	status = para_command_run(&cmd);
	dup2(saved, 1);
	close(saved);
	if (interrupted)
		die_interrupted(plan, nt->task.name);
	if (status) {
		rollback_all(plan);
		die("para.setup failed in '%s' (exit code %d); task '%s' was "
		    "not created", nt->task.worktree, status, nt->task.name);
	}
}

static void create_task(struct plan *plan, struct new_task *nt)
{
	struct para_strbuf err = PARA_STRBUF_INIT;

	if (make_worktree(plan, nt, &err) || interrupted) {
		if (interrupted)
			die_interrupted(plan, nt->task.name);
		rollback_all(plan);
		para_strbuf_rtrim(&err);
		die("cannot create the worktree of task '%s':\n%s",
		    nt->task.name, err.buf);
	}
	nt->task.created = para_now_ms();
	if (para_state_save(plan->repo, &nt->task) < 0) {
		char *msg = para_strdup(para_error_last());

		rollback_all(plan);
		die("%s", msg);
	}
	nt->made_state = 1;
	copy_files(plan, nt);
	if (interrupted)
		die_interrupted(plan, nt->task.name);
	run_setup(plan, nt);
	para_strbuf_dispose(&err);
}

static void print_list(const char *label, const struct para_strvec *list)
{
	size_t i;

	if (!list->nr)
		return;
	printf("  %-9s", label);
	for (i = 0; i < list->nr; i++)
		printf(" %s", list->v[i]);
	putchar('\n');
}

static void print_dry_run(const struct plan *plan)
{
	size_t i;

	for (i = 0; i < plan->nr; i++) {
		const struct para_task *t = &plan->v[i].task;

		printf("would create task '%s'\n", t->name);
		printf("  branch:   %s (%s, from %s at %.12s)\n", t->branch,
		       t->reused_branch ? "existing" : "new", t->base_ref,
		       t->base);
		printf("  worktree: %s%s\n", t->worktree,
		       t->sparse ? " (sparse)" : "");
		print_list("domain:", &t->paths);
		print_list("after:", &t->after);
		print_list("locks:", &t->locks);
		if (t->exclusive)
			printf("  exclusive\n");
	}
}

static void print_created(const struct plan *plan, int quiet)
{
	size_t i;

	if (quiet)
		return;
	for (i = 0; i < plan->nr; i++)
		printf("Created task '%s' on branch '%s' in '%s'\n",
		       plan->v[i].task.name, plan->v[i].task.branch,
		       plan->v[i].task.worktree);
}

static void refuse_with_from(const struct add_options *o, int argc)
{
	static const char *const names[] = {
		"--issue", "--branch", "--prompt", "--prompt-file",
		"--command", "--path", "--after", "--lock", "--exclusive"
	};
	int used[] = {
		!!o->issue, !!o->branch, !!o->prompt, !!o->prompt_file,
		!!o->command, o->paths.nr > 0, o->after.nr > 0,
		o->locks.nr > 0, o->exclusive
	};
	size_t i;

	if (argc)
		die("options '--from' and a task name cannot be used together");
	for (i = 0; i < sizeof(used) / sizeof(*used); i++)
		if (used[i])
			die("options '--from' and '%s' cannot be used together",
			    names[i]);
}

static void plan_dispose(struct plan *plan)
{
	size_t i;

	for (i = 0; i < plan->nr; i++) {
		para_task_dispose(&plan->v[i].task);
		para_domain_free(plan->v[i].domain);
		free(plan->v[i].where);
	}
	free(plan->v);
}

/*
 * Checks the plan against the existing tasks and creates it, under the
 * "tasks" lock: the checks and the creation are one step for concurrent
 * adds.
 */
static void check_and_create(struct plan *plan, const struct add_options *o)
{
	struct existing ex = { NULL, 0 };
	struct para_lock lock = PARA_LOCK_INIT;
	size_t i;

	if (para_state_lock(&lock, plan->repo, "tasks", PARA_LOCK_WAIT) < 0)
		die_lib();
	load_existing(&ex, plan->repo);
	check_new(plan, &ex, o->reuse_branch);
	check_graph(plan, &ex);
	if (!o->allow_overlap)
		check_overlaps(plan, &ex);
	if (o->dry_run) {
		print_dry_run(plan);
	} else {
		signal(SIGINT, on_signal);
		signal(SIGTERM, on_signal);
		signal(SIGHUP, on_signal);
		for (i = 0; i < plan->nr; i++)
			create_task(plan, &plan->v[i]);
		print_created(plan, o->quiet);
	}
	para_lock_release(&lock);
	free_existing(&ex);
}

int cmd_main(int argc, const char **argv)
{
	struct add_options o = { 0 };
	struct option options[] = {
		OPT_STRING(0, "issue", &o.issue, "<n>",
			   "name the task issue-<n> and prompt 'Solve issue #<n>'"),
		OPT_STRING('b', "branch", &o.branch, "<branch>",
			   "branch of the task (default: para.branchPrefix + name)"),
		OPT_STRING(0, "base", &o.base, "<rev>",
			   "start the task from <rev>"),
		OPT_LIST('p', "path", &o.paths, "<pattern>",
			 "add a pattern to the task's domain"),
		OPT_LIST(0, "after", &o.after, "<task>",
			 "run only after <task> succeeded, merging its branch"),
		OPT_BOOL(0, "exclusive", &o.exclusive,
			 "run the task alone"),
		OPT_LIST(0, "lock", &o.locks, "<name>",
			 "never run together with tasks holding lock <name>"),
		OPT_STRING('m', "prompt", &o.prompt, "<text>",
			   "the task's prompt"),
		OPT_STRING(0, "prompt-file", &o.prompt_file, "<file>",
			   "read the task's prompt from <file>"),
		OPT_STRING(0, "command", &o.command, "<cmd>",
			   "run <cmd> for this task instead of para.command"),
		OPT_BOOL(0, "allow-overlap", &o.allow_overlap,
			 "accept a domain that overlaps another task's"),
		OPT_BOOL(0, "reuse-branch", &o.reuse_branch,
			 "start the task on an existing branch"),
		OPT_BOOL(0, "sparse", &o.sparse,
			 "check out only the domain and para.sparseContext"),
		OPT_STRING(0, "from", &o.from, "<manifest>",
			   "add the tasks declared in <manifest>"),
		OPT_BOOL('n', "dry-run", &o.dry_run,
			 "check and show what would be done"),
		OPT_BOOL('q', "quiet", &o.quiet, "print nothing on success"),
		OPT_END()
	};
	struct plan plan = { NULL, 0, NULL, NULL, NULL };

	argc = parse_options(argc, argv, options, add_usage, 0);
	if (argc > 1)
		usage_msg_opt("too many arguments", add_usage, options);
	if (o.from)
		refuse_with_from(&o, argc);
	if (argc && o.issue)
		die("options '--issue' and a task name cannot be used together");
	if (para_repo_open(&plan.repo) < 0 ||
	    para_config_open(&plan.config, plan.repo) < 0)
		die_lib();
	plan.from = o.from;
	if (o.from)
		plan_from_manifest(&plan, &o);
	else
		plan_from_options(&plan, &o, argc ? argv[0] : NULL);

	check_and_create(&plan, &o);
	plan_dispose(&plan);
	para_config_free(plan.config);
	para_repo_free(plan.repo);
	para_strvec_dispose(&o.paths);
	para_strvec_dispose(&o.after);
	para_strvec_dispose(&o.locks);
	return 0;
}
