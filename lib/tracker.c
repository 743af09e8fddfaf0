#include <stdlib.h>

#include "command.h"
#include "error.h"
#include "tracker.h"

/* What is shown of a failing command's stderr, at most. */
#define STDERR_SHOWN 2000

int para_tracker_run(struct para_strbuf *out, struct para_repo *repo,
		     struct para_config *config, const char *key,
		     const struct para_strvec *env, const char *what,
		     const char *hint)
{
	struct para_command cmd = PARA_COMMAND_INIT;
	struct para_strbuf err = PARA_STRBUF_INIT;
	const char *command = NULL;
	int status;

	if ((status = para_config_string(&command, config, key)) < 0)
		return status;
	cmd.dir = para_repo_git_cwd(repo);
	cmd.out = out;
	cmd.err = &err;
	cmd.stdin_null = 1;
	para_strvec_push(&cmd.args, "/bin/sh");
	para_strvec_push(&cmd.args, "-c");
	para_strvec_push(&cmd.args, command);
	para_strvec_pushv(&cmd.env, (const char *const *)env->v);
	status = para_command_run(&cmd);
	para_strbuf_rtrim(&err);
	if (err.len > STDERR_SHOWN) {
		para_strbuf_setlen(&err, STDERR_SHOWN);
		para_strbuf_addstr(&err, "...");
	}
	if (status < 0) {
		char *cause = para_strdup(para_error_last());

		para_error_set(status, "%s: %s '%s' could not be run: %s", what,
			       key, command, cause);
		free(cause);
	} else if (status) {
		status = para_error_set(PARA_ERROR, "%s: %s '%s' failed (exit "
					"status %d)%s%s%s%s", what, key,
					command, status, err.len ? ": " : "",
					err.buf, hint ? "\nhint: " : "",
					hint ? hint : "");
	}
	para_strbuf_dispose(&err);
	return status;
}
