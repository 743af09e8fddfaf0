/*
 * Attic housekeeping: what is in it, and taking things out of it
 * (prune-attic.h).
 */
#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "command.h"
#include "duration.h"
#include "error.h"
#include "prune-attic.h"
#include "task-state.h"

/*
 * The files kept beside an attic ref, by what follows the slot's name:
 * the longer log suffixes first, as "<slot>..exec.log" ends in ".log" too.
 */
static const char *suffix(int i)
{
	static const int logs[] = { PARA_STATE_LOG_EXEC, PARA_STATE_LOG_VERIFY,
				    PARA_STATE_LOG_TASK };

	if (i < 3)
		return para_state_log_suffix(logs[i]);
	return i == 3 ? ".info" : NULL;
}

struct info {
	long long kept;		/* ms since the epoch, 0 when not known */
	char *branch, *base;
};

static void info_dispose(struct info *in)
{
	free(in->branch);
	free(in->base);
}

static void info_read(struct info *out, struct para_repo *repo,
		      const char *slot)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	struct para_strvec lines = PARA_STRVEC_INIT;
	char *path = para_state_attic_path(repo, slot, ".info");
	size_t i;

	memset(out, 0, sizeof(*out));
	if (para_strbuf_read_file(&sb, path) < 0)
		para_error_clear();
	para_strvec_split_lines(&lines, sb.buf ? sb.buf : "");
	for (i = 0; i < lines.nr; i++) {
		const char *l = lines.v[i];

		if (!strncmp(l, "kept ", 5))
			out->kept = strtoll(l + 5, NULL, 10);
		else if (!strncmp(l, "branch ", 7) && !out->branch)
			out->branch = para_strdup(l + 7);
		else if (!strncmp(l, "base ", 5) && !out->base)
			out->base = para_strdup(l + 5);
	}
	para_strvec_dispose(&lines);
	para_strbuf_dispose(&sb);
	free(path);
}

/* `git diff --shortstat` as "3 files +10 -2". */
static void add_change(struct para_strbuf *out, struct para_repo *repo,
		       const char *base, const char *tip)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	long files = 0, ins = 0, del = 0, n;
	char *p, *end;

	if (!base || para_git(&sb, NULL, para_repo_commondir(repo),
			      "--git-dir=.", "diff", "--shortstat", base, tip,
			      NULL)) {
		para_strbuf_addch(out, '-');
		goto out;
	}
	/* " 3 files changed, 10 insertions(+), 2 deletions(-)" */
	for (p = sb.buf ? sb.buf : ""; *p; p = end) {
		n = strtol(p, &end, 10);
		if (end == p) {
			end = p + 1;
			continue;
		}
		while (*end == ' ')
			end++;
		if (!strncmp(end, "file", 4))
			files = n;
		else if (!strncmp(end, "insertion", 9))
			ins = n;
		else if (!strncmp(end, "deletion", 8))
			del = n;
	}
	para_strbuf_addf(out, "%ld file%s +%ld -%ld", files,
			 files == 1 ? "" : "s", ins, del);
out:
	para_strbuf_dispose(&sb);
}

static void add_date(struct para_strbuf *out, long long ms)
{
	time_t t = (time_t)(ms / 1000);
	struct tm tm;
	char buf[32];

	if (!localtime_r(&t, &tm) ||
	    !strftime(buf, sizeof(buf), "%Y-%m-%d %H:%M", &tm))
		snprintf(buf, sizeof(buf), "-");
	para_strbuf_addstr(out, buf);
}

/* The attic refs: "<slot> <commit> <committer date> <subject>" lines. */
static int list_refs(struct para_strvec *out, struct para_repo *repo)
{
	struct para_strbuf sb = PARA_STRBUF_INIT, err = PARA_STRBUF_INIT;
	int error = 0;

	if (para_git(&sb, &err, para_repo_commondir(repo), "--git-dir=.",
		     "for-each-ref", "--format=%(refname:lstrip=3) "
		     "%(objectname) %(committerdate:unix) %(subject)",
		     "refs/para/attic/", NULL)) {
		para_strbuf_rtrim(&err);
		error = para_error_set(PARA_ERROR, "cannot list the attic: %s",
				       err.buf ? err.buf : "");
	} else {
		para_strvec_split_lines(out, sb.buf ? sb.buf : "");
	}
	para_strbuf_dispose(&err);
	para_strbuf_dispose(&sb);
	return error;
}

/* Splits a list_refs() line; 0 if it is not one. */
static int split_ref(char **slot, char **commit, long long *date,
		     char **subject, char *line)
{
	char *a = strchr(line, ' '), *b = a ? strchr(a + 1, ' ') : NULL;
	char *c = b ? strchr(b + 1, ' ') : NULL;

	if (!c)
		return 0;
	*a = *b = *c = '\0';
	*slot = line;
	*commit = a + 1;
	*date = strtoll(b + 1, NULL, 10) * 1000;
	*subject = c + 1;
	return 1;
}

/* One attic slot: its ref, and the .info kept beside it. */
struct slot {
	char *name, *commit, *subject;
	long long kept;		/* ms: when it was kept, else its commit's date */
	struct info in;
};

typedef void (*slot_fn)(const struct slot *s, void *payload);

/* Calls fn for each slot of the attic. */
static int for_each_slot(struct para_repo *repo, slot_fn fn, void *payload)
{
	struct para_strvec refs = PARA_STRVEC_INIT;
	struct slot s;
	long long date;
	size_t i;
	int error;

	if ((error = list_refs(&refs, repo)) < 0)
		goto out;
	for (i = 0; i < refs.nr; i++) {
		if (!split_ref(&s.name, &s.commit, &date, &s.subject,
			       refs.v[i]))
			continue;
		info_read(&s.in, repo, s.name);
		s.kept = s.in.kept ? s.in.kept : date;
		fn(&s, payload);
		info_dispose(&s.in);
	}
out:
	para_strvec_dispose(&refs);
	return error;
}

struct listing {
	struct para_strbuf *out;
	struct para_repo *repo;
};

static void list_slot(const struct slot *s, void *payload)
{
	struct listing *l = payload;

	para_strbuf_addf(l->out, "%s\t", s->name);
	add_date(l->out, s->kept);
	para_strbuf_addf(l->out, "\t%.7s\t", s->commit);
	add_change(l->out, l->repo, s->in.base, s->commit);
	para_strbuf_addf(l->out, "\t%s\t%s\n",
			 s->in.branch ? s->in.branch : "-", s->subject);
}

int para_prune_attic_list(struct para_strbuf *out, struct para_repo *repo)
{
	struct listing l = { out, repo };

	return for_each_slot(repo, list_slot, &l);
}

int para_prune_attic_drop(struct para_repo *repo, const char *slot)
{
	char *ref = para_xstrfmt("refs/para/attic/%s", slot), *path;
	int found = 0, error = 0, i;

	if (para_repo_ref_exists(repo, ref)) {
		found = 1;
		if (para_git(NULL, NULL, para_repo_commondir(repo),
			     "--git-dir=.", "update-ref", "-d", ref, NULL))
			error = para_error_set(PARA_ERROR, "cannot delete '%s'",
					       ref);
	}
	for (i = 0; suffix(i) && !error; i++) {
		path = para_state_attic_path(repo, slot, suffix(i));
		if (!unlink(path))
			found = 1;
		else if (errno != ENOENT)
			error = para_error_errno(PARA_ERROR,
						 "cannot remove '%s'", path);
		free(path);
	}
	if (!error && !found)
		error = para_error_set(PARA_ENOTFOUND, "no such attic entry "
				       "'%s'", slot);
	free(ref);
	return error;
}

/* "<slot>.log" -> "<slot>" (malloc'd), or NULL for another file. */
static char *slot_of_file(const char *file)
{
	size_t len = strlen(file), n;
	int i;

	for (i = 0; suffix(i); i++) {
		n = strlen(suffix(i));
		if (len > n && !strcmp(file + len - n, suffix(i)))
			return para_xstrfmt("%.*s", (int)(len - n), file);
	}
	return NULL;
}

/* Logs without a ref, whose newest file is older than `cutoff_ms`. */
static void expired_logs(struct para_strvec *out, struct para_strvec *young,
			 struct para_repo *repo, long long cutoff_ms)
{
	char *dir = para_state_attic_path(repo, NULL, NULL), *path, *slot;
	struct dirent *de;
	struct stat st;
	DIR *d = opendir(dir);

	while (d && (de = readdir(d))) {
		if (!(slot = slot_of_file(de->d_name)))
			continue;
		path = para_xstrfmt("%s/%s", dir, de->d_name);
		if (!stat(path, &st) &&
		    (long long)st.st_mtime * 1000 >= cutoff_ms)
			para_strvec_push(young, slot);
		else if (!para_strvec_contains(out, slot))
			para_strvec_push(out, slot);
		free(path);
		free(slot);
	}
	if (d)
		closedir(d);
	free(dir);
}

struct expiry {
	struct para_strvec *expired, *young;
	long long cutoff_ms;
};

static void sort_slot(const struct slot *s, void *payload)
{
	struct expiry *e = payload;

	para_strvec_push(s->kept < e->cutoff_ms ? e->expired : e->young,
			 s->name);
}

int para_prune_attic_expired(struct para_strvec *out, struct para_repo *repo,
			     long long cutoff_ms)
{
	struct para_strvec logs = PARA_STRVEC_INIT, young = PARA_STRVEC_INIT;
	struct expiry e = { out, &young, cutoff_ms };
	size_t i;
	int error;

	if ((error = for_each_slot(repo, sort_slot, &e)) < 0)
		goto out;
	/* the logs of a slot go with its ref, and stay while any is young */
	expired_logs(&logs, &young, repo, cutoff_ms);
	for (i = 0; i < logs.nr; i++)
		if (!para_strvec_contains(&young, logs.v[i]) &&
		    !para_strvec_contains(out, logs.v[i]))
			para_strvec_push(out, logs.v[i]);
	para_strvec_sort(out);
out:
	para_strvec_dispose(&young);
	para_strvec_dispose(&logs);
	return error;
}

int para_prune_attic_age_parse(long long *out, const char *text)
{
	static const long long day = 24LL * 60 * 60 * 1000;
	const char *p = text ? text : "";
	char *end;
	long long n;

	if (*p >= '0' && *p <= '9') {
		errno = 0;
		n = strtoll(p, &end, 10);
		if (!errno && (!strcmp(end, "d") || !strcmp(end, "w")) &&
		    n <= 1000000) {
			*out = n * day * (*end == 'w' ? 7 : 1);
			return 0;
		}
	}
	if (para_duration_parse(out, p) < 0)
		return para_error_set(PARA_EINVALID, "invalid age '%s' (a "
				      "duration such as '12h', or days or "
				      "weeks: '30d', '2w')", p);
	return 0;
}
