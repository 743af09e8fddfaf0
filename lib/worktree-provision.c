#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include <git2.h>

#include "command.h"
#include "error.h"
#include "fs.h"
#include "strbuf.h"
#include "task-state.h"
#include "worktree-provision.h"

static const char *const how_names[] = { "copy", "setup", "link" };

const char *para_provision_how_name(enum para_provision_how how)
{
	return how_names[how];
}

void para_provision_dispose(struct para_provision *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		free(p->v[i].path);
	free(p->v);
	p->v = NULL;
	p->nr = p->alloc = 0;
}

static int find(const struct para_provision *p, const char *path)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		if (!strcmp(p->v[i].path, path))
			return (int)i;
	return -1;
}

int para_provision_hash(char hash[41], const char *full)
{
	git_oid oid;
	struct stat st;
	char target[4096];
	ssize_t n;

	hash[0] = '\0';
	if (lstat(full, &st) < 0)
		return errno == ENOENT ? 0 :
		       para_error_errno(PARA_ERROR, "cannot stat '%s'", full);
	if (S_ISLNK(st.st_mode)) {
		if ((n = readlink(full, target, sizeof(target))) < 0)
			return para_error_errno(PARA_ERROR,
						"cannot read link '%s'", full);
		if (git_odb_hash(&oid, target, (size_t)n, GIT_OBJECT_BLOB) < 0)
			return para_error_set(PARA_ERROR,
					      "cannot hash '%s'", full);
	} else if (!S_ISREG(st.st_mode)) {
		return 0;
	} else if (git_odb_hashfile(&oid, full, GIT_OBJECT_BLOB) < 0) {
		return para_error_set(PARA_ERROR, "cannot hash '%s'", full);
	}
	git_oid_tostr(hash, 41, &oid);
	return 0;
}

static struct para_provision_entry *push(struct para_provision *p,
					 const char *path,
					 enum para_provision_how how)
{
	struct para_provision_entry *e;

	p->v = para_grow(p->v, &p->alloc, p->nr + 1, sizeof(*p->v));
	e = &p->v[p->nr++];
	e->path = para_strdup(path);
	e->how = how;
	e->hash[0] = '\0';
	return e;
}

int para_provision_add(struct para_provision *p, const char *worktree,
		       const char *path, enum para_provision_how how)
{
	struct para_provision_entry *e;
	size_t len = strlen(path);
	char *full;
	int error;

	if (!len || strchr(path, '\n'))
		return para_error_set(PARA_EINVALID,
				      "cannot record provisioned path '%s'",
				      path);
	if (find(p, path) >= 0)
		return 0;
	e = push(p, path, how);
	if (path[len - 1] == '/')
		return 0;
	full = para_xstrfmt("%s/%s", worktree, path);
	error = para_provision_hash(e->hash, full);
	free(full);
	return error;
}

/* Splits `git status -z` output into the lists of untracked/ignored and
 * modified tracked paths. */
static void parse_status(struct para_strvec *out, struct para_strvec *modified,
			 const struct para_strbuf *sb)
{
	size_t at = 0;

	while (at + 3 < sb->len) {
		const char *rec = sb->buf + at;
		size_t len = strlen(rec);

		at += len + 1;
		if (len < 4)
			continue;
		if ((rec[0] == '?' && rec[1] == '?') ||
		    (rec[0] == '!' && rec[1] == '!'))
			para_strvec_push(out, rec + 3);
		else if (modified)
			para_strvec_push(modified, rec + 3);
		if (rec[0] == 'R' || rec[0] == 'C')
			at += strlen(sb->buf + at) + 1;	/* the old name */
	}
}

static int cmp_str(const void *a, const void *b)
{
	return strcmp(*(char *const *)a, *(char *const *)b);
}

int para_provision_scan(struct para_strvec *out, struct para_strvec *modified,
			const char *worktree)
{
	struct para_strbuf sb = PARA_STRBUF_INIT, err = PARA_STRBUF_INIT;
	int status, error = 0;

	status = para_git(&sb, &err, worktree, "status", "--porcelain=v1",
			  "-z", "--untracked-files=normal", "--ignored=matching",
			  NULL);
	if (status)
		error = para_error_set(PARA_ERROR,
				       "cannot list the files of '%s': %s",
				       worktree, err.len ? err.buf : "git status failed");
	else
		parse_status(out, modified, &sb);
	if (out->nr)
		qsort(out->v, out->nr, sizeof(*out->v), cmp_str);
	para_strbuf_dispose(&sb);
	para_strbuf_dispose(&err);
	return error;
}

static char *record_path(const struct para_repo *repo, const char *name,
			 const char *suffix)
{
	return para_state_provision_path(repo, name, suffix);
}

/* A path as an anchored gitignore pattern that matches only itself. */
static void add_pattern(struct para_strbuf *sb, const char *path)
{
	const char *p;

	para_strbuf_addch(sb, '/');
	for (p = path; *p; p++) {
		if (strchr("\\*?[", *p) || (*p == ' ' && !p[1]))
			para_strbuf_addch(sb, '\\');
		para_strbuf_addch(sb, *p);
	}
	para_strbuf_addch(sb, '\n');
}

/* The file the user's core.excludesFile names (or git's default one). */
static char *user_excludes(struct para_repo *repo)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");

	if (!para_git(&out, NULL, para_repo_git_cwd(repo), "config", "--path",
		      "core.excludesFile", NULL) && out.len) {
		para_strbuf_rtrim(&out);
		return para_strbuf_detach(&out);
	}
	para_strbuf_dispose(&out);
	if (xdg && *xdg)
		return para_xstrfmt("%s/git/ignore", xdg);
	return home && *home ? para_xstrfmt("%s/.config/git/ignore", home)
			     : NULL;
}

static void format_excludes(struct para_strbuf *sb, struct para_repo *repo,
			    const struct para_provision *p)
{
	char *mine = user_excludes(repo);
	size_t i;

	if (mine && para_strbuf_read_file(sb, mine) == 0 && sb->len &&
	    sb->buf[sb->len - 1] != '\n')
		para_strbuf_addch(sb, '\n');
	para_error_clear();
	free(mine);
	para_strbuf_addstr(sb, "# provisioned by git-para: not the task's work\n");
	for (i = 0; i < p->nr; i++)
		add_pattern(sb, p->v[i].path);
}

static void format_record(struct para_strbuf *sb, const struct para_provision *p)
{
	size_t i;

	for (i = 0; i < p->nr; i++)
		para_strbuf_addf(sb, "%s %s %s\n",
				 para_provision_how_name(p->v[i].how),
				 p->v[i].hash[0] ? p->v[i].hash : "-",
				 p->v[i].path);
}

static int hide(struct para_repo *repo, const char *worktree,
		const char *exclude)
{
	struct para_strbuf err = PARA_STRBUF_INIT;
	int error = 0;

	if (para_git(NULL, &err, para_repo_git_cwd(repo), "config",
		     "extensions.worktreeConfig", "true", NULL) ||
	    para_git(NULL, &err, worktree, "config", "--worktree",
		     "core.excludesFile", exclude, NULL))
		error = para_error_set(PARA_ERROR,
			"cannot hide provisioned files in '%s': %s", worktree,
			err.len ? err.buf : "git config failed");
	para_strbuf_dispose(&err);
	return error;
}

int para_provision_save(struct para_repo *repo, const char *name,
			const char *worktree, const struct para_provision *p)
{
	struct para_strbuf rec = PARA_STRBUF_INIT, exc = PARA_STRBUF_INIT;
	char *rec_path = record_path(repo, name, "");
	char *exc_path = record_path(repo, name, ".exclude");
	char *dir = para_state_provision_path(repo, NULL, NULL);
	int error;

	format_record(&rec, p);
	format_excludes(&exc, repo, p);
	if ((error = para_mkdir_p(dir)) < 0 ||
	    (error = para_write_file_atomic(rec_path, rec.buf, rec.len)) < 0 ||
	    (error = para_write_file_atomic(exc_path, exc.buf, exc.len)) < 0)
		goto out;
	error = hide(repo, worktree, exc_path);
out:
	free(dir);
	free(rec_path);
	free(exc_path);
	para_strbuf_dispose(&rec);
	para_strbuf_dispose(&exc);
	return error;
}

static int parse_line(struct para_provision *out, const char *line)
{
	const char *sp1 = strchr(line, ' '), *sp2;
	struct para_provision_entry *e;
	enum para_provision_how how;

	if (!sp1 || !(sp2 = strchr(sp1 + 1, ' ')) || !sp2[1])
		return -1;
	if (!strncmp(line, "copy ", 5))
		how = PARA_PROVISION_COPY;
	else if (!strncmp(line, "setup ", 6))
		how = PARA_PROVISION_SETUP;
	else if (!strncmp(line, "link ", 5))
		how = PARA_PROVISION_LINK;
	else
		return -1;
	if (sp2 - sp1 - 1 != 40 && !(sp2 - sp1 == 2 && sp1[1] == '-'))
		return -1;
	e = push(out, sp2 + 1, how);
	if (sp1[1] != '-')
		memcpy(e->hash, sp1 + 1, 40), e->hash[40] = '\0';
	return 0;
}

int para_provision_load(struct para_provision *out,
			const struct para_repo *repo, const char *name)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	struct para_strvec lines = PARA_STRVEC_INIT;
	char *path = record_path(repo, name, "");
	size_t i;
	int error = 0;

	if (access(path, F_OK) < 0 && errno == ENOENT)
		goto out;
	if ((error = para_strbuf_read_file(&sb, path)) < 0)
		goto out;
	para_strvec_split_lines(&lines, sb.buf);
	for (i = 0; i < lines.nr && !error; i++)
		if (parse_line(out, lines.v[i]) < 0)
			error = para_error_set(PARA_ECORRUPT,
				"damaged provision record '%s', line %zu",
				path, i + 1);
out:
	para_strvec_dispose(&lines);
	para_strbuf_dispose(&sb);
	free(path);
	return error;
}

void para_provision_remove(const struct para_repo *repo, const char *name)
{
	char *rec = record_path(repo, name, "");
	char *exc = record_path(repo, name, ".exclude");

	unlink(rec);
	unlink(exc);
	free(rec);
	free(exc);
}

int para_provision_changed(struct para_strvec *out,
			   const struct para_provision *p, const char *worktree)
{
	size_t i;
	int error = 0;

	for (i = 0; i < p->nr && !error; i++) {
		char now[41], *full;

		if (!p->v[i].hash[0])
			continue;
		full = para_xstrfmt("%s/%s", worktree, p->v[i].path);
		error = para_provision_hash(now, full);
		free(full);
		if (!error && now[0] && strcmp(now, p->v[i].hash))
			para_strvec_push(out, p->v[i].path);
	}
	return error;
}

int para_provision_covers(const struct para_provision *p, const char *path)
{
	size_t i, len;

	for (i = 0; i < p->nr; i++) {
		const char *e = p->v[i].path;

		len = strlen(e);
		if (!strcmp(e, path) ||
		    (e[len - 1] == '/' && !strncmp(e, path, len)))
			return 1;
	}
	return 0;
}

const struct para_provision_entry *para_provision_find(
	const struct para_provision *p, const char *path)
{
	int i = find(p, path);

	return i < 0 ? NULL : &p->v[i];
}

int para_provision_update(struct para_provision *p, const char *worktree,
			  const char *path, enum para_provision_how how)
{
	int i = find(p, path);
	char *full;
	int error;

	if (i < 0)
		return para_provision_add(p, worktree, path, how);
	p->v[i].how = how;
	if (path[strlen(path) - 1] == '/')
		return 0;
	full = para_xstrfmt("%s/%s", worktree, path);
	error = para_provision_hash(p->v[i].hash, full);
	free(full);
	return error;
}
