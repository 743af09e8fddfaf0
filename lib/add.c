#include <stdlib.h>
#include <string.h>

#include "add-internal.h"
#include "error.h"
#include "hook.h"
#include "issue.h"
#include "manifest.h"
#include "strbuf.h"
#include "task-base.h"
#include "task-context.h"
#include "task-env.h"
#include "task-state.h"

static const char lock_chars[] = "abcdefghijklmnopqrstuvwxyz"
	"ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789._-:";

int para_add_new(struct para_add **out, struct para_repo *repo,
		 struct para_config *config, const struct para_add_options *opts)
{
	struct para_add *add = para_calloc(1, sizeof(*add));
	struct para_lock unlocked = PARA_LOCK_INIT;

	add->repo = repo;
	add->config = config;
	if (opts)
		add->opts = *opts;
	add->lock = unlocked;
	*out = add;
	return 0;
}

static void entry_dispose(struct para_add_entry *e)
{
	para_task_dispose(&e->task);
	para_domain_free(e->domain);
	para_provision_dispose(&e->provision);
	free(e->where);
	free(e->where_paths);
	free(e->where_after);
	free(e->where_locks);
}

void para_add_free(struct para_add *add)
{
	size_t i;

	if (!add)
		return;
	para_lock_release(&add->lock);
	for (i = 0; i < add->nr; i++)
		entry_dispose(&add->v[i]);
	free(add->v);
	free(add->from);
	para_add_existing_dispose(&add->existing);
	para_strvec_dispose(&add->warnings);
	para_include_dispose(&add->include);
	free(add);
}

size_t para_add_count(const struct para_add *add)
{
	return add->nr;
}

const struct para_task *para_add_task(const struct para_add *add, size_t i)
{
	return i < add->nr ? &add->v[i].task : NULL;
}

const struct para_strvec *para_add_warnings(const struct para_add *add)
{
	return &add->warnings;
}

int para_add_interrupted(const struct para_add *add)
{
	return add->interrupted;
}

static int check_lock_name(const char *lock)
{
	if (!*lock)
		return para_error_set(PARA_EINVALID,
				      "invalid lock name '': it is empty");
	if (lock[strspn(lock, lock_chars)])
		return para_error_set(PARA_EINVALID, "invalid lock name '%s': "
				      "only letters, digits, '.', '_', '-' and "
				      "':' are allowed", lock);
	return 0;
}

int para_add_set_domain(struct para_add_entry *e,
			const struct para_strvec *paths, int require)
{
	size_t i;
	int error;

	if (require && !paths->nr)
		return para_error_set(PARA_EINVALID, "task '%s' has no domain, "
				      "and para.requireDomain is set; give it "
				      "one with --path", e->task.name);
	for (i = 0; i < paths->nr; i++) {
		char *p = para_pattern_normalize(paths->v[i]);

		if (!p && (error = para_pattern_validate(paths->v[i])) < 0)
			return error;
		if (!p)
			return para_error_set(PARA_EINVALID, "invalid path "
					      "pattern '%s'", paths->v[i]);
		if (!para_strvec_contains(&e->task.paths, p))
			para_strvec_push(&e->task.paths, p);
		free(p);
	}
	return para_domain_new(&e->domain,
			       (const char *const *)e->task.paths.v,
			       e->task.paths.nr);
}

static int set_branch(struct para_add_entry *e, struct para_add *add,
		      const char *branch)
{
	const char *prefix = NULL;
	char *ref = NULL;
	int valid = 0, error;

	if ((error = para_config_string(&prefix, add->config,
					"para.branchPrefix")) < 0)
		return error;
	e->task.branch = branch ? para_strdup(branch)
				: para_xstrfmt("%s%s", prefix, e->task.name);
	ref = para_xstrfmt("refs/heads/%s", e->task.branch);
	error = 0;
	if (git_reference_name_is_valid(&valid, ref) < 0 || !valid ||
	    !strcmp(e->task.branch, "HEAD") || !strcmp(e->task.branch, "@") ||
	    e->task.branch[0] == '-')
		error = para_error_set(PARA_EINVALID, "'%s' is not a valid "
				       "branch name", e->task.branch);
	free(ref);
	return error;
}

/*
 * The base came from the remote's default branch while the local branch
 * of that name has commits the remote lacks: say once which base was
 * taken, so that local work is not left out unnoticed.
 */
static void notice_base(struct para_add *add, const char *base_ref,
			const git_oid *base)
{
	const char *value, *rest = base_ref;
	git_repository *git = add->repo->git;
	git_oid local;
	size_t ahead = 0, behind = 0;
	char *ref = NULL, hex[8];

	if (add->base_noticed || strncmp(rest, "refs/remotes/", 13) ||
	    !para_config_get_string(&value, add->config, "para.base") ||
	    !(rest = strchr(rest + 13, '/')))
		goto out;
	ref = para_xstrfmt("refs/heads/%s", rest + 1);
	if (git_reference_name_to_id(&local, git, ref) < 0 ||
	    git_graph_ahead_behind(&ahead, &behind, git, &local, base) < 0 ||
	    !ahead)
		goto out;
	git_oid_tostr(hex, sizeof(hex), base);
	para_strvec_pushf(&add->warnings, "new tasks start from '%s' (%s); "
			  "your local '%s' is %zu commit%s ahead of it (use "
			  "--base %s to start from there)", base_ref + 5, hex,
			  ref + 11, ahead, ahead == 1 ? "" : "s", ref + 11);
	add->base_noticed = 1;
out:
	git_error_clear();
	para_error_clear();
	free(ref);
}

/* A literal pattern (no wildcard) that names nothing in the base. */
void para_add_notice_domain(struct para_add *add,
			    const struct para_add_entry *e)
{
	git_commit *commit = NULL;
	git_tree *tree = NULL;
	git_tree_entry *entry;
	git_oid base;
	size_t i;

	if (!e->task.base || git_oid_fromstr(&base, e->task.base) < 0 ||
	    git_commit_lookup(&commit, add->repo->git, &base) < 0 ||
	    git_commit_tree(&tree, commit) < 0)
		goto out;
	for (i = 0; i < e->task.paths.nr; i++) {
		const char *p = e->task.paths.v[i];
		char *lit;

		if (!para_pattern_is_literal(p))
			continue;
		lit = para_strndup(p, strlen(p) - (p[strlen(p) - 1] == '/'));
		if (git_tree_entry_bypath(&entry, tree, lit) == 0)
			git_tree_entry_free(entry);
		else
			para_add_notice_unmatched(add, e, p);
		free(lit);
	}
out:
	git_error_clear();
	git_tree_free(tree);
	git_commit_free(commit);
}

static int set_base(struct para_add_entry *e, struct para_add *add,
		    const char *rev)
{
	char hex[GIT_OID_HEXSZ + 1];
	git_oid oid;

	if (para_base_resolve(&e->task.base_ref, &oid, add->repo, add->config,
			      rev) < 0)
		return para_add_error_prefix(PARA_EINVALID, "invalid base for "
					     "task '%s'", e->task.name);
	git_oid_tostr(hex, sizeof(hex), &oid);
	e->task.base = para_strdup(hex);
	if (!rev)
		notice_base(add, e->task.base_ref, &oid);
	para_add_notice_domain(add, e);
	return 0;
}

static int read_prompt_file(char **out, const char *path)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;

	if (para_strbuf_read_file(&sb, path) < 0) {
		para_strbuf_dispose(&sb);
		return para_error_errno(PARA_ERROR, "cannot read prompt file "
					"'%s'", path);
	}
	*out = para_strbuf_detach(&sb);
	return 0;
}

/* The issue's text first, then what the user gave, when both are there. */
int para_add_set_prompt(struct para_add_entry *e,
			const struct para_add_input *in, const char *issue_text)
{
	char *own = NULL;
	int error;

	if (in->prompt && in->prompt_file)
		return para_error_set(PARA_EINVALID, "options '--prompt' and "
				      "'--prompt-file' cannot be used together");
	if (in->prompt)
		own = para_strdup(in->prompt);
	else if (in->prompt_file &&
		 (error = read_prompt_file(&own, in->prompt_file)) < 0)
		return error;
	if (issue_text && own)
		e->task.prompt = para_xstrfmt("%s\n\n%s", issue_text, own);
	else if (issue_text)
		e->task.prompt = para_strdup(issue_text);
	else if (own)
		e->task.prompt = own, own = NULL;
	else if (e->task.issue)
		e->task.prompt = para_xstrfmt("Solve issue #%s", e->task.issue);
	free(own);
	return para_task_env_check(&e->task);
}

static int set_name(struct para_add_entry *e, const struct para_add_input *in)
{
	if (in->issue && !(e->task.issue = para_task_issue_parse(in->issue)))
		return PARA_EINVALID;
	e->task.name = in->name ? para_strdup(in->name)
				: para_xstrfmt("issue-%s", e->task.issue);
	return para_task_name_validate(e->task.name);
}

int para_add_set_command(struct para_add_entry *e, const char *command)
{
	if (command && !*command)
		return para_error_set(PARA_EINVALID, "--command needs a command; "
				      "leave it out to use para.command");
	free(e->task.command);
	e->task.command = command ? para_strdup(command) : NULL;
	return 0;
}

int para_add_set_verify(struct para_add_entry *e, const char *verify)
{
	if (verify && !*verify)
		return para_error_set(PARA_EINVALID, "--verify needs a command; "
				      "leave it out to use para.verify");
	free(e->task.verify);
	e->task.verify = verify ? para_strdup(verify) : NULL;
	return 0;
}

void para_add_set_after(struct para_add_entry *e,
			const struct para_strvec *after)
{
	size_t i;

	for (i = 0; after && i < after->nr; i++)
		if (!para_strvec_contains(&e->task.after, after->v[i]))
			para_strvec_push(&e->task.after, after->v[i]);
}

int para_add_set_locks(struct para_add_entry *e,
		       const struct para_strvec *locks, const char *where)
{
	size_t i;
	int error;

	for (i = 0; locks && i < locks->nr; i++) {
		if ((error = check_lock_name(locks->v[i])) < 0)
			return where ? para_add_error_prefix(error, "%s", where)
				     : error;
		para_strvec_push(&e->task.locks, locks->v[i]);
	}
	return 0;
}

/* The command, the dependencies, the locks. */
static int set_running(struct para_add_entry *e, const struct para_add_input *in,
		       const char *where_locks)
{
	int error;

	if ((error = para_add_set_command(e, in->command)) < 0 ||
	    (error = para_add_set_verify(e, in->verify)) < 0)
		return error;
	para_add_set_after(e, in->after);
	if ((error = para_add_set_locks(e, in->locks, where_locks)) < 0)
		return error;
	e->task.exclusive = in->exclusive;
	e->task.mem = in->mem;
	e->task.cpus = in->cpus;
	return 0;
}

static int plan_entry(struct para_add_entry *e, struct para_add *add,
		      const struct para_add_input *in,
		      const struct para_add_extra *x)
{
	const struct para_strvec none = PARA_STRVEC_INIT;
	int require = 0, error;

	if ((error = para_config_bool(&require, add->config,
				      "para.requireDomain")) < 0)
		return error;
	if ((error = set_name(e, in)) < 0 ||
	    (error = set_branch(e, add, in->branch)) < 0)
		return error;
	if ((error = para_add_set_domain(e, in->paths ? in->paths : &none,
				require)) < 0)
		return x->where_paths && in->paths && in->paths->nr
			? para_add_error_prefix(error, "%s", x->where_paths)
			: error;
	if (add->opts.sparse && !e->task.paths.nr)
		return para_error_set(PARA_EINVALID, "--sparse needs a domain: "
				      "task '%s' has no --path", e->task.name);
	e->task.sparse = add->opts.sparse;
	e->task.title = x->title ? para_strdup(x->title) : NULL;
	if ((error = para_add_set_prompt(e, in, x->text)) < 0 ||
	    (error = set_running(e, in, x->where_locks)) < 0 ||
	    (error = para_worktree_path(&e->task.worktree, add->repo,
					add->config, e->task.name)) < 0)
		return error;
	return set_base(e, add, in->base);
}

static char *dup_or_null(const char *s)
{
	return s ? para_strdup(s) : NULL;
}

int para_add_plan_task(struct para_add *add, const struct para_add_input *in,
		       const char *where, const struct para_add_extra *extra)
{
	const struct para_add_extra none = { NULL, NULL, NULL, NULL, NULL };
	const struct para_add_extra *x = extra ? extra : &none;
	struct para_add_entry *e;
	int error;

	add->v = para_realloc(add->v, (add->nr + 1) * sizeof(*add->v));
	e = &add->v[add->nr];
	memset(e, 0, sizeof(*e));
	para_task_init(&e->task);
	if ((error = plan_entry(e, add, in, x)) < 0) {
		entry_dispose(e);
		return where ? para_add_error_prefix(error, "%s", where) : error;
	}
	e->where = dup_or_null(where);
	e->where_paths = dup_or_null(x->where_paths);
	e->where_after = dup_or_null(x->where_after);
	e->where_locks = dup_or_null(x->where_locks);
	add->nr++;
	return 0;
}

static int plan_issue(struct para_add *add, const struct para_add_input *in)
{
	struct para_add_issue ai;
	int error = para_add_issue_read(&ai, add, in);

	if (!error)
		error = para_add_plan_task(add, &ai.in, NULL, &ai.x);
	para_add_issue_dispose(&ai);
	return error;
}

int para_add_plan(struct para_add *add, const struct para_add_input *in)
{
	if (!in->name && !in->issue)
		return para_error_set(PARA_EINVALID,
				      "a task needs a name or --issue <n>");
	if (in->issue && !add->opts.offline)
		return plan_issue(add, in);
	return para_add_plan_task(add, in, NULL, NULL);
}

/* 1 when the plan has the task of issue `digits` already. */
static int planned_issue(const struct para_add *add, const char *digits)
{
	size_t i;

	for (i = 0; i < add->nr; i++)
		if (add->v[i].task.issue && !strcmp(add->v[i].task.issue, digits))
			return 1;
	return 0;
}

int para_add_plan_query(struct para_add *add, const struct para_add_input *in,
			const char *query)
{
	struct para_strvec numbers = PARA_STRVEC_INIT;
	struct para_add_input each = *in;
	size_t i;
	int error;

	if (add->opts.offline)
		return para_error_set(PARA_EINVALID, "--issues needs the issue "
				      "tracker; it cannot be used with "
				      "--offline");
	if ((error = para_issue_list(&numbers, add->repo, add->config,
				     query)) < 0)
		goto out;
	if (!numbers.nr)
		error = para_error_set(PARA_ENOTFOUND, "no issue matches '%s'",
				       query);
	for (i = 0; !error && i < numbers.nr; i++) {
		if (planned_issue(add, numbers.v[i]))
			continue;
		each.issue = numbers.v[i];
		each.name = NULL;
		error = para_add_plan(add, &each);
	}
out:
	para_strvec_dispose(&numbers);
	return error;
}

static int plan_section(struct para_add *add,
			const struct para_manifest_task *mt, const char *base)
{
	struct para_add_input in = {
		mt->name, mt->issue, mt->branch, mt->base ? mt->base : base,
		mt->prompt, mt->prompt_file, NULL, NULL, &mt->paths,
		&mt->after, &mt->locks, mt->exclusive, mt->mem, mt->cpus
	};
	char *where = para_xstrfmt("%s:%d", add->from, mt->line);
	int error = para_task_name_validate(mt->name);

	if (error < 0)
		error = para_add_error_prefix(error, "%s", where);
	else
		error = para_add_plan_task(add, &in, where, NULL);
	free(where);
	return error;
}

int para_add_plan_manifest(struct para_add *add, const char *path,
			   const char *base)
{
	struct para_manifest manifest = { NULL, NULL, 0 };
	size_t i;
	int error;

	if ((error = para_manifest_load(&manifest, path)) < 0)
		goto out;
	free(add->from);
	add->from = para_strdup(path);
	for (i = 0; i < manifest.nr && !error; i++)
		error = plan_section(add, &manifest.tasks[i], base);
out:
	para_manifest_dispose(&manifest);
	return error;
}

int para_add_check(struct para_add *add)
{
	int error;

	if ((error = para_state_lock(&add->lock, add->repo, "tasks",
				     PARA_LOCK_WAIT)) < 0)
		return error;
	if ((error = para_add_clear_incomplete(add)) < 0 ||
	    (error = para_add_load_existing(add)) < 0 ||
	    (error = para_add_check_new(add)) < 0 ||
	    (error = para_add_resolve_issues(add)) < 0 ||
	    (error = para_add_check_graph(add)) < 0 ||
	    (error = para_add_check_links(add)) < 0 ||
	    (!add->opts.allow_overlap &&
	     (error = para_add_check_overlaps(add)) < 0))
		goto out;
	add->checked = 1;
out:
	if (error < 0)
		para_lock_release(&add->lock);
	return error;
}

int para_add_create(struct para_add *add)
{
	size_t i;
	int error = 0;

	if (!add->checked)
		return para_error_set(PARA_ERROR, "the tasks to add were not "
				      "checked");
	for (i = 0; i < add->nr && !error; i++)
		error = para_add_create_task(add, &add->v[i]);
	if (error < 0)
		para_add_rollback(add);
	add->checked = 0;
	para_lock_release(&add->lock);
	/* the new tasks are in the shared context before their hooks run */
	if (!error && para_context_refresh(add->repo) < 0)
		para_error_clear();
	for (i = 0; i < add->nr && !error; i++)
		para_hook_run(add->repo, PARA_HOOK_ADD, &add->v[i].task,
			      add->v[i].task.state);
	return error;
}
