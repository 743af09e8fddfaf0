#include <errno.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "error.h"
#include "fs.h"
#include "strbuf.h"
#include "worktree-include.h"

void para_include_dispose(struct para_include *inc)
{
	para_strvec_dispose(&inc->copy);
	para_strvec_dispose(&inc->link);
}

/* Splits NUL-terminated records into `out`. */
static void split_z(struct para_strvec *out, const struct para_strbuf *sb)
{
	size_t pos;

	for (pos = 0; pos < sb->len; pos += strlen(sb->buf + pos) + 1)
		if (sb->buf[pos])
			para_strvec_push(out, sb->buf + pos);
}

/* 1 if `path` is `dir` (ending in '/') or lies under it. */
static int under(const char *path, const char *dir)
{
	size_t len = strlen(dir);

	return len && dir[len - 1] == '/' && !strncmp(path, dir, len);
}

/* 1 if `path` is or lies under one of `paths` (directories or links). */
static int covered(const struct para_strvec *paths, const char *path)
{
	size_t i, len;

	for (i = 0; i < paths->nr; i++) {
		len = strlen(paths->v[i]);
		if (!strcmp(path, paths->v[i]) || under(path, paths->v[i]) ||
		    (!strncmp(path, paths->v[i], len) && path[len] == '/'))
			return 1;
	}
	return 0;
}

/* The untracked files para.copy's domain patterns name. */
static int from_copy(struct para_strvec *out, const char *top,
		     struct para_config *config, struct para_strvec *warnings)
{
	struct para_strvec patterns = PARA_STRVEC_INIT, files = PARA_STRVEC_INIT;
	struct para_strbuf sb = PARA_STRBUF_INIT;
	struct para_domain *all = NULL, *one = NULL;
	size_t i, j;
	int error, hit;

	if ((error = para_config_get_all(&patterns, config, "para.copy")) < 0 ||
	    !patterns.nr)
		goto out;
	if ((error = para_domain_new(&all, (const char *const *)patterns.v,
				     patterns.nr)) < 0) {
		error = para_error_set(error, "bad para.copy: %s",
				       para_error_last());
		goto out;
	}
	if (para_git(&sb, NULL, top, "ls-files", "-z", "--others", NULL)) {
		error = para_error_set(PARA_ERROR, "cannot list the untracked "
				       "files of '%s'", top);
		goto out;
	}
	split_z(&files, &sb);
	for (i = 0; i < files.nr; i++)
		if (para_domain_covers(all, files.v[i]) > 0)
			para_strvec_push(out, files.v[i]);
	for (i = 0; i < patterns.nr; i++) {
		if (para_domain_new(&one, (const char *const *)&patterns.v[i],
				    1) < 0)
			continue;
		for (j = 0, hit = 0; j < files.nr && !hit; j++)
			hit = para_domain_covers(one, files.v[j]) > 0;
		if (!hit)
			para_strvec_pushf(warnings, "para.copy pattern '%s' "
					  "matches no untracked file of '%s'",
					  patterns.v[i], top);
		para_domain_free(one);
		one = NULL;
	}
out:
	para_domain_free(all);
	para_strvec_dispose(&files);
	para_strvec_dispose(&patterns);
	para_strbuf_dispose(&sb);
	return error;
}

/*
 * The untracked files and wholly included directories ("dir/") that
 * .worktreeinclude names: git's own reading of gitignore syntax.
 */
static int from_include_file(struct para_strvec *out, const char *top)
{
	struct para_strbuf sb = PARA_STRBUF_INIT, err = PARA_STRBUF_INIT;
	char *file = para_xstrfmt("%s/.worktreeinclude", top);
	char *opt = para_xstrfmt("--exclude-from=%s", file);
	int error = 0;

	if (access(file, F_OK) < 0)
		goto out;
	if (para_git(&sb, &err, top, "ls-files", "-z", "--others",
		     "--ignored", "--directory", opt, NULL)) {
		para_strbuf_rtrim(&err);
		error = para_error_set(PARA_ERROR, "cannot read '%s': %s",
				       file, err.len ? err.buf : "git failed");
		goto out;
	}
	split_z(out, &sb);
out:
	para_strbuf_dispose(&sb);
	para_strbuf_dispose(&err);
	free(opt);
	free(file);
	return error;
}

int para_include_links(struct para_strvec *out, struct para_config *config)
{
	struct para_strvec raw = PARA_STRVEC_INIT;
	size_t i;
	char *p;
	int error;

	if ((error = para_config_get_all(&raw, config, "para.symlink")) < 0)
		goto out;
	for (i = 0; i < raw.nr && !error; i++) {
		p = para_pattern_normalize(raw.v[i]);
		if (!p || strpbrk(p, "*?["))
			error = para_error_set(PARA_EINVALID, "bad para.symlink "
					       "'%s': a path relative to the "
					       "top of the repository",
					       raw.v[i]);
		else if (!para_strvec_contains(out, p))
			para_strvec_push(out, p);
		free(p);
	}
out:
	para_strvec_dispose(&raw);
	return error;
}

/* The para.symlink paths the main worktree has, untracked. */
static int from_links(struct para_strvec *out, const char *top,
		      struct para_config *config, struct para_strvec *warnings)
{
	struct para_strvec links = PARA_STRVEC_INIT;
	struct para_strbuf sb = PARA_STRBUF_INIT;
	struct stat st;
	size_t i;
	char *full;
	int error;

	if ((error = para_include_links(&links, config)) < 0)
		goto out;
	for (i = 0; i < links.nr; i++) {
		full = para_xstrfmt("%s/%s", top, links.v[i]);
		para_strbuf_reset(&sb);
		if (lstat(full, &st) < 0)
			para_strvec_pushf(warnings, "para.symlink '%s' does not "
					  "exist in '%s'; not linked",
					  links.v[i], top);
		else if (para_git(&sb, NULL, top, "ls-files", "-z", "--",
				  links.v[i], NULL) || sb.len)
			para_strvec_pushf(warnings, "para.symlink '%s' holds "
					  "tracked files; not linked",
					  links.v[i]);
		else
			para_strvec_push(out, links.v[i]);
		free(full);
	}
out:
	para_strbuf_dispose(&sb);
	para_strvec_dispose(&links);
	return error;
}

/* 1 if `path` lies under a directory of `found` other than itself. */
static int in_other_dir(const struct para_strvec *found, const char *path)
{
	size_t i;

	for (i = 0; i < found->nr; i++)
		if (strcmp(found->v[i], path) && under(path, found->v[i]))
			return 1;
	return 0;
}

static int copy_mode(enum para_copy_mode *out, struct para_config *config)
{
	const char *mode = NULL;
	int error = para_config_get_string(&mode, config, "para.copyMode");

	if (error == PARA_ENOTFOUND)
		return 0;
	if (!error && para_copy_mode_parse(out, mode) < 0)
		error = para_error_set(PARA_EINVALID, "bad para.copyMode value "
				       "'%s' (reflink, hardlink or copy)", mode);
	return error;
}

int para_include_plan(struct para_include *out, struct para_repo *repo,
		      struct para_config *config, struct para_strvec *warnings)
{
	struct para_strvec found = PARA_STRVEC_INIT;
	const char *top = para_repo_top(repo);
	size_t i;
	int error;

	if (!top)
		return 0;
	if ((error = copy_mode(&out->mode, config)) < 0 ||
	    (error = from_links(&out->link, top, config, warnings)) < 0 ||
	    (error = from_include_file(&found, top)) < 0 ||
	    (error = from_copy(&found, top, config, warnings)) < 0)
		goto out;
	para_strvec_sort(&found);
	/* a link holds what is under it; a directory copy its files */
	for (i = 0; i < found.nr; i++)
		if (!covered(&out->link, found.v[i]) &&
		    !in_other_dir(&found, found.v[i]) &&
		    !para_strvec_contains(&out->copy, found.v[i]))
			para_strvec_push(&out->copy, found.v[i]);
out:
	para_strvec_dispose(&found);
	return error;
}

int para_include_check_domain(const struct para_strvec *links,
			      const struct para_domain *domain,
			      const char *task)
{
	struct para_domain *one = NULL;
	char *example = NULL;
	size_t i, ia, ib;
	int error = 0, r;

	for (i = 0; domain && i < links->nr && !error; i++) {
		if ((error = para_domain_new(&one,
			(const char *const *)&links->v[i], 1)) < 0)
			break;
		r = para_domain_overlap(&example, &ia, &ib, one, domain);
		if (r > 0)
			error = para_error_set(PARA_EINVALID, "para.symlink '%s' "
				"is inside the domain of task '%s' ('%s' covers "
				"'%s'): the task's changes there would go to "
				"the main worktree", links->v[i], task,
				para_domain_pattern(domain, ib), example);
		else if (r < 0)
			error = r;
		free(example);
		example = NULL;
		para_domain_free(one);
		one = NULL;
	}
	return error;
}

/* <worktree>/<path> -> <top>/<path>, an absolute link. */
static int make_link(const char *top, const char *worktree, const char *path)
{
	char *target = para_xstrfmt("%s/%s", top, path);
	char *at = para_xstrfmt("%s/%s", worktree, path);
	char *slash = strrchr(at, '/');
	char now[4096];
	ssize_t n;
	int error = 0;

	*slash = '\0';
	error = para_mkdir_p(at);
	*slash = '/';
	if (error < 0)
		goto out;
	n = readlink(at, now, sizeof(now) - 1);
	if (n >= 0 && (size_t)n == strlen(target) && !memcmp(now, target, n))
		goto out;	/* linked already */
	if (n >= 0)
		unlink(at);
	if (symlink(target, at) < 0)
		error = para_error_errno(PARA_ERROR, "cannot link '%s' to '%s'",
					 at, target);
out:
	free(target);
	free(at);
	return error;
}

int para_include_apply(struct para_provision *p, const struct para_include *inc,
		       const char *top, const char *worktree, const char *path,
		       int link)
{
	int error;

	if (link)
		error = make_link(top, worktree, path);
	else
		error = para_copy_path(NULL, top, worktree, path, inc->mode);
	if (!error)
		error = para_provision_add(p, worktree, path, link ?
					   PARA_PROVISION_LINK :
					   PARA_PROVISION_COPY);
	return error;
}
