#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fs.h"
#include "changes.h"
#include "domain-check.h"
#include "error.h"
#include "status-gather.h"
#include "batch.h"
#include "proc.h"
#include "run-slurm-query.h"
#include "task-state.h"
#include "strbuf.h"
#include "sysinfo.h"
#include "worktree-status.h"

static void facts_init(struct para_facts *f, const char *name)
{
	memset(f, 0, sizeof(*f));
	f->name = para_strdup(name);
	para_task_init(&f->task);
	f->ahead = f->behind = f->changed = f->dirty = -1;
	f->staged = f->unstaged = f->untracked = f->conflicted = -1;
}

static void facts_dispose(struct para_facts *f)
{
	free(f->name);
	free(f->error);
	para_task_dispose(&f->task);
	free(f->gitdir);
	free(f->head);
	free(f->head_commit);
	free(f->tip);
	free(f->compare);
	free(f->compare_ref);
	free(f->merge_base);
	para_strvec_dispose(&f->changed_files);
	para_strvec_dispose(&f->outside);
	para_strvec_dispose(&f->dirty_files);
	para_provision_dispose(&f->provisioned);
	free(f->log_path);
	free(f->scheduler);
	free(f->slurm_state);
	free(f->slurm_reason);
	free(f->slurm_node);
}

void para_status_free_all(struct para_facts *facts, size_t nr)
{
	size_t i;

	for (i = 0; facts && i < nr; i++)
		facts_dispose(&facts[i]);
	free(facts);
}

long long para_facts_run_time(const struct para_facts *f, long long now)
{
	const struct para_task *t = &f->task;

	if (f->damaged || t->started <= 0)
		return -1;
	if (t->finished >= t->started)
		return t->finished - t->started;
	if (f->state == PARA_STATE_RUNNING || f->state == PARA_STATE_ORPHANED)
		return now > t->started ? now - t->started : 0;
	return -1;
}

static void load_task(struct para_facts *f, const struct para_repo *repo)
{
	if (para_state_load(&f->task, repo, f->name) < 0) {
		f->damaged = 1;
		f->error = para_strdup(para_error_last());
		return;
	}
	f->state = para_task_live_state(&f->task);
	/* orphaned: a process of the task's session lives, leader or not */
	f->proc_alive = f->state == PARA_STATE_ORPHANED ||
			para_proc_alive(&f->task.proc);
	f->runner_alive = para_proc_alive(&f->task.runner);
}

/* Reads the worktree's HEAD straight from its git dir: no repository to open. */
static void read_head(struct para_facts *f)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *path;

	if (!(f->gitdir = para_worktree_gitdir(f->task.worktree)))
		return;
	f->worktree_exists = 1;
	path = para_xstrfmt("%s/HEAD", f->gitdir);
	if (para_read_small(&sb, path) == 0) {
		if (!strncmp(sb.buf, "ref: ", 5)) {
			f->head = para_strdup(sb.buf + 5);
		} else if (sb.len >= GIT_OID_HEXSZ) {
			f->detached = 1;
			f->head_commit = para_strdup(sb.buf);
		}
	}
	para_strbuf_dispose(&sb);
	free(path);
}

static char *oid_hex(const git_oid *oid)
{
	char hex[GIT_OID_HEXSZ + 1];

	git_oid_tostr(hex, sizeof(hex), oid);
	return para_strdup(hex);
}

/*
 * What ahead/behind count against: the current tip of the ref the base
 * was taken from (so that `behind` says how far the base moved on), or
 * the recorded base commit when that ref is HEAD or gone.  Tasks mostly
 * share their base ref: the last one looked up is remembered.
 */
struct compare_memo {
	char *base_ref;		/* as recorded; NULL: nothing remembered */
	char *ref;		/* its full name, NULL when not found */
	git_oid oid;
};

static void compare_memo_dispose(struct compare_memo *m)
{
	free(m->base_ref);
	free(m->ref);
}

static void lookup_compare(struct compare_memo *m, const char *base_ref,
			   git_repository *git)
{
	git_reference *r = NULL;
	git_object *obj = NULL;

	compare_memo_dispose(m);
	m->base_ref = para_strdup(base_ref);
	m->ref = NULL;
	if (!git_reference_dwim(&r, git, base_ref) &&
	    !git_reference_peel(&obj, r, GIT_OBJECT_COMMIT)) {
		git_oid_cpy(&m->oid, git_object_id(obj));
		m->ref = para_strdup(git_reference_name(r));
	}
	git_object_free(obj);
	git_reference_free(r);
}

static int find_compare(git_oid *out, struct para_facts *f, git_repository *git,
			struct compare_memo *memo)
{
	const char *ref = f->task.base_ref;

	if (ref && *ref && strcmp(ref, "HEAD")) {
		if (!memo->base_ref || strcmp(memo->base_ref, ref))
			lookup_compare(memo, ref, git);
		if (memo->ref) {
			git_oid_cpy(out, &memo->oid);
			f->compare_ref = para_strdup(memo->ref);
			return 0;
		}
	}
	return git_oid_fromstr(out, f->task.base);
}

static void read_refs(struct para_facts *f, git_repository *git,
		      struct compare_memo *memo)
{
	git_oid tip, compare, base;
	size_t ahead, behind;
	char *ref = para_xstrfmt("refs/heads/%s", f->task.branch);

	if (git_reference_name_to_id(&tip, git, ref) < 0)
		goto out;
	f->branch_exists = 1;
	f->tip = oid_hex(&tip);
	if (find_compare(&compare, f, git, memo) < 0)
		goto out;
	f->compare = oid_hex(&compare);
	if (git_graph_ahead_behind(&ahead, &behind, git, &tip, &compare) < 0)
		goto out;
	f->ahead = (long)ahead;
	f->behind = (long)behind;
	if (git_merge_base(&base, git, &tip, &compare) < 0)
		goto out;
	f->merge_base = oid_hex(&base);
	if (git_oid_equal(&base, &tip))
		f->changed = 0;
out:
	git_error_clear();
	free(ref);
}

/* "dev ino size mtime" of a file, to notice when it is replaced. */
static char *file_stamp(const char *path)
{
	struct stat st;

	if (stat(path, &st) < 0)
		return NULL;
	return para_xstrfmt("%llu %llu %lld %lld.%09ld\n",
			    (unsigned long long)st.st_dev,
			    (unsigned long long)st.st_ino,
			    (long long)st.st_size, (long long)st.st_mtim.tv_sec,
			    st.st_mtim.tv_nsec);
}

/*
 * Copies the index, keeping its mtime: git trusts an entry's stat data
 * only when the file is older than the index holding it (racy-clean
 * logic), so a copy dated now would hide a file changed in the instant
 * the real index was written.
 */
static int copy_index(const char *from, const char *to)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *tmp = para_xstrfmt("%s.tmp.%ld", to, (long)getpid());
	struct stat before, after;
	struct timespec times[2];
	FILE *f = NULL;
	int error = -1;

	if (stat(from, &before) < 0 || para_strbuf_read_file(&sb, from) < 0 ||
	    stat(from, &after) < 0 ||
	    before.st_ino != after.st_ino || before.st_size != after.st_size ||
	    before.st_mtim.tv_sec != after.st_mtim.tv_sec ||
	    before.st_mtim.tv_nsec != after.st_mtim.tv_nsec ||
	    !(f = fopen(tmp, "we")))
		goto out;
	if (fwrite(sb.buf, 1, sb.len, f) == sb.len && !fclose(f)) {
		f = NULL;
		times[0] = before.st_atim;
		times[1] = before.st_mtim;
		if (!utimensat(AT_FDCWD, tmp, times, 0))
			error = rename(tmp, to);
	}
out:
	if (f)
		fclose(f);
	if (error)
		unlink(tmp);
	free(tmp);
	para_strbuf_dispose(&sb);
	return error;
}

/*
 * A private copy of the worktree's index, kept in the state dir.  `git
 * status` run on it may write it (refreshed stat data, the untracked
 * cache) without ever taking the worktree's own index.lock, which the
 * task's agent may need at any moment.  The copy is taken again whenever
 * the real index is replaced.  Returns its path, or NULL to use the real
 * index read-only.
 */
static char *private_index(const struct para_facts *f,
			   const struct para_repo *repo)
{
	struct para_strbuf old = PARA_STRBUF_INIT;
	const char *gitdir = f->gitdir;
	char *real = NULL, *stamp = NULL, *dir = NULL, *copy = NULL;
	char *stamp_path = NULL;
	FILE *out;

	if (!gitdir)
		goto out;
	real = para_xstrfmt("%s/index", gitdir);
	dir = para_state_status_cache_path(repo, NULL, NULL);
	if (!(stamp = file_stamp(real)) || para_mkdir_p(dir) < 0)
		goto out;
	copy = para_state_status_cache_path(repo, f->name, "index");
	stamp_path = para_state_status_cache_path(repo, f->name, "stamp");
	if (para_strbuf_read_file(&old, stamp_path) == 0 &&
	    !strcmp(old.buf, stamp) && !access(copy, R_OK))
		goto out;
	if (copy_index(real, copy) < 0 || !(out = fopen(stamp_path, "we"))) {
		free(copy);
		copy = NULL;
		goto out;
	}
	fputs(stamp, out);
	fclose(out);
out:
	para_strbuf_dispose(&old);
	free(real);
	free(stamp);
	free(dir);
	free(stamp_path);
	return copy;
}

void para_status_forget(const struct para_repo *repo, const char *name)
{
	char *index = para_state_status_cache_path(repo, name, "index");
	char *stamp = para_state_status_cache_path(repo, name, "stamp");
	char *racy = para_state_status_cache_path(repo, name, "racy");

	unlink(index);
	unlink(stamp);
	unlink(racy);
	free(index);
	free(stamp);
	free(racy);
}

/*
 * `saturated`: there are at least as many `git status` to run as may run
 * at once, so the CPUs are kept busy by the processes; git's own threads
 * stat()ing the files (core.preloadIndex) would only contend with them.
 */
static void status_job(struct para_batch_job *job,
		       const struct para_facts *f,
		       const struct para_repo *repo, int saturated)
{
	char *index = private_index(f, repo);

	if (saturated) {
		para_strvec_push(&job->args, "-c");
		para_strvec_push(&job->args, "core.preloadIndex=false");
	}
	if (index) {
		para_strvec_pushf(&job->env, "GIT_INDEX_FILE=%s", index);
		para_strvec_push(&job->args, "-c");
		para_strvec_push(&job->args, "core.untrackedCache=true");
		para_strvec_push(&job->args, "-c");
		para_strvec_push(&job->args, "core.splitIndex=false");
		free(index);
	} else {
		/* never take index.lock: the task's agent may be committing */
		para_strvec_push(&job->args, "--no-optional-locks");
	}
	para_worktree_status_args(&job->args, f->task.worktree);
}

static void diff_job(struct para_batch_job *job, const struct para_facts *f,
		     const struct para_repo *repo)
{
	para_strvec_pushf(&job->args, "--git-dir=%s", repo->commondir);
	para_strvec_push(&job->args, "diff");
	para_strvec_push(&job->args, "--name-only");
	para_strvec_push(&job->args, "-z");
	para_strvec_push(&job->args, "--no-renames");
	para_strvec_push(&job->args, f->merge_base);
	para_strvec_push(&job->args, f->tip);
	para_strvec_push(&job->args, "--");
}

static void set_counts(struct para_facts *f,
		       const struct para_worktree_counts *c)
{
	f->dirty = c->dirty;
	f->staged = c->staged;
	f->unstaged = c->unstaged;
	f->untracked = c->untracked;
	f->conflicted = c->conflicted;
}

static void parse_diff(struct para_facts *f, const struct para_strbuf *out)
{
	const char *p = out->buf, *end = out->buf + out->len;

	while (p < end) {
		size_t len = strlen(p);

		if (len)
			para_strvec_push(&f->changed_files, p);
		p += len + 1;
	}
	f->changed = (long)f->changed_files.nr;
}

/*
 * A task counts only its own changes, not what it merged in, as collect
 * does; the trees are compared in process, and only for tasks whose
 * branch holds merges.
 */
static void keep_own_changes(struct para_facts *f, struct para_repo *repo)
{
	if (f->changed <= 0)
		return;
	if (para_changes_own(&f->changed_files, repo, &f->task, f->tip) < 0)
		para_error_clear();
	f->changed = (long)f->changed_files.nr;
}

/*
 * A task's committed changes and what it has not committed yet: an agent
 * straying outside its domain shows while it runs.
 */
static int domain_check_all(struct para_facts *f,
			    struct para_domain_checker *checker)
{
	struct para_strvec all = PARA_STRVEC_INIT;
	size_t i;
	int error;

	if (!f->dirty_files.nr)
		return para_domain_check(&f->domain, &f->outside, checker,
					 &f->task, &f->changed_files);
	for (i = 0; i < f->changed_files.nr; i++)
		para_strvec_push(&all, f->changed_files.v[i]);
	for (i = 0; i < f->dirty_files.nr; i++)
		if (!para_strvec_contains(&all, f->dirty_files.v[i]))
			para_strvec_push(&all, f->dirty_files.v[i]);
	error = para_domain_check(&f->domain, &f->outside, checker, &f->task,
				  &all);
	para_strvec_dispose(&all);
	return error;
}

/* The domain check of every task that has a state (domain-check.h). */
static void check_domains(struct para_facts *facts, size_t nr,
			  const struct para_repo *repo,
			  const struct para_status_options *opts)
{
	struct para_domain_checker *checker = NULL;
	size_t i;

	if (para_domain_checker_new(&checker, repo, &opts->shared_paths) < 0)
		goto out;
	for (i = 0; i < nr; i++)
		if (!facts[i].damaged)
			para_domain_checker_know(checker, &facts[i].task);
	for (i = 0; i < nr; i++) {
		struct para_facts *f = &facts[i];

		if (f->damaged)
			continue;
		if (!f->task.paths.nr) {
			f->domain = PARA_DOMAIN_NONE;
			continue;
		}
		if (f->changed < 0)
			continue;
		if (domain_check_all(f, checker) < 0) {
			f->domain = PARA_DOMAIN_UNKNOWN;
			para_strvec_dispose(&f->outside);
		}
	}
out:
	para_error_clear();
	para_domain_checker_free(checker);
}

/* The tree the worktree's HEAD points at, read through the shared refs. */
static int head_tree(git_tree **out, const struct para_facts *f,
		     git_repository *git)
{
	/* the branch's tip is known already */
	if (f->head && f->tip && !strncmp(f->head, "refs/heads/", 11) &&
	    !strcmp(f->head + 11, f->task.branch))
		return para_worktree_head_tree(out, git, NULL, f->tip);
	return para_worktree_head_tree(out, git, f->head, f->head_commit);
}

/*
 * The status of a worktree in process (worktree-status.h); 0, -1 to
 * leave it to git, or 1 for a large worktree, whose clean proof `large`
 * is made ready for.  Opening a repository per worktree costs more than
 * the status itself, so one shared repository object is pointed at each
 * worktree in turn.
 */
static int status_in_process(struct para_facts *f,
			     const struct para_worktree_proof *proof,
			     const struct para_repo *repo,
			     const struct para_status_options *opts,
			     const char *cache_dir,
			     struct para_worktree_large *large)
{
	struct para_worktree_counts counts = PARA_WORKTREE_COUNTS_UNKNOWN;
	struct para_worktree_look look;
	git_repository *shared = proof->shared;
	git_tree *tree = NULL;
	char *path = NULL, *racy = NULL;
	int error = -1;

	if (!shared || opts->status_via == PARA_WORKTREE_VIA_GIT ||
	    f->task.sparse || !(f->head || f->head_commit) || !f->gitdir ||
	    head_tree(&tree, f, shared) < 0)
		goto out;
	path = para_xstrfmt("%s/index", f->gitdir);
	if (cache_dir)
		racy = para_state_status_cache_path(repo, f->name, "racy");
	memset(&look, 0, sizeof(look));
	look.worktree = f->task.worktree;
	look.index_path = path;
	look.head = tree;
	look.via = opts->status_via;
	look.hash_racy = proof->hash_racy;
	look.racy_cache = racy;
	look.retarget = 1;
	look.paths = &f->dirty_files;
	error = para_worktree_count(&counts, shared, &look);
	if (error > 0) {
		large->worktree = f->task.worktree;
		large->index_path = path;
		large->racy_cache = racy;
		memcpy(large->tree, git_tree_id(tree)->id, sizeof(large->tree));
		large->hash_racy = proof->hash_racy;
		large->clean = 0;
		path = racy = NULL;
	}
out:
	set_counts(f, &counts);
	git_error_clear();
	git_tree_free(tree);
	free(path);
	free(racy);
	return error;
}

static unsigned max_jobs(const struct para_status_options *opts)
{
	return (unsigned)(opts->jobs > 0 ? opts->jobs : para_sysinfo_cpus());
}

/* Queues `f` for `git status`: its job is made once all are known. */
static size_t want_status(struct para_facts **owner, int *is_status,
			  size_t n, struct para_facts *f)
{
	owner[n] = f;
	is_status[n] = 1;
	return n + 1;
}

/* Runs the git commands every task needs, all at once. */
static void run_git(struct para_facts *facts, size_t nr,
		    const struct para_repo *repo,
		    const struct para_status_options *opts)
{
	const struct para_worktree_counts zero = { 0, 0, 0, 0, 0 };
	struct para_batch_job init = PARA_BATCH_JOB_INIT;
	struct para_batch_job *jobs = para_calloc(2 * nr + 1, sizeof(*jobs));
	struct para_facts **owner = para_calloc(2 * nr + 1, sizeof(*owner));
	int *is_status = para_calloc(2 * nr + 1, sizeof(*is_status));
	struct para_worktree_large *large = para_calloc(nr + 1, sizeof(*large));
	struct para_facts **large_owner = para_calloc(nr + 1,
						      sizeof(*large_owner));
	struct para_worktree_proof proof;
	size_t n = 0, i, statuses = 0, nr_large = 0;
	char *cache_dir = para_state_status_cache_path(repo, NULL, NULL);
	unsigned jobs_max = max_jobs(opts);
	int in_process;

	for (i = 0; i < 2 * nr + 1; i++)
		jobs[i] = init;
	if (nr && para_mkdir_p(cache_dir) < 0) {
		para_error_clear();
		free(cache_dir);
		cache_dir = NULL;	/* no remembering, then */
	}
	para_worktree_proof_init(&proof, repo->commondir, opts->config);
	for (i = 0; i < nr; i++) {
		struct para_facts *f = &facts[i];

		if (f->damaged)
			continue;
		in_process = f->worktree_exists ?
			status_in_process(f, &proof, repo, opts, cache_dir,
					  &large[nr_large]) : 0;
		if (in_process > 0)
			large_owner[nr_large++] = f;
		else if (in_process < 0)
			n = want_status(owner, is_status, n, f);
		if (f->merge_base && f->changed < 0) {
			owner[n] = f;
			diff_job(&jobs[n++], f, repo);
		}
	}
	para_worktree_proof_dispose(&proof);
	git_error_clear();
	free(cache_dir);
	para_worktree_prove_large(large, nr_large, jobs_max);
	for (i = 0; i < nr_large; i++) {
		if (large[i].clean)
			set_counts(large_owner[i], &zero);
		else
			n = want_status(owner, is_status, n, large_owner[i]);
		para_worktree_large_dispose(&large[i]);
	}
	free(large);
	free(large_owner);
	for (i = 0; i < n; i++)
		statuses += (size_t)is_status[i];
	for (i = 0; i < n; i++)
		if (is_status[i])
			status_job(&jobs[i], owner[i], repo,
				   statuses >= jobs_max);
	if (para_batch_run(jobs, n, jobs_max) < 0)
		para_error_clear();	/* those not run are left out */
	for (i = 0; i < n; i++) {
		if (jobs[i].status == 0) {
			if (is_status[i]) {
				struct para_worktree_counts c;

				para_worktree_counts_parse(&c, &jobs[i].out);
				para_worktree_paths_parse(&owner[i]->dirty_files,
							  &jobs[i].out);
				set_counts(owner[i], &c);
			} else {
				parse_diff(owner[i], &jobs[i].out);
			}
		}
		para_batch_job_dispose(&jobs[i]);
	}
	free(jobs);
	free(owner);
	free(is_status);
}

/* Tasks that run as batch jobs: what Slurm says, one query for all. */
static void ask_scheduler(struct para_facts *facts, size_t nr,
			  const struct para_repo *repo)
{
	const struct para_task **tasks = para_calloc(nr + 1, sizeof(*tasks));
	struct para_slurm_view *views = para_calloc(nr + 1, sizeof(*views));
	struct para_task empty;
	size_t i;

	para_task_init(&empty);
	for (i = 0; i < nr; i++)
		tasks[i] = facts[i].damaged ? &empty : &facts[i].task;
	para_slurm_views(views, repo, tasks, nr);
	for (i = 0; i < nr; i++) {
		struct para_facts *f = &facts[i];

		if (!views[i].asked)
			continue;
		f->state = views[i].state;
		f->scheduler = views[i].text;
		f->slurm_asked = 1;
		f->slurm_state = views[i].job_state;
		f->slurm_reason = views[i].reason;
		f->slurm_node = views[i].node;
		views[i].text = views[i].job_state = NULL;
		views[i].reason = views[i].node = NULL;
		if (f->state != f->task.state) {
			f->task.exit_code = views[i].code;
			f->task.signal = views[i].sig;
		}
	}
	free(views);
	free(tasks);
}

int para_status_gather(struct para_facts **out, struct para_repo *repo,
		       const struct para_strvec *names,
		       const struct para_status_options *opts)
{
	struct para_facts *facts = para_calloc(names->nr + 1, sizeof(*facts));
	struct compare_memo memo = { NULL, NULL, { { 0 } } };
	size_t i;

	for (i = 0; i < names->nr; i++) {
		struct para_facts *f = &facts[i];

		facts_init(f, names->v[i]);
		f->log_path = para_state_log_path(repo, f->name, 0);
		load_task(f, repo);
		if (f->damaged)
			continue;
		if (para_provision_load(&f->provisioned, repo, f->name) < 0)
			para_error_clear();	/* status shows what it can */
		read_head(f);
		read_refs(f, repo->git, &memo);
	}
	compare_memo_dispose(&memo);
	ask_scheduler(facts, names->nr, repo);
	run_git(facts, names->nr, repo, opts);
	for (i = 0; i < names->nr; i++)
		if (!facts[i].damaged)
			keep_own_changes(&facts[i], repo);
	check_domains(facts, names->nr, repo, opts);
	*out = facts;
	return 0;
}
