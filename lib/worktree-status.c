#include <errno.h>
#include <stdint.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "clean-check.h"
#include "clean-index.h"
#include "command.h"
#include "error.h"
#include "fs.h"
#include "parallel.h"
#include "strbuf.h"
#include "worktree-status.h"
#include <git2/sys/repository.h>

static void counts_zero(struct para_worktree_counts *c)
{
	c->dirty = c->staged = c->unstaged = c->untracked = c->conflicted = 0;
}

static void count_entry(struct para_worktree_counts *c, unsigned int st)
{
	const unsigned int staged = GIT_STATUS_INDEX_NEW |
		GIT_STATUS_INDEX_MODIFIED | GIT_STATUS_INDEX_DELETED |
		GIT_STATUS_INDEX_RENAMED | GIT_STATUS_INDEX_TYPECHANGE;
	const unsigned int unstaged = GIT_STATUS_WT_MODIFIED |
		GIT_STATUS_WT_DELETED | GIT_STATUS_WT_TYPECHANGE |
		GIT_STATUS_WT_RENAMED;

	if (st == GIT_STATUS_CURRENT || (st & GIT_STATUS_IGNORED))
		return;
	c->dirty++;
	if (st & GIT_STATUS_CONFLICTED)
		c->conflicted++;
	else if (st & GIT_STATUS_WT_NEW)
		c->untracked++;
	else {
		if (st & staged)
			c->staged++;
		if (st & unstaged)
			c->unstaged++;
	}
}

/*
 * libgit2 reads no config.worktree, so a core.excludesFile set for one
 * worktree alone (git-para hides the files it provisioned that way) is
 * given to it as in-memory rules: the worktree's git dir is the index
 * file's directory.  The rules of a shared repository are reset first.
 */
static void worktree_excludes(git_repository *repo, const char *index_path)
{
	const char *slash = strrchr(index_path, '/');
	char *path = slash ? para_xstrfmt("%.*s/config.worktree",
					  (int)(slash - index_path),
					  index_path) : NULL;
	git_config *cfg = NULL;
	git_buf file = GIT_BUF_INIT;
	struct para_strbuf rules = PARA_STRBUF_INIT;

	git_ignore_clear_internal_rules(repo);
	if (!path || access(path, F_OK) < 0 ||
	    git_config_open_ondisk(&cfg, path) < 0 ||
	    git_config_get_path(&file, cfg, "core.excludesFile") < 0 ||
	    para_strbuf_read_file(&rules, file.ptr) < 0)
		goto out;
	git_ignore_add_rule(repo, rules.buf);
out:
	para_error_clear();
	para_strbuf_dispose(&rules);
	git_buf_dispose(&file);
	git_config_free(cfg);
	free(path);
}

/*
 * Points the shared `repo` at `worktree`.  libgit2 1.5 leaks a path when
 * asked for the workdir it has already, so that is never asked.  The
 * paths of tasks' worktrees are recorded resolved, so telling them
 * apart needs no system call: only their `..` are taken out.
 */
static int retarget(git_repository *repo, const char *worktree)
{
	const char *now = git_repository_workdir(repo);
	char *path = worktree[0] == '/' ? para_path_normalize(worktree) : NULL;
	size_t len = path ? strlen(path) : 0;
	int same = now && path && !strncmp(now, path, len) &&
		   (!strcmp(now + len, "/") || (len && path[len - 1] == '/' &&
						!now[len]));

	free(path);
	return same ? 0 : git_repository_set_workdir(repo, worktree, 0);
}

/*
 * Way 2: libgit2's status of a small worktree, its index read only;
 * 1 for a large one.
 */
static int count_libgit2(struct para_worktree_counts *out,
			 git_repository *repo,
			 const struct para_worktree_look *look)
{
	git_status_options sopts;
	git_status_list *list = NULL;
	git_index *index = NULL;
	size_t i, n;
	long entries = para_index_entry_count(look->index_path);
	int error = -1;

	if (entries > PARA_WORKTREE_SMALL_ENTRIES)
		return 1;
	if (entries < 0 || git_index_open(&index, look->index_path) < 0 ||
	    (look->retarget && retarget(repo, look->worktree) < 0) ||
	    git_repository_set_index(repo, index) < 0)
		goto out;
	worktree_excludes(repo, look->index_path);
	git_status_options_init(&sopts, GIT_STATUS_OPTIONS_VERSION);
	sopts.show = GIT_STATUS_SHOW_INDEX_AND_WORKDIR;
	sopts.flags = GIT_STATUS_OPT_INCLUDE_UNTRACKED;
	sopts.baseline = (git_tree *)look->head;
	if (git_status_list_new(&list, repo, &sopts) < 0)
		goto out;
	n = git_status_list_entrycount(list);
	for (i = 0; i < n; i++) {
		const git_status_entry *e = git_status_byindex(list, i);
		const git_diff_delta *d = e->index_to_workdir ?
			e->index_to_workdir : e->head_to_index;

		count_entry(out, e->status);
		if (look->paths && d && e->status != GIT_STATUS_CURRENT &&
		    !(e->status & GIT_STATUS_IGNORED))
			para_strvec_push(look->paths, d->new_file.path ?
					 d->new_file.path : d->old_file.path);
	}
	error = 0;
out:
	git_status_list_free(list);
	git_index_free(index);
	return error;
}

int para_worktree_count(struct para_worktree_counts *out, git_repository *repo,
			const struct para_worktree_look *look)
{
	struct para_worktree_counts unknown = PARA_WORKTREE_COUNTS_UNKNOWN;
	int error = -1;

	counts_zero(out);
	if (!repo || look->via == PARA_WORKTREE_VIA_GIT)
		goto out;
	if (look->via == PARA_WORKTREE_VIA_AUTO &&
	    para_worktree_proven_clean(look->worktree, look->index_path,
				       git_tree_id(look->head)->id,
				       PARA_WORKTREE_SMALL_ENTRIES,
				       look->hash_racy, look->racy_cache,
				       look->usage)) {
		error = 0;
		goto out;
	}
	error = count_libgit2(out, repo, look);
	if (error > 0 && look->via != PARA_WORKTREE_VIA_AUTO)
		error = -1;
out:
	if (error)
		*out = unknown;
	git_error_clear();
	return error;
}

static void prove_large(size_t i, void *data)
{
	struct para_worktree_large *l = (struct para_worktree_large *)data + i;

	l->clean = para_worktree_proven_clean(l->worktree, l->index_path,
					      l->tree, INT32_MAX,
					      l->hash_racy, l->racy_cache,
					      NULL);
	para_error_clear();
}

void para_worktree_prove_large(struct para_worktree_large *v, size_t nr,
			       unsigned threads)
{
	para_parallel_each(nr, threads, prove_large, v);
}

void para_worktree_large_dispose(struct para_worktree_large *l)
{
	free(l->index_path);
	free(l->racy_cache);
	l->index_path = l->racy_cache = NULL;
}

char *para_worktree_gitdir(const char *worktree)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *path = para_xstrfmt("%s/.git", worktree), *gitdir = NULL;

	if (para_read_small(&sb, path) < 0) {
		if (errno == EISDIR) {
			gitdir = path;
			path = NULL;
		}
		goto out;
	}
	if (strncmp(sb.buf, "gitdir: ", 8))
		goto out;
	if (sb.buf[8] == '/')
		gitdir = para_strdup(sb.buf + 8);
	else
		gitdir = para_xstrfmt("%s/%s", worktree, sb.buf + 8);
out:
	para_strbuf_dispose(&sb);
	free(path);
	return gitdir;
}


/*
 * A branch as git reads it first, its loose file in the common dir:
 * 0, or -1 where libgit2 must look (packed, symbolic, any other name).
 */
static int read_loose_branch(git_oid *oid, git_repository *shared,
			     const char *ref)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *path;
	int error = -1;

	if (strncmp(ref, "refs/heads/", 11) || strstr(ref, "/.") ||
	    strstr(ref, "//"))
		return -1;
	path = para_xstrfmt("%s%s", git_repository_commondir(shared), ref);
	if (!para_read_small(&sb, path) && sb.len == GIT_OID_HEXSZ)
		error = git_oid_fromstrn(oid, sb.buf, GIT_OID_HEXSZ);
	para_strbuf_dispose(&sb);
	free(path);
	return error < 0 ? -1 : 0;
}

int para_worktree_head_tree(git_tree **out, git_repository *shared,
			    const char *ref, const char *commit)
{
	git_commit *c = NULL;
	git_oid oid;
	int error;

	if (commit)
		error = git_oid_fromstr(&oid, commit);
	else if (ref)
		error = read_loose_branch(&oid, shared, ref) < 0 ?
			git_reference_name_to_id(&oid, shared, ref) : 0;
	else
		return -1;
	if (error < 0 || git_commit_lookup(&c, shared, &oid) < 0)
		return -1;
	error = git_commit_tree(out, c);
	git_commit_free(c);
	return error;
}

/*
 * The tree of a linked worktree's HEAD, and its index, found through
 * the shared repository: its git dir and HEAD read as files, no
 * repository of its own opened.  0, or -1 to open it after all.
 */
static int look_through(git_tree **tree, char **index_path,
			git_repository *shared, const char *worktree)
{
	struct para_strbuf head = PARA_STRBUF_INIT;
	char *gitdir = para_worktree_gitdir(worktree), *path = NULL;
	size_t len = strlen(worktree);
	int error = -1;

	/* a .git directory is a repository of its own, with refs apart */
	if (!gitdir || (!strncmp(gitdir, worktree, len) &&
			!strcmp(gitdir + len, "/.git")))
		goto out;
	path = para_xstrfmt("%s/HEAD", gitdir);
	if (para_read_small(&head, path) < 0)
		goto out;
	if (!strncmp(head.buf, "ref: ", 5))
		error = para_worktree_head_tree(tree, shared, head.buf + 5,
						NULL);
	else if (head.len == GIT_OID_HEXSZ)
		error = para_worktree_head_tree(tree, shared, NULL, head.buf);
	if (!error)
		*index_path = para_xstrfmt("%s/index", gitdir);
out:
	para_strbuf_dispose(&head);
	free(path);
	free(gitdir);
	return error;
}

int para_worktree_clean_in_process(const char *worktree,
				   const struct para_worktree_proof *proof,
				   long long *usage)
{
	struct para_worktree_counts counts;
	struct para_worktree_look look;
	git_repository *repo = NULL, *shared = proof ? proof->shared : NULL;
	git_object *tree = NULL;
	char *index_path = NULL;
	int clean = 0;

	memset(&look, 0, sizeof(look));
	look.usage = usage;
	if (usage)
		*usage = -1;
	if (shared && !look_through((git_tree **)&tree, &index_path, shared,
				    worktree)) {
		look.retarget = 1;
	} else {
		shared = NULL;
		if (git_repository_open_ext(&repo, worktree,
					    GIT_REPOSITORY_OPEN_NO_SEARCH,
					    NULL) < 0 ||
		    git_revparse_single(&tree, repo, "HEAD^{tree}") < 0)
			goto out;
		index_path = para_xstrfmt("%s/index",
					  git_repository_path(repo));
	}
	look.worktree = worktree;
	look.index_path = index_path;
	look.head = (const git_tree *)tree;
	if (proof) {
		look.hash_racy = proof->hash_racy;
		look.racy_cache = proof->racy_cache;
	}
	clean = para_worktree_count(&counts, shared ? shared : repo,
				    &look) == 0 && counts.dirty == 0;
out:
	git_error_clear();
	free(index_path);
	git_object_free(tree);
	git_repository_free(repo);
	return clean;
}

void para_worktree_status_args(struct para_strvec *args, const char *worktree)
{
	para_strvec_push(args, "-C");
	para_strvec_push(args, worktree);
	para_strvec_push(args, "status");
	para_strvec_push(args, "--porcelain");
	para_strvec_push(args, "-z");
	para_strvec_push(args, "--no-renames");
}

int para_worktree_is_dirty(const char *worktree,
			   const struct para_worktree_proof *proof)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf out = PARA_STRBUF_INIT;
	int status, dirty;

	if (para_worktree_clean_in_process(worktree, proof, NULL))
		return 0;
	cmd.git = 1;
	cmd.stdin_null = 1;
	cmd.out = &out;
	para_worktree_status_args(&cmd.args, worktree);
	para_strvec_push(&cmd.args, "--untracked-files=all");
	status = para_command_run(&cmd);
	dirty = status != 0 || out.len > 0;
	para_strbuf_dispose(&out);
	return dirty;
}

void para_worktree_paths_parse(struct para_strvec *out,
			       const struct para_strbuf *porcelain)
{
	const char *p = porcelain->buf, *end = porcelain->buf + porcelain->len;

	while (p < end) {
		size_t len = strlen(p);

		if (len > 3)
			para_strvec_push(out, p + 3);
		p += len + 1;
	}
}

void para_worktree_counts_parse(struct para_worktree_counts *c,
				const struct para_strbuf *porcelain)
{
	const char *p = porcelain->buf, *end = porcelain->buf + porcelain->len;

	counts_zero(c);
	while (p < end) {
		size_t len = strlen(p);

		if (len >= 3) {
			char x = p[0], y = p[1];

			c->dirty++;
			if (x == '?')
				c->untracked++;
			else if (x == 'U' || y == 'U' ||
				 (x == 'A' && y == 'A') || (x == 'D' && y == 'D'))
				c->conflicted++;
			else {
				if (x != ' ')
					c->staged++;
				if (y != ' ')
					c->unstaged++;
			}
		}
		p += len + 1;
	}
}

/* An attributes file of the user's (XDG or ~/.config) exists. */
static int user_attributes(void)
{
	const char *xdg = getenv("XDG_CONFIG_HOME"), *home = getenv("HOME");
	char *path;
	int exists;

	if (!(home || (xdg && *xdg)))
		return 0;
	if (xdg && *xdg)
		path = para_xstrfmt("%s/git/attributes", xdg);
	else
		path = para_xstrfmt("%s/.config/git/attributes", home);
	exists = !access(path, F_OK);
	free(path);
	return exists;
}

/* .gitattributes files in a worktree are seen by the clean proof itself. */
int para_worktree_bytes_are_canonical(const char *commondir,
				      struct para_config *config)
{
	const char *value;
	char *path;
	int b, ok = 1;

	if (!config)
		return 0;
	if (!para_config_get_string(&value, config, "core.autocrlf") &&
	    (para_config_get_bool(&b, config, "core.autocrlf") < 0 || b))
		ok = 0;
	if (!para_config_get_string(&value, config, "core.attributesFile"))
		ok = 0;
	para_error_clear();
	if (user_attributes())
		ok = 0;
	path = para_xstrfmt("%s/info/attributes", commondir);
	if (!access(path, F_OK))
		ok = 0;
	free(path);
	return ok;
}

void para_worktree_proof_init(struct para_worktree_proof *out,
			      const char *commondir,
			      struct para_config *config)
{
	out->hash_racy = para_worktree_bytes_are_canonical(commondir, config);
	out->racy_cache = NULL;
	if (git_repository_open_ext(&out->shared, commondir,
				    GIT_REPOSITORY_OPEN_NO_SEARCH |
				    GIT_REPOSITORY_OPEN_BARE, NULL) < 0)
		out->shared = NULL;
	git_error_clear();
}

void para_worktree_proof_dispose(struct para_worktree_proof *proof)
{
	git_repository_free(proof->shared);
	proof->shared = NULL;
}
