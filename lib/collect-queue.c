#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clock.h"
#include "collect-bisect.h"
#include "collect-merge.h"
#include "collect-queue.h"
#include "collect-state.h"
#include "collect-verify.h"
#include "error.h"
#include "lock.h"
#include "merge.h"
#include "run-log.h"
#include "task-state.h"
#include "testpoint.h"

static const char *const result_names[] = {
	[PARA_QUEUE_MERGED] = "merged",
	[PARA_QUEUE_ALREADY] = "already",
	[PARA_QUEUE_CONFLICT] = "conflict",
	[PARA_QUEUE_REJECTED] = "rejected",
	[PARA_QUEUE_HELD] = "held",
	[PARA_QUEUE_NOT_TRIED] = "not-tried",
};

const char *para_queue_result_name(enum para_queue_result result)
{
	return result_names[result];
}

/* What a run of the queue works with. */
struct ctx {
	struct para_repo *repo;
	struct para_collect *c;
	struct para_queue *q;
	const struct para_queue_options *opts;
	size_t *cand;		/* entries that merged, in merge order */
	size_t ncand;
	size_t *chain;		/* the last candidate built: its entries */
	char (*commits)[GIT_OID_HEXSZ + 1];	/* and the merge of each */
	size_t chain_len;
	struct para_strbuf failed;	/* the output of the last failure */
};

static const struct para_collect_item *item_of(struct ctx *x, size_t entry)
{
	return &x->c->items[x->q->entries[entry].item];
}

static int merge_entry(struct para_merge_result *res, struct ctx *x,
		       const char *onto, size_t entry)
{
	const struct para_collect_item *it = item_of(x, entry);
	char *msg = para_collect_merge_message(it);
	int error = para_merge_commit(res, x->repo, onto, it->tip, msg);

	free(msg);
	return error;
}

/*
 * The candidate of `seq` (entries) merged onto the branch, in `hex`;
 * what the last build shares with it is reused.  1 when an entry does
 * not merge (its name in x->failed).
 */
static int build(char *hex, struct ctx *x, const size_t *seq, size_t len)
{
	size_t p = 0, k;
	int error = 0;

	while (p < len && p < x->chain_len && x->chain[p] == seq[p])
		p++;
	x->chain_len = p;
	for (k = p; k < len && !error; k++) {
		struct para_merge_result res = PARA_MERGE_RESULT_INIT;
		const char *onto = k ? x->commits[k - 1] : x->q->old;

		if ((error = merge_entry(&res, x, onto, seq[k])) < 0)
			break;
		if (res.conflicts.nr) {
			para_strbuf_reset(&x->failed);
			para_strbuf_addf(&x->failed, "task '%s' does not merge "
					 "cleanly into this candidate\n",
					 item_of(x, seq[k])->task.name);
			error = 1;
		} else {
			x->chain[k] = seq[k];
			snprintf(x->commits[k], GIT_OID_HEXSZ + 1, "%s",
				 res.already ? onto : res.commit);
			x->chain_len = k + 1;
		}
		para_merge_result_dispose(&res);
	}
	if (!error)
		snprintf(hex, GIT_OID_HEXSZ + 1, "%s",
			 len ? x->commits[len - 1] : x->q->old);
	return error;
}

static int verify_seq(void *payload, const size_t *seq, size_t len)
{
	struct ctx *x = payload;
	struct para_verify v = PARA_VERIFY_INIT;
	struct para_strvec names = PARA_STRVEC_INIT;
	size_t *entries = para_calloc(len + 1, sizeof(*entries)), i;
	char hex[GIT_OID_HEXSZ + 1];
	int error;

	for (i = 0; i < len; i++) {
		entries[i] = x->cand[seq[i]];
		para_strvec_push(&names, item_of(x, entries[i])->task.name);
	}
	if ((error = build(hex, x, entries, len)) != 0) {
		error = error < 0 ? error : 0;	/* not merging is failing */
		goto out;
	}
	if ((error = para_verify_cached(&v, x->repo, hex, x->q->verify)) < 0)
		goto out;
	if (!error && x->opts->progress)
		x->opts->progress(x->opts->progress_data, len, hex);
	if (!error && (error = para_verify_commit(&v, x->repo, hex,
						  x->q->verify, &names,
						  x->opts->verify_timeout)) < 0)
		goto out;
	if (v.cached)
		x->q->verify_cached++;
	else
		x->q->verify_runs++;
	if (!v.passed) {
		para_strbuf_reset(&x->failed);
		para_strbuf_add(&x->failed, v.output.buf, v.output.len);
	}
	error = v.passed;
out:
	para_verify_dispose(&v);
	para_strvec_dispose(&names);
	free(entries);
	return error;
}

static int entry_depends(struct ctx *x, size_t a, size_t b)
{
	const struct para_collect_item *ia = item_of(x, a), *ib = item_of(x, b);

	return para_strvec_contains(&ib->task.after, ia->task.name);
}

static int cand_depends(void *payload, size_t a, size_t b)
{
	struct ctx *x = payload;

	return entry_depends(x, x->cand[a], x->cand[b]);
}

static void cand_rejected(void *payload, size_t cand)
{
	struct ctx *x = payload;
	struct para_queue_entry *e = &x->q->entries[x->cand[cand]];

	e->result = PARA_QUEUE_REJECTED;
	para_strbuf_reset(&e->output);
	para_strbuf_add(&e->output, x->failed.buf, x->failed.len);
}

/* An earlier entry `k` depends on that is out; its name for `with`. */
static const char *blocked_by(struct ctx *x, size_t k)
{
	size_t j;

	for (j = 0; j < k; j++) {
		struct para_queue_entry *e = &x->q->entries[j];

		if (e->result < PARA_QUEUE_CONFLICT || !entry_depends(x, j, k))
			continue;
		if (e->result == PARA_QUEUE_CONFLICT ||
		    e->result == PARA_QUEUE_REJECTED)
			return item_of(x, j)->task.name;
		return e->with;
	}
	return NULL;
}

static void set_conflict(struct ctx *x, size_t k,
			 const struct para_strvec *files)
{
	struct para_queue_entry *e = &x->q->entries[k];
	struct para_strbuf by = PARA_STRBUF_INIT;
	size_t i, j;

	e->result = PARA_QUEUE_CONFLICT;
	para_strvec_pushv(&e->files, (const char *const *)files->v);
	/* the tasks in the candidate before it that changed those files */
	for (i = 0; i < k; i++) {
		const struct para_collect_item *it = item_of(x, i);

		if (x->q->entries[i].result > PARA_QUEUE_ALREADY)
			continue;

		for (j = 0; j < files->nr; j++)
			if (para_strvec_contains(&it->touched, files->v[j]))
				break;
		if (j < files->nr)
			para_strbuf_addf(&by, "%s%s", by.len ? ", " : "",
					 it->task.name);
	}
	e->with = by.len ? para_strbuf_detach(&by) : NULL;
	para_strbuf_dispose(&by);
}

/* Merges every entry onto the branch once: conflicts, already merged. */
static int first_pass(struct ctx *x)
{
	struct para_queue *q = x->q;
	const char *halted = NULL, *cur = q->old, *by;
	size_t k;
	int error = 0;

	for (k = 0; k < q->nr && !error; k++) {
		struct para_queue_entry *e = &q->entries[k];
		struct para_merge_result res = PARA_MERGE_RESULT_INIT;

		if (halted || (by = blocked_by(x, k))) {
			e->result = halted ? PARA_QUEUE_NOT_TRIED :
					     PARA_QUEUE_HELD;
			e->with = para_strdup(halted ? halted : by);
			continue;
		}
		if ((error = merge_entry(&res, x, cur, k)) < 0) {
			para_merge_result_dispose(&res);
			break;
		}
		if (res.already) {
			e->result = PARA_QUEUE_ALREADY;
		} else if (res.conflicts.nr) {
			set_conflict(x, k, &res.conflicts);
			if (x->opts->halt)
				halted = item_of(x, k)->task.name;
		} else {
			x->chain[x->ncand] = k;
			snprintf(x->commits[x->ncand], GIT_OID_HEXSZ + 1, "%s",
				 res.commit);
			cur = x->commits[x->ncand];
			x->cand[x->ncand++] = k;
			x->chain_len = x->ncand;
		}
		para_merge_result_dispose(&res);
	}
	return error;
}

/* Decides the candidates with the verify command. */
static int verify_candidates(struct ctx *x, size_t **in, size_t *in_nr)
{
	static const struct para_bisect_ops ops = {
		verify_seq, cand_depends, cand_rejected
	};
	struct para_bisect b = PARA_BISECT_INIT;
	size_t i;
	int error;

	error = para_bisect_run(&b, x->ncand, x->opts->one_by_one, &ops, x);
	if (error < 0)
		goto out;
	if (b.base_broken) {
		/* what was rejected on that base was not the tasks' fault */
		x->q->base_broken = 1;
		para_strbuf_add(&x->q->base_output, x->failed.buf,
				x->failed.len);
		for (i = 0; i < b.n; i++) {
			struct para_queue_entry *e = &x->q->entries[x->cand[i]];

			e->result = PARA_QUEUE_NOT_TRIED;
			free(e->with);
			e->with = NULL;
		}
		goto out;
	}
	for (i = 0; i < b.n; i++) {
		struct para_queue_entry *e = &x->q->entries[x->cand[i]];

		if (b.verdict[i] == PARA_BISECT_HELD) {
			e->result = PARA_QUEUE_HELD;
			e->with = para_strdup(item_of(x, x->cand[b.held_by[i]])->task.name);
		}
	}
	for (i = 0; i < b.in_nr; i++)
		(*in)[i] = x->cand[b.in[i]];
	*in_nr = b.in_nr;
out:
	para_bisect_dispose(&b);
	return error;
}

static void write_rejection(struct ctx *x, const struct para_queue_entry *e)
{
	const char *name = item_of(x, e->item)->task.name;
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *path = NULL, when[32];
	int fd;

	if (para_runlog_path(&path, x->repo, name, 0) < 0 ||
	    para_runlog_open(&fd, path) < 0) {
		free(path);
		return;
	}
	para_format_time(when, sizeof(when), para_now_ms());
	para_strbuf_addf(&sb, "=== git para collect: task '%s' rejected %s: "
			 "the merge with it fails '%s' ===\n", name, when,
			 x->q->verify);
	para_strbuf_add(&sb, e->output.buf, e->output.len);
	if (sb.len && sb.buf[sb.len - 1] != '\n')
		para_strbuf_addch(&sb, '\n');
	/* a short write loses log lines only: the state says rejected */
	if (write(fd, sb.buf, sb.len) < 0)
		sb.len = 0;
	close(fd);
	para_strbuf_dispose(&sb);
	free(path);
}

/* The item's state as recorded now, for the report that follows. */
static void refresh_state(struct ctx *x, size_t item)
{
	struct para_task now;

	if (para_state_load(&now, x->repo, x->c->items[item].task.name) < 0) {
		para_error_clear();
		return;
	}
	x->c->items[item].task.state = now.state;
	para_task_dispose(&now);
}

static int record(struct ctx *x)
{
	size_t k;
	int error = 0, e2;

	for (k = 0; k < x->q->nr; k++) {
		struct para_queue_entry *e = &x->q->entries[k];
		const char *name = item_of(x, k)->task.name;

		switch (e->result) {
		case PARA_QUEUE_MERGED:
		case PARA_QUEUE_ALREADY:
			e2 = para_collect_mark_merged(x->repo, name,
						      x->q->branch);
			break;
		case PARA_QUEUE_CONFLICT:
			e2 = para_collect_mark_conflict(x->repo, name,
							&e->files, e->with ?
							e->with : x->q->branch,
							x->q->branch);
			break;
		case PARA_QUEUE_REJECTED:
			write_rejection(x, e);
			e2 = para_collect_mark_rejected(x->repo, name);
			break;
		default:
			e2 = 0;
		}
		if (e2 < 0 && !error)
			error = e2;
		refresh_state(x, e->item);
		para_test_crash("collect-between-records");
	}
	return error;
}

static int finish(struct ctx *x, const size_t *in, size_t in_nr)
{
	struct para_queue *q = x->q;
	size_t i;
	int error;

	if ((error = build(q->tip, x, in, in_nr)) != 0)
		return error < 0 ? error :
		       para_error_set(PARA_ERROR, "%s", x->failed.buf);
	for (i = 0; i < in_nr; i++) {
		q->entries[in[i]].result = PARA_QUEUE_MERGED;
		snprintf(q->entries[in[i]].commit, GIT_OID_HEXSZ + 1, "%s",
			 x->commits[i]);
	}
	para_test_crash("collect-before-ref-update");
	if (strcmp(q->tip, q->old) &&
	    (error = para_merge_move(x->repo, q->branch, q->tip, q->old,
				     "para collect: merge queue")) < 0)
		return error;
	return record(x);
}

static void init_entries(struct para_queue *q, const size_t *order, size_t n)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	struct para_strvec sv = PARA_STRVEC_INIT;
	size_t k;

	q->entries = para_calloc(n + 1, sizeof(*q->entries));
	q->nr = n;
	for (k = 0; k < n; k++) {
		q->entries[k].item = order[k];
		q->entries[k].files = sv;
		q->entries[k].output = sb;
	}
}

int para_queue_run(struct para_queue *out, struct para_repo *repo,
		   struct para_collect *c, const struct para_queue_options *o)
{
	struct para_queue init = PARA_QUEUE_INIT;
	struct para_lock lock = PARA_LOCK_INIT;
	struct para_strbuf empty = PARA_STRBUF_INIT;
	struct ctx x;
	size_t *order = para_calloc(c->nr + 1, sizeof(*order)), *in, in_nr = 0;
	int error;

	*out = init;
	out->branch = para_strdup(o->branch);
	out->verify = o->verify ? para_strdup(o->verify) : NULL;
	memset(&x, 0, sizeof(x));
	x.repo = repo;
	x.c = c;
	x.q = out;
	x.opts = o;
	x.failed = empty;
	x.cand = para_calloc(c->nr + 1, sizeof(*x.cand));
	x.chain = para_calloc(c->nr + 1, sizeof(*x.chain));
	x.commits = para_calloc(c->nr + 1, sizeof(*x.commits));
	in = para_calloc(c->nr + 1, sizeof(*in));
	if ((error = para_collect_merge_order(order, c)) < 0)
		goto out;
	init_entries(out, order, c->nr);
	if ((error = para_merge_tip(out->old, repo, o->branch)) < 0 ||
	    (o->verify && (error = para_verify_lock(&lock, repo)) < 0) ||
	    (error = first_pass(&x)) < 0)
		goto out;
	if (o->verify) {
		if ((error = verify_candidates(&x, &in, &in_nr)) < 0)
			goto out;
	} else {
		memcpy(in, x.cand, x.ncand * sizeof(*in));
		in_nr = x.ncand;
	}
	if (out->base_broken)
		snprintf(out->tip, sizeof(out->tip), "%s", out->old);
	else
		error = finish(&x, in, in_nr);
out:
	para_lock_release(&lock);
	para_strbuf_dispose(&x.failed);
	free(x.cand);
	free(x.chain);
	free(x.commits);
	free(order);
	free(in);
	return error;
}

size_t para_queue_problems(const struct para_queue *q)
{
	size_t k, n = q->base_broken;

	for (k = 0; k < q->nr; k++)
		n += q->entries[k].result >= PARA_QUEUE_CONFLICT;
	return n;
}

void para_queue_dispose(struct para_queue *q)
{
	struct para_queue init = PARA_QUEUE_INIT;
	size_t k;

	for (k = 0; k < q->nr; k++) {
		para_strvec_dispose(&q->entries[k].files);
		free(q->entries[k].with);
		para_strbuf_dispose(&q->entries[k].output);
	}
	free(q->entries);
	free(q->branch);
	free(q->verify);
	para_strbuf_dispose(&q->base_output);
	*q = init;
}
