#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

#include "collect-verify.h"
#include "duration.h"
#include "command.h"
#include "error-git.h"
#include "fs.h"
#include "lock.h"
#include "task-state.h"

/* Not a task name (those start with a letter or digit): no lock clash. */
#define VERIFY_LOCK ".verify"

void para_verify_dispose(struct para_verify *v)
{
	para_strbuf_dispose(&v->output);
	v->passed = v->cached = 0;
	v->status = -1;
}

int para_verify_lock(struct para_lock *lock, struct para_repo *repo)
{
	return para_state_lock(lock, repo, VERIFY_LOCK, PARA_LOCK_WAIT);
}

/* `<tree>-<hash of the command>`: the name of a result in the cache. */
static int cache_key(char **out, struct para_repo *repo, const char *commit,
		     const char *command)
{
	git_commit *c = NULL;
	git_oid oid, cmd;
	char tree[GIT_OID_HEXSZ + 1], hash[GIT_OID_HEXSZ + 1];
	int error;

	if ((error = git_oid_fromstr(&oid, commit)) < 0 ||
	    (error = git_commit_lookup(&c, repo->git, &oid)) < 0 ||
	    (error = git_odb_hash(&cmd, command, strlen(command),
				  GIT_OBJECT_BLOB)) < 0)
		return para_error_git(PARA_ERROR, "cannot read commit '%s'",
				      commit);
	git_oid_tostr(tree, sizeof(tree), git_commit_tree_id(c));
	git_oid_tostr(hash, sizeof(hash), &cmd);
	*out = para_xstrfmt("%s-%s", tree, hash);
	git_commit_free(c);
	return 0;
}

int para_verify_cached(struct para_verify *out, struct para_repo *repo,
		       const char *commit, const char *command)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *key = NULL, *path = NULL;
	int error;

	if ((error = cache_key(&key, repo, commit, command)) < 0)
		return error;
	path = para_state_verify_cache_path(repo, key);
	error = 0;
	if (para_strbuf_read_file(&sb, path) >= 0 &&
	    (!strncmp(sb.buf, "pass\n", 5) || !strncmp(sb.buf, "fail\n", 5))) {
		out->passed = sb.buf[0] == 'p';
		out->cached = 1;
		out->status = -1;
		para_strbuf_reset(&out->output);
		para_strbuf_addstr(&out->output, sb.buf + 5);
		error = 1;
	}
	para_strbuf_dispose(&sb);
	free(path);
	free(key);
	return error;
}

static int cache_store(struct para_repo *repo, const char *commit,
		       const char *command, const struct para_verify *v)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *key = NULL, *dir = para_state_verify_cache_path(repo, NULL);
	char *path = NULL;
	int error;

	if ((error = cache_key(&key, repo, commit, command)) < 0)
		goto out;
	path = para_state_verify_cache_path(repo, key);
	para_strbuf_addstr(&sb, v->passed ? "pass\n" : "fail\n");
	para_strbuf_add(&sb, v->output.buf, v->output.len);
	if ((error = para_mkdir_p(dir)) >= 0)
		error = para_write_file_atomic(path, sb.buf, sb.len);
out:
	para_strbuf_dispose(&sb);
	free(path);
	free(key);
	free(dir);
	return error;
}

static int git_failed(const char *what, struct para_strbuf *err)
{
	para_strbuf_rtrim(err);
	return para_error_set(PARA_ERROR, "%s failed%s%s", what,
			      err->len ? ": " : "", err->buf);
}

/* Creates the scratch worktree at `commit`. */
static int worktree_add(struct para_repo *repo, const char *path,
			const char *commit)
{
	struct para_strbuf err = PARA_STRBUF_INIT;
	int error = 0;

	if (para_remove_tree(path) < 0 ||
	    para_git(NULL, &err, repo->commondir, "worktree", "add", "-q",
		     "--force", "--detach", path, commit, NULL) != 0)
		error = git_failed("creating the verify worktree", &err);
	para_strbuf_dispose(&err);
	return error;
}

/*
 * The scratch worktree at `commit`: files the last candidate left that
 * git does not ignore go, ignored ones (build output) stay.
 */
static int worktree_prepare(struct para_repo *repo, const char *commit)
{
	struct para_strbuf err = PARA_STRBUF_INIT;
	char *path = para_state_verify_worktree_path(repo);
	char *dotgit = para_xstrfmt("%s/.git", path);
	struct stat st;
	int error = 0;

	if (stat(dotgit, &st) < 0 ||
	    para_git(NULL, &err, path, "checkout", "-q", "--detach", "--force",
		     commit, NULL) != 0) {
		error = worktree_add(repo, path, commit);
	}
	para_strbuf_reset(&err);
	if (!error && para_git(NULL, &err, path, "clean", "-q", "-ffd",
			       NULL) != 0)
		error = git_failed("cleaning the verify worktree", &err);
	para_strbuf_dispose(&err);
	free(dotgit);
	free(path);
	return error;
}

static int run_command(struct para_verify *out, struct para_repo *repo,
		       const char *commit, const char *command,
		       const struct para_strvec *tasks, long long timeout)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	char *path = para_state_verify_worktree_path(repo);
	struct para_strbuf names = PARA_STRBUF_INIT;
	size_t i;
	int status;

	for (i = 0; tasks && i < tasks->nr; i++)
		para_strbuf_addf(&names, "%s\n", tasks->v[i]);
	para_strvec_push(&cmd.args, "sh");
	para_strvec_push(&cmd.args, "-c");
	para_strvec_push(&cmd.args, command);
	/* the command works on the scratch worktree, not on ours */
	para_strvec_push(&cmd.env, "GIT_DIR");
	para_strvec_push(&cmd.env, "GIT_WORK_TREE");
	para_strvec_push(&cmd.env, "GIT_INDEX_FILE");
	para_strvec_push(&cmd.env, "GIT_COMMON_DIR");
	para_strvec_push(&cmd.env, "GIT_PREFIX");
	para_strvec_pushf(&cmd.env, "PARA_VERIFY_COMMIT=%s", commit);
	para_strvec_pushf(&cmd.env, "PARA_VERIFY_TASKS=%s", names.buf);
	cmd.dir = path;
	cmd.stdin_null = 1;
	cmd.out = &out->output;
	cmd.err_to_out = 1;
	cmd.timeout = timeout;
	para_strbuf_reset(&out->output);
	status = para_command_run(&cmd);
	if (status < 0) {
		status = para_error_set(PARA_ERROR, "cannot run the verify "
					"command '%s': %s", command,
					para_error_last());
	} else {
		out->status = status;
		out->passed = !status && !cmd.timed_out;
		out->timed_out = cmd.timed_out;
		if (cmd.timed_out) {
			char limit[32];

			para_duration_format(limit, sizeof(limit), timeout);
			if (out->output.len &&
			    out->output.buf[out->output.len - 1] != '\n')
				para_strbuf_addch(&out->output, '\n');
			para_strbuf_addf(&out->output, "verify timed out after "
					 "%s (para.verifyTimeout): killed\n",
					 limit);
		}
		status = 0;
	}
	para_strbuf_dispose(&names);
	free(path);
	return status;
}

int para_verify_commit(struct para_verify *out, struct para_repo *repo,
		       const char *commit, const char *command,
		       const struct para_strvec *tasks, long long timeout)
{
	int error;

	if ((error = para_verify_cached(out, repo, commit, command)) != 0)
		return error < 0 ? error : 0;
	out->cached = 0;
	if ((error = worktree_prepare(repo, commit)) < 0 ||
	    (error = run_command(out, repo, commit, command, tasks,
				 timeout)) < 0)
		return error;
	/* a time limit says as much about the machine as about the tree */
	return out->timed_out ? 0 : cache_store(repo, commit, command, out);
}
