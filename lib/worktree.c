#include <limits.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "command.h"
#include "error.h"
#include "worktree.h"

static void to_log(int log, const struct para_strbuf *sb)
{
	/* a log we cannot write must not stop the run */
	if (log >= 0 && sb->len && write(log, sb->buf, sb->len) < 0)
		return;
}

/*
 * git's own words for what went wrong, on one line: its first "error:"
 * or "fatal:" line without that prefix (else its first line), without
 * a closing ':' that announced a list.  The rest is for the log.
 */
static void git_summary(struct para_strbuf *out, const char *text)
{
	const char *line = NULL, *p, *end;
	size_t len;

	for (p = text; *p; p = *end ? end + 1 : end) {
		end = strchrnul(p, '\n');
		if (!line && end > p)
			line = p;
		if (!strncmp(p, "error: ", 7) || !strncmp(p, "fatal: ", 7)) {
			line = p + 7;
			break;
		}
	}
	if (!line) {
		para_strbuf_addstr(out, "git gave no reason");
		return;
	}
	len = strchrnul(line, '\n') - line;
	while (len && (line[len - 1] == ':' || line[len - 1] == ' ' ||
		       line[len - 1] == '\r'))
		len--;
	para_strbuf_add(out, line, len);
}

/* Lists the unmerged files, comma-separated, into `out`. */
static void conflicted_files(struct para_strbuf *out, const char *worktree)
{
	struct para_strbuf files = PARA_STRBUF_INIT;
	struct para_strvec list = PARA_STRVEC_INIT;
	size_t i;

	para_git(&files, NULL, worktree, "diff", "--name-only",
		 "--diff-filter=U", NULL);
	para_strvec_split_lines(&list, files.buf);
	for (i = 0; i < list.nr; i++)
		para_strbuf_addf(out, "%s%s", i ? ", " : "", list.v[i]);
	para_strvec_dispose(&list);
	para_strbuf_dispose(&files);
}

/*
 * A merge that stopped half way is aborted; one that never began (git
 * refused to start it) has nothing to abort.
 */
static void abort_merge(const char *worktree, int log)
{
	struct para_strbuf out = PARA_STRBUF_INIT;

	if (!para_git(&out, &out, worktree, "rev-parse", "-q", "--verify",
		      "MERGE_HEAD", NULL)) {
		para_strbuf_reset(&out);
		para_git(&out, &out, worktree, "merge", "--abort", NULL);
		to_log(log, &out);
	}
	para_strbuf_dispose(&out);
}

static int merge_failed(const char *worktree, const char *branch,
			const struct para_strbuf *out)
{
	struct para_strbuf why = PARA_STRBUF_INIT;
	int error;

	conflicted_files(&why, worktree);
	if (why.len) {
		error = para_error_set(PARA_ERROR, "merging '%s' conflicts in %s",
				       branch, why.buf);
	} else {
		git_summary(&why, out->buf);
		error = para_error_set(PARA_ERROR,
			"cannot merge '%s': %s (git's output is in the log)",
			branch, why.buf);
	}
	para_strbuf_dispose(&why);
	return error;
}

int para_taskgit_merge(const char *worktree, const struct para_strvec *branches,
		       int log)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	int error = 0;
	size_t i;

	for (i = 0; i < branches->nr && !error; i++) {
		char *msg = para_xstrfmt("Merge branch '%s' (a dependency)",
					 branches->v[i]);
		/* the full name: a tag or commit id spelt alike never wins */
		char *ref = para_xstrfmt("refs/heads/%s", branches->v[i]);
		int status = para_git(&out, &out, worktree, "merge",
				      "--no-edit", "-m", msg, ref, NULL);

		free(msg);
		free(ref);
		to_log(log, &out);
		if (status) {
			error = merge_failed(worktree, branches->v[i], &out);
			abort_merge(worktree, log);
		}
		para_strbuf_reset(&out);
	}
	para_strbuf_dispose(&out);
	return error;
}

int para_taskgit_commit_all(const char *worktree, const char *message,
			    int log)
{
	struct para_strbuf out = PARA_STRBUF_INIT, why = PARA_STRBUF_INIT;
	int error = 0;

	/*
	 * --sparse: what the task wrote outside its sparse patterns is its
	 * work too (whether it belongs there is for the domain check).
	 */
	if (para_git(&out, &out, worktree, "add", "-A", "--sparse", NULL) ||
	    para_git(&out, &out, worktree, "commit", "-q", "--no-verify", "-m",
		     message, NULL)) {
		git_summary(&why, out.buf);
		error = para_error_set(PARA_ERROR,
			"cannot commit what was left in '%s': %s (git's output is in the log)",
			worktree, why.buf);
	}
	to_log(log, &out);
	para_strbuf_dispose(&out);
	para_strbuf_dispose(&why);
	return error;
}

int para_taskgit_commit_leftovers(int *committed, const char *worktree,
				  const char *message, int log)
{
	struct para_strbuf out = PARA_STRBUF_INIT, why = PARA_STRBUF_INIT;
	int error = 0;

	*committed = 0;
	if (para_git(&out, &out, worktree, "status", "--porcelain",
		     "--untracked-files=all", NULL)) {
		to_log(log, &out);
		git_summary(&why, out.buf);
		error = para_error_set(PARA_ERROR,
			"cannot read the status of '%s': %s (git's output is in the log)",
			worktree, why.buf);
	} else if (out.len && !(error = para_taskgit_commit_all(worktree, message,
							       log)))
		*committed = 1;
	para_strbuf_dispose(&out);
	para_strbuf_dispose(&why);
	return error;
}

/* The first line of the small file `path`, trimmed, or NULL. */
static char *first_line(const char *path)
{
	struct para_strbuf sb = PARA_STRBUF_INIT;

	if (para_strbuf_read_file(&sb, path) < 0) {
		para_strbuf_dispose(&sb);
		return NULL;
	}
	sb.buf[strcspn(sb.buf, "\n")] = '\0';
	return para_strbuf_detach(&sb);
}

int para_worktree_registered(const char *commondir, const char *path)
{
	char real[PATH_MAX], common[PATH_MAX], gitdir[PATH_MAX];
	char *dotgit = para_xstrfmt("%s/.git", path), *line = NULL;
	char *back = NULL, *back_line = NULL, *expect = NULL;
	struct stat st;
	size_t len;
	int ok = 0;

	/* a symlink put in its place leads elsewhere: never follow it */
	if (lstat(path, &st) < 0 || !S_ISDIR(st.st_mode) ||
	    lstat(dotgit, &st) < 0 || !S_ISREG(st.st_mode) ||
	    !realpath(path, real) || !realpath(commondir, common) ||
	    !(line = first_line(dotgit)) || strncmp(line, "gitdir: ", 8) ||
	    !realpath(line + 8, gitdir))
		goto out;
	len = strlen(common);
	if (strncmp(gitdir, common, len) || strncmp(gitdir + len, "/worktrees/", 11))
		goto out;
	/* and git's record of that worktree points back at this directory */
	back = para_xstrfmt("%s/gitdir", gitdir);
	expect = para_xstrfmt("%s/.git", real);
	if ((back_line = first_line(back)) && realpath(back_line, gitdir))
		ok = !strcmp(gitdir, expect);
out:
	free(dotgit);
	free(line);
	free(back);
	free(back_line);
	free(expect);
	return ok;
}
