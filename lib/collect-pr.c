#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "collect-pr.h"
#include "collect-report.h"
#include "collect-state.h"
#include "command.h"
#include "error.h"
#include "task-env.h"
#include "task-state.h"
#include "worktree-provision.h"


/* Prefixes the last error with `prefix` (which must not be it). */
static int prefix_error(int code, const char *prefix)
{
	char *cause = para_strdup(para_error_last());

	para_error_set(code, "%s: %s", prefix, cause);
	free(cause);
	return code;
}

int para_collect_remote_check(const char *remote)
{
	if (!*remote || *remote == '-')
		return para_error_set(PARA_EINVALID, "invalid remote '%s' in "
				      "para.remote: a remote name is not empty "
				      "and never starts with '-'", remote);
	return 0;
}

int para_collect_push(struct para_strbuf *output, struct para_repo *repo,
		      const struct para_collect_item *it, const char *remote)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	int status;

	if ((status = para_collect_remote_check(remote)) < 0)
		return status;
	cmd.git = 1;
	/* relative remote URLs and `gh` resolve from there */
	cmd.dir = para_repo_git_cwd(repo);
	cmd.out = output;
	cmd.err_to_out = 1;
	para_strvec_pushf(&cmd.args, "--git-dir=%s", repo->commondir);
	para_strvec_push(&cmd.args, "push");
	para_strvec_push(&cmd.args, "--");
	para_strvec_push(&cmd.args, remote);
	para_strvec_pushf(&cmd.args, "refs/heads/%s:refs/heads/%s",
			  it->task.branch, it->task.branch);
	status = para_command_run(&cmd);
	para_strbuf_rtrim(output);
	if (status < 0) {
		char *what = para_xstrfmt("cannot push task '%s' to '%s'",
					  it->task.name, remote);

		prefix_error(status, what);
		free(what);
		return status;
	}
	if (status)
		return para_error_set(PARA_ERROR, "cannot push task '%s' to "
				      "'%s'%s%s", it->task.name, remote,
				      output->len ? ":\n" : "", output->buf);
	return 0;
}

void para_collect_pr_dispose(struct para_collect_pr *pr)
{
	free(pr->url);
	pr->url = NULL;
	pr->existed = 0;
	para_strbuf_dispose(&pr->output);
}

/* Replaces every `from` in `sb` by `to`. */
static void replace_all(struct para_strbuf *sb, const char *from,
			const char *to)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	size_t len = from ? strlen(from) : 0;
	const char *p = sb->buf, *hit;

	if (!len || !strstr(p, from))
		return;
	while ((hit = strstr(p, from))) {
		para_strbuf_add(&out, p, (size_t)(hit - p));
		para_strbuf_addstr(&out, to);
		p = hit + len;
	}
	para_strbuf_addstr(&out, p);
	para_strbuf_dispose(sb);
	*sb = out;
}

/*
 * The last `max` lines of a task's log, or NULL; the local paths a log
 * shows (of the worktree, of the repository) do not leave the machine.
 */
static char *log_tail(const struct para_repo *repo, const struct para_task *t,
		      size_t max)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	size_t start, lines = 0;
	char *path;
	int error;

	if (!max)
		return NULL;
	path = para_state_log_path(repo, t->name, 0);
	error = para_strbuf_read_file(&sb, path);
	free(path);
	if (error < 0) {
		para_error_clear();
		return NULL;
	}
	para_strbuf_rtrim(&sb);
	for (start = sb.len; start > 0; start--)
		if (sb.buf[start - 1] == '\n' && ++lines == max)
			break;
	memmove(sb.buf, sb.buf + start, sb.len - start);
	para_strbuf_setlen(&sb, sb.len - start);
	replace_all(&sb, t->worktree, "<worktree>");
	replace_all(&sb, para_repo_git_cwd(repo), "<repository>");
	return para_strbuf_detach(&sb);
}

static int branch_known(struct para_repo *repo, const char *name,
			const char *remote)
{
	char *local = para_xstrfmt("refs/heads/%s", name);
	char *tracking = para_xstrfmt("refs/remotes/%s/%s", remote, name);
	int known = para_repo_ref_exists(repo, local) ||
		    para_repo_ref_exists(repo, tracking);

	free(local);
	free(tracking);
	return known && strcmp(name, "HEAD");
}

static const char *skip_prefix(const char *s, const char *prefix)
{
	size_t len = strlen(prefix);

	return strncmp(s, prefix, len) ? s : s + len;
}

/* The branch symbolic ref `symref` points to, without `strip`, or NULL. */
static char *symref_branch(git_repository *git, const char *symref,
			   const char *strip)
{
	git_reference *ref = NULL;
	const char *target;
	char *name = NULL;

	if (git_reference_lookup(&ref, git, symref) < 0) {
		git_error_clear();
		return NULL;
	}
	target = git_reference_symbolic_target(ref);
	if (target && !strncmp(target, strip, strlen(strip)))
		name = para_strdup(target + strlen(strip));
	git_reference_free(ref);
	return name;
}

/* The branch the main worktree has checked out, or NULL. */
static char *main_head_branch(const struct para_repo *repo)
{
	git_repository *main = NULL;
	char *name = NULL;

	if (git_repository_open_bare(&main, repo->commondir) < 0) {
		git_error_clear();
		return NULL;
	}
	name = symref_branch(main, "HEAD", "refs/heads/");
	git_repository_free(main);
	return name;
}

/* The branch a task's pull request goes into: where its base came from. */
static char *base_branch(struct para_repo *repo, const struct para_task *t,
			 const char *remote)
{
	char *remote_prefix = para_xstrfmt("refs/remotes/%s/", remote);
	char *short_prefix = para_xstrfmt("%s/", remote);
	char *head = para_xstrfmt("%sHEAD", remote_prefix);
	const char *name = t->base_ref ? t->base_ref : "";
	char *result = NULL;

	name = skip_prefix(name, "refs/heads/");
	name = skip_prefix(name, remote_prefix);
	name = skip_prefix(name, short_prefix);
	if (branch_known(repo, name, remote))
		result = para_strdup(name);
	if (!result)
		result = symref_branch(repo->git, head, remote_prefix);
	if (!result)
		result = main_head_branch(repo);
	free(remote_prefix);
	free(short_prefix);
	free(head);
	return result ? result : para_strdup("main");
}

/* The last http(s) URL in `out`, or NULL. */
static char *find_url(const char *out)
{
	char *url = NULL;
	const char *line = out;

	while (*line) {
		size_t len = strcspn(line, "\n");
		const char *p = line, *end = line + len;

		for (; p < end; p++)
			if (!strncmp(p, "https://", 8) ||
			    !strncmp(p, "http://", 7)) {
				free(url);
				url = para_strndup(p, strcspn(p, " \t\r\n"));
				break;
			}
		line = end + !!*end;
	}
	return url;
}

/* The dependency a stacked pull request goes into. */
struct stack {
	char *task, *branch, *pr_url;
};

static void stack_dispose(struct stack *s)
{
	free(s->task);
	free(s->branch);
	free(s->pr_url);
	memset(s, 0, sizeof(*s));
}

const char *para_collect_pr_stacked_on(struct para_repo *repo,
				       const struct para_collect *c, size_t i)
{
	const struct para_task *t = &c->items[i].task;
	struct para_task dep;
	int pushed;
	size_t j;

	if (t->after.nr != 1)
		return NULL;
	for (j = 0; j < c->nr; j++)
		if (!strcmp(c->items[j].task.name, t->after.v[0]))
			return t->after.v[0];
	para_task_init(&dep);
	if (para_state_load(&dep, repo, t->after.v[0]) < 0) {
		para_error_clear();
		return NULL;
	}
	pushed = (dep.pushed_to && *dep.pushed_to) ||
		 (dep.pr_url && *dep.pr_url);
	para_task_dispose(&dep);
	return pushed ? t->after.v[0] : NULL;
}

/* Fills `s` for item i when it is stacked; 0 either way. */
static int stack_of(struct stack *s, struct para_repo *repo,
		    const struct para_collect *c, size_t i)
{
	const char *name = para_collect_pr_stacked_on(repo, c, i);
	struct para_task dep;
	int error;

	if (!name)
		return 0;
	para_task_init(&dep);
	/* read now: its pull request may have been opened a moment ago */
	if ((error = para_state_load(&dep, repo, name)) < 0)
		return error;
	s->task = para_strdup(dep.name);
	s->branch = para_strdup(dep.branch);
	s->pr_url = dep.pr_url ? para_strdup(dep.pr_url) : NULL;
	para_task_dispose(&dep);
	return 0;
}

static void add_stack_note(struct para_strbuf *body, const struct stack *s)
{
	para_strbuf_addf(body, "Stacked on %s%stask `%s`: this pull request "
			 "goes into its branch `%s` and shows only this "
			 "task's changes. Merge that one first.\n\n",
			 s->pr_url ? s->pr_url : "", s->pr_url ? ", " : "",
			 s->task, s->branch);
}

/* Writes item i's pull request body to a file of its own, `*path_out`. */
static int write_body(char **path_out, struct para_repo *repo,
		      const struct para_collect *c, size_t i,
		      const struct para_collect_pr_options *opts,
		      const struct stack *stack)
{
	struct para_strbuf body = PARA_STRBUF_INIT;
	const struct para_task *t = &c->items[i].task;
	char *tail = log_tail(repo, t, opts->log_lines), *dir = NULL;
	FILE *f = NULL;
	int error;

	*path_out = NULL;
	if (stack->task)
		add_stack_note(&body, stack);
	para_collect_format_pr_body(&body, c, i, tail);
	if (opts->closes && t->issue && *t->issue)
		para_strbuf_addf(&body, "\nFixes #%s\n", t->issue);
	if ((error = para_repo_state_path(&dir, repo, "tmp")) < 0)
		goto out;
	*path_out = para_xstrfmt("%s/pr-body-%s.md", dir, c->items[i].task.name);
	if (!(f = fopen(*path_out, "w")) || fputs(body.buf, f) < 0)
		error = para_error_errno(PARA_ERROR, "cannot write '%s'",
					 *path_out);
	if (f && fclose(f) && !error)
		error = para_error_errno(PARA_ERROR, "cannot write '%s'",
					 *path_out);
out:
	free(tail);
	free(dir);
	para_strbuf_dispose(&body);
	return error;
}

static void pr_env(struct para_strvec *env, const struct para_task *t,
		   const char *base, const char *title, const char *body_file,
		   const struct para_collect_pr_options *opts)
{
	struct para_strvec extra = PARA_STRVEC_INIT;

	para_strvec_pushf(&extra, "PARA_BASE_BRANCH=%s", base);
	para_strvec_pushf(&extra, "PARA_TITLE=%s", title);
	para_strvec_pushf(&extra, "PARA_BODY_FILE=%s", body_file);
	para_strvec_pushf(&extra, "PARA_REMOTE=%s", opts->remote);
	para_strvec_pushf(&extra, "PARA_DRAFT=%s", opts->draft ? "1" : "");
	para_task_env_build(env, t, PARA_TASK_ENV_UNSET,
			    (const char *const *)extra.v);
	para_strvec_dispose(&extra);
}

static int run_pr_command(struct para_collect_pr *out, struct para_repo *repo,
			  const struct para_task *t,
			  const struct para_collect_pr_options *opts,
			  const struct stack *stack, const char *body_file)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	char *title = para_collect_pr_title(t, opts->title);
	char *base = stack->branch ? para_strdup(stack->branch)
				   : base_branch(repo, t, opts->remote);
	int status;

	cmd.dir = para_repo_git_cwd(repo);
	cmd.out = &out->output;
	cmd.stdin_null = 1;
	para_strvec_push(&cmd.args, "/bin/sh");
	para_strvec_push(&cmd.args, "-c");
	para_strvec_push(&cmd.args, opts->command);
	pr_env(&cmd.env, t, base, title, body_file, opts);
	status = para_command_run(&cmd);
	out->url = find_url(out->output.buf);
	if (status < 0) {
		char *what = para_xstrfmt("the pull request command failed "
					  "for task '%s'", t->name);

		prefix_error(status, what);
		free(what);
	} else if (status)
		status = para_error_set(PARA_ERROR, "the pull request command "
					"failed for task '%s' (exit status %d)",
					t->name, status);
	else if (!out->url)
		status = para_error_set(PARA_ERROR, "the pull request command "
					"printed no URL for task '%s'", t->name);
	free(title);
	free(base);
	return status;
}

struct open_pr {
	struct para_collect_pr *out;
	struct para_repo *repo;
	const struct para_collect *collect;
	size_t i;
	const struct para_collect_pr_options *opts;
};

/* Opens the pull request of `task`, loaded under its lock. */
static int open_locked(struct para_task *task, void *payload)
{
	struct open_pr *o = payload;
	struct stack stack = { NULL, NULL, NULL };
	char *body = NULL;
	int error;

	if (task->pr_url) {
		o->out->existed = 1;
		o->out->url = para_strdup(task->pr_url);
		return 1;
	}
	if ((o->opts->stack &&
	     (error = stack_of(&stack, o->repo, o->collect, o->i)) < 0) ||
	    (error = write_body(&body, o->repo, o->collect, o->i, o->opts,
				&stack)) < 0 ||
	    (error = run_pr_command(o->out, o->repo,
				    &o->collect->items[o->i].task, o->opts,
				    &stack, body)) < 0)
		goto out;
	para_strbuf_reset(&o->out->output);
	para_collect_set_pr(task, o->out->url);
out:
	if (body)
		unlink(body);
	free(body);
	stack_dispose(&stack);
	return error;
}

int para_collect_open_pr(struct para_collect_pr *out, struct para_repo *repo,
			 const struct para_collect *c, size_t i,
			 const struct para_collect_pr_options *opts)
{
	struct open_pr o = { out, repo, c, i, opts };

	return para_state_update(repo, c->items[i].task.name, open_locked, &o);
}

/* The blob id at `path` in `tree`, or 0 when there is none. */
static int blob_at(char hex[41], git_tree *tree, const char *path)
{
	git_tree_entry *entry = NULL;

	hex[0] = '\0';
	if (!tree || git_tree_entry_bypath(&entry, tree, path) < 0)
		return 0;
	git_oid_tostr(hex, 41, git_tree_entry_id(entry));
	git_tree_entry_free(entry);
	return 1;
}

static git_tree *tree_of(struct para_repo *repo, const char *rev)
{
	git_object *obj = NULL;
	git_tree *tree = NULL;

	if (rev && git_revparse_single(&obj, repo->git, rev) == 0)
		git_object_peel((git_object **)&tree, obj, GIT_OBJECT_TREE);
	git_object_free(obj);
	return tree;
}

int para_collect_provisioned_in_branch(struct para_strvec *out,
				       struct para_repo *repo,
				       const struct para_task *t)
{
	struct para_provision p = PARA_PROVISION_INIT;
	char *tip_rev = para_xstrfmt("refs/heads/%s", t->branch);
	git_tree *tip = NULL, *base = NULL;
	char now[41], then[41];
	size_t i;
	int error;

	if ((error = para_provision_load(&p, repo, t->name)) < 0 || !p.nr)
		goto out;
	tip = tree_of(repo, tip_rev);
	base = tree_of(repo, t->base);
	for (i = 0; i < p.nr; i++)
		if (p.v[i].hash[0] && blob_at(now, tip, p.v[i].path) &&
		    !strcmp(now, p.v[i].hash) &&
		    !(blob_at(then, base, p.v[i].path) && !strcmp(then, now)))
			para_strvec_push(out, p.v[i].path);
out:
	git_error_clear();
	git_tree_free(tip);
	git_tree_free(base);
	para_provision_dispose(&p);
	free(tip_rev);
	return error;
}
