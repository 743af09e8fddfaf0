/*
 * git-para-prune: remove tasks that are finished with, and refuse, naming
 * the reason, anything whose removal would lose work.  --force loses
 * nothing either: the work is committed and kept as refs/para/attic/<task>.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "cmd-config.h"
#include "config.h"
#include "fs.h"
#include "error.h"
#include "status-gather.h"
#include "parse-options.h"
#include "proc.h"
#include "repo.h"
#include "task-state.h"
#include "worktree-status.h"
#include "usage.h"

static const char *const prune_usage[] = {
	"git para prune [-n | --dry-run] [-f | --force] [-v] [--all | <task>...]",
	"git para prune --list-attic",
	NULL
};

struct prune_ctx {
	struct para_repo *repo;
	struct para_config *config;
	int dry_run, force, verbose;
	long long grace_ms;
	char *integration;
};

/* What prune found out about one task. */
struct verdict {
	int running;		/* its process group is alive */
	int worktree_gone;	/* deleted by hand */
	int not_worktree;	/* its .git was removed: git would look above */
	int dirty;		/* uncommitted or untracked files */
	int branch_gone;
	int own_commits;	/* tip differs from the recorded base */
	int merged;		/* tip is in its base ref or the integration branch */
	int pr;			/* pushed with a PR recorded */
	int elsewhere;		/* tip reachable from another ref */
	int head_unique;	/* worktree HEAD off the branch, in no ref */
	char tip[GIT_OID_HEXSZ + 1];
};

/* 1 if commit `tip` is `ref`'s commit or one of its ancestors. */
static int contained_in(struct para_repo *repo, const git_oid *tip,
			const char *ref)
{
	git_oid head;

	if (!ref || para_repo_resolve_commit(&head, repo, ref) < 0)
		return 0;
	return git_oid_equal(&head, tip) ||
	       git_graph_descendant_of(repo->git, &head, tip) == 1;
}

/* 1 if a ref other than `own` (and the attic) contains `tip`. */
static int found_elsewhere(struct prune_ctx *ctx, const char *own,
			   const char *tip)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	struct para_strvec refs = PARA_STRVEC_INIT;
	char *contains = para_xstrfmt("--contains=%s", tip);
	size_t i;
	int found = 0;

	if (!para_git(&out, NULL, ctx->repo->main_workdir ?
		      ctx->repo->main_workdir : ctx->repo->commondir,
		      "for-each-ref", "--format=%(refname)", contains, NULL))
		para_strvec_split_lines(&refs, out.buf);
	for (i = 0; i < refs.nr; i++)
		if ((!own || strcmp(refs.v[i], own)) &&
		    strncmp(refs.v[i], "refs/para/attic/", 16))
			found = 1;
	para_strvec_dispose(&refs);
	para_strbuf_dispose(&out);
	free(contains);
	return found;
}

static void judge_commits(struct verdict *v, struct prune_ctx *ctx,
			  const struct para_task *t)
{
	char *ref = para_xstrfmt("refs/heads/%s", t->branch);
	git_oid tip, base;

	if (para_repo_resolve_commit(&tip, ctx->repo, ref) < 0) {
		v->branch_gone = 1;
		free(ref);
		return;
	}
	git_oid_tostr(v->tip, sizeof(v->tip), &tip);
	v->own_commits = git_oid_fromstr(&base, t->base) < 0 ||
			 !git_oid_equal(&base, &tip);
	v->merged = !v->own_commits ||
		    contained_in(ctx->repo, &tip, t->base_ref) ||
		    contained_in(ctx->repo, &tip, ctx->integration);
	v->pr = t->pr_url && *t->pr_url;
	v->elsewhere = v->merged || v->pr || found_elsewhere(ctx, ref, v->tip);
	free(ref);
}

/*
 * The worktree's HEAD may have left the branch (detached, or the branch
 * deleted by hand): its commits count as work too, unless a ref (the
 * task's branch included) or the base holds them.
 */
static void judge_head(struct verdict *v, struct prune_ctx *ctx,
		       const struct para_task *t)
{
	struct para_strbuf head = PARA_STRBUF_INIT;

	if (para_git(&head, NULL, t->worktree, "rev-parse", "--verify", "-q",
		     "HEAD", NULL))
		goto out;
	para_strbuf_rtrim(&head);
	if (!head.len || !strcmp(head.buf, v->tip) ||
	    (t->base && !strcmp(head.buf, t->base)))
		goto out;
	v->head_unique = !found_elsewhere(ctx, NULL, head.buf);
out:
	para_strbuf_dispose(&head);
}

static void judge(struct verdict *v, struct prune_ctx *ctx,
		  const struct para_task *t)
{
	enum para_task_state live = para_task_live_state(t);
	struct stat st;

	memset(v, 0, sizeof(*v));
	v->running = live == PARA_STATE_RUNNING || live == PARA_STATE_QUEUED ||
		     live == PARA_STATE_ORPHANED;
	v->worktree_gone = stat(t->worktree, &st) < 0;
	if (!v->worktree_gone) {
		char *dotgit = para_xstrfmt("%s/.git", t->worktree);

		v->not_worktree = lstat(dotgit, &st) < 0;
		free(dotgit);
	}
	v->dirty = !v->worktree_gone && !v->not_worktree &&
		   para_worktree_is_dirty(t->worktree);
	judge_commits(v, ctx, t);
	if (!v->worktree_gone && !v->not_worktree)
		judge_head(v, ctx, t);
}

/* Without names: is the task finished with? */
static int finished_with(const struct verdict *v)
{
	if (v->running || v->dirty || v->not_worktree)
		return 0;
	if (v->head_unique)
		return 0;
	if (v->worktree_gone)
		return !v->own_commits || v->elsewhere;
	return v->own_commits && (v->merged || v->pr);
}

/* Why a named task cannot go without --force, or NULL. */
static const char *refusal(const struct verdict *v)
{
	if (v->not_worktree)
		return "is no longer a git worktree";
	if (v->running)
		return "is running";
	if (v->dirty)
		return "has uncommitted changes";
	if ((v->own_commits && !v->elsewhere && !v->branch_gone) ||
	    v->head_unique)
		return "has commits found nowhere else";
	return NULL;
}

static int commit_leftovers(const struct para_task *t)
{
	struct para_strbuf err = PARA_STRBUF_INIT;
	char *msg = para_xstrfmt("para: save uncommitted work of task '%s'",
				 t->name);
	int status = para_git(NULL, &err, t->worktree, "add", "-A", NULL);

	if (!status)
		status = para_git(NULL, &err, t->worktree, "commit", "-q",
				  "--no-verify", "-m", msg, NULL);
	if (status)
		/* no identity configured: still keep the work */
		status = para_git(NULL, &err, t->worktree,
				  "-c", "user.name=git para",
				  "-c", "user.email=para@localhost", "commit",
				  "-q", "--no-verify", "-m", msg, NULL);
	if (status)
		error("cannot commit the leftovers of task '%s': %s", t->name,
		      err.buf);
	free(msg);
	para_strbuf_dispose(&err);
	return status ? -1 : 0;
}

/* Points the first free refs/para/attic/<name>[-<n>] at `hex`. */
static char *save_commit(struct prune_ctx *ctx, const char *name,
			 const char *hex)
{
	char *ref = NULL;
	int n;

	for (n = 1; !ref; n++) {
		ref = n == 1 ? para_xstrfmt("refs/para/attic/%s", name) :
			para_xstrfmt("refs/para/attic/%s-%d", name, n);
		if (para_repo_ref_exists(ctx->repo, ref)) {
			free(ref);
			ref = NULL;
		}
	}
	if (para_git(NULL, NULL, ctx->repo->commondir, "--git-dir=.",
		     "update-ref", ref, hex, "", NULL)) {
		free(ref);
		ref = NULL;
	}
	return ref;
}

/* 1 if commit `a` is commit `b` or one of its ancestors. */
static int is_ancestor(struct para_repo *repo, const char *a, const char *b)
{
	git_oid oa, ob;

	if (git_oid_fromstr(&oa, a) < 0 || git_oid_fromstr(&ob, b) < 0)
		return 0;
	return git_oid_equal(&oa, &ob) ||
	       git_graph_descendant_of(repo->git, &ob, &oa) == 1;
}

/*
 * Keeps the worktree's HEAD as refs/para/attic/<name>, and the branch tip
 * too (as <name>-<n>) when HEAD has left the branch; returns the refs
 * kept, or NULL if nothing could be kept.
 */
static char *save_attic(struct prune_ctx *ctx, const struct para_task *t,
			const char *tip)
{
	struct para_strbuf head = PARA_STRBUF_INIT;
	char *ref = NULL, *second, *joined;

	if (!access(t->worktree, F_OK) &&
	    !para_git(&head, NULL, t->worktree, "rev-parse", "--verify", "-q",
		      "HEAD", NULL))
		para_strbuf_rtrim(&head);
	if (!head.len)
		para_strbuf_addstr(&head, tip);
	if (!head.len || !(ref = save_commit(ctx, t->name, head.buf)))
		goto out;
	if (*tip && !is_ancestor(ctx->repo, tip, head.buf)) {
		if (!(second = save_commit(ctx, t->name, tip))) {
			free(ref);
			ref = NULL;
			goto out;
		}
		joined = para_xstrfmt("%s and %s", ref, second);
		free(ref);
		free(second);
		ref = joined;
	}
out:
	para_strbuf_dispose(&head);
	return ref;
}

static int forget_worktree(struct prune_ctx *ctx, const struct para_task *t)
{
	git_strarray names = { NULL, 0 };
	size_t i;

	if (git_worktree_list(&names, ctx->repo->git) < 0)
		return 0;
	for (i = 0; i < names.count; i++) {
		git_worktree *wt = NULL;
		char *path;

		if (git_worktree_lookup(&wt, ctx->repo->git,
					names.strings[i]) < 0)
			continue;
		path = para_xstrfmt("%s", git_worktree_path(wt));
		if (!strcmp(path, t->worktree))
			/* only an invalid (vanished) worktree is pruned */
			git_worktree_prune(wt, NULL);
		free(path);
		git_worktree_free(wt);
	}
	git_strarray_dispose(&names);
	return 0;
}

static int remove_worktree(struct prune_ctx *ctx, const struct para_task *t,
			   int worktree_gone)
{
	struct para_strbuf err = PARA_STRBUF_INIT;
	const char *top = ctx->repo->main_workdir ? ctx->repo->main_workdir :
			  ctx->repo->commondir;
	int status = 0;

	if (worktree_gone)
		return forget_worktree(ctx, t);
	status = para_git(NULL, &err, top, "worktree", "remove", "--force",
			  "--force", t->worktree, NULL);
	if (status) {
		para_strbuf_rtrim(&err);
		error("cannot remove the worktree of task '%s': %s", t->name,
		      err.buf);
	}
	para_strbuf_dispose(&err);
	return status ? -1 : 0;
}

static void remove_logs(struct prune_ctx *ctx, const char *name)
{
	char *log = para_xstrfmt("%s/logs/%s.log", ctx->repo->state_dir, name);
	char *exec_log = para_xstrfmt("%s/logs/%s.exec.log",
				      ctx->repo->state_dir, name);

	unlink(log);
	unlink(exec_log);
	free(log);
	free(exec_log);
	para_status_forget(ctx->repo, name);
}

static int delete_branch(struct prune_ctx *ctx, const struct para_task *t)
{
	const char *top = ctx->repo->main_workdir ? ctx->repo->main_workdir :
			  ctx->repo->commondir;

	return para_git(NULL, NULL, top, "branch", "-D", "-q", t->branch,
			NULL) ? -1 : 0;
}

static void report(struct prune_ctx *ctx, const struct para_task *t,
		   const char *branch_note)
{
	printf("%s task '%s' (%s)\n", ctx->dry_run ? "Would remove" : "Removed",
	       t->name, branch_note);
}

/* Removes one task whose verdict allows it (or under --force). */
static int remove_task(struct prune_ctx *ctx, const struct para_task *t,
		       const struct verdict *v)
{
	int keep_work = v->dirty || v->head_unique ||
			(v->own_commits && !v->elsewhere && !v->branch_gone);
	int delete = !v->branch_gone && (v->merged || keep_work);
	char *attic = NULL, *note;

	if (ctx->dry_run) {
		note = keep_work ? para_xstrfmt("work kept in refs/para/attic/%s",
						t->name) :
		       para_xstrfmt("branch '%s' %s", t->branch,
				    delete ? "deleted" : "kept: not merged");
		report(ctx, t, note);
		free(note);
		return 0;
	}
	if (v->running && t->proc.pid)
		para_proc_kill_group(t->proc.pid, ctx->grace_ms);
	if (v->dirty && commit_leftovers(t) < 0)
		return -1;
	if (keep_work && !(attic = save_attic(ctx, t, v->tip)))
		return error("cannot keep the work of task '%s' in "
			     "refs/para/attic; nothing removed", t->name);
	if (remove_worktree(ctx, t, v->worktree_gone) < 0) {
		free(attic);
		return -1;
	}
	if (delete && delete_branch(ctx, t) < 0)
		delete = 0;
	para_state_remove(ctx->repo, t->name);
	remove_logs(ctx, t->name);
	note = attic ? para_xstrfmt("work kept in %s", attic) :
		para_xstrfmt("branch '%s' %s", t->branch,
			     delete ? "deleted" : v->branch_gone ? "gone" :
			     "kept: not merged");
	report(ctx, t, note);
	free(note);
	free(attic);
	return 0;
}

static int take_running_lock(struct para_lock *lock, struct prune_ctx *ctx,
			     const char *name)
{
	char *what = para_xstrfmt("running/%s", name);
	int error = para_state_lock(lock, ctx->repo, what, 0);

	free(what);
	return error;
}

/*
 * A state that does not load: reported; a named one is an error, which
 * --force settles by removing the damaged file.
 */
static int unloadable(struct prune_ctx *ctx, const char *name, int named)
{
	if (!named) {
		warning("%s; skipped", para_error_last());
		return 0;
	}
	error_lib();
	if (!ctx->force || ctx->dry_run || !para_state_exists(ctx->repo, name))
		return -1;
	para_state_remove(ctx->repo, name);
	printf("Removed the damaged state of task '%s'\n", name);
	return 0;
}

static int prune_one(struct prune_ctx *ctx, const char *name, int named)
{
	struct para_task t;
	struct para_lock lock = PARA_LOCK_INIT, running = PARA_LOCK_INIT;
	struct verdict v;
	const char *why;
	int ret = 0;

	if (para_task_name_validate(name) < 0) {
		if (named)
			return error_lib();
		warning("%s; skipped", para_error_last());
		return 0;
	}
	if (para_state_lock(&lock, ctx->repo, name, PARA_LOCK_WAIT) < 0)
		return error_lib();
	if (para_state_load(&t, ctx->repo, name) < 0) {
		ret = unloadable(ctx, name, named);
		para_lock_release(&lock);
		return ret;
	}
	judge(&v, ctx, &t);
	/* a 'git para run' holds this lock while it runs the task */
	if (take_running_lock(&running, ctx, name) == PARA_ELOCKED)
		v.running = 1;
	why = refusal(&v);
	if (!named && !finished_with(&v)) {
		if (ctx->verbose)
			printf("Keeping task '%s': %s\n", t.name,
			       why ? why : v.own_commits ? "not merged" :
			       "no commits of its own");
	} else if (v.not_worktree) {
		ret = error("task '%s': '%s' is no longer a git worktree (its "
			    ".git is missing); move its files away, then prune "
			    "again", t.name, t.worktree);
	} else if (why && !ctx->force) {
		ret = error("task '%s' %s; use --force to remove it anyway "
			    "(its work is kept in refs/para/attic/%s)",
			    t.name, why, t.name);
	} else {
		ret = remove_task(ctx, &t, &v);
	}
	para_task_dispose(&t);
	para_lock_release(&running);
	para_lock_release(&lock);
	return ret;
}

static int list_attic(struct para_repo *repo)
{
	return para_git(NULL, NULL, repo->commondir, "--git-dir=.",
			"for-each-ref", "--format=%(refname:lstrip=3)\t"
			"%(objectname:short)\t%(subject)", "refs/para/attic/",
			NULL) ? 128 : 0;
}

int cmd_main(int argc, const char **argv)
{
	struct prune_ctx ctx = { 0 };
	struct para_strvec names = PARA_STRVEC_INIT;
	struct para_lock lock = PARA_LOCK_INIT;
	int all = 0, list = 0, failed = 0;
	struct option options[] = {
		OPT_BOOL('n', "dry-run", &ctx.dry_run,
			 "show what would be removed"),
		OPT_BOOL('f', "force", &ctx.force,
			 "remove refused tasks too, keeping their work in refs/para/attic"),
		OPT_BOOL(0, "all", &all, "consider every task"),
		OPT_BOOL('v', "verbose", &ctx.verbose,
			 "say why each kept task is kept"),
		OPT_BOOL(0, "list-attic", &list,
			 "list the work kept by forced prunes"),
		OPT_END()
	};
	size_t i;

	argc = parse_options(argc, argv, options, prune_usage, 0);
	if (all && argc)
		usage_msg_opt("--all cannot be used with task names",
			      prune_usage, options);
	if (list && (all || argc || ctx.force || ctx.dry_run))
		usage_msg_opt("--list-attic takes no other option",
			      prune_usage, options);
	if (para_repo_open(&ctx.repo) < 0 ||
	    para_config_open(&ctx.config, ctx.repo) < 0)
		die_lib();
	if (list) {
		int status = list_attic(ctx.repo);

		para_config_free(ctx.config);
		para_repo_free(ctx.repo);
		return status;
	}
	ctx.grace_ms = cfg_duration(ctx.config, "para.killGrace");
	ctx.integration = para_xstrfmt("refs/heads/%s",
		cfg_string(ctx.config, "para.integrationBranch"));
	if (para_state_lock(&lock, ctx.repo, "tasks", PARA_LOCK_WAIT) < 0)
		die_lib();
	if (argc)
		para_strvec_pushv(&names, argv);
	else if (para_state_list(&names, ctx.repo) < 0)
		die_lib();
	for (i = 0; i < names.nr; i++)
		if (prune_one(&ctx, names.v[i], argc || all) < 0)
			failed = 1;
	para_lock_release(&lock);
	para_strvec_dispose(&names);
	free(ctx.integration);
	para_config_free(ctx.config);
	para_repo_free(ctx.repo);
	return failed;
}
