#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "command.h"
#include "error.h"
#include "prune-remote.h"

/* Runs git in the repository; 0, or an error with git's message. */
static int run(struct para_strbuf *out, struct para_repo *repo,
	       const char *what, struct para_strvec *args)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf err = PARA_STRBUF_INIT;
	size_t i;
	int status, error = 0;

	cmd.git = 1;
	cmd.stdin_null = 1;
	cmd.out = out;
	cmd.err = &err;
	para_strvec_pushf(&cmd.args, "--git-dir=%s",
			  para_repo_commondir(repo));
	for (i = 0; i < args->nr; i++)
		para_strvec_push(&cmd.args, args->v[i]);
	para_strvec_dispose(args);
	if ((status = para_command_run(&cmd)) != 0) {
		para_strbuf_rtrim(&err);
		error = para_error_set(PARA_ERROR, "%s: %s", what,
				       err.len ? err.buf : "git failed");
	}
	para_strbuf_dispose(&err);
	return error;
}

/* 1 if commit `hex` is known here and contained in `tip`. */
static int holds(struct para_repo *repo, const char *tip, const char *hex)
{
	git_odb *odb = NULL;
	git_oid a, b;
	int ret = 0;

	if (git_oid_fromstr(&a, hex) < 0 || git_oid_fromstr(&b, tip) < 0 ||
	    git_repository_odb(&odb, repo->git) < 0)
		goto out;
	if (git_odb_exists(odb, &a) == 1)
		ret = para_repo_is_ancestor(repo, &a, &b) == 1;
out:
	git_error_clear();
	para_error_clear();
	git_odb_free(odb);
	return ret;
}

int para_prune_remote_check(struct para_prune_remote *out,
			    struct para_repo *repo, const struct para_task *t,
			    const struct para_prune_verdict *v,
			    const char *remote)
{
	struct para_strvec args = PARA_STRVEC_INIT;
	struct para_strbuf sb = PARA_STRBUF_INIT;
	char *what = para_xstrfmt("cannot ask remote '%s' about branch '%s'",
				  remote, t->branch);
	int error;

	memset(out, 0, sizeof(*out));
	out->remote = remote;
	para_strvec_pushv(&args, (const char *[]){ "ls-remote", "--heads",
			  "--", remote, NULL });
	para_strvec_pushf(&args, "refs/heads/%s", t->branch);
	if ((error = run(&sb, repo, what, &args)) < 0)
		goto out;
	if (sb.len < GIT_OID_HEXSZ || sb.buf[GIT_OID_HEXSZ] != '\t')
		goto out;	/* not there */
	snprintf(out->tip, sizeof(out->tip), "%.*s", GIT_OID_HEXSZ, sb.buf);
	if (!v->merged && !v->pr_merged)
		out->state = PARA_PRUNE_REMOTE_UNMERGED;
	else if (!*v->tip || !holds(repo, v->tip, out->tip))
		out->state = PARA_PRUNE_REMOTE_AHEAD;
	else
		out->state = PARA_PRUNE_REMOTE_DELETE;
out:
	para_strbuf_dispose(&sb);
	free(what);
	return error;
}

int para_prune_remote_delete(struct para_repo *repo,
			     const struct para_task *t,
			     const struct para_prune_remote *r)
{
	struct para_strvec args = PARA_STRVEC_INIT;
	char *what = para_xstrfmt("cannot delete branch '%s' on '%s'",
				  t->branch, r->remote);
	int error;

	para_strvec_pushv(&args, (const char *[]){ "push", "--quiet", NULL });
	para_strvec_pushf(&args, "--force-with-lease=refs/heads/%s:%s",
			  t->branch, r->tip);
	para_strvec_push(&args, "--");
	para_strvec_push(&args, r->remote);
	para_strvec_pushf(&args, ":refs/heads/%s", t->branch);
	error = run(NULL, repo, what, &args);
	free(what);
	return error;
}

void para_prune_remote_describe(struct para_strbuf *out,
				const struct para_prune_remote *r)
{
	switch (r->state) {
	case PARA_PRUNE_REMOTE_DELETE:
		para_strbuf_addf(out, "branch deleted on '%s'", r->remote);
		break;
	case PARA_PRUNE_REMOTE_UNMERGED:
		para_strbuf_addf(out, "branch kept on '%s': not merged", r->remote);
		break;
	case PARA_PRUNE_REMOTE_AHEAD:
		para_strbuf_addf(out, "branch kept on '%s': it has commits the task "
				 "lacks", r->remote);
		break;
	default:
		break;
	}
}
