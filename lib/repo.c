#include <errno.h>
#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "fs.h"
#include "error-git.h"
#include "repo.h"
#include "strbuf.h"

int para_lib_init(void)
{
	/*
	 * `git sparse-checkout` turns on extensions.worktreeConfig, which
	 * libgit2 1.5 refuses unless told it is fine: we only read
	 * through libgit2 and leave worktree config to the git CLI.
	 */
	static const char *extensions[] = { "worktreeconfig" };
	static int initialised;

	if (initialised)
		return 0;
	if (git_libgit2_init() < 0)
		return para_error_git(PARA_ERROR, "cannot initialise libgit2");
	if (git_libgit2_opts(GIT_OPT_SET_EXTENSIONS, extensions, 1) < 0)
		return para_error_git(PARA_ERROR, "cannot enable extensions");
	initialised = 1;
	return 0;
}

static char *strip_slash(const char *path)
{
	size_t len = strlen(path);

	while (len > 1 && path[len - 1] == '/')
		len--;
	return para_strndup(path, len);
}

static char *base_name(const char *path)
{
	const char *slash = strrchr(path, '/');

	return para_strdup(slash ? slash + 1 : path);
}

/* "project.git" (a bare repository) -> "project" */
static void strip_dot_git(char *name)
{
	size_t len = strlen(name);

	if (len > 4 && !strcmp(name + len - 4, ".git"))
		name[len - 4] = '\0';
}

static int find_main_workdir(struct para_repo *repo)
{
	git_repository *main = NULL;
	int error;

	if (!git_repository_is_worktree(repo->git)) {
		if (repo->workdir)
			repo->main_workdir = para_strdup(repo->workdir);
		return 0;
	}
	error = git_repository_open_ext(&main, repo->commondir,
					GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (error < 0)
		return para_error_git(PARA_ERROR, "cannot open '%s'",
				      repo->commondir);
	if (git_repository_workdir(main))
		repo->main_workdir = strip_slash(git_repository_workdir(main));
	git_repository_free(main);
	return 0;
}

static int same_dir(const char *a, const char *b)
{
	char *ra = a ? realpath(a, NULL) : NULL;
	char *rb = b ? realpath(b, NULL) : NULL;
	int same = ra && rb && !strcmp(ra, rb);

	free(ra);
	free(rb);
	return same;
}

/*
 * libgit2's GIT_REPOSITORY_OPEN_FROM_ENV refuses GIT_WORK_TREE, so that
 * case is done by hand: open GIT_DIR and set the working tree.
 */
static int open_from_env(git_repository **out)
{
	const char *git_dir = getenv("GIT_DIR");
	const char *work_tree = getenv("GIT_WORK_TREE");
	int error;

	if (!work_tree || !*work_tree)
		return git_repository_open_ext(out, NULL,
					       GIT_REPOSITORY_OPEN_FROM_ENV,
					       NULL);
	if (!git_dir || !*git_dir)
		error = git_repository_open_ext(out, ".", 0,
						getenv("GIT_CEILING_DIRECTORIES"));
	else
		error = git_repository_open_ext(out, git_dir,
				GIT_REPOSITORY_OPEN_NO_SEARCH, NULL);
	if (error < 0)
		return error;
	if (same_dir(git_repository_workdir(*out), work_tree))
		return 0;	/* libgit2 1.5 leaks when asked to set the same */
	error = git_repository_set_workdir(*out, work_tree, 0);
	if (error < 0) {
		git_repository_free(*out);
		*out = NULL;
	}
	return error;
}

const char *para_repo_top(const struct para_repo *repo)
{
	return repo->main_workdir;
}

const char *para_repo_workdir(const struct para_repo *repo)
{
	return repo->workdir;
}

char *para_repo_prefix(const struct para_repo *repo)
{
	char *cwd = realpath(".", NULL), *top = NULL, *prefix = NULL;
	size_t len;

	if (!cwd || !repo->workdir || !(top = realpath(repo->workdir, NULL)))
		goto out;
	len = strlen(top);
	if (!strncmp(cwd, top, len) && cwd[len] == '/')
		prefix = para_xstrfmt("%s/", cwd + len + 1);
out:
	free(cwd);
	free(top);
	return prefix ? prefix : para_strdup("");
}

const char *para_repo_commondir(const struct para_repo *repo)
{
	return repo->commondir;
}

const char *para_repo_state_dir(const struct para_repo *repo)
{
	return repo->state_dir;
}

const char *para_repo_git_cwd(const struct para_repo *repo)
{
	return repo->main_workdir ? repo->main_workdir : repo->commondir;
}

int para_repo_open(struct para_repo **out)
{
	struct para_repo *repo = para_calloc(1, sizeof(*repo));
	int error;

	*out = NULL;
	if ((error = para_lib_init()) < 0)
		goto out;
	error = open_from_env(&repo->git);
	if (error == GIT_ENOTFOUND) {
		error = para_error_set(PARA_ENOTFOUND,
			"not a git repository (or any of the parent directories)");
		goto out;
	} else if (error < 0) {
		error = para_error_git(PARA_ERROR, "cannot open repository");
		goto out;
	}
	repo->gitdir = strip_slash(git_repository_path(repo->git));
	repo->commondir = strip_slash(git_repository_commondir(repo->git));
	if (git_repository_workdir(repo->git))
		repo->workdir = strip_slash(git_repository_workdir(repo->git));
	if ((error = find_main_workdir(repo)) < 0)
		goto out;
	repo->name = base_name(para_repo_git_cwd(repo));
	if (!repo->main_workdir)
		strip_dot_git(repo->name);
	repo->state_dir = para_xstrfmt("%s/para", repo->commondir);
	*out = repo;
	repo = NULL;
out:
	para_repo_free(repo);
	return error;
}

void para_repo_free(struct para_repo *repo)
{
	if (!repo)
		return;
	git_repository_free(repo->git);
	free(repo->gitdir);
	free(repo->commondir);
	free(repo->workdir);
	free(repo->main_workdir);
	free(repo->name);
	free(repo->state_dir);
	free(repo);
}

int para_repo_resolve_commit(git_oid *out, struct para_repo *repo,
			     const char *rev)
{
	git_object *obj = NULL, *commit = NULL;
	int error = 0;

	if (git_revparse_single(&obj, repo->git, rev) < 0) {
		error = para_error_set(PARA_ENOTFOUND,
				       "not a valid revision: '%s'", rev);
		goto out;
	}
	if (git_object_peel(&commit, obj, GIT_OBJECT_COMMIT) < 0) {
		error = para_error_set(PARA_EINVALID,
				       "'%s' does not name a commit", rev);
		goto out;
	}
	if (out)
		git_oid_cpy(out, git_object_id(commit));
out:
	git_object_free(commit);
	git_object_free(obj);
	return error;
}

int para_repo_ref_exists(struct para_repo *repo, const char *refname)
{
	git_reference *ref = NULL;

	if (git_reference_lookup(&ref, repo->git, refname) < 0)
		return 0;
	git_reference_free(ref);
	return 1;
}

int para_repo_is_ancestor(struct para_repo *repo, const git_oid *a,
			  const git_oid *b)
{
	int ret;

	if (git_oid_equal(a, b))
		return 1;
	ret = git_graph_descendant_of(repo->git, b, a);
	if (ret < 0)
		return para_error_git(PARA_ERROR, "cannot compare commits");
	return ret;
}

int para_repo_state_path(char **out, struct para_repo *repo, const char *sub)
{
	char *path = sub && *sub ? para_xstrfmt("%s/%s", repo->state_dir, sub)
				 : para_strdup(repo->state_dir);
	int error = para_mkdir_p(path);

	if (error < 0) {
		free(path);
		*out = NULL;
		return error;
	}
	*out = path;
	return 0;
}

/*
 * libgit2 1.5 built with mbedTLS parses the system's whole CA bundle in
 * git_libgit2_init(), about 50 million instructions (10-15 ms) in every
 * process.  git-para never uses libgit2's network transports (fetch and
 * push go through the git CLI), so this definition, which the dynamic
 * linker prefers to mbedTLS's own, skips that work.
 */
struct mbedtls_x509_crt;
int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain,
				const char *path);

int mbedtls_x509_crt_parse_file(struct mbedtls_x509_crt *chain,
				const char *path)
{
	(void)chain;
	(void)path;
	return 0;
}
