/*
 * git-para-attach: step into a task, in the tmux window of its running
 * attempt, or by resuming its agent's session here.  The deciding and
 * the running are lib/attach.h.
 */
#include <stdio.h>
#include <stdlib.h>

#include "attach.h"
#include "cmd-config.h"
#include "config.h"
#include "error.h"
#include "parse-options.h"
#include "repo.h"
#include "strbuf.h"
#include "strvec.h"
#include "task-select.h"
#include "usage.h"

static const char *const attach_usage[] = {
	"git para attach [--resume] <task>",
	NULL
};

/* A fatal error with hints after it, as git gives them. */
static int refuse(const char *why, const char *hint1, const char *hint2)
{
	fprintf(stderr, "fatal: %s\n", why);
	if (hint1)
		fprintf(stderr, "hint: %s\n", hint1);
	if (hint2)
		fprintf(stderr, "hint: %s\n", hint2);
	return 128;
}

static int not_shown(const struct para_attach *a, const char *name,
		     const char *resume)
{
	struct para_strbuf why = PARA_STRBUF_INIT, hint = PARA_STRBUF_INIT;
	int status;

	if (a->how == PARA_ATTACH_HEADLESS) {
		para_strbuf_addf(&why, "task '%s' runs headless, in no tmux "
				 "window", name);
		para_strbuf_addf(&hint, "stop it ('git para stop %s') and "
				 "resume it here: 'git para attach --resume %s'",
				 name, name);
		status = refuse(why.buf, resume ? hint.buf :
				"to resume it here, set 'para.resumeCommand' "
				"and stop it ('git para stop')",
				"or run it in tmux: 'git para run --tmux'");
	} else {
		para_strbuf_addf(&why, "task '%s' is not running (it is %s)",
				 name, para_task_state_name(a->state));
		para_strbuf_addf(&hint, "'git para attach --resume %s' resumes "
				 "its session here", name);
		status = refuse(why.buf, resume ? hint.buf : NULL, NULL);
	}
	para_strbuf_dispose(&why);
	para_strbuf_dispose(&hint);
	return status;
}

static int resume_here(struct para_repo *repo, const char *name,
		       const char *resume)
{
	int code = 0;

	if (!resume)
		die("--resume needs 'para.resumeCommand', the command that "
		    "resumes an agent's session (e.g. claude --resume "
		    "\"$PARA_AGENT_SESSION_ID\")");
	if (para_attach_resume(&code, repo, name, resume) < 0)
		die_lib();
	if (code == 0)
		return 0;
	if (code < 0)
		error("the resume command of task '%s' was killed", name);
	else
		error("the resume command of task '%s' failed (exit code %d)",
		      name, code);
	return 1;
}

int cmd_main(int argc, const char **argv)
{
	struct para_attach a = PARA_ATTACH_INIT;
	struct para_strvec names = PARA_STRVEC_INIT;
	struct para_config *config = NULL;
	struct para_repo *repo = NULL;
	const char *resume;
	int resuming = 0, status = 0;
	const struct option options[] = {
		OPT_BOOL(0, "resume", &resuming,
			 "resume its agent's session here (para.resumeCommand)"),
		OPT_END()
	};

	argc = parse_options(argc, argv, options, attach_usage, 0);
	if (argc != 1)
		usage_msg_opt(argc ? "too many arguments" : "which task?",
			      attach_usage, options);
	if (para_lib_init() < 0 || para_repo_open(&repo) < 0 ||
	    para_config_open(&config, repo) < 0)
		die_lib();
	if (para_task_select(&names, repo, argv, 1, PARA_SELECT_EXISTING) < 0)
		die_lib();
	resume = cfg_string(config, "para.resumeCommand");
	if (resume && !*resume)
		resume = NULL;
	if (resuming) {
		status = resume_here(repo, argv[0], resume);
	} else {
		if (para_attach_plan(&a, repo, argv[0], getenv("TMUX")) < 0)
			die_lib();
		if (a.how != PARA_ATTACH_WINDOW)
			status = not_shown(&a, argv[0], resume);
		else if (para_attach_window(&a, argv[0]) < 0)
			die_lib();
	}
	para_attach_dispose(&a);
	para_strvec_dispose(&names);
	para_config_free(config);
	para_repo_free(repo);
	return status;
}
