#include <stdlib.h>
#include <string.h>
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

int para_taskgit_merge(const char *worktree, const struct para_strvec *branches,
		       int log)
{
	struct para_strbuf out = PARA_STRBUF_INIT, files = PARA_STRBUF_INIT;
	int error = 0;
	size_t i;

	for (i = 0; i < branches->nr && !error; i++) {
		char *msg = para_xstrfmt("Merge branch '%s' (a dependency)",
					 branches->v[i]);
		int status = para_git(&out, &out, worktree, "merge",
				      "--no-edit", "-m", msg, branches->v[i],
				      NULL);

		free(msg);
		to_log(log, &out);
		if (status) {
			conflicted_files(&files, worktree);
			if (files.len)
				error = para_error_set(PARA_ERROR,
					"merging '%s' conflicts in %s",
					branches->v[i], files.buf);
			else
				error = para_error_set(PARA_ERROR,
					"cannot merge '%s': %s", branches->v[i],
					out.len ? out.buf : "git merge failed");
			para_git(NULL, NULL, worktree, "merge", "--abort", NULL);
		}
		para_strbuf_reset(&out);
	}
	para_strbuf_dispose(&out);
	para_strbuf_dispose(&files);
	return error;
}

int para_taskgit_commit_all(const char *worktree, const char *message,
			    int log)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	int error = 0;

	if (para_git(&out, &out, worktree, "add", "-A", NULL) ||
	    para_git(&out, &out, worktree, "commit", "-q", "--no-verify", "-m",
		     message, NULL)) {
		para_strbuf_rtrim(&out);
		error = para_error_set(PARA_ERROR,
			"cannot commit what was left in '%s': %s", worktree,
			out.buf);
	} else {
		to_log(log, &out);
	}
	para_strbuf_dispose(&out);
	return error;
}

int para_taskgit_commit_leftovers(int *committed, const char *worktree,
				  const char *message, int log)
{
	struct para_strbuf out = PARA_STRBUF_INIT;
	int error = 0;

	*committed = 0;
	if (para_git(&out, &out, worktree, "status", "--porcelain",
		     "--untracked-files=all", NULL))
		error = para_error_set(PARA_ERROR, "cannot read the status of '%s': %s",
				       worktree, out.buf);
	else if (out.len && !(error = para_taskgit_commit_all(worktree, message,
							       log)))
		*committed = 1;
	para_strbuf_dispose(&out);
	return error;
}
