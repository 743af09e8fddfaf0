#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "error.h"
#include "prune-precious.h"
#include "strbuf.h"
#include "worktree-provision.h"

/* A provisioned file the task left as it was, or a provisioned directory. */
static int provisioned_as_is(const struct para_provision *p,
			     const struct para_strvec *changed,
			     const char *path)
{
	return para_provision_covers(p, path) &&
	       !para_strvec_contains(changed, path);
}

static int list_matching(struct para_strvec *out, const char *worktree,
			 const struct para_strvec *patterns)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf sb = PARA_STRBUF_INIT, err = PARA_STRBUF_INIT;
	size_t i, pos;
	int status, error = 0;

	cmd.git = 1;
	cmd.dir = worktree;
	cmd.stdin_null = 1;
	cmd.out = &sb;
	cmd.err = &err;
	/* -i with only these patterns: the untracked files they match */
	para_strvec_pushv(&cmd.args, (const char *[]){ "ls-files", "-z",
			  "--others", "--ignored", NULL });
	for (i = 0; i < patterns->nr; i++)
		if (*patterns->v[i])
			para_strvec_pushf(&cmd.args, "--exclude=%s",
					  patterns->v[i]);
	if ((status = para_command_run(&cmd)) != 0) {
		para_strbuf_rtrim(&err);
		error = para_error_set(PARA_ERROR, "cannot list the ignored "
				       "files of '%s': %s", worktree,
				       err.len ? err.buf : "git ls-files failed");
		goto out;
	}
	for (pos = 0; pos < sb.len; pos += strlen(sb.buf + pos) + 1)
		para_strvec_push(out, sb.buf + pos);
out:
	para_strbuf_dispose(&sb);
	para_strbuf_dispose(&err);
	return error;
}

int para_prune_precious(struct para_strvec *out, const struct para_repo *repo,
			const struct para_task *t,
			const struct para_strvec *patterns)
{
	struct para_strvec found = PARA_STRVEC_INIT, changed = PARA_STRVEC_INIT;
	struct para_provision p = PARA_PROVISION_INIT;
	size_t i;
	int error;

	if (!patterns || !patterns->nr)
		return 0;
	if ((error = list_matching(&found, t->worktree, patterns)) < 0 ||
	    (error = para_provision_load(&p, repo, t->name)) < 0 ||
	    (error = para_provision_changed(&changed, &p, t->worktree)) < 0)
		goto out;
	for (i = 0; i < found.nr; i++)
		if (!provisioned_as_is(&p, &changed, found.v[i]))
			para_strvec_push(out, found.v[i]);
	para_strvec_sort(out);
out:
	para_provision_dispose(&p);
	para_strvec_dispose(&changed);
	para_strvec_dispose(&found);
	return error;
}
