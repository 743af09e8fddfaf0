#include <stdlib.h>
#include <string.h>

#include "batch.h"
#include "changes.h"
#include "collect.h"
#include "collect-pairs.h"
#include "domain.h"
#include "domain-check.h"
#include "error.h"
#include "task-state.h"
#include "strbuf.h"

/* Splits NUL-terminated records into a sorted list. */
static void split_nul(struct para_strvec *out, const struct para_strbuf *sb)
{
	size_t pos = 0;

	while (pos < sb->len) {
		size_t len = strlen(sb->buf + pos);

		if (len)
			para_strvec_push(out, sb->buf + pos);
		pos += len + 1;
	}
	para_strvec_sort(out);
}

void para_collect_dirs(struct para_strvec *dirs,
		       const struct para_strvec *paths)
{
	struct para_strvec all = PARA_STRVEC_INIT;
	size_t i;

	for (i = 0; i < paths->nr; i++) {
		const char *p = paths->v[i], *slash;

		for (slash = strchr(p, '/'); slash; slash = strchr(slash + 1, '/')) {
			char *dir = para_strndup(p, (size_t)(slash - p));

			para_strvec_push(&all, dir);
			free(dir);
		}
	}
	para_strvec_sort(&all);
	for (i = 0; i < all.nr; i++)
		if (!i || strcmp(all.v[i - 1], all.v[i]))
			para_strvec_push(dirs, all.v[i]);
	para_strvec_dispose(&all);
}

static void push_git(struct para_batch_job *job, struct para_repo *repo)
{
	para_strvec_pushf(&job->args, "--git-dir=%s", repo->commondir);
}

static void diff_job(struct para_batch_job *job, struct para_repo *repo,
		     const char *from, const char *to)
{
	/*
	 * diff-tree reads the index although comparing two commits does
	 * not need it; in a large repository that is most of its time.
	 */
	para_strvec_pushf(&job->env, "GIT_INDEX_FILE=%s/collect-no-index",
			  repo->state_dir);
	push_git(job, repo);
	para_strvec_push(&job->args, "diff-tree");
	para_strvec_push(&job->args, "-r");
	para_strvec_push(&job->args, "-z");
	para_strvec_push(&job->args, "--name-only");
	para_strvec_push(&job->args, "--no-renames");
	para_strvec_push(&job->args, from);
	para_strvec_push(&job->args, to);
}

static int job_failed(const struct para_batch_job *job, const char *what)
{
	struct para_strbuf msg = PARA_STRBUF_INIT;
	int error;

	para_strbuf_addstr(&msg, job->err.buf);
	para_strbuf_rtrim(&msg);
	error = para_error_set(PARA_ERROR, "%s failed%s%s", what,
			       msg.len ? ": " : "", msg.buf);
	para_strbuf_dispose(&msg);
	return error;
}

static int resolve_tip(char *hex, struct para_repo *repo, const char *branch)
{
	char *ref = para_xstrfmt("refs/heads/%s", branch);
	git_oid oid;
	int error = 0;

	if (git_reference_name_to_id(&oid, repo->git, ref) < 0)
		error = para_error_set(PARA_ENOTFOUND,
				       "branch '%s' does not exist", branch);
	else
		git_oid_tostr(hex, GIT_OID_HEXSZ + 1, &oid);
	free(ref);
	return error;
}

static struct para_batch_job *new_batch(size_t nr)
{
	struct para_batch_job init = PARA_BATCH_JOB_INIT;
	struct para_batch_job *batch = para_calloc(nr ? nr : 1, sizeof(*batch));
	size_t i;

	for (i = 0; i < nr; i++)
		batch[i] = init;
	return batch;
}

static void free_batch(struct para_batch_job *batch, size_t nr)
{
	size_t i;

	for (i = 0; i < nr; i++)
		para_batch_job_dispose(&batch[i]);
	free(batch);
}

/*
 * What each task changed: every path that differs from its base, and of
 * those its own changes (para_changes_own()).
 */
static int compute_changes(struct para_collect *c, struct para_repo *repo,
			   unsigned jobs)
{
	struct para_batch_job *batch = new_batch(c->nr);
	size_t i;
	int error;

	for (i = 0; i < c->nr; i++)
		diff_job(&batch[i], repo, c->items[i].task.base,
			 c->items[i].tip);
	if ((error = para_batch_run(batch, c->nr, jobs)) < 0)
		goto out;
	for (i = 0; i < c->nr && !error; i++) {
		struct para_collect_item *it = &c->items[i];

		if (batch[i].status) {
			char *what = para_xstrfmt("comparing the branch of task '%s'",
						  it->task.name);

			error = job_failed(&batch[i], what);
			free(what);
			goto out;
		}
		split_nul(&it->touched, &batch[i].out);
		para_strvec_pushv(&it->changed, (const char *const *)it->touched.v);
		para_collect_dirs(&it->dirs, &it->touched);
		error = para_changes_own(&it->changed, repo, &it->task, it->tip);
	}
out:
	free_batch(batch, c->nr);
	return error;
}

static int is_shared(const struct para_domain *shared, const char *path)
{
	return shared && para_domain_covers(shared, path) > 0;
}

/* Files outside each task's domain, by the rule of domain-check.h. */
static int check_domains(struct para_collect *c, struct para_repo *repo,
			 const struct para_strvec *shared)
{
	struct para_domain_checker *checker = NULL;
	size_t i;
	int error;

	if ((error = para_domain_checker_new(&checker, repo, shared)) < 0)
		return error;
	for (i = 0; i < c->nr; i++)
		para_domain_checker_know(checker, &c->items[i].task);
	for (i = 0; i < c->nr && !error; i++)
		error = para_domain_check(NULL, &c->items[i].outside, checker,
					  &c->items[i].task,
					  &c->items[i].changed);
	para_domain_checker_free(checker);
	return error;
}

struct path_entry {
	const char *path;
	size_t task;
};

static int cmp_entry(const void *va, const void *vb)
{
	const struct path_entry *a = va, *b = vb;
	int cmp = strcmp(a->path, b->path);

	if (cmp)
		return cmp;
	return a->task < b->task ? -1 : a->task > b->task;
}

static void add_overlap(struct para_collect *c, const struct path_entry *e,
			size_t nr)
{
	struct para_collect_overlap *o;
	size_t i;

	c->overlaps = para_realloc(c->overlaps,
				   (c->overlaps_nr + 1) * sizeof(*c->overlaps));
	o = &c->overlaps[c->overlaps_nr++];
	o->path = para_strdup(e->path);
	o->tasks = para_calloc(nr, sizeof(*o->tasks));
	o->tasks_nr = nr;
	for (i = 0; i < nr; i++)
		o->tasks[i] = e[i].task;
}

static void find_overlaps(struct para_collect *c,
			  const struct para_domain *shared)
{
	struct path_entry *e;
	size_t i, j, n = 0, total = 0;

	for (i = 0; i < c->nr; i++)
		total += c->items[i].changed.nr;
	e = para_calloc(total ? total : 1, sizeof(*e));
	for (i = 0; i < c->nr; i++)
		for (j = 0; j < c->items[i].changed.nr; j++) {
			const char *path = c->items[i].changed.v[j];

			if (is_shared(shared, path))
				continue;
			e[n].path = path;
			e[n++].task = i;
		}
	qsort(e, n, sizeof(*e), cmp_entry);
	for (i = 0; i < n; i = j) {
		for (j = i + 1; j < n && !strcmp(e[i].path, e[j].path); j++)
			;
		if (j - i > 1)
			add_overlap(c, &e[i], j - i);
	}
	free(e);
}

/* Parses `merge-tree -z --name-only --no-messages`: tree, then files. */
static void parse_conflicts(struct para_strvec *files,
			    const struct para_strbuf *out)
{
	size_t pos = strlen(out->buf) + 1;

	while (pos < out->len) {
		size_t len = strlen(out->buf + pos);

		if (!len)
			break;
		para_strvec_push(files, out->buf + pos);
		pos += len + 1;
	}
}

static void add_conflict(struct para_collect *c, size_t a, size_t b,
			 const struct para_strbuf *out)
{
	struct para_collect_conflict *cf;
	struct para_strvec none = PARA_STRVEC_INIT;

	c->conflicts = para_realloc(c->conflicts, (c->conflicts_nr + 1) *
				    sizeof(*c->conflicts));
	cf = &c->conflicts[c->conflicts_nr++];
	cf->a = a;
	cf->b = b;
	cf->files = none;
	parse_conflicts(&cf->files, out);
}

static int merge_pairs(struct para_collect *c, struct para_repo *repo,
		       unsigned jobs)
{
	struct para_batch_job *batch;
	size_t *pairs, i, j, k, n;
	int error;

	c->pairs = c->nr * (c->nr ? c->nr - 1 : 0) / 2;
	n = para_collect_pairs(&pairs, c->items, c->nr);
	batch = new_batch(n);
	for (k = 0; k < n; k++) {
		i = pairs[2 * k];
		j = pairs[2 * k + 1];
		push_git(&batch[k], repo);
		para_strvec_push(&batch[k].args, "merge-tree");
		para_strvec_push(&batch[k].args, "--write-tree");
		para_strvec_push(&batch[k].args, "--name-only");
		para_strvec_push(&batch[k].args, "--no-messages");
		para_strvec_push(&batch[k].args, "-z");
		para_strvec_push(&batch[k].args, c->items[i].tip);
		para_strvec_push(&batch[k].args, c->items[j].tip);
	}
	c->pairs_merged = n;
	if ((error = para_batch_run(batch, n, jobs)) < 0)
		goto out;
	for (i = 0; i < n; i++) {
		if (batch[i].status == 1) {
			add_conflict(c, pairs[2 * i], pairs[2 * i + 1],
				     &batch[i].out);
		} else if (batch[i].status) {
			char *what = para_xstrfmt("merging tasks '%s' and '%s'",
				c->items[pairs[2 * i]].task.name,
				c->items[pairs[2 * i + 1]].task.name);

			error = job_failed(&batch[i], what);
			free(what);
			goto out;
		}
	}
out:
	free(pairs);
	free_batch(batch, n);
	return error;
}

static int load_shared(struct para_domain **out,
		       const struct para_strvec *shared)
{
	*out = NULL;
	if (!shared || !shared->nr)
		return 0;
	return para_domain_new(out, (const char *const *)shared->v,
			       shared->nr);
}

static int take_tasks(struct para_collect *c, struct para_repo *repo,
		      struct para_task *tasks, size_t nr)
{
	size_t i;
	int error;

	c->items = para_calloc(nr ? nr : 1, sizeof(*c->items));
	for (i = 0; i < nr; i++) {
		struct para_collect_item *it = &c->items[c->nr++];

		it->task = tasks[i];
		para_task_init(&tasks[i]);
		if ((error = resolve_tip(it->tip, repo, it->task.branch)) < 0)
			return para_error_set(error, "task '%s': %s",
					      it->task.name, para_error_last());
	}
	return 0;
}

int para_collect_check(struct para_collect *out, struct para_repo *repo,
		       struct para_task *tasks, size_t nr,
		       const struct para_strvec *shared, unsigned jobs)
{
	struct para_collect init = PARA_COLLECT_INIT;
	struct para_domain *shared_domain = NULL;
	int error;

	*out = init;
	if ((error = take_tasks(out, repo, tasks, nr)) < 0 ||
	    (error = load_shared(&shared_domain, shared)) < 0 ||
	    (error = compute_changes(out, repo, jobs)) < 0 ||
	    (error = check_domains(out, repo, shared)) < 0)
		goto out;
	find_overlaps(out, shared_domain);
	error = merge_pairs(out, repo, jobs);
out:
	para_domain_free(shared_domain);
	return error;
}

size_t para_collect_problems(const struct para_collect *c)
{
	size_t i, n = c->overlaps_nr + c->conflicts_nr;

	for (i = 0; i < c->nr; i++)
		n += !!c->items[i].outside.nr;
	return n;
}

struct para_collect_item *para_collect_find(struct para_collect *c,
					    const char *name)
{
	size_t i;

	for (i = 0; i < c->nr; i++)
		if (!strcmp(c->items[i].task.name, name))
			return &c->items[i];
	return NULL;
}

void para_collect_dispose(struct para_collect *c)
{
	struct para_collect init = PARA_COLLECT_INIT;
	size_t i;

	for (i = 0; i < c->nr; i++) {
		para_task_dispose(&c->items[i].task);
		para_strvec_dispose(&c->items[i].touched);
		para_strvec_dispose(&c->items[i].dirs);
		para_strvec_dispose(&c->items[i].changed);
		para_strvec_dispose(&c->items[i].outside);
	}
	for (i = 0; i < c->overlaps_nr; i++) {
		free(c->overlaps[i].path);
		free(c->overlaps[i].tasks);
	}
	for (i = 0; i < c->conflicts_nr; i++)
		para_strvec_dispose(&c->conflicts[i].files);
	free(c->items);
	free(c->overlaps);
	free(c->conflicts);
	*c = init;
}
