/*
 * The logs of tasks, read whole line by whole line and followed
 * (run-log-read.h).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "run-log-read.h"
#include "run-log.h"
#include "strbuf.h"
#include "task-state.h"
#include "task-wait.h"
#include "task-watch.h"

/* The longest wait before a stop asked by a signal is seen. */
#define STOP_CHECK_MS 1000

struct source {
	char *name, *path;
	int fd;			/* -1 while the log is not there */
	dev_t dev;
	ino_t ino;
	off_t off;		/* read up to here */
	struct para_strbuf partial;	/* a line without its newline yet */
	int attempt;		/* headers seen so far */
	int waited;		/* its end decides `failed` */
	int ended;
};

/* The last lines of a log, while it is read the first time. */
struct ring {
	struct para_strbuf *lines;
	size_t size, next, nr;
};

struct reader {
	const struct para_logs_opts *opts;
	para_logs_line_fn fn;
	void *data;
	struct ring *ring;	/* NULL: lines go straight to fn */
};

static void ring_push(struct ring *r, const char *text, size_t len)
{
	struct para_strbuf *sb;

	if (!r->size)
		return;
	sb = &r->lines[r->next];
	para_strbuf_reset(sb);
	para_strbuf_add(sb, text, len);
	r->next = (r->next + 1) % r->size;
	if (r->nr < r->size)
		r->nr++;
}

static void ring_flush(struct ring *r, struct reader *rd, const char *name)
{
	size_t i, at = (r->next + r->size - r->nr) % (r->size ? r->size : 1);

	for (i = 0; i < r->nr; i++, at = (at + 1) % r->size)
		rd->fn(rd->data, name, r->lines[at].buf ? r->lines[at].buf : "",
		       r->lines[at].len);
	r->nr = r->next = 0;
}

static void line(struct reader *rd, struct source *s, const char *text,
		 size_t len)
{
	if (para_runlog_header_attempt(text, len))
		s->attempt++;
	if (rd->opts->attempt && s->attempt != rd->opts->attempt)
		return;
	if (rd->ring)
		ring_push(rd->ring, text, len);
	else
		rd->fn(rd->data, s->name, text, len);
}

/* Hands on the whole lines in `partial`; with `all`, the rest too. */
static void split(struct reader *rd, struct source *s, int all)
{
	char *start = s->partial.buf, *nl;
	size_t used;

	while (start && (nl = memchr(start, '\n', s->partial.len -
				     (size_t)(start - s->partial.buf)))) {
		line(rd, s, start, (size_t)(nl - start));
		start = nl + 1;
	}
	used = start ? (size_t)(start - s->partial.buf) : 0;
	if (all && used < s->partial.len) {
		line(rd, s, start, s->partial.len - used);
		used = s->partial.len;
	}
	if (used) {
		memmove(s->partial.buf, start, s->partial.len - used);
		para_strbuf_setlen(&s->partial, s->partial.len - used);
	}
}

static void source_close(struct reader *rd, struct source *s)
{
	split(rd, s, 1);
	if (s->fd >= 0)
		close(s->fd);
	s->fd = -1;
	s->off = 0;
	s->attempt = 0;
}

/*
 * Opens the log when it is there, and again when it is another file
 * now (its task was removed and made anew): that one is read from its
 * start.
 */
static void source_open(struct reader *rd, struct source *s)
{
	struct stat st;
	int fd;

	if (stat(s->path, &st) < 0) {
		if (s->fd >= 0)
			source_close(rd, s);
		return;
	}
	if (s->fd >= 0 && st.st_dev == s->dev && st.st_ino == s->ino)
		return;
	if (s->fd >= 0)
		source_close(rd, s);
	if ((fd = open(s->path, O_RDONLY | O_CLOEXEC)) < 0 || fstat(fd, &st)) {
		if (fd >= 0)
			close(fd);
		return;
	}
	s->fd = fd;
	s->dev = st.st_dev;
	s->ino = st.st_ino;
}

/* Reads what was added to the log since the last time. */
static int source_read(struct reader *rd, struct source *s)
{
	char buf[65536];
	struct stat st;
	ssize_t n;

	source_open(rd, s);
	if (s->fd < 0)
		return 0;
	/* cut short by hand: start again from its beginning */
	if (!fstat(s->fd, &st) && st.st_size < s->off) {
		para_strbuf_reset(&s->partial);
		s->off = 0;
		s->attempt = 0;
	}
	for (;;) {
		n = pread(s->fd, buf, sizeof(buf), s->off);
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return para_error_errno(PARA_ERROR, "cannot read '%s'",
						s->path);
		if (!n)
			return 0;
		s->off += n;
		para_strbuf_add(&s->partial, buf, (size_t)n);
		split(rd, s, 0);
	}
}

static void source_init(struct source *s, struct para_repo *repo,
			const char *name, int waited)
{
	memset(s, 0, sizeof(*s));
	s->name = para_strdup(name);
	s->path = para_state_log_path(repo, name, PARA_STATE_LOG_TASK);
	s->fd = -1;
	s->waited = waited;
}

static void source_dispose(struct source *s)
{
	if (s->fd >= 0)
		close(s->fd);
	free(s->name);
	free(s->path);
	para_strbuf_dispose(&s->partial);
}

/* The first reading of a log: all of it, or its last lines only. */
static int read_first(struct reader *rd, struct source *s, struct ring *r)
{
	int error;

	rd->ring = rd->opts->tail >= 0 ? r : NULL;
	error = source_read(rd, s);
	/* a line cut short counts among the last ones only at the end */
	if (!rd->opts->follow)
		split(rd, s, 1);
	if (rd->ring)
		ring_flush(r, rd, s->name);
	rd->ring = NULL;
	return error;
}

struct sources {
	struct source *v;
	size_t nr, alloc;
};

static struct source *sources_add(struct sources *ss)
{
	ss->v = para_grow(ss->v, &ss->alloc, ss->nr + 1, sizeof(*ss->v));
	return &ss->v[ss->nr++];
}

/* The tasks created since the last look, read from their start. */
static int take_new(struct sources *ss, struct reader *rd,
		    struct para_repo *repo, struct para_strvec *names)
{
	struct para_strvec now = PARA_STRVEC_INIT;
	size_t i;
	int error = para_state_list(&now, repo);

	for (i = 0; !error && i < now.nr; i++) {
		if (para_strvec_contains(names, now.v[i]))
			continue;
		para_strvec_push(names, now.v[i]);
		source_init(sources_add(ss), repo, now.v[i], 0);
		error = source_read(rd, &ss->v[ss->nr - 1]);
	}
	para_strvec_dispose(&now);
	return error;
}

/*
 * Looks at each task's state: marks those that ended, watches what ends
 * the others.  Returns 1 once every task waited for has ended.
 */
static int all_ended(struct sources *ss, struct para_task_watch *w,
		     struct para_repo *repo, int every, int *failed)
{
	enum para_task_state live;
	struct para_task t;
	size_t i;
	int left = 0;

	for (i = 0; i < ss->nr; i++) {
		struct source *s = &ss->v[i];

		if (s->ended)
			continue;
		if (para_state_load(&t, repo, s->name) < 0) {
			para_error_clear();
			s->ended = 1;
			*failed |= s->waited;
			continue;
		}
		live = para_task_live_state(&t);
		/* without names, a task that no run took is not waited for */
		if (!para_task_wait_pending(&t, live)) {
			s->ended = 1;
			*failed |= s->waited && !para_task_state_done(live);
		} else if (!every || t.state != PARA_STATE_NEW) {
			s->waited = 1;
			left = 1;
			para_task_wait_watch(w, &t, live);
		}
		para_task_dispose(&t);
	}
	return !left;
}

static int follow(struct sources *ss, struct reader *rd,
		  struct para_task_watch *w, struct para_repo *repo,
		  struct para_strvec *names, int *failed)
{
	const struct para_logs_opts *o = rd->opts;
	size_t i;
	int error = 0;

	while (!error && !(o->stop && *o->stop)) {
		if (o->every && (error = take_new(ss, rd, repo, names)) < 0)
			break;
		for (i = 0; !error && i < ss->nr; i++)
			error = source_read(rd, &ss->v[i]);
		if (error || (o->until_done &&
			      all_ended(ss, w, repo, o->every, failed)))
			break;
		error = para_task_watch_wait(w, STOP_CHECK_MS);
		error = error < 0 ? error : 0;
	}
	/* what came with the end, and the lines cut short */
	for (i = 0; !error && i < ss->nr; i++)
		error = source_read(rd, &ss->v[i]);
	for (i = 0; i < ss->nr; i++)
		split(rd, &ss->v[i], 1);
	return error;
}

int para_logs_read(int *failed, struct para_repo *repo,
		   struct para_strvec *names, const struct para_logs_opts *opts,
		   para_logs_line_fn fn, void *data)
{
	struct reader rd = { opts, fn, data, NULL };
	struct sources ss = { NULL, 0, 0 };
	struct para_task_watch *w = NULL;
	struct ring r = { NULL, 0, 0, 0 };
	size_t i, nr = names->nr;
	int error = 0;

	*failed = 0;
	if (opts->tail > 0) {
		r.size = (size_t)opts->tail;
		r.lines = para_calloc(r.size, sizeof(*r.lines));
	}
	/* watching first, reading second: no line falls between */
	if (opts->follow && ((error = para_task_watch_open(&w, repo)) < 0 ||
			     (error = para_task_watch_logs(w, repo)) < 0))
		goto out;
	for (i = 0; i < nr; i++)
		source_init(sources_add(&ss), repo, names->v[i],
			    !opts->every);
	for (i = 0; !error && i < ss.nr; i++)
		error = read_first(&rd, &ss.v[i], &r);
	if (!error && opts->follow)
		error = follow(&ss, &rd, w, repo, names, failed);
out:
	for (i = 0; i < ss.nr; i++)
		source_dispose(&ss.v[i]);
	free(ss.v);
	for (i = 0; i < r.size; i++)
		para_strbuf_dispose(&r.lines[i]);
	free(r.lines);
	para_task_watch_free(w);
	return error;
}

int para_logs_attempts(int *out, struct para_repo *repo, const char *name)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *path = para_state_log_path(repo, name, PARA_STATE_LOG_TASK);
	const char *p, *end, *nl;
	int error = para_strbuf_read_file(&sb, path);

	*out = 0;
	if (error < 0)
		error = errno == ENOENT ? 0 :
			para_error_errno(PARA_ERROR, "cannot read '%s'", path);
	for (p = sb.buf, end = p + sb.len; !error && p && p < end; p = nl + 1) {
		if (!(nl = memchr(p, '\n', (size_t)(end - p))))
			nl = end;
		if (para_runlog_header_attempt(p, (size_t)(nl - p)))
			(*out)++;
	}
	para_strbuf_dispose(&sb);
	free(path);
	return error;
}
