/*
 * git-para-prune: remove tasks that are finished with, and refuse, naming
 * the reason, anything whose removal would lose work.  --force loses
 * nothing either: the work is committed and kept as refs/para/attic/<task>.
 * The verdict and the removal are the library's (prune.h).
 */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "clock.h"
#include "cmd-config.h"
#include "config.h"
#include "du.h"
#include "error.h"
#include "parse-options.h"
#include "prune.h"
#include "prune-attic.h"
#include "prune-remote.h"
#include "pr-state.h"
#include "repo.h"
#include "task-select.h"
#include "task-state.h"
#include "usage.h"

static const char *const prune_usage[] = {
	"git para prune [-n | --dry-run] [-f | --force] [-v] [--closed] [--remote] [--all | <task>...]",
	"git para prune --list-attic",
	"git para prune [-n | --dry-run] --drop-attic <name>...",
	"git para prune [-n | --dry-run] --expire-attic=<age>",
	NULL
};

struct prune_ctx {
	struct para_repo *repo;
	struct para_config *config;
	int dry_run, force, verbose;
	long long grace_ms;
	char *integration;
	struct para_strvec precious;
	const char *remote;	/* --remote: para.remote, else NULL */
	int closed;		/* --closed */
	unsigned long long to_free;	/* --dry-run: what removing would free */
	int would_remove;
	struct para_strvec pr_unknown;	/* tasks whose PR state failed */
};

/*
 * -v also says how a merged task was found merged, and the space its
 * worktree took (`freed`, -1 when unknown).
 */
static void report(struct prune_ctx *ctx, const char *name, const char *note,
		   const struct para_prune_verdict *v, long long freed)
{
	struct para_strbuf how = PARA_STRBUF_INIT, space = PARA_STRBUF_INIT;

	if (ctx->verbose && v->how.how) {
		para_merged_describe(&how, &v->how);
		para_strbuf_addstr(&how, "; ");
	} else if (ctx->verbose && (v->pr_merged || v->pr_closed)) {
		para_strbuf_addf(&how, "pull request %s; ",
				 v->pr_merged ? "merged" : "closed");
	}
	if (ctx->verbose && freed >= 0) {
		para_strbuf_addstr(&space, "; ");
		para_strbuf_add_size(&space, (unsigned long long)freed);
		para_strbuf_addstr(&space, ctx->dry_run ? " to free" : " freed");
	}
	printf("%s task '%s' (%s%s%s)\n",
	       ctx->dry_run ? "Would remove" : "Removed", name,
	       how.len ? how.buf : "", note, space.len ? space.buf : "");
	para_strbuf_dispose(&space);
	para_strbuf_dispose(&how);
}

/* The space task `t`'s worktree takes, -1 when unknown. */
static long long space_of(const struct para_task *t,
			  const struct para_prune_verdict *v)
{
	unsigned long long bytes;

	if (v->worktree_gone)
		return 0;
	if (para_disk_usage(&bytes, t->worktree) < 0) {
		para_error_clear();
		return -1;
	}
	return (long long)bytes;
}

static char *attic_ref(struct prune_ctx *ctx, const char *name)
{
	char *slot, *ref;

	para_prune_attic_next(&slot, ctx->repo, name);
	ref = para_xstrfmt("refs/para/attic/%s", slot);
	free(slot);
	return ref;
}

/* Removes one task whose verdict allows it (or under --force). */
/* --remote: ask first, delete before anything local goes */
static int remote_step(struct prune_ctx *ctx, struct para_strbuf *note,
		       const struct para_task *t,
		       const struct para_prune_verdict *v)
{
	struct para_prune_remote r;
	const char *remote = t->pushed_to && *t->pushed_to ? t->pushed_to :
			     ctx->remote;

	if (!ctx->remote)
		return 0;
	if (para_prune_remote_check(&r, ctx->repo, t, v, remote) < 0 ||
	    (!ctx->dry_run && r.state == PARA_PRUNE_REMOTE_DELETE &&
	     para_prune_remote_delete(ctx->repo, t, &r) < 0)) {
		error_lib();
		return error("task '%s' was not removed", t->name);
	}
	if (r.state != PARA_PRUNE_REMOTE_NONE)
		para_strbuf_addstr(note, "; ");
	para_prune_remote_describe(note, &r);
	return 0;
}

/* Removes one task whose verdict allows it (or under --force). */
static int remove_task(struct prune_ctx *ctx, const struct para_task *t,
		       const struct para_prune_verdict *v)
{
	struct para_strbuf remote = PARA_STRBUF_INIT;
	struct para_prune_result r;
	long long freed = ctx->verbose || ctx->dry_run ? space_of(t, v) : -1;
	char *note, *ref;

	if (remote_step(ctx, &remote, t, v) < 0)
		return -1;
	if (v->incomplete) {
		if (!ctx->dry_run &&
		    para_prune_remove(&r, ctx->repo, t, v, ctx->grace_ms) < 0) {
			para_strbuf_dispose(&remote);
			return error_lib();
		}
		note = v->branch_gone ?
			para_strdup("left by an interrupted 'git para add'") :
			para_xstrfmt("left by an interrupted 'git para add'; "
				     "branch '%s' %s", t->branch,
				     para_prune_deletes_branch(v) ? "deleted" :
				     v->reused_branch ? "kept: it was there before" :
				     "kept: commits of its own");
	} else if (ctx->dry_run) {
		if (para_prune_keeps_work(v)) {
			ref = attic_ref(ctx, t->name);
			note = para_xstrfmt("work kept in %s", ref);
			free(ref);
		} else {
			note = para_xstrfmt("branch '%s' %s", t->branch,
					    para_prune_deletes_branch(v) ?
					    "deleted" : "kept: not merged");
		}
	} else {
		if (para_prune_remove(&r, ctx->repo, t, v, ctx->grace_ms) < 0) {
			para_strbuf_dispose(&remote);
			return error_lib();
		}
		note = r.attic ? para_xstrfmt("work kept in %s", r.attic) :
			para_xstrfmt("branch '%s' %s", t->branch,
				     r.branch_deleted ? "deleted" :
				     v->branch_gone ? "gone" : "kept: not merged");
		para_prune_result_dispose(&r);
	}
	if (ctx->dry_run) {
		ctx->would_remove++;
		ctx->to_free += freed > 0 ? (unsigned long long)freed : 0;
	}
	ref = para_xstrfmt("%s%s", note, remote.len ? remote.buf : "");
	report(ctx, t->name, ref, v, freed);
	free(ref);
	free(note);
	para_strbuf_dispose(&remote);
	return 0;
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

/*
 * The refusal with what it is about: the lock's reason, the precious
 * files (the first few).  Malloc'd, or NULL.
 */
static char *why_of(const struct para_prune_verdict *v)
{
	const char *why = para_prune_refusal(v);
	struct para_strbuf sb = PARA_STRBUF_INIT;
	size_t i;

	if (!why)
		return NULL;
	para_strbuf_addstr(&sb, why);
	if (v->locked && v->lock_reason)
		para_strbuf_addf(&sb, " (%s)", v->lock_reason);
	else if (!v->locked && !v->not_worktree && v->nested.nr) {
		for (i = 0; i < v->nested.nr && i < 3; i++)
			para_strbuf_addf(&sb, "%s'%s'", i ? ", " : ", ",
					 v->nested.v[i]);
		if (v->nested.nr > 3)
			para_strbuf_addf(&sb, " and %zu more",
					 v->nested.nr - 3);
	}
	else if (!v->locked && !v->running && !v->dirty && v->precious.nr) {
		for (i = 0; i < v->precious.nr && i < 3; i++)
			para_strbuf_addf(&sb, "%s'%s'", i ? ", " : " (",
					 v->precious.v[i]);
		if (v->precious.nr > 3)
			para_strbuf_addf(&sb, " and %zu more",
					 v->precious.nr - 3);
		para_strbuf_addch(&sb, ')');
	}
	return para_strbuf_detach(&sb);
}

/* What --force cannot settle: the worktree is not ours to remove. */
static int never_removed(const struct para_task *t,
			 const struct para_prune_verdict *v, const char *why)
{
	if (v->not_worktree)
		return error("task '%s': '%s' is no longer a git worktree (its "
			     ".git is missing, or it is not the worktree git "
			     "registered for the task, e.g. a symlink put in "
			     "its place); move its files away, then prune "
			     "again", t->name, t->worktree);
	if (!v->locked)
		return error("task '%s' %s, whose commits and files prune "
			     "cannot keep; not even --force removes it: move "
			     "it out of '%s' first", t->name, why,
			     t->worktree);
	return error("task '%s' %s; a locked worktree is never removed, not "
		     "even with --force: unlock it first with 'git worktree "
		     "unlock %s'", t->name, why, t->worktree);
}

static int refuse(struct prune_ctx *ctx, const struct para_task *t,
		  const struct para_prune_verdict *v, const char *why)
{
	char *ref;
	int ret;

	if (para_prune_never(v))
		return never_removed(t, v, why);
	if (!para_prune_keeps_work(v))
		return error("task '%s' %s; use --force to remove it anyway",
			     t->name, why);
	ref = attic_ref(ctx, t->name);
	ret = error("task '%s' %s; use --force to remove it anyway "
		    "(its work is kept in %s)", t->name, why, ref);
	free(ref);
	return ret;
}

/* Says why a task stays, or removes it; 1 when it was removed. */
static int decide(struct prune_ctx *ctx, const struct para_task *t,
		  const struct para_prune_verdict *v, int named)
{
	char *why = why_of(v);
	int ret;

	if (!named && !para_prune_finished_with(v)) {
		if (ctx->verbose)
			printf("Keeping task '%s': %s\n", t->name,
			       why ? why : !v->own_commits ?
			       "no commits of its own" : v->pr_open ?
			       "its pull request is open" : v->pr_closed ?
			       "its pull request was closed (see --closed)" :
			       "not merged");
		ret = 0;
	} else if (why && (!ctx->force || para_prune_never(v))) {
		ret = refuse(ctx, t, v, why);
	} else {
		ret = remove_task(ctx, t, v);
		ret = ret < 0 ? ret : !ctx->dry_run;
	}
	free(why);
	return ret;
}

/*
 * Asks para.prStateCommand what became of each pull request first (it
 * takes the task's lock, which prune_one holds): one that cannot say is
 * a warning, and its recorded state is then no ground for removal.
 */
static void refresh_prs(struct prune_ctx *ctx, const struct para_strvec *names)
{
	struct para_task t;
	size_t i;

	for (i = 0; i < names->nr; i++) {
		if (para_task_name_validate(names->v[i]) < 0 ||
		    para_state_load(&t, ctx->repo, names->v[i]) < 0) {
			para_error_clear();
			continue;
		}
		if (t.pr_url && *t.pr_url &&
		    para_pr_state_refresh(NULL, ctx->repo, ctx->config,
					  t.name) < 0) {
			warning("%s; task '%s' is kept unless merged otherwise",
				para_error_last(), t.name);
			para_strvec_push(&ctx->pr_unknown, t.name);
		}
		para_task_dispose(&t);
	}
}

static int prune_one(struct prune_ctx *ctx, const char *name, int named)
{
	struct para_task t;
	struct para_lock lock = PARA_LOCK_INIT, running = PARA_LOCK_INIT;
	struct para_prune_verdict v;
	char *what;
	int ret;

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
	para_prune_judge(&v, ctx->repo, &t, ctx->integration, &ctx->precious);
	v.closed_ok = ctx->closed;
	if (para_strvec_contains(&ctx->pr_unknown, name))
		para_prune_pr_unknown(&v);
	/* a 'git para run' holds this lock while it runs the task */
	what = para_xstrfmt("running/%s", name);
	if (para_state_lock(&running, ctx->repo, what, 0) == PARA_ELOCKED)
		v.running = 1;
	ret = decide(ctx, &t, &v, named);
	para_prune_verdict_dispose(&v);
	para_task_dispose(&t);
	if (ret > 0) {
		/* removed: so are its lock files, each while it is held */
		para_state_lock_remove(&running, ctx->repo, what);
		para_state_lock_remove(&lock, ctx->repo, name);
	}
	free(what);
	para_lock_release(&running);
	para_lock_release(&lock);
	return ret < 0 ? ret : 0;
}

static int list_attic(struct para_repo *repo)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	int ret = 0;

	if (para_prune_attic_list(&out, repo) < 0) {
		error_lib();
		ret = 128;
	} else {
		fputs(out.buf, stdout);
	}
	para_strbuf_dispose(&out);
	return ret;
}

static int drop_one(struct prune_ctx *ctx, const char *slot)
{
	char *ref;
	int found;

	if (para_task_name_validate(slot) < 0)
		return error("no such attic entry '%s'", slot);
	if (!ctx->dry_run) {
		if (para_prune_attic_drop(ctx->repo, slot) < 0)
			return error_lib();
		printf("Dropped attic entry '%s'\n", slot);
		return 0;
	}
	/* the next free slot is this one only when nothing holds it */
	para_prune_attic_next(&ref, ctx->repo, slot);
	found = strcmp(ref, slot) != 0;
	free(ref);
	if (!found)
		return error("no such attic entry '%s'", slot);
	printf("Would drop attic entry '%s'\n", slot);
	return 0;
}

/* --drop-attic and --expire-attic, under the tasks lock (slots are chosen under it) */
static int tidy_attic(struct prune_ctx *ctx, const char **argv, int argc,
		      const char *expire)
{
	struct para_strvec slots = PARA_STRVEC_INIT;
	struct para_lock lock = PARA_LOCK_INIT;
	long long age;
	size_t i;
	int failed = 0;

	if (expire && para_prune_attic_age_parse(&age, expire) < 0)
		die_lib();
	if (para_state_lock(&lock, ctx->repo, "tasks", PARA_LOCK_WAIT) < 0)
		die_lib();
	if (expire &&
	    para_prune_attic_expired(&slots, ctx->repo, para_now_ms() - age) < 0)
		die_lib();
	for (i = 0; !expire && i < (size_t)argc; i++)
		para_strvec_push(&slots, argv[i]);
	for (i = 0; i < slots.nr; i++)
		if (drop_one(ctx, slots.v[i]) < 0)
			failed = 1;
	para_lock_release(&lock);
	para_strvec_dispose(&slots);
	return failed;
}

int cmd_main(int argc, const char **argv)
{
	struct prune_ctx ctx = { 0 };
	struct para_strvec names = PARA_STRVEC_INIT;
	struct para_lock lock = PARA_LOCK_INIT;
	int all = 0, list = 0, drop = 0, remote = 0, failed = 0;
	const char *expire = NULL;
	struct option options[] = {
		OPT_BOOL('n', "dry-run", &ctx.dry_run,
			 "show what would be removed"),
		OPT_BOOL('f', "force", &ctx.force,
			 "remove refused tasks too, keeping their work in refs/para/attic"),
		OPT_BOOL(0, "all", &all, "consider every task"),
		OPT_BOOL(0, "closed", &ctx.closed,
			 "also remove tasks whose pull request was closed, keeping their tips in the attic"),
		OPT_BOOL(0, "remote", &remote,
			 "also delete the branches of merged tasks on para.remote"),
		OPT_BOOL('v', "verbose", &ctx.verbose,
			 "say why each kept task is kept"),
		OPT_BOOL(0, "list-attic", &list,
			 "list the work kept by forced prunes"),
		OPT_BOOL(0, "drop-attic", &drop,
			 "remove the named attic entries and their logs"),
		OPT_STRING(0, "expire-attic", &expire, "<age>",
			   "remove attic entries kept longer than <age> ago"),
		OPT_END()
	};
	size_t i;

	argc = parse_options(argc, argv, options, prune_usage, 0);
	if (all && argc)
		usage_msg_opt("--all cannot be used with task names",
			      prune_usage, options);
	if (list && (all || argc || ctx.force || ctx.dry_run || drop || expire ||
		     remote || ctx.closed))
		usage_msg_opt("--list-attic takes no other option",
			      prune_usage, options);
	if ((drop || expire) && (all || ctx.force || remote || ctx.closed ||
				 (drop && expire)))
		usage_msg_opt("--drop-attic and --expire-attic take no other "
			      "option but --dry-run", prune_usage, options);
	if (drop && !argc)
		usage_msg_opt("--drop-attic needs the names of attic entries",
			      prune_usage, options);
	if (expire && argc)
		usage_msg_opt("--expire-attic cannot be used with names",
			      prune_usage, options);
	if (para_repo_open(&ctx.repo) < 0 ||
	    para_config_open(&ctx.config, ctx.repo) < 0)
		die_lib();
	if (list) {
		failed = list_attic(ctx.repo);
		goto out;
	}
	if (drop || expire) {
		failed = tidy_attic(&ctx, argv, argc, expire);
		goto out;
	}
	ctx.grace_ms = cfg_duration(ctx.config, "para.killGrace");
	ctx.integration = para_xstrfmt("refs/heads/%s",
		cfg_string(ctx.config, "para.integrationBranch"));
	cfg_all(&ctx.precious, ctx.config, "para.precious");
	if (remote)
		ctx.remote = cfg_string(ctx.config, "para.remote");
	if (para_state_lock(&lock, ctx.repo, "tasks", PARA_LOCK_WAIT) < 0 ||
	    para_task_select(&names, ctx.repo, argv, argc, 0) < 0)
		die_lib();
	refresh_prs(&ctx, &names);
	if (!ctx.dry_run)
		para_state_sweep(ctx.repo);
	for (i = 0; i < names.nr; i++)
		if (prune_one(&ctx, names.v[i], argc || all) < 0)
			failed = 1;
	if (ctx.dry_run && ctx.would_remove) {
		struct para_strbuf sb = PARA_STRBUF_INIT;

		para_strbuf_add_size(&sb, ctx.to_free);
		printf("Would free %s in all\n", sb.buf);
		para_strbuf_dispose(&sb);
	}
	para_lock_release(&lock);
out:
	para_strvec_dispose(&names);
	para_strvec_dispose(&ctx.precious);
	para_strvec_dispose(&ctx.pr_unknown);
	free(ctx.integration);
	para_config_free(ctx.config);
	para_repo_free(ctx.repo);
	return failed;
}
