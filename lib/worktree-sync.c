#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "error.h"
#include "strbuf.h"
#include "worktree-sync.h"

void para_sync_dispose(struct para_sync *s)
{
	size_t i;

	for (i = 0; i < s->nr; i++)
		free(s->v[i].path);
	free(s->v);
	s->v = NULL;
	s->nr = s->alloc = 0;
}

static void push(struct para_sync *s, const char *path,
		 enum para_sync_action action, int link)
{
	s->v = para_grow(s->v, &s->alloc, s->nr + 1, sizeof(*s->v));
	s->v[s->nr].path = para_strdup(path);
	s->v[s->nr].action = action;
	s->v[s->nr++].link = link;
}

/* The blob ids of `path` in the main worktree and in the task's. */
static int hashes(char main_hash[41], char here[41], const char *top,
		  const char *worktree, const char *path)
{
	char *a = para_xstrfmt("%s/%s", top, path);
	char *b = para_xstrfmt("%s/%s", worktree, path);
	int error = para_provision_hash(main_hash, a);

	if (!error)
		error = para_provision_hash(here, b);
	free(a);
	free(b);
	return error;
}

/* 1 if <worktree>/<path> is a link to <top>/<path>. */
static int links_to(const char *worktree, const char *top, const char *path)
{
	char *at = para_xstrfmt("%s/%s", worktree, path);
	char *target = para_xstrfmt("%s/%s", top, path);
	char now[4096];
	ssize_t n = readlink(at, now, sizeof(now) - 1);
	int ok = n >= 0 && (size_t)n == strlen(target) &&
		 !memcmp(now, target, (size_t)n);

	free(at);
	free(target);
	return ok;
}

static int plan_one(struct para_sync *out, const struct para_provision *p,
		    const char *top, const char *worktree, const char *path,
		    int link)
{
	const struct para_provision_entry *e = para_provision_find(p, path);
	char *full = para_xstrfmt("%s/%s", worktree, path);
	char main_hash[41], here[41];
	struct stat st;
	int present = lstat(full, &st) == 0, error = 0;

	free(full);
	if (!present) {
		push(out, path, link ? PARA_SYNC_LINK : PARA_SYNC_COPY, link);
		return 0;
	}
	if (path[strlen(path) - 1] == '/')
		return 0;	/* a directory: kept as it is */
	if (link) {
		if (!links_to(worktree, top, path))
			push(out, path, e ? PARA_SYNC_CHANGED :
			     PARA_SYNC_FOREIGN, link);
		return 0;
	}
	if ((error = hashes(main_hash, here, top, worktree, path)) < 0)
		return error;
	if (!strcmp(main_hash, here))
		return 0;	/* up to date */
	if (!e)
		push(out, path, PARA_SYNC_FOREIGN, link);
	else if (strcmp(e->hash, here))
		push(out, path, PARA_SYNC_CHANGED, link);
	else
		push(out, path, PARA_SYNC_UPDATE, link);
	return 0;
}

int para_sync_plan(struct para_sync *out, const struct para_include *inc,
		   const struct para_provision *p, const char *top,
		   const char *worktree)
{
	size_t i;
	int error = 0;

	for (i = 0; i < inc->copy.nr && !error; i++)
		error = plan_one(out, p, top, worktree, inc->copy.v[i], 0);
	for (i = 0; i < inc->link.nr && !error; i++)
		error = plan_one(out, p, top, worktree, inc->link.v[i], 1);
	return error;
}

int para_sync_apply(struct para_provision *p, const struct para_sync *s,
		    const struct para_include *inc, const char *top,
		    const char *worktree)
{
	size_t i;
	int error = 0;

	for (i = 0; i < s->nr && !error; i++) {
		const struct para_sync_item *it = &s->v[i];

		if (it->action == PARA_SYNC_CHANGED ||
		    it->action == PARA_SYNC_FOREIGN)
			continue;
		if (it->action == PARA_SYNC_UPDATE && !it->link) {
			char *full = para_xstrfmt("%s/%s", worktree, it->path);

			/* a fresh file: never write through a hard link */
			unlink(full);
			free(full);
		}
		if ((error = para_include_apply(p, inc, top, worktree,
						it->path, it->link)) == 0)
			error = para_provision_update(p, worktree, it->path,
				it->link ? PARA_PROVISION_LINK :
				PARA_PROVISION_COPY);
	}
	return error;
}

const char *para_sync_action_name(enum para_sync_action action)
{
	switch (action) {
	case PARA_SYNC_COPY: return "copied";
	case PARA_SYNC_UPDATE: return "updated";
	case PARA_SYNC_LINK: return "linked";
	case PARA_SYNC_CHANGED: return "kept (the task changed it)";
	case PARA_SYNC_FOREIGN: return "kept (not put there by git-para)";
	}
	return "?";
}
